"""Excel template download and upload: good files, bad rows and malicious or wrong files; never a 500."""

import io
import zipfile
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook, load_workbook

from indicators import services, xlsx_import
from indicators.models import Actual, Indicator

UPLOAD = "/entry/2024/{q}/upload/"
COL = xlsx_import.COLUMN_INDEX


def download(client, quarter=1):
    r = client.get(f"/entry/2024/{quarter}/template.xlsx")
    assert r.status_code == 200
    return load_workbook(io.BytesIO(r.content))


def row_of(ws, code):
    for r in range(2, ws.max_row + 1):
        if ws.cell(row=r, column=COL["code"]).value == code:
            return r
    raise AssertionError(code)


def fill(wb, code, **values):
    ws = wb[xlsx_import.DATA_SHEET]
    r = row_of(ws, code)
    for key, value in values.items():
        ws.cell(row=r, column=COL[key], value=value)
    return r


def to_bytes(wb):
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def upload(client, content, name="actuals.xlsx", quarter=1):
    f = io.BytesIO(content)
    f.name = name
    return client.post(UPLOAD.format(q=quarter), {"file": f})


def problems(response):
    return [str(p) for p in response.context["result"].problems] if response.context["result"] else []


@pytest.mark.django_db
def test_template_is_prefilled_with_the_users_indicators_and_marked(staff_client, staff_user, fiscal_year):
    services.actual_save(
        indicator=Indicator.objects.get(code="1-1"),
        fiscal_year=fiscal_year,
        quarter=1,
        user=staff_user,
        data={"value": Decimal("42")},
        expected_version=0,
    )
    wb = download(staff_client)
    ws = wb[xlsx_import.DATA_SHEET]
    codes = [ws.cell(row=r, column=COL["code"]).value for r in range(2, ws.max_row + 1)]
    assert codes == ["1-1", "1-2", "1-3"]
    r = row_of(ws, "1-1")
    assert ws.cell(row=r, column=COL["value"]).value == 42
    assert ws.cell(row=r, column=COL["unit"]).value == "社"
    assert ws.cell(row=r, column=COL["version"]).value == 1
    assert ws.column_dimensions["A"].hidden and ws.column_dimensions["B"].hidden
    assert ws.protection.sheet and ws.cell(row=r, column=COL["id"]).protection.locked
    assert not ws.cell(row=r, column=COL["value"]).protection.locked
    marker = wb[xlsx_import.MARKER_SHEET]
    assert marker.sheet_state == "hidden"
    assert (marker["B1"].value, marker["B2"].value, marker["B3"].value) == (xlsx_import.MARKER, 2024, 1)


@pytest.mark.django_db
def test_a_good_file_saves_every_row_as_draft(staff_client, staff_user, fiscal_year):
    wb = download(staff_client)
    fill(wb, "1-1", value=250, note="Excelから", as_of="2024-06-30")
    fill(wb, "1-3", numerator=75, denominator=100.5)
    r = upload(staff_client, to_bytes(wb))
    assert r.status_code == 302
    a11 = Actual.objects.get(indicator__code="1-1", fiscal_year=fiscal_year, quarter=1)
    a13 = Actual.objects.get(indicator__code="1-3", fiscal_year=fiscal_year, quarter=1)
    assert a11.value == Decimal("250") and a11.note == "Excelから" and str(a11.as_of) == "2024-06-30"
    assert (a13.numerator, a13.denominator) == (Decimal("75"), Decimal("100.5"))
    assert a11.history.latest().history_change_reason == "Excelアップロード"
    assert a11.history.latest().history_user == staff_user


@pytest.mark.django_db
def test_bad_rows_are_listed_with_row_and_column_and_nothing_is_saved(staff_client):
    wb = download(staff_client)
    r11 = fill(wb, "1-1", value=-5)
    r13 = fill(wb, "1-3", numerator=120, denominator=100, as_of="2023-12-01")
    r = upload(staff_client, to_bytes(wb))
    assert r.status_code == 400
    found = problems(r)
    assert f"{r11}行目・H列「実績値」: 0以上の数値を入力してください（マイナスは入力できません）。" in found
    assert f"{r13}行目・I列「分子」: 分子（120）は分母（100）以下にしてください。" in found
    assert any(p.startswith(f"{r13}行目・O列「基準日」: 基準日は令和6年度") for p in found)
    assert not Actual.objects.exists()


