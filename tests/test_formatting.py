"""One formatting module (`smrj_plan.formatting`): its rules, and every figure reading the same on the pages and
in the workbook's cells (value and number format), for two indicators or rows each."""

import datetime as dt
import io
import re
import unicodedata
from decimal import ROUND_HALF_UP, Decimal
from types import SimpleNamespace

import pytest
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st
from openpyxl import load_workbook

from budgets.models import BudgetColumn, BudgetExecution, BudgetRow
from indicators import services
from indicators.models import Actual, Indicator
from reports.workbook import export_context_build, workbook_write
from smrj_plan import formatting
from smrj_plan.formatting import (
    count,
    executed,
    forecast,
    million,
    percent,
    person_name,
    ratio_pair,
    round_percent,
    target_label,
    wareki,
)

D = Decimal

# ---------------------------------------------------------------------------------------------------------------
# The module's rules
# ---------------------------------------------------------------------------------------------------------------


def test_percentages_round_once_to_a_tenth_half_up():
    assert round_percent(D("12.25")) == D("12.3")  # 49/400: half-even would give 12.2
    assert percent(D(49) * 100 / D(400)) == "12.3%"
    assert percent(D("12.35")) == "12.4%"
    assert percent(D("12.249")) == "12.2%"
    assert percent(D("119.95")) == "120.0%"
    assert percent(D("120")) == "120.0%"
    assert percent(D("1234.56")) == "1,234.6%"
    assert percent(None) == "—"


def test_counts_have_separators_and_no_trailing_zeros():
    assert count(D("6000"), "件") == "6,000件"
    assert count(D("1234.50"), "社") == "1,234.5社"
    assert count(D("92800.25"), "人日") == "92,800.25人日"
    assert count(D("0.00"), "社") == "0社"
    assert count(None, "社") == "—"
    assert ratio_pair(D("1683"), D("2098")) == "1,683／2,098"


def test_forecasts_are_whole_units_half_up():
    assert forecast(D(875) * 4 / 3, "社") == "1,167社"  # 1,166.67
    assert forecast(D("1166.5"), "社") == "1,167社"
    assert forecast(D("2.5"), "本") == "3本"  # half-up, not to even
    assert forecast(D("401.33"), "件") == "401件"
    assert forecast(D("75.04"), "%", is_percent=True) == "75.0%"
    assert forecast(None) == "—"


def test_million_yen_with_triangle_dash_and_zero():
    assert million(D("-1234")) == "△1,234"
    assert million(D("415095")) == "415,095"
    assert million(None) == "-"  # no amount
    assert million(D("0")) == "0"  # a published or computed 0 is not 「-」
    assert million(D("1234.5")) == "1,235"
    assert executed(D("41")) == "41.000"
    assert executed(D("40.32")) == "40.320"
    assert executed(D("-1234.5")) == "△1,234.500"
    assert executed(None) == "-"


def test_targets_are_normalised_for_tables():
    assert (
        target_label(target=D("1000"), unit="社", comparison="gte", text="１，０００社以上") == "1,000社以上"
    )
    assert target_label(target=D("70"), unit="%", comparison="gte", text="70%以上") == "70%以上"
    assert target_label(target=D("300"), unit="件", comparison="eq", text="300件") == "300件"
    assert target_label(target=D("5"), unit="%", comparison="lte", text="５％以下") == "5%以下"
    assert (
        target_label(
            target=None, unit="%", comparison="gte", text="中小企業実態基本調査のデータの２割以上、上回る"
        )
        == "中小企業実態基本調査のデータの2割以上、上回る"
    )
    assert target_label(target=None, unit="", comparison="none", text="") == "—"


def test_dates_in_wareki():
    assert wareki(dt.date(2025, 3, 26)) == "令和7年3月26日"
    assert wareki(dt.date(2024, 3, 29)) == "令和6年3月29日"
    assert wareki(dt.date(2019, 5, 1)) == "令和元年5月1日"
    assert wareki(dt.date(2019, 4, 30)) == "平成31年4月30日"
    # A moment is dated in Japan time: 15:30 UTC on 14 January is the 15th in Tokyo.
    assert wareki(dt.datetime(2025, 1, 14, 15, 30, tzinfo=dt.UTC)) == "令和7年1月15日"
    assert (
        formatting.wareki_datetime(dt.datetime(2025, 1, 15, 0, 30, tzinfo=dt.UTC))
        == "令和7年1月15日 09:30:00"
    )
    assert formatting.wareki_with_western(dt.date(2025, 3, 26)) == "令和7年3月26日（2025年3月26日）"


