"""The budgets' sheets of the auditors' workbook: one per 勘定, 予算執行 and 端数差異, registered in `SHEETS`
(found by `reports.registry`)."""

from budgets.selectors import budget_grid_list
from budgets.sheets.accounts import write_budget_sheets
from budgets.sheets.execution import write_execution
from budgets.sheets.reconciliation import write_reconciliation
from smrj_plan.xlsx.spec import SheetSpec


def _grids(ctx, data):
    # Read once for the account sheets and the reconciliation.
    return data.once("budget_grids", lambda: budget_grid_list(fiscal_year=ctx.year))


SHEETS = [
    SheetSpec(
        order=200,
        title="一般勘定〜出資承継勘定",
        description="勘定ごと（6枚）に予算計画（別紙1）・収支計画（別紙2）・資金計画（別紙3）を公表の体裁で（単位：百万円）",
        write=lambda wb, ctx, data: write_budget_sheets(
            wb, ctx, _grids(ctx, data), taken=set(data.reserved_titles)
        ),
        count_label="勘定",
        fixed_title=False,
    ),
    SheetSpec(
        order=300,
        title="予算執行",
        description="勘定・予算計画の行・列ごとの予算額、四半期ごとの執行額と累計、差額（執行額－予算額）、執行率、備考",
        write=lambda wb, ctx, data: write_execution(wb, ctx),
        count_label="予算執行",
    ),
    SheetSpec(
        order=400,
        title="端数差異",
        description="公表の合計・小計と内訳の合計が一致しない箇所と差額（端数差異／誤り）",
        write=lambda wb, ctx, data: write_reconciliation(wb, ctx, _grids(ctx, data)),
        count_label="端数差異",
    ),
]
