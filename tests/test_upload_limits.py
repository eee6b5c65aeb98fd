"""Hostile uploads and numbers (issue 10, findings 1, 2 and 6): refused within a stated bound, never a 500.

The forged files are written as XML with zipfile, the way an attacker would: a 7 KB template with one cell at
row 1,048,576, a sheet of a million one-cell rows under a small declared range, ids and marker cells holding
「1e999999999」 or <v>1E999</v>. The bound is asserted as rows read and memory, not seconds."""

import io
import re
import tracemalloc
import zipfile
from contextlib import contextmanager
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.db import transaction
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from budgets import services as budget_services
from budgets.models import BudgetColumn, BudgetExecution, BudgetRow
from indicators import services, xlsx_import
from indicators.models import Actual, Indicator

DATA_XML = "xl/worksheets/sheet1.xml"  # 実績入力 (the first sheet the template writes)
MARKER_XML = "xl/worksheets/sheet2.xml"  # _template
COL = xlsx_import.COLUMN_INDEX
# The staff user's department enters three indicators (1-1, 1-2, 1-3): header + 3 rows + the margin.
ROW_LIMIT = 1 + 3 + xlsx_import.ROW_MARGIN
MEMORY_BOUND = 20 * 1024 * 1024


@pytest.fixture
def template(staff_client) -> bytes:
    response = staff_client.get("/entry/2024/1/template.xlsx")
    assert response.status_code == 200
    with zipfile.ZipFile(io.BytesIO(response.content)) as z:
        assert {DATA_XML, MARKER_XML} <= set(z.namelist())
        # openpyxl writes with or without lxml (attribute order and spacing differ): look for the pairing only.
        assert re.search(r'<sheet [^>]*name="実績入力" sheetId="1"', z.read("xl/workbook.xml").decode())
    return response.content


def rebuild(content: bytes, **edits) -> bytes:
    """The workbook with members replaced: edits maps a member (DATA/MARKER) to a function of its XML text, or to
    an iterable of byte chunks streamed into the zip (so a million rows never sit in memory at once)."""
    names = {"data": DATA_XML, "marker": MARKER_XML}
    edits = {names[k]: v for k, v in edits.items()}
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            edit = edits.get(info.filename)
            if edit is None:
                target.writestr(info.filename, data)
                continue
            produced = edit(data.decode())
            if isinstance(produced, str):
                target.writestr(info.filename, produced.encode())
            else:
                with target.open(info.filename, "w") as member:
                    for chunk in produced:
                        member.write(chunk)
    return out.getvalue()


def add_rows(xml_rows: str, dimension: str | None = None):
    """An edit that appends rows before </sheetData> and optionally rewrites the declared <dimension>."""

    def edit(xml: str) -> str:
        if dimension is not None:
            xml = re.sub(r'<dimension ref="[^"]*" ?/>', f'<dimension ref="{dimension}" />', xml)
        return xml.replace("</sheetData>", xml_rows + "</sheetData>")

    return edit


