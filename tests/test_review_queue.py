"""提出状況, the 確認・承認 queue, bulk approval and the 締め warning (docs/domain.md「提出状況と締め」).

The plan's 第1四半期 has 26 due indicators in 15 departments (1-2 and R2-6-1 are entered at 第4四半期 only). The
scenario: 経営支援部 submits 1-1 (123社) and 1-3 (49／400); 販路支援部 keeps 2-1 as a draft and has 2-2 returned;
nobody else has entered anything."""

import re
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.test.utils import CaptureQueriesContext
from hypothesis import given
from hypothesis import strategies as st

from indicators import entry_views, services
from indicators.completeness import indicator_completeness
from indicators.models import Actual, Indicator
from measures.models import Department, FiscalYear
from smrj_plan.models import QuarterLock
from smrj_plan.roles import Role
from tests.conftest import make_user
from tests.test_hostile_input import EXAMPLES, assert_no_server_error, hostile_text, rolled_back

D = Decimal
REVIEW = "/entry/2024/1/review/"
BULK = "/entry/2024/1/review/approve/"


def _enter(user, code, quarter=1, submit=True, **data):
    actual = services.actual_save(
        indicator=Indicator.objects.get(code=code),
        fiscal_year=Indicator.objects.get(code=code).plan.fiscal_year,
        quarter=quarter,
        user=user,
        data=data,
        expected_version=0,
    )
    if submit:
        actual = services.actual_submit(actual=actual, user=user, expected_version=actual.version)
    return actual


@pytest.fixture
def hanro_user(db):
    return make_user("hanro", Role.STAFF, Department.objects.get(code="hanro-shien"))


@pytest.fixture
def scenario(staff_user, hanro_user, manager):
    a11 = _enter(staff_user, "1-1", value=D("123"))
    a13 = _enter(staff_user, "1-3", numerator=D("49"), denominator=D("400"))
    a21 = _enter(hanro_user, "2-1", submit=False, value=D("50"))
    a22 = _enter(hanro_user, "2-2", value=D("10"))
    a22 = services.actual_return(
        actual=a22, user=manager, reason="件数の根拠を添付", expected_version=a22.version
    )
    return {"1-1": a11, "1-3": a13, "2-1": a21, "2-2": a22}


def _messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def _rows(body: str) -> dict[str, str]:
    """The queue's rows by indicator code → the row's HTML."""
    return dict(re.findall(r'<tr id="actual-([^"]+)"(.*?)</tr>', body, re.S))


def _cell(row_html: str, css: str) -> str:
    return re.search(rf'<td class="num {css}"[^>]*>([^<]*)</td>', row_html).group(1)


# --------------------------------------------------------------------------------------------- the read model


def test_completeness_counts_each_state_per_department_and_for_the_quarter(scenario, fiscal_year):
    q1 = indicator_completeness(fiscal_year=fiscal_year).quarters[1]
    assert q1.due == 26
    assert q1.counts == {"missing": 22, "draft": 1, "submitted": 2, "returned": 1, "approved": 0}
    by_name = {d.name: d.counts for d in q1.departments}
    assert len(by_name) == 15
    assert by_name["経営支援部"] == {"missing": 0, "draft": 0, "submitted": 2, "returned": 0, "approved": 0}
    assert by_name["販路支援部"] == {"missing": 0, "draft": 1, "submitted": 0, "returned": 1, "approved": 0}
    assert by_name["ファンド事業部"] == {
        "missing": 4,
        "draft": 0,
        "submitted": 0,
        "returned": 0,
        "approved": 0,
    }
    assert q1.awaiting_approval == 2
    # 販路支援部 (a draft, a return) and the 13 departments with nothing entered; 経営支援部 has sent everything.
    assert len(q1.unsubmitted_departments) == 14
    assert "経営支援部" not in {d.name for d in q1.unsubmitted_departments}
    assert len(q1.incomplete) == 26
    # 1-2 (annual) is 対象外 before 第4四半期 and is due then.
    year = indicator_completeness(fiscal_year=fiscal_year)
    one_two = Indicator.objects.get(code="1-2").pk
    assert year.cell(one_two, 1).state == "not_due" and year.cell(one_two, 4).state == "missing"
    assert year.quarters[4].due == 28


