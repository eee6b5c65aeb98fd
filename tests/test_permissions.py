"""Every URL of the project against every role: anonymous, 担当者 of the owning 部署, 担当者 of another 部署,
管理者 and 監査担当.

The table EXPECTED is keyed by URL name; a URL pattern without an entry fails the suite, so a new view cannot
ship without deciding who may reach it. Objects a URL needs (an indicator, an actual, a budget line) belong to
the owning department (経営支援部, which owns indicators 1-1 … 1-3).
"""

import os
from decimal import Decimal

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from budgets.models import BudgetColumn, BudgetExecution, BudgetRow, BudgetTable
from evaluation import self_services
from evaluation import services as progress_services
from evaluation.items import evaluation_item_get
from indicators import services
from indicators.models import Indicator
from measures.models import Measure
from smrj_plan.roles import Role
from tests.conftest import make_user

ROLES = ("anon", "owner", "other", "auditor", "manager")
LOGIN = "login"  # anonymous users are sent to the login page


def walk(patterns, namespace=None):
    """Yield the full name of every URL pattern, recursively, skipping the Django admin and the API (whose
    matrix, with the roles and token scopes it has, is tests/test_api_permissions.py)."""
    for p in patterns:
        if isinstance(p, URLResolver):
            if p.namespace in ("admin", "api"):
                continue
            ns = ":".join(x for x in (namespace, p.namespace) if x) or None
            yield from walk(p.url_patterns, ns)
        elif isinstance(p, URLPattern):
            yield f"{namespace}:{p.name}" if namespace else p.name


def R(owner, other, manager, auditor, anon=LOGIN, method="GET", data=None, query=""):
    return {
        "query": query,
        "anon": anon,
        "owner": owner,
        "other": other,
        "manager": manager,
        "auditor": auditor,
        "method": method,
        "data": data or {},
    }


# owner / other department / manager / auditor. 404 = may not see, 403 = may see but not do, 405 = wrong method.
EXPECTED = {
    "home": R(302, 302, 302, 302),
    "login": R(200, 200, 200, 200, anon=200),
    "logout": R(302, 302, 302, 302, anon=302, method="POST"),
    "password_change": R(200, 200, 200, 200),
    "measures:overview": R(200, 200, 200, 200),
    "measures:chapter": R(200, 200, 200, 200),
    "indicators:list": R(200, 200, 200, 200),
    "indicators:detail": R(200, 200, 200, 200),
    "indicators:targets": R(403, 403, 200, 200),
    "indicators:mid_term": R(200, 200, 200, 200),
    "indicators:target_edit": R(403, 403, 200, 403),
    "measures:revisions": R(200, 200, 200, 200),
    "measures:revision": R(200, 200, 200, 200),
    # actuals: entry by the owning 担当者 only
    "entry:index": R(200, 200, 200, 200),
    "entry:quarter": R(200, 200, 403, 403),  # the other department's page lists its own indicators
    "entry:indicator": R(200, 404, 403, 403),
    "entry:template": R(200, 200, 403, 403),
    "entry:upload": R(200, 200, 403, 403),
    "entry:review": R(403, 403, 200, 200),
    # 第1四半期 has a submitted actual: the manager's 締め first lists it and asks for a confirmation (200).
    "entry:lock": R(403, 403, 200, 403, method="POST", data={"reason": "締め"}),
    "entry:deadlines": R(403, 403, 200, 200),
    "entry:unlock": R(403, 403, 302, 403, method="POST", data={"reason": "解除"}),
    "entry:bulk_approve": R(403, 403, 302, 403, method="POST"),
    "entry:approve": R(403, 404, 302, 403, method="POST"),
    "entry:return": R(403, 404, 302, 403, method="POST", data={"reason": "確認"}),
    "entry:reopen": R(403, 404, 302, 403, method="POST", data={"reason": "再開"}),
    "entry:history_indicator": R(200, 404, 200, 200),
    "entry:history_quarter": R(200, 200, 200, 200),  # each 担当者 sees their own department's rows only
    # dashboard, reports
    "dashboard:overview": R(200, 200, 200, 200),
    "dashboard:pillar": R(200, 200, 200, 200),
    "dashboard:completeness": R(403, 403, 200, 200),
    "dashboard:indicator": R(200, 404, 200, 200),
    "dashboard:final_rating": R(403, 403, 302, 403, method="POST", data={"grade": "B", "reason": "目標達成"}),
    "dashboard:budget": R(200, 200, 200, 200),
    "reports:index": R(403, 403, 200, 200),
    "reports:download": R(403, 403, 200, 200, query="year=2024&include_drafts=no"),
    # measures' 取組状況: entry by the measure's 部署, review by 管理者 (as the actuals)
    "evaluation:index": R(200, 200, 200, 200),
    "evaluation:quarter": R(200, 200, 403, 403),  # the other department's page lists its own measures
    "evaluation:measure_entry": R(200, 404, 403, 403),
    "evaluation:review": R(403, 403, 200, 200),
    "evaluation:approve": R(403, 404, 302, 403, method="POST"),
    "evaluation:return": R(403, 404, 302, 403, method="POST", data={"reason": "確認"}),
    "evaluation:reopen": R(403, 404, 302, 403, method="POST", data={"reason": "再開"}),
    "evaluation:measure_history": R(200, 404, 200, 200),
    "evaluation:measure_list": R(200, 200, 200, 200),  # the plan is public; statuses of one's own 部署 only
    "evaluation:measure_department": R(403, 403, 302, 403, method="POST", data={"reason": "担当替え"}),
    # the self-evaluation brings every 部署's figures together: 管理者 and 監査担当 only
    "evaluation:self_index": R(403, 403, 200, 200),
    "evaluation:self_item": R(403, 403, 200, 200),
    "evaluation:self_document": R(403, 403, 200, 200),
    "evaluation:self_documents": R(403, 403, 200, 200),
    "evaluation:self_approve": R(403, 403, 302, 403, method="POST"),
    "evaluation:self_return": R(403, 403, 302, 403, method="POST", data={"reason": "確認"}),
    "evaluation:self_reopen": R(403, 403, 302, 403, method="POST", data={"reason": "再開"}),
    "evaluation:indicator_rating": R(
        403, 403, 302, 403, method="POST", data={"grade": "B", "reason": "目標達成"}
    ),
    # budgets
    "budgets:index": R(200, 200, 200, 200),
    "budgets:reconciliation": R(200, 200, 200, 200),
    "budgets:table": R(200, 200, 200, 200),
    "budgets:execution": R(200, 200, 200, 200),
    # another department's 担当者 may post to an account page, but only their own columns are read from it
    "budgets:execution_save": R(302, 302, 403, 403, method="POST"),
    "budgets:execution_line": R(200, 404, 200, 200),
    "budgets:execution_action": R(403, 404, 302, 403, method="POST", data={"action": "approve"}),
    "budgets:execution_bulk_approve": R(403, 403, 302, 403, method="POST"),
    "budgets:execution_history": R(200, 404, 200, 200),
}


