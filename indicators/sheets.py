"""指標: every indicator grouped by pillar, sub-targets under their parents, 参考指標 in their own block.

The figures come from `indicators.progress.progress_compute`, the same function the dashboard uses, so the
workbook and the pages cannot disagree."""

from __future__ import annotations

from collections import defaultdict

from indicators import progress
from indicators.models import Actual, FinalRating, Indicator
from indicators.revision_sheet import DESCRIPTION as REVISION_SHEET_DESCRIPTION
from indicators.revision_sheet import ORDER as REVISION_SHEET_ORDER
from indicators.revision_sheet import SHEET_NAME as REVISION_SHEET_NAME
from indicators.revision_sheet import write_revisions
from smrj_plan import formatting
from smrj_plan.workflow import EntryState
from smrj_plan.xlsx import cells
from smrj_plan.xlsx.context import ExportContext
from smrj_plan.xlsx.spec import SheetSpec

# The target as a number an auditor can compute with; for the benchmark kind (1-2 「２割以上、上回る」) that number
# is the multiplier applied to the survey's growth rate, shown as 「1.2倍」.
TARGET_NUMBER_HEADER = "目標値（数値。基準比は実態調査の伸び率に対する倍率）"
HEADERS = [
    "番号",
    "指標名",
    "単位",
    "比較",
    "目標",
    TARGET_NUMBER_HEADER,
    "第1四半期",
    "第2四半期",
    "第3四半期",
    "第4四半期",
    "累計",
    "達成率",
    "状況",
    "年度末見込み",
    "評定の目安",
    "評定",
    "評定の理由",
    "承認状況",
    "実績の備考",
    "注記",
]
WIDTHS = [8, 50, 6, 7, 14, 13, 11, 11, 11, 11, 12, 9, 9, 12, 11, 6, 24, 26, 30, 34]
N_COLUMNS = len(HEADERS)
FIRST_QUARTER_COLUMN = 7  # G
CUMULATIVE_COLUMN = 11  # K
STATE_SHORT = {s: label for s, label in EntryState.choices}
MILESTONE_LABELS = dict(Actual.MilestoneStatus.choices)


def indicator_rows_load(ctx: ExportContext):
    """Indicators of the plan in display order, their actuals of the year and the final ratings (3 queries)."""
    indicators = list(
        Indicator.objects.filter(plan=ctx.plan).select_related("section__chapter", "parent").order_by("order")
    )
    actuals: dict[int, list[Actual]] = defaultdict(list)
    for actual in Actual.objects.filter(fiscal_year=ctx.fiscal_year, indicator__plan=ctx.plan).order_by(
        "quarter"
    ):
        actuals[actual.indicator_id].append(actual)
    ratings = {r.indicator_id: r for r in FinalRating.objects.filter(fiscal_year=ctx.fiscal_year)}
    return indicators, actuals, ratings


def _ordered(indicators: list[Indicator]) -> tuple[list[tuple[str, list[Indicator]]], list[Indicator]]:
    """Main indicators grouped by section (pillar) with each sub-target right after its parent; references apart."""
    children: dict[int, list[Indicator]] = defaultdict(list)
    for ind in indicators:
        if ind.parent_id:
            children[ind.parent_id].append(ind)
    groups: dict[int, tuple[str, list[Indicator]]] = {}
    references: list[Indicator] = []
    for ind in indicators:
        if ind.parent_id:
            continue
        ordered = [ind, *children.get(ind.pk, [])]
        if ind.category == Indicator.Category.REFERENCE:
            references.extend(ordered)
            continue
        section = ind.section
        label = section.pillar_label if section.is_pillar else str(section)
        groups.setdefault(section.pk, (label, []))[1].extend(ordered)
    return list(groups.values()), references


