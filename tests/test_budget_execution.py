"""Budget execution (執行額): entry by the column's department, validation, workflow, quarter locks,
concurrent edits, history and access."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from budgets import services
from budgets.models import BudgetColumn, BudgetExecution, BudgetRow
from budgets.selectors import budget_execution_summary
from smrj_plan.models import QuarterLock
from smrj_plan.workflow import ConcurrentEditError, EntryState

REGION = (
    "地域牽引・成長志向企業支援業務"  # 一般勘定's column entered by 経営支援部 (the staff_user's department)
)


@pytest.fixture
def line(db):
    """一般勘定 予算計画 運営費交付金 × 地域牽引・成長志向企業支援業務（一般経理）: 予算額 102,976."""
    row = BudgetRow.objects.get(table__kind="budget", table__account__code="ippan", label="運営費交付金")
    column = BudgetColumn.objects.select_related("table__fiscal_year").get(table=row.table, segment=REGION)
    return row, column


@pytest.fixture
def other_line(db):
    """The same row under 新市場開拓支援業務 (販路支援部): not the staff_user's."""
    row = BudgetRow.objects.get(table__kind="budget", table__account__code="ippan", label="運営費交付金")
    column = BudgetColumn.objects.select_related("table__fiscal_year").get(
        table=row.table, segment="新市場開拓支援業務"
    )
    return row, column


def save(line, user, amount, quarter=1, **kwargs):
    """Save as the page would: with the version it showed (the stored one, 0 before the first save)."""
    row, column = line
    if "expected_version" not in kwargs:
        stored = BudgetExecution.objects.filter(row=row, column=column, quarter=quarter).first()
        kwargs["expected_version"] = stored.version if stored else 0
    return services.execution_save(
        row=row, column=column, quarter=quarter, amount=Decimal(amount), user=user, **kwargs
    )


def region_line(summary, label="運営費交付金"):
    return next(ln for ln in summary.lines if ln.row_label == label and ln.column_label.startswith(REGION))


# ----------------------------------------------------------------------------------------------- entry


def test_staff_save_a_draft_and_it_shows_apart_from_approved_amounts(line, staff_user):
    entry = save(line, staff_user, "20000.5")
    assert (entry.state, entry.amount, entry.version) == (EntryState.DRAFT, Decimal("20000.5"), 1)
    summary = budget_execution_summary(fiscal_year=2024, account_code="ippan")
    ln = region_line(summary)
    assert ln.budget == Decimal("102976")
    assert ln.executed == Decimal("0") and ln.pending == {1: Decimal("20000.5")}


def test_approved_amounts_count_in_cumulative_difference_and_rate(line, staff_user, manager):
    q1 = save(line, staff_user, "25000", quarter=1)
    q2 = save(line, staff_user, "26000", quarter=2)
    for entry in (q1, q2):
        entry = services.execution_submit(execution=entry, user=staff_user, expected_version=entry.version)
        services.execution_approve(execution=entry, user=manager, expected_version=entry.version)
    save(line, staff_user, "1", quarter=3)  # a draft: shown apart, not counted
    ln = region_line(budget_execution_summary(fiscal_year=2024, account_code="ippan"))
    assert ln.approved == {1: Decimal("25000"), 2: Decimal("26000")}
    assert ln.executed == Decimal("51000")
    # 差額 = 執行額 − 予算額 = 51,000 − 102,976 = △51,976; 執行率 = 51,000 / 102,976 = 49.526…% → 49.5%.
    assert ln.difference == Decimal("-51976")
    assert ln.rate == Decimal("49.5")
    assert ln.pending_total == Decimal("1")


def test_the_page_shows_budget_executed_difference_and_rate(line, staff_user, manager, manager_client):
    entry = save(line, staff_user, "25000")
    entry = services.execution_submit(execution=entry, user=staff_user, expected_version=entry.version)
    services.execution_approve(execution=entry, user=manager, expected_version=entry.version)
    content = manager_client.get(reverse("budgets:execution", args=["ippan"])).content.decode()
    row, column = line
    start = content.index(f'data-row="{row.pk}" data-column="{column.pk}"')
    html = content[start : content.index("</tr>", start)]
    for text in ("102,976", "25,000", "△77,976", "24.3%"):  # 25,000 / 102,976 = 24.28% → 24.3%
        assert text in html
    assert (
        "差額<br>（執行額－予算額）" in content and "※端数処理の関係で合計が合わないことがある。" in content
    )


def test_the_form_saves_a_whole_quarter_for_the_staff_department(line, staff_client):
    row, column = line
    url = reverse("budgets:execution_save", args=["ippan", 2])
    response = staff_client.post(
        url, {f"amount-{row.pk}-{column.pk}": "1,234.5", f"version-{row.pk}-{column.pk}": "0"}
    )
    assert response.status_code == 302
    entry = BudgetExecution.objects.get(row=row, column=column, quarter=2)
    assert entry.amount == Decimal("1234.5") and entry.state == EntryState.DRAFT


