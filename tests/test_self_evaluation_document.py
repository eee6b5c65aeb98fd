"""The 自己評価書 (.docx per 評価項目): read back with python-docx it holds the texts, the measures' 取組状況 and
the indicators' figures exactly as the workbook's 指標 sheet shows them; A4 and a Japanese font; the command
writes one file per item; LibreOffice turns every file into a PDF."""

import io
import os
import shutil
import subprocess
import zipfile
from decimal import ROUND_HALF_UP, Decimal

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from docx import Document
from docx.oxml.ns import qn
from docx.shared import Mm
from openpyxl import load_workbook

from evaluation import self_selectors, self_services
from evaluation import services as progress_services
from evaluation.documents import document_build
from evaluation.items import evaluation_item_get
from indicators import services as actual_services
from indicators.models import Indicator
from measures.models import Measure
from reports.workbook import export_context_build, workbook_write
from smrj_plan.roles import Role
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

ASSESSMENT = "事前ヒアリングは年間目標の7割に達し、第4四半期で目標を上回る見込みである。\n施策はおおむね予定どおり進んだ。"
GRADE_REASON = "主要な指標が年度目標に向けて順調であり、施策も予定どおり進んだため。"
NARRATIVE = "専門家派遣を延べ85回実施し、新事業展開の計画策定を12社で支援した。"
# (indicator code, quarter) → figures; approved unless noted.
ACTUALS = {
    ("1-1", 1): {"value": Decimal("260")},
    ("1-1", 2): {"value": Decimal("250.5")},
    ("1-1", 3): {"value": Decimal("270")},
    ("1-3", 1): {"numerator": Decimal("75"), "denominator": Decimal("100")},
    ("1-3", 2): {"numerator": Decimal("70"), "denominator": Decimal("90")},
    ("4-9", 1): {"value": Decimal("14000")},
    ("4-9", 2): {"value": Decimal("15500")},
    ("4-10", 1): {"value": Decimal("80")},
    ("4-4", 1): {"value": Decimal("12345")},
    ("R2-4-1", 1): {"value": Decimal("6")},
}


@pytest.fixture
def year_data(fiscal_year, plan):
    """Approved actuals for pillars 1 and 4 and chapter II, approved progress for measures 1 and 3 (one entry left
    unapproved), a submitted self-evaluation of I-1 with an indicator's final 評定."""
    writer, approver = make_user("kanri-a", Role.MANAGER), make_user("kanri-b", Role.MANAGER)
    staff = {}

    def staff_of(department):
        if department.code not in staff:
            staff[department.code] = make_user(f"t-{department.code}", Role.STAFF, department)
        return staff[department.code]

    for (code, quarter), figures in ACTUALS.items():
        indicator = Indicator.objects.get(code=code)
        user = staff_of(indicator.department)
        actual = actual_services.actual_save(
            indicator=indicator,
            fiscal_year=fiscal_year,
            quarter=quarter,
            user=user,
            data=figures,
            expected_version=0,
        )
        actual = actual_services.actual_submit(actual=actual, user=user, expected_version=actual.version)
        actual_services.actual_approve(actual=actual, user=approver, expected_version=actual.version)
    for order, quarter, status in [(1, 1, "on_schedule"), (1, 2, "ahead"), (3, 1, "delayed")]:
        measure = Measure.objects.get(order=order)
        user = staff_of(measure.department)
        entry = progress_services.progress_save(
            measure=measure,
            fiscal_year=fiscal_year,
            quarter=quarter,
            user=user,
            data={
                "status": status,
                "narrative": f"第{quarter}四半期：{NARRATIVE}",
                "evidence": "支援記録\nhttps://example.jp/1",
            },
            expected_version=0,
        )
        entry = progress_services.progress_submit(entry=entry, user=user, expected_version=entry.version)
        progress_services.progress_approve(entry=entry, user=approver, expected_version=entry.version)
    progress_services.progress_save(  # a draft: not in the document
        measure=Measure.objects.get(order=3),
        fiscal_year=fiscal_year,
        quarter=2,
        user=staff_of(Measure.objects.get(order=3).department),
        data={"status": "done", "narrative": "未承認の下書き"},
        expected_version=0,
    )
    item = evaluation_item_get(plan=plan, code="1-1")
    self_services.indicator_rating_set(
        indicator=Indicator.objects.get(code="1-3"),
        fiscal_year=fiscal_year,
        grade="B",
        reason="割合は目標を上回った",
        user=writer,
    )
    evaluation = self_services.self_evaluation_save(
        fiscal_year=fiscal_year,
        item=item,
        user=writer,
        data={"assessment": ASSESSMENT, "grade": "B", "grade_reason": GRADE_REASON},
        expected_version=0,
    )
    self_services.self_evaluation_submit(
        evaluation=evaluation, user=writer, expected_version=evaluation.version
    )
    return writer


