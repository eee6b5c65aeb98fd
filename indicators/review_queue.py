"""The 確認・承認 queue of a quarter (docs/domain.md「提出状況と締め」): each indicator's entry for the quarter with
what a 管理者 judges it against — the target, last quarter's figure, the cumulative and the 達成率 the year would
show if this figure were approved.

The cumulative and the 達成率 come from `indicators.progress.progress_compute` (the dashboard's arithmetic and its
one rounding rule): the year's approved figures of the earlier quarters plus this quarter's figure taken as
approved. Plain reads: no HTML, no Http404.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from decimal import Decimal

from indicators.completeness import MISSING, STATE_LABELS, STATES
from indicators.models import Actual, Indicator
from indicators.progress import (
    APPROVED,
    Kind,
    figure_from_actual,
    progress_compute,
    spec_from_indicator,
)
from indicators.selectors import actual_display, indicator_is_due
from measures.models import FiscalYear
from smrj_plan import formatting

PERCENT_KINDS = (Kind.RATIO, Kind.BENCHMARK, Kind.BASELINE)
MILESTONE_LABELS = dict(Actual.MilestoneStatus.choices)


@dataclass
class QueueRow:
    indicator: Indicator
    actual: Actual | None  # None: 未入力
    previous: Actual | None  # last quarter's entry (any state), None in 第1四半期 or when there is none
    target_text: str
    display: str  # this quarter's figure as entered
    previous_display: str
    cumulative_text: str  # the year up to this quarter, this figure counted as approved
    rate: Decimal | None  # the 達成率 that would give (rounded once, `round_percent`)

    @property
    def state(self) -> str:
        return self.actual.state if self.actual is not None else MISSING

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def rate_text(self) -> str:
        return formatting.percent(self.rate)

    @property
    def old_reason_label(self) -> str:
        """How the stored 差戻し・再開 reason is labelled: the reason of a 差戻し in force, else an earlier one."""
        if self.actual is None or not self.actual.review_comment:
            return ""
        if self.actual.state == "returned":
            return "差戻しの理由"
        return "前回の差戻し・再開の理由"


def _cumulative_text(progress, indicator: Indicator) -> str:
    if progress.kind == Kind.MILESTONE:
        return MILESTONE_LABELS.get(progress.milestone_status, formatting.DASH)
    text = formatting.figure(progress.actual, indicator.unit, is_percent=progress.kind in PERCENT_KINDS)
    if progress.kind == Kind.RATIO and progress.denominator_total:
        text = f"{formatting.ratio_pair(progress.numerator_total, progress.denominator_total)}（{text}）"
    return text


def review_queue_rows(
    *,
    fiscal_year: FiscalYear,
    quarter: int,
    department_id: int | None = None,
    state: str | None = None,
    section_id: int | None = None,
) -> list[QueueRow]:
    """The quarter's due indicators with their entries, filtered by department, state and pillar (section).

    `state` is one of the completeness states (未入力 included); None lists every entered figure (未入力 rows
    are the 提出状況 page's, and the state filter's). Two queries: the indicators, and the year's actuals up to
    the quarter."""
    if state is not None and state not in STATES:
        raise ValueError(f"unknown state {state!r}")
    indicators = Indicator.objects.filter(plan__fiscal_year=fiscal_year).select_related(
        "department", "section__chapter"
    )
    if department_id is not None:
        indicators = indicators.filter(department_id=department_id)
    if section_id is not None:
        indicators = indicators.filter(section_id=section_id)
    indicators = [i for i in indicators.order_by("order") if indicator_is_due(indicator=i, quarter=quarter)]
    actuals = Actual.objects.filter(
        fiscal_year=fiscal_year, quarter__lte=quarter, indicator__in=[i.pk for i in indicators]
    ).select_related("updated_by", "submitted_by", "reviewed_by")
    by_indicator: dict[int, dict[int, Actual]] = {}
    for a in actuals:
        by_indicator.setdefault(a.indicator_id, {})[a.quarter] = a
    rows = []
    for ind in indicators:
        entries = by_indicator.get(ind.pk, {})
        for a in entries.values():
            a.indicator = ind  # the row's indicator, already read (no query per row)
        actual = entries.get(quarter)
        row_state = actual.state if actual is not None else MISSING
        if state is None and actual is None:
            continue
        if state is not None and row_state != state:
            continue
        previous = entries.get(quarter - 1)
        cumulative_text, rate = formatting.DASH, None
        if actual is not None:
            figures = [figure_from_actual(a) for q, a in entries.items() if q < quarter]
            figures.append(dataclasses.replace(figure_from_actual(actual), state=APPROVED))
            progress = progress_compute(spec=spec_from_indicator(ind), figures=figures, as_of_quarter=quarter)
            if progress.has_data:
                cumulative_text = _cumulative_text(progress, ind)
            rate = progress.achievement_rate
        rows.append(
            QueueRow(
                indicator=ind,
                actual=actual,
                previous=previous,
                target_text=formatting.target_label(
                    target=ind.target, unit=ind.unit, comparison=ind.comparison, text=ind.target_text
                ),
                display=actual_display(actual),
                previous_display=actual_display(previous),
                cumulative_text=cumulative_text,
                rate=rate,
            )
        )
    return rows
