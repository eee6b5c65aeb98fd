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

from indicators import selectors
from indicators.completeness import (
    MISSING,
    STATE_LABELS,
    STATES,
    CompletenessCell,
    IndicatorRef,
    QuarterCompleteness,
)
from indicators.models import Actual, Indicator
from indicators.progress import (
    APPROVED,
    Kind,
    QuarterFigure,
    figure_from_actual,
    progress_compute,
    spec_from_indicator,
)
from indicators.selectors import actual_display
from measures.models import FiscalYear
from smrj_plan import data_version, formatting

PERCENT_KINDS = (Kind.RATIO, Kind.BENCHMARK, Kind.BASELINE)
MILESTONE_LABELS = dict(Actual.MilestoneStatus.choices)


@dataclass
class QueueRow:
    indicator: Indicator
    ref: IndicatorRef  # what the completeness read of it (department and section names)
    actual: Actual | None  # None: 未入力
    previous: (
        QuarterFigure | None
    )  # last quarter's entry (any state), None in 第1四半期 or when there is none
    target_text: str
    display: str  # this quarter's figure as entered
    previous_display: str
    cumulative_text: str  # the year up to this quarter, this figure counted as approved
    rate: Decimal | None  # the 達成率 that would give (rounded once, `round_percent`)

    @property
    def previous_state_label(self) -> str:
        return STATE_LABELS[self.previous.state] if self.previous is not None else ""

    @property
    def department_name(self) -> str:
        return self.ref.department_name or formatting.DASH

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


def review_queue_cells(
    *,
    quarter_state: QuarterCompleteness,
    department_id: int | None = None,
    state: str | None = None,
    section_id: int | None = None,
) -> list[CompletenessCell]:
    """Which indicators the queue lists, in plan order, filtered by department, state and pillar (section).

    Read from the quarter's completeness (the same states the counts above the queue show), so the queue needs
    no query of its own to know how long it is. `state` is one of the completeness states (未入力 included);
    None lists every entered figure (未入力 rows are the 提出状況 page's, and the state filter's)."""
    if state is not None and state not in STATES:
        raise ValueError(f"unknown state {state!r}")
    cells = []
    for cell in quarter_state.cells:
        ref = cell.indicator
        if department_id is not None and ref.department_id != department_id:
            continue
        if section_id is not None and ref.section_id != section_id:
            continue
        if (state is None and cell.state == MISSING) or (state is not None and cell.state != state):
            continue
        cells.append(cell)
    return cells


# What a queue row reads of an indicator (the plan's text and notes stay in the database).
ROW_INDICATOR_FIELDS = (
    "code",
    "name",
    "kind",
    "unit",
    "target",
    "target_text",
    "comparison",
    "direction",
    "benchmark_multiplier",
    "frequency",
    "department_id",
)


def review_queue_rows(
    *, fiscal_year: FiscalYear, quarter: int, cells: list[CompletenessCell]
) -> list[QueueRow]:
    """The rows of the given cells (a page of the queue, or a bulk approval's selection), in their order, each
    with what a 管理者 judges the figure against. Three queries whatever the number of cells: their indicators,
    the quarter's actuals (with who changed and submitted them) and the earlier quarters' figures as plain
    values (they count in the cumulative; the last one is shown as 前四半期). Kept in the object cache under the
    data version, like the completeness the cells come from: the rows are the same for every 管理者 (what one may
    do with them is the page's business)."""
    ids = tuple(cell.indicator.pk for cell in cells)
    return data_version.cached(
        "review_queue_rows",
        fiscal_year.pk,
        quarter,
        ids,
        compute=lambda: _review_queue_rows(fiscal_year=fiscal_year, quarter=quarter, cells=cells),
    )


def _review_queue_rows(
    *, fiscal_year: FiscalYear, quarter: int, cells: list[CompletenessCell]
) -> list[QueueRow]:
    ids = [cell.indicator.pk for cell in cells]
    indicators = Indicator.objects.only(*ROW_INDICATOR_FIELDS).in_bulk(ids)
    current = {}
    for a in Actual.objects.filter(
        fiscal_year=fiscal_year, quarter=quarter, indicator__in=ids
    ).select_related("updated_by", "submitted_by"):
        a.indicator = indicators[a.indicator_id]  # the row's indicator, already read (no query per row)
        current[a.indicator_id] = a
    earlier = selectors.figures_from_rows(
        Actual.objects.filter(fiscal_year=fiscal_year, quarter__lt=quarter, indicator__in=ids)
        .order_by()
        .values_list(*selectors.FIGURE_COLUMNS)
    )
    rows = []
    for cell in cells:
        ind = indicators[cell.indicator.pk]
        actual = current.get(ind.pk)
        before = earlier.get(ind.pk, [])
        previous = next((f for f in before if f.quarter == quarter - 1), None)
        cumulative_text, rate = formatting.DASH, None
        if actual is not None:
            figures = [*before, dataclasses.replace(figure_from_actual(actual), state=APPROVED)]
            progress = progress_compute(spec=spec_from_indicator(ind), figures=figures, as_of_quarter=quarter)
            if progress.has_data:
                cumulative_text = _cumulative_text(progress, ind)
            rate = progress.achievement_rate
        rows.append(
            QueueRow(
                indicator=ind,
                ref=cell.indicator,
                actual=actual,
                previous=previous,
                target_text=formatting.target_label(
                    target=ind.target, unit=ind.unit, comparison=ind.comparison, text=ind.target_text
                ),
                display=actual_display(actual),
                previous_display=selectors.figure_display(previous, ind) if previous else formatting.DASH,
                cumulative_text=cumulative_text,
                rate=rate,
            )
        )
    return rows
