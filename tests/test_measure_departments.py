"""Every measure has a 担当部署 after load_plan: the default from its pillar, heading or chapter
(fixtures/plan_r6/measure_departments.json), changeable by a 管理者 with a reason that load_plan then keeps."""

import json
import re
import shutil

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.db.models import Count
from django.urls import reverse

from evaluation import services
from indicators.models import Indicator
from measures.loaders import FIXTURE_DIR
from measures.models import Department, Measure

pytestmark = pytest.mark.django_db

# Counted from the rules and the plan by hand: pillar 1 → 経営支援部 (3), pillar 2 → 販路支援部 (8), pillar 3 →
# ファンド事業部 (8 under (1)) and 創業・ベンチャー支援部 (4 under (2)), pillar 4 split by its headings (37 in all,
# 5 fund measures named by their text, 事業継続力強化計画 → 事業継続支援部), pillar 5 by its headings (32),
# chapters II–X by section (107).
EXPECTED_COUNTS = {
    "経営支援部": 3,
    "販路支援部": 8,
    "ファンド事業部": 13,
    "創業・ベンチャー支援部": 4,
    "支援機関連携部": 8,
    "事業承継・再生支援部": 11,
    "よろず支援拠点全国本部": 1,
    "まちづくり推進部": 7,
    "共済事業部": 4,
    "事業継続支援部": 16,
    "CN・GX推進室": 3,
    "人材支援部（中小企業大学校）": 9,
    "生産性革命推進部": 5,
    "デジタル推進部": 6,
    "総務部": 39,
    "人事部": 13,
    "財務部": 49,
}


def _counts() -> dict[str, int]:
    return {d.name: d.n for d in Department.objects.annotate(n=Count("measures")).order_by("order") if d.n}


def test_each_of_the_199_measures_has_a_department_after_load_plan():
    assert Measure.objects.count() == 199
    assert not Measure.objects.filter(department__isnull=True).exists()
    assert _counts() == EXPECTED_COUNTS
    assert sum(EXPECTED_COUNTS.values()) == 199
    assert Measure.objects.filter(department_is_default=False).count() == 0


def test_examples_of_each_kind_of_rule():
    by_order = {m.order: m.department.code for m in Measure.objects.select_related("department")}
    assert by_order[1] == "keiei-shien"  # pillar 1
    assert by_order[20] == "sogyo-venture"  # pillar 3, heading (2)
    assert by_order[24] == "shien-kikan"  # pillar 4, ① 3機関の連携
    assert by_order[30] == "fund"  # pillar 4, named by its text (a fund)
    assert by_order[56] == "kyosai"  # pillar 4, (3) 経営安定: 共済
    assert by_order[60] == "jigyo-keizoku"  # 事業継続力強化計画, named by its text
    assert by_order[72] == "jinzai"  # pillar 5, ② under (2) — its parent heading's rule
    assert by_order[117] == "digital"  # II-4
    assert by_order[157] == "zaimu"  # V
    assert by_order[197] == "jinji"


def test_a_measure_linked_to_an_indicator_belongs_to_the_indicators_department():
    """The 部署 that enters an indicator also reports the measures the indicator tracks."""
    mismatches = [
        (ind.code, m.order, ind.department.code, m.department.code)
        for ind in Indicator.objects.select_related("department").prefetch_related("measures__department")
        for m in ind.measures.all()
        if m.department_id != ind.department_id
    ]
    assert mismatches == []
    assert Indicator.measures.through.objects.count() == 39  # the check covers every link


def test_a_second_load_writes_no_measure_history():
    before = Measure.history.count()
    call_command("load_plan", verbosity=0)
    assert Measure.history.count() == before


def test_a_managers_change_is_kept_with_its_reason_and_survives_load_plan(manager):
    measure = Measure.objects.get(order=3)
    zaimu = Department.objects.get(code="zaimu")
    services.measure_department_set(measure=measure, department=zaimu, user=manager, reason="所管替えのため")
    call_command("load_plan", verbosity=0)
    measure.refresh_from_db()
    assert (measure.department.code, measure.department_is_default) == ("zaimu", False)
    last = measure.history.order_by("-history_date", "-history_id").first()
    assert (last.department_id, last.history_user_id, last.history_change_reason) == (
        zaimu.pk,
        manager.pk,
        "所管替えのため",
    )
    # The other measures of the pillar keep the default.
    assert Measure.objects.get(order=1).department.code == "keiei-shien"


def test_a_changed_rule_moves_the_defaulted_measures_but_not_the_changed_one(manager, tmp_path):
    services.measure_department_set(
        measure=Measure.objects.get(order=2),
        department=Department.objects.get(code="somu"),
        user=manager,
        reason="x",
    )
    target = tmp_path / "plan_r6"
    shutil.copytree(FIXTURE_DIR, target)
    path = target / "measure_departments.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    next(r for r in data["rules"] if r == {"chapter": 1, "section": 1, "department": "keiei-shien"})[
        "department"
    ] = "hanro-shien"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    call_command("load_plan", fixture_dir=str(target), verbosity=0)
    codes = {m.order: m.department.code for m in Measure.objects.filter(order__in=[1, 2, 3])}
    assert codes == {1: "hanro-shien", 2: "somu", 3: "hanro-shien"}


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda d: d["rules"].append({"chapter": 3, "department": "no-such"}), "no-such"),
        (lambda d: d["measures"].append({"text": "ファンド", "department": "fund"}), "ファンド"),
        (lambda d: d.update(rules=[r for r in d["rules"] if r.get("chapter") != 7]), "順序163"),
    ],
    ids=["unknown department", "fragment matching several measures", "a measure no rule covers"],
)
def test_a_bad_rule_stops_the_load_and_changes_nothing(tmp_path, change, message):
    before = _counts()
    target = tmp_path / "plan_r6"
    shutil.copytree(FIXTURE_DIR, target)
    path = target / "measure_departments.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(ValueError, match=message):
        call_command("load_plan", fixture_dir=str(target), verbosity=0)
    assert _counts() == before