def test_save_and_submit_from_the_form(line, staff_client):
    row, column = line
    url = reverse("budgets:execution_save", args=["ippan", 1])
    staff_client.post(
        url, {f"amount-{row.pk}-{column.pk}": "10", f"version-{row.pk}-{column.pk}": "0", "submit": "1"}
    )
    assert BudgetExecution.objects.get(row=row, column=column, quarter=1).state == EntryState.SUBMITTED


# ----------------------------------------------------------------------------------------------- validation


@pytest.mark.parametrize(
    "text,message",
    [
        ("abc", "数値として読めません"),
        ("-5", "0以上で入力してください"),
        ("123456789012", "桁数が多すぎます"),
        ("1.2345", "小数は3桁"),
    ],
)
def test_it_rejects_bad_amounts_with_japanese_messages(text, message):
    with pytest.raises(ValidationError) as exc:
        services.execution_amount_parse(text)
    assert message in " ".join(exc.value.messages)


def test_it_reads_full_width_digits_and_commas():
    assert services.execution_amount_parse("１，２３４．５") == Decimal("1234.5")
    assert services.execution_amount_parse("  ") is None


def test_nothing_is_saved_when_one_line_of_the_form_is_wrong(line, staff_client, staff_user):
    row, column = line
    other_row = BudgetRow.objects.get(table=row.table, label="業務収入")
    url = reverse("budgets:execution_save", args=["ippan", 1])
    response = staff_client.post(
        url,
        {
            f"amount-{row.pk}-{column.pk}": "100",
            f"version-{row.pk}-{column.pk}": "0",
            f"amount-{other_row.pk}-{column.pk}": "-3",
            f"version-{other_row.pk}-{column.pk}": "0",
        },
        follow=True,
    )
    assert not BudgetExecution.objects.filter(column=column).exists()
    content = response.content.decode()
    assert (
        "業務収入" in content and "0以上で入力してください" in content and "何も保存していません" in content
    )


# ----------------------------------------------------------------------------------------------- workflow


def test_return_requires_a_reason_and_makes_the_entry_editable_again(line, staff_user, manager):
    entry = save(line, staff_user, "10")
    entry = services.execution_submit(execution=entry, user=staff_user, expected_version=entry.version)
    with pytest.raises(ValidationError):
        services.execution_return(execution=entry, user=manager, reason=" ", expected_version=entry.version)
    entry = services.execution_return(
        execution=entry, user=manager, reason="根拠資料を添付してください", expected_version=entry.version
    )
    assert entry.state == EntryState.RETURNED and entry.review_comment == "根拠資料を添付してください"
    entry = save(line, staff_user, "12", expected_version=entry.version)
    assert entry.amount == Decimal("12") and entry.state == EntryState.RETURNED


def test_an_approved_entry_cannot_be_edited_until_a_manager_reopens_it(line, staff_user, manager):
    entry = save(line, staff_user, "10")
    entry = services.execution_submit(execution=entry, user=staff_user, expected_version=entry.version)
    entry = services.execution_approve(execution=entry, user=manager, expected_version=entry.version)
    with pytest.raises(ValidationError, match="承認済み"):
        save(line, staff_user, "11", expected_version=entry.version)
    with pytest.raises(ValidationError):
        services.execution_reopen(execution=entry, user=manager, reason="", expected_version=entry.version)
    entry = services.execution_reopen(
        execution=entry, user=manager, reason="金額の訂正", expected_version=entry.version
    )
    assert entry.state == EntryState.DRAFT
    assert save(line, staff_user, "11", expected_version=entry.version).amount == Decimal("11")


def test_only_managers_review(line, staff_user, auditor):
    entry = save(line, staff_user, "10")
    entry = services.execution_submit(execution=entry, user=staff_user, expected_version=entry.version)
    for user in (staff_user, auditor):
        with pytest.raises(PermissionDenied):
            services.execution_approve(execution=entry, user=user, expected_version=entry.version)


def test_a_manager_approves_from_the_page(line, staff_user, manager_client):
    entry = save(line, staff_user, "10")
    entry = services.execution_submit(execution=entry, user=staff_user, expected_version=entry.version)
    url = reverse("budgets:execution_action", args=[entry.pk])
    manager_client.post(url, {"action": "approve", "version": entry.version})
    entry.refresh_from_db()
    assert entry.state == EntryState.APPROVED and entry.reviewed_by.username == "kanri"


# ----------------------------------------------------------------------------------------------- lock