def many_rows(count: int):
    """An edit that streams `count` rows after the template's rows, each with one value in column C (指標番号,
    so every row is a row of its own and not a duplicate), leaving the declared range at A1:Q4."""
    row = b"<row><c/><c/><c><v>1</v></c></row>"

    def edit(xml: str):
        head, tail = xml.split("</sheetData>")
        yield head.encode()
        for _ in range(count // 1000):
            yield row * 1000
        yield row * (count % 1000)
        yield ("</sheetData>" + tail).encode()

    return edit


def set_cell(ref: str, inner: str, cell_type: str = "n"):
    """An edit that replaces a cell's content, e.g. set_cell("A2", "<v>1E999</v>")."""

    def edit(xml: str) -> str:
        pattern = rf'<c r="{ref}"[^>]*?(?:/>|>.*?</c>)'
        assert re.search(pattern, xml), ref
        replacement = f'<c r="{ref}" t="{cell_type}">{inner}</c>'
        return re.sub(pattern, lambda _match: replacement, xml, count=1)

    return edit


def run_import(user, content: bytes):
    return xlsx_import.actuals_import(
        user=user, filename="actuals.xlsx", content=content, fiscal_year=None, quarter=None
    )


@contextmanager
def peak_memory():
    """The peak of Python allocations while the block runs, in bytes (result[0] after the block)."""
    result = [0]
    tracemalloc.start()
    tracemalloc.reset_peak()
    try:
        yield result
    finally:
        result[0] = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()


def messages(result) -> list[str]:
    return [str(p) for p in result.problems]


# --- Finding 1: a forged used range or a million rows -----------------------------------------------------


@pytest.mark.django_db
def test_a_cell_forged_at_row_1048576_is_refused_before_any_row_is_read(template, staff_user):
    forged = rebuild(
        template,
        data=add_rows('<row r="1048576"><c r="T1048576" t="n"><v>1</v></c></row>', dimension="A1:T1048576"),
    )
    assert len(forged) < 10_000  # the 7 KB file of the report
    result = run_import(staff_user, forged)
    assert messages(result) == [
        f"シートの使用範囲（T列・1,048,576行目まで）がテンプレートより大きいため読み込みません（Q列・{ROW_LIMIT}行目まで）。"
        "テンプレートをダウンロードし直し、値だけを入力してください。"
    ]
    assert result.rows_scanned == 0
    assert not Actual.objects.exists()


@pytest.mark.django_db
def test_a_far_cell_under_a_lying_used_range_is_found_by_reading_one_row_more(template, staff_user):
    forged = rebuild(template, data=add_rows('<row r="1048576"><c r="T1048576" t="n"><v>1</v></c></row>'))
    with peak_memory() as peak:
        result = run_import(staff_user, forged)
    assert messages(result) == [
        f"1,048,576行目に値があります。テンプレートの行（{ROW_LIMIT}行目まで）の外には入力できません。"
        "テンプレートをダウンロードし直し、値だけを入力してください。"
    ]
    assert result.rows_scanned == 5  # the header, three indicators and the forged row
    assert peak[0] < MEMORY_BOUND
    assert not Actual.objects.exists()


@pytest.mark.django_db
def test_a_million_one_cell_rows_are_refused_by_their_unpacked_size(template, staff_user):
    forged = rebuild(template, data=many_rows(1_000_000))
    assert len(forged) < 150_000  # 34 MB of XML, deflated (the report's was 70 KB)
    with peak_memory() as peak:
        result = run_import(staff_user, forged)
    assert messages(result) == [
        "ファイルの展開後のサイズが大きすぎるため読み込みません。テンプレートに値だけを入力してください。"
    ]
    assert result.rows_scanned == 0
    assert peak[0] < MEMORY_BOUND


@pytest.mark.django_db
def test_rows_past_the_template_under_the_size_limit_stop_the_reading_at_the_bound(template, staff_user):
    forged = rebuild(template, data=many_rows(115_000))  # 3.9 MB of XML: under the 4 MB part limit
    with zipfile.ZipFile(io.BytesIO(forged)) as z:
        assert (
            xlsx_import.MAX_MEMBER_BYTES * 0.9 < z.getinfo(DATA_XML).file_size < xlsx_import.MAX_MEMBER_BYTES
        )
    with peak_memory() as forged_peak:
        result = run_import(staff_user, forged)
    # Every row up to the bound is an (invalid) row of its own; the first row past it ends the reading.
    assert result.rows_scanned == ROW_LIMIT + 1
    assert len(result.problems) == xlsx_import.MAX_PROBLEMS
    assert result.more_problems == 1
    assert messages(result)[0] == (
        "5行目・C列「指標番号」: この行の指標はあなたの部署の指標ではないため取り込めません（指標IDが不正です）。"
    )
    with peak_memory() as normal_peak:
        normal = run_import(staff_user, template)
    assert (normal.ok, normal.saved, normal.rows_scanned) == (True, [], 4)  # nothing filled in, nothing saved
    # The worker's memory does not grow with the forged size: both stay under a small fixed bound.
    assert forged_peak[0] < MEMORY_BOUND and normal_peak[0] < MEMORY_BOUND
    assert not Actual.objects.exists()


@pytest.mark.django_db
def test_the_page_lists_at_most_fifty_problems_and_counts_the_rest(staff_client, template):
    rows = "".join(
        f'<row r="{r}">'
        + "".join(f'<c r="{get_column_letter(c)}{r}"><f>1+1</f><v>2</v></c>' for c in range(1, 18))
        + "</row>"
        for r in range(5, ROW_LIMIT + 1)
    )
    forged = rebuild(template, data=add_rows(rows))
    upload = io.BytesIO(forged)
    upload.name = "actuals.xlsx"
    response = staff_client.post("/entry/2024/1/upload/", {"file": upload})
    assert response.status_code == 400
    result = response.context["result"]
    total = (ROW_LIMIT - 4) * 17
    assert len(result.problems) == 50 and result.more_problems == total - 50
    body = response.content.decode()
    assert (
        f"取り込めませんでした（{total:,}件の問題）" in body
        or f"取り込めませんでした（{total}件の問題）" in body
    )
    assert f"ほか {total - 50} 件の問題があります（最初の50件だけを表示しています）。" in body
    assert body.count("数式は使えません。") == 50


@pytest.mark.django_db
def test_formulas_are_still_refused_when_read_streaming(template, staff_user):
    forged = rebuild(template, data=set_cell("H2", "<f>SUM(100,20)</f><v>120</v>"))
    result = run_import(staff_user, forged)
    assert messages(result) == ["2行目・H列「実績値」: 数式は使えません。計算結果の値を入力してください。"]
    text_formula = rebuild(template, data=set_cell("I4", "<is><t>=1+1</t></is>", "inlineStr"))
    assert messages(run_import(staff_user, text_formula)) == [
        "4行目・I列「分子」: 数式は使えません。計算結果の値を入力してください。"
    ]


# --- Finding 2 and 6: ids, versions and marker cells that never finish converting -----------------------


@pytest.mark.django_db
def test_an_id_of_1e999999999_is_refused_at_once(staff_client, staff_user):
    wb = load_workbook(io.BytesIO(staff_client.get("/entry/2024/1/template.xlsx").content))
    ws = wb[xlsx_import.DATA_SHEET]
    ws.cell(row=2, column=COL["id"], value="1e999999999")
    ws.cell(row=3, column=COL["id"], value="9" * 5000)
    ws.cell(row=4, column=COL["numerator"], value=5)
    ws.cell(row=4, column=COL["denominator"], value=10)
    buf = io.BytesIO()
    wb.save(buf)
    result = run_import(staff_user, buf.getvalue())
    assert messages(result) == [
        "2行目・A列「指標ID」: 指標ID（非表示の列）：指数表記（1E5 など）は使えません。数字だけで入力してください。"
        "テンプレートをダウンロードし直してください。",
        "3行目・A列「指標ID」: 指標ID（非表示の列）：桁数が多すぎます（整数部19桁まで）。"
        "テンプレートをダウンロードし直してください。",
    ]
    assert not Actual.objects.exists()


@pytest.mark.django_db
def test_an_id_cell_of_1E999_is_refused_with_a_message(template, staff_user):
    forged = rebuild(template, data=set_cell("A2", "<v>1E999</v>"))
    forged_big = rebuild(template, data=set_cell("A3", "<v>" + "9" * 4000 + "</v>"))
    assert messages(run_import(staff_user, forged)) == [
        "2行目・A列「指標ID」: 値が大きすぎるか数値ではないため読めません（無限大・非数）。"
    ]
    assert messages(run_import(staff_user, forged_big)) == [
        "3行目・A列「指標ID」: 指標ID（非表示の列）：桁数が多すぎます（整数部19桁まで）。"
        "テンプレートをダウンロードし直してください。"
    ]
    assert not Actual.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "cell,inner,reason",
    [
        ("B2", "<v>1E999</v>", "値が大きすぎるか数値ではないため読めません（無限大・非数）。"),
        ("B3", "<v>1E999</v>", "値が大きすぎるか数値ではないため読めません（無限大・非数）。"),
        ("B2", "<v>1e9</v>", "年度：桁数が多すぎます（整数部4桁まで）。"),
        ("B2", "<v>0</v>", "年度：1以上の整数を入力してください。"),
        ("B3", "<v>4000000000000000000000000</v>", "四半期：桁数が多すぎます（整数部1桁まで）。"),
    ],
)
def test_marker_cells_out_of_range_are_refused_with_the_reason(template, staff_user, cell, inner, reason):
    forged = rebuild(template, marker=set_cell(cell, inner))
    result = run_import(staff_user, forged)
    assert messages(result) == [
        "このファイルは実績入力用のテンプレートではありません。画面からテンプレートをダウンロードして使ってください。"
        f"（非表示のシート「_template」の年度・四半期が読めません：{reason}）"
    ]
    assert result.rows_scanned == 0


