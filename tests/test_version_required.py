"""The version a page showed is required on every save and state change (issue 10, finding 8).

Without it nobody can tell whether the user saw the value stored now: an approval would approve a newer figure
unseen, a budget save would overwrite a colleague's figure. Every refusal shows the value stored now."""

from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from budgets import services as budget_services
from budgets.models import BudgetColumn, BudgetExecution, BudgetRow
from indicators import services
from indicators.models import Actual, Indicator
from smrj_plan.workflow import MissingVersionError, lock_entry

REGION = "地域牽引・成長志向企業支援業務"  # the staff_user's department's column of 一般勘定


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def submitted_actual(code, value, fiscal_year, staff_user, **figures):
    draft = services.actual_save(
        indicator=Indicator.objects.get(code=code),
        fiscal_year=fiscal_year,
        quarter=1,
        user=staff_user,
        data=figures or {"value": Decimal(value)},
        expected_version=0,
    )
    return services.actual_submit(actual=draft, user=staff_user, expected_version=draft.version)


@pytest.fixture
def two_submitted(fiscal_year, staff_user):
    """1-1 (300社) and 1-3 (75/100) submitted: version 2 each."""
    return (
        submitted_actual("1-1", "300", fiscal_year, staff_user),
        submitted_actual(
            "1-3", None, fiscal_year, staff_user, numerator=Decimal("75"), denominator=Decimal("100")
        ),
    )


@pytest.mark.django_db
@pytest.mark.parametrize("posted", [{}, {"version": ""}, {"version": "x"}, {"version": "2.5"}])
def test_an_approval_without_a_readable_version_is_refused_with_the_stored_value(
    manager_client, two_submitted, posted
):
    a11, a13 = two_submitted
    for actual, shown in ((a11, "300社"), (a13, "75.0%（75/100）")):
        response = manager_client.post(reverse("entry:approve", args=[actual.pk]), posted)
        assert response.status_code == 302
        stored = Actual.objects.get(pk=actual.pk)
        assert (stored.state, stored.version, stored.reviewed_by) == ("submitted", 2, None)
        message = messages_of(response)[-1]  # the messages of earlier posts stay queued (no page shown)
        assert message.startswith(f"{actual.indicator.code}の実績：画面の版番号が正しくありません")
        assert "現在の値: " in message and "状態: 提出済み、更新者: tanto、版2" in message
        assert shown.split("（")[0] in message


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["return", "reopen"])
def test_return_and_reopen_without_a_version_are_refused(manager_client, manager, two_submitted, action):
    a11, a13 = two_submitted
    if action == "reopen":
        a11 = services.actual_approve(actual=a11, user=manager, expected_version=a11.version)
        a13 = services.actual_approve(actual=a13, user=manager, expected_version=a13.version)
    for actual in (a11, a13):
        response = manager_client.post(reverse(f"entry:{action}", args=[actual.pk]), {"reason": "確認のため"})
        stored = Actual.objects.get(pk=actual.pk)
        assert (stored.state, stored.version) == (actual.state, actual.version)
        assert f"版{actual.version}）" in messages_of(response)[-1]


@pytest.mark.django_db
def test_an_approval_with_the_version_shown_still_works(manager_client, two_submitted):
    a11, a13 = two_submitted
    for actual in (a11, a13):
        manager_client.post(reverse("entry:approve", args=[actual.pk]), {"version": "2"})
        assert Actual.objects.get(pk=actual.pk).state == "approved"