@pytest.fixture
def objects(department, staff_user, fiscal_year):
    """The objects URL kwargs point at, all owned by the owning department."""
    ind = Indicator.objects.get(code="1-1")
    measure = Measure.objects.get(order=1, plan__fiscal_year=fiscal_year)  # 経営支援部 by default
    progress = progress_services.progress_save(
        measure=measure,
        fiscal_year=fiscal_year,
        quarter=1,
        user=staff_user,
        data={"status": "on_schedule", "narrative": "相談会を開催した。"},
        expected_version=0,
    )
    progress = progress_services.progress_submit(
        entry=progress, user=staff_user, expected_version=progress.version
    )
    writer = make_user("kanri-writer", Role.MANAGER)
    evaluation = self_services.self_evaluation_save(
        fiscal_year=fiscal_year,
        item=evaluation_item_get(plan=fiscal_year.plan, code="1-1"),
        user=writer,
        data={"assessment": "目標を上回った。", "grade": "A", "grade_reason": "達成率120%以上。"},
        expected_version=0,
    )
    evaluation = self_services.self_evaluation_submit(
        evaluation=evaluation, user=writer, expected_version=evaluation.version
    )
    actual = services.actual_save(
        indicator=ind,
        fiscal_year=fiscal_year,
        quarter=1,
        user=staff_user,
        data={"value": Decimal("10")},
        expected_version=0,
    )
    actual = services.actual_submit(actual=actual, user=staff_user, expected_version=actual.version)
    table = BudgetTable.objects.filter(fiscal_year=fiscal_year, kind=BudgetTable.Kind.BUDGET).first()
    column = row = execution = None
    if table is not None:
        column = (
            table.columns.filter(department=department)
            .exclude(role__in=[BudgetColumn.Role.SEGMENT_TOTAL, BudgetColumn.Role.GRAND_TOTAL])
            .first()
            or table.columns.exclude(
                role__in=[BudgetColumn.Role.SEGMENT_TOTAL, BudgetColumn.Role.GRAND_TOTAL]
            ).first()
        )
        column.department = department
        column.save(update_fields=["department"])
        row = table.rows.filter(role=BudgetRow.Role.ITEM).first()
        execution = BudgetExecution.objects.create(
            row=row,
            column=column,
            quarter=1,
            amount=Decimal("5"),
            state="submitted",
            submitted_by=staff_user,
            updated_by=staff_user,
        )
    return {
        "indicator": ind,
        "actual": actual,
        "measure": measure,
        "progress": progress,
        "evaluation": evaluation,
        "table": table,
        "column": column,
        "row": row,
        "execution": execution,
    }