@pytest.mark.django_db
def test_an_unparsable_number_in_the_xml_is_a_message_not_a_crash(template, staff_user):
    # Python refuses to convert more than 4,300 digits; openpyxl's reader raises while streaming.
    forged = rebuild(template, data=set_cell("H2", "<v>" + "9" * 5000 + "</v>"))
    assert messages(run_import(staff_user, forged)) == [
        "ファイルを読み込めませんでした（壊れているか、Excelブックではありません）。"
    ]


@pytest.mark.django_db
def test_a_blank_or_huge_version_cell_is_refused_with_the_stored_value(template, staff_user, fiscal_year):
    services.actual_save(
        indicator=Indicator.objects.get(code="1-1"),
        fiscal_year=fiscal_year,
        quarter=1,
        user=staff_user,
        data={"value": Decimal("42")},
        expected_version=0,
    )
    huge = rebuild(template, data=set_cell("B4", "<is><t>" + "9" * 5000 + "</t></is>", "inlineStr"))
    found = messages(run_import(staff_user, huge))
    assert found == [
        "4行目: 1-3の実績：画面の版番号が正しくありません（送られていないか、読めない値です）。"
        "何も変更していません（まだ保存された値はありません）。画面を開き直して内容を確かめてから操作してください。"
    ]
    blank = rebuild(template, data=set_cell("B2", "", "n"))
    blank = rebuild(blank, data=set_cell("H2", "<v>50</v>"))
    found = messages(run_import(staff_user, blank))
    assert len(found) == 1 and found[0].startswith("2行目: 1-1の実績：画面の版番号が正しくありません")
    assert "現在の値: 42社、状態: 下書き、更新者: tanto、版1" in found[0]
    assert Actual.objects.get(indicator__code="1-1").value == Decimal("42")


