"""Budget execution on the dashboard: 執行率 of a 勘定's 予算計画 支出 by segment and quarter, with its chart."""

import json
import re
from decimal import Decimal as D

import pytest
from django.urls import reverse

from budgets.models import BudgetColumn, BudgetExecution, BudgetRow
from dashboard.selectors import budget_execution_by_segment
from measures.models import FiscalYear

REGION = "地域牽引・成長志向企業支援業務"


@pytest.fixture
def region_expenses(db):
    """一般勘定 業務経費 × 地域牽引（一般経理）: 予算 103,866 (+ 一般管理費 168 = 支出 104,034 for the segment)."""
    row = BudgetRow.objects.get(table__kind="budget", table__account__code="ippan", label="業務経費")
    column = BudgetColumn.objects.get(table=row.table, segment=REGION, ledger="一般経理")
    BudgetExecution.objects.create(row=row, column=column, quarter=1, amount=D("20000"), state="approved")
    BudgetExecution.objects.create(row=row, column=column, quarter=2, amount=D("31000"), state="approved")
    BudgetExecution.objects.create(row=row, column=column, quarter=3, amount=D("10000"), state="draft")


def test_execution_rate_by_segment_and_quarter(region_expenses):
    overview = budget_execution_by_segment(
        fiscal_year=FiscalYear.objects.get(year=2024), account_code="ippan"
    )
    region = next(s for s in overview.segments if s.label.startswith(REGION))
    assert region.budget == D("104034")
    assert region.cumulative == [D("20000"), D("51000"), D("51000"), D("51000")]
    # 20,000 / 104,034 = 19.22 %; 51,000 / 104,034 = 49.02 %
    # Nothing approved after Q2 yet: no rate for Q3 and Q4 (not a flat 49.0 %).
    assert region.cumulative_rates == [D("19.2"), D("49.0"), None, None]
    assert region.rate == D("49.0")
    assert region.pending == D("10000")
    assert overview.total.budget == sum((s.budget for s in overview.segments if s.budget is not None), D("0"))
    assert overview.total.cumulative[1] == D("51000")
    assert [seg.through for seg in overview.segments] == [2] * len(overview.segments)


def test_budget_page_renders_rates_and_chart(manager_client, region_expenses):
    response = manager_client.get(reverse("dashboard:budget"), {"year": 2024, "account": "ippan"})
    assert response.status_code == 200
    content = response.content.decode()
    row = re.search(
        r'<tr data-segment="地域牽引・成長志向企業支援業務（一般経理）">(.*?)</tr>', content, re.S
    ).group(1)
    texts = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, re.S)]
    assert texts[:6] == [
        "地域牽引・成長志向企業支援業務（一般経理）",
        "104,034",
        "20,000.000",
        "19.2%",
        "31,000.000",
        "49.0%",
    ]
    assert texts[6:10] == ["—", "—", "—", "—"]
    assert texts[-1] == "10,000.000"  # unapproved, apart
    island = re.search(
        r'<script id="budget-chart" type="application/json">(.*?)</script>', content, re.S
    ).group(1)
    chart = json.loads(island)
    line = next(t for t in chart["data"] if t["name"].startswith(REGION))
    assert line["y"] == [19.2, 49.0, None, None]


def test_budget_page_access(client, staff_client, auditor_client, manager_client, db):
    url = reverse("dashboard:budget")
    assert client.get(url).status_code == 302
    assert auditor_client.get(url).status_code == 200
    staff = staff_client.get(url, {"account": "ippan"})
    assert staff.status_code == 200
    # A 担当者 sees only the columns their department enters.
    labels = [s.label for s in staff.context["execution"].segments]
    assert labels and all(label.startswith(REGION) for label in labels)
    assert manager_client.get(url, {"account": "nope"}).status_code == 404
    assert manager_client.get(url, {"year": "x"}).status_code == 404


def test_budget_page_query_count_is_constant(manager_client, django_assert_max_num_queries, region_expenses):
    with django_assert_max_num_queries(12):
        manager_client.get(reverse("dashboard:budget"), {"account": "ippan"})


def test_staff_without_a_department_see_no_budget_columns(client, region_expenses):
    from smrj_plan.roles import Role
    from tests.conftest import make_user

    client.force_login(make_user("nodept", Role.STAFF, None))
    response = client.get(reverse("dashboard:budget"), {"account": "ippan"})
    assert response.status_code == 200
    assert response.context["execution"].segments == []
    # No line counted: no amount, shown 「-」 (not 0).
    assert response.context["execution"].total.budget is None
    assert response.context["execution"].total.budget_text == "-"
