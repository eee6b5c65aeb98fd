"""A 担当者 enters and submits 第1四半期 in Chromium; a 管理者 approves it."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e


def row(page, code):
    return page.locator(f'section.entry-row[data-indicator="{code}"]')


def test_staff_enters_and_submits_a_quarter_and_manager_approves(e2e_server, page, login):
    login(page, "tanto")
    page.goto(e2e_server + "/entry/")
    page.locator('tr[data-quarter="1"]').get_by_role("link", name="入力する").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("第1四半期")

    # A wrong ratio is refused next to the field and nothing is saved.
    row(page, "1-1").get_by_label("実績値（社）").fill("250")
    row(page, "1-3").get_by_label("分子（該当数）").fill("120")
    row(page, "1-3").get_by_label("分母（回答数等）").fill("100")
    expect(row(page, "1-3").locator("[data-ratio-output]")).to_have_text("分子が分母を超えています")
    page.get_by_role("button", name="下書き保存").click()
    expect(row(page, "1-3").locator(".errorlist")).to_contain_text(
        "分子（120）は分母（100）以下にしてください。"
    )
    expect(page.locator(".messages")).to_contain_text("どの行も保存していません")

    # Corrected: the percentage is shown live, then the whole quarter is submitted.
    row(page, "1-1").get_by_label("実績値（社）").fill("250")
    row(page, "1-3").get_by_label("分子（該当数）").fill("75")
    expect(row(page, "1-3").locator("[data-ratio-output]")).to_have_text("75.0%")
    row(page, "1-3").get_by_label("備考").fill("アンケート回答100件")
    page.get_by_role("button", name="提出").click()
    expect(page.locator(".messages")).to_contain_text("2件の実績を提出しました。")
    expect(row(page, "1-1")).to_contain_text("保存済みの値：250社")
    expect(row(page, "1-3")).to_contain_text("75／100（75.0%）")
    expect(row(page, "1-1").locator(".badge")).to_have_text("提出済み")

    # The manager approves both on the review page.
    login(page, "kanri")
    page.goto(e2e_server + "/entry/2024/1/review/")
    for code in ("1-1", "1-3"):
        line = page.locator(f"#actual-{code}")
        expect(line).to_have_attribute("data-state", "submitted")
        line.get_by_role("button", name="承認").click()
        expect(page.locator(".messages")).to_contain_text(f"{code}を承認しました。")
        expect(page.locator(f"#actual-{code}")).to_have_attribute("data-state", "approved")
    expect(page.locator("#actual-1-1")).to_contain_text("250社")

    # The approved values are locked for the department: no inputs, the history names who approved.
    login(page, "tanto")
    page.goto(e2e_server + "/entry/2024/1/")
    expect(row(page, "1-1").locator(".badge")).to_have_text("承認済み")
    expect(row(page, "1-1").locator("input[name$='-value']")).to_have_count(0)
    page.goto(e2e_server + "/entry/")
    page.locator('tr[data-quarter="1"]').get_by_role("link", name="変更履歴").click()
    expect(page.locator(".history-table").first).to_contain_text(re.compile("提出済み → 承認済み"))
    expect(page.locator(".history-table").first).to_contain_text("管理 花子")  # family name first
