"""The executed amounts' part of what a 部署 owes (`smrj_plan.owed`): amounts entered for the department's
columns and left in 下書き or 差戻し.

A line with no amount is not owed: most lines of the 予算計画 have nothing executed in a given quarter, and an
empty cell is how the page says so."""

from django.urls import reverse

from budgets.models import BudgetExecution
from smrj_plan.owed import OwedItem
from smrj_plan.workflow import EDITABLE_STATES, EntryState


def owed_items(*, fiscal_year, quarters: list[int], department_id: int | None) -> list[OwedItem]:
    executions = BudgetExecution.objects.filter(
        row__table__fiscal_year=fiscal_year, quarter__in=quarters, state__in=EDITABLE_STATES
    ).select_related("row__table__account", "row__table__fiscal_year", "column")
    if department_id is not None:
        executions = executions.filter(column__department_id=department_id)
    else:
        executions = executions.filter(column__department__isnull=False)
    return [workflow_item(e) for e in executions]


def workflow_item(execution: BudgetExecution) -> OwedItem:
    """An executed amount as the owed list and the workflow's notices name it."""
    row, column = execution.row, execution.column
    account, year = row.table.account, row.table.fiscal_year.year
    path = reverse("budgets:execution", args=[account.code]) + f"?year={year}"
    return OwedItem(
        department_id=column.department_id,
        year=year,
        quarter=execution.quarter,
        kind="予算執行",
        code=account.name,
        name=f"{row.label}（{column.label}）",
        state=execution.state,
        reason=execution.review_comment if execution.state == EntryState.RETURNED else "",
        path=path,
        review_path=path,
        order=(account.order, row.order, column.order),
    )
