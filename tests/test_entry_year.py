"""The single-indicator entry URL names a year: an indicator of another year's plan is not found there.

With a FY2025 plan present, POSTing FY2024's indicator under /entry/2025/… used to file an actual in FY2025.
(The other entry, review and execution URLs take either a year or an object id, never both; the upload checks
the year of its template and reads only that year's indicators.)"""

from decimal import Decimal

import pytest
from django.urls import reverse

from indicators.models import Actual, Indicator
from measures.models import FiscalYear, PlanDocument


@pytest.fixture
def plan_2025(db):
    fiscal_year = FiscalYear.objects.create(year=2025)
    PlanDocument.objects.create(fiscal_year=fiscal_year, title="令和7年度計画", organization="中小機構")
    return fiscal_year


@pytest.fixture
def indicators_2024(fiscal_year):
    return [Indicator.objects.get(code=code, plan__fiscal_year=fiscal_year) for code in ("1-1", "1-3")]


def _post(client, year, indicator, **fields):
    data = {"action": "save", f"a{indicator.pk}-version": "0"}
    data.update({f"a{indicator.pk}-{name}": value for name, value in fields.items()})
    return client.post(reverse("entry:indicator", args=[year, 1, indicator.pk]), data)


FIGURES = {"1-1": {"value": "120"}, "1-3": {"numerator": "75", "denominator": "100"}}


def test_another_years_indicator_is_not_found_and_nothing_is_created(
    staff_client, plan_2025, indicators_2024
):
    for indicator in indicators_2024:
        url = reverse("entry:indicator", args=[2025, 1, indicator.pk])
        assert staff_client.get(url).status_code == 404
        response = _post(staff_client, 2025, indicator, **FIGURES[indicator.code])
        assert response.status_code == 404
        assert "ページが見つかりません" in response.content.decode()
    assert not Actual.objects.exists()


def test_the_same_indicator_under_its_own_year_is_saved_in_that_year(
    staff_client, plan_2025, indicators_2024, fiscal_year
):
    for indicator in indicators_2024:
        response = _post(staff_client, 2024, indicator, **FIGURES[indicator.code])
        assert response.status_code == 302
    saved = {a.indicator.code: a for a in Actual.objects.select_related("indicator", "fiscal_year")}
    assert sorted(saved) == ["1-1", "1-3"]
    assert {a.fiscal_year.year for a in saved.values()} == {2024}
    assert saved["1-1"].value == Decimal("120")
    assert (saved["1-3"].numerator, saved["1-3"].denominator) == (Decimal("75"), Decimal("100"))
    assert not Actual.objects.filter(fiscal_year=plan_2025).exists()


def test_a_2025_indicator_is_entered_under_2025_and_not_found_under_2024(
    staff_client, plan_2025, indicators_2024
):
    copy = Indicator.objects.get(pk=indicators_2024[0].pk)
    copy.pk = None
    copy.plan = plan_2025.plan
    copy.save()
    assert _post(staff_client, 2024, copy, value="5").status_code == 404
    assert not Actual.objects.exists()
    assert _post(staff_client, 2025, copy, value="5").status_code == 302
    actual = Actual.objects.get()
    assert (actual.indicator_id, actual.fiscal_year_id, actual.value) == (copy.pk, plan_2025.pk, Decimal("5"))
