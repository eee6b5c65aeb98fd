"""The review workflow: each allowed transition, the forbidden ones, quarter locks and optimistic concurrency."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from indicators import services
from indicators.models import Actual, Indicator
from smrj_plan.models import QuarterLock
from smrj_plan.workflow import ConcurrentEditError


@pytest.fixture
def ind11(db):
    return Indicator.objects.get(code="1-1")


@pytest.fixture
def draft(ind11, staff_user, fiscal_year):
    return services.actual_save(
        indicator=ind11,
        fiscal_year=fiscal_year,
        quarter=1,
        user=staff_user,
        data={"value": Decimal("120")},
        expected_version=0,
    )


@pytest.fixture
def submitted(draft, staff_user):
    return services.actual_submit(actual=draft, user=staff_user, expected_version=draft.version)


@pytest.fixture
def approved(submitted, manager):
    return services.actual_approve(actual=submitted, user=manager, expected_version=submitted.version)


@pytest.mark.django_db
def test_draft_to_submitted_to_approved(approved, staff_user, manager):
    approved.refresh_from_db()
    assert approved.state == "approved"
    assert approved.submitted_by == staff_user and approved.reviewed_by == manager
    assert approved.version == 3


@pytest.mark.django_db
def test_return_requires_a_comment_and_makes_the_actual_editable(
    submitted, manager, staff_user, ind11, fiscal_year
):
    with pytest.raises(ValidationError, match="理由"):
        services.actual_return(
            actual=submitted, user=manager, reason="  ", expected_version=submitted.version
        )
    returned = services.actual_return(
        actual=submitted,
        user=manager,
        reason="根拠資料を添付してください",
        expected_version=submitted.version,
    )
    assert returned.state == "returned" and returned.review_comment == "根拠資料を添付してください"
    again = services.actual_save(
        indicator=ind11,
        fiscal_year=fiscal_year,
        quarter=1,
        user=staff_user,
        data={"value": Decimal("125"), "evidence": "集計表.xlsx"},
        expected_version=returned.version,
    )
    assert again.value == Decimal("125")
    assert (
        services.actual_submit(actual=again, user=staff_user, expected_version=again.version).state
        == "submitted"
    )


@pytest.mark.django_db
def test_reopen_requires_a_reason_and_goes_back_to_draft(approved, manager):
    with pytest.raises(ValidationError, match="理由"):
        services.actual_reopen(actual=approved, user=manager, reason="", expected_version=approved.version)
    reopened = services.actual_reopen(
        actual=approved, user=manager, reason="集計誤りの訂正", expected_version=approved.version
    )
    assert reopened.state == "draft" and reopened.review_comment == "集計誤りの訂正"


@pytest.mark.django_db
def test_approved_values_cannot_be_changed(approved, staff_user, ind11, fiscal_year):
    with pytest.raises(ValidationError, match="承認済み"):
        services.actual_save(
            indicator=ind11,
            fiscal_year=fiscal_year,
            quarter=1,
            user=staff_user,
            data={"value": Decimal("1")},
            expected_version=approved.version,
        )
    assert Actual.objects.get(pk=approved.pk).value == Decimal("120")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "action",
    [
        "approve_draft",
        "return_draft",
        "reopen_draft",
        "submit_submitted",
        "reopen_submitted",
        "submit_approved",
        "approve_approved",
        "return_approved",
    ],
)
def test_forbidden_transitions_are_refused(action, draft, staff_user, manager):
    verb, state = action.split("_")
    actual = draft
    if state in ("submitted", "approved"):
        actual = services.actual_submit(actual=actual, user=staff_user, expected_version=actual.version)
    if state == "approved":
        actual = services.actual_approve(actual=actual, user=manager, expected_version=actual.version)
    call = {
        "approve": lambda: services.actual_approve(
            actual=actual, user=manager, expected_version=actual.version
        ),
        "return": lambda: services.actual_return(
            actual=actual, user=manager, reason="理由", expected_version=actual.version
        ),
        "reopen": lambda: services.actual_reopen(
            actual=actual, user=manager, reason="理由", expected_version=actual.version
        ),
        "submit": lambda: services.actual_submit(
            actual=actual, user=staff_user, expected_version=actual.version
        ),
    }[verb]
    with pytest.raises(ValidationError, match="にはできません"):
        call()
    assert Actual.objects.get(pk=actual.pk).state == state


@pytest.mark.django_db
def test_only_managers_review(submitted, staff_user, auditor):
    for user in (staff_user, auditor):
        with pytest.raises(PermissionDenied):
            services.actual_approve(actual=submitted, user=user, expected_version=submitted.version)
        with pytest.raises(PermissionDenied):
            services.actual_return(
                actual=submitted, user=user, reason="x", expected_version=submitted.version
            )
    assert Actual.objects.get(pk=submitted.pk).state == "submitted"


@pytest.mark.django_db
def test_other_department_and_auditor_cannot_enter(ind11, other_staff_user, auditor, manager, fiscal_year):
    for user in (other_staff_user, auditor, manager):
        with pytest.raises(PermissionDenied):
            services.actual_save(
                indicator=ind11,
                fiscal_year=fiscal_year,
                quarter=1,
                user=user,
                data={"value": Decimal("1")},
                expected_version=0,
            )
    assert not Actual.objects.filter(indicator=ind11).exists()


@pytest.mark.django_db
def test_submit_refuses_an_incomplete_ratio(staff_user, fiscal_year):
    ind = Indicator.objects.get(code="1-3")
    a = services.actual_save(
        indicator=ind,
        fiscal_year=fiscal_year,
        quarter=1,
        user=staff_user,
        data={"note": "集計中"},
        expected_version=0,
    )
    with pytest.raises(ValidationError, match="「分子」「分母」が未入力"):
        services.actual_submit(actual=a, user=staff_user, expected_version=a.version)


@pytest.mark.django_db
def test_a_locked_quarter_refuses_every_change(submitted, manager, staff_user, ind11, fiscal_year):
    services.quarter_lock(fiscal_year=fiscal_year, quarter=1, user=manager, reason="締め")
    with pytest.raises(ValidationError, match="締め済み"):
        services.actual_approve(actual=submitted, user=manager, expected_version=submitted.version)
    with pytest.raises(ValidationError, match="締め済み"):
        services.actual_save(
            indicator=Indicator.objects.get(code="1-3"),
            fiscal_year=fiscal_year,
            quarter=1,
            user=staff_user,
            data={"numerator": Decimal("1"), "denominator": Decimal("2")},
            expected_version=0,
        )
    services.quarter_unlock(fiscal_year=fiscal_year, quarter=1, user=manager, reason="訂正のため")
    assert (
        services.actual_approve(actual=submitted, user=manager, expected_version=submitted.version).state
        == "approved"
    )
    lock = QuarterLock.objects.get(fiscal_year=fiscal_year, quarter=1)
    assert [h.history_change_reason for h in lock.history.order_by("history_date")] == ["締め", "訂正のため"]


@pytest.mark.django_db
def test_lock_requires_a_manager_and_a_reason(staff_user, auditor, manager, fiscal_year):
    for user in (staff_user, auditor):
        with pytest.raises(PermissionDenied):
            services.quarter_lock(fiscal_year=fiscal_year, quarter=2, user=user, reason="x")
    with pytest.raises(ValidationError):
        services.quarter_lock(fiscal_year=fiscal_year, quarter=2, user=manager, reason="")
    assert not QuarterLock.objects.filter(quarter=2).exists()


@pytest.mark.django_db
def test_the_second_concurrent_save_is_refused_with_the_stored_value(
    draft, staff_user, ind11, fiscal_year, colleague
):
    version_seen = draft.version  # both open the page at version 1
    services.actual_save(
        indicator=ind11,
        fiscal_year=fiscal_year,
        quarter=1,
        user=colleague,
        data={"value": Decimal("150")},
        expected_version=version_seen,
    )
    with pytest.raises(ConcurrentEditError) as exc:
        services.actual_save(
            indicator=ind11,
            fiscal_year=fiscal_year,
            quarter=1,
            user=staff_user,
            data={"value": Decimal("130")},
            expected_version=version_seen,
        )
    assert exc.value.current.value == Decimal("150")
    assert "現在の値: 150社" in services.actual_conflict_message(exc.value.current)
    assert Actual.objects.get(pk=draft.pk).value == Decimal("150")


@pytest.mark.django_db
def test_the_entry_page_refuses_a_stale_form_and_shows_the_stored_value(
    staff_client, draft, ind11, fiscal_year, colleague
):
    services.actual_save(
        indicator=ind11,
        fiscal_year=fiscal_year,
        quarter=1,
        user=colleague,
        data={"value": Decimal("150")},
        expected_version=1,
    )
    r = staff_client.post(
        "/entry/2024/1/", {"action": "save", f"a{ind11.pk}-version": "1", f"a{ind11.pk}-value": "130"}
    )
    body = r.content.decode()
    assert r.status_code == 200
    assert "他の利用者が先に更新しました（現在の値: 150社" in body and "更新者: tanto3" in body
    assert Actual.objects.get(pk=draft.pk).value == Decimal("150")


@pytest.mark.django_db
def test_a_page_opened_before_the_first_save_is_refused_too(staff_client, draft, ind11):
    r = staff_client.post(
        "/entry/2024/1/", {"action": "save", f"a{ind11.pk}-version": "0", f"a{ind11.pk}-value": "9"}
    )
    assert "現在の値: 120社" in r.content.decode()
    assert Actual.objects.get(pk=draft.pk).value == Decimal("120")


@pytest.mark.django_db
def test_review_page_actions(manager_client, submitted, fiscal_year):
    r = manager_client.get("/entry/2024/1/review/")
    assert "120社" in r.content.decode() and "承認" in r.content.decode()
    r = manager_client.post(
        f"/entry/actual/{submitted.pk}/return/", {"reason": "", "version": submitted.version}
    )
    assert Actual.objects.get(pk=submitted.pk).state == "submitted"
    manager_client.post(f"/entry/actual/{submitted.pk}/approve/", {"version": submitted.version})
    a = Actual.objects.get(pk=submitted.pk)
    assert a.state == "approved"
    manager_client.post(f"/entry/actual/{a.pk}/reopen/", {"reason": "訂正", "version": a.version})
    assert Actual.objects.get(pk=a.pk).state == "draft"
    # The quarter still has a draft: the 締め asks first, and locks once confirmed.
    asked = manager_client.post("/entry/2024/1/lock/", {"reason": "第1四半期締め"})
    assert asked.status_code == 200 and "確認のうえ締める" in asked.content.decode()
    assert not QuarterLock.objects.filter(fiscal_year=fiscal_year, quarter=1).exists()
    manager_client.post("/entry/2024/1/lock/", {"reason": "第1四半期締め", "confirm_incomplete": "yes"})
    assert QuarterLock.objects.get(fiscal_year=fiscal_year, quarter=1).is_locked
    manager_client.post("/entry/2024/1/unlock/", {"reason": "訂正"})
    assert not QuarterLock.objects.get(fiscal_year=fiscal_year, quarter=1).is_locked


@pytest.mark.django_db
def test_a_stale_approve_is_refused(manager_client, submitted, staff_user, manager):
    services.actual_return(actual=submitted, user=manager, reason="確認", expected_version=submitted.version)
    r = manager_client.post(
        f"/entry/actual/{submitted.pk}/approve/", {"version": submitted.version}, follow=True
    )
    assert "他の利用者が先に更新しました" in r.content.decode()
    assert Actual.objects.get(pk=submitted.pk).state == "returned"


@pytest.mark.django_db
def test_drafts_are_listed_as_drafts_for_managers(manager_client, draft):
    body = manager_client.get("/entry/2024/1/review/").content.decode()
    assert 'data-state="draft"' in body and "下書き" in body


@pytest.mark.django_db
def test_a_row_submitted_by_a_colleague_after_the_page_opened_refuses_the_whole_save(
    staff_client, draft, ind11, fiscal_year, colleague
):
    """The page showed 1-1 as an open draft; a colleague submitted it; the typed 130 must not vanish silently."""
    services.actual_submit(actual=draft, user=colleague, expected_version=draft.version)
    ind13 = Indicator.objects.get(code="1-3")
    r = staff_client.post(
        "/entry/2024/1/",
        {
            "action": "save",
            f"a{ind11.pk}-version": "1",
            f"a{ind11.pk}-value": "130",
            f"a{ind13.pk}-version": "0",
            f"a{ind13.pk}-numerator": "7",
            f"a{ind13.pk}-denominator": "10",
        },
    )
    assert r.status_code == 200
    body = r.content.decode()
    assert "1-1の実績は他の利用者が先に更新しました（現在の値: 120社" in body
    assert "どの行も保存していません" in body
    assert Actual.objects.get(pk=draft.pk).value == Decimal("120")
    assert not Actual.objects.filter(indicator=ind13, fiscal_year=fiscal_year, quarter=1).exists()
