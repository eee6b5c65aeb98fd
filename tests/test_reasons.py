"""A required reason must show something: whitespace, zero-width and other invisible characters are refused.

One helper (smrj_plan.text.require_visible_text) decides, and every service that takes a required reason uses
it: 差戻し and 再開 of actuals and executed amounts (smrj_plan.workflow.transition), 締め and 締め解除, and the
final 評定."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from budgets import services as budget_services
from budgets.models import BudgetColumn, BudgetRow
from indicators import services
from indicators.models import Actual, FinalRating, Indicator
from indicators.rating_services import final_rating_set
from smrj_plan.models import QuarterLock
from smrj_plan.text import has_visible_text, require_visible_text
from smrj_plan.workflow import EntryState

INVISIBLE = [
    "\u200b",  # zero-width space
    "\u3000",  # ideographic space
    "\ufeff\u200d",  # byte-order mark + zero-width joiner
    "\u2060\u200c",  # word joiner + zero-width non-joiner
    " \t\r\n\u00a0",  # ASCII whitespace and a no-break space
    "\x01\x7f",  # control characters
    "\u202e\u2066",  # bidi overrides (format characters)
    "\u3164\u2800",  # Hangul filler, blank Braille pattern
    "\ufe0f\u034f",  # a variation selector and the combining grapheme joiner
    "\uffff",  # a non-character
]
INVISIBLE_MESSAGE = "空白やゼロ幅スペースなどの見えない文字だけでは記入したことになりません。"
REGION = "地域牽引・成長志向企業支援業務"


@pytest.mark.parametrize("value", INVISIBLE)
def test_the_helper_refuses_text_that_shows_nothing(value):
    assert not has_visible_text(value)
    with pytest.raises(ValidationError) as exc:
        require_visible_text(value, field_label="差戻しの理由")
    assert exc.value.messages[0].startswith("差戻しの理由を記入してください。")


@pytest.mark.parametrize(
    ("value", "kept"),
    [
        ("集計誤りの訂正", "集計誤りの訂正"),
        ("\u3000根拠資料の差替え\n", "根拠資料の差替え"),
        ("\u200b確認済み", "\u200b確認済み"),  # a visible word next to an invisible one is a reason
        ("A", "A"),
        ("。", "。"),
        ("5", "5"),
    ],
)
def test_the_helper_accepts_a_real_reason_and_trims_the_spaces_around_it(value, kept):
    assert require_visible_text(value, field_label="理由") == kept


def test_an_empty_reason_gets_the_plain_message_and_a_blank_one_is_told_why():
    for value in ("", None):
        with pytest.raises(ValidationError) as exc:
            require_visible_text(value, field_label="評定の理由")
        assert exc.value.messages == ["評定の理由を記入してください。"]
    with pytest.raises(ValidationError) as exc:
        require_visible_text("   ", field_label="評定の理由")
    assert exc.value.messages == [f"評定の理由を記入してください。{INVISIBLE_MESSAGE}"]


# ---------------------------------------------------------------------------------------- services


@pytest.fixture
def ind11(fiscal_year):
    return Indicator.objects.get(code="1-1", plan__fiscal_year=fiscal_year)


@pytest.fixture
def submitted_actuals(staff_user, fiscal_year):
    """Submitted actuals of 1-1 (count) and 1-3 (ratio) for 第1四半期."""
    result = []
    for code, data in (
        ("1-1", {"value": Decimal("120")}),
        ("1-3", {"numerator": Decimal("75"), "denominator": Decimal("100")}),
    ):
        actual = services.actual_save(
            indicator=Indicator.objects.get(code=code, plan__fiscal_year=fiscal_year),
            fiscal_year=fiscal_year,
            quarter=1,
            user=staff_user,
            data=data,
            expected_version=0,
        )
        result.append(services.actual_submit(actual=actual, user=staff_user, expected_version=actual.version))
    return result


def _state(entry):
    entry.refresh_from_db()
    return entry.state, entry.version, entry.review_comment, entry.history.count()


@pytest.mark.parametrize("reason", ["\u200b", "\u3000", "\ufeff\u200d"])
def test_return_and_reopen_of_actuals_refuse_an_invisible_reason(submitted_actuals, manager, reason):
    first, second = submitted_actuals
    for actual in (first, second):
        before = _state(actual)
        with pytest.raises(ValidationError) as exc:
            services.actual_return(
                actual=actual, user=manager, reason=reason, expected_version=actual.version
            )
        assert exc.value.messages == [f"差戻し・再開の理由を記入してください。{INVISIBLE_MESSAGE}"]
        assert _state(actual) == before
    approved = services.actual_approve(actual=second, user=manager, expected_version=second.version)
    before = _state(approved)
    with pytest.raises(ValidationError, match="見えない文字"):
        services.actual_reopen(
            actual=approved, user=manager, reason=reason, expected_version=approved.version
        )
    assert _state(approved) == before == (EntryState.APPROVED, 3, "", 3)


def test_a_real_reason_is_kept_trimmed(submitted_actuals, manager):
    returned = services.actual_return(
        actual=submitted_actuals[0],
        user=manager,
        reason="\u3000根拠資料を添付してください\n",
        expected_version=submitted_actuals[0].version,
    )
    assert returned.review_comment == "根拠資料を添付してください"
    assert returned.history.latest("history_date").history_change_reason == "根拠資料を添付してください"


@pytest.mark.parametrize("reason", ["\u200b", "\u3000", "\ufeff\u200d"])
def test_lock_and_unlock_refuse_an_invisible_reason(manager, fiscal_year, reason):
    for quarter in (1, 2):
        with pytest.raises(ValidationError) as exc:
            services.quarter_lock(fiscal_year=fiscal_year, quarter=quarter, user=manager, reason=reason)
        assert exc.value.message_dict == {
            "reason": [f"締め・締め解除の理由を記入してください。{INVISIBLE_MESSAGE}"]
        }
    assert not QuarterLock.objects.filter(fiscal_year=fiscal_year).exists()
    lock = services.quarter_lock(fiscal_year=fiscal_year, quarter=1, user=manager, reason="第1四半期の締め")
    with pytest.raises(ValidationError, match="見えない文字"):
        services.quarter_unlock(fiscal_year=fiscal_year, quarter=1, user=manager, reason=reason)
    lock.refresh_from_db()
    assert (lock.is_locked, lock.reason, lock.history.count()) == (True, "第1四半期の締め", 1)


@pytest.mark.parametrize("reason", ["\u200b", "\u3000", "\ufeff\u200d"])
def test_the_final_rating_refuses_an_invisible_reason(manager, fiscal_year, ind11, reason):
    with pytest.raises(ValidationError) as exc:
        final_rating_set(indicator=ind11, fiscal_year=fiscal_year, grade="B", reason=reason, user=manager)
    assert exc.value.message_dict == {"reason": [f"評定の理由を記入してください。{INVISIBLE_MESSAGE}"]}
    with pytest.raises(ValidationError, match="質的に顕著な成果"):
        final_rating_set(indicator=ind11, fiscal_year=fiscal_year, grade="S", reason=reason, user=manager)
    assert not FinalRating.objects.exists()
    rating = final_rating_set(
        indicator=ind11, fiscal_year=fiscal_year, grade="A", reason="上回った", user=manager
    )
    assert (rating.grade, rating.reason) == ("A", "上回った")


@pytest.fixture
def submitted_executions(staff_user):
    row = BudgetRow.objects.get(table__kind="budget", table__account__code="ippan", label="運営費交付金")
    column = BudgetColumn.objects.select_related("table__fiscal_year").get(table=row.table, segment=REGION)
    result = []
    for quarter in (1, 2):
        entry = budget_services.execution_save(
            row=row,
            column=column,
            quarter=quarter,
            amount=Decimal("10"),
            user=staff_user,
            expected_version=0,
        )
        result.append(
            budget_services.execution_submit(execution=entry, user=staff_user, expected_version=entry.version)
        )
    return result


@pytest.mark.parametrize("reason", ["\u200b", "\u3000", "\ufeff\u200d"])
def test_return_and_reopen_of_executed_amounts_refuse_an_invisible_reason(
    submitted_executions, manager, reason
):
    first, second = submitted_executions
    for entry in (first, second):
        before = _state(entry)
        with pytest.raises(ValidationError, match="見えない文字"):
            budget_services.execution_return(
                execution=entry, user=manager, reason=reason, expected_version=entry.version
            )
        assert _state(entry) == before
    approved = budget_services.execution_approve(
        execution=second, user=manager, expected_version=second.version
    )
    before = _state(approved)
    with pytest.raises(ValidationError, match="見えない文字"):
        budget_services.execution_reopen(
            execution=approved, user=manager, reason=reason, expected_version=approved.version
        )
    assert _state(approved) == before
    reopened = budget_services.execution_reopen(
        execution=approved, user=manager, reason="金額の訂正", expected_version=approved.version
    )
    assert (reopened.state, reopened.review_comment) == (EntryState.DRAFT, "金額の訂正")


# ------------------------------------------------------------------------------------------- pages


def test_the_review_page_refuses_a_zero_width_reason_with_a_japanese_message(
    submitted_actuals, manager_client, fiscal_year
):
    for actual in submitted_actuals:
        response = manager_client.post(
            reverse("entry:return", args=[actual.pk]),
            {"reason": "\u200b", "version": actual.version},
            follow=True,
        )
        assert INVISIBLE_MESSAGE in response.content.decode()
        assert Actual.objects.get(pk=actual.pk).state == EntryState.SUBMITTED
    response = manager_client.post(
        reverse("entry:lock", args=[2024, 1]), {"reason": "\ufeff\u200d"}, follow=True
    )
    assert INVISIBLE_MESSAGE in response.content.decode()
    assert not QuarterLock.objects.filter(fiscal_year=fiscal_year, quarter=1).exists()


def test_the_execution_page_refuses_a_zero_width_reason(submitted_executions, manager_client):
    for entry in submitted_executions:
        url = reverse("budgets:execution_action", args=[entry.pk])
        response = manager_client.post(
            url, {"action": "return", "reason": "\u200b", "version": entry.version}, follow=True
        )
        assert INVISIBLE_MESSAGE in response.content.decode()
        entry.refresh_from_db()
        assert (entry.state, entry.review_comment) == (EntryState.SUBMITTED, "")


def test_the_final_rating_page_refuses_a_zero_width_reason(manager_client, ind11):
    response = manager_client.post(
        reverse("dashboard:final_rating", args=[ind11.pk]), {"grade": "B", "reason": "\u200b"}, follow=True
    )
    assert f"評定の理由を記入してください。{INVISIBLE_MESSAGE}" in response.content.decode()
    assert not FinalRating.objects.exists()
