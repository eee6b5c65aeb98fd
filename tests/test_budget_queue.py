"""The review of executed amounts works like the indicators' queue (docs/domain.md「提出状況と締め」): counts per
column on the 提出状況 page, filters, the 累計 and 執行率 an approval would give, bulk approval all or nothing.

一般勘定 運営費交付金: 地域牽引・成長志向企業支援業務 (経営支援部, 予算額 102,976) has 25,000 approved in 第1四半期 and
26,000 submitted in 第2四半期; 新市場開拓支援業務 (販路支援部) has 100 submitted in 第2四半期."""

import re
from decimal import Decimal

import pytest

from budgets import services
from budgets.completeness import execution_completeness
from budgets.models import BudgetColumn, BudgetExecution, BudgetRow
from budgets.selectors import budget_execution_summary
from measures.models import Department
from smrj_plan.roles import Role
from tests.conftest import make_user

REGION = "地域牽引・成長志向企業支援業務"
MARKET = "新市場開拓支援業務"
PAGE = "/budgets/execution/ippan/"
BULK = "/budgets/execution/ippan/approve/"


def _line(segment):
    row = BudgetRow.objects.get(table__kind="budget", table__account__code="ippan", label="運営費交付金")
    column = BudgetColumn.objects.select_related("table__fiscal_year").get(table=row.table, segment=segment)
    return row, column


def _submit(line, user, amount, quarter):
    row, column = line
    entry = services.execution_save(
        row=row, column=column, quarter=quarter, amount=Decimal(amount), user=user, expected_version=0
    )
    return services.execution_submit(execution=entry, user=user, expected_version=entry.version)


@pytest.fixture
def hanro_user(db):
    return make_user("hanro", Role.STAFF, Department.objects.get(code="hanro-shien"))


@pytest.fixture
def entries(staff_user, hanro_user, manager):
    q1 = _submit(_line(REGION), staff_user, "25000", 1)
    q1 = services.execution_approve(execution=q1, user=manager, expected_version=q1.version)
    q2 = _submit(_line(REGION), staff_user, "26000", 2)
    market = _submit(_line(MARKET), hanro_user, "100", 2)
    return {"q1": q1, "q2": q2, "market": market}


def _rows(body):
    return dict(re.findall(r'<tr id="execution-(\d+)" data-state="[^"]+">(.*?)</tr>', body, re.S))


def _messages(response):
    return [str(m) for m in response.context["messages"]]


def test_columns_are_counted_by_state_for_the_quarter(entries, fiscal_year):
    columns = {c.column_id: c for c in execution_completeness(fiscal_year=fiscal_year, quarter=2)}
    region_column, market_column = _line(REGION)[1], _line(MARKET)[1]
    region, market = columns[region_column.pk], columns[market_column.pk]
    assert (region.label, market.label) == (f"{REGION}（一般経理）", f"{MARKET}（一般経理）")
    # Due lines: the 予算計画 items with a published amount in the column (the page's lines with a 予算額).
    summary = budget_execution_summary(fiscal_year=2024, account_code="ippan")
    due = {
        column.pk: sum(1 for ln in summary.lines if ln.column_pk == column.pk and ln.budget is not None)
        for column in (region_column, market_column)
    }
    assert region.total == due[region_column.pk] and market.total == due[market_column.pk]
    assert region.counts["submitted"] == 1 and region.counts["missing"] == due[region_column.pk] - 1
    assert market.counts["submitted"] == 1 and market.counts["missing"] == due[market_column.pk] - 1
    assert (region.department.code, market.department.code) == ("keiei-shien", "hanro-shien")
    q1 = {c.column_id: c for c in execution_completeness(fiscal_year=fiscal_year, quarter=1)}
    assert q1[region_column.pk].counts["approved"] == 1 and q1[market_column.pk].counts["submitted"] == 0


def test_the_completeness_page_lists_the_execution_columns(entries, manager_client):
    body = manager_client.get("/dashboard/2024/completeness/?q=2").content.decode()
    assert body.count('id="execution-counts"') == 1 and "<title>提出状況" in body
    table = re.search(
        r'<table class="completeness-table" id="execution-counts">(.*?)</table>', body, re.S
    ).group(1)
    column = _line(REGION)[1]
    region = re.search(rf'<tr data-column="{column.pk}"[^>]*>(.*?)</tr>', table, re.S).group(1)
    assert f"<td>{REGION}（一般経理）</td><td>経営支援部</td>" in region
    keiei = Department.objects.get(code="keiei-shien").pk
    assert f'/budgets/execution/ippan/?state=submitted&amp;department={keiei}#review">1</a>' in region


