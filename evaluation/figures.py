"""The indicators' figures of a 評価項目 as text, digit for digit what the workbook's 指標 sheet shows.

The workbook writes each figure as a number already rounded the way the pages round it, with the Excel format
that shows the same digits (smrj_plan.formatting); the 自己評価書 and the self-evaluation page print the text of
the same rule for the same value (from `indicators.progress.progress_compute`):

- the target as tables show it (`formatting.target_label`: 1,000社以上, 70%以上, or the plan's words);
- counts with separators and no trailing zeros, without the unit, which has its own column (780.5);
- percentages (達成率, a ratio's or a benchmark's value) to 0.1 % (76.3%);
- 年度末見込み in whole units, a ratio's as a percentage (1,041 / 76.3%);
- no figure: 「—」 (the workbook leaves the cell empty).

`tests/test_self_evaluation_document.py` reads the workbook back and compares every figure with the document.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from indicators import progress
from indicators.models import Actual, Indicator
from smrj_plan import formatting

PERCENT_KINDS = {Indicator.Kind.RATIO, Indicator.Kind.BENCHMARK, Indicator.Kind.BASELINE}
MILESTONE_LABELS = dict(Actual.MilestoneStatus.choices)


def figure_text(value, *, is_percent: bool = False) -> str:
    """A figure without its unit: 780.5, 76.3%; None → 「—」."""
    return formatting.percent(value) if is_percent else formatting.number(value)


@dataclass(frozen=True)
class IndicatorFigures:
    """One indicator's line of the table, as text, plus the lines under it (分子・分母, 基準)."""

    target: str
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
    is_percent = kind in PERCENT_KINDS
    if kind == Indicator.Kind.MILESTONE:
        actual = MILESTONE_LABELS.get(result.milestone_status) or formatting.DASH
    else:
        actual = figure_text(result.actual, is_percent=is_percent)
    sub_lines: list[tuple[str, str]] = []
    if kind == Indicator.Kind.RATIO or (kind == Indicator.Kind.BASELINE and has_denominator):
        sub_lines = [
            ("分子", figure_text(result.numerator_total)),
            ("分母", figure_text(result.denominator_total)),
        ]
    elif kind == Indicator.Kind.BENCHMARK:
        multiplier = formatting.number(progress.spec_from_indicator(indicator).multiplier)
        sub_lines = [
            ("実態調査の伸び率（%）", figure_text(result.benchmark, is_percent=True)),
            (f"必要な伸び率（実態調査×{multiplier}）（%）", figure_text(result.required, is_percent=True)),
        ]
    elif kind == Indicator.Kind.BASELINE and result.benchmark is not None:
        sub_lines = [("基準値（%）", figure_text(result.benchmark, is_percent=True))]
    return IndicatorFigures(
        target=formatting.target_label(
            target=indicator.target,
            unit=indicator.unit,
            comparison=indicator.comparison,
            text=indicator.target_text,
        ),
        actual=actual,
        achievement_rate=formatting.percent(result.achievement_rate),
        status=result.status_label if result.status != progress.Status.REFERENCE else "参考",
        forecast=formatting.forecast(result.forecast, is_percent=is_percent),
        grade_hint=result.grade_label or formatting.DASH,
        sub_lines=sub_lines,
    )
