"""A 担当者 downloads the quarter's Excel template, fills it offline and uploads it, in Chromium."""

import shutil

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from indicators import xlsx_import

pytestmark = pytest.mark.e2e
# The browser flows share one server: this one keeps to 第2四半期 and leaves drafts only (nothing approved).
COL = xlsx_import.COLUMN_INDEX


def test_staff_uploads_a_filled_template(e2e_server, page, login, tmp_path):
    login(page, "tanto")
    page.goto(e2e_server + "/entry/2024/2/upload/")
    with page.expect_download() as download:
        page.get_by_role("link", name="テンプレート（.xlsx）をダウンロード").click()
    path = tmp_path / "template.xlsx"
    shutil.copy(download.value.path(), path)
    wb = load_workbook(path)
    ws = wb[xlsx_import.DATA_SHEET]
    rows = {ws.cell(row=r, column=COL["code"]).value: r for r in range(2, ws.max_row + 1)}

    # First a wrong file: the problem is listed with its row and column and nothing is saved.
    ws.cell(row=rows["1-3"], column=COL["numerator"], value=90)
    ws.cell(row=rows["1-3"], column=COL["denominator"], value=80)
    wb.save(path)
    page.set_input_files("input[type=file]", str(path))
    page.get_by_role("button", name="取り込む").click()
    expect(page.locator(".upload-problems")).to_contain_text("I列「分子」")
    expect(page.locator(".upload-problems")).to_contain_text("分子（90）は分母（80）以下にしてください。")

    ws.cell(row=rows["1-3"], column=COL["denominator"], value=120)
    ws.cell(row=rows["1-1"], column=COL["value"], value=310)
    wb.save(path)
    page.set_input_files("input[type=file]", str(path))
    page.get_by_role("button", name="取り込む").click()
    expect(page.locator(".messages")).to_contain_text("Excelから2件の実績を下書き保存しました。")
    expect(page.locator('section.entry-row[data-indicator="1-1"] input[name$="-value"]')).to_have_value("310")
    expect(page.locator('section.entry-row[data-indicator="1-3"] [data-ratio-output]')).to_have_text("75.0%")
