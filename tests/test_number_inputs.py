"""Numbers as people type them (README「入力できる数値の書き方」): 「1,580」「１５８０」「1580.0」 are the same number in
every numeric input: the entry page (実績値, 分子・分母, 伸び率), the API, the Excel upload, budget execution and
the target form. A wrong input is refused with a message naming the field and the reason, and nothing is saved."""

import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from api.models import ApiToken
from budgets.models import BudgetColumn, BudgetExecution, BudgetRow
from indicators import xlsx_import
from indicators.models import Actual, Indicator, TargetRevision
from tests.api_support import post_json, token_client
from tests.test_targets import post as post_target_form

pytestmark = pytest.mark.django_db

# The same number 1,580 as people type it; the first two are what the app itself prints and what a Japanese IME
# gives, the rest are what a spreadsheet copy or a careful person gives.
TYPED_1580 = ["1,580", "１５８０", "1580.0", "１，５８０", "1580", " 1,580.00 ", "１５８０．０"]
WRONG = [
    # (typed, the reason the message gives)
    ("1,58", "カンマは3桁ごとに入れてください（例: 1,580）。"),
    ("abc", "数値を入力してください（文字は入力できません）。"),
    ("1e3", "指数表記（1E5 など）は使えません。数字だけで入力してください。"),
    ("15.805", "小数点以下は2桁までです。"),
]


def ind(code) -> Indicator:
    return Indicator.objects.get(code=code, plan__fiscal_year__year=2024)


def actual(code, quarter=1) -> Actual:
    return Actual.objects.get(indicator=ind(code), fiscal_year__year=2024, quarter=quarter)


def entry_post(client, quarter=1, **rows):
    data = {"action": "save"}
    for code, fields in rows.items():
        pk = ind(code).pk
        data[f"a{pk}-version"] = "0"
        data.update({f"a{pk}-{name}": value for name, value in fields.items()})
    return client.post(f"/entry/2024/{quarter}/", data)


def page_messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


# --------------------------------------------------------------------------------------------------- entry page


@pytest.mark.parametrize("typed", TYPED_1580)
def test_the_entry_page_reads_every_figure_typed_any_way(staff_client, typed):
    response = entry_post(
        staff_client, **{"1-1": {"value": typed}, "1-3": {"numerator": typed, "denominator": "２，０００"}}
    )
    assert response.status_code == 302
    assert actual("1-1").value == Decimal("1580")
    assert (actual("1-3").numerator, actual("1-3").denominator) == (Decimal("1580"), Decimal("2000"))


@pytest.mark.parametrize("typed", TYPED_1580)
def test_the_entry_page_reads_the_growth_rates_typed_any_way(staff_client, typed):
    response = entry_post(
        staff_client, quarter=4, **{"1-2": {"growth_rate": typed, "benchmark_rate": "１２．５"}}
    )
    assert response.status_code == 302
    got = actual("1-2", quarter=4)
    assert (got.growth_rate, got.benchmark_rate) == (Decimal("1580"), Decimal("12.5"))


@pytest.mark.parametrize(("typed", "reason"), WRONG)
def test_a_wrong_figure_on_the_entry_page_names_indicator_field_and_reason(staff_client, typed, reason):
    response = entry_post(
        staff_client, **{"1-1": {"value": typed}, "1-3": {"numerator": "75", "denominator": typed}}
    )
    assert response.status_code == 200
    shown = page_messages(response)
    assert "入力内容に誤りがあります。どの行も保存していません。" in shown
    assert f"1-1 実績値：{reason}" in shown
    assert f"1-3 分母（回答数等）：{reason}" in shown
    # Beside the field too, with its name.
    assert f"実績値：{reason}" in response.context["rows"][0].form.errors["value"]
    assert not Actual.objects.filter(fiscal_year__year=2024).exists()


# ---------------------------------------------------------------------------------------------------------- API


@pytest.fixture
def writer(staff_user):
    return token_client(staff_user, scope=ApiToken.Scope.READ_WRITE)[0]


@pytest.mark.parametrize("typed", TYPED_1580)
def test_the_api_reads_every_figure_typed_any_way(writer, typed):
    base = {"year": 2024, "quarter": 1, "version": 0}
    one = post_json(writer, "/api/v1/actuals/", {**base, "indicator": "1-1", "value": typed}, key="v")
    ratio = post_json(
        writer,
        "/api/v1/actuals/",
        {**base, "indicator": "1-3", "numerator": typed, "denominator": "２，０００"},
        key="r",
    )
    assert one.status_code == 201 and one.json()["actual"]["value"] == "1580"
    assert ratio.status_code == 201 and ratio.json()["actual"]["numerator"] == "1580"
    assert ratio.json()["actual"]["denominator"] == "2000"


@pytest.mark.parametrize(("typed", "reason"), WRONG)
def test_a_wrong_figure_in_the_api_names_the_field_and_reason(writer, typed, reason):
    body = {
        "year": 2024,
        "quarter": 1,
        "version": 0,
        "indicator": "1-3",
        "numerator": typed,
        "denominator": "9",
    }
    response = post_json(writer, "/api/v1/actuals/", body, key="bad")
    assert response.status_code == 400
    assert response.json()["errors"]["numerator"] == [f"分子（該当数）：{reason}"]
    assert not Actual.objects.exists()


# ------------------------------------------------------------------------------------------------------- upload


def _template(client):
    response = client.get("/entry/2024/1/template.xlsx")
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content))


def _fill(wb, code, **values) -> int:
    ws = wb[xlsx_import.DATA_SHEET]
    col = xlsx_import.COLUMN_INDEX
    row = next(r for r in range(2, ws.max_row + 1) if ws.cell(row=r, column=col["code"]).value == code)
    for key, value in values.items():
        ws.cell(row=row, column=col[key], value=value)
    return row


