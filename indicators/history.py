"""History rows of actuals and final 評定 (selectors): who changed what, when, from what to what, and why.

Each selector narrows the historical table to what is asked (a year, a quarter, some indicators) and hands it
to the one diff, `smrj_plan.history.history_rows`. The history pages and the workbook's 変更履歴 sheet call these
same selectors. Access is the caller's: pass the indicators the user may read.
"""

from collections.abc import Iterator

from django.db.models import QuerySet

from indicators.models import Actual, FinalRating, Indicator
from indicators.services import INPUT_FIELDS
from measures.models import FiscalYear
from smrj_plan.history import HistoryRow, HistorySource, history_rows
from smrj_plan.workflow import EntryState

# The fields whose changes an auditor needs; bookkeeping (version, who submitted when) shows through the state.
ACTUAL_FIELDS = [*INPUT_FIELDS, "state", "review_comment"]
RATING_FIELDS = ["grade", "reason"]
STATE_LABELS = dict(EntryState.choices)


def _indicator_labels(indicators: QuerySet[Indicator]) -> dict[int, str]:
    return {pk: f"{code} {name}" for pk, code, name in indicators.values_list("id", "code", "name")}


def _scope(*, fiscal_year: FiscalYear | None, indicators: QuerySet[Indicator] | None) -> QuerySet[Indicator]:
    if indicators is not None:
        return indicators
    if fiscal_year is not None:
        return Indicator.objects.filter(plan__fiscal_year=fiscal_year)
    return Indicator.objects.all()


def actual_history_rows(
    *,
    fiscal_year: FiscalYear | None = None,
    quarter: int | None = None,
    indicators: QuerySet[Indicator] | None = None,
    order: int = 0,
) -> Iterator[HistoryRow]:
    """Every change to the actuals of `indicators` (all when None) in `fiscal_year` and `quarter` (all when None),
    oldest first, one row per changed field."""
    history = Actual.history.all()
    if fiscal_year is not None:
        history = history.filter(fiscal_year_id=fiscal_year.pk)
    if quarter is not None:
        history = history.filter(quarter=quarter)
    if indicators is not None:
        history = history.filter(indicator_id__in=indicators.values("pk"))
    labels = _indicator_labels(_scope(fiscal_year=fiscal_year, indicators=indicators))
    return history_rows(
        HistorySource(
            kind="実績",
            model=Actual,
            queryset=history,
            fields=ACTUAL_FIELDS,
            extra=("indicator_id", "quarter"),
            target=lambda snap: labels.get(snap["indicator_id"], f"指標#{snap['indicator_id']}"),
            quarter=lambda snap: snap["quarter"],
            state=lambda snap: STATE_LABELS.get(snap.get("state"), ""),
            order=order,
        )
    )


def final_rating_history_rows(
    *,
    fiscal_year: FiscalYear | None = None,
    indicators: QuerySet[Indicator] | None = None,
    order: int = 2,
) -> Iterator[HistoryRow]:
    """Every change to the final 評定 of `indicators` (all when None) in `fiscal_year` (all when None)."""
    history = FinalRating.history.all()
    if fiscal_year is not None:
        history = history.filter(fiscal_year_id=fiscal_year.pk)
    if indicators is not None:
        history = history.filter(indicator_id__in=indicators.values("pk"))
    labels = _indicator_labels(_scope(fiscal_year=fiscal_year, indicators=indicators))
    return history_rows(
        HistorySource(
            kind="評定",
            model=FinalRating,
            queryset=history,
            fields=RATING_FIELDS,
            extra=("indicator_id",),
            target=lambda snap: labels.get(snap["indicator_id"], f"指標#{snap['indicator_id']}"),
            state=lambda snap: f"評定 {snap.get('grade') or ''}".strip(),
            order=order,
        )
    )
