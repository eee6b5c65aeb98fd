"""Cell factories shared by every sheet: one font, the number formats, and the text writer that keeps user text
from ever being read as a formula (through smrj_plan.xlsx_text, shared with the entry template).

The workbook is written in openpyxl's write-only mode, so cells are created here (WriteOnlyCell) with their
style and appended row by row; nothing of a sheet stays in memory once its rows are written."""

from __future__ import annotations

import datetime as dt
from copy import copy
from decimal import Decimal

from django.utils import timezone
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from smrj_plan import formatting
from smrj_plan.xlsx_text import needs_quote, safe_text

FONT_NAME = "游ゴシック"
# Number formats come from smrj_plan.formatting, next to the text rule each one mirrors, so a cell shows the
# digits the page shows.
AMOUNT_FORMAT = formatting.AMOUNT_XLSX  # published 百万円; a published 「-」 is text, see amount()
SIGNED_FORMAT = formatting.SIGNED_XLSX  # computed 百万円 (sums, differences)
EXECUTED_FORMAT = formatting.EXECUTED_XLSX  # 執行額 to 千円, one format for the column
# Percentages are stored as percent numbers (75.0 means 75.0 %), as the plan writes them.
PERCENT_FORMAT = formatting.PERCENT_XLSX
RATE_FORMAT = formatting.PERCENT_XLSX
DATETIME_FORMAT = formatting.DATETIME_XLSX
# Excel's tallest row, in points; a taller one makes Excel report the file as damaged and repair it.
MAX_ROW_HEIGHT = 409

_thin = Side(style="thin", color="999999")
BORDER = Border(left=_thin, right=_thin, top=_thin, bottom=_thin)
HEADER_FILL = PatternFill("solid", fgColor="DDE4EE")
BAND_FILL = PatternFill("solid", fgColor="EEF1F5")
TOTAL_FILL = PatternFill("solid", fgColor="F6F6F6")
ERROR_FONT_COLOR = "C00000"


def font(*, bold: bool = False, size: float = 10, color: str | None = None) -> Font:
    return Font(name=FONT_NAME, bold=bold, size=size, color=color)


def _cell(ws, value, key: tuple, build) -> WriteOnlyCell:
    """A cell carrying the style `key`. Building openpyxl style objects (and hashing them into the workbook's
    style tables) costs far more than writing a cell, so each distinct style is built once per workbook and
    its style array is copied onto every later cell."""
    cache = ws.parent.__dict__.setdefault("_report_style_cache", {})
    style = cache.get(key)
    if style is None:
        prototype = WriteOnlyCell(ws)
        build(prototype)
        style = cache[key] = prototype._style
    cell = WriteOnlyCell(ws, value=value)
    cell._style = copy(style)
    return cell


def text(
    ws, value, *, bold=False, size=10, fill=None, indent=0, wrap=False, align=None, border=True, color=None
):
    """A text cell through `safe_text` (characters a file cannot hold shown as 「[U+0001]」, cut at 32,767). Any
    value starting with = + - @ or a tab/CR/LF is stored as a plain string with the quotePrefix style, so Excel
    shows it literally and never evaluates it."""
    value = safe_text(value)

    def build(cell):
        cell.font = font(bold=bold, size=size, color=color)
        cell.alignment = Alignment(
            # Excel and LibreOffice apply an indent only to explicitly left- (or right-) aligned text.
            horizontal=align or ("left" if indent else None),
            # Long wrapped text reads from the top; centred headings stay centred both ways.
            vertical="top" if wrap and align != "center" else "center",
            indent=indent,
            wrap_text=wrap,
        )
        if fill is not None:
            cell.fill = fill
        if border:
            cell.border = BORDER

    key = ("text", bold, size, id(fill), indent, wrap, align, border, color)
    cell = _cell(ws, value, key, build)
    if needs_quote(value):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell


def plain(ws, value):
    """The fast path for long list sheets: a bare value takes the workbook's default style (the same Japanese
    font, no border), which costs a fraction of a styled cell. Text that could be read as a formula or that holds
    a character a file cannot hold, or that is too long for a cell, still goes through text(); "" becomes an empty
    cell."""
    if value is None or value == "":
        return None
    if isinstance(value, str):
        if needs_quote(value) or safe_text(value) != value:
            return text(ws, value, border=False)
        return value
    if isinstance(value, bool):
        raise TypeError("plain() does not write booleans; give their label")
    return value


def number(ws, value, *, fmt=None, bold=False, fill=None, color=None):
    """A numeric cell (Decimal stays exact in the file); None gives an empty bordered cell. Without `fmt` the
    count format that shows exactly the value's digits (6000 → 6,000; 40.32 → 40.32)."""
    if value is not None and not isinstance(value, (int, Decimal, float)):
        raise TypeError(f"number() expects a number, got {value!r}")
    if fmt is None:
        fmt = formatting.WHOLE_XLSX if value is None else formatting.count_xlsx(Decimal(str(value)))

    def build(cell):
        cell.font = font(bold=bold, color=color)
        cell.number_format = fmt
        cell.alignment = Alignment(horizontal="right", vertical="center")
        cell.border = BORDER
        if fill is not None:
            cell.fill = fill

    return _cell(ws, value, ("number", fmt, bold, id(fill), color), build)