def _upload(client, wb):
    buffer = io.BytesIO()
    wb.save(buffer)
    f = io.BytesIO(buffer.getvalue())
    f.name = "actuals.xlsx"
    return client.post("/entry/2024/1/upload/", {"file": f})


@pytest.mark.parametrize("typed", [*TYPED_1580, 1580, 1580.0])
def test_the_upload_reads_every_figure_typed_any_way(staff_client, typed):
    wb = _template(staff_client)
    _fill(wb, "1-1", value=typed)
    _fill(wb, "1-3", numerator=typed, denominator="２，０００")
    response = _upload(staff_client, wb)
    assert response.status_code == 302, response.context["result"].problems
    assert actual("1-1").value == Decimal("1580")
    assert (actual("1-3").numerator, actual("1-3").denominator) == (Decimal("1580"), Decimal("2000"))


@pytest.mark.parametrize(("typed", "reason"), WRONG)
def test_a_wrong_figure_in_the_upload_names_row_column_and_reason(staff_client, typed, reason):
    wb = _template(staff_client)
    row = _fill(wb, "1-1", value=typed)
    response = _upload(staff_client, wb)
    assert response.status_code == 400
    found = [str(p) for p in response.context["result"].problems]
    assert f"{row}行目・H列「実績値」: {reason}" in found
    assert not Actual.objects.exists()


# ---------------------------------------------------------------------------------------------- budget execution


@pytest.fixture
def line(db):
    """一般勘定 予算計画 運営費交付金 × 地域牽引・成長志向企業支援業務（一般経理）, entered by 経営支援部."""
    row = BudgetRow.objects.get(table__kind="budget", table__account__code="ippan", label="運営費交付金")
    column = BudgetColumn.objects.get(table=row.table, segment="地域牽引・成長志向企業支援業務")
    return row, column


@pytest.mark.parametrize("typed", TYPED_1580)
def test_budget_execution_reads_every_amount_typed_any_way(staff_client, line, typed):
    row, column = line
    url = reverse("budgets:execution_save", args=["ippan", 1])
    name = f"{row.pk}-{column.pk}"
    response = staff_client.post(url, {f"amount-{name}": typed, f"version-{name}": "0"})
    assert response.status_code == 302
    assert BudgetExecution.objects.get(row=row, column=column, quarter=1).amount == Decimal("1580")


@pytest.mark.parametrize(
    ("typed", "reason"),
    [
        ("1,58", "執行額（百万円）：カンマは3桁ごとに入れてください（例: 1,580）。"),
        ("abc", "「abc」は数値として読めません。金額（百万円）を数字で入力してください。"),
        ("1e3", "執行額（百万円）：指数表記（1E5 など）は使えません。数字だけで入力してください。"),
        ("1.2345", "執行額（百万円）の小数は3桁（千円単位）までです。"),
    ],
)
def test_a_wrong_budget_amount_names_the_line_field_and_reason(staff_client, line, typed, reason):
    row, column = line
    url = reverse("budgets:execution_save", args=["ippan", 1])
    name = f"{row.pk}-{column.pk}"
    response = staff_client.post(url, {f"amount-{name}": typed, f"version-{name}": "0"}, follow=True)
    shown = page_messages(response)
    assert any(
        m.startswith("運営費交付金（地域牽引・成長志向企業支援業務") and m.endswith(reason) for m in shown
    ), shown
    assert "誤りのある行があるため、何も保存していません。" in shown
    assert not BudgetExecution.objects.exists()


# ------------------------------------------------------------------------------------------------------ targets


def target_post(client, indicator, **data):
    """The target form as the page posts it (tests/test_targets.py), with a reason."""
    return post_target_form(client, indicator, **{"reason": "見直し", **data})


@pytest.mark.parametrize("typed", TYPED_1580)
def test_the_target_form_reads_the_target_typed_any_way(manager_client, typed):
    response = target_post(manager_client, ind("1-1"), target=typed)
    assert response.status_code == 302
    assert ind("1-1").target == Decimal("1580")
    assert ind("1-1").target_text == "1,580社以上"


@pytest.mark.parametrize("typed", ["1.2", "１．２", "1.20", "1.200", "１．２００"])
def test_the_target_form_reads_the_multiplier_typed_any_way(manager_client, typed):
    indicator = ind("1-2")
    Indicator.objects.filter(pk=indicator.pk).update(benchmark_multiplier=Decimal("1.5"))
    response = target_post(manager_client, indicator, benchmark_multiplier=typed)
    assert response.status_code == 302
    assert ind("1-2").benchmark_multiplier == Decimal("1.2")


@pytest.mark.parametrize(("typed", "reason"), WRONG)
def test_a_wrong_target_names_the_field_and_reason(manager_client, typed, reason):
    before = (ind("1-1").target, TargetRevision.objects.count())
    response = target_post(manager_client, ind("1-1"), target=typed)
    assert response.status_code == 200
    assert response.context["form"].errors["target"] == [f"目標値：{reason}"]
    assert (ind("1-1").target, TargetRevision.objects.count()) == before


def test_a_wrong_multiplier_names_the_field_and_reason(manager_client):
    response = target_post(manager_client, ind("1-2"), benchmark_multiplier="1.2345")
    assert response.context["form"].errors["benchmark_multiplier"] == [
        "基準比の倍率：小数点以下は3桁までです。"
    ]
    response = target_post(manager_client, ind("1-2"), benchmark_multiplier="1,000")
    assert response.context["form"].errors["benchmark_multiplier"] == [
        "基準比の倍率：桁数が多すぎます（整数部3桁まで）。"
    ]
