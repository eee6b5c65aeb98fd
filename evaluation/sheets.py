"""施策: every measure of the plan by 評価項目, with its 担当部署, its status in each quarter and its latest 取組状況.

Counts what the workbook counts (ExportContext): quarters up to the as-of quarter, approved entries only unless
the export includes drafts. Two queries whatever the number of measures and entries."""

from __future__ import annotations

from collections import defaultdict

from evaluation.items import evaluation_item_of
from evaluation.models import MeasureProgress
from evaluation.selectors import status_label
from measures.models import Measure
from smrj_plan.workflow import EntryState
from smrj_plan.xlsx import cells
from smrj_plan.xlsx.context import ExportContext
from smrj_plan.xlsx.spec import SheetSpec

SHEET_TITLE = "施策"
HEADERS = [
    "施策",
    "見出し",
    "施策の本文",
    "担当部署",
    "第1四半期",
    "第2四半期",
    "第3四半期",
    "第4四半期",
    "最新の状況",
    "最新の取組状況",
    "根拠資料",
    "承認状況",
]
WIDTHS = [7, 22, 60, 18, 10, 10, 10, 10, 10, 50, 30, 22]
N_COLUMNS = len(HEADERS)
STATE_LABELS = dict(EntryState.choices)


def _heading_label(measure: Measure) -> str:
    heading = measure.heading
    if heading is None:
        return ""
    if heading.parent_id:
        return f"{heading.parent.label}{heading.parent.title}\n{heading.label}{heading.title}"
    return f"{heading.label}{heading.title}"


def _state_summary(entries: list[MeasureProgress]) -> str:
    counts: dict[str, int] = defaultdict(int)
    for entry in entries:
        counts[entry.state] += 1
    order = [s for s, _ in EntryState.choices]
    return "・".join(f"{STATE_LABELS[s]} {counts[s]}" for s in sorted(counts, key=order.index))


def _quarter_status(entry: MeasureProgress | None) -> str:
    if entry is None:
        return ""
    return status_label(entry.status) if entry.status else "未選択"  # a draft saved without a status


def write_measures(wb, ctx: ExportContext) -> int:
    """Write the sheet; returns the number of measures written."""
    ws = cells.titled_sheet(
        wb,
        SHEET_TITLE,
        widths=WIDTHS,
        freeze="D4",
        title_rows="3:3",
        title=f"施策の取組状況　{ctx.year_label}　{ctx.quarter_label}　集計の対象：{ctx.scope_label}",
        note="四半期ごとの状況（予定どおり・前倒し・遅れ・未着手・完了）と、基準四半期までの最新の取組状況。"
        "状況のない四半期は空欄、承認済みの取組状況がない施策の最新の状況は「未報告」。",
    )
    cells.header_row(ws, HEADERS, WIDTHS)
    row_number = 3
    measures = list(
        Measure.objects.filter(plan=ctx.plan)
        .select_related("chapter", "section", "heading__parent", "department")
        .order_by("order")
    )
    entries: dict[int, list[MeasureProgress]] = defaultdict(list)
    for entry in MeasureProgress.objects.filter(
        fiscal_year=ctx.fiscal_year, measure__plan=ctx.plan, quarter__lte=ctx.quarter
    ).order_by("quarter"):
        entries[entry.measure_id].append(entry)
    current_item = None
    for m in measures:
        item = evaluation_item_of(chapter=m.chapter, section=m.section)
        if item.code != current_item:
            current_item = item.code
            ws.append(
                [cells.text(ws, item.label, bold=True, fill=cells.BAND_FILL)]
                + [cells.blank(ws, fill=cells.BAND_FILL) for _ in range(N_COLUMNS - 1)]
            )
            row_number += 1
            cells.merge(ws, row_number, 1, row_number, N_COLUMNS)
        all_entries = entries.get(m.pk, [])
        counted = [e for e in all_entries if ctx.include_drafts or e.state == EntryState.APPROVED]
        by_quarter = {e.quarter: e for e in counted}
        latest = by_quarter[max(by_quarter)] if by_quarter else None
        heading = _heading_label(m)
        states = _state_summary(all_entries)
        wrapped = [
            (heading, WIDTHS[1]),
            (m.text, WIDTHS[2]),
            (latest.narrative if latest else "", WIDTHS[9]),
            (latest.evidence if latest else "", WIDTHS[10]),
            (states, WIDTHS[11]),
        ]
        row_number += 1
        cells.set_row_height(ws, row_number, max(cells.lines_needed(t, w) for t, w in wrapped))
        ws.append(
            [
                cells.text(ws, f"施策{m.order}", align="center"),
                cells.text(ws, heading, wrap=True),
                cells.text(ws, m.text, wrap=True),
                cells.text(ws, m.department.name if m.department_id else "", wrap=True),
                *(cells.text(ws, _quarter_status(by_quarter.get(q)), align="center") for q in range(1, 5)),
                cells.text(ws, status_label(latest.status if latest else ""), align="center", bold=True),
                cells.text(ws, latest.narrative if latest else "", wrap=True),
                cells.text(ws, latest.evidence if latest else "", wrap=True),
                cells.text(ws, states or "未入力", wrap=True),
            ]
        )
    return len(measures)


SHEETS = [
    SheetSpec(
        order=150,
        title=SHEET_TITLE,
        description="評価項目ごとの施策：担当部署、四半期ごとの状況（予定どおり・前倒し・遅れ・未着手・完了）、"
        "最新の状況と取組状況、根拠資料、承認状況",
        write=lambda wb, ctx, data: write_measures(wb, ctx),
        count_label="施策",
    ),
]
