"""The auditors' workbook: 表紙, 指標, 施策, one sheet per 勘定, 予算執行, 端数差異, 変更履歴.

Written in openpyxl's write-only mode: each sheet streams its rows to the file as they are produced, and the
change history is read in chunks, so memory does not grow with the length of the history."""

from __future__ import annotations

import datetime as dt
from typing import BinaryIO

from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils.indexed_list import IndexedList

from budgets.selectors import budget_grid_list
from budgets.sheets.accounts import write_budget_sheets
from budgets.sheets.execution import write_execution
from budgets.sheets.reconciliation import write_reconciliation
from evaluation.sheets import write_measures
from indicators import progress
from indicators.selectors import actual_last_approved_quarter
from indicators.sheets import write_indicators
from measures.models import FiscalYear, PlanDocument
from measures.periods import fiscal_year_short
from reports.cover import write_cover
from reports.history_sheet import write_history
from smrj_plan.xlsx import cells
from smrj_plan.xlsx.context import ExportContext
from smrj_plan.xlsx.streamed import package_save
from smrj_plan.xlsx_text import safe_text

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# Sheets with fixed titles; a 勘定 named like one of them gets 「(2)」 instead of taking its place.
FIXED_SHEET_TITLES = ("表紙", "指標", "施策", "予算執行", "端数差異", "変更履歴")
ROUNDING_RULE = (
    f"達成率・割合・執行率は{progress.PERCENT_QUANTUM}%単位で四捨五入（端数0.05%は切り上げ）。"
    "状況・評定の目安は四捨五入後の達成率で判定。"
)


def default_quarter(*, fiscal_year: FiscalYear) -> int:
    """The dashboard's default: the last quarter with an approved actual, else 第1四半期."""
    return actual_last_approved_quarter(fiscal_year=fiscal_year) or 1


def export_context_build(
    *,
    year: int,
    quarter: int | None,
    include_drafts: bool,
    exported_by: str,
    exported_at: dt.datetime | None = None,
) -> ExportContext:
    """Resolve the year (FiscalYear.DoesNotExist / PlanDocument.DoesNotExist when there is no plan) and quarter."""
    fiscal_year = FiscalYear.objects.get(year=year)
    plan = PlanDocument.objects.get(fiscal_year=fiscal_year)
    if quarter is None:
        quarter = default_quarter(fiscal_year=fiscal_year)
    if quarter not in (1, 2, 3, 4):
        raise ValueError("四半期は1〜4で指定してください。")
    extra = {"exported_at": exported_at} if exported_at else {}
    return ExportContext(
        fiscal_year=fiscal_year,
        plan=plan,
        quarter=quarter,
        include_drafts=include_drafts,
        exported_by=exported_by,
        **extra,
    )


def workbook_write(*, ctx: ExportContext, output: BinaryIO | str) -> dict[str, int]:
    """Write the whole workbook to `output` (a path or a binary file object); returns row counts per list sheet."""
    wb = Workbook(write_only=True)
    # The default style (empty cells, and anything a reader adds) uses the same Japanese font as the cells.
    wb._fonts = IndexedList([Font(name=cells.FONT_NAME, size=10)])  # openpyxl has no public setter
    write_cover(wb, ctx, rounding_rule=ROUNDING_RULE)
    write_indicators(wb, ctx)
    measures = write_measures(wb, ctx)
    grids = budget_grid_list(fiscal_year=ctx.year)  # read once for the account sheets and the reconciliation
    accounts = write_budget_sheets(wb, ctx, grids, taken=set(FIXED_SHEET_TITLES))
    executions = write_execution(wb, ctx)
    reconciliation = write_reconciliation(wb, ctx, grids)
    history = write_history(wb, ctx)
    # Document properties are XML too: the plan title and the user name are typed, so they are cleaned as well.
    wb.properties.title = safe_text(f"{ctx.plan.title} 監査用データ")
    wb.properties.creator = safe_text(ctx.exported_by)
    package_save(wb, output, [history])
    return {
        "施策": measures,
        "勘定": len(accounts),
        "予算執行": executions,
        "端数差異": reconciliation,
        "変更履歴": history.written,
    }


def export_filename(ctx: ExportContext) -> str:
    """「令和6年度_監査用データ_第3四半期末_20250115-0930.xlsx」 (time in JST)."""
    from django.utils import timezone

    stamp = timezone.localtime(ctx.exported_at).strftime("%Y%m%d-%H%M")
    drafts = "_下書き含む" if ctx.include_drafts else ""
    return f"{fiscal_year_short(ctx.year)}_監査用データ_第{ctx.quarter}四半期末{drafts}_{stamp}.xlsx"
