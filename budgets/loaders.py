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

from budgets.models import Account, BudgetCell, BudgetColumn, BudgetRow, BudgetTable
from measures.models import Department, FiscalYear

FIXTURE_DIR = Path(settings.BASE_DIR) / "fixtures" / "plan_r6"
FIXTURE_NAME = "budgets.json"


def _amount(value) -> Decimal | None:
    return None if value is None else Decimal(value)


def _sync_by_order(model, table: BudgetTable, specs: list[dict], values_of) -> tuple[dict, list]:
    """Create, or update in place, a table's columns or rows matched by their order.

    Returns them by order, and the stale ones the fixture no longer has (the caller deletes those last)."""
    existing = {obj.order: obj for obj in model.objects.filter(table=table)}
    result = {}
    for spec in specs:
        values = values_of(spec)
        obj = existing.pop(spec["order"], None)
        if obj is None:
            obj = model.objects.create(table=table, order=spec["order"], **values)
        elif any(getattr(obj, f) != v for f, v in values.items()):
            for f, v in values.items():
                setattr(obj, f, v)
            obj.save(update_fields=list(values))
        result[spec["order"]] = obj
    return result, list(existing.values())


def _delete_stale(stale: list) -> None:
    # A line with executed amounts keeps them: it stays rather than losing what was entered against it.
    for obj in stale:
        if not obj.executions.exists():
            obj.delete()


def _sync_columns(
    table: BudgetTable, specs: list[dict], departments: dict[str, Department]
) -> dict[int, BudgetColumn]:
    result, stale = _sync_by_order(
        BudgetColumn,
        table,
        specs,
        lambda spec: {
            "segment": spec["segment"],
            "ledger": spec["ledger"],
            "role": spec["role"],
            "department": departments.get(spec.get("department") or ""),
        },
    )
    _delete_stale(stale)
    return result


def _sync_rows(table: BudgetTable, specs: list[dict]) -> dict[int, BudgetRow]:
    result, stale = _sync_by_order(
        BudgetRow,
        table,
        specs,
        lambda spec: {
            "label": spec["label"],
            "level": spec["level"],
            "role": spec["role"],
            "parts": spec["parts"],
        },
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
    """Create or update accounts, tables, columns, rows and cells, matched by their natural keys.

    Returns counts for load_plan's report."""
    with open(fixture_dir / FIXTURE_NAME, encoding="utf-8") as fh:
        data = json.load(fh)
    fiscal_year, _ = FiscalYear.objects.get_or_create(year=data["fiscal_year"])
    departments = {d.code: d for d in Department.objects.all()}
    accounts = {}
    for spec in data["accounts"]:
        accounts[spec["code"]], _ = Account.objects.update_or_create(
            code=spec["code"], defaults={"name": spec["name"], "order": spec["order"]}
        )
    cells = 0
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
        columns = _sync_columns(table, spec["columns"], departments)
        rows = _sync_rows(table, spec["rows"])
        cells += _sync_cells(table, rows, columns, spec["rows"])
    return {"勘定": len(accounts), "予算表": len(data["tables"]), "予算表のセル": cells}