def test_names_are_family_name_first():
    yamada = SimpleNamespace(last_name="山田", first_name="太郎", username="yamada")
    assert person_name(yamada) == "山田 太郎"
    assert person_name(yamada, with_username=True) == "山田 太郎（yamada）"
    assert person_name(SimpleNamespace(last_name="", first_name="", username="kanri")) == "kanri"
    assert person_name(SimpleNamespace(last_name="管理", first_name="", username="kanri")) == "管理"
    assert person_name(None) == "—"


def test_floats_are_refused():
    with pytest.raises(TypeError):
        count(1.5)


def test_excel_formats_match_the_texts():
    assert formatting.xlsx_forecast(D(875) * 4 / 3) == (D("1167"), "#,##0")
    assert formatting.xlsx_figure(D("12.25"), is_percent=True) == (D("12.3"), '#,##0.0"%"')
    assert formatting.count_xlsx(D("6000")) == "#,##0"
    assert formatting.count_xlsx(D("40.32")) == "#,##0.00"
    assert formatting.multiplier_xlsx(D("1.200")) == '#,##0.0"倍"'
    # Published amounts: negatives with △, and a 0 shows 0 (「-」 is a text cell of its own).
    assert formatting.AMOUNT_XLSX.split(";") == ["#,##0", '"△"#,##0', "0"]
    assert formatting.EXECUTED_XLSX.split(";")[0] == "#,##0.000"


def _excel_shows(value: Decimal, fmt: str) -> str:
    """What Excel displays for a positive number under a '#,##0[.0…]' format: the value rounded half away from
    zero to the format's decimals, with separators."""
    places = len(fmt.split(".")[1]) if "." in fmt else 0
    shown = value.quantize(D(1).scaleb(-places), rounding=ROUND_HALF_UP)
    return f"{shown:,.{places}f}"


@given(st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False))
def test_a_count_cell_shows_the_page_digits(value):
    cell_value, fmt = formatting.xlsx_figure(value)
    assert _excel_shows(cell_value, fmt) == formatting.number(value)


@given(st.decimals(min_value=0, max_value=10**9, places=4, allow_nan=False, allow_infinity=False))
def test_a_forecast_cell_shows_the_page_digits(value):
    cell_value, fmt = formatting.xlsx_forecast(value)
    assert cell_value == cell_value.to_integral_value()  # the value itself is what the page shows
    assert _excel_shows(cell_value, fmt) == formatting.forecast(value)


# ---------------------------------------------------------------------------------------------------------------
# The symptoms, on the pages and in the workbook
# ---------------------------------------------------------------------------------------------------------------


def ind(code) -> Indicator:
    return Indicator.objects.get(code=code, plan__fiscal_year__year=2024)


def approved(fiscal_year, code, quarter, **figures):
    return Actual.objects.create(
        indicator=ind(code),
        fiscal_year=fiscal_year,
        quarter=quarter,
        state="approved",
        **{k: D(str(v)) for k, v in figures.items()},
    )


def workbook(quarter, exported_by="kansa"):
    ctx = export_context_build(year=2024, quarter=quarter, include_drafts=False, exported_by=exported_by)
    buffer = io.BytesIO()
    workbook_write(ctx=ctx, output=buffer)
    buffer.seek(0)
    return load_workbook(buffer)


def sheet_row(ws, code_or_label, column=1):
    for row in ws.iter_rows(min_col=column, max_col=column):
        if row[0].value == code_or_label:
            return row[0].row
    raise AssertionError(f"{code_or_label!r} not in {ws.title}")


def header_column(ws, heading, row=3):
    for cell in ws[row]:
        if cell.value == heading:
            return cell.column
    raise AssertionError(f"{heading!r} not in the header of {ws.title}")


def texts(html_fragment: str) -> list[str]:
    cells = re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", html_fragment, re.S)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", c)).strip() for c in cells]


def overview_row(html: str, code: str) -> list[str]:
    match = re.search(rf'<tr[^>]*data-code="{re.escape(code)}"[^>]*>(.*?)</tr>', html, re.S)
    assert match, code
    return [c for c in texts(match.group(1))]


def figure_card(html: str, name: str) -> str:
    match = re.search(rf'data-figure="{name}">(.*?)</div>', html, re.S)
    assert match, name
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1))).strip()


