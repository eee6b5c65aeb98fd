"""Every free-text field has a length limit, held by the model and by the form: a 4 MB text through any page is
refused with a Japanese message and nothing is stored."""

import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from budgets import services as budget_services
from budgets.models import BudgetColumn, BudgetExecution, BudgetRow
from indicators import services, xlsx_import
from indicators.models import Actual, FinalRating, Indicator
from measures.models import Chapter, Measure, PlanDocument
from smrj_plan.models import QuarterLock
from smrj_plan.text_limits import PLAN_TEXT_MAX_LENGTH, USER_TEXT_MAX_LENGTH
from smrj_plan.workflow import EntryState

pytestmark = pytest.mark.django_db

FOUR_MB = "a" * (4 * 1024 * 1024)
TOO_LONG = f"（入力は{len(FOUR_MB)}文字です）。"
ENTRY = "/entry/2024/1/"


def ind(code: str) -> Indicator:
    return Indicator.objects.get(code=code)


def messages_of(response) -> list[str]:
    return [str(m) for m in response.wsgi_request._messages]


def history_rows() -> int:
    return sum(model.history.count() for model in (Actual, BudgetExecution, FinalRating, QuarterLock))


@pytest.fixture
def execution_line(db):
    row = BudgetRow.objects.get(table__kind="budget", table__account__code="ippan", label="運営費交付金")
    column = BudgetColumn.objects.get(table=row.table, segment="地域牽引・成長志向企業支援業務")
    return row, column


def actual_in(state: str, code: str, staff_user, fiscal_year) -> Actual:
    """An actual already in `state`, submitted by the 担当者 (so a manager may review it)."""
    return Actual.objects.create(
        indicator=ind(code),
        fiscal_year=fiscal_year,
        quarter=1,
        value=Decimal("10") if code == "1-1" else None,
        numerator=Decimal("1") if code == "1-3" else None,
        denominator=Decimal("2") if code == "1-3" else None,
        state=state,
        version=3,
        submitted_by=staff_user,
    )


# ------------------------------------------------------------------------------------------ pages and forms


