"""提出期限: the default date, a 管理者's change with its history, overdue marks and the 担当者's list of what is
due and what was returned."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from indicators.models import Actual, Indicator
from smrj_plan import deadlines
from smrj_plan.models import QuarterDeadline, QuarterLock
from smrj_plan.owed import owed_items
from smrj_plan.workflow import EntryState


@pytest.fixture(autouse=True)
def _measures_owe_nothing(measures_reported):
    """These tests are about the indicators' and budgets' part; the measures' part is tests/test_measure_owed.py."""


@pytest.fixture(autouse=True)
def _deadline_settings(settings):
    settings.SUBMISSION_DEADLINE_DAYS = 15
    settings.REMINDER_DAYS_BEFORE = 7


@pytest.fixture
def today(monkeypatch):
    holder = {"value": dt.date(2024, 7, 20)}
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: holder["value"])
    return holder


def _indicator(code):
    return Indicator.objects.get(plan__fiscal_year__year=2024, code=code)


def test_the_default_deadline_is_the_quarters_end_plus_the_set_days(fiscal_year, settings):
    assert [deadlines.deadline_for(fiscal_year, q) for q in (1, 2, 3, 4)] == [
        dt.date(2024, 7, 15),
        dt.date(2024, 10, 15),
        dt.date(2025, 1, 15),
        dt.date(2025, 4, 15),
    ]
    settings.SUBMISSION_DEADLINE_DAYS = 30
    assert deadlines.deadline_for(2024, 3) == dt.date(2025, 1, 30)
    assert deadlines.deadline_for(2024, 4) == dt.date(2025, 4, 30)


def test_overdue_from_the_day_after_the_deadline_in_japan_time(fiscal_year, today):
    assert not deadlines.is_overdue(fiscal_year, 1, today=dt.date(2024, 7, 15))
    assert deadlines.is_overdue(fiscal_year, 1, today=dt.date(2024, 7, 16))
    assert not deadlines.is_overdue(fiscal_year, 2, today=dt.date(2024, 7, 16))
    # Without `today`, Japan's date decides.
    today["value"] = dt.date(2024, 10, 16)
    assert [deadlines.is_overdue(fiscal_year, q) for q in (1, 2, 3, 4)] == [True, True, False, False]


def test_a_manager_changes_a_quarters_date_and_the_history_keeps_each_change(
    fiscal_year, manager, manager_client, auditor_client
):
    url = reverse("entry:deadlines", args=[2024])
    response = manager_client.post(
        url, {"quarter": "1", "due_date": "2024-07-31", "reason": "お盆前の繁忙期のため延長"}
    )
    assert response.status_code == 302
    manager_client.post(url, {"quarter": "1", "due_date": "2024/07/25", "reason": "監査日程に合わせて短縮"})
    manager_client.post(url, {"quarter": "3", "due_date": "2025-01-20", "reason": "年末年始の休業を考慮"})
    assert deadlines.deadline_for(fiscal_year, 1) == dt.date(2024, 7, 25)
    assert deadlines.deadline_for(fiscal_year, 2) == dt.date(2024, 10, 15)  # unchanged: the default
    assert deadlines.deadline_for(fiscal_year, 3) == dt.date(2025, 1, 20)
    changes = [
        (c.quarter, c.old_date, c.new_date, c.reason, c.user.username)
        for c in deadlines.deadline_history(fiscal_year)
    ]
    assert changes == [
        (3, dt.date(2025, 1, 15), dt.date(2025, 1, 20), "年末年始の休業を考慮", "kanri"),
        (1, dt.date(2024, 7, 31), dt.date(2024, 7, 25), "監査日程に合わせて短縮", "kanri"),
        (1, dt.date(2024, 7, 15), dt.date(2024, 7, 31), "お盆前の繁忙期のため延長", "kanri"),
    ]
    page = auditor_client.get(url).content.decode()
    assert '2024年7月31日</span> → <span class="new">2024年7月25日' in page
    assert "監査日程に合わせて短縮" in page and "お盆前の繁忙期のため延長" in page
    assert "令和6年7月25日（2024年7月25日）" in page
    assert "提出期限を変更する" not in page  # the auditor reads only
    assert (
        auditor_client.post(url, {"quarter": "2", "due_date": "2024-10-31", "reason": "x"}).status_code == 403
    )


