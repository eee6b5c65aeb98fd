"""Four-eyes: nobody approves a figure they submitted or entered, whatever groups their account holds.

The rule sits in smrj_plan.workflow.transition, shared by indicator actuals and budget executions, so both are
tested the same way with an account holding both 担当者 and 管理者."""

from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.urls import reverse

from budgets import services as budget_services
from budgets.models import BudgetColumn, BudgetRow
from indicators import services
from indicators.models import Indicator
from smrj_plan.roles import Role
from smrj_plan.workflow import EntryState
from tests.conftest import make_user

OWN_SUBMISSION = "自分が提出した値は承認できません（別の管理者が承認してください）。"
OWN_FIGURE = "自分が入力・変更した値は承認できません（別の管理者が承認してください）。"
REGION = "地域牽引・成長志向企業支援業務"


@pytest.fixture
def dual(department):
    """One account in both groups: it may enter its department's figures and review everyone's."""
    user = make_user("kennin", Role.STAFF, department)
    user.groups.add(Group.objects.get_or_create(name=str(Role.MANAGER))[0])
    return user


@pytest.fixture
def dual_client(dual):
    from django.test import Client

    c = Client()
    c.force_login(dual)
    return c


def _indicator(code, fiscal_year):
    return Indicator.objects.get(code=code, plan__fiscal_year=fiscal_year)


def _save(code, fiscal_year, user, value, version=0, quarter=1):
    """1-1 is a count (社), 1-3 a ratio entered as value / 100: both of 経営支援部."""
    data = (
        {"value": Decimal(value)}
        if code == "1-1"
        else {"numerator": Decimal(value), "denominator": Decimal(100)}
    )
    return services.actual_save(
        indicator=_indicator(code, fiscal_year),
        fiscal_year=fiscal_year,
        quarter=quarter,
        user=user,
        data=data,
        expected_version=version,
    )


@pytest.fixture
def line(db):
    row = BudgetRow.objects.get(table__kind="budget", table__account__code="ippan", label="運営費交付金")
    column = BudgetColumn.objects.select_related("table__fiscal_year").get(table=row.table, segment=REGION)
    return row, column


def _execution(line, user, amount, quarter=1, version=0):
    row, column = line
    return budget_services.execution_save(
        row=row,
        column=column,
        quarter=quarter,
        amount=Decimal(amount),
        user=user,
        expected_version=version,
    )


def _unchanged(entry, state, version):
    history = entry.history.count()
    entry.refresh_from_db()
    assert (entry.state, entry.version, entry.reviewed_by_id) == (state, version, None)
    return history


# ------------------------------------------------------------------------------------------- actuals


def test_an_account_in_both_groups_cannot_approve_its_own_actuals(dual, manager, fiscal_year):
    for code in ("1-1", "1-3"):
        submitted = services.actual_submit(
            actual=(_entry1 := _save(code, fiscal_year, dual, "75")),
            user=dual,
            expected_version=_entry1.version,
        )
        history = submitted.history.count()
        with pytest.raises(ValidationError) as exc:
            services.actual_approve(actual=submitted, user=dual, expected_version=submitted.version)
        assert exc.value.messages == [OWN_SUBMISSION]
        _unchanged(submitted, EntryState.SUBMITTED, 2)
        assert submitted.history.count() == history
        approved = services.actual_approve(actual=submitted, user=manager, expected_version=2)
        assert (approved.state, approved.reviewed_by) == (EntryState.APPROVED, manager)


def test_the_person_who_entered_the_figure_cannot_approve_it_when_a_colleague_submitted(
    dual, colleague, manager, fiscal_year
):
    draft = _save("1-1", fiscal_year, dual, "120")
    submitted = services.actual_submit(actual=draft, user=colleague, expected_version=draft.version)
    with pytest.raises(ValidationError) as exc:
        services.actual_approve(actual=submitted, user=dual, expected_version=submitted.version)
    assert exc.value.messages == [OWN_FIGURE]
    _unchanged(submitted, EntryState.SUBMITTED, 2)

    # Everyone who entered or changed the figure since its last approval is refused, not only the last one:
    # the first author's other inputs (備考, 根拠) may still be part of what would be approved.
    returned = services.actual_return(
        actual=submitted, user=manager, reason="桁を確認してください", expected_version=submitted.version
    )
    corrected = _save("1-1", fiscal_year, colleague, "125", version=returned.version)
    resubmitted = services.actual_submit(actual=corrected, user=colleague, expected_version=corrected.version)
    with pytest.raises(ValidationError, match="自分が入力・変更した値"):
        services.actual_approve(actual=resubmitted, user=dual, expected_version=resubmitted.version)
    assert (
        services.actual_approve(actual=resubmitted, user=manager, expected_version=resubmitted.version).state
        == EntryState.APPROVED
    )


def test_a_manager_who_only_reviewed_may_approve_after_a_reopen(dual, staff_user, manager, fiscal_year):
    """Returning and reopening change no figure: the manager who did them is still a second person."""
    submitted = services.actual_submit(
        actual=(_entry2 := _save("1-1", fiscal_year, staff_user, "120")),
        user=staff_user,
        expected_version=_entry2.version,
    )
    approved = services.actual_approve(actual=submitted, user=dual, expected_version=submitted.version)
    reopened = services.actual_reopen(
        actual=approved, user=dual, reason="根拠資料の差替え", expected_version=approved.version
    )
    resubmitted = services.actual_submit(actual=reopened, user=staff_user, expected_version=reopened.version)
    assert (
        services.actual_approve(actual=resubmitted, user=dual, expected_version=resubmitted.version).state
        == EntryState.APPROVED
    )


