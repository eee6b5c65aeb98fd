"""The Excel round trip for quarterly actuals: a prefilled .xlsx template and its validated import.

The template carries a hidden marker sheet (template name, fiscal year, quarter) and hidden, locked id and
version columns. The import refuses anything it cannot trust (wrong size, not a zip-based .xlsx, a zip that
would expand too far, another workbook, formulas) with a Japanese message, then validates every row through the
same form as the entry page; if any row has a problem nothing is saved."""

import datetime as dt
import io
import zipfile
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.conf import settings
from django.core.exceptions import ValidationError
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill, Protection
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from indicators import selectors, services
from indicators.forms import ActualRowForm
from indicators.models import Actual, Indicator
from measures.models import FiscalYear
from measures.periods import quarter_long_label

MARKER_SHEET = "_template"
MARKER = "SMRJ-ACTUALS-TEMPLATE-v1"
DATA_SHEET = "実績入力"
# Unpacked size and member count allowed for an uploaded workbook (a small template is well under both).
MAX_UNPACKED_BYTES = 50 * 1024 * 1024
MAX_MEMBERS = 200

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
    problems: list[Problem] = field(default_factory=list)
    saved: list[Actual] = field(default_factory=list)
    fiscal_year: FiscalYear | None = None
    quarter: int | None = None
    rows_read: int = 0

    @property
    def ok(self) -> bool:
        return not self.problems

    def add(self, message: str, row: int | None = None, key: str = ""):
        column = f"{get_column_letter(COLUMN_INDEX[key])}列「{HEADERS[key]}」" if key in COLUMN_INDEX else ""
        self.problems.append(Problem(row=row, column=column, message=message))


def _open_workbook(filename: str, content: bytes, result: ImportResult):
    """The workbook, or None with the reason added to `result`."""
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
            if len(members) > MAX_MEMBERS or sum(m.file_size for m in members) > MAX_UNPACKED_BYTES:
                result.add(
                    "ファイルの展開後のサイズが大きすぎるため読み込みません。テンプレートに値だけを入力してください。"
                )
                return None
    except (zipfile.BadZipFile, OSError, ValueError):
        result.add("ファイルが壊れているため読み込めません。テンプレートをダウンロードし直してください。")
        return None
    try:
        return load_workbook(io.BytesIO(content), data_only=False)
    except Exception:  # openpyxl raises many kinds for broken parts; every one means the same to the user.
        result.add("ファイルを読み込めませんでした（壊れているか、Excelブックではありません）。")
        return None


def _cell_text(cell) -> str:
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        # str() of a float is its shortest round-trip form, so 12.3 stays "12.3" and Decimal sees no noise.
        return str(Decimal(str(value)))
    return str(value).strip()


def actuals_import(
    *, user, filename: str, content: bytes, fiscal_year: FiscalYear | None = None, quarter: int | None = None
) -> ImportResult:
    """Validate and import a filled template. With fiscal_year/quarter given, the template must match them."""
    result = ImportResult(fiscal_year=fiscal_year, quarter=quarter)
    if not selectors.indicator_editable_list(user=user).exists():
        result.add(
            f"{user.get_username()} は実績を入力できません（部署に所属する担当者だけが取り込めます）。"
        )
        return result
    wb = _open_workbook(filename, content, result)
    if wb is None:
        return result
    wrong = "このファイルは実績入力用のテンプレートではありません。画面からテンプレートをダウンロードして使ってください。"
    if MARKER_SHEET not in wb.sheetnames or DATA_SHEET not in wb.sheetnames:
        result.add(wrong)
        return result
    marker = wb[MARKER_SHEET]
    if marker["B1"].value != MARKER:
        result.add(wrong)
        return result
    try:
        year, q = int(marker["B2"].value), int(marker["B3"].value)
    except (TypeError, ValueError):
        result.add(wrong)
        return result
    if fiscal_year is not None and (year != fiscal_year.year or q != quarter):
        result.add(
            f"このテンプレートは{year}年度 第{q}四半期用です。{fiscal_year.short_label}{quarter_long_label(quarter)}の"
            "テンプレートをダウンロードして使ってください。"
        )
        return result
    if fiscal_year is None:
        fiscal_year = FiscalYear.objects.filter(year=year, plan__isnull=False).first()
        if fiscal_year is None or q not in (1, 2, 3, 4):
            result.add(wrong)
            return result
        result.fiscal_year, result.quarter, quarter = fiscal_year, q, q
    ws = wb[DATA_SHEET]
    for key, header, _w in COLUMNS:
        if _cell_text(ws.cell(row=1, column=COLUMN_INDEX[key])) != header:
            result.add(
                "見出し行が変更されています。列の追加・削除・並べ替えをせずに入力してください。",
                row=1,
                key=key,
            )
            return result
    editable = {i.pk: i for i in selectors.indicator_editable_list(user=user, fiscal_year=fiscal_year)}
    actuals = {
        a.indicator_id: a
        for a in Actual.objects.filter(fiscal_year=fiscal_year, quarter=quarter, indicator__in=editable)
    }
    locked = selectors.quarter_is_locked(fiscal_year=fiscal_year, quarter=quarter)
    if locked:
        result.add(f"{fiscal_year.short_label}{quarter_long_label(quarter)}は締め済みのため取り込めません。")
        return result
    inputs: list[services.RowInput] = []
    row_of: dict[int, int] = {}
    for r in range(2, ws.max_row + 1):
        cells = {key: ws.cell(row=r, column=COLUMN_INDEX[key]) for key, _h, _w in COLUMNS}
        if all(c.value in (None, "") for c in cells.values()):
            continue
        result.rows_read += 1
        formula = False
        for key, cell in cells.items():
            if cell.data_type == "f" or (isinstance(cell.value, str) and cell.value.startswith("=")):
                result.add("数式は使えません。計算結果の値を入力してください。", row=r, key=key)
                formula = True
        if formula:
            continue
        try:
            pk = int(Decimal(_cell_text(cells["id"])))
        except (InvalidOperation, ValueError):
            pk = None
        indicator: Indicator | None = editable.get(pk)
        if indicator is None:
            result.add(
                "この行の指標はあなたの部署の指標ではないため取り込めません（指標IDが不正です）。",
                row=r,
                key="code",
            )
            continue
        if pk in row_of:
            result.add(f"同じ指標が{row_of[pk]}行目にもあります。1指標1行にしてください。", row=r, key="code")
            continue
        row_of[pk] = r
        actual = actuals.get(pk)
        due = selectors.indicator_is_due(indicator=indicator, quarter=quarter)
        open_row = due and (actual is None or actual.is_editable)
        usable = set(services.kind_fields(indicator)) | set(services.COMMON_FIELDS)
        form = ActualRowForm(indicator=indicator, fiscal_year=fiscal_year, actual=actual, data={})
        prefix = form.prefix
        data = {f"{prefix}-version": _cell_text(cells["version"]) or "0"}
        filled = False
        for key in INPUT_KEYS:
            text = _cell_text(cells[key])
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
                continue
            else:
                continue
        form = ActualRowForm(data, indicator=indicator, fiscal_year=fiscal_year, actual=actual)
        if not form.is_valid():
            for name, messages in form.errors.items():
                for message in messages:
                    result.add(message, row=r, key=name if name in COLUMN_INDEX and name != "version" else "")
            continue
        inputs.append(
            services.RowInput(
                indicator=indicator, data=form.figure_data(), expected_version=form.expected_version()
            )
        )
    if result.rows_read == 0 and not result.problems:
        result.add("入力された行がありません。")
    if result.problems:
        return result
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
    return result
