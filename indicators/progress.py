"""In-year progress of an indicator: cumulative actual, 達成率, pace, status, 年度末見込み and 評定の目安.

A pure module: it takes an indicator's spec and its quarterly figures (plain dataclasses, no ORM access) and
returns an `IndicatorProgress`. Every page and export that shows these figures goes through `progress_compute`,
so the dashboard, the indicator page and the Excel workbook cannot disagree.

Rules (docs/domain.md「達成率と評定」「年度途中の進捗」), stated once here:

- Rounding: every percentage (達成率, pace rate, a ratio indicator's %) is rounded ONCE, by `round_percent`, to
  0.1 % with ROUND_HALF_UP, from unrounded Decimal arithmetic. Grades and statuses are judged on the rounded
  figure, so what a page shows and the grade it prints always agree (119.96 % shows 120.0 % and is an A).
- Cumulative actual: count / exact / count without target: Σ quarterly values. Ratio: Σnumerator / Σdenominator
  (never an average of quarterly %). Benchmark: the supported firms' growth rate of the 第4四半期 entry (annual).
- 達成率: actual / target (higher-is-better), target / actual (lower-is-better), (actual / benchmark) / 1.2 for the
  benchmark kind. Exact targets (「300件」) are actual / target like a count.
- A benchmark ≤ 0 makes the ratio meaningless: 達成率 None, status 判定不能, unless a manager recorded a manual
  judgement on the actual (達成 → 達成済み, 未達成 → 遅れ). No grade is computed then; the final 評定 decides.
- A ratio whose Σdenominator is 0 (no respondents yet) has no value: it counts as 未入力, never as 0 %.
- Pace (counts, entered quarterly): target × elapsed quarters / 4. Status: 達成済み (annual target already met;
  for lower-is-better and ratios only once the year is complete), 順調 (≥ 100 % of pace), 要注意 (80–100 %),
  遅れ (< 80 %), 未入力 (no approved figure up to the as-of quarter). Ratio indicators compare the cumulative
  ratio with the target directly.
- 年度末見込み (forecast): counts linear, cumulative × 4 / elapsed quarters; ratios: the cumulative ratio.
  Always flagged as a forecast; none once the year is complete (the actual is final then).
- Awaiting approval is not zero: an unapproved entry carrying a figure (提出済み, 差戻し or 下書き) at a quarter up
  to the as-of quarter stops the count at the quarter before the first such one (the basis quarter). Actual,
  pace, 達成率, forecast and grade are computed as of the basis quarter from its approved figures, and the status
  is 承認待ち (unless the approved figures alone already reached the annual target: 達成済み stays). With no
  approved quarter before it the basis is 0: status 承認待ち, no figures. `include_unapproved` ignores this rule.
- 評定の目安: A ≥ 120 %, B 100–120 %, C 80–100 %, D < 80 %. In-year it is judged on the forecast's 達成率 and
  flagged as such; S is never computed (only a manager's final 評定 with a reason may be S).
- Reference indicators (milestone, count without a target, baseline comparison) get no 達成率 and no grade.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from decimal import Decimal
from enum import StrEnum

# Rounding lives in the shared core (smrj_plan.formatting), below every room that shows a percentage; it is
# re-exported here because the arithmetic judges grades on the rounded figure.
from smrj_plan.formatting import PERCENT_QUANTUM as PERCENT_QUANTUM
from smrj_plan.formatting import PERCENT_ROUNDING as PERCENT_ROUNDING
from smrj_plan.formatting import round_percent, round_whole

HUNDRED = Decimal("100")
QUARTERS_PER_YEAR = 4


def _percent(part: Decimal, whole: Decimal) -> Decimal:
    """part / whole in %, unrounded. The caller guarantees whole != 0."""
    return part * HUNDRED / whole


# ---------------------------------------------------------------------------------------------------------------
# Vocabulary
# ---------------------------------------------------------------------------------------------------------------


class Kind(StrEnum):
    COUNT = "count"
    RATIO = "ratio"
    BENCHMARK = "benchmark"
    EXACT = "exact"
    MILESTONE = "milestone"
    COUNT_NO_TARGET = "count_no_target"
    BASELINE = "baseline"


REFERENCE_KINDS = frozenset({Kind.MILESTONE, Kind.COUNT_NO_TARGET, Kind.BASELINE})
SUMMED_KINDS = frozenset({Kind.COUNT, Kind.EXACT, Kind.COUNT_NO_TARGET})


class Status(StrEnum):
    ACHIEVED = "achieved"
    ON_TRACK = "on_track"
    CAUTION = "caution"
    BEHIND = "behind"
    NO_DATA = "no_data"
    UNDETERMINABLE = "undeterminable"
    PENDING = "pending"
    REFERENCE = "reference"

    @property
    def label(self) -> str:
        return STATUS_LABELS[self]

    @property
    def css_class(self) -> str:
        return STATUS_CSS.get(self, "status-no_data")


STATUS_LABELS = {
    Status.ACHIEVED: "達成済み",
    Status.ON_TRACK: "順調",
    Status.CAUTION: "要注意",
    Status.BEHIND: "遅れ",
    Status.NO_DATA: "未入力",
    Status.UNDETERMINABLE: "判定不能",
    Status.PENDING: "承認待ち",
    Status.REFERENCE: "参考",
}
STATUS_CSS = {
    Status.ACHIEVED: "status-done",
    Status.ON_TRACK: "status-on_track",
    Status.CAUTION: "status-caution",
    Status.BEHIND: "status-behind",
    Status.NO_DATA: "status-no_data",
    Status.UNDETERMINABLE: "status-undeterminable",
    Status.PENDING: "status-pending",
    Status.REFERENCE: "status-reference",
}
# The statuses a pillar summary counts, in display order (reference indicators are not targets).
SUMMARY_STATUSES = (
    Status.ACHIEVED,
    Status.ON_TRACK,
    Status.CAUTION,
    Status.BEHIND,
    Status.NO_DATA,
    Status.UNDETERMINABLE,
    Status.PENDING,
)


class Grade(StrEnum):
    S = "S"
    A = "A"
    B = "B"
    C = "C"
    D = "D"


GRADE_A_FROM = Decimal("120")
GRADE_B_FROM = Decimal("100")
GRADE_C_FROM = Decimal("80")
PACE_ON_TRACK_FROM = Decimal("100")
PACE_CAUTION_FROM = Decimal("80")

APPROVED = "approved"


def grade_for_rate(rate: Decimal | None) -> Grade | None:
    """評定の目安 for a rounded 達成率: A ≥ 120, B ≥ 100, C ≥ 80, D below. Never S."""
    if rate is None:
        return None
    if rate >= GRADE_A_FROM:
        return Grade.A
    if rate >= GRADE_B_FROM:
        return Grade.B
    if rate >= GRADE_C_FROM:
        return Grade.C
    return Grade.D


def status_for_rate(rate: Decimal | None) -> Status:
    """順調 / 要注意 / 遅れ for a rounded rate against pace (or a ratio against its target)."""
    if rate is None or rate >= PACE_ON_TRACK_FROM:
        return Status.ON_TRACK
    if rate >= PACE_CAUTION_FROM:
        return Status.CAUTION
    return Status.BEHIND


# ---------------------------------------------------------------------------------------------------------------
# Inputs
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorSpec:
    """What the arithmetic needs to know about an indicator."""

    kind: str
    target: Decimal | None = None
    comparison: str = "gte"  # gte 以上 / lte 以下 / eq 目標値 / none
    direction: str = "higher"  # higher / lower
    benchmark_multiplier: Decimal | None = None
    frequency: str = "quarterly"  # quarterly / annual

    @property
    def is_lower_better(self) -> bool:
        return self.direction == "lower" or self.comparison == "lte"

    @property
    def is_reference(self) -> bool:
        if self.kind in REFERENCE_KINDS:
            return True
        return self.kind != Kind.BENCHMARK and self.target is None

    @property
    def is_annual(self) -> bool:
        return self.frequency == "annual"

    @property
    def multiplier(self) -> Decimal:
        return self.benchmark_multiplier or Decimal("1.2")


@dataclass(frozen=True)
class QuarterFigure:
    """One quarter's entry for one indicator, in whatever state the workflow has it."""

    quarter: int
    state: str = APPROVED
    value: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None
    growth_rate: Decimal | None = None
    benchmark_rate: Decimal | None = None
    milestone_status: str = ""
    manual_judgement: str = ""  # "achieved" / "not_achieved" when the benchmark is ≤ 0

    @property
    def is_approved(self) -> bool:
        return self.state == APPROVED

    @property
    def has_figure(self) -> bool:
        """Something was entered (an empty draft row carries nothing to wait for)."""
        return any(
            v is not None
            for v in (self.value, self.numerator, self.denominator, self.growth_rate, self.benchmark_rate)
        ) or bool(self.milestone_status or self.manual_judgement)