def figure(ws, value, *, is_percent=False, bold=False):
    """An indicator's figure as the pages show it (`formatting.figure`); None gives an empty bordered cell."""
    value, fmt = formatting.xlsx_figure(value, is_percent=is_percent)
    return blank(ws) if value is None else number(ws, value, fmt=fmt, bold=bold)


def forecast(ws, value, *, is_percent=False):
    """A 年度末見込み: the value rounded as the pages round it (whole units, or 0.1 % for a ratio)."""
    value, fmt = formatting.xlsx_forecast(value, is_percent=is_percent)
    return blank(ws) if value is None else number(ws, value, fmt=fmt)


def executed(ws, value):
    """An executed amount (or its 累計 / 差額) in 百万円 to 千円; None gives an empty bordered cell."""
    return blank(ws) if value is None else number(ws, value, fmt=EXECUTED_FORMAT)


def amount(ws, value, *, bold=False, fill=None):
    """A published 百万円 amount. A published 「-」 (None, no amount) is written as the text 「-」 right-aligned:
    it is not 0, so it must not be a number a SUM would count, and an auditor filtering for 0 must not find it."""
    if value is None:
        return text(ws, "-", bold=bold, fill=fill, align="right")
    return number(ws, value, fmt=AMOUNT_FORMAT, bold=bold, fill=fill)


def plain_number(ws, value, *, fmt):
    """A number for the long list sheets: the number format only (no border), like plain() for text."""

    def build(cell):
        cell.font = font()
        cell.number_format = fmt

    return _cell(ws, value, ("plain_number", fmt), build)


def _when_style(cell):
    cell.font = font()
    cell.number_format = DATETIME_FORMAT
    cell.alignment = Alignment(horizontal="left", vertical="center")


def when(ws, value: dt.datetime | None):
    """A datetime cell in Japan time (Excel has no time zones; the header says 日本時間)."""
    if value is None:
        return None
    return _cell(ws, timezone.localtime(value).replace(tzinfo=None), ("when",), _when_style)


def header(ws, value, *, wrap=True):
    return text(ws, value, bold=True, fill=HEADER_FILL, align="center", wrap=wrap)


def blank(ws, *, fill=None, border=True):
    def build(cell):
        cell.font = font()
        if fill is not None:
            cell.fill = fill
        if border:
            cell.border = BORDER

    return _cell(ws, None, ("blank", id(fill), border), build)


def set_widths(ws, widths: list[float]) -> None:
    """Column widths must be set before the first row is appended in write-only mode."""
    for index, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = width


def print_setup(ws, *, title_rows: str | None, landscape: bool = True) -> None:
    """A4, landscape, fit to one page wide (as many pages tall as needed), title rows repeated on each page."""
    ws.page_setup.paperSize = "9"  # A4
    ws.page_setup.orientation = "landscape" if landscape else "portrait"
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.5
    if title_rows:
        ws.print_title_rows = title_rows


def merge(ws, first_row: int, first_col: int, last_row: int, last_col: int) -> None:
    if (first_row, first_col) == (last_row, last_col):
        return
    ws.merged_cells.add(f"{get_column_letter(first_col)}{first_row}:{get_column_letter(last_col)}{last_row}")


def _display_width(value: str) -> float:
    """Approximate width in Excel column units: full-width (Japanese) characters count about twice."""
    return sum(1.0 if ord(ch) < 0x2000 or 0xFF61 <= ord(ch) <= 0xFF9F else 1.9 for ch in value)


def lines_needed(value: str, width: float) -> int:
    """How many lines a wrapped text needs in a column of `width` (neither Excel nor LibreOffice reliably sizes
    rows of a generated file, so rows with wrapped text get an explicit height)."""
    if not value:
        return 1
    usable = max(width - 1.5, 1.0)
    return sum(max(1, -(-int(_display_width(part) + 0.999) // int(usable))) for part in value.split("\n"))


def set_row_height(ws, row_number: int, lines: int) -> None:
    """Must be called before the row is appended (write-only mode writes each row's attributes with it). Capped
    at Excel's maximum: the rest of a long 備考 is read in the formula bar instead of the file being "repaired"."""
    if lines > 1:
        ws.row_dimensions[row_number].height = min(14 * lines + 3, MAX_ROW_HEIGHT)


def titled_sheet(wb, name: str, *, widths: list[float], freeze: str, title_rows: str, title: str, note: str):
    """A new sheet opened the way every sheet of the workbook opens: widths, frozen panes, print setup, a bold
    title in row 1 and an explanatory note in row 2. `name` must already be a valid title (`smrj_plan.xlsx_text.sheet_title` for names from data)."""
    ws = wb.create_sheet(name)
    set_widths(ws, widths)
    ws.freeze_panes = freeze
    print_setup(ws, title_rows=title_rows)
    ws.append([text(ws, title, bold=True, size=12, border=False)])
    ws.append([text(ws, note, border=False)])
    return ws


def header_row(ws, headers: list[str], widths: list[float], *, row_number: int = 3) -> None:
    """Append the list header, tall enough for its longest wrapped heading."""
    set_row_height(ws, row_number, max(lines_needed(h, w) for h, w in zip(headers, widths, strict=True)))
    ws.append([header(ws, h) for h in headers])


def notes_text(entries) -> str:
    """The 備考 of the entries: a single one exactly as typed, several prefixed with their quarter."""
    notes = [(e.quarter, e.note) for e in entries if e.note]
    if len(notes) == 1:
        return notes[0][1]
    return "／".join(f"Q{q}: {note}" for q, note in notes)