@pytest.fixture
def three_quarters(fiscal_year):
    """1-1: 300 + 300 + 275 = 875社 → forecast 875 × 4 / 3 = 1,166.67 → 1,167社.
    2-2: 100 + 100 + 101 = 301件 → 401.33 → 401件."""
    for quarter, value in ((1, 300), (2, 300), (3, 275)):
        approved(fiscal_year, "1-1", quarter, value=value)
    for quarter, value in ((1, 100), (2, 100), (3, 101)):
        approved(fiscal_year, "2-2", quarter, value=value)


def test_forecast_reads_the_same_on_the_pages_and_in_the_workbook(manager_client, three_quarters):
    html = manager_client.get(reverse("dashboard:overview"), {"q": 3}).content.decode()
    assert overview_row(html, "1-1")[8].startswith("1,167社")
    assert overview_row(html, "2-2")[8].startswith("401件")
    page = manager_client.get(reverse("dashboard:indicator", args=[ind("1-1").pk]), {"q": 3}).content.decode()
    assert figure_card(page, "forecast").startswith("年度末見込み（予測） 1,167社")

    ws = workbook(quarter=3)["指標"]
    column = header_column(ws, "年度末見込み")
    for code, shown in (("1-1", 1167), ("2-2", 401)):
        cell = ws.cell(sheet_row(ws, code), column)
        # The value itself is the page's figure (not 1,166.666…), shown without decimals.
        assert (cell.value, cell.number_format) == (shown, "#,##0"), code


@pytest.fixture
def named_people(staff_user, manager, auditor):
    """The demo people, with their names recorded: family name in last_name, given name in first_name."""
    for user, family, given_name in (
        (staff_user, "担当", "太郎"),
        (manager, "管理", "花子"),
        (auditor, "監査", "次郎"),
    ):
        user.last_name, user.first_name = family, given_name
        user.save(update_fields=["last_name", "first_name"])


def test_names_are_family_name_first_in_the_header_history_and_cover(
    named_people, staff_client, manager_client, auditor_client, staff_user, manager, fiscal_year
):
    assert (
        '<span class="user-name">担当 太郎</span>'
        in staff_client.get(reverse("entry:index")).content.decode()
    )
    assert (
        '<span class="user-name">管理 花子</span>'
        in manager_client.get(reverse("dashboard:overview")).content.decode()
    )

    actual = services.actual_save(
        indicator=ind("1-1"),
        fiscal_year=fiscal_year,
        quarter=1,
        user=staff_user,
        data={"value": D("5000")},
        expected_version=0,
    )
    actual = services.actual_submit(actual=actual, user=staff_user, expected_version=actual.version)
    services.actual_return(
        actual=actual, user=manager, reason="内訳を確認してください", expected_version=actual.version
    )
    history = manager_client.get(reverse("entry:history_indicator", args=[ind("1-1").pk])).content.decode()
    assert (
        'data-label="操作者">担当 太郎（tanto）</td>' in history
        and 'data-label="操作者">管理 花子（kanri）</td>' in history
    )

    response = auditor_client.get(
        reverse("reports:download"), {"year": "2024", "quarter": "1", "include_drafts": "yes"}
    )
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    cover = {r[0].value: r[1].value for r in wb["表紙"].iter_rows(min_row=3) if r[0].value}
    assert cover["出力者"] == "監査 次郎（kansa）"
    assert wb.properties.creator == "監査 次郎（kansa）"
    who = {r[1] for r in wb["変更履歴"].iter_rows(min_row=4, values_only=True)}
    assert {"担当 太郎（tanto）", "管理 花子（kanri）"} <= who


