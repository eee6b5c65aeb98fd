"""One period per request: the fiscal year and the as-of quarter from the path or the query, with one default
(the last quarter with an approved actual), the same on the dashboard, the pillar pages, the budget dashboard and
the workbook."""

import io
from decimal import Decimal

import pytest
from django.db import connection
from django.http import Http404
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from openpyxl import load_workbook

from indicators import services
from indicators.models import Indicator
from indicators.selectors import actual_last_approved_quarter, fiscal_year_list_with_last_approved
from measures.models import FiscalYear, PlanDocument
from smrj_plan.as_of import PeriodNotFound, period_from_request, period_resolve


def _actual(code, quarter, *, user, approve_by=None, value="10"):
    indicator = Indicator.objects.get(code=code)
    actual = services.actual_save(
        indicator=indicator,
        fiscal_year=indicator.plan.fiscal_year,
        quarter=quarter,
        user=user,
        data={"value": Decimal(value)},
        expected_version=0,
    )
    actual = services.actual_submit(actual=actual, user=user, expected_version=actual.version)
    if approve_by is not None:
        actual = services.actual_approve(actual=actual, user=approve_by, expected_version=actual.version)
    return actual


@pytest.fixture
def second_quarter_approved(staff_user, manager):
    """Q1 and Q2 approved, Q3 only submitted (awaiting approval: it does not move the as-of quarter)."""
    _actual("1-1", 1, user=staff_user, approve_by=manager)
    _actual("1-1", 2, user=staff_user, approve_by=manager)
    _actual("1-1", 3, user=staff_user)


def test_the_converters_build_only_valid_urls():
    assert reverse("entry:quarter", kwargs={"year": 2024, "quarter": 4}) == "/entry/2024/4/"
    with pytest.raises(NoReverseMatch):
        reverse("entry:quarter", kwargs={"year": 2024, "quarter": 5})
    with pytest.raises(NoReverseMatch):
        reverse("dashboard:pillar", kwargs={"year": 24, "number": 1})


@pytest.mark.django_db
def test_the_default_is_the_latest_plan_year_as_of_its_last_approved_quarter(second_quarter_approved):
    period = period_resolve()
    assert (period.year, period.as_of_quarter, period.is_default_quarter) == (2024, 2, True)
    assert period_resolve(quarter=4).as_of_quarter == 4
    assert period_resolve(year=2024, quarter=1).requested_quarter == 1
    with pytest.raises(PeriodNotFound, match="2031年度の計画が読み込まれていません"):
        period_resolve(year=2031)
    with pytest.raises(ValueError):
        period_resolve(quarter=5)


@pytest.mark.django_db
def test_the_years_query_gives_each_year_the_same_default_as_the_rule(second_quarter_approved):
    fy2025 = FiscalYear.objects.create(year=2025)
    source = PlanDocument.objects.get(fiscal_year__year=2024)
    PlanDocument.objects.create(fiscal_year=fy2025, title=source.title, organization=source.organization)
    years = fiscal_year_list_with_last_approved()
    assert [(fy.year, fy.last_approved_quarter) for fy in years] == [(2025, None), (2024, 2)]
    for fy in years:
        assert fy.last_approved_quarter == actual_last_approved_quarter(fiscal_year=fy)
    # The latest year has no approval yet: its pages open as of 第1四半期.
    assert (period_resolve().year, period_resolve().as_of_quarter) == (2025, 1)


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "ok"),
    [
        ({"year": "2024", "q": "3"}, True),
        ({"q": "9"}, False),
        ({"year": "abc"}, False),
        ({"year": "1999"}, False),
    ],
)
def test_a_request_names_its_period_in_the_query(query, ok):
    request = RequestFactory().get("/", query)
    if ok:
        assert period_from_request(request).as_of_quarter == 3
    else:
        with pytest.raises(Http404):
            period_from_request(request)


@pytest.mark.django_db
def test_every_page_and_the_workbook_open_at_the_same_default_quarter(
    second_quarter_approved, manager_client, auditor_client
):
    overview = manager_client.get(reverse("dashboard:overview"))
    assert overview.context["overview"].as_of_quarter == 2
    for number in (1, 3):
        pillar = manager_client.get(reverse("dashboard:pillar", args=[2024, number]))
        assert pillar.context["overview"].as_of_quarter == 2
    budget = manager_client.get(reverse("dashboard:budget"))
    assert budget.context["fiscal_year"].year == 2024
    response = auditor_client.get(
        reverse("reports:download"), {"year": "2024", "quarter": "", "include_drafts": "no"}
    )
    assert "%E7%AC%AC2%E5%9B%9B%E5%8D%8A%E6%9C%9F%E6%9C%AB" in response["Content-Disposition"]  # 第2四半期末
    wb = load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    cover = {r[0].value: r[1].value for r in wb["表紙"].iter_rows(min_row=3) if r[0].value}
    assert cover["基準四半期"] == "第2四半期（7–9月）末時点"


@pytest.mark.django_db
def test_the_default_quarter_costs_no_query(second_quarter_approved, manager_client):
    from django.core.cache import caches

    url = reverse("dashboard:overview")
    with CaptureQueriesContext(connection) as explicit:
        manager_client.get(url, {"q": 2})
    caches["progress"].clear()  # both computed afresh (the default resolves to q=2, whose page is now cached)
    with CaptureQueriesContext(connection) as default:
        manager_client.get(url)
    assert len(default) == len(explicit)