@pytest.mark.parametrize("who", ["staff_user", "auditor"])
def test_only_a_manager_changes_a_department(request, who):
    measure = Measure.objects.get(order=1)
    with pytest.raises(PermissionDenied):
        services.measure_department_set(
            measure=measure,
            department=Department.objects.get(code="zaimu"),
            user=request.getfixturevalue(who),
            reason="x",
        )
    measure.refresh_from_db()
    assert measure.department.code == "keiei-shien"


@pytest.mark.parametrize("reason", ["", "  ", "\u200b\ufeff"])
def test_a_department_change_needs_a_visible_reason(manager, reason):
    measure = Measure.objects.get(order=1)
    with pytest.raises(ValidationError, match="担当部署の変更理由を記入してください"):
        services.measure_department_set(
            measure=measure, department=Department.objects.get(code="zaimu"), user=manager, reason=reason
        )
    measure.refresh_from_db()
    assert (measure.department.code, measure.department_is_default) == ("keiei-shien", True)


def test_the_list_page_changes_a_department(manager_client, staff_client):
    measure = Measure.objects.get(order=5)
    jinji = Department.objects.get(code="jinji")
    url = reverse("evaluation:measure_department", args=[measure.pk])
    response = manager_client.post(url, {"department": jinji.pk, "reason": "組織改編"}, follow=True)
    assert "施策5の担当部署を「人事部」に変更しました。" in response.content.decode()
    assert 'data-department="jinji"' in response.content.decode()
    measure.refresh_from_db()
    assert measure.department == jinji
    # The same department again, a department that does not exist, no reason: messages, nothing changed.
    for data, message in [
        ({"department": jinji.pk, "reason": "再度"}, "施策5の担当部署は既に「人事部」です。"),
        ({"department": 999999, "reason": "x"}, "担当部署は一覧から選んでください。"),
        ({"department": jinji.pk, "reason": ""}, "担当部署の変更理由を記入してください。"),
    ]:
        response = manager_client.post(url, data, follow=True)
        assert message in response.content.decode()
    assert measure.history.filter(history_change_reason="組織改編").count() == 1
    assert staff_client.post(url, {"department": jinji.pk, "reason": "x"}).status_code == 403
    measure.refresh_from_db()
    assert measure.department == jinji


def test_a_department_set_in_the_admin_is_kept_like_a_managers(sysadmin_client):
    measure = Measure.objects.get(order=4)
    jinji = Department.objects.get(code="jinji")
    data = {
        "plan": measure.plan_id,
        "chapter": measure.chapter_id,
        "section": measure.section_id,
        "heading": measure.heading_id,
        "order": measure.order,
        "text": measure.text,
        "source_line": measure.source_line,
        "department": jinji.pk,
    }
    response = sysadmin_client.post(reverse("admin:measures_measure_change", args=[measure.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    call_command("load_plan", verbosity=0)
    measure.refresh_from_db()
    assert (measure.department, measure.department_is_default) == (jinji, False)
    assert (
        measure.history.order_by("-history_id").first().history_change_reason == "管理サイトで担当部署を変更"
    )


def test_the_cached_list_carries_each_requests_own_csrf_token(manager):
    """The rows are kept under the data version; the token each row's form posts is the request's, so a browser
    that checks CSRF can change a department from a list another request warmed."""
    import re

    from django.test import Client

    warm = Client()
    warm.force_login(manager)
    warm.get("/evaluation/2024/measures/")  # caches the rows
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(manager)
    body = browser.get("/evaluation/2024/measures/").content.decode()
    assert "__csrf-token-of-the-request__" not in body
    row = re.search(r'<tr id="measure-5"[^>]*>(.*?)</tr>', body, re.S).group(1)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', row).group(1)
    jinji = Department.objects.get(code="jinji")
    url = reverse("evaluation:measure_department", args=[Measure.objects.get(order=5).pk])
    response = browser.post(url, {"department": jinji.pk, "reason": "組織改編", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    assert Measure.objects.get(order=5).department == jinji
    # The next list shows the change at once, for both clients.
    for client in (warm, browser):
        page = client.get("/evaluation/2024/measures/").content.decode()
        assert re.search(r'<tr id="measure-5" data-department="jinji">', page)


def test_a_staff_member_never_gets_the_rows_a_manager_warmed(manager_client, staff_client):
    """The manager's rows have change forms and every measure's status; a 担当者's have neither."""
    manager_page = manager_client.get("/evaluation/2024/measures/").content.decode()
    assert 'aria-label="施策1の担当部署"' in manager_page
    staff_page = staff_client.get("/evaluation/2024/measures/").content.decode()
    assert 'aria-label="施策1の担当部署"' not in staff_page
    # 施策10 is 販路支援部's: its status is hidden from 経営支援部's 担当者, shown to the manager.
    assert re.search(r'<tr id="measure-10"[^>]*>.*?data-status="not_reported"', manager_page, re.S)
    other = re.search(r'<tr id="measure-10"[^>]*>(.*?)</tr>', staff_page, re.S).group(1)
    assert "data-status" not in other and '<span class="muted">—</span>' in other
