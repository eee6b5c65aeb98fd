"""Errors a person can act on: the menu offers exactly what the role may open (smrj_plan.permissions.MENU), the
Japanese error pages keep the site's header and a way back, and a submit with nothing in it says so."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from budgets.models import BudgetColumn, BudgetExecution, BudgetRow
from indicators.models import Actual, Indicator
from smrj_plan import permissions
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

EVERYONE = ["計画", "指標一覧", "実績入力", "施策・自己評価", "ダッシュボード", "予算"]
EXPECTED_MENU = {
    "staff": EVERYONE,
    "manager": [*EVERYONE, "報告書"],
    "auditor": [*EVERYONE, "報告書"],
    "sysadmin": [*EVERYONE, "報告書", "管理サイト"],
    "no_role": EVERYONE,
}


@pytest.fixture
def clients(staff_client, manager_client, auditor_client, sysadmin_client):
    no_role = Client()
    no_role.force_login(make_user("yakuwari-nashi"))
    return {
        "staff": staff_client,
        "manager": manager_client,
        "auditor": auditor_client,
        "sysadmin": sysadmin_client,
        "no_role": no_role,
    }


def menu_links(html: str) -> list[tuple[str, str]]:
    nav = re.search(r'<nav class="main-nav"[^>]*>(.*?)</nav>', html, re.S)
    assert nav, "no main menu"
    return re.findall(r'<a href="([^"]+)"[^>]*>([^<]+)</a>', nav.group(1))


@pytest.mark.parametrize("role", list(EXPECTED_MENU))
def test_every_menu_link_opens_and_nothing_the_role_cannot_open_is_shown(clients, role):
    client = clients[role]
    links = menu_links(client.get("/plan/").content.decode())
    assert [label for _, label in links] == EXPECTED_MENU[role]
    for url, label in links:
        assert client.get(url).status_code == 200, (role, label, url)
    shown = {url for url, _ in links}
    hidden = [reverse(item.url_name) for item in permissions.MENU if reverse(item.url_name) not in shown]
    for url in hidden:
        assert client.get(url).status_code in (302, 403), (role, url)  # admin sends non-staff to its login


def test_the_staff_member_no_longer_sees_reports_which_answer_403(clients):
    html = clients["staff"].get("/entry/").content.decode()
    assert "/reports/" not in dict(menu_links(html))
    assert clients["staff"].get("/reports/").status_code == 403


def test_the_menu_is_read_from_the_same_rules_the_pages_ask(staff_user, manager):
    assert [i.label for i in permissions.menu_items(staff_user)] == EXPECTED_MENU["staff"]
    assert [i.label for i in permissions.menu_items(manager)] == EXPECTED_MENU["manager"]
    reports = next(i for i in permissions.MENU if i.url_name == "reports:index")
    assert reports.allowed is permissions.can_export_workbook  # reports/views.index: require_export


def test_the_current_page_is_marked_in_the_menu(clients):
    html = clients["manager"].get("/budgets/").content.decode()
    nav = re.search(r'<nav class="main-nav"[^>]*>(.*?)</nav>', html, re.S).group(1)
    assert '<a href="/budgets/" aria-current="page">予算</a>' in nav
    assert nav.count('aria-current="page"') == 1


# ------------------------------------------------------------------------------------------------ error pages


def _japanese_page_with_header(response, heading: str) -> str:
    body = response.content.decode()
    assert '<html lang="ja">' in body and heading in body
    assert 'class="brand" href="/">中小機構 年度計画トラッカー</a>' in body
    assert 'href="/">トップページに戻る</a>' in body
    for english in ("Forbidden", "CSRF", "Method Not Allowed"):
        assert english not in body
    return body


def test_a_stale_form_gets_the_japanese_403_page_saying_nothing_was_saved(staff_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_user)
    response = client.post("/entry/2024/1/", {"action": "submit"})
    assert response.status_code == 403
    body = _japanese_page_with_header(response, "この操作はできません")
    assert "何も保存していません。画面を開き直してから、もう一度操作してください。" in body
    assert "ログアウト" in body and menu_links(body)
    assert not Actual.objects.exists()


def test_opening_a_button_address_gets_a_japanese_page_instead_of_a_blank_405(manager_client, fiscal_year):
    entry = Actual.objects.create(
        indicator=Indicator.objects.get(code="1-1", plan__fiscal_year__year=2024),
        fiscal_year=fiscal_year,
        quarter=1,
        state="submitted",
        value=12,
    )
    response = manager_client.get(f"/entry/actual/{entry.pk}/approve/")
    assert response.status_code == 405
    assert response["Allow"] == "POST"
    body = _japanese_page_with_header(response, "この画面はボタンから操作します")
    assert "何も変更していません" in body


def test_the_api_keeps_its_json_405(manager_client):
    response = manager_client.delete("/api/v1/actuals/")
    assert response.status_code in (401, 403, 405)
    assert response["Content-Type"].startswith("application/json")


# ------------------------------------------------------------------------------------------------ empty submit


def test_submitting_an_empty_quarter_says_nothing_was_submitted(staff_client):
    pk = Indicator.objects.get(code="1-1", plan__fiscal_year__year=2024).pk
    response = staff_client.post(
        "/entry/2024/1/", {"action": "submit", f"a{pk}-version": "0", f"a{pk}-value": ""}, follow=True
    )
    shown = [(m.level_tag, str(m)) for m in response.context["messages"]]
    assert shown == [
        (
            "warning",
            "提出する実績がありません。値を入力してから「提出」を押してください（何も提出していません）。",
        )
    ]
    saved = staff_client.post("/entry/2024/1/", {"action": "save"}, follow=True)
    assert [(m.level_tag, str(m)) for m in saved.context["messages"]] == [
        ("warning", "入力された値も変更もないため、何も保存していません。")
    ]
    assert not Actual.objects.exists()


def test_a_quarter_with_values_still_reports_how_many_were_submitted(staff_client):
    pk = Indicator.objects.get(code="1-1", plan__fiscal_year__year=2024).pk
    response = staff_client.post(
        "/entry/2024/1/", {"action": "submit", f"a{pk}-version": "0", f"a{pk}-value": "12"}, follow=True
    )
    assert [(m.level_tag, str(m)) for m in response.context["messages"]] == [
        ("success", "1件の実績を提出しました。")
    ]


def test_submitting_no_budget_amount_says_nothing_was_submitted(staff_client):
    row = BudgetRow.objects.get(table__kind="budget", table__account__code="ippan", label="運営費交付金")
    column = BudgetColumn.objects.get(table=row.table, segment="地域牽引・成長志向企業支援業務")
    name = f"{row.pk}-{column.pk}"
    response = staff_client.post(
        reverse("budgets:execution_save", args=["ippan", 1]),
        {f"amount-{name}": "", f"version-{name}": "0", "submit": "1"},
        follow=True,
    )
    assert [(m.level_tag, str(m)) for m in response.context["messages"]] == [
        (
            "warning",
            "第1四半期に提出する執行額がありません。金額を入力してから「提出」を押してください（何も提出していません）。",
        )
    ]
    assert not BudgetExecution.objects.exists()


def test_uploading_an_untouched_template_says_nothing_was_saved(staff_client):
    import io

    template = staff_client.get("/entry/2024/1/template.xlsx").content
    f = io.BytesIO(template)
    f.name = "actuals.xlsx"
    response = staff_client.post("/entry/2024/1/upload/", {"file": f}, follow=True)
    assert [(m.level_tag, str(m)) for m in response.context["messages"]] == [
        ("warning", "Excelに取り込む値も変更もなかったため、何も保存していません。")
    ]