@pytest.mark.django_db
def test_an_entry_row_posted_without_its_version_is_refused_and_nothing_is_saved(
    staff_client, colleague, fiscal_year
):
    ind11, ind13 = Indicator.objects.get(code="1-1"), Indicator.objects.get(code="1-3")
    services.actual_save(
        indicator=ind11,
        fiscal_year=fiscal_year,
        quarter=1,
        user=colleague,
        data={"value": Decimal("77")},
        expected_version=0,
    )
    response = staff_client.post(
        "/entry/2024/1/",
        {
            "action": "save",
            f"a{ind11.pk}-value": "3",  # no a<pk>-version
            f"a{ind13.pk}-version": "0",
            f"a{ind13.pk}-numerator": "5",
            f"a{ind13.pk}-denominator": "10",
        },
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "1-1の実績：画面の版番号が正しくありません（送られていないか、読めない値です）。" in body
    assert "現在の値: 77社、状態: 下書き、更新者: tanto3、版1" in body
    assert Actual.objects.get(indicator=ind11).value == Decimal("77")
    assert not Actual.objects.filter(indicator=ind13).exists()


@pytest.fixture
def two_lines(db):
    row = BudgetRow.objects.get(table__kind="budget", table__account__code="ippan", label="運営費交付金")
    other = BudgetRow.objects.get(table=row.table, label="業務収入")
    column = BudgetColumn.objects.select_related("table__fiscal_year").get(table=row.table, segment=REGION)
    return (row, column), (other, column)


@pytest.mark.django_db
@pytest.mark.parametrize("version", [None, "", "x", "9" * 5000])
def test_a_budget_save_without_a_readable_version_keeps_the_colleagues_figure(
    staff_client, colleague, two_lines, version
):
    entries = [
        budget_services.execution_save(
            row=row, column=column, quarter=1, amount=Decimal(amount), user=colleague, expected_version=0
        )
        for (row, column), amount in zip(two_lines, ("10", "20"), strict=True)
    ]
    data = {}
    for row, column in two_lines:
        data[f"amount-{row.pk}-{column.pk}"] = "99"
        if version is not None:
            data[f"version-{row.pk}-{column.pk}"] = version
    response = staff_client.post(reverse("budgets:execution_save", args=["ippan", 1]), data)
    assert response.status_code == 302
    for entry, amount in zip(entries, ("10", "20"), strict=True):
        entry.refresh_from_db()
        assert (entry.amount, entry.version) == (Decimal(amount), 1)
    found = messages_of(response)
    assert any(
        "運営費交付金" in m and "現在の値: 10.000百万円、状態: 下書き、更新者: tanto3、版1" in m
        for m in found
    )
    assert any("業務収入" in m and "現在の値: 20.000百万円" in m for m in found)
    assert "誤りのある行があるため、何も保存していません。" in found


@pytest.mark.django_db
def test_a_new_budget_line_needs_its_version_too(staff_client, two_lines):
    (row, column), _ = two_lines
    response = staff_client.post(
        reverse("budgets:execution_save", args=["ippan", 1]), {f"amount-{row.pk}-{column.pk}": "5"}
    )
    assert not BudgetExecution.objects.exists()
    assert any("まだ保存された値はありません" in m for m in messages_of(response))


@pytest.mark.django_db
@pytest.mark.parametrize("action", ["approve", "return", "reopen"])
@pytest.mark.parametrize("version", [None, "x", "-1"])
def test_budget_review_actions_without_a_version_are_refused(
    manager_client, manager, staff_user, two_lines, action, version
):
    entries = []
    for (row, column), amount in zip(two_lines, ("10", "20"), strict=True):
        entry = budget_services.execution_save(
            row=row, column=column, quarter=1, amount=Decimal(amount), user=staff_user, expected_version=0
        )
        entry = budget_services.execution_submit(execution=entry, user=staff_user, expected_version=1)
        if action == "reopen":
            entry = budget_services.execution_approve(execution=entry, user=manager, expected_version=2)
        entries.append(entry)
    for entry, amount in zip(entries, ("10.000", "20.000"), strict=True):
        data = {"action": action, "reason": "確認のため"}
        if version is not None:
            data["version"] = version
        response = manager_client.post(reverse("budgets:execution_action", args=[entry.pk]), data)
        stored = BudgetExecution.objects.get(pk=entry.pk)
        assert (stored.state, stored.version) == (entry.state, entry.version)
        message = messages_of(response)[-1]  # the messages of earlier posts stay queued (no page shown)
        assert "画面の版番号が正しくありません" in message
        assert f"現在の値: {amount}百万円" in message and f"版{entry.version}）" in message


@pytest.mark.django_db
def test_no_service_call_can_skip_the_version_check(two_submitted, manager):
    a11, a13 = two_submitted
    for actual in (a11, a13):
        with pytest.raises(MissingVersionError) as exc:
            services.actual_approve(actual=actual, user=manager, expected_version=None)
        assert exc.value.current.version == 2
        with pytest.raises(TypeError):
            services.actual_approve(actual=actual, user=manager)  # the argument has no default
        with pytest.raises(MissingVersionError):
            lock_entry(Actual, pk=actual.pk, expected_version=None)
        assert Actual.objects.get(pk=actual.pk).state == "submitted"