def write_indicators(wb, ctx: ExportContext) -> None:
    scope = ctx.scope_label
    ws = cells.titled_sheet(
        wb,
        "指標",
        widths=WIDTHS,
        freeze="C4",
        title_rows="3:3",
        title=f"指標の進捗　{ctx.year_label}　{ctx.quarter_label}　集計の対象：{scope}",
        note="達成率・割合は0.1%単位で四捨五入（判定も四捨五入後の値）。年度末見込みは直線による見込みで実績ではなく、"
        "件数等は1単位に四捨五入（セルの値も丸めた値）。目標値（数値）は計算に使える目標で、基準比（1-2）は実態調査の"
        "伸び率に掛ける倍率。割合の指標は四半期ごとの割合と、その下に分子・分母の行を記載（累計は Σ分子／Σ分母）。",
    )
    cells.header_row(ws, HEADERS, WIDTHS)
    row_number = 3

    indicators, actuals, ratings = indicator_rows_load(ctx)
    groups, references = _ordered(indicators)
    blocks = [*groups, ("参考指標", references)] if references else groups
    for label, members in blocks:
        ws.append(
            [cells.text(ws, label, bold=True, fill=cells.BAND_FILL)]
            + [cells.blank(ws, fill=cells.BAND_FILL) for _ in range(N_COLUMNS - 1)]
        )
        row_number += 1
        cells.merge(ws, row_number, 1, row_number, N_COLUMNS)
        for ind in members:
            row_number += _write_indicator(
                ws, ctx, ind, actuals.get(ind.pk, []), ratings.get(ind.pk), row_number + 1
            )


def _write_indicator(
    ws, ctx: ExportContext, ind: Indicator, entries: list[Actual], rating, row_number: int
) -> int:
    """Write an indicator's row (and its 分子・分母 or 基準 rows) starting at `row_number`; returns the number
    of rows written."""
    counted = [
        a
        for a in entries
        if a.quarter <= ctx.quarter and (ctx.include_drafts or a.state == EntryState.APPROVED)
    ]
    result = progress.progress_compute(
        spec=progress.spec_from_indicator(ind),
        figures=[progress.figure_from_actual(a) for a in entries],
        as_of_quarter=ctx.quarter,
        include_unapproved=ctx.include_drafts,
    )
    by_quarter = {a.quarter: a for a in counted}
    is_sub = bool(ind.parent_id)
    name = f"{ind.name}（努力目標）" if ind.is_effort_target and "努力" not in ind.name else ind.name

    points = {p.quarter: p for p in result.quarters}
    quarter_cells = [_quarter_cell(ws, ind, by_quarter.get(q), points.get(q)) for q in range(1, 5)]

    if ind.kind == Indicator.Kind.MILESTONE:
        cumulative = cells.text(ws, MILESTONE_LABELS.get(result.milestone_status, ""), align="center")
    else:
        cumulative = cells.figure(ws, result.actual, is_percent=ind.kind in _PERCENT_KINDS, bold=True)

    states = _state_summary([a for a in entries if a.quarter <= ctx.quarter])
    notes = [result.pending_text] if result.is_pending else []
    if result.note:
        notes.append(result.note)
    if ind.note:
        notes.append(ind.note)
    entry_notes = cells.notes_text([a for a in entries if a.quarter <= ctx.quarter])
    wrapped = [
        (name, WIDTHS[1]),
        (_target_text(ind), WIDTHS[4]),
        (rating.reason if rating else "", WIDTHS[16]),
        (states, WIDTHS[17]),
        (entry_notes, WIDTHS[18]),
        (" ".join(notes), WIDTHS[19]),
    ]
    cells.set_row_height(ws, row_number, max(cells.lines_needed(t, w) for t, w in wrapped))
    row = [
        cells.text(ws, ind.code, indent=1 if is_sub else 0),
        cells.text(ws, name, wrap=True, indent=1 if is_sub else 0),
        cells.text(ws, ind.unit, align="center"),
        cells.text(
            ws,
            ind.get_comparison_display() if ind.comparison != Indicator.Comparison.NONE else "",
            align="center",
        ),
        cells.text(ws, _target_text(ind), wrap=True),
        _target_number_cell(ws, ind),
        *quarter_cells,
        cumulative,
        cells.figure(ws, result.achievement_rate, is_percent=True),
        cells.text(
            ws, result.status_label if result.status != progress.Status.REFERENCE else "参考", align="center"
        ),
        cells.forecast(ws, result.forecast, is_percent=ind.kind in _PERCENT_KINDS),
        cells.text(ws, result.grade_label, align="center"),
        cells.text(ws, rating.grade if rating else "", align="center", bold=True),
        cells.text(ws, rating.reason if rating else "", wrap=True),
        cells.text(ws, states or "未入力", wrap=True),
        cells.text(ws, entry_notes, wrap=True),
        cells.text(ws, " ".join(notes), wrap=True),
    ]
    ws.append(row)
    written = 1
    if ind.kind in (Indicator.Kind.RATIO,) or (
        ind.kind == Indicator.Kind.BASELINE and any(a.denominator for a in counted)
    ):
        written += _sub_row(
            ws,
            "分子",
            [by_quarter.get(q) and by_quarter[q].numerator for q in range(1, 5)],
            result.numerator_total,
        )
        written += _sub_row(
            ws,
            "分母",
            [by_quarter.get(q) and by_quarter[q].denominator for q in range(1, 5)],
            result.denominator_total,
        )
    elif ind.kind == Indicator.Kind.BENCHMARK:
        written += _sub_row(
            ws,
            "実態調査の伸び率（%）",
            [by_quarter.get(q) and by_quarter[q].benchmark_rate for q in range(1, 5)],
            result.benchmark,
            is_percent=True,
        )
        written += _sub_row(
            ws,
            f"必要な伸び率（実態調査×{formatting.number(progress.spec_from_indicator(ind).multiplier)}）（%）",
            [None] * 4,
            result.required,
            is_percent=True,
        )
    elif ind.kind == Indicator.Kind.BASELINE and result.benchmark is not None:
        written += _sub_row(
            ws,
            "基準値（%）",
            [by_quarter.get(q) and by_quarter[q].benchmark_rate for q in range(1, 5)],
            result.benchmark,
            is_percent=True,
        )
    return written


