"""予算執行: per 勘定 and 予算計画 line × column, 予算額 | 執行額 Q1–Q4 | 累計 | 差額 | 執行率 | 備考.

Lines and their arithmetic (累計, 差額, 執行率) are `budgets.selectors.ExecutionLine`, as on the execution page.
For an export "including drafts" the not-yet-approved amounts are moved into the line's counted amounts before
its properties are read, and quarters after the as-of quarter are left out, so the rules stay in one place."""

from __future__ import annotations

import dataclasses

from budgets.models import Account
from budgets.selectors import ExecutionLine, budget_execution_summary, budget_table_list
from smrj_plan.workflow import EntryState
from smrj_plan.xlsx import cells
from smrj_plan.xlsx.context import ExportContext

HEADERS = [
    "勘定",
    "区分",
    "項目",
    "業務（経理）",
    "予算額",
    "執行額 第1四半期",
    "執行額 第2四半期",
    "執行額 第3四半期",
    "執行額 第4四半期",
    "執行額 累計",
    "差額（執行額－予算額）",
    "執行率",
    "状態",
    "備考",
]
WIDTHS = [16, 8, 24, 36, 12, 13, 13, 13, 13, 13, 15, 9, 24, 40]
STATE_LABELS = dict(EntryState.choices)


def _counted(line: ExecutionLine, ctx: ExportContext) -> ExecutionLine:
    """The line as this export counts it: quarters up to the as-of quarter, drafts too when asked."""
    counted = {q: a for q, a in line.approved.items() if q <= ctx.quarter}
    if ctx.include_drafts:
        counted.update({q: a for q, a in line.pending.items() if q <= ctx.quarter})
    return dataclasses.replace(line, approved=counted, pending={})


def write_execution(wb, ctx: ExportContext) -> int:
    ws = cells.titled_sheet(
        wb,
        "予算執行",
        widths=WIDTHS,
        freeze="E4",
        title_rows="3:3",
        title=f"予算執行　{ctx.year_label}　{ctx.quarter_label}　集計の対象：{ctx.scope_label}",
        note="単位：百万円。予算額は予算計画（別紙1）の公表値（「-」は金額なし）。差額は執行額－予算額（△は予算額未満）。"
        "執行額・累計・差額は小数3桁（千円単位）で表示。執行率は0.1%単位で四捨五入。",
    )
    cells.header_row(ws, HEADERS, WIDTHS)
    accounts = {a.code: a.name for a in Account.objects.all()}
    written = 0
    for table in budget_table_list(fiscal_year=ctx.year):
        if table.kind != "budget":
            continue
        summary = budget_execution_summary(fiscal_year=ctx.year, account_code=table.account.code)
        for section, lines in summary.sections:
            for raw in lines:
                line = _counted(raw, ctx)
                entries = [raw.entries[q] for q in sorted(raw.entries) if q <= ctx.quarter]
                states = "／".join(f"Q{e.quarter} {STATE_LABELS.get(e.state, e.state)}" for e in entries)
                ws.append(
                    [
                        cells.text(ws, accounts.get(summary.account_code, summary.account_name)),
                        cells.text(ws, section),
                        cells.text(ws, line.row_label),
                        cells.text(ws, line.column_label),
                        cells.amount(ws, line.budget),
                        *(cells.executed(ws, line.approved.get(q)) for q in range(1, 5)),
                        cells.executed(ws, line.executed),
                        cells.executed(ws, line.difference),
                        cells.number(ws, line.rate, fmt=cells.RATE_FORMAT)
                        if line.rate is not None
                        else cells.blank(ws),
                        cells.text(ws, states),
                        # 備考 is free text typed by users: cells.text() keeps it from being read as a formula.
                        cells.text(ws, cells.notes_text(entries)),
                    ]
                )
                written += 1
    ws.auto_filter.ref = f"A3:N{3 + max(written, 1)}"
    return written
