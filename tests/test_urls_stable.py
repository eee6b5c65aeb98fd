"""Every URL people may have bookmarked keeps working.

The list is the project's URLs as they were before the rooms moved (commit 288f784: smrj_plan/urls.py,
measures/urls.py, indicators/{urls,entry_urls,dashboard_urls,report_urls}.py, budgets/urls.py), written out as
literal paths, so a renamed or moved pattern fails here even if `reverse()` still works. A manager opening each
one gets the page (or a 302/403/405 where the role or the method says so), never a 404; anonymous users go to the
login page. A URL that moves must leave a redirect behind for this test to pass."""

from decimal import Decimal

import pytest
from django.urls import Resolver404, resolve

from budgets.models import BudgetColumn, BudgetExecution, BudgetRow
from evaluation import services as progress_services
from evaluation.models import SelfEvaluation
from indicators import services
from indicators.models import Indicator
from measures.models import Measure, PlanRevision

# (path, URL name it must resolve to, method, statuses a 管理者 may get). {ind}, {actual}, {row}, {col} and
# {execution} are filled with real objects.
BOOKMARKS = [
    ("/", "home", "GET", {302}),
    ("/accounts/login/", "login", "GET", {200}),
    ("/accounts/logout/", "logout", "POST", {302}),
    ("/accounts/password/", "password_change", "GET", {200}),
    ("/plan/", "measures:overview", "GET", {200}),
    ("/plan/chapter/1/", "measures:chapter", "GET", {200}),
    ("/plan/chapter/10/", "measures:chapter", "GET", {200}),
    ("/indicators/", "indicators:list", "GET", {200}),
    ("/indicators/?kind=ratio", "indicators:list", "GET", {200}),
    ("/indicators/{ind}/", "indicators:detail", "GET", {200}),
    # Every year of the mid-term period (added with the year pages)
    ("/indicators/targets/", "indicators:targets", "GET", {200}),
    ("/indicators/mid-term/", "indicators:mid_term", "GET", {200}),
    ("/indicators/{ind}/target/", "indicators:target_edit", "GET", {200}),
    ("/plan/revisions/", "measures:revisions", "GET", {200}),
    ("/plan/revisions/{revision}/", "measures:revision", "GET", {200}),
    ("/entry/", "entry:index", "GET", {200}),
    ("/entry/2024/1/", "entry:quarter", "GET", {403}),  # a manager reviews, the 担当者 enters
    ("/entry/2024/4/", "entry:quarter", "GET", {403}),
    ("/entry/2024/1/indicator/{ind}/", "entry:indicator", "GET", {403}),
    ("/entry/2024/1/template.xlsx", "entry:template", "GET", {403}),
    ("/entry/2024/1/upload/", "entry:upload", "GET", {403}),
    ("/entry/2024/1/review/", "entry:review", "GET", {200}),
    ("/entry/2024/3/review/", "entry:review", "GET", {200}),
    ("/entry/2024/1/review/approve/", "entry:bulk_approve", "GET", {405}),  # added with the review queue
    ("/entry/2024/1/lock/", "entry:lock", "GET", {405}),
    ("/entry/2024/deadlines/", "entry:deadlines", "GET", {200}),
    ("/entry/2024/1/unlock/", "entry:unlock", "GET", {405}),
    ("/entry/actual/{actual}/approve/", "entry:approve", "GET", {405}),
    ("/entry/actual/{actual}/return/", "entry:return", "GET", {405}),
    ("/entry/actual/{actual}/reopen/", "entry:reopen", "GET", {405}),
    ("/entry/history/indicator/{ind}/", "entry:history_indicator", "GET", {200}),
    ("/entry/history/2024/1/", "entry:history_quarter", "GET", {200}),
    ("/dashboard/", "dashboard:overview", "GET", {200}),
    ("/dashboard/?year=2024&q=3", "dashboard:overview", "GET", {200}),
    ("/dashboard/?year=2024&q=&pillar=&department=&status=", "dashboard:overview", "GET", {200}),
    ("/dashboard/2024/pillar/1/", "dashboard:pillar", "GET", {200}),
    ("/dashboard/2024/completeness/", "dashboard:completeness", "GET", {200}),  # added with the 提出状況 page
    ("/dashboard/2024/completeness/?q=2", "dashboard:completeness", "GET", {200}),
    ("/dashboard/2024/pillar/5/?q=2", "dashboard:pillar", "GET", {200}),
    ("/dashboard/indicator/{ind}/", "dashboard:indicator", "GET", {200}),
    ("/dashboard/indicator/{ind}/?q=4", "dashboard:indicator", "GET", {200}),
    ("/dashboard/indicator/{ind}/rating/", "dashboard:final_rating", "GET", {405}),
    ("/dashboard/budget/", "dashboard:budget", "GET", {200}),
    ("/dashboard/budget/?year=2024&account=ippan", "dashboard:budget", "GET", {200}),
    ("/reports/", "reports:index", "GET", {200}),
    ("/reports/download/?year=2024&quarter=3&include_drafts=no", "reports:download", "GET", {200}),
    ("/reports/download/?year=2024&quarter=&include_drafts=yes", "reports:download", "GET", {200}),
    ("/budgets/", "budgets:index", "GET", {200}),
    ("/budgets/reconciliation/", "budgets:reconciliation", "GET", {200}),
    ("/budgets/budget/ippan/", "budgets:table", "GET", {200}),
    ("/budgets/income/ippan/", "budgets:table", "GET", {200}),
    ("/budgets/cashflow/ippan/", "budgets:table", "GET", {200}),
    ("/budgets/execution/ippan/", "budgets:execution", "GET", {200}),
    ("/budgets/execution/ippan/?quarter=2", "budgets:execution", "GET", {200}),
    ("/budgets/execution/ippan/q1/", "budgets:execution_save", "GET", {405}),
    ("/budgets/execution/line/{row}/{col}/", "budgets:execution_line", "GET", {200}),
    ("/budgets/execution/entry/{execution}/action/", "budgets:execution_action", "GET", {405}),
    (
        "/budgets/execution/ippan/approve/",
        "budgets:execution_bulk_approve",
        "GET",
        {405},
    ),  # the bulk approval
    ("/budgets/execution/entry/{execution}/history/", "budgets:execution_history", "GET", {200}),
    # Measures' progress and the self-evaluation (added with evaluation/)
    ("/evaluation/", "evaluation:index", "GET", {200}),
    ("/evaluation/2024/1/", "evaluation:quarter", "GET", {403}),  # the 担当者 enters
    ("/evaluation/2024/1/measure/{measure}/", "evaluation:measure_entry", "GET", {403}),
    ("/evaluation/2024/1/review/", "evaluation:review", "GET", {200}),
    ("/evaluation/progress/{progress}/approve/", "evaluation:approve", "GET", {405}),
    ("/evaluation/progress/{progress}/return/", "evaluation:return", "GET", {405}),
    ("/evaluation/progress/{progress}/reopen/", "evaluation:reopen", "GET", {405}),
    ("/evaluation/measure/{measure}/history/", "evaluation:measure_history", "GET", {200}),
    ("/evaluation/measure/{measure}/department/", "evaluation:measure_department", "GET", {405}),
    ("/evaluation/2024/measures/", "evaluation:measure_list", "GET", {200}),
    ("/evaluation/2024/self-evaluation/", "evaluation:self_index", "GET", {200}),
    ("/evaluation/2024/self-evaluation/documents.zip", "evaluation:self_documents", "GET", {200}),
    ("/evaluation/2024/self-evaluation/1-1/", "evaluation:self_item", "GET", {200}),
    ("/evaluation/2024/self-evaluation/10/?q=4", "evaluation:self_item", "GET", {200}),
    ("/evaluation/2024/self-evaluation/1-1/document.docx", "evaluation:self_document", "GET", {200}),
    ("/evaluation/self-evaluation/{evaluation}/approve/", "evaluation:self_approve", "GET", {405}),
    ("/evaluation/self-evaluation/{evaluation}/return/", "evaluation:self_return", "GET", {405}),
    ("/evaluation/self-evaluation/{evaluation}/reopen/", "evaluation:self_reopen", "GET", {405}),
    ("/evaluation/indicator/{ind}/rating/", "evaluation:indicator_rating", "GET", {405}),
]


