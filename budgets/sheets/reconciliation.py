"""端数差異: every published total that is not the sum of its parts (`budgets.selectors`), rounding or error."""

from __future__ import annotations

from budgets.selectors import ROUNDING_TOLERANCE, BudgetGrid, grid_reconciliation
from smrj_plan.xlsx import cells
from smrj_plan.xlsx.context import ExportContext

HEADERS = ["計画", "勘定", "行", "列", "検算", "公表値", "内訳の合計", "差額（公表値－内訳の合計）", "判定"]
WIDTHS = [12, 22, 28, 40, 10, 13, 13, 16, 10]


def write_reconciliation(wb, ctx: ExportContext, grids: list[BudgetGrid]) -> int:
    """The same list as `budget_reconciliation_list` (which runs `grid_reconciliation` over the year's grids),
    from the grids already read for the account sheets."""
    ws = cells.titled_sheet(
        wb,
        "端数差異",
        widths=WIDTHS,
        freeze="A4",
        title_rows="3:3",
        title=f"端数差異　{ctx.year_label}　予算計画・収支計画・資金計画の合計と内訳",
        note=f"※端数処理の関係で合計が合わないことがある。差額の絶対値が{ROUNDING_TOLERANCE}百万円以下は端数差異、"
        "それを超えるものは不一致（赤字）。「-」は0として計算。単位：百万円。",
    )
    cells.header_row(ws, HEADERS, WIDTHS)
    items = [item for grid in grids for item in grid_reconciliation(grid)]
    for item in items:
        color = cells.ERROR_FONT_COLOR if item.severity == "error" else None
        ws.append(
            [
                cells.text(ws, item.kind_label),
                cells.text(ws, item.account_name),
                cells.text(ws, item.row_label),
                cells.text(ws, item.column_label),
                cells.text(ws, item.check_label),
                cells.amount(ws, item.published),
                cells.number(ws, item.computed, fmt=cells.SIGNED_FORMAT),
                cells.number(
                    ws, item.difference, fmt=cells.SIGNED_FORMAT, color=color, bold=color is not None
                ),
                cells.text(ws, item.severity_label, color=color, bold=color is not None, align="center"),
            ]
        )
    if not items:
        ws.append([cells.text(ws, "差異はありません。")])
    ws.auto_filter.ref = f"A3:I{3 + max(len(items), 1)}"
    return len(items)
