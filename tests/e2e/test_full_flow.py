"""The whole year's loop in Chromium: a 担当者 enters and submits 第3四半期, a 管理者 returns one value, the 担当者
corrects it, the 管理者 approves; the dashboard shows the new 達成率 with its chart drawn under the
Content-Security-Policy; a 監査担当 downloads the workbook, which holds the value and its history."""

import re
from decimal import ROUND_HALF_UP, Decimal

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

QUARTER = 3  # the other browser flows work in 第1四半期; this one keeps to its own quarter
RETURN_REASON = "件数が根拠資料（支援記録）と合いません。確認のうえ修正してください。"


def row(page, code):
    return page.locator(f'section.entry-row[data-indicator="{code}"]')


def figure(page, name):
    return page.locator(f'[data-figure="{name}"] .value')


def number(text: str) -> Decimal:
    match = re.search(r"[0-9][0-9,]*(?:\.[0-9]+)?", text)
    return Decimal(match.group(0).replace(",", "")) if match else Decimal("0")


def test_enter_return_correct_approve_dashboard_and_audit_workbook(e2e_server, page, login, tmp_path):
    csp_violations = []
    page.on(
        "console",
        lambda msg: csp_violations.append(msg.text) if "Content Security Policy" in msg.text else None,
    )

    # 担当者: the quarter's page; the indicator's id comes from its history link.
    login(page, "tanto")
    page.goto(f"{e2e_server}/entry/2024/{QUARTER}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("第3四半期")
    history_href = row(page, "1-1").get_by_role("link", name="変更履歴").get_attribute("href")
    indicator_pk = re.search(r"/indicator/(\d+)/", history_href).group(1)
    dashboard_url = f"{e2e_server}/dashboard/indicator/{indicator_pk}/?q={QUARTER}"

    # What the dashboard counts before this quarter (other flows may have approved earlier quarters).
    login(page, "kanri")
    page.goto(dashboard_url)
    approved_before = number(figure(page, "actual").inner_text())

    login(page, "tanto")
    page.goto(f"{e2e_server}/entry/2024/{QUARTER}/")
    row(page, "1-1").get_by_label("実績値（社）").fill("400")
    row(page, "1-3").get_by_label("分子（該当数）").fill("80")
    row(page, "1-3").get_by_label("分母（回答数等）").fill("100")
    page.get_by_role("button", name="提出").click()
    expect(page.locator(".messages")).to_contain_text("2件の実績を提出しました。")
    expect(row(page, "1-1").locator(".badge")).to_have_text("提出済み")

    # 管理者: returns 1-1 with a reason, approves 1-3.
    login(page, "kanri")
    page.goto(f"{e2e_server}/entry/2024/{QUARTER}/review/")
    line = page.locator("#actual-1-1")
    expect(line).to_have_attribute("data-state", "submitted")
    line.get_by_label("差戻しの理由").fill(RETURN_REASON)
    line.get_by_role("button", name="差戻し").click()
    expect(page.locator(".messages")).to_contain_text("1-1を差し戻しました。")
    expect(page.locator("#actual-1-1")).to_have_attribute("data-state", "returned")
    page.locator("#actual-1-3").get_by_role("button", name="承認").click()
    expect(page.locator(".messages")).to_contain_text("1-3を承認しました。")

    # 担当者: sees the reason, corrects the figure and submits again; the approved 1-3 stays closed.
    login(page, "tanto")
    page.goto(f"{e2e_server}/entry/2024/{QUARTER}/")
    expect(row(page, "1-1")).to_contain_text(f"差戻しの理由：{RETURN_REASON}")
    expect(row(page, "1-3").locator("input[name$='-numerator']")).to_have_count(0)
    row(page, "1-1").get_by_label("実績値（社）").fill("420")
    page.get_by_role("button", name="提出").click()
    expect(page.locator(".messages")).to_contain_text("1件の実績を提出しました。")

    # 管理者: approves the corrected value.
    login(page, "kanri")
    page.goto(f"{e2e_server}/entry/2024/{QUARTER}/review/")
    expect(page.locator("#actual-1-1")).to_contain_text("420")
    page.locator("#actual-1-1").get_by_role("button", name="承認").click()
    expect(page.locator(".messages")).to_contain_text("1-1を承認しました。")
    expect(page.locator("#actual-1-1")).to_have_attribute("data-state", "approved")

    # The dashboard: cumulative approved actual and 達成率 against 1,000社, and the chart drawn by plotly.
    page.goto(dashboard_url)
    cumulative = approved_before + 420
    rate = (cumulative / Decimal("1000") * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
    expect(figure(page, "actual")).to_contain_text(f"{cumulative:,}")
    expect(figure(page, "rate")).to_have_text(f"{rate}%")
    expect(page.locator(f'tr[data-quarter="{QUARTER}"]')).to_contain_text("420")
    expect(page.locator(f'tr[data-quarter="{QUARTER}"]')).to_contain_text("承認済み")
    expect(page.locator("#indicator-chart svg.main-svg").first).to_be_visible()
    assert csp_violations == []

    # 監査担当: downloads the workbook; it holds the approved value and every step of its history.
    login(page, "kansa")
    page.goto(f"{e2e_server}/reports/")
    with page.expect_download() as download_info:
        page.get_by_role("button", name="Excelをダウンロード").click()
    path = tmp_path / "audit.xlsx"
    download_info.value.save_as(path)
    wb = load_workbook(path)

    sheet = wb["指標"]
    header = [c.value for c in sheet[3]]
    line = next(r for r in sheet.iter_rows(min_row=4, values_only=True) if r[0] == "1-1")
    assert Decimal(str(line[header.index("第3四半期")])) == Decimal("420")
    assert Decimal(str(line[header.index("累計")])) == cumulative

    history = wb["変更履歴"]
    columns = [c.value for c in history[3]]
    rows = [dict(zip(columns, r, strict=False)) for r in history.iter_rows(min_row=4, values_only=True)]
    mine = [r for r in rows if "1-1" in str(r["対象"]) and r["四半期"] == "第3四半期"]
    values = [
        (None if b is None else Decimal(str(b)), Decimal(str(a)))
        for b, a in ((r["変更前"], r["変更後"]) for r in mine if r["項目"] == "実績値")
    ]
    assert values == [(None, Decimal("400")), (Decimal("400"), Decimal("420"))]
    returned = [r for r in mine if r["理由"] == RETURN_REASON]
    assert returned and all("kanri" in str(r["操作者"]) for r in returned)
    assert {r["状態"] for r in returned} == {"差戻し"}
    assert mine[-1]["状態"] == "承認済み"
