"""A list sheet whose rows are streamed as raw SpreadsheetML straight into the saved package.

openpyxl (without lxml) spends ~100 µs per cell serialising; a change history of a few hundred thousand rows
would take minutes. The sheet is therefore created by openpyxl with everything but its data rows (title,
header, frozen panes, print setup, autofilter, print titles), the package is saved, and the rows are then
written into that sheet's XML part as they come from the database: inline strings, so nothing accumulates in
a shared-string table, and constant memory whatever the length of the history.

Cells written here follow the same rules as `cells`: numbers stay numbers (with separators), datetimes are Excel serials with
the date format, and text goes through `smrj_plan.xlsx_text.safe_text` (characters XML cannot hold shown as
「[U+FFFF]」, cut at 32,767 characters) and, when it could be read as a formula, is a string with the
quotePrefix style. This sheet is written without openpyxl's own checks, so these rules are all that stand
between a typed 備考 and a file no reader can open."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import tempfile
import zipfile
from collections.abc import Iterable
from decimal import Decimal
from typing import NamedTuple
from xml.sax.saxutils import escape

from openpyxl.utils import get_column_letter
from openpyxl.utils.datetime import to_excel

from smrj_plan import formatting
from smrj_plan.xlsx import cells
from smrj_plan.xlsx_text import needs_quote, safe_text

# Only short strings (names, labels, states) are worth caching: they repeat from row to row, while a long
# reason rarely does and would keep its text alive in the cache.
CACHED_TEXT_MAX_CHARS = 200

MAX_PLACES = 6  # the most decimals a stored figure has (growth rates); more would be shown as stored


class Figure(NamedTuple):
    """A number to be shown in a given format (one of `StreamedRows.number_styles`), e.g. an 執行額 with its three
    decimals; a bare int or Decimal gets the count format of its own digits."""

    value: Decimal
    fmt: str


class StreamedRows:
    """Rows for one sheet, registered before the workbook is saved and written by `package_finish`."""

    def __init__(self, ws, *, first_row: int, n_columns: int, rows: Iterable[list], filter_header_row: int):
        self.ws = ws
        self.first_row = first_row
        self.n_columns = n_columns
        self.rows = rows
        self.filter_header_row = filter_header_row
        self.written = 0
        # Style ids for the two styled kinds of cell, taken from prototype cells so the workbook's style table
        # holds them when it is saved.
        self.date_style = cells.when(ws, dt.datetime(2000, 1, 1, tzinfo=dt.UTC)).style_id
        quoted = cells.text(ws, "=", border=False)
        self.quoted_style = quoted.style_id
        # Numbers show their digits with separators, as on the pages (6,000, not 6000): one style per number of
        # decimals a stored value can have.
        count_formats = [
            formatting.count_xlsx(Decimal(1).scaleb(-places)) for places in range(MAX_PLACES + 1)
        ]
        self.number_styles = {
            fmt: cells.plain_number(ws, 0, fmt=fmt).style_id
            for fmt in (*count_formats, formatting.EXECUTED_XLSX)
        }
        self.count_styles = [self.number_styles[fmt] for fmt in count_formats]
        self.letters = [get_column_letter(i) for i in range(1, n_columns + 1)]
        ws.auto_filter.ref = f"A{filter_header_row}:{self.letters[-1]}{filter_header_row}"

    def _cell(self, value) -> str:
        """One cell without its reference (cells of a row follow each other; an empty one is ``<c/>``)."""
        if value is None or value == "":
            return "<c/>"
        if isinstance(value, dt.datetime):
            return f'<c s="{self.date_style}"><v>{to_excel(value)}</v></c>'
        if isinstance(value, bool):
            raise TypeError("booleans are written as their label")
        if isinstance(value, Figure):
            return f'<c t="n" s="{self.number_styles[value.fmt]}"><v>{format(value.value, "f")}</v></c>'
        if isinstance(value, (int, Decimal)):
            places = formatting.places_of(Decimal(value))
            style = f' s="{self.count_styles[places]}"' if places <= MAX_PLACES else ""
            return f'<c t="n"{style}><v>{format(value, "f")}</v></c>'
        value = safe_text(value)
        style = f' s="{self.quoted_style}"' if needs_quote(value) else ""
        return f'<c t="inlineStr"{style}><is><t xml:space="preserve">{escape(value)}</t></is></c>'

    def xml_rows(self):
        """The rows as XML. Names, labels and states repeat from row to row, so the XML of short strings is cached
        (the cache is emptied when it grows, keeping memory flat)."""
        cache: dict = {}
        cell = self._cell
        number = self.first_row
        for values in self.rows:
            parts = []
            for value in values:
                if type(value) is str and len(value) <= CACHED_TEXT_MAX_CHARS:
                    fragment = cache.get(value)
                    if fragment is None:
                        if len(cache) > 4096:
                            cache.clear()
                        fragment = cache[value] = cell(value)
                else:
                    fragment = cell(value)
                parts.append(fragment)
            yield f'<row r="{number}">{"".join(parts)}</row>'
            number += 1
            self.written += 1

    @property
    def last_row(self) -> int:
        return self.first_row + self.written - 1


def _sheet_part(wb, ws) -> str:
    # openpyxl numbers worksheet parts by the sheet's position in the workbook (xl/worksheets/sheetN.xml).
    return f"xl/worksheets/sheet{wb.worksheets.index(ws) + 1}.xml"


def package_save(wb, output, streamed: list[StreamedRows]) -> None:
    """Save the workbook, then copy the package to `output`, writing each streamed sheet's rows into it."""
    parts = {_sheet_part(wb, s.ws): s for s in streamed}
    with tempfile.TemporaryFile(suffix=".xlsx") as saved:
        wb.save(saved)
        saved.seek(0)
        with zipfile.ZipFile(saved) as source, zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
            for info in source.infolist():
                if info.filename not in parts:
                    with source.open(info) as src, target.open(info.filename, "w") as dst:
                        shutil.copyfileobj(src, dst, 1 << 20)
                    continue
                _write_streamed(
                    source.read(info).decode("utf-8"), parts[info.filename], target, info.filename
                )


def _write_streamed(placeholder: str, rows: StreamedRows, target: zipfile.ZipFile, name: str) -> None:
    head, tail = placeholder.split("</sheetData>", 1)
    if head.endswith("<sheetData />") or head.endswith("<sheetData/>"):
        head = head.rsplit("<sheetData", 1)[0] + "<sheetData>"
    with target.open(name, "w", force_zip64=True) as out:
        buffer: list[str] = []
        size = 0
        out.write(head.encode("utf-8"))
        for row in rows.xml_rows():
            buffer.append(row)
            size += len(row)
            if size > 1 << 18:
                out.write("".join(buffer).encode("utf-8"))
                buffer, size = [], 0
        out.write("".join(buffer).encode("utf-8"))
        last_row = max(rows.last_row, rows.filter_header_row)
        last_col = rows.letters[-1]
        tail = re.sub(
            r'<autoFilter ref="[^"]*"',
            f'<autoFilter ref="A{rows.filter_header_row}:{last_col}{last_row}"',
            tail,
            count=1,
        )
        out.write(b"</sheetData>" + tail.encode("utf-8"))
