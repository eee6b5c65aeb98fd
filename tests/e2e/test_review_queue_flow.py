"""In Chromium, a 管理者's quarter: from the landing page to the queue, a filter, a bulk approval with one
confirmation, a return with a reason, and the warning before locking an incomplete quarter.

On its own server (the quarter is locked at the end): 経営支援部 (tanto) has submitted 1-1 (123社) and 1-3
(49／400), 販路支援部 (hanro) 2-1 and 2-2; the other 22 indicators due in 第1四半期 are not entered."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DEMO_PASSWORD, SETUP_COMMANDS, running_server, sign_in

pytestmark = pytest.mark.e2e

SUBMISSIONS = f"""
from decimal import Decimal
from indicators import services
from indicators.models import Indicator
from measures.models import Department, FiscalYear, StaffProfile
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

fy = FiscalYear.objects.get(year=2024)
hanro = get_user_model().objects.create_user(username="hanro", password="{DEMO_PASSWORD}", last_name="販路", first_name="一郎")
hanro.groups.add(Group.objects.get(name="担当者"))
StaffProfile.objects.create(user=hanro, department=Department.objects.get(code="hanro-shien"))
tanto = get_user_model().objects.get(username="tanto")
for user, code, data in (
    (tanto, "1-1", {{"value": Decimal("123")}}),
    (tanto, "1-3", {{"numerator": Decimal("49"), "denominator": Decimal("400")}}),
    (hanro, "2-1", {{"value": Decimal("50")}}),
    (hanro, "2-2", {{"value": Decimal("10")}}),
):
    a = services.actual_save(indicator=Indicator.objects.get(code=code, plan__fiscal_year=fy), fiscal_year=fy,
                             quarter=1, user=user, data=data, expected_version=0)
    services.actual_submit(actual=a, user=user, expected_version=a.version)
"""


@pytest.fixture(scope="module")
def queue_server():
    with running_server(SETUP_COMMANDS + [["shell", "-c", SUBMISSIONS]]) as base:
        yield base


def queue_row(page, code):
    return page.locator(f"tr#actual-{code}")


def test_a_manager_works_through_the_quarter_from_the_landing_page(queue_server, page):
    sign_in(page, queue_server, "kanri")
    # The landing page says what waits: 4 submitted, 13 departments with nothing sent (15 own due indicators,
    # 経営支援部 and 販路支援部 have sent all theirs).
    summary = page.locator("#work-summary li[data-quarter='1']")
    expect(summary).to_contain_text("承認待ち 4件")
    expect(summary).to_contain_text("未提出の部署 13")
    expect(summary).to_contain_text("未入力の指標 22件／対象 26件")
    summary.get_by_role("link", name="承認待ち 4件").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("第1四半期（4–6月）の確認・承認")
    expect(page.locator("tbody tr[id^='actual-']")).to_have_count(4)

    # Filter to 経営支援部: its two rows, each with the target, the cumulative and the 達成率 it would give.
    page.get_by_label("担当部署").select_option(label="経営支援部")
    page.get_by_role("button", name="絞り込む").click()
    expect(page.locator("tbody tr[id^='actual-']")).to_have_count(2)
    expect(queue_row(page, "1-1").locator("td.rate")).to_have_text("12.3%")  # 123 ÷ 1,000
    expect(queue_row(page, "1-3").locator("td.value")).to_have_text("49／400（12.3%）")
    expect(queue_row(page, "1-3").locator("td.rate")).to_have_text("17.5%")  # 12.25 % ÷ 70 %
    expect(queue_row(page, "1-1")).to_contain_text("1,000社以上")

    # Select both, confirm once, both approved.
    queue_row(page, "1-1").get_by_label("1-1を一括承認に含める").check()
    queue_row(page, "1-3").get_by_label("1-3を一括承認に含める").check()
    page.get_by_role("button", name="選んだものを一括承認…").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("2件を一括承認しますか")
    expect(page.locator("#confirm-1-3")).to_contain_text("17.5%")
    page.get_by_role("button", name="2件を承認する").click()
    expect(page.locator(".messages")).to_contain_text("2件を承認しました（1-1、1-3）。")
    # Back on the queue with the same filters (経営支援部, 提出済み): nothing of theirs waits any more.
    assert "department=" in page.url and "state=submitted" in page.url
    expect(page.locator("tbody tr[id^='actual-']")).to_have_count(0)
    page.get_by_label("状態").select_option(label="承認済み")
    page.get_by_role("button", name="絞り込む").click()
    expect(queue_row(page, "1-1")).to_have_attribute("data-state", "approved")
    expect(queue_row(page, "1-3")).to_have_attribute("data-state", "approved")

    # The submitted ones left: return 2-2 with a reason, one by one.
    page.get_by_label("担当部署").select_option(label="すべて")
    page.get_by_label("状態").select_option(label="提出済み")
    page.get_by_role("button", name="絞り込む").click()
    expect(page.locator("tbody tr[id^='actual-']")).to_have_count(2)
    queue_row(page, "2-2").get_by_label("2-2の差戻しの理由").fill("件数の根拠資料を添付してください")
    queue_row(page, "2-2").get_by_role("button", name="差戻し").click()
    expect(page.locator(".messages")).to_contain_text("2-2を差し戻しました。")
    expect(page.locator("tbody tr[id^='actual-']")).to_have_count(1)  # still filtered to 提出済み

    # Locking the quarter with 24 items not approved lists them and asks for a confirmation.
    page.get_by_label("締めの理由").fill("第1四半期の受付終了")
    page.get_by_role("button", name="この四半期を締める").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("まだ締められていません")
    expect(page.locator("#lock-incomplete")).to_contain_text("承認済みでない指標が24件")
    expect(page.locator("#lock-incomplete-list tbody tr")).to_have_count(24)
    expect(page.locator("#lock-incomplete-list tr[data-code='2-2']")).to_contain_text("差戻し")
    expect(page.locator("#lock-incomplete-list tr[data-code='3-1']")).to_contain_text("未入力")
    expect(page.locator("#lock-incomplete-list tr[data-code='1-1']")).to_have_count(0)
    expect(page.get_by_label("締めの理由")).to_have_value("第1四半期の受付終了")
    page.get_by_label(re.compile("承認済みでないことを確認し")).check()
    page.get_by_role("button", name="確認のうえ締める").click()
    expect(page.locator(".messages")).to_contain_text("第1四半期（4–6月）を締めました。")
    expect(page.locator(".lock-box")).to_contain_text("第1四半期の受付終了")

    # The landing page moves on to 第2四半期, where nobody has sent anything yet.
    page.goto(queue_server + "/dashboard/")
    expect(page.locator("#work-summary li[data-quarter='1']")).to_have_count(0)
    expect(page.locator("#work-summary li[data-quarter='2']")).to_contain_text(
        "承認待ち 0件、未提出の部署 15"
    )
