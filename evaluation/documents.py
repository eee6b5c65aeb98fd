"""The 自己評価書: one .docx per 評価項目 (python-docx), written from the same read model as the page.

Contents: the heading (plan, year, item, as-of quarter, state of the self-evaluation), 1. the indicators' table
with the workbook's figures (evaluation.figures) and the reasons of their final 評定, 2. the measures' 取組状況 of
the year (approved entries only, like every figure), 3. the 自己評価, 4. the 評定 and its reasons.

Layout: A4 portrait, 18–20 mm margins, 游ゴシック for Latin and East Asian text alike (the workbook's font;
LibreOffice substitutes a Japanese font where it is not installed), page numbers in the footer. Text typed by
users goes through `smrj_plan.xlsx_text.safe_text`: a character XML cannot hold would make the file unreadable,
so it is written visibly as 「[U+0001]」.
"""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from collections.abc import Iterable

from django.utils import timezone
from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Mm, Pt, RGBColor

from evaluation.self_selectors import SelfEvaluationDetail
from measures.periods import fiscal_year_label, fiscal_year_short, quarter_label
from smrj_plan import formatting
from smrj_plan.xlsx_text import safe_text

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FONT_NAME = "游ゴシック"
BODY_SIZE = Pt(10.5)
TABLE_SIZE = Pt(8.5)
GREY = RGBColor(0x55, 0x55, 0x55)

# 番号 | 指標名 | 単位 | 目標 | 実績（累計） | 達成率 | 状況 | 年度末見込み | 評定の目安 | 評定: the workbook's
# columns without the four quarters (a year-end document shows the year's figure) and the target's number.
INDICATOR_HEADERS = [
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
INDICATOR_WIDTHS_MM = [14, 38, 9, 21, 17, 16, 14, 16, 17, 12]  # 174 mm: the text width
CELL_MARGIN_TWIPS = (
    "57"  # 1 mm each side instead of Word's 1.9 mm: 「100.0%」 and 「目標値」 stay on one line
)
NUMERIC_COLUMNS = {4, 5, 7}


def _t(value) -> str:
    return safe_text(value)


def _set_fonts(element) -> None:
    """Name the font for every script on a style or run element, dropping theme fonts that would override it."""
    if hasattr(element, "get_or_add_rPr"):
        rpr = element.get_or_add_rPr()
    else:  # docDefaults' rPrDefault, which python-docx does not model
        rpr = element.find(qn("w:rPr"))
        if rpr is None:
            rpr = OxmlElement("w:rPr")
            element.append(rpr)
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        rpr.insert(0, fonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        fonts.attrib.pop(qn(attr), None)
    for attr in ("w:ascii", "w:hAnsi", "w:eastAsia", "w:cs"):
        fonts.set(qn(attr), FONT_NAME)
    lang = rpr.find(qn("w:lang"))
    if lang is None:
        lang = OxmlElement("w:lang")
        rpr.append(lang)
    lang.set(qn("w:eastAsia"), "ja-JP")


def _document() -> Document:
    doc = Document()
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.top_margin = section.bottom_margin = Mm(20)
    section.left_margin = section.right_margin = Mm(18)
    section.footer_distance = Mm(10)
    for name in ("Normal", "Title", "Heading 1", "Heading 2", "Heading 3", "Table Grid"):
        style = doc.styles[name]
        _set_fonts(style.element)
        if name != "Table Grid":
            style.font.color.rgb = RGBColor(0, 0, 0)
    doc.styles["Normal"].font.size = BODY_SIZE
    doc.styles["Title"].font.size = Pt(16)
    doc.styles["Heading 1"].font.size = Pt(13)
    doc.styles["Heading 2"].font.size = Pt(11)
    doc.styles["Heading 3"].font.size = Pt(10.5)
    # Word's own default (docDefaults) too, for text in styles this code does not name; Japanese as the East
    # Asian language, so lines break by the Japanese rules (no 「。」 at the start of a line).
    rpr_default = doc.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))
    _set_fonts(rpr_default)
    return doc