# ------------------------------------------------------------------------------------- pages: matrix, landing


def test_the_completeness_page_shows_counts_per_department_with_links_to_the_queue(scenario, manager_client):
    response = manager_client.get("/dashboard/2024/completeness/?q=1")
    assert response.status_code == 200
    body = response.content.decode()
    assert "承認待ち 2件" in body and "未提出の部署 14" in body
    keiei = re.search(r'<tr data-department="経営支援部">(.*?)</tr>', body, re.S).group(1)
    hanro = re.search(r'<tr data-department="販路支援部" class="unsubmitted">(.*?)</tr>', body, re.S).group(1)
    hanro_pk = Department.objects.get(code="hanro-shien").pk
    assert f'?department={hanro_pk}&amp;state=returned">1</a>' in hanro
    assert re.search(r'data-state="submitted"><a [^>]*>2</a>', keiei)
    total = re.search(r'<tr class="total">(.*?)</tr>', body, re.S).group(1)
    assert re.findall(r'<td class="num"[^>]*>(\d+)</td>', total) == ["22", "1", "2", "1", "0", "26"]
    # The matrix: 1-1 submitted in 第1四半期, 対象外 cells for the annual 1-2.
    row = re.search(r'<tr data-code="1-1">(.*?)</tr>', body, re.S).group(1)
    assert 'data-quarter="1" data-state="submitted"' in row and 'data-quarter="2" data-state="missing"' in row
    assert 'data-quarter="1" data-state="not_due"' in re.search(
        r'<tr data-code="1-2">(.*?)</tr>', body, re.S
    ).group(1)


def test_the_managers_landing_page_says_what_waits(scenario, manager_client, auditor_client, staff_client):
    body = manager_client.get("/dashboard/").content.decode()
    line = re.search(r'<li data-quarter="1">(.*?)</li>', body, re.S).group(1)
    assert "承認待ち 2件" in line and "未提出の部署 14" in line and "未入力の指標 22件／対象 26件" in line
    assert "/entry/2024/1/review/?state=submitted" in line
    # Quarters after the one work is happening in are not listed.
    assert 'data-quarter="2"' not in re.search(r'id="work-summary"(.*?)</section>', body, re.S).group(1)
    for other in (auditor_client, staff_client):
        assert "work-summary" not in other.get("/dashboard/").content.decode()


def test_a_locked_quarter_leaves_the_landing_summary_and_the_next_one_is_listed(
    scenario, manager, manager_client, fiscal_year
):
    services.quarter_lock(fiscal_year=fiscal_year, quarter=1, user=manager, reason="締め")
    summary = re.search(
        r'id="work-summary"(.*?)</section>', manager_client.get("/dashboard/").content.decode(), re.S
    )
    lines = dict(re.findall(r'<li data-quarter="(\d)">(.*?)</li>', summary.group(1), re.S))
    assert list(lines) == ["2"]
    assert "承認待ち 0件" in lines["2"] and "未提出の部署 15" in lines["2"]
    for q in (2, 3, 4):
        services.quarter_lock(fiscal_year=fiscal_year, quarter=q, user=manager, reason="締め")
    assert "締めていない四半期に作業はありません。" in manager_client.get("/dashboard/").content.decode()


def test_staff_may_not_open_the_completeness_page_and_auditors_may(scenario, staff_client, auditor_client):
    assert staff_client.get("/dashboard/2024/completeness/").status_code == 403
    assert auditor_client.get("/dashboard/2024/completeness/").status_code == 200


# ----------------------------------------------------------------------------------------------------- queue


