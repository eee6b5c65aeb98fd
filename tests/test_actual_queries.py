"""The entry and review pages do not issue more queries as indicators and actuals grow."""

import re
from decimal import Decimal

import pytest

from indicators import services
from indicators.models import Indicator


@pytest.mark.django_db
def test_quarter_page_query_count_does_not_grow_with_rows(
    staff_client, staff_user, fiscal_year, django_assert_max_num_queries
):
    # 9: the page's 8 and the quarter's 提出期限 (one row or none).
    with django_assert_max_num_queries(9):
        empty = staff_client.get("/entry/2024/2/")
    for q in (1, 2):
        services.actual_save(
            indicator=Indicator.objects.get(code="1-1"),
            fiscal_year=fiscal_year,
            quarter=q,
            user=staff_user,
            data={"value": Decimal("10")},
            expected_version=0,
        )
        services.actual_save(
            indicator=Indicator.objects.get(code="1-3"),
            fiscal_year=fiscal_year,
            quarter=q,
            user=staff_user,
            data={"numerator": Decimal("3"), "denominator": Decimal("4")},
            expected_version=0,
        )
    with django_assert_max_num_queries(9):
        full = staff_client.get("/entry/2024/2/")
    assert "20社" in full.content.decode() and "20社" not in empty.content.decode()


@pytest.mark.django_db
def test_review_page_query_count_is_constant(
    manager_client, manager, fiscal_year, django_assert_max_num_queries
):
    from measures.models import Department
    from smrj_plan.roles import Role
    from tests.conftest import make_user

    codes = ["1-1", "2-1", "3-1", "4-1", "5-1", "4-9", "5-3"]
    for code in codes:
        ind = Indicator.objects.get(code=code)
        user = make_user(f"u{code}", Role.STAFF, Department.objects.get(pk=ind.department_id))
        services.actual_save(
            indicator=ind,
            fiscal_year=fiscal_year,
            quarter=1,
            user=user,
            data={"value": Decimal("7")},
            expected_version=0,
        )
    # 12: session, user, groups, years, the data version, the completeness read model (indicators, actuals), the
    # page's rows (their indicators, the quarter's actuals, the earlier quarters' figures), the quarter's lock,
    # its 提出期限 and how many of the whole queue this manager may approve.
    with django_assert_max_num_queries(12):
        body = manager_client.get("/entry/2024/1/review/").content.decode()
    values = re.findall(r'<td class="num value" data-label="今四半期の値">([^<]*)</td>', body)
    assert len(values) == 7
    assert all(re.fullmatch(r"7(社|件|本|者|人日)", v) for v in values), values
