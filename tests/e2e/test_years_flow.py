"""In Chromium, on a server whose FY2024 plan was revised from tests/data/r6_revised.txt and whose FY2025 plan
was loaded from tests/data/r7_plan.txt: the revision page side by side, and an indicator across the years."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import SETUP_COMMANDS, running_server, sign_in

pytestmark = pytest.mark.e2e

# Approved figures for 1-1: 1,100社 over FY2024 (revised to １，２００社以上 → 91.7%), 200社 in FY2025's 第1四半期.
ACTUALS = """
from decimal import Decimal
from indicators.models import Actual, Indicator
from measures.models import FiscalYear
for year, quarter, value in ((2024, 1, 300), (2024, 2, 300), (2024, 3, 250), (2024, 4, 250), (2025, 1, 200)):
    fy = FiscalYear.objects.get(year=year)
    Actual.objects.create(
        indicator=Indicator.objects.get(code="1-1", plan__fiscal_year=fy), fiscal_year=fy, quarter=quarter,
        state="approved", value=Decimal(value),
    )
"""


@pytest.fixture(scope="module")
def years_server():
    commands = SETUP_COMMANDS + [
        [
            "load_plan",
            "--text",
            "tests/data/r6_revised.txt",
            "--year",
            "2024",
            "--note",
            "補正予算の反映",
            "-v0",
        ],
        ["load_plan", "--text", "tests/data/r7_plan.txt", "--year", "2025", "-v0"],
        ["shell", "-c", ACTUALS],
    ]
    with running_server(commands) as base:
        yield base


def test_the_revision_page_shows_before_and_after_side_by_side(years_server, page):
    sign_in(page, years_server, "tanto")
    page.goto(years_server + "/plan/")
    # The latest open year is the default; switch to FY2024 in the header.
    expect(page.locator(".year-switcher .year-shown")).to_contain_text("令和7年度（2025年度）")
    page.locator(".year-switcher").get_by_role("link", name="令和6年度").click()
    expect(page.locator(".year-switcher .year-shown")).to_contain_text("令和6年度（2024年度）")
    page.get_by_role("link", name="策定・変更の記録").click()
    expect(page.locator("table.revision-list tbody tr")).to_have_count(3)
    page.get_by_role("link", name="2025年3月31日").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("令和7年3月31日変更")
    expect(page.locator(".plan-meta")).to_contain_text("補正予算の反映")

    indicators = page.locator('table[data-area="指標"]')
    target = indicators.locator("tr", has_text="1-1 ハンズオン").filter(has_text="目標値")
    before, after = target.locator("td.before"), target.locator("td.after")
    expect(before).to_have_text("1,000")
    expect(after).to_have_text("1,200")
    # Side by side: the old and the new value on one line, the old one on the left.
    b, a = before.bounding_box(), after.bounding_box()
    assert abs(b["y"] - a["y"]) < 2 and b["x"] < a["x"]
    expect(indicators.locator("tr", has_text="4-4").locator("td.after")).to_have_text(
        "よろず支援拠点への研修受講者数"
    )

    budget = page.locator('table[data-area="予算表"] tr', has_text="運営費交付金 × 合計")
    expect(budget.locator("td.before")).to_have_text("360,925")
    expect(budget.locator("td.after")).to_have_text("361,925")
    measures = page.locator('table[data-area="施策"]')
    expect(measures.locator("tr", has_text="追加")).to_contain_text(
        "海外展開の成功事例を取りまとめ、Webで発信する。"
    )
    expect(measures.locator("tr", has_text="削除").locator("td.before")).to_contain_text(
        "また、入札・契約の適正な実施については"
    )


def test_an_indicator_across_the_years_and_the_period(years_server, page):
    sign_in(page, years_server, "kanri")
    page.goto(years_server + "/indicators/?year=2024")
    expect(page.locator(".year-switcher .year-shown")).to_contain_text("令和6年度（2024年度）")
    page.get_by_role("link", name="1-1", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("1-1")

    years = page.locator("table.indicator-years")
    fy2024 = years.locator('tr[data-year="2024"]')
    # FY2024 as revised: 1,100社 against １，２００社以上.
    expect(fy2024).to_contain_text("１，２００社以上")
    expect(fy2024).to_contain_text("1,100社")
    expect(fy2024).to_contain_text("91.7%")
    expect(fy2024).to_contain_text("年度末")
    fy2025 = years.locator('tr[data-year="2025"]')
    expect(fy2025).to_contain_text("１，１００社以上")
    expect(fy2025).to_contain_text("200社")
    expect(fy2025).to_contain_text("18.2%")
    expect(fy2025).to_contain_text("第1四半期末")
    expect(years.locator('tr[data-year="2026"]')).to_contain_text("計画がありません（未策定）")
    # The target of FY2024 was revised: both targets and their dates are on the page.
    history = page.locator("table.target-history")
    expect(history).to_contain_text("2024年3月29日〜2025年3月30日")
    expect(history).to_contain_text("2025年3月31日〜（現在）")

    # The header's switcher goes to the same indicator in FY2025.
    page.locator(".year-switcher").get_by_role("link", name="令和7年度").click()
    expect(page.locator(".year-switcher .year-shown")).to_contain_text("令和7年度（2025年度）")
    expect(page.locator(".published-text")).to_contain_text("１，１００社以上")

    page.locator(".year-switcher").get_by_role("link", name="中期目標期間の累計").click()
    line = page.locator('table.mid-term tr[data-code="1-1"]')
    expect(line.locator(".period-target")).to_have_text("2,300社")
    expect(line.locator(".period-actual")).to_have_text("1,300社")
    expect(line.locator(".period-rate")).to_have_text("56.5%")