def first_pending_quarter(figures: Iterable[QuarterFigure], as_of_quarter: int) -> int | None:
    """The first quarter up to `as_of_quarter` whose entry carries a figure that is not approved yet."""
    pending = [
        f.quarter for f in figures if f.quarter <= as_of_quarter and not f.is_approved and f.has_figure
    ]
    return min(pending) if pending else None


def spec_from_indicator(indicator) -> IndicatorSpec:
    """Spec of an `indicators.models.Indicator` (reads attributes only)."""
    return IndicatorSpec(
        kind=indicator.kind,
        target=indicator.target,
        comparison=indicator.comparison,
        direction=indicator.direction,
        benchmark_multiplier=indicator.benchmark_multiplier,
        frequency=indicator.frequency,
    )


def figure_from_actual(actual) -> QuarterFigure:
    """Figure of an `indicators.models.Actual` (reads attributes only)."""
    return QuarterFigure(
        quarter=actual.quarter,
        state=actual.state,
        value=actual.value,
        numerator=actual.numerator,
        denominator=actual.denominator,
        growth_rate=actual.growth_rate,
        benchmark_rate=actual.benchmark_rate,
        milestone_status=actual.milestone_status,
        manual_judgement=actual.manual_judgement,
    )


# ---------------------------------------------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuarterPoint:
    """One quarter of the series drawn on the indicator page.

    value: the quarter's figure (a count, or a ratio's quarterly %; None with no respondents);
    cumulative: running Σ for counts, Σnumerator/Σdenominator % for ratios (unrounded)."""

    quarter: int
    value: Decimal | None
    cumulative: Decimal | None
    numerator: Decimal | None = None
    denominator: Decimal | None = None