def url_for(name, o):
    """Reverse a URL name with kwargs built from real objects."""
    year, quarter = 2024, 1
    kwargs = {
        "measures:chapter": {"number": 1},
        "indicators:detail": {"pk": o["indicator"].pk},
        "indicators:target_edit": {"pk": o["indicator"].pk},
        "measures:revision": {"pk": o["indicator"].plan.revisions.order_by("date").first().pk},
        "entry:quarter": {"year": year, "quarter": quarter},
        "entry:indicator": {"year": year, "quarter": quarter, "indicator_pk": o["indicator"].pk},
        "entry:template": {"year": year, "quarter": quarter},
        "entry:upload": {"year": year, "quarter": quarter},
        "entry:review": {"year": year, "quarter": quarter},
        "entry:lock": {"year": year, "quarter": quarter},
        "entry:bulk_approve": {"year": year, "quarter": quarter},
        "entry:deadlines": {"year": year},
        "entry:unlock": {"year": year, "quarter": quarter},
        "entry:approve": {"pk": o["actual"].pk},
        "entry:return": {"pk": o["actual"].pk},
        "entry:reopen": {"pk": o["actual"].pk},
        "entry:history_indicator": {"pk": o["indicator"].pk},
        "entry:history_quarter": {"year": year, "quarter": quarter},
        "dashboard:pillar": {"year": year, "number": 1},
        "dashboard:completeness": {"year": year},
        "dashboard:indicator": {"pk": o["indicator"].pk},
        "dashboard:final_rating": {"pk": o["indicator"].pk},
        "evaluation:quarter": {"year": year, "quarter": quarter},
        "evaluation:measure_entry": {"year": year, "quarter": quarter, "measure_pk": o["measure"].pk},
        "evaluation:review": {"year": year, "quarter": quarter},
        "evaluation:approve": {"pk": o["progress"].pk},
        "evaluation:return": {"pk": o["progress"].pk},
        "evaluation:reopen": {"pk": o["progress"].pk},
        "evaluation:measure_history": {"pk": o["measure"].pk},
        "evaluation:measure_department": {"pk": o["measure"].pk},
        "evaluation:measure_list": {"year": year},
        "evaluation:self_index": {"year": year},
        "evaluation:self_item": {"year": year, "code": "1-1"},
        "evaluation:self_document": {"year": year, "code": "1-1"},
        "evaluation:self_documents": {"year": year},
        "evaluation:self_approve": {"pk": o["evaluation"].pk},
        "evaluation:self_return": {"pk": o["evaluation"].pk},
        "evaluation:self_reopen": {"pk": o["evaluation"].pk},
        "evaluation:indicator_rating": {"pk": o["indicator"].pk},
    }
    if o["table"] is not None:
        kwargs.update(
            {
                "budgets:table": {"kind": o["table"].kind, "account": o["table"].account.code},
                "budgets:execution": {"account": o["table"].account.code},
                "budgets:execution_save": {"account": o["table"].account.code, "quarter": quarter},
                "budgets:execution_line": {"row": o["row"].pk, "column": o["column"].pk},
                "budgets:execution_action": {"pk": o["execution"].pk},
                "budgets:execution_bulk_approve": {"account": o["table"].account.code},
                "budgets:execution_history": {"pk": o["execution"].pk},
            }
        )
    return reverse(name, kwargs=kwargs.get(name) or None)


def test_every_url_pattern_has_an_expectation():
    names = set(walk(get_resolver().url_patterns))
    missing = sorted(names - set(EXPECTED))
    assert not missing, f"URLs without an access expectation in tests/test_permissions.py: {missing}"
    stale = sorted(set(EXPECTED) - names)
    assert not stale, f"Expectations for URLs that no longer exist: {stale}"


@pytest.mark.django_db
@pytest.mark.parametrize("name", sorted(set(walk(get_resolver().url_patterns))))
def test_each_role_gets_the_expected_status(
    name, objects, client, staff_client, other_staff_client, manager_client, auditor_client
):
    assert name in EXPECTED, f"{name} has no access expectation"
    spec = EXPECTED[name]
    clients = {
        "anon": client,
        "owner": staff_client,
        "other": other_staff_client,
        "auditor": auditor_client,
        "manager": manager_client,
    }
    url = url_for(name, objects) + (f"?{spec['query']}" if spec["query"] else "")
    got = {}
    for role in ROLES:  # the manager last: its POSTs change state
        c = clients[role]
        response = c.post(url, spec["data"]) if spec["method"] == "POST" else c.get(url)
        got[role] = response.status_code
        if role == "anon" and spec["anon"] == LOGIN:
            got[role] = (
                LOGIN
                if response.status_code == 302 and "/accounts/login/" in response["Location"]
                else (response.status_code)
            )
    expected = {role: spec[role] for role in ROLES}
    if os.environ.get("PERMISSIONS_DISCOVER"):
        print(f"\n{name}: {got}")
        return
    assert got == expected, f"{name} ({url}): got {got}"