def _page_number_footer(doc: Document, text: str) -> None:
    paragraph = doc.sections[0].footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(f"{_t(text)}　")
    run.font.size = Pt(8)
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    inner = OxmlElement("w:r")
    inner_text = OxmlElement("w:t")
    inner_text.text = "1"
    inner.append(inner_text)
    field.append(inner)
    paragraph._p.append(field)


def _paragraphs(doc: Document, text: str, *, size: Pt | None = None, empty: str = "（記入なし）") -> None:
    """User text as paragraphs: one per line, blank lines kept as spacing."""
    text = _t(text).replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        paragraph = doc.add_paragraph()
        run = paragraph.add_run(empty)
        run.font.color.rgb = GREY
        return
    for line in text.split("\n"):
        paragraph = doc.add_paragraph()
        run = paragraph.add_run(line)
        if size is not None:
            run.font.size = size


def _label_value(doc: Document, label: str, value: str, *, bold_value: bool = False) -> None:
    paragraph = doc.add_paragraph()
    paragraph.paragraph_format.space_after = Pt(2)
    paragraph.add_run(f"{label}：").bold = True
    run = paragraph.add_run(_t(value))
    run.bold = bold_value


def _cell_text(cell, text: str, *, bold=False, align=None, size=TABLE_SIZE, grey=False) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.paragraph_format.space_after = Pt(0)
    if align is not None:
        paragraph.alignment = align
    run = paragraph.add_run(_t(text))
    run.font.size = size
    run.bold = bold
    if grey:
        run.font.color.rgb = GREY


def _shade(cell, fill: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shading)