@dataclass(frozen=True)
class IndicatorProgress:
    """Where an indicator stands as of a quarter. Figures are unrounded; rates are rounded (`round_percent`)."""

    as_of_quarter: int
    kind: str
    is_rated: bool
    has_data: bool
    actual: Decimal | None  # cumulative actual (count Σ, ratio %, benchmark: supported firms' growth %)
    achievement_rate: Decimal | None  # 達成率 %, rounded
    status: Status
    pace: Decimal | None = None  # target × elapsed / 4 (counts)
    pace_rate: Decimal | None = None  # actual against pace %, rounded
    forecast: Decimal | None = None  # 年度末見込み, always a forecast
    forecast_rate: Decimal | None = None  # 達成率 of the forecast, rounded
    grade: Grade | None = None  # 評定の目安, never S
    grade_is_forecast: bool = False  # judged on the forecast's 達成率 (in-year)
    numerator_total: Decimal | None = None
    denominator_total: Decimal | None = None
    benchmark: Decimal | None = (
        None  # benchmark kind: the survey's growth rate %; baseline kind: the baseline %
    )
    required: Decimal | None = None  # benchmark kind: benchmark × multiplier, the value to reach
    needs_manual_judgement: bool = False
    manual_judgement: str = ""
    milestone_status: str = ""
    note: str = ""
    quarters: tuple[QuarterPoint, ...] = field(default_factory=tuple)
    pending_quarter: int | None = None  # first quarter ≤ as-of with a figure awaiting approval
    basis_quarter: int | None = None  # the figures are as of this quarter (the as-of quarter unless pending)

    @property
    def status_label(self) -> str:
        return self.status.label

    @property
    def is_pending(self) -> bool:
        return self.pending_quarter is not None

    @property
    def pending_text(self) -> str:
        """「第3四半期が承認待ち（第2四半期までの承認済みで計算）」, or "" when nothing is waiting."""
        if self.pending_quarter is None:
            return ""
        basis = (
            f"第{self.basis_quarter}四半期までの承認済みの値で計算"
            if self.basis_quarter
            else "承認済みの値はまだありません"
        )
        return f"第{self.pending_quarter}四半期が承認待ち（{basis}）"

    @property
    def actual_display(self) -> Decimal | None:
        """The actual as shown: a ratio's or benchmark's % rounded like every other percentage."""
        if self.actual is None:
            return None
        if self.kind in (Kind.RATIO, Kind.BENCHMARK, Kind.BASELINE):
            return round_percent(self.actual)
        return self.actual

    @property
    def forecast_display(self) -> Decimal | None:
        """The forecast as shown: a ratio's % rounded to 0.1, a count in whole units (1,166.67 → 1,167)."""
        if self.forecast is None:
            return None
        return round_percent(self.forecast) if self.kind == Kind.RATIO else round_whole(self.forecast)

    @property
    def grade_label(self) -> str:
        if self.grade is None:
            return ""
        return f"{self.grade}（見込み）" if self.grade_is_forecast else str(self.grade)