def test_the_queue_shows_target_cumulative_and_the_rate_an_approval_would_give(scenario, manager_client):
    rows = _rows(manager_client.get(REVIEW).content.decode())
    assert set(rows) == {"1-1", "1-3", "2-1", "2-2"}  # entered figures only, not the 22 未入力
    # 123 ÷ 1,000 = 12.3 %.
    assert _cell(rows["1-1"], "value") == "123社"
    assert _cell(rows["1-1"], "cumulative") == "123社"
    assert _cell(rows["1-1"], "rate") == "12.3%"
    assert ">1,000社以上<" in rows["1-1"]
    # 49 ÷ 400 = 12.25 % → 12.3 % (half-up); against the 70 % target 12.25 ÷ 70 = 17.5 %.
    assert _cell(rows["1-3"], "value") == "49／400（12.3%）"
    assert _cell(rows["1-3"], "cumulative") == "49／400（12.3%）"
    assert _cell(rows["1-3"], "rate") == "17.5%"
    assert ">70%以上<" in rows["1-3"]
    # Links to the indicator's page.
    assert f'href="/indicators/{scenario["1-1"].indicator_id}/"' in rows["1-1"]


def test_the_cumulative_adds_approved_earlier_quarters_and_shows_last_quarter(staff_user, manager):
    q1 = _enter(staff_user, "1-1", value=D("100"))
    services.actual_approve(actual=q1, user=manager, expected_version=q1.version)
    _enter(staff_user, "1-1", quarter=2, value=D("23"))
    from django.test import Client

    client = Client()
    client.force_login(manager)
    row = _rows(client.get("/entry/2024/2/review/").content.decode())["1-1"]
    assert _cell(row, "value") == "23社"
    assert _cell(row, "cumulative") == "123社"  # 100 (approved) + 23
    assert _cell(row, "rate") == "12.3%"
    assert re.search(r'data-label="前四半期">100社<br><span class="muted">承認済み', row)


@pytest.mark.parametrize(
    ("query", "codes"),
    [
        ("state=submitted", {"1-1", "1-3"}),
        ("state=returned", {"2-2"}),
        ("state=approved", set()),
        ("pillar={pillar1}", {"1-1", "1-3"}),
        ("department={hanro}", {"2-1", "2-2"}),
        ("department={hanro}&state=draft", {"2-1"}),
        ("pillar={pillar1}&state=draft", set()),
    ],
)
def test_the_queue_filters_by_department_state_and_pillar(scenario, manager_client, query, codes):
    query = query.format(
        pillar1=Indicator.objects.get(code="1-1").section_id,
        hanro=Department.objects.get(code="hanro-shien").pk,
    )
    body = manager_client.get(f"{REVIEW}?{query}").content.decode()
    assert set(_rows(body)) == codes
    assert f"{len(codes)}件を表示しています。" in body


def test_the_missing_filter_lists_the_indicators_nobody_entered(scenario, manager_client):
    fund = Department.objects.get(code="fund").pk
    rows = _rows(manager_client.get(f"{REVIEW}?state=missing&department={fund}").content.decode())
    assert set(rows) == {"3-1", "3-1-1", "3-2", "3-2-1"}
    assert all('data-state="missing"' in html for html in rows.values())
    assert len(_rows(manager_client.get(f"{REVIEW}?state=missing").content.decode())) == 22


@pytest.mark.parametrize(
    "query", ["department=abc", "state=%00", "pillar=99999999", "department=1e9999", "state=x" * 50]
)
def test_a_malformed_filter_is_ignored_with_a_japanese_message(scenario, manager_client, query):
    response = manager_client.get(f"{REVIEW}?{query}")
    assert response.status_code in (200, 400)  # NUL is refused before any view (400)
    if response.status_code == 200:
        assert any("正しくないため" in m for m in _messages(response))
        assert len(_rows(response.content.decode())) == 4


def test_an_old_return_reason_is_labelled_under_the_approved_value(
    scenario, hanro_user, manager_client, manager
):
    rows = _rows(manager_client.get(REVIEW).content.decode())
    assert "差戻しの理由：件数の根拠を添付" in rows["2-2"]
    a22 = Actual.objects.get(pk=scenario["2-2"].pk)
    a22 = services.actual_submit(actual=a22, user=hanro_user, expected_version=a22.version)
    services.actual_approve(actual=a22, user=manager, expected_version=a22.version)
    row = _rows(manager_client.get(REVIEW).content.decode())["2-2"]
    assert 'data-state="approved"' in row
    assert "前回の差戻し・再開の理由：件数の根拠を添付" in row
    assert "差戻しの理由：" not in row.replace("前回の差戻し・再開の理由：", "")


