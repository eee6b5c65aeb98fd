"""The pages each role uses, and the data that gives them something to lay out, shared by the layout and
accessibility browser tests.

The data lives in 第4四半期 (the other browser flows keep to 第1–第3): the 担当者 submits 1-2 and 1-3 with long
notes and an unbroken link as evidence, the 管理者 approves 1-3 and leaves 1-2 submitted, so the dashboard, the
review page (approve, return and reopen forms) and both history pages have rows. 1-1 is left open for the
keyboard-entry test."""

import os
import re
import tempfile
from pathlib import Path

from playwright.sync_api import expect

from tests.e2e.conftest import sign_in

QUARTER = 4
YEAR = 2024
ROLES = ("tanto", "kanri", "kansa")  # 担当者, 管理者, 監査担当 (create_demo_users)
LONG_NOTE = (
    "第4四半期は支援拠点の全国会議の後に申込みが集中し、回答の回収が年度末にずれ込んだため、"
    "3月末時点で回収できた分だけを計上しています。残りは翌年度の第1四半期に報告します。"
)
LONG_EVIDENCE = (
    "https://www.smrj.go.jp/support/reports/2024/q4/handson-hearing-survey-results-detailed-breakdown.xlsx"
)

SHOTS = Path(os.environ.get("E2E_SCREENSHOTS") or Path(tempfile.gettempdir()) / "shots")


def entry_row(page, code):
    return page.locator(f'section.entry-row[data-indicator="{code}"]')


def seed_quarter(base: str, page) -> dict:
    """Enter, submit and approve the 第4四半期 figures once per server; return the pks the page lists need.

    Idempotent: a second caller (another module on the same server) finds 1-3 already closed and only reads."""
    sign_in(page, base, "tanto")
    page.goto(f"{base}/entry/{YEAR}/{QUARTER}/")
    hrefs = {
        code: entry_row(page, code).get_by_role("link", name="変更履歴").get_attribute("href")
        for code in ("1-1", "1-3")
    }
    pks = {code: int(re.search(r"/indicator/(\d+)/", href).group(1)) for code, href in hrefs.items()}
    if entry_row(page, "1-3").locator("input[name$='-numerator']").count():
        row = entry_row(page, "1-2")
        row.get_by_label("支援先の伸び率（%）").fill("12.5")
        row.get_by_label("実態調査の伸び率（%）").fill("8.0")
        row.get_by_label("備考").fill(LONG_NOTE)
        row.get_by_label("根拠資料（メモ・リンク）").fill(LONG_EVIDENCE)
        row = entry_row(page, "1-3")
        row.get_by_label("分子（該当数）").fill("45")
        row.get_by_label("分母（回答数等）").fill("60")
        row.get_by_label("備考").fill(LONG_NOTE)
        page.get_by_role("button", name="提出").click()
        expect(page.locator(".messages")).to_contain_text("件の実績を提出しました。")

        sign_in(page, base, "kanri")
        page.goto(f"{base}/entry/{YEAR}/{QUARTER}/review/")
        page.locator("#actual-1-3").get_by_role("button", name="承認").click()
        expect(page.locator("#actual-1-3")).to_have_attribute("data-state", "approved")
    return pks


def pages_for(role: str, pks: dict) -> list[tuple[str, str]]:
    """(name, path) of every page the role may open: dashboard, pillars 1 and 2, an indicator's progress,
        budget execution, entry (index, quarter or review and 提出状況), both histories, plan, indicators, targets and the
    mid-term sums, revisions, 提出期限, measures' progress and the self-evaluation, reports, budgets."""
    q = f"{YEAR}/{QUARTER}"
    pages = [
        ("dashboard", "/dashboard/"),
        ("pillar1", f"/dashboard/{YEAR}/pillar/1/"),
        ("pillar2", f"/dashboard/{YEAR}/pillar/2/"),
        ("indicator", f"/dashboard/indicator/{pks['1-3']}/"),
        ("budget_dashboard", "/dashboard/budget/"),
        ("entry_index", "/entry/"),
    ]
    if role == "tanto":
        pages += [("entry_quarter", f"/entry/{q}/"), ("entry_upload", f"/entry/{q}/upload/")]
    else:
        pages += [
            ("entry_review", f"/entry/{q}/review/"),
            ("completeness", f"/dashboard/{YEAR}/completeness/?q={QUARTER}"),
        ]
    pages += [
        ("history_quarter", f"/entry/history/{q}/"),
        ("history_indicator", f"/entry/history/indicator/{pks['1-3']}/"),
        ("plan", "/plan/"),
        ("plan_chapter1", "/plan/chapter/1/"),
        ("indicators", "/indicators/"),
        ("indicator_detail", f"/indicators/{pks['1-1']}/"),
        ("mid_term", "/indicators/mid-term/"),
        ("revisions", "/plan/revisions/"),
        ("evaluation", "/evaluation/"),
        ("measures", f"/evaluation/{YEAR}/measures/"),
    ]
    if role == "tanto":
        pages += [("measure_entry", f"/evaluation/{q}/")]
    else:
        pages += [
            ("targets", "/indicators/targets/"),
            ("deadlines", f"/entry/{YEAR}/deadlines/"),
            ("measure_review", f"/evaluation/{q}/review/"),
            ("self_evaluation", f"/evaluation/{YEAR}/self-evaluation/"),
        ]
    if role != "tanto":
        pages += [("reports", "/reports/")]
    pages += [
        ("budgets", "/budgets/"),
        ("budget_table", "/budgets/budget/ippan/"),
        ("budget_income", "/budgets/income/sangyo-kiban/"),
        ("reconciliation", "/budgets/reconciliation/"),
        ("execution", "/budgets/execution/ippan/"),
    ]
    return pages


def open_page(page, url: str):
    """Open a page and wait until it has settled: the response was a 200 and any chart has been drawn."""
    response = page.goto(url)
    assert response.status == 200, f"{url}: HTTP {response.status}"
    if page.locator("[data-chart-source]").count():
        page.wait_for_selector("[data-chart-drawn='1']")
    return response


def screenshot(page, name: str, *, full_page: bool = False):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=full_page)