def _document(fiscal_year, plan, code, as_of=3) -> Document:
    detail = self_selectors.self_evaluation_detail(
        fiscal_year=fiscal_year, item=evaluation_item_get(plan=plan, code=code), as_of_quarter=as_of
    )
    return Document(io.BytesIO(document_build(detail=detail, exported_by="試験")))


def _text(doc) -> str:
    return "\n".join(p.text for p in doc.paragraphs)


def _table_rows(doc) -> dict[str, list[str]]:
    table = doc.tables[0]
    rows = [[c.text for c in row.cells] for row in table.rows]
    assert rows[0] == [
        "番号",
        "指標名",
        "単位",
        "目標",
        "実績（累計）",
        "達成率",
        "状況",
        "年度末見込み",
        "評定の目安",
        "評定",
    ]
    return {row[0]: row for row in rows[1:] if row[0]}


def _excel_text(cell, empty="—") -> str:
    """What Excel shows for the workbook's cell: its value through its number format (an independent reading);
    an empty cell is 「—」 in a document's table."""
    value = cell.value
    if value is None or value == "":
        return empty
    if isinstance(value, str):
        return value
    number = Decimal(str(value))
    fmt = cell.number_format
    if fmt == '#,##0.0"%"':
        return f"{number.quantize(Decimal('0.1'), ROUND_HALF_UP):,}%"
    if fmt.startswith("#,##0") and set(fmt[5:]) <= {".", "0"}:
        places = len(fmt) - 6 if "." in fmt else 0
        return f"{number.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP):,}"
    raise AssertionError(f"unexpected format {fmt!r}")


def _workbook_rows(tmp_path, quarter=3) -> dict[str, list[str]]:
    ctx = export_context_build(year=2024, quarter=quarter, include_drafts=False, exported_by="試験")
    path = tmp_path / "wb.xlsx"
    workbook_write(ctx=ctx, output=str(path))
    ws = load_workbook(path)["指標"]
    header = [c.value for c in ws[3]]
    columns = [
        header.index(h)
        for h in ("単位", "目標", "累計", "達成率", "状況", "年度末見込み", "評定の目安", "評定")
    ]
    rows = {}
    for row in ws.iter_rows(min_row=4):
        code = row[0].value
        if code:
            rows[code] = [
                _excel_text(row[i], empty="" if header[i] in ("単位", "評定") else "—") for i in columns
            ]
    return rows


