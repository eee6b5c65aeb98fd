"""The auditors' workbook: 表紙, then every sheet the installed apps register (`reports.registry`): 指標, one
sheet per 勘定, 予算執行, 端数差異, 変更履歴.

Written in openpyxl's write-only mode: each sheet streams its rows to the file as they are produced, and the
change history is read in chunks, so memory does not grow with the length of the history."""

from __future__ import annotations

import datetime as dt
from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils.indexed_list import IndexedList

from indicators import progress
from measures.models import PlanDocument
from measures.periods import fiscal_year_short
from reports.cover import COVER_TITLE, write_cover
from reports.registry import sheet_guide, sheet_registry
from smrj_plan import data_version
from smrj_plan.as_of import period_resolve
from smrj_plan.period import Period
from smrj_plan.xlsx import cells
from smrj_plan.xlsx.context import ExportContext
from smrj_plan.xlsx.spec import WorkbookData
from smrj_plan.xlsx.streamed import StreamedRows, package_save
from smrj_plan.xlsx_text import safe_text

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Sheets with fixed titles; a 勘定 named like one of them gets 「(2)」 instead of taking its place.
ROUNDING_RULE = (
    f"達成率・割合・執行率は{progress.PERCENT_QUANTUM}%単位で四捨五入（端数0.05%は切り上げ）。"
    "状況・評定の目安は四捨五入後の達成率で判定。"
)


def export_context_build(
    *,
    year: int | None = None,
    quarter: int | None = None,
    period: Period | None = None,
    include_drafts: bool,
    exported_by: str,
    exported_at: dt.datetime | None = None,
) -> ExportContext:
    """What one export is about: `period` if the caller resolved it, else `year` and `quarter` resolved by
    `period_resolve` (the default as-of quarter of every page). Raises PeriodNotFound when the year has no plan
    and ValueError for a quarter outside 1–4."""
    period = period or period_resolve(year=year, quarter=quarter)
    plan = PlanDocument.objects.get(fiscal_year=period.fiscal_year)
    extra = {"exported_at": exported_at} if exported_at else {}
    return ExportContext(
        fiscal_year=period.fiscal_year,
        plan=plan,
        quarter=period.as_of_quarter,
        include_drafts=include_drafts,
        exported_by=exported_by,
        **extra,
    )


def workbook_write(*, ctx: ExportContext, output: BinaryIO | str) -> dict[str, int]:
    """Write the whole workbook to `output` (a path or a binary file object); returns row counts per list sheet.

    Writing changes nothing: the data version its cached reads are keyed by is read once for the whole workbook
    (`smrj_plan.data_version.request_memo`), as for a page."""
    with data_version.request_memo():
        return _workbook_write(ctx=ctx, output=output)


def _workbook_write(*, ctx: ExportContext, output: BinaryIO | str) -> dict[str, int]:
    wb = Workbook(write_only=True)
    # The default style (empty cells, and anything a reader adds) uses the same Japanese font as the cells.
    wb._fonts = IndexedList([Font(name=cells.FONT_NAME, size=10)])  # openpyxl has no public setter
    write_cover(wb, ctx, rounding_rule=ROUNDING_RULE, guide=sheet_guide())
    specs = sheet_registry()
    data = WorkbookData(reserved_titles={COVER_TITLE, *(spec.title for spec in specs if spec.fixed_title)})
    written = [(spec, spec.write(wb, ctx, data)) for spec in specs]
    # Document properties are XML too: the plan title and the user name are typed, so they are cleaned as well.
    wb.properties.title = safe_text(f"{ctx.plan.title} 監査用データ")
    wb.properties.creator = safe_text(ctx.exported_by)
    package_save(wb, output, [result for _spec, result in written if isinstance(result, StreamedRows)])
    return {spec.count_label: _count(result) for spec, result in written if spec.count_label}


def _count(result) -> int:
    """Rows (or sheets) a sheet writer reports: a streamed sheet knows only once the package is saved."""
    if isinstance(result, StreamedRows):
        return result.written
    if isinstance(result, (list, tuple)):
        return len(result)
    return int(result or 0)


def export_filename(ctx: ExportContext) -> str:
    """「令和6年度_監査用データ_第3四半期末_20250115-0930.xlsx」 (time in JST)."""
    from django.utils import timezone

    stamp = timezone.localtime(ctx.exported_at).strftime("%Y%m%d-%H%M")
    drafts = "_下書き含む" if ctx.include_drafts else ""
    return f"{fiscal_year_short(ctx.year)}_監査用データ_第{ctx.quarter}四半期末{drafts}_{stamp}.xlsx"