# ---------------------------------------------------------------------------------------------------------------
# Computation
# ---------------------------------------------------------------------------------------------------------------


def progress_compute(
    *,
    spec: IndicatorSpec,
    figures: Iterable[QuarterFigure],
    as_of_quarter: int,
    include_unapproved: bool = False,
) -> IndicatorProgress:
    """Progress of one indicator as of `as_of_quarter` (1–4) from its figures of one fiscal year.

    Only approved figures count unless `include_unapproved` (drafts shown apart, or a workbook's「未承認を含む」
    column). Figures after the as-of quarter are ignored. An unapproved figure up to the as-of quarter is not a
    zero: the result is computed as of the quarter before it and says 承認待ち (module docstring, docs/domain.md
    「年度途中の進捗」)."""
    if as_of_quarter not in (1, 2, 3, 4):
        raise ValueError(f"as_of_quarter must be 1–4, got {as_of_quarter}")
    figures = list(figures)
    pending = None if include_unapproved else first_pending_quarter(figures, as_of_quarter)
    basis = as_of_quarter if pending is None else pending - 1
    used = sorted(
        (f for f in figures if f.quarter <= basis and (include_unapproved or f.is_approved)),
        key=lambda f: f.quarter,
    )
    if basis == 0:
        result = _no_data(spec, as_of_quarter)
    elif spec.kind == Kind.RATIO:
        result = _ratio_progress(spec, used, basis)
    elif spec.kind == Kind.BENCHMARK:
        result = _benchmark_progress(spec, used, basis)
    elif spec.kind == Kind.MILESTONE:
        result = _milestone_progress(spec, used, basis)
    elif spec.kind == Kind.BASELINE:
        result = _baseline_progress(spec, used, basis)
    else:
        result = _summed_progress(spec, used, basis)
    if pending is None:
        return result
    # Unapproved is not zero: the figures stand as of the basis quarter, the status says what is waiting.
    status = result.status if result.status in (Status.ACHIEVED, Status.REFERENCE) else Status.PENDING
    return replace(
        result, as_of_quarter=as_of_quarter, status=status, pending_quarter=pending, basis_quarter=basis
    )


def progress_with_unapproved(
    *, spec: IndicatorSpec, figures: list[QuarterFigure], as_of_quarter: int
) -> tuple[IndicatorProgress, IndicatorProgress, int]:
    """(progress from approved figures, the same counting every entered figure, how many figures up to the
    as-of quarter are not approved): what every page shows side by side. With nothing unapproved the second is
    the first (the same figures give the same progress)."""
    progress = progress_compute(spec=spec, figures=figures, as_of_quarter=as_of_quarter)
    unapproved = sum(1 for f in figures if f.quarter <= as_of_quarter and not f.is_approved)
    with_unapproved = (
        progress_compute(spec=spec, figures=figures, as_of_quarter=as_of_quarter, include_unapproved=True)
        if unapproved
        else progress
    )
    return progress, with_unapproved, unapproved


def _no_data(spec: IndicatorSpec, as_of: int, note: str = "", quarters=(), **figures) -> IndicatorProgress:
    return IndicatorProgress(
        as_of_quarter=as_of,
        kind=spec.kind,
        is_rated=not spec.is_reference,
        has_data=False,
        actual=None,
        achievement_rate=None,
        status=Status.NO_DATA,
        note=note,
        quarters=tuple(quarters),
        **figures,
    )


def _reference(spec: IndicatorSpec, as_of: int, *, actual, quarters=(), **figures) -> IndicatorProgress:
    """A 参考指標 with data: shown as recorded, never rated."""
    return IndicatorProgress(
        as_of_quarter=as_of,
        kind=spec.kind,
        is_rated=False,
        has_data=True,
        actual=actual,
        achievement_rate=None,
        status=Status.REFERENCE,
        quarters=tuple(quarters),
        **figures,
    )


