"""Sheets named after data (one per 勘定) get a title Excel accepts, whatever the 勘定 is renamed to in the admin:
forbidden characters replaced, at most 31 characters, unique in the workbook."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from openpyxl import load_workbook

from budgets.models import Account
from smrj_plan.xlsx_text import sheet_title

pytestmark = pytest.mark.django_db

FORBIDDEN_NAME = "一般/勘定:試験?*[旧]\\"
# 40 characters; the first 31 are shared with the next name, so both cut to the same 31 characters.
LONG_A = "中小企業基盤整備機構の長い勘定名を試すための三十一文字目まで同じ名前ですＡＢＣＤ"
LONG_B = "中小企業基盤整備機構の長い勘定名を試すための三十一文字目まで同じ名前ですＷＸＹＺ"
EXPECTED_TITLES = [
    "表紙",
    "指標",
    "施策",
    "一般／勘定：試験？＊［旧］＼",
    "中小企業基盤整備機構の長い勘定名を試すための三十一文字目まで同",
    "中小企業基盤整備機構の長い勘定名を試すための三十一文字目(2)",
    "小規模企業共済勘定",
    "中小企業倒産防止共済勘定",
    "指標(2)",
    "予算執行",
    "端数差異",
    "変更履歴",
]


@pytest.fixture
def renamed_accounts(db):
    """一般勘定 → forbidden characters; 産業基盤整備勘定 and 施設整備等勘定 → two 40-character names sharing their
    first 31; 出資承継勘定 → 「指標」, the title of a fixed sheet."""
    assert len(LONG_A) == len(LONG_B) == 40 and LONG_A[:31] == LONG_B[:31]
    for code, name in [
        ("ippan", FORBIDDEN_NAME),
        ("sangyo-kiban", LONG_A),
        ("shisetsu-seibi", LONG_B),
        ("shusshi-shokei", "指標"),
    ]:
        Account.objects.filter(code=code).update(name=name)


def test_the_download_names_each_account_sheet_safely(auditor_client, renamed_accounts):
    response = auditor_client.get(
        reverse("reports:download"), {"year": "2024", "quarter": "3", "include_drafts": "no"}
    )
    assert response.status_code == 200
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert wb.sheetnames == EXPECTED_TITLES
    # The sheet still states the 勘定's full name as typed.
    assert wb["一般／勘定：試験？＊［旧］＼"]["A1"].value.startswith(f"{FORBIDDEN_NAME}　予算計画")
    assert wb["中小企業基盤整備機構の長い勘定名を試すための三十一文字目(2)"]["A1"].value.startswith(LONG_B)
    # The fixed sheets keep their content: 指標 is the indicator list, 指標(2) the renamed 勘定.
    assert wb["指標"]["A3"].value == "番号"
    assert wb["指標(2)"]["A1"].value.startswith("指標　予算計画")


def test_the_export_command_names_each_account_sheet_safely(renamed_accounts, tmp_path):
    output = tmp_path / "監査用.xlsx"
    call_command("export_excel", "--year", "2024", "--output", str(output), verbosity=0)
    assert load_workbook(output).sheetnames == EXPECTED_TITLES


@pytest.mark.parametrize(
    ("name", "taken", "title"),
    [
        ("a/b\\c?d*e:f[g]h", set(), "a／b＼c？d＊e：f［g］h"),
        ("'引用符'", set(), "引用符"),
        ("''", set(), "シート"),
        ("改行\nと\tタブ", set(), "改行 と タブ"),
        ("制御\x01\uffff文字", set(), "制御 文字"),
        ("History", set(), "History(2)"),
        ("ippan", {"IPPAN"}, "ippan(2)"),
        ("x" * 40, {"x" * 31, "x" * 28 + "(2)"}, "x" * 28 + "(3)"),
        ("x" * 30 + "'y", set(), "x" * 30),
        ("😀" * 20, set(), "😀" * 15),
    ],
)
def test_sheet_title_rules(name, taken, title):
    before = set(taken)
    assert sheet_title(name, taken=taken) == title
    assert taken == before | {title}
    assert len(title.encode("utf-16-le")) // 2 <= 31
