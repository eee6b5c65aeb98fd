"""Reads of the shared review core: the quarter locks' history rows, through the one diff of
`smrj_plan.history` (the quarter history page and the workbook's 変更履歴 sheet read the same rows)."""

from collections.abc import Iterator

from measures.models import FiscalYear
from smrj_plan.history import HistoryRow, HistorySource, history_rows
from smrj_plan.models import QuarterLock

LOCK_FIELDS = ["is_locked", "reason"]
LOCK_LABELS = {True: "締め済み", False: "受付中"}


def quarter_lock_history_rows(
    *, fiscal_year: FiscalYear, quarter: int | None = None, order: int = 3
) -> Iterator[HistoryRow]:
    """Every 締め and 締め解除 of `fiscal_year` (one `quarter`, or all), oldest first, with its reason."""
    history = QuarterLock.history.filter(fiscal_year_id=fiscal_year.pk)
    if quarter is not None:
        history = history.filter(quarter=quarter)
    target = f"{fiscal_year.short_label} 四半期の締め"
    return history_rows(
        HistorySource(
            kind="締め",
            model=QuarterLock,
            queryset=history,
            fields=LOCK_FIELDS,
            extra=("quarter",),
            target=lambda snap: target,
            quarter=lambda snap: snap["quarter"],
            state=lambda snap: LOCK_LABELS[bool(snap.get("is_locked"))],
            value_labels={"is_locked": LOCK_LABELS},
            order=order,
        )
    )