# --------------------------------------------------------------------------------------------- bulk approval


def _selection(*actuals, versions=None):
    data = {"ids": [str(a.pk) for a in actuals]}
    for a in actuals:
        data[f"version-{a.pk}"] = str((versions or {}).get(a.pk, a.version))
    return data


def test_bulk_approval_asks_once_then_approves_every_row_with_its_history(scenario, manager_client, manager):
    a11, a13 = scenario["1-1"], scenario["1-3"]
    confirm = manager_client.post(BULK, _selection(a11, a13))
    assert confirm.status_code == 200
    body = confirm.content.decode()
    assert "2件を一括承認しますか" in body and "2件を承認する" in body
    assert re.search(r'<tr id="confirm-1-3">.*?17\.5%', body, re.S)
    assert Actual.objects.filter(state="approved").count() == 0  # nothing yet
    done = manager_client.post(BULK, {**_selection(a11, a13), "confirmed": "yes"}, follow=True)
    assert "2件を承認しました（1-1、1-3）。" in _messages(done)
    for a in (a11, a13):
        fresh = Actual.objects.get(pk=a.pk)
        assert (fresh.state, fresh.version, fresh.reviewed_by) == ("approved", a.version + 1, manager)
        last = fresh.history.order_by("-history_date").first()
        assert (last.history_change_reason, last.history_user) == ("承認", manager)


def test_a_stale_row_refuses_the_whole_bulk_approval(scenario, manager_client):
    a11, a13 = scenario["1-1"], scenario["1-3"]
    before = {a.pk: Actual.history.filter(id=a.pk).count() for a in (a11, a13)}
    data = {**_selection(a11, a13, versions={a13.pk: a13.version - 1}), "confirmed": "yes"}
    response = manager_client.post(BULK, data, follow=True)
    text = " ".join(_messages(response))
    assert "1-3の実績は他の利用者が先に更新しました" in text
    assert "選んだ2件のうち、どれも承認していません。" in text
    assert set(Actual.objects.filter(pk__in=[a11.pk, a13.pk]).values_list("state", flat=True)) == {
        "submitted"
    }
    assert {a.pk: Actual.history.filter(id=a.pk).count() for a in (a11, a13)} == before


def test_a_row_that_cannot_be_approved_is_named_and_nothing_is_approved(scenario, manager_client):
    a11, a21 = scenario["1-1"], scenario["2-1"]
    confirm = manager_client.post(BULK, _selection(a11, a21)).content.decode()
    assert "2-1は「下書き」のため承認できません。" in confirm and "件を承認する</button>" not in confirm
    response = manager_client.post(BULK, {**_selection(a11, a21), "confirmed": "yes"}, follow=True)
    assert any("2-1: 「下書き」の値を「承認済み」にはできません。" in m for m in _messages(response))
    assert Actual.objects.get(pk=a11.pk).state == "submitted"


def test_four_eyes_holds_in_a_bulk_approval(staff_user, department):
    both = make_user("kenmu", Role.STAFF, department)
    both.groups.add(Group.objects.get_or_create(name=str(Role.MANAGER))[0])
    own = _enter(both, "1-1", value=D("5"))
    other = _enter(staff_user, "1-3", numerator=D("1"), denominator=D("2"))
    from django.test import Client

    client = Client()
    client.force_login(both)
    response = client.post(BULK, {**_selection(own, other), "confirmed": "yes"}, follow=True)
    assert any("自分が提出した値は承認できません" in m for m in _messages(response))
    assert set(Actual.objects.values_list("state", flat=True)) == {"submitted"}


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"ids": ["abc"]}, "実績のID「abc」が読めません。"),
        ({"ids": ["1e9999"]}, "実績のID「1e9999」が読めません。"),
        ({"ids": ["-3"]}, "実績のID「-3」が読めません。"),
        ({}, "承認する実績を選んでください。"),
    ],
)
def test_unreadable_ids_get_a_japanese_message(scenario, manager_client, data, message):
    response = manager_client.post(BULK, {**data, "confirmed": "yes"}, follow=True)
    assert response.status_code == 200
    assert any(message in m for m in _messages(response))
    assert Actual.objects.filter(state="approved").count() == 0


