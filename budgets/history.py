"""History rows of executed amounts (selectors), through the one diff of `smrj_plan.history`.

The execution history page and the workbook's 変更履歴 sheet read these rows. Access is the caller's: the page
fetches the execution through `execution_get_for_user` first.
"""

from collections.abc import Iterator

from budgets.models import BudgetColumn, BudgetExecution, BudgetRow
from measures.models import FiscalYear
from smrj_plan.history import HistoryRow, HistorySource, history_rows
from smrj_plan.workflow import EntryState

EXECUTION_FIELDS = ["amount", "note", "state", "review_comment"]
EXECUTION_KIND = "執行額"
STATE_LABELS = dict(EntryState.choices)


def execution_history_rows(
    *,
    fiscal_year: FiscalYear | None = None,
    execution: BudgetExecution | None = None,
    order: int = 1,
) -> Iterator[HistoryRow]:
    """Every change to executed amounts of `fiscal_year` (or of one `execution`), oldest first."""
    history = BudgetExecution.history.all()
    rows = BudgetRow.objects.all()
    columns = BudgetColumn.objects.all()
    if fiscal_year is not None:
        history = history.filter(row__table__fiscal_year_id=fiscal_year.pk)
        rows = rows.filter(table__fiscal_year=fiscal_year)
        columns = columns.filter(table__fiscal_year=fiscal_year)
    if execution is not None:
        history = history.filter(id=execution.pk)
        rows = rows.filter(pk=execution.row_id)
        columns = columns.filter(pk=execution.column_id)
    row_labels = {
        pk: f"{account} 予算計画 {label}"
        for pk, account, label in rows.values_list("id", "table__account__name", "label")
    }
    column_labels = {c.pk: str(c) for c in columns.only("id", "segment", "ledger")}

    def target(snap) -> str:
        row = row_labels.get(snap["row_id"], f"行#{snap['row_id']}")
        return f"{row}／{column_labels.get(snap['column_id'], '')}"

    return history_rows(
        HistorySource(
            kind=EXECUTION_KIND,
            model=BudgetExecution,
            queryset=history,
            fields=EXECUTION_FIELDS,
            extra=("row_id", "column_id", "quarter"),
            target=target,
            quarter=lambda snap: snap["quarter"],
            state=lambda snap: STATE_LABELS.get(snap.get("state"), ""),
            order=order,
        )
    )