def test_history_sheet_numbers_have_separators(staff_user, staff_client, fiscal_year):
    """変更履歴: 5,000 → 6,000 (実績値), and an 執行額 with its three decimals as on the execution sheet."""
    actual = services.actual_save(
        indicator=ind("1-1"),
        fiscal_year=fiscal_year,
        quarter=1,
        user=staff_user,
        data={"value": D("5000")},
        expected_version=0,
    )
    services.actual_save(
        indicator=ind("1-1"),
        fiscal_year=fiscal_year,
        quarter=1,
        user=staff_user,
        data={"value": D("6000")},
        expected_version=actual.version,
    )
    services.actual_save(
        indicator=ind("1-3"),
        fiscal_year=fiscal_year,
        quarter=1,
        user=staff_user,
        data={"numerator": D("1683"), "denominator": D("2098")},
        expected_version=0,
    )
    row, column = _grant_line()
    from budgets import services as budget_services

    budget_services.execution_save(
        row=row, column=column, quarter=1, amount=D("40.32"), user=staff_user, expected_version=0
    )

    ws = workbook(quarter=1)["変更履歴"]
    rows = list(ws.iter_rows(min_row=4))

    def change(item, new):
        return next(
            r for r in rows if r[6].value == item and r[8].value is not None and D(str(r[8].value)) == new
        )

    corrected = change("実績値", 6000)
    assert corrected[7].value == 5000
    assert corrected[7].number_format == corrected[8].number_format == "#,##0"  # reads 5,000 → 6,000
    assert change("分母", 2098)[8].number_format == "#,##0"
    amount = change("執行額（百万円）", D("40.32"))[8]
    assert amount.number_format == formatting.EXECUTED_XLSX  # 40.320, as on the 予算執行 sheet
    # The history page reads the same digits.
    page = staff_client.get(reverse("entry:history_indicator", args=[ind("1-1").pk])).content.decode()
    assert '<span class="old">5,000</span> → <span class="new">6,000</span>' in page


def _grant_line():
    """一般勘定 予算計画 運営費交付金 × 地域牽引・成長志向企業支援業務（一般経理）."""
    row = BudgetRow.objects.get(table__kind="budget", table__account__code="ippan", label="運営費交付金")
    column = BudgetColumn.objects.get(
        table=row.table, segment="地域牽引・成長志向企業支援業務", ledger="一般経理"
    )
    return row, column


def test_executed_amounts_read_one_way_per_column(manager_client):
    """予算執行: 41 and 40.32 in the same column read 41.000 and 40.320, on the page and in the sheet."""
    grant, column = _grant_line()
    expenses = BudgetRow.objects.get(table=grant.table, label="業務経費")
    BudgetExecution.objects.create(row=grant, column=column, quarter=1, amount=D("41"), state="approved")
    BudgetExecution.objects.create(
        row=expenses, column=column, quarter=1, amount=D("40.32"), state="approved"
    )

    html = manager_client.get(reverse("budgets:execution", args=["ippan"])).content.decode()
    for row, shown in ((grant, "41.000"), (expenses, "40.320")):
        line = re.search(rf'<tr data-row="{row.pk}" data-column="{column.pk}">(.*?)</tr>', html, re.S).group(
            1
        )
        assert texts(line)[3] == shown  # 第1四半期
        assert texts(line)[7] == shown  # 累計

    ws = workbook(quarter=1)["予算執行"]
    first_quarter = header_column(ws, "執行額 第1四半期")
    cumulative = header_column(ws, "執行額 累計")
    found = {}
    for r in ws.iter_rows(min_row=4):
        if r[0].value == "一般勘定" and r[3].value == "地域牽引・成長志向企業支援業務（一般経理）":
            found[r[2].value] = (r[first_quarter - 1], r[cumulative - 1])
    for label, value in (("運営費交付金", D("41")), ("業務経費", D("40.32"))):
        quarter_cell, cumulative_cell = found[label]
        assert D(str(quarter_cell.value)) == value
        assert quarter_cell.number_format == cumulative_cell.number_format == formatting.EXECUTED_XLSX, label


@pytest.mark.parametrize(("account", "segment"), [("ippan", "共通（一般経理）"), ("sangyo-kiban", "共通")])
def test_budget_page_shows_dash_where_the_plan_publishes_no_amount(manager_client, account, segment):
    """Every 支出 line of these columns is published 「-」: the 予算額 is 「-」, not 0, and no rate is shown."""
    html = manager_client.get(
        reverse("dashboard:budget"), {"year": 2024, "account": account}
    ).content.decode()
    row = re.search(rf'<tr data-segment="{re.escape(segment)}">(.*?)</tr>', html, re.S).group(1)
    assert texts(row)[:2] == [segment, "-"]
    total = re.search(r'<tr class="row-total" data-segment="合計">(.*?)</tr>', html, re.S).group(1)
    assert texts(total)[1] not in ("-", "0")