def test_an_unreadable_or_missing_version_gets_a_japanese_message(scenario, manager_client):
    a11 = scenario["1-1"]
    for version in ("x", "", "1.5", "9" * 40):
        data = {"ids": [str(a11.pk)], f"version-{a11.pk}": version, "confirmed": "yes"}
        response = manager_client.post(BULK, data, follow=True)
        assert any(f"ID {a11.pk} の版番号が送られていないか、読めません。" in m for m in _messages(response))
    assert Actual.objects.get(pk=a11.pk).state == "submitted"


def test_more_ids_than_the_quarter_holds_are_refused_before_any_is_read(scenario, manager_client):
    data = {"ids": [str(n) for n in range(1, 6)], "confirmed": "yes"}  # the quarter holds 4 actuals
    response = manager_client.post(BULK, data, follow=True)
    assert any(
        "選ばれた件数（5件）がこの四半期の実績の数（4件）を超えています" in m for m in _messages(response)
    )
    assert Actual.objects.filter(state="approved").count() == 0


def test_an_actual_of_another_quarter_is_refused(scenario, staff_user, manager_client):
    q2 = _enter(staff_user, "1-1", quarter=2, value=D("7"))
    response = manager_client.post(BULK, {**_selection(scenario["1-1"], q2), "confirmed": "yes"}, follow=True)
    assert any(f"ID {q2.pk}: この四半期の実績ではありません。" in m for m in _messages(response))
    assert Actual.objects.filter(state="approved").count() == 0


def test_staff_and_auditors_get_403_on_the_queue_actions(scenario, staff_client, auditor_client):
    a11 = scenario["1-1"]
    for client in (staff_client, auditor_client):
        assert client.post(BULK, {**_selection(a11), "confirmed": "yes"}).status_code == 403
        assert (
            client.post(
                f"/entry/actual/{a11.pk}/return/", {"reason": "x", "version": a11.version}
            ).status_code
            == 403
        )
        assert (
            client.post("/entry/2024/1/lock/", {"reason": "締め", "confirm_incomplete": "yes"}).status_code
            == 403
        )
    assert staff_client.get(REVIEW).status_code == 403
    assert Actual.objects.get(pk=a11.pk).state == "submitted"
    assert not QuarterLock.objects.exists()


def test_the_filters_survive_a_return(scenario, manager_client):
    a13 = scenario["1-3"]
    response = manager_client.post(
        f"/entry/actual/{a13.pk}/return/",
        {"reason": "回答数の内訳を添付してください", "version": a13.version, "filters": "state=submitted"},
    )
    assert response["Location"] == f"{REVIEW}?state=submitted"
    assert Actual.objects.get(pk=a13.pk).review_comment == "回答数の内訳を添付してください"


# --------------------------------------------------------------------------------------------------- locking


def test_locking_an_incomplete_quarter_lists_what_is_missing_and_asks(scenario, manager_client, fiscal_year):
    response = manager_client.post("/entry/2024/1/lock/", {"reason": "期限到来のため"})
    assert response.status_code == 200
    body = response.content.decode()
    assert not QuarterLock.objects.filter(fiscal_year=fiscal_year, quarter=1).exists()
    assert "承認済みでない指標が<strong>26件</strong>あります" in body
    listed = dict(re.findall(r'<tr data-code="([^"]+)" data-state="([^"]+)">', body))
    assert len(listed) == 26
    assert (listed["1-1"], listed["2-1"], listed["2-2"], listed["3-1"]) == (
        "submitted",
        "draft",
        "returned",
        "missing",
    )
    assert "1-2" not in listed  # annual: not due in 第1四半期
    counts = dict(re.findall(r'data-count-state="([^"]+)">[^<]* (\d+)件', body))
    assert counts == {"missing": "22", "draft": "1", "submitted": "2", "returned": "1"}
    assert 'value="期限到来のため"' in body and 'name="confirm_incomplete"' in body


