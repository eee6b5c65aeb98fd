"""The indicators' figures of a 評価項目 as text, digit for digit what the workbook's 指標 sheet shows.

The workbook stores numbers with an Excel number format; the 自己評価書 and the self-evaluation page print text.
Each figure here takes the same value the sheet writes (from `indicators.progress.progress_compute`) and the same
format the sheet gives it, rendered the way Excel renders that format:

- counts: 「#,##0」 for a whole number, 「#,##0.0#」 otherwise (one or two decimals);
- percentages (達成率, a ratio's or a benchmark's value): 「0.0"%"」 (one decimal, no thousands separator);
- a target without a number (「策定する」): the plan's wording; no figure: an empty cell.

Excel rounds a displayed figure half away from zero, which is Decimal's ROUND_HALF_UP.
`tests/test_self_evaluation_document.py` reads the workbook back and compares every figure with the document.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from indicators import progress
from indicators.models import Actual, Indicator

PERCENT_KINDS = {Indicator.Kind.RATIO, Indicator.Kind.BENCHMARK, Indicator.Kind.BASELINE}
MILESTONE_LABELS = dict(Actual.MilestoneStatus.choices)


def _rounded(value: Decimal, places: int) -> Decimal:
    result = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return abs(result) if result == 0 else result  # Excel shows no minus sign on a zero


def count_text(value: Decimal | None) -> str:
    """A count as 「#,##0」 (whole) or 「#,##0.0#」 shows it: 1,234 / 12.5 / 12.35."""
    if value is None:
        return ""
    if value == value.to_integral_value():
        return f"{_rounded(value, 0):,}"
    text = f"{_rounded(value, 2):,.2f}"
    return text[:-1] if text.endswith("0") else text


def percent_text(value: Decimal | None) -> str:
    """A percentage as 「0.0"%"」 shows it: 107.1%."""
    if value is None:
        return ""
    return f"{_rounded(value, 1):.1f}%"


def number_text(value: Decimal | None, *, percent: bool) -> str:
    return percent_text(value) if percent else count_text(value)


@dataclass(frozen=True)
class IndicatorFigures:
    """One indicator's line of the table, as text, plus the lines under it (分子・分母, 基準)."""

    target: str
    comparison: str
    actual: str
    achievement_rate: str
    status: str
    forecast: str
    grade_hint: str
    sub_lines: list[tuple[str, str]] = field(default_factory=list)


def indicator_figures(
    indicator: Indicator, result: progress.IndicatorProgress, *, has_denominator: bool = False
) -> IndicatorFigures:
    """The figures the workbook's 指標 sheet writes for `indicator` (indicators/sheets.py), as text.

    `has_denominator`: some counted entry has a denominator (the sheet then gives a baseline indicator its
    分子・分母 lines)."""
    kind = indicator.kind
    percent = kind in PERCENT_KINDS
    if indicator.target is not None:
        target = number_text(indicator.target, percent=indicator.unit == "%")
    else:
        target = indicator.target_text or "—"
    if kind == Indicator.Kind.MILESTONE:
        actual = MILESTONE_LABELS.get(result.milestone_status, "")
    else:
        actual = number_text(result.actual_display, percent=percent)
    sub_lines: list[tuple[str, str]] = []
    if kind == Indicator.Kind.RATIO or (kind == Indicator.Kind.BASELINE and has_denominator):
        sub_lines = [
            ("分子", count_text(result.numerator_total)),
            ("分母", count_text(result.denominator_total)),
        ]
    elif kind == Indicator.Kind.BENCHMARK:
        multiplier = progress.spec_from_indicator(indicator).multiplier.normalize()
        sub_lines = [
            ("実態調査の伸び率（%）", count_text(result.benchmark)),
            (f"必要な伸び率（実態調査×{multiplier}）（%）", count_text(result.required)),
        ]
    elif kind == Indicator.Kind.BASELINE and result.benchmark is not None:
        sub_lines = [("基準値（%）", count_text(result.benchmark))]
    return IndicatorFigures(
        target=target,
        comparison=(
            indicator.get_comparison_display() if indicator.comparison != Indicator.Comparison.NONE else ""
        ),
        actual=actual,
        achievement_rate=percent_text(result.achievement_rate),
        status=result.status_label if result.status != progress.Status.REFERENCE else "参考",
        forecast=number_text(result.forecast_display, percent=percent),
        grade_hint=result.grade_label,
        sub_lines=sub_lines,
    )