def test_a_staff_member_cannot_change_a_deadline(fiscal_year, staff_user, staff_client):
    url = reverse("entry:deadlines", args=[2024])
    assert staff_client.get(url).status_code == 403
    response = staff_client.post(url, {"quarter": "1", "due_date": "2024-08-31", "reason": "延長したい"})
    assert response.status_code == 403
    assert not QuarterDeadline.objects.exists()
    with pytest.raises(PermissionDenied, match="提出期限を変更できるのは管理者だけです"):
        deadlines.deadline_set(
            fiscal_year=fiscal_year, quarter=1, due_date=dt.date(2024, 8, 31), user=staff_user, reason="延長"
        )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"quarter": "1", "due_date": "2024-07-31", "reason": "\u200b\u3000 "},
            "見えない文字だけでは記入したことになりません",
        ),
        ({"quarter": "1", "due_date": "2024-07-31", "reason": ""}, "変更の理由を記入してください。"),
        (
            {"quarter": "1", "due_date": "2024-13-40", "reason": "延長"},
            "提出期限は 2024-07-15 のような日付で入力してください。",
        ),
        ({"quarter": "1", "due_date": "", "reason": "延長"}, "提出期限の日付を入力してください。"),
        (
            {"quarter": "9", "due_date": "2024-07-31", "reason": "延長"},
            "四半期は第1〜第4四半期から選んでください。",
        ),
        (
            {"quarter": "2", "due_date": "2030-01-01", "reason": "延長"},
            "提出期限は令和6年4月1日から令和8年3月31日までの日付にしてください。",
        ),
        (
            {"quarter": "1", "due_date": "2024-07-15", "reason": "同じ日"},
            "提出期限は既に令和6年7月15日（2024年7月15日）です。",
        ),
    ],
)
def test_bad_input_gets_a_japanese_message_and_changes_nothing(fiscal_year, manager_client, data, message):
    url = reverse("entry:deadlines", args=[2024])
    if message.startswith("提出期限は既に"):
        manager_client.post(url, {"quarter": "1", "due_date": "2024-07-15", "reason": "既定と同じ日を記録"})
    before = QuarterDeadline.history.count()
    response = manager_client.post(url, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert QuarterDeadline.history.count() == before


def _owed_scenario(fiscal_year, staff_user, manager):
    """経営支援部: 第1四半期 1-1 returned with a reason, 1-3 missing; 第2四半期 1-1 submitted, 1-3 in 下書き."""
    Actual.objects.create(
        indicator=_indicator("1-1"),
        fiscal_year=fiscal_year,
        quarter=1,
        value=40,
        state=EntryState.RETURNED,
        submitted_by=staff_user,
        reviewed_by=manager,
        review_comment="件数に重複があります。事業者単位で数え直してください。",
    )
    Actual.objects.create(
        indicator=_indicator("1-1"), fiscal_year=fiscal_year, quarter=2, value=30, state=EntryState.SUBMITTED
    )
    Actual.objects.create(
        indicator=_indicator("1-3"),
        fiscal_year=fiscal_year,
        quarter=2,
        numerator=3,
        denominator=4,
        state=EntryState.DRAFT,
    )


def test_the_owed_items_of_two_departments(fiscal_year, staff_user, manager, department, other_department):
    _owed_scenario(fiscal_year, staff_user, manager)
    own = owed_items(fiscal_year=fiscal_year, quarters=[1, 2], department_id=department.pk)
    assert [(i.quarter, i.code, i.state_label, i.reason) for i in own] == [
        (1, "1-1", "差戻し", "件数に重複があります。事業者単位で数え直してください。"),
        (1, "1-3", "未入力", ""),
        (2, "1-3", "下書き", ""),
    ]
    other = owed_items(fiscal_year=fiscal_year, quarters=[4], department_id=other_department.pk)
    assert [(i.quarter, i.code, i.state_label) for i in other] == [(4, "2-1", "未入力"), (4, "2-2", "未入力")]
    # 1-2 (基準比) is owed at 第4四半期 only.
    assert [
        i.code for i in owed_items(fiscal_year=fiscal_year, quarters=[4], department_id=department.pk)
    ] == [
        "1-1",
        "1-2",
        "1-3",
    ]


def test_the_staff_index_says_what_is_due_by_when_and_what_was_returned(
    fiscal_year, staff_user, manager, staff_client, today
):
    _owed_scenario(fiscal_year, staff_user, manager)
    today["value"] = dt.date(2024, 7, 20)
    page = staff_client.get(reverse("entry:index") + "?year=2024").content.decode()
    returned = page[
        page.index('id="returned-items"') : page.index("</div>", page.index('id="returned-items"'))
    ]
    assert "差し戻されたもの（1件）" in returned
    assert _indicator("1-1").name in returned
    assert "差戻しの理由：</strong>件数に重複があります。事業者単位で数え直してください。" in returned
    assert f'href="/entry/2024/1/indicator/{_indicator("1-1").pk}/"' in returned
    q1 = page[page.index('class="owed-quarter is-overdue" data-quarter="1"') :]
    q1 = q1[: q1.index("</div>")]
    assert "第1四半期：提出期限 令和6年7月15日（2024年7月15日）" in q1
    assert "期限超過（5日経過）" in q1
    assert _indicator("1-3").name in q1 and _indicator("1-1").name not in q1  # returned ones are listed above
    q2 = page[page.index('class="owed-quarter" data-quarter="2"') :]
    q2 = q2[: q2.index("</div>")]
    assert "第2四半期：提出期限 令和6年10月15日（2024年10月15日）" in q2 and "あと87日" in q2
    assert "下書き" in q2 and _indicator("1-3").name in q2 and _indicator("1-1").name not in q2
    assert 'data-quarter="3"' not in page.split("<table", 1)[0]  # 第3四半期 has not begun
    # The quarter table marks the overdue quarter with what is still owed, and no other.
    table = page.split("<table", 1)[1]
    assert table.count("期限超過") == 1 and "期限超過 未提出2件" in table


def test_a_closed_or_complete_quarter_is_not_owed_and_other_departments_see_their_own(
    fiscal_year, staff_user, manager, staff_client, other_staff_client, today
):
    _owed_scenario(fiscal_year, staff_user, manager)
    QuarterLock.objects.create(
        fiscal_year=fiscal_year, quarter=1, is_locked=True, reason="締め", changed_by=manager
    )
    page = staff_client.get(reverse("entry:index") + "?year=2024").content.decode()
    assert 'id="returned-items"' not in page and 'data-quarter="1"' not in page.split("<table", 1)[0]
    other = other_staff_client.get(reverse("entry:index") + "?year=2024").content.decode()
    owed = other.split("<table", 1)[0]
    assert "2-1" in owed and "2-2" in owed and "1-3" not in owed


def test_the_manager_sees_the_overdue_quarters_and_a_link_to_the_deadlines(
    fiscal_year, manager_client, today
):
    today["value"] = dt.date(2024, 10, 20)
    page = manager_client.get(reverse("entry:index") + "?year=2024").content.decode()
    assert 'id="owed-heading"' not in page  # the list is for a 担当者
    rows = page.split("<tbody>", 1)[1]
    assert rows.count("期限超過 未提出") == 2  # 第1・第2四半期
    assert reverse("entry:deadlines", args=[2024]) in page


def test_an_invalid_stored_date_range_is_refused_by_the_service(fiscal_year, manager):
    with pytest.raises(ValidationError) as exc:
        deadlines.deadline_set(
            fiscal_year=fiscal_year, quarter=1, due_date=dt.date(2024, 3, 31), user=manager, reason="前年度"
        )
    assert exc.value.message_dict["due_date"] == [
        "提出期限は令和6年4月1日から令和8年3月31日までの日付にしてください。"
    ]


def _section(page: str, marker: str, end: str) -> str:
    start = page.index(marker)
    return page[start : page.index(end, start + len(marker))]


def test_overdue_rows_are_marked_on_the_entry_and_review_pages(
    fiscal_year, staff_user, manager, staff_client, manager_client, today
):
    _owed_scenario(fiscal_year, staff_user, manager)
    Actual.objects.create(
        indicator=_indicator("1-3"),
        fiscal_year=fiscal_year,
        quarter=1,
        numerator=1,
        denominator=2,
        state=EntryState.APPROVED,
    )
    entry = staff_client.get("/entry/2024/1/").content.decode()
    assert (
        '提出期限：<strong>令和6年7月15日（2024年7月15日）</strong> <span class="overdue-mark">期限経過（5日）</span>'
        in entry
    )
    assert "期限超過" in _section(entry, 'id="row-1-1"', "</header>")  # returned, still owed
    assert "期限超過" not in _section(entry, 'id="row-1-3"', "</header>")  # approved
    assert "期限超過" not in _section(entry, 'id="row-1-2"', "</header>")  # annual: owed at 第4四半期
    q2 = staff_client.get("/entry/2024/2/").content.decode()
    assert "（あと87日）" in q2 and "期限超過" not in q2
    review = manager_client.get("/entry/2024/1/review/").content.decode()
    assert "期限超過" in _section(review, 'id="actual-1-1"', "</tr>")
    assert "期限超過" not in _section(review, 'id="actual-1-3"', "</tr>")
    today["value"] = dt.date(2024, 7, 15)  # the deadline day itself is on time
    assert "期限超過" not in staff_client.get("/entry/2024/1/").content.decode()


def test_the_landing_summary_and_the_completeness_page_show_the_deadline_and_mark_what_is_overdue(
    manager_client, fiscal_year
):
    """Q1's default deadline is 令和6年7月15日; on 7月16日 it has passed: the landing summary says so, and the
    completeness page marks the indicators still not submitted in Q1 (1-1 missing), not the submitted one (2-2)."""
    import datetime as dt
    from unittest import mock

    from indicators.models import Actual, Indicator

    Actual.objects.create(
        indicator=Indicator.objects.get(code="2-2"),
        fiscal_year=fiscal_year,
        quarter=1,
        state="submitted",
        value=5,
    )
    with mock.patch("django.utils.timezone.localdate", return_value=dt.date(2024, 7, 16)):
        landing = manager_client.get("/dashboard/").content.decode()
        page = manager_client.get("/dashboard/2024/completeness/", {"q": 1}).content.decode()
    item = landing[landing.index('<li data-quarter="1">') :]
    item = item[: item.index("</li>")]
    assert "提出期限 令和6年7月15日" in item and "期限超過" in item
    assert "提出期限：令和6年7月15日" in page
    row = page[page.index('data-code="1-1"') :]
    assert "期限超過" in row[: row.index("</tr>")]
    row = page[page.index('data-code="2-2"') :]
    first_cell = row[: row.index('data-quarter="2"')]
    assert "期限超過" not in first_cell
    with mock.patch("django.utils.timezone.localdate", return_value=dt.date(2024, 7, 15)):
        on_time = manager_client.get("/dashboard/2024/completeness/", {"q": 1}).content.decode()
    assert "期限超過" not in on_time
