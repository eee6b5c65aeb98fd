"""The Excel round trip for quarterly actuals: a prefilled .xlsx template and its validated import.

The template carries a hidden marker sheet (template name, fiscal year, quarter) and hidden, locked id and
version columns. The import refuses anything it cannot trust (wrong size, not a zip-based .xlsx, a zip that
would expand too far, another workbook, formulas) with a Japanese message, then validates every row through the
same form as the entry page; if any row has a problem nothing is saved.

The upload is read streaming (openpyxl read-only), and its work is bounded before it is done: the file's size,
the zip's unpacked sizes, the sheet's declared used range, the rows read (one per indicator plus a margin, then
one more to see that nothing follows) and the problems listed. README 「アップロードの上限」 gives the figures."""

import datetime as dt
import io
import math
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._reader import WorkSheetParser
from openpyxl.worksheet.datavalidation import DataValidation

from indicators import selectors, services
from indicators.forms import ActualRowForm
from indicators.models import Actual, Indicator
from measures.models import FiscalYear
from measures.periods import quarter_long_label
from smrj_plan.numbers import parse_id, parse_int

MARKER_SHEET = "_template"
MARKER = "SMRJ-ACTUALS-TEMPLATE-v1"
DATA_SHEET = "実績入力"
# Limits of an uploaded workbook, checked before the work (README 「アップロードの上限」). A template row takes
# at most about 13 KB unpacked (備考 and 根拠資料 at their 2,000-character limits): 300 such rows make a 3.9 MB
# sheet, under the per-part limit; an ordinary department's template (a dozen indicators) is under 100 KB.
MAX_UNPACKED_BYTES = 8 * 1024 * 1024
MAX_MEMBER_BYTES = 4 * 1024 * 1024
MAX_MEMBERS = 200
# Rows a template may hold beyond one per indicator (indicators moved to another department since download).
ROW_MARGIN = 50
# Problems listed on the page; the rest are counted (「ほか N 件」).
MAX_PROBLEMS = 50

# (key, header, width); the first two are hidden and locked.
COLUMNS = [
    ("id", "指標ID", 8),
    ("version", "版", 6),
    ("code", "指標番号", 10),
    ("name", "指標名", 50),
    ("kind", "種類", 18),
    ("unit", "単位", 6),
    ("state", "状態", 10),
    ("value", "実績値", 12),
    ("numerator", "分子", 12),
    ("denominator", "分母", 12),
    ("growth_rate", "支援先の伸び率（%）", 14),
    ("benchmark_rate", "実態調査の伸び率／基準値（%）", 16),
    ("manual_judgement", "判定（判定不能時）", 12),
    ("milestone_status", "進捗", 10),
    ("as_of", "基準日", 12),
    ("note", "備考", 30),
    ("evidence", "根拠資料（メモ・リンク）", 30),
]
COLUMN_INDEX = {key: i + 1 for i, (key, _h, _w) in enumerate(COLUMNS)}
HEADERS = {key: header for key, header, _w in COLUMNS}
INPUT_KEYS = services.INPUT_FIELDS
CHOICE_LABELS = {
    "manual_judgement": {label: value for value, label in Actual.Judgement.choices},
    "milestone_status": {label: value for value, label in Actual.MilestoneStatus.choices},
}
GREY = PatternFill("solid", fgColor="DDDDDD")


def max_bytes() -> int:
    return settings.UPLOAD_MAX_BYTES