def test_the_document_holds_the_texts_the_measures_and_the_figures(year_data, fiscal_year, plan):
    doc = _document(fiscal_year, plan, "1-1")
    text = _text(doc)
    assert "令和6年度（2024年度） 自己評価書" in text
    assert "I-1 地域牽引・成長志向の中小企業への支援" in text
    assert "自己評価の状態：提出済み（承認前の内容です）" in text
    for line in ASSESSMENT.split("\n") + [GRADE_REASON]:
        assert line in text
    assert "評定：B" in text
    # The measures: statuses per quarter, the approved narratives, not the draft.
    assert "第1四半期：予定どおり　第2四半期：前倒し　第3四半期：—　第4四半期：—" in text
    assert f"【第2四半期】第2四半期：{NARRATIVE}" in text
    assert "第1四半期：遅れ　第2四半期：—" in text
    assert "未承認の下書き" not in text
    assert "未承認の取組状況が1件あります" in text
    assert "根拠資料：支援記録／https://example.jp/1" in text
    # The indicators: Σ 780.5社 of 1,000 → 78.05 → 78.1 %, against the pace of 750 (104.1 %) 順調; the forecast
    # 780.5 × 4 / 3 = 1,040.67 → 1,041 (104.1 % → B（見込み）). The ratio Σ145/Σ190 = 76.3 % against 70 % → 109.0 %.
    rows = _table_rows(doc)
    assert rows["1-1"][2:10] == ["社", "1,000社以上", "780.5", "78.1%", "順調", "1,041", "B（見込み）", ""]
    assert rows["1-3"][2:10] == ["%", "70%以上", "76.3%", "109.0%", "順調", "76.3%", "B（見込み）", "B"]
    # 1-2 (benchmark, entered at 第4四半期): the plan's words as the target, no figure yet.
    assert rows["1-2"][3:9] == ["中小企業実態基本調査のデータの2割以上、上回る", "—", "—", "未入力", "—", "—"]
    assert "1-3　評定B：割合は目標を上回った" in text
    table_text = [[c.text for c in r.cells] for r in doc.tables[0].rows]
    assert ["", "　分子", "", "", "145", "", "", "", "", ""] in table_text
    assert ["", "　分母", "", "", "190", "", "", "", "", ""] in table_text


@pytest.mark.parametrize("code", ["1-1", "1-4", "2"])
def test_every_figure_reads_as_in_the_workbook(year_data, fiscal_year, plan, tmp_path, code):
    doc_rows = _table_rows(_document(fiscal_year, plan, code))
    workbook = _workbook_rows(tmp_path)
    assert doc_rows, "the item has indicators"
    for indicator_code, row in doc_rows.items():
        assert row[2:] == workbook[indicator_code], indicator_code
    assert set(doc_rows) == {
        i.code
        for i in Indicator.objects.filter(
            **(
                {"section__chapter__number": 2}
                if code == "2"
                else {"section__chapter__number": 1, "section__number": int(code[-1])}
            )
        )
    }


def test_a4_portrait_and_a_japanese_font(year_data, fiscal_year, plan):
    doc = _document(fiscal_year, plan, "1-1")
    section = doc.sections[0]
    assert (round(section.page_width / Mm(1)), round(section.page_height / Mm(1))) == (210, 297)
    for name in ("Normal", "Heading 1", "Title"):
        fonts = doc.styles[name].element.rPr.find(qn("w:rFonts"))
        assert fonts.get(qn("w:eastAsia")) == "游ゴシック", name
        assert fonts.get(qn("w:eastAsiaTheme")) is None
    assert doc.styles["Normal"].element.rPr.find(qn("w:lang")).get(qn("w:eastAsia")) == "ja-JP"


def test_characters_xml_cannot_hold_are_shown_not_fatal(fiscal_year, plan, manager):
    item = evaluation_item_get(plan=plan, code="2")
    self_services.self_evaluation_save(
        fiscal_year=fiscal_year,
        item=item,
        user=manager,
        data={"assessment": "制御文字\x01と\x0bを含む=1+1", "grade": "C", "grade_reason": "<b>理由</b>"},
        expected_version=0,
    )
    text = _text(_document(fiscal_year, plan, "2"))
    assert "制御文字[U+0001]と[U+000B]を含む=1+1" in text
    assert "<b>理由</b>" in text


