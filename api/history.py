"""Change history for the API: the rows of the shared history read model (`smrj_plan.history`, through each app's
history selectors: the same diff, labels and people as the history pages and the workbook's 変更履歴 sheet),
grouped by saved record and cut into pages.

The read model streams oldest first and holds one snapshot per object, so a page costs bounded memory however
long the history; the rows before the page are read (an old value needs the snapshot before it) and the rest are
only counted."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from itertools import groupby

from django.utils import timezone

from budgets.history import execution_history_rows
from indicators.history import actual_history_rows, final_rating_history_rows
from measures.periods import quarter_label
from smrj_plan.history import HistoryRow, history_merge
from smrj_plan.selectors import quarter_lock_history_rows

KIND_CHOICES = [("actual", "実績"), ("execution", "執行額"), ("rating", "評定"), ("lock", "締め")]
KIND_OF_ORDER = {0: "actual", 1: "execution", 2: "rating", 3: "lock"}


def history_stream(*, fiscal_year, kind: str | None, quarter: int | None, indicators) -> Iterator[HistoryRow]:
    """The year's change rows, oldest first, of one kind or all (merged in time order like the sheet).

    `indicators` (a queryset, or None for all) narrows actuals and ratings; executions and locks, which belong
    to no indicator, are left out when it is given. A quarter leaves out the ratings (they are for the year)."""
    streams = []
    if kind in (None, "actual"):
        streams.append(
            actual_history_rows(fiscal_year=fiscal_year, quarter=quarter, indicators=indicators, order=0)
        )
    if kind in (None, "execution") and indicators is None:
        rows = execution_history_rows(fiscal_year=fiscal_year, order=1)
        streams.append(rows if quarter is None else (r for r in rows if r.quarter == quarter))
    if kind in (None, "rating") and quarter is None:
        streams.append(final_rating_history_rows(fiscal_year=fiscal_year, indicators=indicators, order=2))
    if kind in (None, "lock") and indicators is None:
        streams.append(quarter_lock_history_rows(fiscal_year=fiscal_year, quarter=quarter, order=3))
    return history_merge(*streams)


def history_records(
    rows: Iterator[HistoryRow], *, offset: int, limit: int
) -> tuple[list[list[HistoryRow]], int]:
    """The records (rows of one save) number offset … offset+limit-1, and how many records there are."""
    page, total = [], 0
    for _key, group in groupby(rows, key=lambda row: (row.sort_key[1], row.history_id)):
        if offset <= total < offset + limit:
            page.append(list(group))
        total += 1
    return page, total


def _value(value):
    """A changed value as exact text: a number without trailing zeros, a label or a date as the history shows it."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def record_row(rows: list[HistoryRow]) -> dict:
    """One saved record as the API returns it: who, when (Asia/Tokyo), what, and each changed field."""
    first = rows[0]
    return {
        "id": first.history_id,
        "at": timezone.localtime(first.when),
        "user": first.who,
        "kind": KIND_OF_ORDER[first.order],
        "kind_label": first.kind,
        "object_id": first.object_id,
        "target": first.target,
        "quarter": first.quarter,
        "quarter_label": quarter_label(first.quarter) if first.quarter else "年度",
        "operation": first.operation,
        "state": first.state,
        "reason": first.reason,
        "changes": [
            {"field": r.field, "label": r.label, "old": _value(r.old), "new": _value(r.new)}
            for r in rows
            if r.field
        ],
    }
