"""The change history through the API (管理者・監査担当): each change with who, when, old → new, state and reason, for
actuals, executed amounts, final ratings and quarter locks, the same rows as the workbook's 変更履歴 sheet; the CSV
has one line per changed field; a page costs the same queries however long the history is."""

import csv
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from budgets.models import BudgetColumn, BudgetExecution, BudgetRow, BudgetTable
from indicators import rating_services, services
from indicators.models import Actual, Indicator

pytestmark = pytest.mark.django_db
URL = "/api/v1/history/"


@pytest.fixture
def changed(fiscal_year, staff_user, manager):
    """1-1 Q1: 100 → 120 (two saves), submitted, returned with a reason, 120 → 130, submitted, approved."""
    ind = Indicator.objects.get(code="1-1")
    a = services.actual_save(
        indicator=ind,
        fiscal_year=fiscal_year,
        quarter=1,
        user=staff_user,
        data={"value": Decimal("100")},
        expected_version=0,
    )
    a = services.actual_save(
        indicator=ind,
        fiscal_year=fiscal_year,
        quarter=1,
        user=staff_user,
        data={"value": Decimal("120")},
        expected_version=a.version,
    )
    a = services.actual_submit(actual=a, user=staff_user, expected_version=a.version)
    a = services.actual_return(
        actual=a, user=manager, reason="根拠資料を添えてください", expected_version=a.version
    )
    a = services.actual_save(
        indicator=ind,
        fiscal_year=fiscal_year,
        quarter=1,
        user=staff_user,
        data={"value": Decimal("130"), "evidence": "集計表"},
        expected_version=a.version,
    )
    a = services.actual_submit(actual=a, user=staff_user, expected_version=a.version)
    services.actual_approve(actual=a, user=manager, expected_version=a.version)
    services.quarter_lock(fiscal_year=fiscal_year, quarter=1, user=manager, reason="第1四半期の締め")
    return a


def test_each_change_with_who_old_new_state_and_reason(changed, auditor_client, staff_user):
    got = auditor_client.get(f"{URL}?year=2024&kind=actual&indicator=1-1").json()
    assert got["count"] == 7
    rows = got["results"]
    assert [r["reason"] for r in rows] == [
        "下書き保存",
        "下書き保存",
        "提出",
        "根拠資料を添えてください",
        "下書き保存",
        "提出",
        "承認",
    ]
    first, second = rows[0], rows[1]
    assert first["operation"] == "新規" and first["user"] == "tanto" and first["target"].startswith("1-1 ")
    assert {"field": "value", "label": "実績値", "old": None, "new": "100"} in first["changes"]
    assert second["changes"] == [{"field": "value", "label": "実績値", "old": "100", "new": "120"}]
    assert {"field": "state", "label": "状態", "old": "提出済み", "new": "差戻し"} in rows[3]["changes"]
    assert {c["field"] for c in rows[4]["changes"]} == {"value", "evidence"}
    assert (
        rows[6]["state"] == "承認済み"
        and rows[6]["user"] == "kanri"
        and rows[6]["quarter_label"] == "第1四半期"
    )
    assert rows[0]["at"].endswith("+09:00"), "times in Asia/Tokyo"


def test_the_csv_has_one_line_per_changed_field(changed, manager_client):
    response = manager_client.get(f"{URL}?year=2024&kind=actual&format=csv")
    lines = list(csv.DictReader(io.StringIO(response.content.decode("utf-8").lstrip("\ufeff"))))
    fifth = [
        line
        for line in lines
        if line["reason"] == "下書き保存" and line["change_field"] in ("value", "evidence")
    ]
    assert ("value", "120", "130") in {(x["change_field"], x["change_old"], x["change_new"]) for x in fifth}
    assert ("evidence", "", "集計表") in {
        (x["change_field"], x["change_old"], x["change_new"]) for x in fifth
    }
    assert response["X-Total-Count"] == "7"