def test_a_confirmed_lock_records_the_reason(scenario, manager_client, manager, fiscal_year):
    response = manager_client.post(
        "/entry/2024/1/lock/", {"reason": "期限到来のため", "confirm_incomplete": "yes", "confirm_step": "1"}
    )
    assert response.status_code == 302
    lock = QuarterLock.objects.get(fiscal_year=fiscal_year, quarter=1)
    assert (lock.is_locked, lock.reason, lock.changed_by) == (True, "期限到来のため", manager)
    assert lock.history.first().history_change_reason == "期限到来のため"


def test_a_complete_quarter_locks_without_asking(manager_client, fiscal_year):
    """The lock closes the budget execution and the measures' 取組状況 too: with every indicator approved it still
    lists theirs (per column, per department); once they are approved as well, it locks without asking."""
    from budgets.models import BudgetCell, BudgetColumn, BudgetExecution, BudgetRow
    from evaluation.models import MeasureProgress
    from indicators.selectors import indicator_is_due
    from measures.models import Measure

    for ind in Indicator.objects.filter(plan__fiscal_year=fiscal_year):
        if indicator_is_due(indicator=ind, quarter=2):
            Actual.objects.create(
                indicator=ind, fiscal_year=fiscal_year, quarter=2, state="approved", value=D(1)
            )
    response = manager_client.post("/entry/2024/2/lock/", {"reason": "全件承認済み"})
    assert response.status_code == 200
    body = response.content.decode()
    assert "指標はすべて承認済みですが" in body
    assert "予算の執行額（勘定・列ごとの行数）" in body and "施策の取組状況（担当部署ごとの施策数）" in body
    assert "財務部の施策</a></th>\n    <td>財務部</td>\n    <td>未入力 49件" in body  # 49 measures of 財務部
    assert not QuarterLock.objects.filter(fiscal_year=fiscal_year, quarter=2).exists()

    due = BudgetCell.objects.filter(
        column__table__fiscal_year=fiscal_year,
        column__table__kind="budget",
        row__role=BudgetRow.Role.ITEM,
        amount__isnull=False,
    ).exclude(column__role__in=[BudgetColumn.Role.SEGMENT_TOTAL, BudgetColumn.Role.GRAND_TOTAL])
    BudgetExecution.objects.bulk_create(
        BudgetExecution(row_id=c.row_id, column_id=c.column_id, quarter=2, amount=D(1), state="approved")
        for c in due
    )
    MeasureProgress.objects.bulk_create(
        MeasureProgress(measure=m, fiscal_year=fiscal_year, quarter=2, status="on_schedule", state="approved")
        for m in Measure.objects.filter(plan__fiscal_year=fiscal_year)
    )
    response = manager_client.post("/entry/2024/2/lock/", {"reason": "全件承認済み"})
    assert response.status_code == 302
    assert QuarterLock.objects.get(fiscal_year=fiscal_year, quarter=2).is_locked


def test_the_review_page_warns_before_the_lock(scenario, manager_client):
    body = manager_client.get(REVIEW).content.decode()
    assert "承認済みでない指標が26件あります" in body


@EXAMPLES
@given(ids=st.lists(hostile_text, max_size=6), version=hostile_text, confirmed=st.sampled_from(["", "yes"]))
def test_hostile_bulk_approvals_never_fail_and_never_approve_half(scenario, manager, ids, version, confirmed):
    """Random and malicious ids and versions: never a 500; either every selected row is approved or none."""
    from django.test import Client

    client = Client()
    client.force_login(manager)
    with rolled_back():
        data = {"ids": ids, "confirmed": confirmed}
        for raw in ids:
            data[f"version-{raw}"] = version
        before = dict(Actual.objects.values_list("pk", "state"))
        response = client.post(BULK, data)
        assert_no_server_error(response)
        after = dict(Actual.objects.values_list("pk", "state"))
        changed = {pk for pk in before if before[pk] != after[pk]}
        if changed:  # only a readable selection of submitted rows with their versions gets this far
            assert confirmed == "yes" and all(after[pk] == "approved" for pk in changed)
            assert len(changed) == len(ids)