@pytest.mark.django_db
def test_text_and_too_many_decimals_are_rejected(staff_client):
    wb = download(staff_client)
    r11 = fill(wb, "1-1", value="たくさん")
    r13 = fill(wb, "1-3", numerator=1.234, denominator=10)
    found = problems(upload(staff_client, to_bytes(wb)))
    assert any(p.startswith(f"{r11}行目・H列「実績値」: 数値を入力してください") for p in found)
    assert any(p.startswith(f"{r13}行目・I列「分子」") and "小数点以下" in p for p in found)
    assert not Actual.objects.exists()


@pytest.mark.django_db
def test_a_field_the_kind_does_not_use_is_reported(staff_client):
    wb = download(staff_client)
    r11 = fill(wb, "1-1", value=3, numerator=2)
    found = problems(upload(staff_client, to_bytes(wb)))
    assert found == [f"{r11}行目・I列「分子」: 件数等（四半期合計）の指標では「分子」は入力しません。"]


@pytest.mark.django_db
def test_formulas_are_refused(staff_client):
    wb = download(staff_client)
    r11 = fill(wb, "1-1", value="=SUM(100,20)")
    r = upload(staff_client, to_bytes(wb))
    assert problems(r) == [f"{r11}行目・H列「実績値」: 数式は使えません。計算結果の値を入力してください。"]
    assert not Actual.objects.exists()


@pytest.mark.django_db
def test_a_row_of_another_department_is_refused(staff_client):
    wb = download(staff_client)
    r11 = fill(wb, "1-1", value=3)
    wb[xlsx_import.DATA_SHEET].cell(row=r11, column=COL["id"], value=Indicator.objects.get(code="2-1").pk)
    found = problems(upload(staff_client, to_bytes(wb)))
    assert found and "あなたの部署の指標ではない" in found[0]
    assert not Actual.objects.exists()


@pytest.mark.django_db
def test_a_stale_template_is_refused_with_the_stored_value(staff_client, staff_user, fiscal_year):
    wb = download(staff_client)
    services.actual_save(
        indicator=Indicator.objects.get(code="1-1"),
        fiscal_year=fiscal_year,
        quarter=1,
        user=staff_user,
        data={"value": Decimal("77")},
        expected_version=0,
    )
    fill(wb, "1-1", value=3)
    found = problems(upload(staff_client, to_bytes(wb)))
    assert any("現在の値: 77社" in p for p in found)
    assert Actual.objects.get(indicator__code="1-1").value == Decimal("77")


@pytest.mark.django_db
def test_a_template_of_another_quarter_is_refused(staff_client):
    wb = download(staff_client, quarter=2)
    fill(wb, "1-1", value=3)
    found = problems(upload(staff_client, to_bytes(wb), quarter=1))
    assert found == [
        "このテンプレートは2024年度 第2四半期用です。令和6年度第1四半期（4–6月）のテンプレートをダウンロードして使ってください。"
    ]


@pytest.mark.django_db
def test_a_workbook_that_is_not_the_template_is_refused(staff_client):
    wb = Workbook()
    wb.active["A1"] = "指標番号"
    found = problems(upload(staff_client, to_bytes(wb)))
    assert found == [
        "このファイルは実績入力用のテンプレートではありません。画面からテンプレートをダウンロードして使ってください。"
    ]


@pytest.mark.django_db
def test_an_xlsx_renamed_txt_is_refused(staff_client):
    wb = download(staff_client)
    found = problems(upload(staff_client, to_bytes(wb), name="actuals.txt"))
    assert found == [
        "Excelブック（拡張子 .xlsx）を選んでください。CSVや .xls、その他の形式は読み込めません。"
    ]