def template_build(*, user, fiscal_year: FiscalYear, quarter: int) -> bytes:
    """The quarter's template for the user's indicators, current values filled in, as .xlsx bytes."""
    from smrj_plan.xlsx_text import write_text

    indicators = selectors.indicator_editable_list(user=user, fiscal_year=fiscal_year)
    rows = selectors.entry_rows(indicators=indicators, fiscal_year=fiscal_year, quarter=quarter)
    wb = Workbook()
    ws = wb.active
    ws.title = DATA_SHEET
    for key, header, width in COLUMNS:
        cell = ws.cell(row=1, column=COLUMN_INDEX[key], value=header)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
        ws.column_dimensions[get_column_letter(COLUMN_INDEX[key])].width = width
    for key in ("id", "version"):
        ws.column_dimensions[get_column_letter(COLUMN_INDEX[key])].hidden = True
    ws.freeze_panes = "E2"
    judgement = DataValidation(type="list", formula1='"達成,未達成"', allow_blank=True)
    milestone = DataValidation(type="list", formula1='"未着手,実施中,完了"', allow_blank=True)
    ws.add_data_validation(judgement)
    ws.add_data_validation(milestone)
    for r, row in enumerate(rows, start=2):
        ind, actual = row.indicator, row.actual
        open_row = row.due and (actual is None or actual.is_editable)
        fixed = {
            "id": ind.pk,
            "version": actual.version if actual else 0,
            "code": ind.code,
            "name": ind.name,
            "kind": ind.get_kind_display(),
            "unit": ind.unit,
            "state": actual.get_state_display() if actual else "未入力",
        }
        for key, value in fixed.items():
            cell = ws.cell(row=r, column=COLUMN_INDEX[key])
            if isinstance(value, str):
                # Codes, names and units are typed in the admin: written as text, never as a formula.
                write_text(cell, value)
            else:
                cell.value = value
        usable = set(services.kind_fields(ind)) | set(services.COMMON_FIELDS) if open_row else set()
        for key in INPUT_KEYS:
            cell = ws.cell(row=r, column=COLUMN_INDEX[key])
            value = getattr(actual, key) if actual is not None else None
            if key in CHOICE_LABELS and value:
                value = getattr(actual, f"get_{key}_display")()
            if isinstance(value, Decimal):
                value = value.normalize()
                value = int(value) if value == value.to_integral_value() else float(value)
            if isinstance(value, str):
                # 備考 and 根拠資料 are free text: `write_text` keeps 「=IMPORTXML(…)」 a string (no <f>), shows
                # visibly what XML cannot hold and cuts at a cell's 32,767 characters, as the auditors' workbook does.
                write_text(cell, value)
            else:
                cell.value = value
            if key == "as_of":
                cell.number_format = "yyyy-mm-dd"
            if key in usable:
                cell.protection = Protection(locked=False)
                if key == "manual_judgement":
                    judgement.add(cell)
                elif key == "milestone_status":
                    milestone.add(cell)
            else:
                cell.fill = GREY
    ws.protection.sheet = True
    ws.protection.formatColumns = False
    ws.protection.formatRows = False
    marker = wb.create_sheet(MARKER_SHEET)
    marker["A1"], marker["B1"] = "template", MARKER
    marker["A2"], marker["B2"] = "fiscal_year", fiscal_year.year
    marker["A3"], marker["B3"] = "quarter", quarter
    marker.sheet_state = "hidden"
    marker.protection.sheet = True
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


@dataclass
class Problem:
    row: int | None
    column: str
    message: str

    def __str__(self):
        where = []
        if self.row:
            where.append(f"{self.row}行目")
        if self.column:
            where.append(self.column)
        return f"{'・'.join(where)}: {self.message}" if where else self.message


@dataclass
class ImportResult:
    """What an import found. At most MAX_PROBLEMS problems are kept; `more_problems` counts the rest."""

    problems: list[Problem] = field(default_factory=list)
    saved: list[Actual] = field(default_factory=list)
    fiscal_year: FiscalYear | None = None
    quarter: int | None = None
    # Rows with any value (the header not counted); row elements of the data sheet read from the file (empty
    # ones, the header and the one read past the bound included).
    rows_read: int = 0
    rows_scanned: int = 0
    more_problems: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def problem_count(self) -> int:
        return len(self.problems) + self.more_problems

    def add(self, message: str, row: int | None = None, key: str = ""):
        if len(self.problems) >= MAX_PROBLEMS:
            self.more_problems += 1
            return
        column = f"{get_column_letter(COLUMN_INDEX[key])}列「{HEADERS[key]}」" if key in COLUMN_INDEX else ""
        self.problems.append(Problem(row=row, column=column, message=message))


def _open_workbook(filename: str, content: bytes, result: ImportResult):
    """The workbook opened read-only (streamed), or None with the reason added to `result`.

    Sizes are checked on the zip's directory before anything is unpacked; zipfile stops a member at the size its
    directory declares (and fails on the checksum), so a member that lies about its size cannot unpack further."""
    if len(content) > settings.UPLOAD_MAX_BYTES:
        result.add(
            f"ファイルが大きすぎます（{len(content):,}バイト）。上限は{settings.UPLOAD_MAX_BYTES:,}バイトです。"
        )
        return None
    if not filename.lower().endswith(".xlsx"):
        result.add("Excelブック（拡張子 .xlsx）を選んでください。CSVや .xls、その他の形式は読み込めません。")
        return None
    if not content.startswith(b"PK\x03\x04"):
        result.add("ファイルが .xlsx 形式ではありません（壊れているか、拡張子だけが .xlsx の別の形式です）。")
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            members = archive.infolist()
            if (
                len(members) > MAX_MEMBERS
                or sum(m.file_size for m in members) > MAX_UNPACKED_BYTES
                or any(m.file_size > MAX_MEMBER_BYTES for m in members)
            ):
                result.add(
                    "ファイルの展開後のサイズが大きすぎるため読み込みません。テンプレートに値だけを入力してください。"
                )
                return None
    except (zipfile.BadZipFile, OSError, ValueError):
        result.add("ファイルが壊れているため読み込めません。テンプレートをダウンロードし直してください。")
        return None
    try:
        return load_workbook(io.BytesIO(content), read_only=True, data_only=False, keep_links=False)
    except Exception:  # openpyxl raises many kinds for broken parts; every one means the same to the user.
        result.add("ファイルを読み込めませんでした（壊れているか、Excelブックではありません）。")
        return None