def _achievement(spec: IndicatorSpec, actual: Decimal) -> Decimal | None:
    """Unrounded 達成率 against the annual target; None when it cannot be computed (division by zero)."""
    target = spec.target
    if target is None:
        return None
    if spec.is_lower_better:
        return None if actual == 0 else _percent(target, actual)
    return None if target == 0 else _percent(actual, target)


def _rounded(value: Decimal | None) -> Decimal | None:
    return None if value is None else round_percent(value)


def _summed_progress(spec: IndicatorSpec, used: list[QuarterFigure], as_of: int) -> IndicatorProgress:
    """count, exact target and count without target: Σ of the quarterly values."""
    points = []
    running = Decimal("0")
    for f in used:
        if f.value is None:
            continue
        running += f.value
        points.append(QuarterPoint(quarter=f.quarter, value=f.value, cumulative=running))
    if not points:
        return _no_data(spec, as_of)
    actual = running
    if spec.is_reference:
        return _reference(spec, as_of, actual=actual, quarters=points)

    target = spec.target
    year_complete = as_of == QUARTERS_PER_YEAR
    rate = _rounded(_achievement(spec, actual))
    elapsed = as_of
    if spec.is_annual:
        pace = target if year_complete else None
    else:
        pace = target * elapsed / QUARTERS_PER_YEAR
    pace_rate = None
    if pace is not None:
        if spec.is_lower_better:
            pace_rate = None if actual == 0 else round_percent(_percent(pace, actual))
        elif pace != 0:
            pace_rate = round_percent(_percent(actual, pace))

    forecast = forecast_rate = None
    if not year_complete and not spec.is_annual:
        forecast = actual * QUARTERS_PER_YEAR / elapsed
        forecast_rate = _rounded(_achievement(spec, forecast))

    note = ""
    if spec.is_lower_better:
        if actual > target:
            status = Status.BEHIND
            note = "上限の目標値を既に超えています。"
        elif year_complete:
            status = Status.ACHIEVED
        else:
            status = status_for_rate(pace_rate)
        if actual == 0:
            note = "実績0のため達成率は計算できません（目標以下を満たしています）。"
    elif target == 0:
        status = Status.UNDETERMINABLE
        note = "目標値が0のため達成率を計算できません。"
    elif actual >= target:
        status = Status.ACHIEVED
    else:
        status = status_for_rate(pace_rate)

    grade_rate = rate if year_complete or forecast_rate is None else forecast_rate
    grade_is_forecast = not year_complete and forecast_rate is not None
    return IndicatorProgress(
        as_of_quarter=as_of,
        kind=spec.kind,
        is_rated=True,
        has_data=True,
        actual=actual,
        achievement_rate=rate,
        status=status,
        pace=pace,
        pace_rate=pace_rate,
        forecast=forecast,
        forecast_rate=forecast_rate,
        grade=grade_for_rate(grade_rate) if (year_complete or grade_is_forecast) else None,
        grade_is_forecast=grade_is_forecast,
        note=note,
        quarters=tuple(points),
    )


def _ratio_progress(spec: IndicatorSpec, used: list[QuarterFigure], as_of: int) -> IndicatorProgress:
    """Σnumerator / Σdenominator, compared with the target directly."""
    points = []
    num_total = Decimal("0")
    den_total = Decimal("0")
    entered = False
    for f in used:
        if f.numerator is None or f.denominator is None:
            continue
        entered = True
        num_total += f.numerator
        den_total += f.denominator
        points.append(
            QuarterPoint(
                quarter=f.quarter,
                value=None if f.denominator == 0 else _percent(f.numerator, f.denominator),
                cumulative=None if den_total == 0 else _percent(num_total, den_total),
                numerator=f.numerator,
                denominator=f.denominator,
            )
        )
    if not entered:
        return _no_data(spec, as_of)
    if den_total == 0:
        # No respondents yet: there is no ratio to judge, which is not 0 %.
        return _no_data(
            spec,
            as_of,
            note="回答者（分母）が0のため割合を計算できません。",
            quarters=points,
            numerator_total=num_total,
            denominator_total=den_total,
        )
    actual = _percent(num_total, den_total)
    if spec.is_reference:
        return IndicatorProgress(
            as_of_quarter=as_of,
            kind=spec.kind,
            is_rated=False,
            has_data=True,
            actual=actual,
            achievement_rate=None,
            status=Status.REFERENCE,
            numerator_total=num_total,
            denominator_total=den_total,
            quarters=tuple(points),
        )
    year_complete = as_of == QUARTERS_PER_YEAR
    rate = _rounded(_achievement(spec, actual))
    note = ""
    if rate is None:
        if spec.is_lower_better:
            # 0 % against an upper limit: the best possible result.
            status = Status.ACHIEVED if year_complete else Status.ON_TRACK
            note = "実績0%のため達成率は計算できません（目標以下を満たしています）。"
        else:
            status = Status.UNDETERMINABLE
            note = "目標値が0のため達成率を計算できません。"
    elif year_complete and rate >= GRADE_B_FROM:
        status = Status.ACHIEVED
    else:
        status = status_for_rate(rate)
    return IndicatorProgress(
        as_of_quarter=as_of,
        kind=spec.kind,
        is_rated=True,
        has_data=True,
        actual=actual,
        achievement_rate=rate,
        status=status,
        forecast=None if year_complete else actual,
        forecast_rate=None if year_complete else rate,
        grade=grade_for_rate(rate),
        grade_is_forecast=not year_complete,
        numerator_total=num_total,
        denominator_total=den_total,
        note=note,
        quarters=tuple(points),
    )


