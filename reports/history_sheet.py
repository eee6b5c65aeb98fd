"""変更履歴: every change to actuals, executed amounts, final ratings and quarter locks of the year, oldest first.

The rows come from the apps' history selectors (the same rows the history pages show, from the one diff in
`smrj_plan.history`), merged by time. Each selector streams its table in chunks and holds one snapshot per object,
so the sheet is written in flat memory however long the history."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

from django.utils import timezone

from budgets.history import EXECUTION_KIND, execution_history_rows
from evaluation.history import (
    measure_department_history_rows,
    progress_history_rows,
    self_evaluation_history_rows,
)
from indicators.history import actual_history_rows, final_rating_history_rows
from measures.periods import quarter_label
from smrj_plan import formatting
from smrj_plan.history import HistoryRow, history_merge
from smrj_plan.selectors import quarter_lock_history_rows
from smrj_plan.xlsx import cells
from smrj_plan.xlsx.context import ExportContext
from smrj_plan.xlsx.streamed import Figure, StreamedRows

HEADERS = [
    "日時（日本時間）",
    "操作者",
    "区分",
    "対象",
    "四半期",
    "操作",
    "項目",
    "変更前",
    "変更後",
    "状態",
    "理由",
]
WIDTHS = [19, 16, 9, 56, 10, 7, 18, 16, 16, 10, 40]
QUARTER_CELLS = {None: "年度", **{q: quarter_label(q) for q in (1, 2, 3, 4)}}


def write_history(wb, ctx: ExportContext) -> StreamedRows:
    """Create the 変更履歴 sheet (title, header, panes, print setup) and return its rows, streamed into the
    package when the workbook is saved (`streamed.package_save`)."""
    ws = cells.titled_sheet(
        wb,
        "変更履歴",
        widths=WIDTHS,
        freeze="A4",
        title_rows="3:3",
        title=f"変更履歴　{ctx.year_label}（実績・執行額・評定・四半期の締め・取組状況・担当部署・自己評価）",
        note="1件の保存で複数の項目が変わったときは項目ごとに1行。日時は日本時間。",
    )
    ws.print_options.gridLines = True  # list cells carry no borders; print the grid instead
    cells.header_row(ws, HEADERS, WIDTHS)
    return StreamedRows(ws, first_row=4, n_columns=len(HEADERS), rows=history_rows(ctx), filter_header_row=3)


def history_sheet_rows(ctx: ExportContext) -> Iterator[HistoryRow]:
    """The year's history rows of the seven tables in one time order (ties: 実績, 執行額, 評定, 締め, 取組状況,
    担当部署, 自己評価)."""
    fiscal_year = ctx.fiscal_year
    return history_merge(
        actual_history_rows(fiscal_year=fiscal_year, order=0),
        execution_history_rows(fiscal_year=fiscal_year, order=1),
        final_rating_history_rows(fiscal_year=fiscal_year, order=2),
        quarter_lock_history_rows(fiscal_year=fiscal_year, order=3),
        progress_history_rows(fiscal_year=fiscal_year, order=4),
        measure_department_history_rows(fiscal_year=fiscal_year, order=5),
        self_evaluation_history_rows(fiscal_year=fiscal_year, order=6),
    )


def sheet_cells(row: HistoryRow, local_when: dt.datetime | None = None) -> list:
    """One history row as the sheet's cells (time in JST without a zone, numbers as numbers)."""
    if local_when is None:
        local_when = timezone.localtime(row.when).replace(tzinfo=None)
    old, new = row.old, row.new
    if row.kind == EXECUTION_KIND:  # 執行額 read to 千円, as on the 予算執行 sheet
        old = Figure(old, formatting.EXECUTED_XLSX) if isinstance(old, Decimal) else old
        new = Figure(new, formatting.EXECUTED_XLSX) if isinstance(new, Decimal) else new
    return [
        local_when,
        row.who,
        row.kind,
        row.target,
        QUARTER_CELLS[row.quarter],
        row.operation,
        row.label,
        old,
        new,
        row.state,
        row.reason,
    ]


def history_rows(ctx: ExportContext) -> Iterator[list]:
    """The sheet's rows, oldest first: one per changed field of each history record (at least one per record)."""
    when = local_when = None
    for row in history_sheet_rows(ctx):
        if row.when is not when:  # the rows of one record share their time: convert it once
            when, local_when = row.when, timezone.localtime(row.when).replace(tzinfo=None)
        yield sheet_cells(row, local_when)