def _repeat_header(row) -> None:
    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def _table(doc: Document, headers: list[str], widths_mm: list[int]):
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    # Word reads the cells' widths, LibreOffice the grid's: both are set, and the layout fixed to them.
    # Word rejects table properties out of the schema's order: tblLayout through python-docx, which places it,
    # and tblCellMar right after it.
    layout = table._tbl.tblPr.get_or_add_tblLayout()
    layout.set(qn("w:type"), "fixed")
    margins = OxmlElement("w:tblCellMar")
    for side in ("left", "right"):
        margin = OxmlElement(f"w:{side}")
        margin.set(qn("w:w"), CELL_MARGIN_TWIPS)
        margin.set(qn("w:type"), "dxa")
        margins.append(margin)
    layout.addnext(margins)
    for index, width in enumerate(widths_mm):
        table.columns[index].width = Mm(width)
    for index, header in enumerate(headers):
        cell = table.rows[0].cells[index]
        cell.width = Mm(widths_mm[index])
        _cell_text(cell, header, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
        _shade(cell, "DDE4EE")
    _repeat_header(table.rows[0])
    return table


def _is_figure(text: str) -> bool:
    """A figure (1,234 / 75.0% / —) rather than wording such as a status 「要注意」."""
    return text == "—" or (
        bool(text) and text.replace(",", "").replace(".", "").replace("%", "").lstrip("-").isdigit()
    )


def _add_row(table, values: list[str], widths_mm: list[int], *, numeric: Iterable[int] = (), **style):
    row = table.add_row()
    # A row is never split across pages (a figure and its label stay together).
    cant_split = OxmlElement("w:cantSplit")
    row._tr.get_or_add_trPr().append(cant_split)
    cells = row.cells
    for index, value in enumerate(values):
        cells[index].width = Mm(widths_mm[index])
        align = WD_ALIGN_PARAGRAPH.RIGHT if index in numeric and _is_figure(value) else None
        _cell_text(cells[index], value, align=align, **style)
    return cells


def _indicator_section(doc: Document, detail: SelfEvaluationDetail) -> None:
    doc.add_heading("1. 指標の達成状況", level=1)
    note = doc.add_paragraph()
    run = note.add_run(
        f"{detail.as_of_label}、承認済みの実績による。達成率は0.1%単位で四捨五入（評定の目安も四捨五入後の値で判定）。"
        "年度末見込みは直線による見込みで、実績ではありません。数値の表記は監査用Excelの「指標」シートと同じです。"
    )
    run.font.size = Pt(8.5)
    run.font.color.rgb = GREY
    if not detail.indicators:
        _paragraphs(doc, "", empty="この評価項目には数値目標・参考指標がありません。")
        return
    table = _table(doc, INDICATOR_HEADERS, INDICATOR_WIDTHS_MM)
    for line in detail.indicators:
        ind, fig = line.indicator, line.figures
        name = line.display_name
        if ind.category == ind.Category.REFERENCE:
            name = f"［参考指標］{name}"
        if line.is_sub:
            name = f"　{name}"
        _add_row(
            table,
            [
                ind.code,
                name,
                ind.unit,
                fig.target,
                fig.actual,
                fig.achievement_rate,
                fig.status,
                fig.forecast,
                fig.grade_hint,
                line.final_rating.grade if line.final_rating else "",
            ],
            INDICATOR_WIDTHS_MM,
            numeric=NUMERIC_COLUMNS,
        )
        for label, value in fig.sub_lines:
            if value != "—":  # the sheet's line under it is empty too
                _add_row(
                    table,
                    ["", f"　{label}", "", "", value, "", "", "", "", ""],
                    INDICATOR_WIDTHS_MM,
                    numeric=NUMERIC_COLUMNS,
                    grey=True,
                )
        if line.result.note:
            _add_row(table, ["", f"　{line.result.note}", *[""] * 8], INDICATOR_WIDTHS_MM, grey=True)
    rated = [line for line in detail.indicators if line.final_rating]
    if rated:
        doc.add_heading("指標ごとの評定の理由", level=3)
        for line in rated:
            rating = line.final_rating
            paragraph = doc.add_paragraph()
            paragraph.add_run(f"{line.indicator.code}　評定{rating.grade}：").bold = True
            paragraph.add_run(_t(rating.reason))


def _measure_heading(measure) -> str:
    heading = measure.heading
    if heading is None:
        return ""
    if heading.parent_id:
        return f"{heading.parent.label}{heading.parent.title} {heading.label}{heading.title}"
    return f"{heading.label}{heading.title}"


def _measure_section(doc: Document, detail: SelfEvaluationDetail) -> None:
    doc.add_heading("2. 施策の取組状況", level=1)
    counts = "、".join(f"{label} {n}件" for _status, label, n in detail.status_counts)
    paragraph = doc.add_paragraph()
    run = paragraph.add_run(
        f"施策 {len(detail.measures)}件（最新の承認済みの状況：{counts}）。承認済みの取組状況だけを記載しています。"
    )
    run.font.size = Pt(9)
    if detail.unapproved_measure_entries:
        run = paragraph.add_run(
            f"未承認の取組状況が{detail.unapproved_measure_entries}件あります（記載していません）。"
        )
        run.font.size = Pt(9)
        run.font.color.rgb = RGBColor(0xC0, 0x00, 0x00)
    if not detail.measures:
        _paragraphs(doc, "", empty="この評価項目には施策がありません。")
        return
    current_heading = current_section = None
    for line in detail.measures:
        m = line.measure
        if not detail.item.is_pillar and m.section_id and m.section_id != current_section:
            # A chapter's measures under its numbered items (「1. 顧客重視」).
            doc.add_heading(_t(f"{m.section.number}. {m.section.title}"), level=2)
            current_section = m.section_id
        heading = _measure_heading(m)
        if heading and heading != current_heading:
            doc.add_heading(_t(heading), level=3)
            current_heading = heading
        title = doc.add_paragraph()
        title.paragraph_format.space_before = Pt(6)
        title.paragraph_format.keep_with_next = True
        title.add_run(f"施策{m.order}").bold = True
        department = m.department.name if m.department_id else "担当部署なし"
        meta = title.add_run(f"　担当：{department}　最新の状況：{line.latest_label}")
        meta.font.size = Pt(9)
        text = doc.add_paragraph()
        text.paragraph_format.keep_with_next = True
        run = text.add_run(_t(m.text))
        run.font.size = Pt(9)
        run.font.color.rgb = GREY
        statuses = doc.add_paragraph()
        statuses.paragraph_format.space_after = Pt(2)
        run = statuses.add_run(
            "　".join(f"{quarter_label(q)}：{label}" for q, label in line.quarter_statuses)
        )
        run.font.size = Pt(9)
        for entry in line.entries:
            paragraph = doc.add_paragraph()
            paragraph.paragraph_format.left_indent = Mm(4)
            paragraph.paragraph_format.space_after = Pt(2)
            paragraph.add_run(f"【{quarter_label(entry.quarter)}】").bold = True
            paragraph.add_run(_t(entry.narrative))
            if entry.evidence:
                evidence = doc.add_paragraph()
                evidence.paragraph_format.left_indent = Mm(8)
                evidence.paragraph_format.space_after = Pt(2)
                run = evidence.add_run("根拠資料：" + _t(entry.evidence).replace("\n", "／"))
                run.font.size = Pt(8.5)
                run.font.color.rgb = GREY


def _assessment_section(doc: Document, detail: SelfEvaluationDetail) -> None:
    evaluation = detail.evaluation
    doc.add_heading("3. 自己評価", level=1)
    _paragraphs(doc, evaluation.assessment if evaluation else "")
    doc.add_heading("4. 評定", level=1)
    paragraph = doc.add_paragraph()
    paragraph.add_run("評定：").bold = True
    grade = paragraph.add_run(evaluation.grade if evaluation and evaluation.grade else "未記入")
    grade.bold = True
    grade.font.size = Pt(16)
    doc.add_heading("評定の理由", level=3)
    _paragraphs(doc, evaluation.grade_reason if evaluation else "")


def _state_text(detail: SelfEvaluationDetail) -> str:
    evaluation = detail.evaluation
    if evaluation is None:
        return "未作成"
    text = evaluation.get_state_display()
    if evaluation.state == "approved" and evaluation.reviewed_by_id:
        local = timezone.localtime(evaluation.reviewed_at)
        text += f"（承認：{formatting.person_name(evaluation.reviewed_by)}　{formatting.wareki(local)}）"
    elif evaluation.state != "approved":
        text += "（承認前の内容です）"
    return text


def document_build(
    *, detail: SelfEvaluationDetail, exported_by: str, exported_at: dt.datetime | None = None
) -> bytes:
    """The .docx of one 評価項目, as bytes."""
    doc = _document()
    plan = detail.plan
    year = fiscal_year_label(detail.fiscal_year.year)
    doc.core_properties.title = _t(f"{plan.title} 自己評価書 {detail.item.label}")
    doc.core_properties.author = _t(exported_by)
    doc.core_properties.language = "ja-JP"
    _page_number_footer(doc, f"{year} 自己評価書　{detail.item.short_label}")

    title = doc.add_paragraph(style="Title")
    title.add_run(f"{year} 自己評価書")
    doc.add_heading(_t(detail.item.label), level=1)
    local = timezone.localtime(exported_at or timezone.now())
    _label_value(doc, "計画", f"{plan.organization} {plan.title}")
    _label_value(doc, "評価項目", detail.item.label)
    _label_value(doc, "指標の時点", f"{detail.as_of_label}（承認済みの値）")
    _label_value(doc, "自己評価の状態", _state_text(detail))
    _label_value(doc, "出力", f"{formatting.wareki_datetime(local)}（日本時間）　{exported_by}")

    _indicator_section(doc, detail)
    _measure_section(doc, detail)
    _assessment_section(doc, detail)

    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()


def document_filename(detail: SelfEvaluationDetail) -> str:
    """「令和6年度_自己評価書_1-1.docx」."""
    return f"{fiscal_year_short(detail.fiscal_year.year)}_自己評価書_{detail.item.code}.docx"


def documents_zip(documents: list[tuple[str, bytes]]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, content in documents:
            archive.writestr(name, content)
    return buffer.getvalue()