def test_the_download_on_the_page(year_data, manager_client, auditor_client, staff_client):
    url = reverse("evaluation:self_document", args=[2024, "1-1"]) + "?q=3"
    response = auditor_client.get(url)
    assert response.status_code == 200
    assert (
        response["Content-Type"] == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    assert "%E8%87%AA%E5%B7%B1%E8%A9%95%E4%BE%A1%E6%9B%B8_1-1.docx" in response["Content-Disposition"]
    doc = Document(io.BytesIO(response.content))
    assert GRADE_REASON in _text(doc)
    assert "出力：" in _text(doc) and "kansa" in _text(doc)  # who exported it
    assert staff_client.get(url).status_code == 403
    response = manager_client.get(reverse("evaluation:self_documents", args=[2024]) + "?q=3")
    with zipfile.ZipFile(io.BytesIO(response.content)) as archive:
        names = archive.namelist()
        assert len(names) == 13 and "令和6年度_自己評価書_1-1.docx" in names
        assert ASSESSMENT.split("\n")[0] in _text(
            Document(io.BytesIO(archive.read("令和6年度_自己評価書_1-1.docx")))
        )


def test_the_command_writes_one_document_per_item(year_data, tmp_path):
    call_command(
        "export_self_evaluation",
        "--year",
        "2024",
        "--output",
        str(tmp_path / "out"),
        "--quarter",
        "3",
        verbosity=0,
    )
    files = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert len(files) == 13
    assert "令和6年度_自己評価書_10.docx" in files and "令和6年度_自己評価書_4.docx" not in files
    doc = Document(str(tmp_path / "out" / "令和6年度_自己評価書_1-1.docx"))
    assert GRADE_REASON in _text(doc)
    assert _table_rows(doc)["1-1"][4] == "780.5"
    with pytest.raises(CommandError, match="2023年度の計画が読み込まれていません"):
        call_command("export_self_evaluation", "--year", "2023", "--output", str(tmp_path / "x"), verbosity=0)
    with pytest.raises(CommandError, match="評価項目「4」はありません"):
        call_command(
            "export_self_evaluation",
            "--year",
            "2024",
            "--output",
            str(tmp_path / "x"),
            "--item",
            "4",
            verbosity=0,
        )
    (tmp_path / "file").write_text("")
    with pytest.raises(CommandError, match="フォルダではありません"):
        call_command(
            "export_self_evaluation", "--year", "2024", "--output", str(tmp_path / "file"), verbosity=0
        )


def _require(tool: str) -> str:
    path = shutil.which(tool)
    if path is None:
        message = f"{tool} がありません（apt-get install libreoffice-writer-nogui poppler-utils）。"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return path


def test_libreoffice_turns_every_document_into_an_a4_pdf(year_data, tmp_path):
    soffice, pdfinfo, pdftotext = _require("soffice"), _require("pdfinfo"), _require("pdftotext")
    out = tmp_path / "docs"
    call_command(
        "export_self_evaluation", "--year", "2024", "--output", str(out), "--quarter", "3", verbosity=0
    )
    documents = sorted(out.glob("*.docx"))
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{tmp_path / 'lo-profile'}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path / "pdf"),
            *map(str, documents),
        ],
        check=True,
        capture_output=True,
        timeout=600,
    )
    pdfs = sorted((tmp_path / "pdf").glob("*.pdf"))
    assert [p.stem for p in pdfs] == [d.stem for d in documents] and len(pdfs) == 13
    for pdf in pdfs:
        info = subprocess.run([pdfinfo, str(pdf)], capture_output=True, text=True, check=True).stdout
        assert "595.3" in info and "841.89" in info, pdf.name  # A4 in points
        text = subprocess.run([pdftotext, str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        assert "自己評価書" in text, pdf.name
    first = subprocess.run(
        [pdftotext, str(tmp_path / "pdf" / "令和6年度_自己評価書_1-1.pdf"), "-"],
        capture_output=True,
        text=True,
    ).stdout
    assert GRADE_REASON in first.replace("\n", "")
    assert "780.5" in first
