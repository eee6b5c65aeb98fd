"""Loads the 18 budget tables from fixtures/plan_r6/budgets.json (idempotent).

Natural keys: 勘定 by code, a table by (fiscal_year, account, kind), its columns and rows by (table, order),
a cell by (row, column). Running it again never duplicates anything; a changed figure or label is updated in
place, and a cell that is no longer published is removed. The fixture is generated from the plan's text by
`budgets/seed_tables.py`.
"""

import json
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db.models import F

from budgets.models import Account, BudgetCell, BudgetColumn, BudgetRow, BudgetTable
from measures.models import Department, FiscalYear

FIXTURE_DIR = Path(settings.BASE_DIR) / "fixtures" / "plan_r6"
FIXTURE_NAME = "budgets.json"
REORDER_OFFSET = 10000


def _amount(value) -> Decimal | None:
    return None if value is None else Decimal(value)


def _sync(model, table: BudgetTable, specs: list[dict], values_of, key_of) -> tuple[dict, list]:
    """Create, or update in place, a table's columns or rows.

    An existing object is matched by its key (a column's 業務 and 経理, a row's label under its parent) and
    failing that by its order, so a revised table that inserts a row keeps the executed amounts entered
    against the rows that follow it. Returns them by order, and the stale ones the data no longer has (the
    caller deletes those last)."""
    existing = list(model.objects.filter(table=table).order_by("order"))
    by_key: dict = {}
    for obj in existing:
        by_key.setdefault(key_of(obj), []).append(obj)
    matched: dict[int, object] = {}
    used = set()
    for spec in specs:
        candidates = [o for o in by_key.get(spec["key"], []) if o.pk not in used]
        if candidates:
            matched[spec["order"]] = candidates[0]
            used.add(candidates[0].pk)
    for spec in specs:
        if spec["order"] in matched:
            continue
        same_order = next((o for o in existing if o.order == spec["order"] and o.pk not in used), None)
        if same_order is not None and key_of(same_order) not in {s["key"] for s in specs}:
            matched[spec["order"]] = same_order
            used.add(same_order.pk)
    stale = [o for o in existing if o.pk not in used]
    if any(obj.order != order for order, obj in matched.items()) or stale:
        # Orders are unique per table: move every row out of the way before giving the final ones.
        model.objects.filter(table=table).update(order=F("order") + REORDER_OFFSET)
        for obj in existing:
            obj.order += REORDER_OFFSET
    result = {}
    for spec in specs:
        values = values_of(spec)
        obj = matched.get(spec["order"])
        if obj is None:
            obj = model.objects.create(table=table, order=spec["order"], **values)
        elif obj.order != spec["order"] or any(getattr(obj, f) != v for f, v in values.items()):
            for f, v in values.items():
                setattr(obj, f, v)
            obj.order = spec["order"]
            obj.save(update_fields=[*values, "order"])
        result[spec["order"]] = obj
    last = max((spec["order"] for spec in specs), default=0)
    for offset, obj in enumerate(stale, start=1):
        obj.order = last + offset
        obj.save(update_fields=["order"])
    return result, stale


def _delete_stale(stale: list) -> None:
    # A line with executed amounts keeps them: it stays rather than losing what was entered against it.
    for obj in stale:
        if not obj.executions.exists():
            obj.delete()


def _column_key(segment: str, ledger: str, role: str) -> tuple:
    return (segment, ledger, role)


def _row_keys(specs: list[dict]) -> None:
    """Give each row spec its key: (parent label, label, n-th of that pair)."""
    labels = {spec["order"]: spec["label"] for spec in specs}
    seen: dict[tuple, int] = {}
    for spec in specs:
        pair = (labels.get(spec["parent"], ""), spec["label"])
        seen[pair] = seen.get(pair, 0) + 1
        spec["key"] = (*pair, seen[pair])


def _existing_row_keys(table: BudgetTable) -> dict[int, tuple]:
    rows = list(BudgetRow.objects.filter(table=table).order_by("order"))
    labels = {r.pk: r.label for r in rows}
    seen: dict[tuple, int] = {}
    keys = {}
    for row in rows:
        pair = (labels.get(row.parent_id, ""), row.label)
        seen[pair] = seen.get(pair, 0) + 1
        keys[row.pk] = (*pair, seen[pair])
    return keys