@pytest.mark.parametrize(
    ("code", "fields", "message"),
    [
        ("1-1", {"value": "10", "note": FOUR_MB}, "備考は2,000文字以内で入力してください" + TOO_LONG),
        (
            "1-3",
            {"numerator": "1", "denominator": "2", "evidence": FOUR_MB},
            "根拠資料は2,000文字以内で入力してください" + TOO_LONG,
        ),
    ],
)
def test_entry_page_refuses_a_4mb_note_or_evidence(staff_client, code, fields, message):
    pk = ind(code).pk
    data = {"action": "save", f"a{pk}-version": "0", **{f"a{pk}-{k}": v for k, v in fields.items()}}
    response = staff_client.post(ENTRY, data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Actual.objects.exists() and history_rows() == 0


def test_entry_page_takes_2000_characters_and_says_so_in_the_inputs(staff_client, fiscal_year):
    i11, i13 = ind("1-1"), ind("1-3")
    page = staff_client.get(ENTRY).content.decode()
    assert page.count('maxlength="2000"') >= 4  # 備考 and 根拠資料 of 1-1 and 1-3
    response = staff_client.post(
        ENTRY,
        {
            "action": "save",
            f"a{i11.pk}-version": "0",
            f"a{i11.pk}-value": "10",
            f"a{i11.pk}-note": "備" * USER_TEXT_MAX_LENGTH,
            f"a{i13.pk}-version": "0",
            f"a{i13.pk}-numerator": "1",
            f"a{i13.pk}-denominator": "2",
            f"a{i13.pk}-evidence": "根" * USER_TEXT_MAX_LENGTH,
        },
    )
    assert response.status_code == 302
    assert Actual.objects.get(indicator=i11).note == "備" * USER_TEXT_MAX_LENGTH
    assert Actual.objects.get(indicator=i13).evidence == "根" * USER_TEXT_MAX_LENGTH


@pytest.mark.parametrize(
    ("action", "state", "code"), [("return", "submitted", "1-1"), ("reopen", "approved", "1-3")]
)
def test_return_and_reopen_refuse_a_4mb_reason(manager_client, staff_user, fiscal_year, action, state, code):
    actual = actual_in(state, code, staff_user, fiscal_year)
    before = history_rows()
    response = manager_client.post(
        reverse(f"entry:{action}", args=[actual.pk]), {"version": "3", "reason": FOUR_MB}
    )
    assert response.status_code == 302
    assert messages_of(response) == [f"{code}: 理由は2,000文字以内で入力してください{TOO_LONG}"]
    actual.refresh_from_db()
    assert (actual.state, actual.version, actual.review_comment) == (state, 3, "")
    assert history_rows() == before


@pytest.mark.parametrize("view", ["entry:lock", "entry:unlock"])
def test_lock_and_unlock_refuse_a_4mb_reason(manager_client, manager, fiscal_year, view):
    if view == "entry:unlock":
        QuarterLock.objects.create(
            fiscal_year=fiscal_year, quarter=1, is_locked=True, reason="締め", changed_by=manager
        )
    before = list(QuarterLock.objects.values_list("quarter", "is_locked", "reason"))
    history_before = QuarterLock.history.count()
    response = manager_client.post(reverse(view, args=[2024, 1]), {"reason": FOUR_MB})
    assert response.status_code == 302
    assert messages_of(response) == [f"理由は2,000文字以内で入力してください{TOO_LONG}"]
    assert list(QuarterLock.objects.values_list("quarter", "is_locked", "reason")) == before
    assert QuarterLock.history.count() == history_before


def test_final_rating_refuses_a_4mb_reason(manager_client):
    for code in ("1-1", "1-3"):
        response = manager_client.post(
            reverse("dashboard:final_rating", args=[ind(code).pk]),
            {"grade": "S", "reason": FOUR_MB},
            follow=True,
        )
        assert response.redirect_chain[0][1] == 302
        shown = [str(m) for m in response.context["messages"]]
        # The rating is set on the self-evaluation page now, where each message names its indicator.
        assert shown == [f"{code}: 評定の理由は2,000文字以内で入力してください{TOO_LONG}"]
    assert not FinalRating.objects.exists() and FinalRating.history.count() == 0
    page = manager_client.get(reverse("dashboard:indicator", args=[ind("1-1").pk])).content.decode()
    assert 'name="reason"' in page and 'maxlength="2000"' in page


def test_budget_entry_refuses_a_4mb_note(staff_client, execution_line):
    row, column = execution_line
    name = f"{row.pk}-{column.pk}"
    page = staff_client.get(reverse("budgets:execution", args=["ippan"]) + "?quarter=1").content.decode()
    assert f'name="note-{name}"' in page and 'aria-label="備考" maxlength="2000"' in page
    response = staff_client.post(
        reverse("budgets:execution_save", args=["ippan", 1]),
        {f"amount-{name}": "10", f"version-{name}": "0", f"note-{name}": FOUR_MB},
    )
    assert response.status_code == 302
    assert f"備考は2,000文字以内で入力してください{TOO_LONG}" in " ".join(messages_of(response))
    assert not BudgetExecution.objects.exists() and BudgetExecution.history.count() == 0


@pytest.mark.parametrize(("action", "state"), [("return", "submitted"), ("reopen", "approved")])
def test_budget_return_and_reopen_refuse_a_4mb_reason(
    manager_client, staff_user, execution_line, action, state
):
    row, column = execution_line
    entry = BudgetExecution.objects.create(
        row=row,
        column=column,
        quarter=1,
        amount=Decimal("10"),
        state=state,
        version=2,
        submitted_by=staff_user,
    )
    response = manager_client.post(
        reverse("budgets:execution_action", args=[entry.pk]),
        {"action": action, "version": "2", "reason": FOUR_MB},
    )
    assert response.status_code == 302
    assert messages_of(response) == [f"差戻し・再開の理由は2,000文字以内で入力してください{TOO_LONG}"]
    entry.refresh_from_db()
    assert (entry.state, entry.version, entry.review_comment) == (state, 2, "")
    assert BudgetExecution.history.count() == 1  # the creation only


def test_upload_refuses_a_note_over_the_limit(staff_client):
    content = staff_client.get("/entry/2024/1/template.xlsx").content
    wb = load_workbook(io.BytesIO(content))
    ws = wb[xlsx_import.DATA_SHEET]
    col = xlsx_import.COLUMN_INDEX
    rows = {ws.cell(row=r, column=col["code"]).value: r for r in range(2, ws.max_row + 1)}
    ws.cell(row=rows["1-1"], column=col["value"], value=10)
    ws.cell(row=rows["1-1"], column=col["note"], value="備" * (USER_TEXT_MAX_LENGTH + 1))
    ws.cell(row=rows["1-3"], column=col["numerator"], value=1)
    ws.cell(row=rows["1-3"], column=col["denominator"], value=2)
    ws.cell(row=rows["1-3"], column=col["evidence"], value="根" * (USER_TEXT_MAX_LENGTH + 1))
    buffer = io.BytesIO()
    wb.save(buffer)
    upload = io.BytesIO(buffer.getvalue())
    upload.name = "actuals.xlsx"
    response = staff_client.post("/entry/2024/1/upload/", {"file": upload})
    assert response.status_code == 400
    problems = " ".join(str(p) for p in response.context["result"].problems)
    assert "備考は2,000文字以内で入力してください（入力は2001文字です）。" in problems
    assert "根拠資料は2,000文字以内で入力してください（入力は2001文字です）。" in problems
    assert not Actual.objects.exists()


# ------------------------------------------------------------------------------------------ the model itself


@pytest.mark.parametrize(
    ("build", "field", "limit", "message"),
    [
        (lambda: Actual(), "note", USER_TEXT_MAX_LENGTH, "備考は2,000文字以内"),
        (lambda: Actual(), "evidence", USER_TEXT_MAX_LENGTH, "根拠資料は2,000文字以内"),
        (lambda: Actual(), "review_comment", USER_TEXT_MAX_LENGTH, "差戻し・再開の理由は2,000文字以内"),
        (lambda: BudgetExecution(), "note", USER_TEXT_MAX_LENGTH, "備考は2,000文字以内"),
        (
            lambda: BudgetExecution(),
            "review_comment",
            USER_TEXT_MAX_LENGTH,
            "差戻し・再開の理由は2,000文字以内",
        ),
        (lambda: QuarterLock(), "reason", USER_TEXT_MAX_LENGTH, "締め・締め解除の理由は2,000文字以内"),
        (lambda: FinalRating(), "reason", USER_TEXT_MAX_LENGTH, "評定の理由は2,000文字以内"),
        (lambda: Indicator(), "text", PLAN_TEXT_MAX_LENGTH, "計画の記載（原文）は5,000文字以内"),
        (lambda: Indicator(), "note", PLAN_TEXT_MAX_LENGTH, "注記は5,000文字以内"),
        (lambda: PlanDocument(), "preamble", PLAN_TEXT_MAX_LENGTH, "前文は5,000文字以内"),
        (lambda: Chapter(), "intro", PLAN_TEXT_MAX_LENGTH, "本文（箇条書き以外）は5,000文字以内"),
        (lambda: Measure(), "text", PLAN_TEXT_MAX_LENGTH, "本文は5,000文字以内"),
    ],
)
def test_every_free_text_field_is_limited_in_the_model(build, field, limit, message):
    instance = build()
    others = [f.name for f in instance._meta.fields if f.name != field]
    setattr(instance, field, "x" * limit)
    instance.clean_fields(exclude=others)
    setattr(instance, field, "x" * (limit + 1))
    with pytest.raises(ValidationError) as exc:
        instance.clean_fields(exclude=others)
    assert exc.value.message_dict[field] == [f"{message}で入力してください（入力は{limit + 1}文字です）。"]
    # ModelForms (the admin) get the limit as the input's maxlength.
    assert instance._meta.get_field(field).formfield().widget.attrs["maxlength"] == str(limit)


def test_no_text_field_is_left_without_a_limit():
    from django.apps import apps

    unlimited = [
        f"{model.__name__}.{field.name}"
        for model in apps.get_models()
        if model._meta.app_label in ("indicators", "budgets", "measures")
        for field in model._meta.fields
        if field.get_internal_type() == "TextField" and field.name != "history_change_reason"
        if not field.max_length or not field.validators
    ]
    assert unlimited == []


def test_workflow_steps_check_the_reason_length_in_the_model(
    staff_user, manager, fiscal_year, execution_line
):
    """The services refuse an over-long reason even when no form stands in front of them."""
    actual = actual_in("submitted", "1-1", staff_user, fiscal_year)
    with pytest.raises(ValidationError, match="差戻し・再開の理由は2,000文字以内"):
        services.actual_return(actual=actual, user=manager, reason="理" * 2001, expected_version=3)
    row, column = execution_line
    entry = BudgetExecution.objects.create(
        row=row,
        column=column,
        quarter=1,
        amount=Decimal("1"),
        state=EntryState.APPROVED,
        submitted_by=staff_user,
    )
    with pytest.raises(ValidationError, match="差戻し・再開の理由は2,000文字以内"):
        budget_services.execution_reopen(
            execution=entry, user=manager, reason="理" * 2001, expected_version=entry.version
        )
    actual.refresh_from_db()
    entry.refresh_from_db()
    assert (actual.state, entry.state) == (EntryState.SUBMITTED, EntryState.APPROVED)


def test_a_long_reason_is_kept_whole_in_the_history(manager, fiscal_year):
    """simple_history's reason column is varchar(100) by default: PostgreSQL refused any longer reason (500)."""
    for model in (Actual, BudgetExecution, FinalRating, QuarterLock):
        assert model.history.model._meta.get_field("history_change_reason").get_internal_type() == "TextField"
    reason = "締めの理由。" * 300  # 1,800 characters
    lock = services.quarter_lock(fiscal_year=fiscal_year, quarter=2, user=manager, reason=reason)
    assert lock.history.latest().history_change_reason == reason