def test_published_zero_and_dash_stay_apart_on_the_page_and_in_the_sheet(manager_client):
    """収支計画 一般勘定 財務費用: 0 0 0 0 - 0 0 - 0 - 0 as published."""
    html = manager_client.get(reverse("budgets:table", args=["income", "ippan"])).content.decode()
    row = re.search(r"<tr[^>]*>\s*<th[^>]*>財務費用</th>(.*?)</tr>", html, re.S).group(1)
    assert texts(row) == ["0", "0", "0", "0", "-", "0", "0", "-", "0", "-", "0"]

    ws = workbook(quarter=1)["一般勘定"]
    line = next(r for r in ws.iter_rows() if r[0].value == "財務費用")
    zeros = [c for c in line[1:12] if c.data_type == "n"]
    dashes = [c for c in line[1:12] if c.value == "-"]
    assert len(zeros) == 8 and len(dashes) == 3
    for cell in zeros:
        assert cell.value == 0
        assert cell.number_format.split(";")[2] == "0"  # shows 0, not 「-」


@pytest.fixture
def ratio_totals(fiscal_year):
    approved(fiscal_year, "1-3", 1, numerator=1683, denominator=2098)
    approved(fiscal_year, "3-3", 1, numerator=1200, denominator=1500)


@pytest.mark.parametrize(("code", "pair"), [("1-3", "1,683／2,098"), ("3-3", "1,200／1,500")])
def test_ratio_totals_have_separators_on_the_indicator_page(manager_client, ratio_totals, code, pair):
    page = manager_client.get(reverse("dashboard:indicator", args=[ind(code).pk]), {"q": 1}).content.decode()
    assert pair in figure_card(page, "actual")
    html = manager_client.get(reverse("dashboard:overview"), {"q": 1}).content.decode()
    assert f"（{pair}）" in overview_row(html, code)[4]


def test_ratio_totals_in_the_workbook(ratio_totals):
    ws = workbook(quarter=1)["指標"]
    cumulative = header_column(ws, "累計")
    for code, numerator in (("1-3", 1683), ("3-3", 1200)):
        row = sheet_row(ws, code)
        assert ws.cell(row + 1, 2).value.strip() == "分子"
        cell = ws.cell(row + 1, cumulative)
        assert (cell.value, cell.number_format) == (numerator, "#,##0")


def test_targets_are_normalised_in_tables_and_published_on_the_indicator_page(manager_client, staff_client):
    html = manager_client.get(reverse("dashboard:overview"), {"q": 1}).content.decode()
    assert overview_row(html, "1-1")[3] == "1,000社以上"  # published 「１，０００社以上」
    assert overview_row(html, "4-9")[3] == "60,000者以上"
    assert overview_row(html, "1-2")[3] == "中小企業実態基本調査のデータの2割以上、上回る"
    listing = staff_client.get(reverse("indicators:list")).content.decode()
    assert "１，０００社以上" not in listing and "1,000社以上" in listing
    for code in ("1-1", "1-2"):
        page = manager_client.get(reverse("dashboard:indicator", args=[ind(code).pk])).content.decode()
        assert f"目標：<strong>{ind(code).target_text}</strong>" in page  # the published wording
    detail = staff_client.get(reverse("indicators:detail", args=[ind("1-1").pk])).content.decode()
    assert "１，０００社以上" in detail

    ws = workbook(quarter=1)["指標"]
    column = header_column(ws, "目標")
    assert ws.cell(sheet_row(ws, "1-1"), column).value == "1,000社以上"
    assert ws.cell(sheet_row(ws, "4-9"), column).value == "60,000者以上"


def test_every_target_is_also_a_number_to_compute_with(db):
    ws = workbook(quarter=1)["指標"]
    heading = next(c.value for c in ws[3] if c.value and c.value.startswith("目標値（数値"))
    assert "倍率" in heading  # the benchmark kind's number is a multiplier, and the header says so
    column = header_column(ws, heading)
    assert column == header_column(ws, "目標") + 1  # next to the text
    cells = {code: ws.cell(sheet_row(ws, code), column) for code in ("1-1", "1-2", "1-3", "4-10")}
    assert {code: D(str(c.value)) for code, c in cells.items()} == {
        "1-1": D("1000"),
        "1-2": D("1.2"),
        "1-3": D("70"),
        "4-10": D("300"),
    }
    assert all(c.data_type == "n" for c in cells.values())
    assert cells["1-2"].number_format == '#,##0.0"倍"'  # shows 1.2倍
    assert cells["1-1"].number_format == "#,##0"


