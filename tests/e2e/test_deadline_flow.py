"""提出期限 in Chromium: a 管理者 moves 第3四半期's date (with a reason, kept in the history) and returns a figure;
the 担当者's page then says what is due, by when, and shows the returned figure with its reason highlighted.

The flow runs on a server of its own: the shared one's quarters are all entered by other flows, and this one reads
what is still owed in two quarters."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import SETUP_COMMANDS, running_server

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def e2e_server():
    """This module's own server (the plan and the demo users, nothing entered)."""
    with running_server(SETUP_COMMANDS) as base:
        yield base


def test_staff_see_what_is_due_by_when_and_the_returned_figure_with_its_reason(e2e_server, page, login):
    # The 担当者 submits 第3四半期.
    login(page, "tanto")
    page.goto(e2e_server + "/entry/2024/3/")
    page.locator('section.entry-row[data-indicator="1-1"]').get_by_label("実績値（社）").fill("120")
    page.locator('section.entry-row[data-indicator="1-3"]').get_by_label("分子（該当数）").fill("30")
    page.locator('section.entry-row[data-indicator="1-3"]').get_by_label("分母（回答数等）").fill("40")
    page.get_by_role("button", name="提出").click()
    expect(page.locator(".messages")).to_contain_text("2件の実績を提出しました。")

    # The 管理者 moves the quarter's deadline, with a reason the history keeps, and returns 1-1.
    login(page, "kanri")
    page.goto(e2e_server + "/entry/2024/deadlines/")
    page.get_by_label("四半期", exact=True).select_option("3")
    page.get_by_label("提出期限", exact=True).fill("2025-01-31")
    page.get_by_label("変更の理由").fill("年末年始の休業を考慮して延長")
    page.get_by_role("button", name="提出期限を変更する").click()
    expect(page.locator(".messages")).to_contain_text(
        "第3四半期の提出期限を令和7年1月31日（2025年1月31日）にしました。"
    )
    expect(page.locator('tr[data-quarter="3"] td.due')).to_contain_text("令和7年1月31日（2025年1月31日）")
    history = page.locator("table.deadline-history tbody tr").first
    expect(history).to_contain_text("2025年1月15日 → 2025年1月31日")
    expect(history).to_contain_text("年末年始の休業を考慮して延長")
    expect(history).to_contain_text("管理 花子")

    page.goto(e2e_server + "/entry/2024/3/review/")
    line = page.locator("#actual-1-1")
    line.get_by_label("差戻しの理由").fill("根拠資料のリンクを追加してください。")
    line.get_by_role("button", name="差戻し").click()
    expect(page.locator(".messages")).to_contain_text("1-1を差し戻しました。")
    expect(page.locator("#actual-1-1")).to_contain_text("期限超過")

    # The 担当者's page: the returned figure first, its reason highlighted, then what is due by when.
    login(page, "tanto")
    page.goto(e2e_server + "/entry/?year=2024")
    returned = page.locator('#returned-items li[data-code="1-1"][data-quarter="3"]')
    expect(returned).to_contain_text("第3四半期 指標 1-1")
    expect(returned).to_contain_text("提出期限 令和7年1月31日（2025年1月31日）")
    expect(returned.locator(".overdue-mark")).to_have_text("期限超過")
    reason = returned.locator(".return-reason")
    expect(reason).to_have_text("差戻しの理由：根拠資料のリンクを追加してください。")
    expect(reason).to_have_css("background-color", "rgb(253, 230, 138)")
    expect(page.locator("#returned-items")).to_have_css("border-left-color", "rgb(185, 28, 28)")

    fourth = page.locator('.owed-quarter[data-quarter="4"]')
    expect(fourth.get_by_role("heading")).to_contain_text(
        "第4四半期：提出期限 令和7年4月15日（2025年4月15日）"
    )
    expect(fourth.locator(".overdue-mark")).to_contain_text("期限超過")
    # The department's indicators, then its three measures' 取組状況 (the same deadline).
    expect(fourth.locator("li")).to_have_text(
        [re.compile(r"^未入力 指標 1-1 "), re.compile(r"^未入力 指標 1-2 "), re.compile(r"^未入力 指標 1-3 ")]
        + [re.compile(r"^未入力 施策 \d+ ")] * 3
    )
    # 1-3 of 第3四半期 was submitted and 1-1 is listed as returned: the quarter lists only the measures.
    third = page.locator('.owed-quarter[data-quarter="3"]')
    expect(third.locator("li")).to_have_text([re.compile(r"^未入力 施策 \d+ ")] * 3)
    expect(page.locator('tr[data-quarter="3"] td.due')).to_contain_text("令和7年1月31日（2025年1月31日）")
    expect(page.locator('tr[data-quarter="3"] td.due .overdue-mark')).to_have_text("期限超過 未提出4件")

    # The link goes to the returned figure, where the reason and the overdue mark are shown again.
    returned.get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"/entry/2024/3/indicator/\d+/$"))
    expect(page.locator(".deadline-line")).to_contain_text("令和7年1月31日（2025年1月31日）")
    expect(page.locator('section.entry-row[data-indicator="1-1"]')).to_contain_text(
        "差戻しの理由：根拠資料のリンクを追加してください。"
    )
    expect(page.locator('section.entry-row[data-indicator="1-1"] .overdue-mark')).to_have_text("期限超過")