def test_a_locked_quarter_refuses_changes(line, staff_user, manager, fiscal_year):
    entry = save(line, staff_user, "10", quarter=2)
    QuarterLock.objects.create(fiscal_year=fiscal_year, quarter=2, is_locked=True, changed_by=manager)
    with pytest.raises(ValidationError, match="締め済み"):
        save(line, staff_user, "11", quarter=2, expected_version=entry.version)
    with pytest.raises(ValidationError, match="締め済み"):
        services.execution_submit(execution=entry, user=staff_user, expected_version=entry.version)
    with pytest.raises(ValidationError, match="締め済み"):
        save(line, staff_user, "5", quarter=2)
    assert save(line, staff_user, "5", quarter=3).amount == Decimal("5")  # other quarters stay open
    entry.refresh_from_db()
    assert entry.amount == Decimal("10")


def test_an_unlocked_quarter_accepts_changes_again(line, staff_user, manager, fiscal_year):
    QuarterLock.objects.create(fiscal_year=fiscal_year, quarter=1, is_locked=False, changed_by=manager)
    assert save(line, staff_user, "7").amount == Decimal("7")


# ----------------------------------------------------------------------------------------------- concurrency


def test_a_stale_form_is_refused_with_the_current_value(line, staff_user, colleague):
    first = save(line, staff_user, "10")
    save(line, colleague, "20", expected_version=first.version)
    with pytest.raises(ConcurrentEditError) as exc:
        save(line, staff_user, "30", expected_version=first.version)
    assert exc.value.current.amount == Decimal("20")
    with pytest.raises(ConcurrentEditError):
        save(line, staff_user, "30", expected_version=0)  # the form was opened before anyone entered a value
    assert "他の利用者が先に更新しました" in services.execution_conflict_message(exc.value.current)


# ----------------------------------------------------------------------------------------------- history


def test_every_change_keeps_who_when_old_new_and_why(line, staff_user, manager, auditor_client):
    entry = save(line, staff_user, "10")
    entry = save(line, staff_user, "15", expected_version=entry.version)
    entry = services.execution_submit(execution=entry, user=staff_user, expected_version=entry.version)
    entry = services.execution_return(
        execution=entry, user=manager, reason="内訳が不足", expected_version=entry.version
    )
    records = list(entry.history.order_by("history_id"))
    assert [(r.amount, r.state, r.history_user.username, r.history_change_reason) for r in records] == [
        (Decimal("10"), "draft", "tanto", "下書き保存"),
        (Decimal("15"), "draft", "tanto", "下書き保存"),
        (Decimal("15"), "submitted", "tanto", "提出"),
        (Decimal("15"), "returned", "kanri", "内訳が不足"),
    ]
    content = auditor_client.get(reverse("budgets:execution_history", args=[entry.pk])).content.decode()
    assert "内訳が不足" in content and "提出済み → 差戻し" in content


# ----------------------------------------------------------------------------------------------- access


def test_staff_of_another_department_get_404_for_a_line_or_entry(
    line, other_line, staff_user, other_staff_client, staff_client
):
    row, column = line
    entry = save(line, staff_user, "10")
    assert (
        other_staff_client.get(reverse("budgets:execution_line", args=[row.pk, column.pk])).status_code == 404
    )
    assert other_staff_client.get(reverse("budgets:execution_history", args=[entry.pk])).status_code == 404
    response = other_staff_client.post(
        reverse("budgets:execution_action", args=[entry.pk]), {"action": "submit"}
    )
    assert response.status_code == 404
    o_row, o_column = other_line
    assert (
        staff_client.get(reverse("budgets:execution_line", args=[o_row.pk, o_column.pk])).status_code == 404
    )
    assert staff_client.get(reverse("budgets:execution_line", args=[row.pk, column.pk])).status_code == 200


def test_staff_cannot_enter_another_departments_column(other_line, staff_user, staff_client):
    with pytest.raises(PermissionDenied):
        save(other_line, staff_user, "10")
    row, column = other_line
    staff_client.post(
        reverse("budgets:execution_save", args=["ippan", 1]),
        {f"amount-{row.pk}-{column.pk}": "10", f"version-{row.pk}-{column.pk}": "0"},
    )
    assert not BudgetExecution.objects.filter(column=column).exists()


def test_staff_see_only_their_department_lines(line, staff_client):
    content = staff_client.get(reverse("budgets:execution", args=["ippan"])).content.decode()
    assert REGION in content and "新市場開拓支援業務" not in content