@pytest.mark.parametrize(
    ("code", "numerator", "denominator", "shown"), [("1-3", 49, 400, "12.3%"), ("4-3", 249, 2000, "12.5%")]
)
def test_ratio_on_the_review_page_rounds_half_up(
    manager_client, fiscal_year, code, numerator, denominator, shown
):
    """49/400 = 12.25 % and 249/2000 = 12.45 %: half-up, as on the dashboard (half-even gave 12.2 % / 12.4 %)."""
    approved(fiscal_year, code, 1, numerator=numerator, denominator=denominator)
    html = manager_client.get(reverse("entry:review", args=[2024, 1])).content.decode()
    row = re.search(rf'<tr id="actual-{re.escape(code)}"[^>]*>(.*?)</tr>', html, re.S).group(1)
    assert texts(row)[2] == f"{numerator:,}／{denominator:,}（{shown}）"
    dashboard = manager_client.get(reverse("dashboard:overview"), {"q": 1}).content.decode()
    assert overview_row(dashboard, code)[4].startswith(shown)


def test_dates_in_wareki_on_the_plan_page_and_the_cover(staff_client, db):
    html = staff_client.get(reverse("measures:overview")).content.decode()
    assert "期間: 令和6年4月1日〜令和7年3月31日" in html
    ctx = export_context_build(
        year=2024,
        quarter=1,
        include_drafts=False,
        exported_by="kansa",
        exported_at=dt.datetime(2025, 4, 30, 15, 0, tzinfo=dt.UTC),  # 1 May in Tokyo
    )
    buffer = io.BytesIO()
    workbook_write(ctx=ctx, output=buffer)
    buffer.seek(0)
    cover = {r[0].value: r[1].value for r in load_workbook(buffer)["表紙"].iter_rows(min_row=3) if r[0].value}
    assert cover["出力日時"] == "令和7年5月1日 00:00:00（日本時間）"
    assert cover["策定"] == "令和6年3月29日（2024年3月29日）"


def test_benchmark_and_baseline_rates_read_as_percentages_on_the_page_and_in_the_sheet(
    manager_client, fiscal_year
):
    """1-2: supported firms 12.50 % against the survey's 8.00 % (required × 1.2 = 9.6 %); R2-6-1: 31.25 % against
    a baseline of 28.50 %."""
    approved(fiscal_year, "1-2", 4, growth_rate="12.50", benchmark_rate="8.00")
    approved(fiscal_year, "R2-6-1", 4, value="31.25", benchmark_rate="28.50")
    for code, label, value in (
        ("1-2", "実態調査の伸び率（必要 9.6%）", "8.0%"),
        ("R2-6-1", "基準値", "28.5%"),
    ):
        page = manager_client.get(
            reverse("dashboard:indicator", args=[ind(code).pk]), {"q": 4}
        ).content.decode()
        assert figure_card(page, "benchmark") == f"{label} {value}", code

    ws = workbook(quarter=4)["指標"]
    cumulative = header_column(ws, "累計")
    row = sheet_row(ws, "1-2")
    rows = {ws.cell(r, 2).value.strip(): ws.cell(r, cumulative) for r in (row, row + 1, row + 2) if r != row}
    rows["累計"] = ws.cell(row, cumulative)
    assert {k: (D(str(c.value)), c.number_format) for k, c in rows.items()} == {
        "累計": (D("12.5"), '#,##0.0"%"'),
        "実態調査の伸び率（%）": (D("8.0"), '#,##0.0"%"'),
        "必要な伸び率（実態調査×1.2）（%）": (D("9.6"), '#,##0.0"%"'),
    }
    row = sheet_row(ws, "R2-6-1")
    baseline = next(r for r in range(row + 1, row + 4) if ws.cell(r, 2).value.strip() == "基準値（%）")
    assert (D(str(ws.cell(baseline, cumulative).value)), ws.cell(baseline, cumulative).number_format) == (
        D("28.5"),
        '#,##0.0"%"',
    )


@given(
    st.text(alphabet=st.characters(blacklist_categories=("Mn", "Me", "Mc", "Cs")), max_size=120).filter(
        lambda t: unicodedata.is_normalized("NFC", t)
    ),
    st.integers(2, 100),
)
def test_shorten_cuts_as_truncatechars_does(text, length):
    """The lists shorten names and measure texts themselves (Truncator normalises Unicode on every call, half the
    time of a 200-row list): the same result for text already in NFC without combining marks (what the plan and
    the forms hold), e.g. 「地域…」 at 3."""
    from django.utils.text import Truncator

    assert formatting.shorten(text, length) == Truncator(text).chars(length)
    assert formatting.shorten("地域の中小企業", 3) == "地域…"