def test_locks_ratings_and_executions_have_their_own_history(
    changed, manager_client, manager, fiscal_year, department
):
    locks = manager_client.get(f"{URL}?kind=lock").json()["results"]
    assert [(r["state"], r["reason"], r["quarter"]) for r in locks] == [("締め済み", "第1四半期の締め", 1)]
    rating_services.final_rating_set(
        indicator=Indicator.objects.get(code="2-1"),
        fiscal_year=fiscal_year,
        grade="A",
        reason="大きく上回った",
        user=manager,
    )
    ratings = manager_client.get(f"{URL}?kind=rating").json()["results"]
    assert ratings[0]["target"].startswith("2-1 ") and ratings[0]["state"] == "評定 A"
    assert {"field": "grade", "label": "評定", "old": None, "new": "A"} in ratings[0]["changes"]
    table = BudgetTable.objects.get(fiscal_year=fiscal_year, kind="budget", account__code="ippan")
    column = table.columns.exclude(
        role__in=[BudgetColumn.Role.SEGMENT_TOTAL, BudgetColumn.Role.GRAND_TOTAL]
    ).first()
    row = table.rows.filter(role=BudgetRow.Role.ITEM).first()
    execution = BudgetExecution(row=row, column=column, quarter=2, amount=Decimal("12.345"))
    execution._change_reason = "下書き保存"
    execution.save()
    executions = manager_client.get(f"{URL}?kind=execution").json()["results"]
    assert executions[-1]["target"].startswith("一般勘定 予算計画 ")
    assert {"field": "amount", "label": "執行額（百万円）", "old": None, "new": "12.345"} in executions[-1][
        "changes"
    ]


def test_all_kinds_merge_in_time_order_like_the_workbook_sheet(changed, manager_client, fiscal_year):
    from measures.models import PlanDocument
    from reports.history_sheet import history_rows as sheet_rows
    from smrj_plan.xlsx.context import ExportContext

    got = manager_client.get(f"{URL}?year=2024&page_size=500&format=csv")
    lines = list(csv.DictReader(io.StringIO(got.content.decode("utf-8").lstrip("\ufeff"))))
    ctx = ExportContext(
        fiscal_year=fiscal_year,
        plan=PlanDocument.objects.get(fiscal_year=fiscal_year),
        quarter=4,
        include_drafts=True,
        exported_by="試験",
    )
    sheet = list(sheet_rows(ctx))
    assert len(lines) == len(sheet) == 12  # each changed field of the 7 saves of 1-1 and of the lock
    assert [(x["kind_label"], x["change_label"]) for x in lines] == [(r[2], r[6]) for r in sheet]
    assert [x["reason"] for x in lines] == [r[-1] for r in sheet]


def test_a_page_costs_the_same_queries_however_long_the_history(
    changed, manager_client, staff_user, fiscal_year
):
    def queries():
        manager_client.get(f"{URL}?kind=actual&page_size=5")  # warm the session and the user
        with CaptureQueriesContext(connection) as ctx:
            response = manager_client.get(f"{URL}?kind=actual&page_size=5")
        assert response.status_code == 200 and len(response.json()["results"]) == 5
        return len(ctx.captured_queries)

    short = queries()
    ind = Indicator.objects.get(code="2-1")
    actual, user = None, _staff_of(ind)
    for value in range(1, 41):
        actual = services.actual_save(
            indicator=ind,
            fiscal_year=fiscal_year,
            quarter=2,
            user=user,
            data={"value": Decimal(value)},
            expected_version=actual.version if actual else 0,
        )
    assert Actual.history.count() >= 47
    assert queries() == short


def _staff_of(indicator):
    from smrj_plan.roles import Role
    from tests.conftest import make_user

    return make_user("hanro-tanto", Role.STAFF, indicator.department)


@pytest.mark.parametrize("client_name", ["staff_client", "other_staff_client"])
def test_staff_do_not_read_the_history(changed, request, client_name):
    response = request.getfixturevalue(client_name).get(URL)
    assert response.status_code == 403
    assert response.json()["detail"] == "変更履歴は管理者・監査担当だけが閲覧できます。"
