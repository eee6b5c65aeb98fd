"""Measure progress to the 自己評価書 in Chromium: a 担当者 records a measure's 取組状況 (and an indicator's figure)
for 第2四半期, a 管理者 approves both, sets the indicator's final 評定, writes the 自己評価 and the 評定 of I-1 and
submits it, then downloads the .docx; read back with python-docx it holds those texts and the indicators'
figures as the page shows them."""

import pytest
from docx import Document
from playwright.sync_api import expect

from tests.e2e.conftest import SETUP_COMMANDS, running_server

pytestmark = pytest.mark.e2e

QUARTER = 2
NARRATIVE = "第2四半期は地域本部で専門家派遣を延べ42回行い、新事業展開の計画策定を8社で支援した。"
ASSESSMENT = "事前ヒアリングは計画どおり進み、施策1は前倒しで成果を上げた。"
GRADE_REASON = "定量指標が年度目標に向けて順調であり、施策の前倒しの成果が顕著であるため。"
RATING_REASON = "ヒアリング件数が計画を上回るペースで推移しているため。"
FIGURES = ["target", "actual", "rate", "forecast"]


@pytest.fixture(scope="module")
def e2e_server():
    """A server of its own: this flow approves 1-1 and sets final ratings, which the upload flow (第2四半期, drafts
    only) and the dashboard walks on the shared server must not see."""
    with running_server(SETUP_COMMANDS) as base:
        yield base


def test_progress_approval_self_evaluation_and_document(e2e_server, page, login, tmp_path):
    # 担当者: the measure's 取組状況 and the indicator's figure for the quarter.
    login(page, "tanto")
    page.goto(f"{e2e_server}/evaluation/{2024}/{QUARTER}/")
    row = page.locator('section.entry-row[data-measure="1"]')
    row.get_by_label("状況", exact=True).select_option(label="前倒し")
    row.get_by_label("取組状況", exact=True).fill(NARRATIVE)
    row.get_by_label("根拠資料（メモ・リンク）").fill("https://example.jp/report-q2")
    page.get_by_role("button", name="提出").click()
    expect(page.locator(".messages")).to_contain_text("1件の取組状況を提出しました。")
    expect(page.locator('section.entry-row[data-measure="1"] .badge').first).to_have_text("提出済み")

    page.goto(f"{e2e_server}/entry/2024/{QUARTER}/")
    page.locator('section.entry-row[data-indicator="1-1"]').get_by_label("実績値（社）").fill("240")
    page.get_by_role("button", name="提出").click()
    expect(page.locator(".messages")).to_contain_text("件の実績を提出しました。")

    # 管理者: approve the 取組状況 and the figure.
    login(page, "kanri")
    page.goto(f"{e2e_server}/evaluation/2024/{QUARTER}/review/")
    page.locator("#progress-1").get_by_role("button", name="承認").click()
    expect(page.locator(".messages")).to_contain_text("施策1の取組状況を承認しました。")
    expect(page.locator("#progress-1")).to_have_attribute("data-state", "approved")
    page.goto(f"{e2e_server}/entry/2024/{QUARTER}/review/")
    page.locator("#actual-1-1").get_by_role("button", name="承認").click()
    expect(page.locator("#actual-1-1")).to_have_attribute("data-state", "approved")

    # The self-evaluation page of I-1 as of 第2四半期: the measure's status and narrative are there.
    item_url = f"{e2e_server}/evaluation/2024/self-evaluation/1-1/?q={QUARTER}"
    page.goto(item_url)
    measure_row = page.locator("#measure-1")
    expect(measure_row.locator("td").nth(3)).to_have_text("前倒し")
    expect(measure_row).to_contain_text(NARRATIVE)

    # The indicator's final 評定 (moved here from the dashboard) and the item's 自己評価 and 評定.
    rating = page.locator("#rating-1-1")
    rating.get_by_label("最終評定").select_option("A")
    rating.get_by_label("理由").fill(RATING_REASON)
    rating.get_by_role("button", name="1-1の最終評定を保存").click()
    expect(page.locator(".messages")).to_contain_text("1-1の最終評定を「A」に設定しました。")
    page.goto(item_url)
    form = page.locator("#self-evaluation-form")
    form.get_by_label("自己評価", exact=True).fill(ASSESSMENT)
    form.get_by_label("評定", exact=True).select_option("A")
    form.get_by_label("評定の理由", exact=True).fill(GRADE_REASON)
    form.get_by_role("button", name="提出").click()
    expect(page.locator(".messages")).to_contain_text("自己評価を提出しました。")
    expect(page.locator("#item-grade")).to_have_text("A")
    expect(page.locator(".own-submission")).to_contain_text("承認は別の管理者が行います")

    # What the page shows for the pillar's indicators, to compare with the document.
    page.goto(item_url)
    shown = {}
    for tr in page.locator("#indicator-figures tbody tr[data-code]").all():
        code = tr.get_attribute("data-code")
        shown[code] = [tr.locator(f'[data-figure="{name}"]').inner_text().strip() for name in FIGURES]
        shown[code].append(tr.locator("[data-final-grade]").inner_text().strip())
    assert set(shown) == {"1-1", "1-2", "1-3"}
    assert shown["1-1"][0] == "1,000社以上" and shown["1-1"][1] != "—" and shown["1-1"][2].endswith("%")
    assert shown["1-1"][4] == "A"

    with page.expect_download() as download_info:
        page.locator("#document-download").click()
    download = download_info.value
    assert download.suggested_filename == "令和6年度_自己評価書_1-1.docx"
    path = tmp_path / download.suggested_filename
    download.save_as(path)

    doc = Document(str(path))
    text = "\n".join(p.text for p in doc.paragraphs)
    for expected in (ASSESSMENT, GRADE_REASON, NARRATIVE, "評定：A", f"1-1　評定A：{RATING_REASON}"):
        assert expected in text
    assert "自己評価の状態：提出済み（承認前の内容です）" in text
    assert "第1四半期" in text and "第2四半期：前倒し" in text
    table = [[c.text for c in r.cells] for r in doc.tables[0].rows]
    by_code = {r[0]: r for r in table[1:] if r[0]}
    for code, (target, actual, rate, forecast, grade) in shown.items():
        # 目標 | 実績（累計） | 達成率 | 年度末見込み | 評定 of the document's table
        assert [
            by_code[code][3],
            by_code[code][4],
            by_code[code][5],
            by_code[code][7],
            by_code[code][9],
        ] == [
            target,
            actual,
            rate,
            forecast,
            grade,
        ], code