@pytest.fixture
def objects(department, staff_user, fiscal_year):
    ind = Indicator.objects.get(code="1-1")
    actual = services.actual_save(
        indicator=ind,
        fiscal_year=fiscal_year,
        quarter=1,
        user=staff_user,
        data={"value": Decimal("10")},
        expected_version=0,
    )
    row = BudgetRow.objects.get(table__kind="budget", table__account__code="ippan", label="運営費交付金")
    column = BudgetColumn.objects.get(table=row.table, segment="地域牽引・成長志向企業支援業務")
    execution = BudgetExecution.objects.create(
        row=row, column=column, quarter=1, amount=Decimal("5"), updated_by=staff_user
    )
    measure = Measure.objects.get(order=1)
    progress = progress_services.progress_save(
        measure=measure,
        fiscal_year=fiscal_year,
        quarter=1,
        user=staff_user,
        data={"status": "done", "narrative": "完了"},
        expected_version=0,
    )
    evaluation = SelfEvaluation.objects.create(
        fiscal_year=fiscal_year, chapter=measure.chapter, section=measure.section, assessment="本文"
    )
    return {
        "ind": ind.pk,
        "actual": actual.pk,
        "row": row.pk,
        "col": column.pk,
        "execution": execution.pk,
        "measure": measure.pk,
        "progress": progress.pk,
        "evaluation": evaluation.pk,
        "revision": PlanRevision.objects.get(
            plan__fiscal_year=fiscal_year, kind=PlanRevision.Kind.ADOPTED
        ).pk,
    }


def test_the_list_covers_every_url_name_of_the_project():
    """A new page is added to the bookmarks too (the list is what must keep working)."""
    from django.urls import get_resolver

    from tests.test_permissions import walk

    names = set(walk(get_resolver().url_patterns))
    assert names - {name for _path, name, _m, _s in BOOKMARKS} == set()


@pytest.mark.django_db
@pytest.mark.parametrize(("template", "name", "method", "allowed"), BOOKMARKS)
def test_a_bookmarked_url_still_opens(template, name, method, allowed, objects, manager_client, client):
    path = template.format(**objects)
    assert resolve(path.split("?")[0]).view_name == name
    response = manager_client.post(path) if method == "POST" else manager_client.get(path)
    assert response.status_code in allowed, f"{path}: {response.status_code}"
    if name not in ("login", "logout"):
        anonymous = client.get(path)
        assert anonymous.status_code == 302 and anonymous["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize(
    "path",
    [
        "/entry/2024/5/",
        "/entry/2024/0/review/",
        "/entry/24/1/",
        "/entry/02024/1/",
        "/entry/history/2024/9/",
        "/dashboard/24/pillar/1/",
        "/dashboard/abcd/pillar/1/",
        "/budgets/execution/ippan/q5/",
    ],
)
def test_a_malformed_year_or_quarter_is_a_404_at_routing(path):
    """The converters refuse it before any view runs: no view has to check its quarter again."""
    with pytest.raises(Resolver404):
        resolve(path)