# --- Finding 6 on the pages: a 5,000-digit version is refused, not a 500 ---------------------------------


@pytest.mark.django_db
def test_a_5000_digit_version_on_a_submitted_row_of_the_entry_page_is_refused(
    staff_client, staff_user, fiscal_year
):
    ind11, ind13 = Indicator.objects.get(code="1-1"), Indicator.objects.get(code="1-3")
    draft = services.actual_save(
        indicator=ind11,
        fiscal_year=fiscal_year,
        quarter=1,
        user=staff_user,
        data={"value": Decimal("300")},
        expected_version=0,
    )
    services.actual_submit(actual=draft, user=staff_user, expected_version=1)
    response = staff_client.post(
        "/entry/2024/1/",
        {
            "action": "save",
            f"a{ind11.pk}-version": "9" * 5000,  # the row is submitted: the page no longer shows it open
            f"a{ind11.pk}-value": "5",
            f"a{ind13.pk}-version": "0",
            f"a{ind13.pk}-numerator": "5",
            f"a{ind13.pk}-denominator": "10",
        },
    )
    assert response.status_code == 200
    assert (
        "1-1の実績は他の利用者が先に更新しました（現在の値: 300社、状態: 提出済み"
        in response.content.decode()
    )
    assert Actual.objects.get(indicator=ind11).value == Decimal("300")
    assert not Actual.objects.filter(indicator=ind13).exists()


@pytest.mark.django_db
def test_a_5000_digit_version_on_approve_is_refused(manager_client, staff_user, fiscal_year):
    for code, value in (("1-1", "300"), ("1-3", None)):
        data = (
            {"value": Decimal(value)} if value else {"numerator": Decimal("1"), "denominator": Decimal("2")}
        )
        draft = services.actual_save(
            indicator=Indicator.objects.get(code=code),
            fiscal_year=fiscal_year,
            quarter=1,
            user=staff_user,
            data=data,
            expected_version=0,
        )
        actual = services.actual_submit(actual=draft, user=staff_user, expected_version=1)
        response = manager_client.post(reverse("entry:approve", args=[actual.pk]), {"version": "9" * 5000})
        assert response.status_code == 302
        assert Actual.objects.get(pk=actual.pk).state == "submitted"
        assert "画面の版番号が正しくありません" in [str(m) for m in get_messages(response.wsgi_request)][-1]