def _sync_columns(
    table: BudgetTable, specs: list[dict], departments: dict[str, Department]
) -> dict[int, BudgetColumn]:
    specs = [{**spec, "key": _column_key(spec["segment"], spec["ledger"], spec["role"])} for spec in specs]
    result, stale = _sync(
        BudgetColumn,
        table,
        specs,
        lambda spec: {
            "segment": spec["segment"],
            "ledger": spec["ledger"],
            "role": spec["role"],
            # A department set in the admin for a column the data leaves open is kept.
            **(
                {"department": departments.get(spec.get("department") or "")}
                if spec.get("department") or "department" not in spec
                else {}
            ),
        },
        lambda obj: _column_key(obj.segment, obj.ledger, obj.role),
    )
    _delete_stale(stale)
    return result


def _sync_rows(table: BudgetTable, specs: list[dict]) -> dict[int, BudgetRow]:
    specs = [dict(spec) for spec in specs]
    _row_keys(specs)
    keys = _existing_row_keys(table)
    result, stale = _sync(
        BudgetRow,
        table,
        specs,
        lambda spec: {
            "label": spec["label"],
            "level": spec["level"],
            "role": spec["role"],
            "parts": spec["parts"],
        },
        lambda obj: keys.get(obj.pk),
    )
    # Parents point at rows of the same table, so link them once every row exists.
    for spec in specs:
        row = result[spec["order"]]
        parent = result[spec["parent"]] if spec["parent"] else None
        if row.parent_id != (parent.pk if parent else None):
            row.parent = parent
            row.save(update_fields=["parent"])
    _delete_stale(stale)
    return result


def _sync_cells(
    table, rows: dict[int, BudgetRow], columns: dict[int, BudgetColumn], specs: list[dict]
) -> int:
    existing = {(c.row_id, c.column_id): c for c in BudgetCell.objects.filter(row__table=table)}
    create, update = [], []
    for spec in specs:
        row = rows[spec["order"]]
        for column_order, raw in spec["cells"].items():
            column = columns[int(column_order)]
            amount = _amount(raw)
            cell = existing.pop((row.pk, column.pk), None)
            if cell is None:
                create.append(BudgetCell(row=row, column=column, amount=amount))
            elif cell.amount != amount:
                cell.amount = amount
                update.append(cell)
    BudgetCell.objects.bulk_create(create)
    BudgetCell.objects.bulk_update(update, ["amount"])
    if existing:
        BudgetCell.objects.filter(pk__in=[c.pk for c in existing.values()]).delete()
    return sum(len(spec["cells"]) for spec in specs)


def load_budgets(*, fixture_dir: Path = FIXTURE_DIR) -> dict[str, int]:
    """Create or update the budget tables from the fixture folder. Returns counts for load_plan's report."""
    with open(fixture_dir / FIXTURE_NAME, encoding="utf-8") as fh:
        return budgets_apply(data=json.load(fh))


def budgets_apply(*, data: dict) -> dict[str, int]:
    """Create or update accounts, tables, columns, rows and cells, matched by their natural keys.

    `data` has the shape of budgets.json (budgets/seed_tables.py builds it from any year's text). Tables of
    the year that the data no longer has are deleted unless executed amounts were entered against them."""
    fiscal_year, _ = FiscalYear.objects.get_or_create(year=data["fiscal_year"])
    departments = {d.code: d for d in Department.objects.all()}
    accounts = {}
    for spec in data["accounts"]:
        accounts[spec["code"]], _ = Account.objects.update_or_create(
            code=spec["code"], defaults={"name": spec["name"], "order": spec["order"]}
        )
    cells = 0
    kept = []
    for spec in data["tables"]:
        table, _ = BudgetTable.objects.update_or_create(
            fiscal_year=fiscal_year,
            account=accounts[spec["account"]],
            kind=spec["kind"],
            defaults={
                "unit": spec["unit"],
                "note": spec["note"],
                "header": spec["header"],
                "source_line": spec.get("source_line"),
            },
        )
        kept.append(table.pk)
        columns = _sync_columns(table, spec["columns"], departments)
        rows = _sync_rows(table, spec["rows"])
        cells += _sync_cells(table, rows, columns, spec["rows"])
    stale = BudgetTable.objects.filter(fiscal_year=fiscal_year).exclude(pk__in=kept)
    stale.exclude(pk__in=BudgetTable.objects.filter(rows__executions__isnull=False).values("pk")).delete()
    return {"勘定": len(accounts), "予算表": len(data["tables"]), "予算表のセル": cells}
