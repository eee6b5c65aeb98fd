"""The auditors' report page and download: access by role, the file served, and the workbook opening in
LibreOffice."""

import io
import os
import re
import shutil
import subprocess
from urllib.parse import quote

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from reports.workbook import CONTENT_TYPE, export_context_build, workbook_write

from .test_excel import INJECTION, fill_year

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOWNLOAD = {"year": "2024", "quarter": "3", "include_drafts": "no"}


def test_index_shows_the_download_form_and_the_sheets(auditor_client):
    response = auditor_client.get(reverse("reports:index"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'action="/reports/download/"' in html
    assert '<option value="2024">令和6年度（2024年度）</option>' in html
    assert "下書き・提出済みを含む" in html and "承認済みの値のみ" in html
    for sheet in ("表紙", "指標", "予算執行", "端数差異", "変更履歴"):
        assert f'<th scope="row">{sheet}</th>' in html


@pytest.mark.parametrize("client_fixture", ["auditor_client", "manager_client", "sysadmin_client"])
def test_readers_download_the_workbook_with_a_japanese_filename(request, client_fixture):
    client = request.getfixturevalue(client_fixture)
    response = client.get(reverse("reports:download"), DOWNLOAD)
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX == CONTENT_TYPE
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; filename*=utf-8''")
    assert quote("令和6年度_監査用データ_第3四半期末_") in disposition
    assert disposition.endswith(".xlsx")
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    cover = {r[0].value: r[1].value for r in wb["表紙"].iter_rows(min_row=3) if r[0].value}
    assert cover["基準四半期"] == "第3四半期（10–12月）末時点"
    assert cover["集計の対象"] == "承認済みの値のみ"
    assert cover["出力者"] in ("kansa", "kanri", "sysadmin")


def test_drafts_option_reaches_the_workbook(auditor_client):
    response = auditor_client.get(
        reverse("reports:download"), {**DOWNLOAD, "include_drafts": "yes", "quarter": ""}
    )
    assert response.status_code == 200
    assert quote("_下書き含む_") in response["Content-Disposition"]
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    cover = {r[0].value: r[1].value for r in wb["表紙"].iter_rows(min_row=3) if r[0].value}
    assert cover["集計の対象"].startswith("下書き・提出済みを含む")
    assert cover["基準四半期"].startswith("第1四半期")  # no actuals yet: the first quarter


@pytest.mark.parametrize("url", ["reports:index", "reports:download"])
def test_staff_members_are_refused(staff_client, other_staff_client, url):
    assert staff_client.get(reverse(url), DOWNLOAD).status_code == 403
    assert other_staff_client.get(reverse(url), DOWNLOAD).status_code == 403


@pytest.mark.parametrize("url", ["reports:index", "reports:download"])
def test_anonymous_users_are_sent_to_login(client, url):
    response = client.get(reverse(url), DOWNLOAD)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    "params",
    [
        {"year": "abc", "quarter": "1", "include_drafts": "no"},
        {"year": "2031", "quarter": "1", "include_drafts": "no"},
        {"year": "2024", "quarter": "9", "include_drafts": "no"},
        {"year": "2024", "quarter": "1", "include_drafts": "maybe"},
        {},
    ],
)
def test_bad_parameters_show_the_form_again_not_an_error(auditor_client, params):
    response = auditor_client.get(reverse("reports:download"), params)
    assert response.status_code == 400
    assert "正しく選択してください" in response.content.decode() or "必須" in response.content.decode()


def test_the_workbook_converts_to_pdf_in_libreoffice(fiscal_year, staff_user, manager, tmp_path):
    """The file opens in LibreOffice: a headless conversion gives a PDF with pages (skipped without soffice,
    except in CI where it must run)."""
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        if os.environ.get("CI"):
            pytest.fail("soffice (LibreOffice) is required in CI")
        pytest.skip("LibreOffice is not installed")
    fill_year(fiscal_year, staff_user, manager)
    path = tmp_path / "export.xlsx"
    ctx = export_context_build(year=2024, quarter=3, include_drafts=True, exported_by=INJECTION)
    workbook_write(ctx=ctx, output=str(path))
    profile = tmp_path / "lo-profile"
    subprocess.run(
        [
            soffice,
            f"-env:UserInstallation=file://{profile}",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(path),
        ],
        check=True,
        capture_output=True,
        timeout=180,
    )
    pdf = (tmp_path / "export.pdf").read_bytes()
    assert pdf.startswith(b"%PDF")
    pages = len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))
    assert pages >= 11  # at least one page per sheet