def test_the_landing_summary_follows_every_approval_and_return(
    scenario, manager_client, django_assert_max_num_queries
):
    """Kept with the dashboard's memoised rows, it is never stale: each change of a state is a new count."""

    def line():
        body = manager_client.get("/dashboard/").content.decode()
        return re.search(r'<li data-quarter="1">(.*?)</li>', body, re.S).group(1)

    assert "承認待ち 2件" in line() and "未提出の部署 14" in line()
    with django_assert_max_num_queries(9):  # a memo hit: the overview's 8 and the locks
        line()
    a11, a13 = scenario["1-1"], scenario["1-3"]
    manager_client.post(BULK, {**_selection(a11), "confirmed": "yes"})
    assert "承認待ち 1件" in line() and "未提出の部署 14" in line()
    manager_client.post(f"/entry/actual/{a13.pk}/return/", {"reason": "内訳を添付", "version": a13.version})
    # 経営支援部 now has a figure to send again.
    assert "承認待ち 0件" in line() and "未提出の部署 15" in line()


# ------------------------------------------------------------------------------------------------------ pages
# A year of 250 indicators is five pages of 50 (README「提出状況と確認・承認」). The page size is set small here
# so the plan's own indicators fill several pages.


@pytest.fixture
def page_size(monkeypatch):
    def set_size(n):
        monkeypatch.setattr(entry_views, "REVIEW_PAGE_SIZE", n)

    return set_size


def _count_line(body: str) -> str:
    return re.search(r'<p class="muted" id="queue-count">(.*?)</p>', body).group(1)


def _page_links(body: str) -> list[tuple[str, str]]:
    nav = re.search(r'<nav class="queue-pages"[^>]*>(.*?)</nav>', body, re.S)
    if nav is None:
        return []
    return re.findall(r'<a href="([^"]*)">([^<]*)</a>|<span aria-current="page">([^<]*)</span>', nav.group(1))


def test_each_page_holds_its_rows_with_their_own_figures(scenario, manager_client, page_size):
    page_size(3)
    first = manager_client.get(REVIEW).content.decode()
    rows = _rows(first)
    assert list(rows) == ["1-1", "1-3", "2-1"]  # plan order
    assert _count_line(first) == "4件のうち 1〜3件目を表示しています。"
    assert _cell(rows["1-1"], "value") == "123社" and _cell(rows["1-1"], "rate") == "12.3%"
    assert _cell(rows["1-3"], "value") == "49／400（12.3%）" and _cell(rows["1-3"], "rate") == "17.5%"
    second = manager_client.get(REVIEW, {"page": 2}).content.decode()
    rows = _rows(second)
    assert list(rows) == ["2-2"]
    assert _cell(rows["2-2"], "value") == "10件"
    assert "差戻しの理由：件数の根拠を添付" in rows["2-2"]
    assert _count_line(second) == "4件のうち 4〜4件目を表示しています。"
    # Both pages link to each other (前へ／次へ and the numbers), the page shown is marked, not linked.
    assert ("?page=2", "次へ") in [(href, text) for href, text, _ in _page_links(first)]
    assert ("", "", "2") in _page_links(second)
    assert ("?page=1", "前へ") in [(href, text) for href, text, _ in _page_links(second)]


def test_the_filters_are_kept_in_every_page_link_and_the_pages_cover_the_filtered_list(
    scenario, manager_client, page_size
):
    page_size(10)
    fy = FiscalYear.objects.get(year=2024)
    missing = [
        c.indicator.code
        for c in indicator_completeness(fiscal_year=fy).quarters[1].cells
        if c.state == "missing"
    ]
    assert len(missing) == 22
    shown = []
    for page in (1, 2, 3):
        body = manager_client.get(REVIEW, {"state": "missing", "page": page}).content.decode()
        shown += list(_rows(body))
        links = [href for href, _text, _current in _page_links(body) if href]
        assert links and all(href.startswith("?state=missing&amp;page=") for href in links)
    assert shown == missing  # every 未入力 indicator once, in plan order: 10 + 10 + 2
    body = manager_client.get(REVIEW, {"state": "missing", "page": 3}).content.decode()
    assert _count_line(body) == "22件のうち 21〜22件目を表示しています。"


def test_everything_on_one_page_has_no_page_links(scenario, manager_client):
    body = manager_client.get(REVIEW).content.decode()
    assert _count_line(body) == "4件を表示しています。"
    assert _page_links(body) == []


