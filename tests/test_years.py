"""Across the years of the 中期目標期間: an indicator year by year, the count indicators summed over the period,
and the year switcher (which year a page shows; the latest open year by default)."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.urls import reverse

from indicators.models import Actual, Indicator
from measures.models import FiscalYear
from smrj_plan import data_version

DATA = Path(__file__).parent / "data"

pytestmark = pytest.mark.django_db


@pytest.fixture
def two_years():
    """FY2024 (the fixtures) and FY2025 loaded from its text, with approved figures in both."""
    call_command("load_plan", text=str(DATA / "r7_plan.txt"), year=2025, verbosity=0)
    fy24, fy25 = FiscalYear.objects.get(year=2024), FiscalYear.objects.get(year=2025)

    def approve(code, fy, quarter, **figures):
        indicator = Indicator.objects.get(code=code, plan__fiscal_year=fy)
        Actual.objects.create(
            indicator=indicator, fiscal_year=fy, quarter=quarter, state="approved", **figures
        )

    for quarter, value in ((1, 300), (2, 300), (3, 250), (4, 250)):
        approve("1-1", fy24, quarter, value=Decimal(value))
    approve("1-1", fy25, 1, value=Decimal("200"))
    approve("2-1", fy24, 1, value=Decimal("2500"))
    approve("1-3", fy24, 1, numerator=Decimal("15"), denominator=Decimal("20"))
    # A draft is not counted anywhere.
    Actual.objects.create(
        indicator=Indicator.objects.get(code="1-1", plan__fiscal_year=fy25),
        fiscal_year=fy25,
        quarter=2,
        state="draft",
        value=Decimal("999"),
    )
    return fy24, fy25


def row(html: str, marker: str) -> str:
    start = html.index(marker)
    return html[start : html.index("</tr>", start)]


def test_the_indicator_page_shows_each_year_of_the_period(two_years, manager_client):
    i24 = Indicator.objects.get(code="1-1", plan__fiscal_year__year=2024)
    i25 = Indicator.objects.get(code="1-1", plan__fiscal_year__year=2025)
    html = manager_client.get(reverse("indicators:detail", args=[i24.pk])).content.decode()
    y24 = row(html, 'data-year="2024"')
    assert "１，０００社以上" in y24 and "1,100社" in y24 and "110.0%" in y24
    assert ">B<" in y24 and "達成済み" in y24 and "年度末" in y24
    y25 = row(html, 'data-year="2025"')
    assert f'href="/indicators/{i25.pk}/"' in y25
    assert "１，１００社以上" in y25 and "200社" in y25 and "18.2%" in y25 and "第1四半期末" in y25
    assert "999" not in y25
    for year in (2026, 2027, 2028):
        assert "計画がありません（未策定）" in row(html, f'data-year="{year}"')
    # The header says which year this page is, and switches to the same indicator's other year.
    assert "表示中: <strong>令和6年度（2024年度）</strong>" in html
    assert f'<a class="year-link" href="/indicators/{i25.pk}/">令和7年度</a>' in html


def test_a_staff_member_of_another_department_sees_targets_but_no_figures(two_years, other_staff_client):
    i24 = Indicator.objects.get(code="1-1", plan__fiscal_year__year=2024)
    html = other_staff_client.get(reverse("indicators:detail", args=[i24.pk])).content.decode()
    y24 = row(html, 'data-year="2024"')
    assert "１，０００社以上" in y24 and "担当部署の利用者・管理者・監査担当が閲覧できます" in y24
    assert "110.0%" not in html and "1,100社" not in html


def test_the_mid_term_page_sums_the_count_indicators_against_the_periods_total(two_years, auditor_client):
    html = auditor_client.get(reverse("indicators:mid_term")).content.decode()
    line = row(html, 'data-code="1-1"')
    cells = [c.split(">", 1)[1].split("<", 1)[0] for c in line.split("<td")[1:]]
    assert cells[:6] == [
        "1-1",
        "ハンズオン支援における事前ヒアリングや調査を実施した事業者数（ハンズオン支援に至らない事業者も含む）",
        "1,000",
        "1,100",
        "1,100",
        "200",
    ]
    assert cells[6:12] == ["—"] * 6  # 2026–2028 have no plan yet
    assert cells[12:] == ["2,100社", "1,300社", "61.9%"]
    line = row(html, 'data-code="2-1"')
    assert "20,000件" in line and "2,500件" in line and "12.5%" in line
    # A code only in the newer plan is summed over the year it exists.
    assert "25,000社" in row(html, 'data-code="4-11"')
    # Ratios and benchmarks are not summed.
    assert 'data-code="1-3"' not in html and 'data-code="1-2"' not in html
    assert "2026年度（未策定）" in html
    assert "表示中: <strong>第5期中期目標期間（令和6〜10年度、2024〜2028年度）</strong>" in html


def test_the_mid_term_page_shows_a_staff_member_their_departments_indicators(two_years, staff_client):
    html = staff_client.get(reverse("indicators:mid_term")).content.decode()
    assert 'data-code="1-1"' in html and 'data-code="2-1"' not in html


def test_pages_show_the_latest_open_year_by_default_and_the_year_asked_for(two_years, staff_client):
    latest = staff_client.get(reverse("measures:overview")).content.decode()
    assert "<h1>独立行政法人中小企業基盤整備機構 令和7年度計画</h1>" in latest
    assert "表示中: <strong>令和7年度（2025年度）</strong>" in latest
    assert '<a class="year-link" href="?year=2024">令和6年度</a>' in latest
    assert '<span class="year-link current" aria-current="page">令和7年度</span>' in latest
    older = staff_client.get(reverse("measures:overview"), {"year": "2024"}).content.decode()
    assert "<h1>独立行政法人中小企業基盤整備機構 令和6年度計画</h1>" in older
    assert "表示中: <strong>令和6年度（2024年度）</strong>" in older
    assert 'href="/plan/chapter/1/?year=2024"' in older
    assert staff_client.get(reverse("measures:overview"), {"year": "2027"}).status_code == 404

    listing = staff_client.get(reverse("indicators:list"), {"year": "2024"}).content.decode()
    assert "令和6年度計画（令和6年度（2024年度））" in listing and "4-11" not in listing
    assert "4-11" in staff_client.get(reverse("indicators:list")).content.decode()
    entry = staff_client.get(reverse("entry:index"), {"year": "2024"}).content.decode()
    assert "表示中: <strong>令和6年度（2024年度）</strong>" in entry


def test_a_page_with_the_year_in_its_path_switches_to_the_same_page_of_another_year(two_years, staff_client):
    html = staff_client.get("/entry/2024/1/").content.decode()
    assert "表示中: <strong>令和6年度（2024年度）</strong>" in html
    assert '<a class="year-link" href="/entry/2025/1/">令和7年度</a>' in html
    assert '<span class="year-link current" aria-current="page">令和6年度</span>' in html


def test_budget_pages_follow_the_year_and_say_when_a_year_has_no_tables(staff_client):
    call_command("start_year", "2025", "--from", "2024", verbosity=0)
    empty = staff_client.get(reverse("budgets:index")).content.decode()
    assert "令和7年度（2025年度）" in empty and 'id="no-tables"' in empty
    assert staff_client.get(reverse("budgets:table", args=["budget", "ippan"])).status_code == 404
    published = staff_client.get(reverse("budgets:index"), {"year": "2024"}).content.decode()
    assert 'id="no-tables"' not in published and 'href="/budgets/budget/ippan/?year=2024"' in published
    table = staff_client.get(reverse("budgets:table", args=["budget", "ippan"]), {"year": "2024"})
    assert "102,976" in table.content.decode()


def test_the_workbook_of_each_year_says_which_year_it_is(two_years):
    import io

    from openpyxl import load_workbook

    from reports.workbook import export_context_build, workbook_write

    for year, label, value in ((2024, "令和6年度（2024年度）", 1000), (2025, "令和7年度（2025年度）", 1100)):
        buffer = io.BytesIO()
        workbook_write(
            ctx=export_context_build(year=year, quarter=1, include_drafts=False, exported_by="t"),
            output=buffer,
        )
        buffer.seek(0)
        wb = load_workbook(buffer)
        cover = "\n".join(str(c.value) for r in wb["表紙"].iter_rows() for c in r if c.value is not None)
        assert label in cover
        assert label in wb["計画の改訂"]["A1"].value
        rows = list(wb["指標"].iter_rows(values_only=True))
        header = next(r for r in rows if r and r[0] == "番号")
        column = next(n for n, h in enumerate(header) if h and h.startswith("目標値（数値"))
        targets = [r for r in rows if r and r[0] == "1-1"]
        assert targets and Decimal(str(targets[0][column])) == value


def test_the_reports_page_offers_the_latest_open_year_first(two_years, auditor_client):
    html = auditor_client.get(reverse("reports:index")).content.decode()
    assert html.index('value="2025"') < html.index('value="2024"')


def test_the_mid_term_page_costs_the_same_queries_with_one_year_or_two(
    manager_client, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as one_year:
        manager_client.get(reverse("indicators:mid_term"))
    call_command("load_plan", text=str(DATA / "r7_plan.txt"), year=2025, verbosity=0)
    fy = FiscalYear.objects.get(year=2025)
    for indicator in Indicator.objects.filter(plan__fiscal_year=fy, kind="count"):
        Actual.objects.create(
            indicator=indicator, fiscal_year=fy, quarter=1, state="approved", value=Decimal("5")
        )
    # Loading a year wrote more change rows than the data version keeps: the next read prunes them (a delete and
    # a second read, once per 1,800 changes), whichever request it is; done here, it is not this page's.
    data_version.current()
    with django_assert_num_queries(len(one_year.captured_queries)):
        html = manager_client.get(reverse("indicators:mid_term")).content.decode()
    assert "25,000社" in html
    # session, user, groups, the data version, plan years, indicators, actuals, the visible codes
    assert len(one_year.captured_queries) == 8