def _state_summary(entries: list[Actual]) -> str:
    """「承認済み 3・提出済み 1」: how many of the year's entries (up to the as-of quarter) are in each state."""
    counts: dict[str, int] = {}
    for a in entries:
        counts[a.state] = counts.get(a.state, 0) + 1
    order = [s for s, _label in EntryState.choices]
    return "・".join(f"{STATE_SHORT[s]} {counts[s]}" for s in sorted(counts, key=order.index))


_PERCENT_KINDS = {Indicator.Kind.RATIO, Indicator.Kind.BENCHMARK, Indicator.Kind.BASELINE}


def _sub_row(ws, label, quarter_values, total, *, is_percent=False) -> int:
    ws.append(
        [
            cells.blank(ws),
            cells.text(ws, label, indent=2),
            *(cells.blank(ws) for _ in range(FIRST_QUARTER_COLUMN - 3)),
            *(
                cells.figure(ws, v if v is not None and v != "" else None, is_percent=is_percent)
                for v in quarter_values
            ),
            cells.figure(ws, total, is_percent=is_percent),
            *(cells.blank(ws) for _ in range(N_COLUMNS - CUMULATIVE_COLUMN)),
        ]
    )
    return 1


def _target_text(ind: Indicator) -> str:
    """The target as every table shows it (1,000社以上; 1-2 keeps its words with half-width digits)."""
    return formatting.target_label(
        target=ind.target, unit=ind.unit, comparison=ind.comparison, text=ind.target_text
    )


def _target_number_cell(ws, ind: Indicator):
    """The target as a number: 1000, 70 (%, as the plan writes it), or the benchmark's multiplier 1.2."""
    if ind.target is not None:
        return cells.figure(ws, ind.target)
    if ind.kind == Indicator.Kind.BENCHMARK:
        value = progress.spec_from_indicator(ind).multiplier
        return cells.number(ws, value, fmt=formatting.multiplier_xlsx(value))
    return cells.blank(ws)


def _quarter_cell(ws, ind: Indicator, actual: Actual | None, point):
    """The quarter's figure as progress.py reads it (a ratio's quarterly %, rounded like every percentage)."""
    if actual is None:
        return cells.blank(ws)
    if ind.kind == Indicator.Kind.MILESTONE:
        return cells.text(ws, MILESTONE_LABELS.get(actual.milestone_status, ""), align="center")
    if point is None or point.value is None:
        return cells.blank(ws)
    return cells.figure(ws, point.value, is_percent=ind.kind in _PERCENT_KINDS)


SHEETS = [
    SheetSpec(
        order=100,
        title="指標",
        description="柱ごとの指標と参考指標：目標と目標値（数値。基準比は倍率）、四半期実績（割合は分子・分母も）、累計、達成率、状況、年度末見込み、評定の目安、評定、承認状況",
        write=lambda wb, ctx, data: write_indicators(wb, ctx),
    ),
    SheetSpec(
        order=REVISION_SHEET_ORDER,
        title=REVISION_SHEET_NAME,
        description=REVISION_SHEET_DESCRIPTION,
        write=lambda wb, ctx, data: write_revisions(wb, ctx),
        count_label=REVISION_SHEET_NAME,
    ),
]