@pytest.mark.parametrize(
    "raw, page",
    [
        ("0", 1),
        ("-1", 1),
        ("abc", 1),
        ("1e9999", 1),
        ("9" * 5000, 1),
        ("２", 2),  # full-width digits read as the number parser reads them everywhere
        ("99", 2),  # past the end: the last page
        (str(2**63 - 1), 2),  # the largest id the parser reads: past the end
        (str(2**63), 1),  # beyond it: unreadable
    ],
)
def test_a_hostile_page_number_shows_the_first_or_the_last_page(
    scenario, manager_client, page_size, raw, page
):
    page_size(3)
    response = manager_client.get(REVIEW, {"page": raw})
    assert response.status_code == 200
    expected = ["1-1", "1-3", "2-1"] if page == 1 else ["2-2"]
    assert list(_rows(response.content.decode())) == expected


def test_the_bulk_approval_counts_this_page_and_the_whole_queue(scenario, manager_client, page_size):
    page_size(1)
    body = manager_client.get(REVIEW).content.decode()
    assert "このページで承認できるもの 1件。一覧全体では 2件" in body
    assert body.count('name="ids"') == 1
    body = manager_client.get(REVIEW, {"page": 3}).content.decode()  # 2-1, a draft: nothing to approve
    assert 'id="bulk-form"' not in body


def test_rows_chosen_on_two_pages_are_approved_together(scenario, manager_client, page_size):
    page_size(1)
    a11, a13 = scenario["1-1"], scenario["1-3"]
    data = {"ids": [a11.pk, a13.pk], f"version-{a11.pk}": a11.version, f"version-{a13.pk}": a13.version}
    confirm = manager_client.post(REVIEW + "approve/", data).content.decode()
    assert "2件を一括承認しますか" in confirm
    assert set(re.findall(r'<tr id="confirm-([^"]+)"', confirm)) == {"1-1", "1-3"}
    manager_client.post(REVIEW + "approve/", {**data, "confirmed": "yes"})
    a11.refresh_from_db()
    a13.refresh_from_db()
    assert (a11.state, a13.state) == ("approved", "approved")


def test_a_page_reads_the_same_number_of_queries_whatever_the_rows(scenario, manager_client, page_size):
    """Three for the rows of a page (their indicators, this quarter's actuals with who changed them, the earlier
    quarters' figures), however many rows the page has, whichever page it is and however many are entered."""
    from django.core.cache import caches
    from django.db import connection

    def queries(page: int) -> int:
        caches["progress"].clear()  # every read from the database, not the cache
        with CaptureQueriesContext(connection) as captured:
            assert manager_client.get(REVIEW, {"page": page}).status_code == 200
        return len(captured)

    counts = []
    for size, page in ((1, 1), (3, 1), (3, 2), (50, 1)):
        page_size(size)
        counts.append(queries(page))
    fy = FiscalYear.objects.get(year=2024)
    for code in ("3-1", "3-2", "4-1", "4-2"):
        Actual.objects.create(
            indicator=Indicator.objects.get(code=code), fiscal_year=fy, quarter=1, state="draft"
        )
    counts.append(queries(1))
    assert len(set(counts)) == 1, counts


def test_an_approval_or_a_return_goes_back_to_the_same_page_with_the_filters(
    scenario, manager_client, page_size
):
    page_size(1)
    body = manager_client.get(REVIEW, {"state": "submitted", "page": 2}).content.decode()
    row = _rows(body)["1-3"]
    assert 'name="filters" value="state=submitted&amp;page=2"' in row
    a13 = scenario["1-3"]
    response = manager_client.post(
        f"/entry/actual/{a13.pk}/approve/", {"version": a13.version, "filters": "state=submitted&page=2"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"{REVIEW}?state=submitted&page=2"
    a11 = scenario["1-1"]
    response = manager_client.post(
        REVIEW + "approve/",
        {"ids": [a11.pk], f"version-{a11.pk}": a11.version, "confirmed": "yes", "filters": "page=1&state=x<"},
    )
    assert response["Location"] == f"{REVIEW}?state=x%3C&page=1"  # carried back as text; the queue checks it
    assert "状態の指定が正しくないため" in manager_client.get(response["Location"]).content.decode()