def _benchmark_progress(spec: IndicatorSpec, used: list[QuarterFigure], as_of: int) -> IndicatorProgress:
    """(actual / benchmark) / multiplier from the year's entry (the 第4四半期 one when entered annually)."""
    candidates = [f for f in used if f.growth_rate is not None and f.benchmark_rate is not None]
    if spec.is_annual:
        candidates = [f for f in candidates if f.quarter == QUARTERS_PER_YEAR]
    if not candidates:
        return _no_data(spec, as_of)
    entry = candidates[-1]
    actual, benchmark = entry.growth_rate, entry.benchmark_rate
    multiplier = spec.multiplier
    required = benchmark * multiplier
    points = (QuarterPoint(quarter=entry.quarter, value=actual, cumulative=actual),)
    common = dict(
        as_of_quarter=as_of,
        kind=spec.kind,
        is_rated=True,
        has_data=True,
        actual=actual,
        benchmark=benchmark,
        required=required,
        quarters=points,
    )
    if benchmark <= 0:
        judgement = entry.manual_judgement
        if judgement == "achieved":
            status, note = Status.ACHIEVED, "実態調査の伸び率が0以下のため、手動判定（達成）によります。"
        elif judgement == "not_achieved":
            status, note = Status.BEHIND, "実態調査の伸び率が0以下のため、手動判定（未達成）によります。"
        else:
            status, note = (
                Status.UNDETERMINABLE,
                "実態調査の伸び率が0以下のため基準比を計算できません。手動判定と注記を入力してください。",
            )
        return IndicatorProgress(
            **common,
            achievement_rate=None,
            status=status,
            needs_manual_judgement=not judgement,
            manual_judgement=judgement,
            note=note,
        )
    rate = round_percent(_percent(actual, benchmark) / multiplier)
    status = Status.ACHIEVED if rate >= GRADE_B_FROM else status_for_rate(rate)
    return IndicatorProgress(
        **common,
        achievement_rate=rate,
        status=status,
        grade=grade_for_rate(rate),
        grade_is_forecast=False,
    )


def _milestone_progress(spec: IndicatorSpec, used: list[QuarterFigure], as_of: int) -> IndicatorProgress:
    """A reference milestone: the latest recorded 未着手/実施中/完了, no rating."""
    entered = [f for f in used if f.milestone_status]
    if not entered:
        return _no_data(spec, as_of)
    return _reference(spec, as_of, actual=None, milestone_status=entered[-1].milestone_status)


def _baseline_progress(spec: IndicatorSpec, used: list[QuarterFigure], as_of: int) -> IndicatorProgress:
    """A reference comparison with a baseline: the latest value (a ratio from numerator/denominator if entered)."""
    points = []
    baseline = None
    for f in used:
        if f.benchmark_rate is not None:
            baseline = f.benchmark_rate
        if f.numerator is not None and f.denominator:
            value = _percent(f.numerator, f.denominator)
        else:
            value = f.value
        if value is not None:
            points.append(QuarterPoint(quarter=f.quarter, value=value, cumulative=value))
    if not points:
        return _no_data(spec, as_of)
    return _reference(spec, as_of, actual=points[-1].value, quarters=points, benchmark=baseline)