def _value_text(value) -> str:
    """A cell's value as the text a person would have typed; numbers without exponent or float noise.

    Raises ValidationError for a number Excel cannot hold (「1E999」 is read as infinity)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValidationError("値が大きすぎるか数値ではないため読めません（無限大・非数）。")
        # repr() is the float's shortest round-trip form (12.3 stays 12.3); "f" spells out an exponent, at most
        # ~330 characters for the largest and smallest floats, which the bounded parser then refuses by length.
        return format(Decimal(repr(value)), "f")
    return str(value).strip()  # an int has at most 4,300 digits (Python's cap when the sheet was parsed)


def _has_value(cell: dict) -> bool:
    return cell["value"] not in (None, "")


class UnreadableSheet(Exception):
    """A part of the workbook that only the streamed parse finds broken."""


def _sheet_rows(ws):
    """(row number, cells) for each row element of a read-only sheet, in file order, parsed as it is read.

    openpyxl's own read-only iteration fills the gap up to a far row with empty rows (a cell at row 1,048,576
    would mean a million of them) and cannot show the first row beyond a limit; its row parser can, one row
    element at a time. The caller stops reading."""
    wb = ws.parent
    with ws._get_source() as source:
        parser = WorkSheetParser(
            source,
            ws._shared_strings,
            data_only=False,
            epoch=wb.epoch,
            date_formats=wb._date_formats,
            timedelta_formats=wb._timedelta_formats,
        )
        rows = parser.parse()
        while True:
            try:
                row = next(rows)
            except StopIteration:
                return
            except Exception as exc:  # broken XML, a shared string that is not there, a bad number...
                raise UnreadableSheet from exc
            yield row


def _read_marker(wb, result: ImportResult, wrong: str) -> tuple[int, int] | None:
    """The template's fiscal year and quarter from the hidden marker sheet (three rows read, no more)."""
    marker = wb[MARKER_SHEET]
    try:
        rows = list(marker.iter_rows(min_row=1, max_row=3, min_col=1, max_col=2, values_only=True))
    except Exception as exc:  # the same parser as the data sheet's: any failure means a broken part
        raise UnreadableSheet from exc
    if len(rows) < 3 or rows[0][1] != MARKER:
        result.add(wrong)
        return None
    try:
        year = parse_int(_value_text(rows[1][1]), min_value=1, max_value=9999, field_label="年度")
        quarter = parse_int(_value_text(rows[2][1]), min_value=1, max_value=4, field_label="四半期")
    except ValidationError as exc:
        result.add(
            f"{wrong}（非表示のシート「{MARKER_SHEET}」の年度・四半期が読めません：{' '.join(exc.messages)}）"
        )
        return None
    if year is None or quarter is None:
        result.add(wrong)
        return None
    return year, quarter


def row_limit(*, editable_count: int) -> int:
    """The last row a template for `editable_count` indicators can use: the header, one row per indicator, and
    ROW_MARGIN rows for indicators moved out of the department since the template was downloaded."""
    return 1 + editable_count + ROW_MARGIN


def _declared_size_problem(ws, last_row: int) -> str | None:
    """The sheet's declared used range (its <dimension>) against the template's; None when it fits or is absent."""
    max_row, max_column = ws.max_row, ws.max_column
    if max_row is None or max_column is None:
        return None  # no declaration: the row-by-row limits below still hold
    if max_row <= last_row and max_column <= len(COLUMNS):
        return None
    return (
        f"シートの使用範囲（{get_column_letter(max_column)}列・{max_row:,}行目まで）がテンプレートより大きいため"
        f"読み込みません（{get_column_letter(len(COLUMNS))}列・{last_row:,}行目まで）。"
        "テンプレートをダウンロードし直し、値だけを入力してください。"
    )