def test_the_review_list_shows_budget_last_quarter_cumulative_and_rate(entries, manager_client):
    rows = _rows(manager_client.get(PAGE).content.decode())
    row = rows[str(entries["q2"].pk)]
    assert re.search(r'<td class="num">102,976</td>', row)
    assert '<td class="num">25,000.000</td>' in row  # last quarter
    assert re.search(r'<td class="num cumulative">51,000.000</td>', row)
    # 51,000 ÷ 102,976 = 49.526…% → 49.5%.
    assert re.search(r'<td class="num rate">49.5%</td>', row)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("state=submitted", {"q2", "market"}),
        ("state=approved", {"q1"}),
        ("department={keiei}", {"q1", "q2"}),
        ("department={hanro}&state=submitted", {"market"}),
        ("department=abc", {"q1", "q2", "market"}),
    ],
)
def test_the_review_list_filters_by_department_and_state(entries, manager_client, query, expected):
    query = query.format(
        keiei=Department.objects.get(code="keiei-shien").pk,
        hanro=Department.objects.get(code="hanro-shien").pk,
    )
    rows = _rows(manager_client.get(f"{PAGE}?{query}").content.decode())
    assert set(rows) == {str(entries[k].pk) for k in expected}


def test_bulk_approval_of_executions_confirms_then_approves_each_with_history(
    entries, manager_client, manager
):
    q2, market = entries["q2"], entries["market"]
    data = {"ids": [q2.pk, market.pk], f"version-{q2.pk}": q2.version, f"version-{market.pk}": market.version}
    confirm = manager_client.post(BULK, data)
    assert confirm.status_code == 200 and "執行額2件を一括承認しますか" in confirm.content.decode()
    assert re.search(rf'<tr id="confirm-{q2.pk}">.*?49.5%', confirm.content.decode(), re.S)
    assert BudgetExecution.objects.filter(state="approved").count() == 1
    done = manager_client.post(BULK, {**data, "confirmed": "yes"}, follow=True)
    assert "執行額2件を承認しました。" in _messages(done)
    for entry in (q2, market):
        fresh = BudgetExecution.objects.get(pk=entry.pk)
        assert (fresh.state, fresh.version, fresh.reviewed_by) == ("approved", entry.version + 1, manager)
        assert fresh.history.order_by("-history_date").first().history_change_reason == "承認"


def test_a_stale_execution_refuses_the_whole_batch(entries, manager_client):
    q2, market = entries["q2"], entries["market"]
    data = {
        "ids": [q2.pk, market.pk],
        f"version-{q2.pk}": q2.version,
        f"version-{market.pk}": market.version - 1,
        "confirmed": "yes",
    }
    response = manager_client.post(BULK, data, follow=True)
    text = " ".join(_messages(response))
    assert f"運営費交付金（{MARKET}（一般経理））第2四半期：他の利用者が先に更新しました" in text
    assert "選んだ2件のうち、どれも承認していません。" in text
    assert BudgetExecution.objects.get(pk=q2.pk).state == "submitted"


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"ids": ["abc"]}, "執行額のID「abc」が読めません。"),
        ({"ids": ["1"] * 50}, "がこの勘定の執行額の数（3件）を超えています"),
        ({}, "承認する執行額を選んでください。"),
    ],
)
def test_hostile_execution_ids_get_a_japanese_message(entries, manager_client, data, message):
    response = manager_client.post(BULK, {**data, "confirmed": "yes"}, follow=True)
    assert response.status_code == 200
    assert any(message in m for m in _messages(response))
    assert BudgetExecution.objects.filter(state="approved").count() == 1


def test_staff_and_auditors_get_403_on_the_bulk_approval(entries, staff_client, auditor_client):
    q2 = entries["q2"]
    data = {"ids": [q2.pk], f"version-{q2.pk}": q2.version, "confirmed": "yes"}
    assert staff_client.post(BULK, data).status_code == 403
    assert auditor_client.post(BULK, data).status_code == 403
    assert BudgetExecution.objects.get(pk=q2.pk).state == "submitted"