@pytest.mark.django_db
def test_a_5000_digit_version_on_a_budget_save_is_refused(staff_client, staff_user):
    row = BudgetRow.objects.get(table__kind="budget", table__account__code="ippan", label="運営費交付金")
    other = BudgetRow.objects.get(table=row.table, label="業務収入")
    column = BudgetColumn.objects.get(table=row.table, segment="地域牽引・成長志向企業支援業務")
    budget_services.execution_save(
        row=row, column=column, quarter=1, amount=Decimal("10"), user=staff_user, expected_version=0
    )
    response = staff_client.post(
        reverse("budgets:execution_save", args=["ippan", 1]),
        {
            f"amount-{row.pk}-{column.pk}": "11",
            f"version-{row.pk}-{column.pk}": "9" * 5000,
            f"amount-{other.pk}-{column.pk}": "12",
            f"version-{other.pk}-{column.pk}": "0",
        },
    )
    assert response.status_code == 302
    assert BudgetExecution.objects.get(row=row).amount == Decimal("10")
    assert not BudgetExecution.objects.filter(row=other).exists()


# --- Hypothesis: uploads with forged used ranges, far cells and hostile id/version/marker cells -----------


@contextmanager
def rolled_back():
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


CELL_TEXT = st.one_of(
    st.sampled_from(["1e999999999", "1E999", "NaN", "-1", "0", "9" * 5000, "１", "1,0", "", "=1+1"]),
    st.text(max_size=30),
    st.integers(min_value=-(10**40), max_value=10**40).map(str),
)
XML_NUMBER = st.one_of(
    st.sampled_from(["1E999", "-1E999", "1e308", "4.9e-324", "NaN", "1.5", "0"]),
    st.integers(min_value=-(10**60), max_value=10**60).map(str),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    dimension=st.one_of(
        st.none(),
        st.builds(
            lambda c, r: f"A1:{get_column_letter(c)}{r}",
            st.integers(min_value=1, max_value=16384),
            st.integers(min_value=1, max_value=1_048_576),
        ),
    ),
    far_row=st.integers(min_value=5, max_value=1_048_576),
    far_column=st.integers(min_value=1, max_value=16384),
    far_value=XML_NUMBER,
    id_text=CELL_TEXT,
    version_text=CELL_TEXT,
    marker_number=st.one_of(st.none(), XML_NUMBER),  # None: the marker as downloaded
)
def test_forged_uploads_are_refused_within_the_bound_and_save_nothing(
    template, staff_user, dimension, far_row, far_column, far_value, id_text, version_text, marker_number
):
    def cell_text(text):
        escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        escaped = "".join(c for c in escaped if c in "\t\n\r" or (" " <= c and c not in "\ufffe\uffff"))
        return f'<is><t xml:space="preserve">{escaped}</t></is>'

    far = f'<row r="{far_row}"><c r="{get_column_letter(far_column)}{far_row}"><v>{far_value}</v></c></row>'

    def data(xml):
        xml = add_rows(far, dimension)(xml)
        xml = set_cell("A2", cell_text(id_text), "inlineStr")(xml)
        xml = set_cell("B3", cell_text(version_text), "inlineStr")(xml)
        return set_cell("H2", "<v>5</v>")(xml)

    marker = (lambda xml: xml) if marker_number is None else set_cell("B3", f"<v>{marker_number}</v>")
    forged = rebuild(template, data=data, marker=marker)
    with rolled_back():
        before = Actual.objects.count(), Actual.history.count()
        result = run_import(staff_user, forged)
        assert result.rows_scanned <= ROW_LIMIT + 1
        assert len(result.problems) <= xlsx_import.MAX_PROBLEMS
        if not result.ok:
            assert (Actual.objects.count(), Actual.history.count()) == before
        else:
            # Only a file whose forged parts all happen to be harmless is accepted: the id is 1-1's.
            assert far_row <= ROW_LIMIT and far_column <= 17
            assert Actual.objects.get(indicator__code="1-1").value == Decimal("5")