@pytest.mark.django_db
def test_random_bytes_named_xlsx_are_refused(staff_client):
    r = upload(staff_client, bytes(range(256)) * 40)
    assert r.status_code == 400
    assert problems(r) == [
        "ファイルが .xlsx 形式ではありません（壊れているか、拡張子だけが .xlsx の別の形式です）。"
    ]


@pytest.mark.django_db
def test_a_truncated_zip_is_refused(staff_client):
    content = to_bytes(download(staff_client))[:2000]
    r = upload(staff_client, content)
    assert r.status_code == 400
    assert "壊れている" in problems(r)[0]


@pytest.mark.django_db
def test_a_zip_that_expands_too_far_is_refused(staff_client):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", b"<x/>")
        z.writestr("xl/worksheets/sheet1.xml", b"\0" * (60 * 1024 * 1024))
    assert len(buf.getvalue()) < 1024 * 1024  # small on disk, 60 MB unpacked
    r = upload(staff_client, buf.getvalue())
    assert problems(r) == [
        "ファイルの展開後のサイズが大きすぎるため読み込みません。テンプレートに値だけを入力してください。"
    ]


@pytest.mark.django_db
def test_an_oversize_file_is_refused_before_parsing(staff_client, settings):
    settings.UPLOAD_MAX_BYTES = 1000
    r = upload(staff_client, to_bytes(download(staff_client)))
    assert r.status_code == 400
    assert "ファイルが大きすぎます" in r.content.decode() and "上限は1,000バイトです" in r.content.decode()
    assert not Actual.objects.exists()


@pytest.mark.django_db
def test_manager_and_auditor_cannot_upload(manager_client, auditor_client, staff_client):
    content = to_bytes(download(staff_client))
    for client in (manager_client, auditor_client):
        f = io.BytesIO(content)
        f.name = "a.xlsx"
        assert client.post(UPLOAD.format(q=1), {"file": f}).status_code == 403
        assert client.get("/entry/2024/1/template.xlsx").status_code == 403


@pytest.mark.django_db
def test_import_command_saves_a_good_file(staff_client, staff_user, tmp_path):
    wb = download(staff_client, quarter=4)
    fill(wb, "1-2", growth_rate=8.5, benchmark_rate=5)
    path = tmp_path / "q4.xlsx"
    path.write_bytes(to_bytes(wb))
    out = io.StringIO()
    call_command("import_actuals", str(path), "--user", staff_user.username, stdout=out)
    assert "令和6年度 第4四半期：1件の実績を取り込みました。" in out.getvalue()
    a = Actual.objects.get(indicator__code="1-2", quarter=4)
    assert (a.growth_rate, a.benchmark_rate) == (Decimal("8.5"), Decimal("5"))


@pytest.mark.django_db
def test_import_command_prints_problems_and_fails(staff_client, staff_user, tmp_path):
    wb = download(staff_client)
    r11 = fill(wb, "1-1", value=-1)
    path = tmp_path / "bad.xlsx"
    path.write_bytes(to_bytes(wb))
    err = io.StringIO()
    with pytest.raises(CommandError, match="1件の問題"):
        call_command("import_actuals", str(path), "--user", staff_user.username, stderr=err)
    assert f"{r11}行目・H列「実績値」: 0以上の数値を入力してください" in err.getvalue()
    assert not Actual.objects.exists()


@pytest.mark.django_db
def test_the_result_page_lists_row_column_and_message(staff_client):
    wb = download(staff_client)
    r11 = fill(wb, "1-1", value=-5)
    body = upload(staff_client, to_bytes(wb)).content.decode()
    assert "取り込めませんでした（1件の問題）" in body
    assert (
        f'<td class="num">{r11}</td><td>H列「実績値」</td><td>0以上の数値を入力してください（マイナスは入力できません）。</td>'
        in body
    )


@pytest.mark.django_db
def test_import_command_refuses_a_user_who_cannot_enter(staff_client, manager, tmp_path):
    path = tmp_path / "q1.xlsx"
    path.write_bytes(to_bytes(download(staff_client)))
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import_actuals", str(path), "--user", manager.username, stderr=err)
    assert "kanri は実績を入力できません（部署に所属する担当者だけが取り込めます）。" in err.getvalue()