def actuals_import(
    *, user, filename: str, content: bytes, fiscal_year: FiscalYear | None = None, quarter: int | None = None
) -> ImportResult:
    """Validate and import a filled template. With fiscal_year/quarter given, the template must match them.

    The work is bounded before it starts (README 「アップロードの上限」): the file's size, the zip's unpacked
    size, the sheet's declared used range, then at most `row_limit()` rows plus one are read from the sheet,
    whatever the file says about itself."""
    result = ImportResult(fiscal_year=fiscal_year, quarter=quarter)
    if not selectors.indicator_editable_list(user=user).exists():
        result.add(
            f"{user.get_username()} は実績を入力できません（部署に所属する担当者だけが取り込めます）。"
        )
        return result
    wb = _open_workbook(filename, content, result)
    if wb is None:
        return result
    try:
        _import_workbook(wb, user=user, fiscal_year=fiscal_year, quarter=quarter, result=result)
    except UnreadableSheet:  # found while reading, before anything was saved
        result.add("ファイルを読み込めませんでした（壊れているか、Excelブックではありません）。")
    finally:
        wb.close()
    return result


def _import_workbook(wb, *, user, fiscal_year: FiscalYear | None, quarter: int | None, result: ImportResult):
    wrong = "このファイルは実績入力用のテンプレートではありません。画面からテンプレートをダウンロードして使ってください。"
    if MARKER_SHEET not in wb.sheetnames or DATA_SHEET not in wb.sheetnames:
        result.add(wrong)
        return
    marked = _read_marker(wb, result, wrong)
    if marked is None:
        return
    year, q = marked
    if fiscal_year is not None and (year != fiscal_year.year or q != quarter):
        result.add(
            f"このテンプレートは{year}年度 第{q}四半期用です。{fiscal_year.short_label}{quarter_long_label(quarter)}の"
            "テンプレートをダウンロードして使ってください。"
        )
        return
    if fiscal_year is None:
        fiscal_year = FiscalYear.objects.filter(year=year, plan__isnull=False).first()
        if fiscal_year is None:
            result.add(wrong)
            return
        result.fiscal_year, result.quarter, quarter = fiscal_year, q, q
    editable = {i.pk: i for i in selectors.indicator_editable_list(user=user, fiscal_year=fiscal_year)}
    last_row = row_limit(editable_count=len(editable))
    ws = wb[DATA_SHEET]
    too_big = _declared_size_problem(ws, last_row)
    if too_big:
        result.add(too_big)
        return
    if selectors.quarter_is_locked(fiscal_year=fiscal_year, quarter=quarter):
        result.add(f"{fiscal_year.short_label}{quarter_long_label(quarter)}は締め済みのため取り込めません。")
        return
    actuals = {
        a.indicator_id: a
        for a in Actual.objects.filter(fiscal_year=fiscal_year, quarter=quarter, indicator__in=editable)
    }
    inputs: list[services.RowInput] = []
    row_of: dict[int, int] = {}
    previous = 0
    for r, row_cells in _sheet_rows(ws):
        result.rows_scanned += 1
        if r <= previous:
            result.add("行の並びが壊れているため読み込めません。テンプレートをダウンロードし直してください。")
            return
        previous = r
        if r > last_row:
            # One row element beyond the template's rows is read, never more: a value there means the file
            # holds more than any template can (its declared range may say otherwise), so nothing is imported.
            if any(_has_value(c) for c in row_cells):
                result.add(
                    f"{r:,}行目に値があります。テンプレートの行（{last_row:,}行目まで）の外には入力できません。"
                    "テンプレートをダウンロードし直し、値だけを入力してください。"
                )
            break
        beyond = sorted({c["column"] for c in row_cells if c["column"] > len(COLUMNS) and _has_value(c)})
        if beyond:
            result.add(
                f"テンプレートにない列（{get_column_letter(beyond[0])}列）に値があります。"
                "列の追加をせずに入力してください。",
                row=r,
            )
            continue
        cells = {key: None for key in COLUMN_INDEX}
        for c in row_cells:
            if c["column"] <= len(COLUMNS):
                cells[COLUMNS[c["column"] - 1][0]] = c
        if r == 1:
            if not _header_ok(cells, result):
                return
            continue
        if result.rows_scanned == 1:
            # The first row element is not row 1: the header row is missing.
            _header_ok({key: None for key in COLUMN_INDEX}, result)
            return
        _import_row(
            r,
            cells,
            editable=editable,
            actuals=actuals,
            fiscal_year=fiscal_year,
            quarter=quarter,
            inputs=inputs,
            row_of=row_of,
            result=result,
        )
    if result.rows_scanned == 0:
        _header_ok({key: None for key in COLUMN_INDEX}, result)
        return
    if result.rows_read == 0 and not result.problems:
        result.add("入力された行がありません。")
    if result.problems:
        return
    try:
        result.saved = services.actual_save_many(
            user=user, fiscal_year=fiscal_year, quarter=quarter, rows=inputs, reason="Excelアップロード"
        )
    except services.ActualBatchError as batch:
        for pk, errors in batch.errors.items():
            for name, messages in errors.items():
                for message in messages:
                    result.add(message, row=row_of.get(pk), key=name if name in COLUMN_INDEX else "")
    except ValidationError as exc:
        for message in exc.messages:
            result.add(message)