def test_figures_approved_before_a_reopen_do_not_count_against_their_author(
    dual, staff_user, manager, fiscal_year
):
    """The walk through the history stops at the last approval: what someone else approved is checked."""
    submitted = services.actual_submit(
        actual=(_entry3 := _save("1-1", fiscal_year, dual, "120")),
        user=dual,
        expected_version=_entry3.version,
    )
    approved = services.actual_approve(actual=submitted, user=manager, expected_version=submitted.version)
    reopened = services.actual_reopen(
        actual=approved, user=manager, reason="備考の追記", expected_version=approved.version
    )
    changed = _save("1-1", fiscal_year, staff_user, "130", version=reopened.version)
    resubmitted = services.actual_submit(actual=changed, user=staff_user, expected_version=changed.version)
    assert (
        services.actual_approve(actual=resubmitted, user=dual, expected_version=resubmitted.version).state
        == EntryState.APPROVED
    )


def test_the_review_page_offers_approve_only_for_other_peoples_submissions(
    dual, dual_client, staff_user, fiscal_year
):
    own = services.actual_submit(
        actual=(_entry4 := _save("1-1", fiscal_year, dual, "120")),
        user=dual,
        expected_version=_entry4.version,
    )
    other = services.actual_submit(
        actual=(_entry5 := _save("1-3", fiscal_year, staff_user, "80")),
        user=staff_user,
        expected_version=_entry5.version,
    )
    body = dual_client.get(reverse("entry:review", args=[2024, 1])).content.decode()
    assert reverse("entry:approve", args=[own.pk]) not in body
    assert reverse("entry:approve", args=[other.pk]) in body
    assert "自分が提出した値のため、承認は別の管理者が行います。" in body
    # Returning one's own submission stays possible (it approves nothing).
    assert reverse("entry:return", args=[own.pk]) in body


def test_approving_ones_own_actual_through_the_page_is_refused_with_a_message(dual, dual_client, fiscal_year):
    own = services.actual_submit(
        actual=(_entry6 := _save("1-1", fiscal_year, dual, "120")),
        user=dual,
        expected_version=_entry6.version,
    )
    response = dual_client.post(
        reverse("entry:approve", args=[own.pk]), {"version": own.version}, follow=True
    )
    assert f"1-1: {OWN_SUBMISSION}" in response.content.decode()
    _unchanged(own, EntryState.SUBMITTED, 2)


# -------------------------------------------------------------------------------- budget executions


def test_an_account_in_both_groups_cannot_approve_its_own_executed_amounts(dual, manager, line):
    for quarter in (1, 2):
        submitted = budget_services.execution_submit(
            execution=(_entry7 := _execution(line, dual, "10", quarter=quarter)),
            user=dual,
            expected_version=_entry7.version,
        )
        history = submitted.history.count()
        with pytest.raises(ValidationError) as exc:
            budget_services.execution_approve(execution=submitted, user=dual, expected_version=2)
        assert exc.value.messages == [OWN_SUBMISSION]
        _unchanged(submitted, EntryState.SUBMITTED, 2)
        assert submitted.history.count() == history
        approved = budget_services.execution_approve(execution=submitted, user=manager, expected_version=2)
        assert approved.state == EntryState.APPROVED


def test_the_author_of_an_executed_amount_cannot_approve_a_colleagues_submission_of_it(
    dual, colleague, manager, line
):
    submitted = budget_services.execution_submit(
        execution=(_entry8 := _execution(line, dual, "10")), user=colleague, expected_version=_entry8.version
    )
    with pytest.raises(ValidationError) as exc:
        budget_services.execution_approve(execution=submitted, user=dual, expected_version=submitted.version)
    assert exc.value.messages == [OWN_FIGURE]
    _unchanged(submitted, EntryState.SUBMITTED, 2)
    assert (
        budget_services.execution_approve(
            execution=submitted, user=manager, expected_version=submitted.version
        ).state
        == EntryState.APPROVED
    )


def test_the_execution_page_offers_approve_only_for_other_peoples_submissions(
    dual, dual_client, staff_user, line
):
    own = budget_services.execution_submit(
        execution=(_entry9 := _execution(line, dual, "10", quarter=1)),
        user=dual,
        expected_version=_entry9.version,
    )
    other = budget_services.execution_submit(
        execution=(_entry10 := _execution(line, staff_user, "20", quarter=2)),
        user=staff_user,
        expected_version=_entry10.version,
    )
    body = dual_client.get(reverse("budgets:execution", args=["ippan"])).content.decode()
    action = reverse("budgets:execution_action", args=[own.pk])
    other_action = reverse("budgets:execution_action", args=[other.pk])
    assert f'{other_action}" class="inline-form">' in body
    own_forms = body.count(f'action="{action}"')
    other_forms = body.count(f'action="{other_action}"')
    assert other_forms == own_forms + 1  # the same forms minus the approve button
    assert "自分が提出した値のため、承認は別の管理者が行います。" in body

    response = dual_client.post(action, {"action": "approve", "version": own.version}, follow=True)
    assert OWN_SUBMISSION in response.content.decode()
    _unchanged(own, EntryState.SUBMITTED, 2)
