"""What a revised plan text changes in the budget tables: every published cell whose amount changed, appeared
or disappeared, and whole tables added or removed.

Cells are matched by what they are, not by position: the table (plan kind × 勘定), the row (its label under its
parent, e.g. 「支出 / 計」) and the column (業務 and 経理), so an inserted row does not shift every later cell.
Amounts are kept as the plan prints them: 「1,234」, 「△12」, 「-」 (no amount) and None (no cell).
"""

from __future__ import annotations

from decimal import Decimal

from budgets.models import BudgetColumn, BudgetTable
from budgets.selectors import BudgetGrid, GridCell, GridColumn, GridRow, budget_grid_list
from smrj_plan import formatting

KIND_LABELS = dict(BudgetTable.Kind.choices)


def _column_label(segment: str, ledger: str, role: str) -> str:
    if role == BudgetColumn.Role.GRAND_TOTAL:
        return "合計"
    return f"{segment}（{ledger}）" if ledger else segment


def _row_labels(rows: list[tuple[int, str, int | None]]) -> dict[int, str]:
    """order → 「収入 / 計」 (the parent's label first), numbered when the same pair repeats."""
    labels = {order: label for order, label, _ in rows}
    seen: dict[str, int] = {}
    result = {}
    for order, label, parent in rows:
        text = f"{labels[parent]} / {label}" if parent in labels else label
        seen[text] = seen.get(text, 0) + 1
        result[order] = text if seen[text] == 1 else f"{text}（{seen[text]}）"
    return result


def _shown(amount) -> str:
    return formatting.million(amount)


def _stored_cells(fiscal_year: int) -> dict[tuple[str, str], dict[tuple[str, str], str]]:
    tables = {}
    for grid in budget_grid_list(fiscal_year=fiscal_year):
        rows = _row_labels([(r.order, r.label, r.parent_order) for r in grid.rows])
        cells = {}
        for row in grid.rows:
            for column, cell in zip(grid.columns, row.cells, strict=True):
                if cell.present:
                    cells[(rows[row.order], column.label)] = _shown(cell.amount)
        tables[(grid.kind, grid.account_name)] = cells
    return tables


def _new_cells(data: dict) -> dict[tuple[str, str], dict[tuple[str, str], str]]:
    names = {a["code"]: a["name"] for a in data["accounts"]}
    tables = {}
    for spec in data["tables"]:
        columns = {
            str(c["order"]): _column_label(c["segment"], c["ledger"], c["role"]) for c in spec["columns"]
        }
        rows = _row_labels([(r["order"], r["label"], r["parent"]) for r in spec["rows"]])
        cells = {}
        for row in spec["rows"]:
            for order, raw in row["cells"].items():
                cells[(rows[row["order"]], columns[order])] = _shown(None if raw is None else Decimal(raw))
        tables[(spec["kind"], names[spec["account"]])] = cells
    return tables


def budget_changes(*, fiscal_year: int, data: dict) -> list[dict]:
    """Every cell that differs between the stored tables of the year and `data` (the shape of budgets.json)."""
    old_tables, new_tables = _stored_cells(fiscal_year), _new_cells(data)
    changes = []
    order = list(new_tables) + [key for key in old_tables if key not in new_tables]
    for key in order:
        kind, account = key
        title = f"{KIND_LABELS.get(kind, kind)}（{account}）"
        old, new = old_tables.get(key), new_tables.get(key)
        if old is None or new is None:
            changes.append(
                {
                    "table": title,
                    "row": "（表全体）",
                    "column": "",
                    "old": None if old is None else "あり",
                    "new": None if new is None else "あり",
                }
            )
            continue
        for cell in list(new) + [c for c in old if c not in new]:
            if old.get(cell) != new.get(cell):
                changes.append(
                    {
                        "table": title,
                        "row": cell[0],
                        "column": cell[1],
                        "old": old.get(cell),
                        "new": new.get(cell),
                    }
                )
    return changes


def grids_from_data(data: dict) -> list[BudgetGrid]:
    """The tables of `data` (the shape of budgets.json) as BudgetGrids, before anything is stored, so that
    `load_plan --dry-run` can reconcile them with the same `grid_reconciliation` the pages use."""
    names = {a["code"]: a["name"] for a in data["accounts"]}
    grids = []
    for n, spec in enumerate(data["tables"], start=1):
        columns = tuple(
            GridColumn(order=c["order"], segment=c["segment"], ledger=c["ledger"], role=c["role"])
            for c in spec["columns"]
        )
        rows = []
        for r in spec["rows"]:
            cells = tuple(
                GridCell(
                    column_order=c.order,
                    amount=None
                    if r["cells"].get(str(c.order)) is None
                    else Decimal(r["cells"][str(c.order)]),
                    present=str(c.order) in r["cells"],
                )
                for c in columns
            )
            rows.append(
                GridRow(
                    order=r["order"],
                    label=r["label"],
                    level=r["level"],
                    role=r["role"],
                    parent_order=r["parent"],
                    parts=tuple((int(o), int(s)) for o, s in r["parts"]),
                    cells=cells,
                )
            )
        grids.append(
            BudgetGrid(
                table_id=-n,
                fiscal_year=data["fiscal_year"],
                account_code=spec["account"],
                account_name=names[spec["account"]],
                kind=spec["kind"],
                kind_label=KIND_LABELS[spec["kind"]],
                attachment=BudgetTable.ATTACHMENT[spec["kind"]],
                unit=spec["unit"],
                note=spec["note"],
                header_rows=(),
                columns=columns,
                rows=tuple(rows),
            )
        )
    return grids
