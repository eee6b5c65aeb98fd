"""Text in the files the app hands out: the entry template (indicators/xlsx_import.py) and the auditors' workbook
(smrj_plan/xlsx and each app's sheets).

Everything a user or an administrator typed (備考, 根拠資料, reasons, names of indicators, departments, 勘定 and
budget lines) reaches a cell through `safe_text`, and `needs_quote` says whether the cell must be marked as text
so Excel never evaluates it. Sheets named after data get their title from `sheet_title`.

Why each rule:
- XML 1.0 cannot hold C0 control characters other than tab, LF and CR, lone surrogates, U+FFFE or U+FFFF; one
  such character makes the whole part unreadable (openpyxl and Excel refuse the file). The other Unicode
  non-characters (U+FDD0–U+FDEF and the last two code points of every plane) are legal XML but Excel may flag
  the file as damaged. Each is written visibly as 「[U+FFFF]」 so the auditor sees something was there.
- A cell holds at most 32,767 characters (counted in UTF-16 units, as Excel does); longer text is cut and ends
  with 「…（以下省略：全N文字）」 so nobody reads a cut text as complete.
- Text starting with = + - @ or a tab/CR/LF is what Excel and LibreOffice read as a formula or a DDE command when
  a cell is edited; such cells are stored as strings (never <f>) with the quotePrefix style (Excel's leading
  apostrophe), so they stay text even after a user edits them.
"""

from __future__ import annotations

import re
import unicodedata

CELL_MAX_CHARS = 32_767
SHEET_TITLE_MAX_CHARS = 31

_BMP_UNSAFE = "\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufdd0-\ufdef\ufffe\uffff"
_PLANE_NON_CHARACTERS = "".join(chr(p * 0x10000 + 0xFFFE) + chr(p * 0x10000 + 0xFFFF) for p in range(1, 17))
UNSAFE_CHARACTERS_RE = re.compile(f"[{_BMP_UNSAFE}{_PLANE_NON_CHARACTERS}]")
# The same without the characters beyond U+FFFF: a set of plain ranges re scans ~15× faster (12 µs instead of
# 220 µs for a 2,000-character 備考), used for the usual text that holds no such character.
_BMP_UNSAFE_RE = re.compile(f"[{_BMP_UNSAFE}]")
# An escape cut in the middle by the length limit (「[U+00」) would read as typed text: it is dropped.
_PARTIAL_ESCAPE_RE = re.compile(r"\[(?:U(?:\+[0-9A-F]{0,5})?)?\Z")

FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r", "\n")

# Excel refuses these in a sheet title; they become their full-width forms, which read the same to a Japanese user.
_SHEET_TITLE_REPLACEMENTS = str.maketrans(
    {"/": "／", "\\": "＼", "?": "？", "*": "＊", ":": "：", "[": "［", "]": "］"}
)
# In a title even tab, LF, CR and the C1 controls make no sense; they become spaces.
_SHEET_TITLE_CONTROLS_RE = re.compile(f"[\t\n\r\x7f-\x9f{_BMP_UNSAFE}{_PLANE_NON_CHARACTERS}]")
# Excel keeps "History" for its own change-tracking sheet.
_RESERVED_SHEET_TITLES = {"history"}


def _visible(match: re.Match) -> str:
    return f"[U+{ord(match.group()):04X}]"


def _utf16_units(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def _cut_to_units(text: str, limit: int) -> str:
    """The longest prefix of `text` that fits in `limit` UTF-16 units, never half of a surrogate pair."""
    data = text[:limit].encode("utf-16-le", "surrogatepass")[: 2 * limit]
    if len(data) >= 2 and 0xD800 <= int.from_bytes(data[-2:], "little") <= 0xDBFF:
        data = data[:-2]
    return data.decode("utf-16-le", "surrogatepass")


def truncation_marker(total: int) -> str:
    return f"…（以下省略：全{total:,}文字）"


def safe_text(value) -> str:
    """`value` as text a cell can hold: characters XML or Excel cannot take written as 「[U+XXXX]」, and text over
    32,767 characters cut with 「…（以下省略：全N文字）」 (N counts the characters of the text as stored).

    Line ends are written as LF: a bare CR reads back as CR or LF depending on the XML library that wrote the
    file, and a cell should read the same whichever one is installed."""
    text = "" if value is None else str(value)
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    total = len(text)
    units = _utf16_units(text)  # more units than characters: something beyond U+FFFF is present
    pattern = UNSAFE_CHARACTERS_RE if units != total else _BMP_UNSAFE_RE
    if pattern.search(text):
        text = pattern.sub(_visible, text)
        units = _utf16_units(text)
    if units <= CELL_MAX_CHARS:
        return text
    marker = truncation_marker(total)
    head = _cut_to_units(text, CELL_MAX_CHARS - len(marker))
    return _PARTIAL_ESCAPE_RE.sub("", head) + marker


def needs_quote(text: str) -> bool:
    """True when Excel would read the text as something other than text (a formula, a DDE command)."""
    return bool(text) and text.startswith(FORMULA_TRIGGERS)


def write_text(cell, value) -> None:
    """Put user text into an openpyxl cell (a normal or a write-only one) so that it can only ever be text."""
    text = safe_text(value)
    cell.value = text or None
    if needs_quote(text):
        # openpyxl makes any string starting with "=" a formula (data_type "f", written as <f>); force a string.
        cell.data_type = "s"
        cell.quotePrefix = True


def _title_key(title: str) -> str:
    # Excel compares sheet titles without regard to case; full- and half-width forms are folded too, to be safe.
    return unicodedata.normalize("NFKC", title).casefold()


def sheet_title(name, *, taken: set[str], fallback: str = "シート") -> str:
    """A sheet title Excel accepts, derived from a name typed by a user, and recorded in `taken`.

    The forbidden characters / \\ ? * : [ ] become their full-width forms, control and non-characters are dropped,
    leading and trailing apostrophes are removed, the title is cut to 31 characters, and a title already in
    `taken` (compared as Excel does, ignoring case) gets 「(2)」, 「(3)」… within the 31."""
    base = _SHEET_TITLE_CONTROLS_RE.sub(" ", "" if name is None else str(name))
    base = " ".join(base.translate(_SHEET_TITLE_REPLACEMENTS).split()).strip("'").strip() or fallback
    used = {_title_key(t) for t in taken}
    candidate = _cut_to_units(base, SHEET_TITLE_MAX_CHARS).rstrip("'")
    number = 1
    while _title_key(candidate) in used or _title_key(candidate) in _RESERVED_SHEET_TITLES:
        number += 1
        suffix = f"({number})"
        candidate = _cut_to_units(base, SHEET_TITLE_MAX_CHARS - len(suffix)).rstrip("'") + suffix
    taken.add(candidate)
    return candidate