def test_auditors_read_but_get_403_when_trying_to_change(line, staff_user, auditor, auditor_client):
    row, column = line
    entry = save(line, staff_user, "10")
    entry = services.execution_submit(execution=entry, user=staff_user, expected_version=entry.version)
    assert auditor_client.get(reverse("budgets:execution", args=["ippan"])).status_code == 200
    assert auditor_client.get(reverse("budgets:execution_line", args=[row.pk, column.pk])).status_code == 200
    response = auditor_client.post(
        reverse("budgets:execution_save", args=["ippan", 1]),
        {f"amount-{row.pk}-{column.pk}": "99", f"version-{row.pk}-{column.pk}": "1"},
    )
    assert response.status_code == 403
    response = auditor_client.post(
        reverse("budgets:execution_action", args=[entry.pk]), {"action": "approve"}
    )
    assert response.status_code == 403
    entry.refresh_from_db()
    assert (entry.amount, entry.state) == (Decimal("10"), EntryState.SUBMITTED)
    with pytest.raises(PermissionDenied):
        save(line, auditor, "99", expected_version=entry.version)


def test_totals_columns_and_other_tables_take_no_execution(line, staff_user, manager):
    row, _ = line
    grand = BudgetColumn.objects.get(table=row.table, role="grand_total")
    with pytest.raises(PermissionDenied):
        services.execution_save(
            row=row, column=grand, quarter=1, amount=Decimal("1"), user=staff_user, expected_version=0
        )
    total_row = BudgetRow.objects.get(table=row.table, label="計", order=12)
    _, column = line
    with pytest.raises(ValidationError):
        services.execution_save(
            row=total_row, column=column, quarter=1, amount=Decimal("1"), user=staff_user, expected_version=0
        )


def test_the_form_shows_the_stored_amount_so_that_saving_again_changes_nothing(
    line, staff_user, staff_client
):
    entry = save(line, staff_user, "1000")
    row, column = line
    content = staff_client.get(reverse("budgets:execution", args=["ippan"]) + "?quarter=1").content.decode()
    assert f'name="amount-{row.pk}-{column.pk}" value="1,000"' in content
    staff_client.post(
        reverse("budgets:execution_save", args=["ippan", 1]),
        {f"amount-{row.pk}-{column.pk}": "1,000", f"version-{row.pk}-{column.pk}": str(entry.version)},
    )
    entry.refresh_from_db()
    assert (entry.amount, entry.version, entry.history.count()) == (Decimal("1000"), 1, 1)


def test_the_execution_page_costs_the_same_queries_with_more_entries(
    line, staff_user, manager, manager_client, django_assert_max_num_queries
):
    url = reverse("budgets:execution", args=["ippan"])
    # 14 whatever the entries: the session, the user and groups, years, the data version, the table with its
    # rows, columns and cells, the executions, the locks, the 勘定 list.
    with django_assert_max_num_queries(14):
        manager_client.get(url)
    row, column = line
    for label in ("運営費交付金", "業務収入", "業務経費", "一般管理費"):
        for quarter in (1, 2, 3):
            entry = services.execution_save(
                row=BudgetRow.objects.get(table=row.table, label=label),
                column=column,
                quarter=quarter,
                amount=Decimal("5"),
                user=staff_user,
                expected_version=0,
            )
            services.execution_submit(execution=entry, user=staff_user, expected_version=entry.version)
    with django_assert_max_num_queries(14):
        response = manager_client.get(url)
    assert response.content.decode().count("承認</button>") == 12


def test_odd_version_text_is_not_a_server_error(line, staff_user, staff_client):
    row, column = line
    entry = save(line, staff_user, "10")
    response = staff_client.post(
        reverse("budgets:execution_save", args=["ippan", 1]),
        {f"amount-{row.pk}-{column.pk}": "11", f"version-{row.pk}-{column.pk}": "²"},
    )
    assert response.status_code == 302
    response = staff_client.post(
        reverse("budgets:execution_action", args=[entry.pk]), {"action": "submit", "version": "１"}
    )
    assert response.status_code == 302


def test_a_line_submitted_by_a_colleague_after_the_page_opened_refuses_the_whole_save(
    line, staff_client, staff_user, colleague
):
    row, column = line
    entry = save(line, staff_user, "12")  # the page is opened at version 1
    services.execution_submit(execution=entry, user=colleague, expected_version=entry.version)
    url = reverse("budgets:execution_save", args=["ippan", 1])
    response = staff_client.post(
        url, {f"amount-{row.pk}-{column.pk}": "99", f"version-{row.pk}-{column.pk}": "1"}, follow=True
    )
    body = response.content.decode()
    assert (
        "運営費交付金（地域牽引・成長志向企業支援業務" in body
        and "他の利用者が先に提出・承認しました" in body
    )
    assert "何も保存していません" in body
    entry.refresh_from_db()
    assert (entry.amount, entry.state) == (Decimal("12"), EntryState.SUBMITTED)