def _header_ok(cells: dict, result: ImportResult) -> bool:
    for key, header, _w in COLUMNS:
        cell = cells[key]
        text = "" if cell is None or not isinstance(cell["value"], str) else cell["value"].strip()
        if text != header:
            result.add(
                "見出し行が変更されています。列の追加・削除・並べ替えをせずに入力してください。",
                row=1,
                key=key,
            )
            return False
    return True


def _import_row(r, cells, *, editable, actuals, fiscal_year, quarter, inputs, row_of, result: ImportResult):
    """Check one data row and add its input to `inputs`, or add its problems to `result`."""
    if not any(c is not None and _has_value(c) for c in cells.values()):
        return
    result.rows_read += 1
    formula = False
    for key, cell in cells.items():
        if cell is None:
            continue
        if cell["data_type"] == "f" or (isinstance(cell["value"], str) and cell["value"].startswith("=")):
            result.add("数式は使えません。計算結果の値を入力してください。", row=r, key=key)
            formula = True
    if formula:
        return
    texts: dict[str, str] = {}
    unreadable = False
    for key, cell in cells.items():
        try:
            texts[key] = _value_text(cell["value"]) if cell is not None else ""
        except ValidationError as exc:
            result.add(" ".join(exc.messages), row=r, key=key)
            unreadable = True
    if unreadable:
        return
    try:
        pk = parse_id(texts["id"], field_label="指標ID（非表示の列）")
    except ValidationError as exc:
        result.add(f"{''.join(exc.messages)}テンプレートをダウンロードし直してください。", row=r, key="id")
        return
    indicator: Indicator | None = editable.get(pk)
    if indicator is None:
        result.add(
            "この行の指標はあなたの部署の指標ではないため取り込めません（指標IDが不正です）。",
            row=r,
            key="code",
        )
        return
    if pk in row_of:
        result.add(f"同じ指標が{row_of[pk]}行目にもあります。1指標1行にしてください。", row=r, key="code")
        return
    row_of[pk] = r
    actual = actuals.get(pk)
    due = selectors.indicator_is_due(indicator=indicator, quarter=quarter)
    open_row = due and (actual is None or actual.is_editable)
    usable = set(services.kind_fields(indicator)) | set(services.COMMON_FIELDS)
    prefix = f"a{indicator.pk}"
    # The version cell goes to the form as it is: a blank or unreadable one is refused there, with the value
    # stored now (a template always carries it; only an edited file lacks it).
    data = {f"{prefix}-version": texts["version"]}
    filled = False
    for key in INPUT_KEYS:
        text = texts[key]
        if not text:
            continue
        if key not in usable:
            result.add(
                f"{indicator.get_kind_display()}の指標では「{HEADERS[key]}」は入力しません。",
                row=r,
                key=key,
            )
            continue
        if key in CHOICE_LABELS:
            text = CHOICE_LABELS[key].get(text, text)
        data[f"{prefix}-{key}"] = text
        filled = True
    if not open_row:
        if filled and actual is not None and not actual.is_editable:
            # Unchanged values of a submitted/approved row are fine; a change is refused by the service.
            pass
        elif filled and not due:
            result.add("この指標は年度末（第4四半期）にだけ入力します。", row=r, key="code")
            return
        else:
            return
    form = ActualRowForm(data, indicator=indicator, fiscal_year=fiscal_year, actual=actual, prefix=prefix)
    if not form.is_valid():
        for name, messages in form.errors.items():
            # The column already names the field: 「H列「実績値」: 数値を…」, not 「…: 実績値：数値を…」.
            label = f"{form.fields[name].label}：" if name in form.fields else ""
            for message in messages:
                if label and message.startswith(label):
                    message = message[len(label) :]
                result.add(message, row=r, key=name if name in COLUMN_INDEX and name != "version" else "")
        return
    inputs.append(
        services.RowInput(
            indicator=indicator, data=form.figure_data(), expected_version=form.expected_version()
        )
    )
