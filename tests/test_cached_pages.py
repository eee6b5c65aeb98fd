"""Pages rendered once per data version (smrj_plan/data_version.py) show a change on the very next request,
whatever made it (here queryset updates, which send no signal), and never show one reader's page to another who
may see less."""

from decimal import Decimal as D

import pytest
from django.urls import reverse

from budgets.models import Account
from indicators.models import Actual, Indicator
from measures.models import Measure

pytestmark = pytest.mark.django_db


def test_the_plan_page_shows_a_reworded_measure_at_once(staff_client, fiscal_year):
    measure = Measure.objects.filter(plan=fiscal_year.plan).order_by("order").first()
    first = staff_client.get(reverse("measures:overview")).content.decode()
    assert measure.text[:20] in first
    Measure.objects.filter(pk=measure.pk).update(text="改めた施策の本文")
    again = staff_client.get(reverse("measures:overview")).content.decode()
    assert "改めた施策の本文" in again
    chapter = staff_client.get(reverse("measures:chapter", args=[measure.chapter.number])).content.decode()
    assert "改めた施策の本文" in chapter


def test_the_indicator_list_shows_a_changed_target_at_once_and_keeps_filters_apart(manager_client):
    url = reverse("indicators:list")
    assert "1,000社以上" in manager_client.get(url).content.decode()
    Indicator.objects.filter(code="1-1").update(target=D("1200"), target_text="１，２００社以上")
    page = manager_client.get(url).content.decode()
    assert "1,200社以上" in page and "1,000社以上" not in page
    ratio_only = manager_client.get(url, {"kind": "ratio"}).content.decode()
    assert "1,200社以上" not in ratio_only and "70%以上" in ratio_only


def test_the_mid_term_page_shows_an_approval_at_once_and_only_to_whom_may_read_it(
    manager_client, staff_client, fiscal_year
):
    url = reverse("indicators:mid_term")
    before = manager_client.get(url).content.decode()
    assert 'data-code="2-1"' in before  # another department's indicator: the manager reads every one
    Actual.objects.create(
        indicator=Indicator.objects.get(code="1-1"),
        fiscal_year=fiscal_year,
        quarter=1,
        state="approved",
        value=D("345"),
    )
    after = manager_client.get(url).content.decode()
    assert "345社" in after
    staff_page = staff_client.get(url).content.decode()  # same data version, another reader
    assert "345社" in staff_page and 'data-code="2-1"' not in staff_page


def test_the_targets_page_keeps_the_managers_buttons_from_the_auditor(manager_client, auditor_client):
    url = reverse("indicators:targets")
    assert "目標を入れると確認済みになり" in manager_client.get(url).content.decode()
    assert "目標を入れると確認済みになり" not in auditor_client.get(url).content.decode()


def test_the_budget_index_shows_a_change_at_once(manager_client):
    url = reverse("budgets:index")
    summary = {s.account_code: s for s in manager_client.get(url).context["summary"]}
    assert summary["ippan"].account_name == "一般勘定"
    Account.objects.filter(code="ippan").update(name="一般勘定（改）")
    page = manager_client.get(url)
    assert {s.account_code: s.account_name for s in page.context["summary"]}["ippan"] == "一般勘定（改）"
    assert (
        summary["ippan"].income_total
        == {s.account_code: s for s in page.context["summary"]}["ippan"].income_total
    )


def test_the_budget_execution_page_shows_an_amount_changed_by_any_path_at_once(manager_client):
    """The execution summary is kept under the data version: a queryset update, which sends no signal and leaves
    the version field alone, still shows on the next request, on the page and in its queue."""
    from budgets.models import BudgetColumn, BudgetExecution, BudgetRow

    url = reverse("budgets:execution", args=["ippan"]) + "?year=2024"
    row = BudgetRow.objects.filter(table__account__code="ippan", table__kind="budget", role="item").first()
    column = (
        BudgetColumn.objects.filter(table=row.table)
        .exclude(role__in=[BudgetColumn.Role.SEGMENT_TOTAL, BudgetColumn.Role.GRAND_TOTAL])
        .order_by("order")
        .first()
    )
    execution = BudgetExecution.objects.create(
        row=row, column=column, quarter=1, amount=D("1234.5"), state="submitted"
    )
    first = manager_client.get(url)
    line = next(
        ln for ln in first.context["summary"].lines if (ln.row_pk, ln.column_pk) == (row.pk, column.pk)
    )
    assert line.entries[1].amount == D("1234.5")
    BudgetExecution.objects.filter(pk=execution.pk).update(amount=D("2000"))
    second = manager_client.get(url)
    line = next(
        ln for ln in second.context["summary"].lines if (ln.row_pk, ln.column_pk) == (row.pk, column.pk)
    )
    assert line.entries[1].amount == D("2000")
    assert [r["entry"].amount for r in second.context["review"] if r["entry"].pk == execution.pk] == [
        D("2000")
    ]
    assert "2,000.000" in second.content.decode()


def test_a_renamed_person_shows_at_once_on_a_cached_history_page_and_a_sign_in_changes_nothing(
    manager_client, staff_user, fiscal_year
):
    """Names are part of the data version (their columns only): a rename, by any path, shows on the next request;
    the sign-in's `last_login`, written every time someone logs in, leaves every cached page as it was."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import update_last_login

    from indicators import services
    from smrj_plan import data_version

    services.actual_save(
        indicator=Indicator.objects.get(code="1-1"),
        fiscal_year=fiscal_year,
        quarter=1,
        user=staff_user,
        data={"value": D("120")},
        expected_version=0,
    )
    url = "/entry/history/2024/1/"
    before = manager_client.get(url).content.decode()
    assert "担当 太郎" not in before
    get_user_model().objects.filter(pk=staff_user.pk).update(last_name="担当", first_name="太郎")
    assert "担当 太郎" in manager_client.get(url).content.decode()
    version = data_version.current()
    update_last_login(None, staff_user)  # what every sign-in writes (save with update_fields=["last_login"])
    assert get_user_model().objects.get(pk=staff_user.pk).last_login is not None
    assert data_version.current() == version
