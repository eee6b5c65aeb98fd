"""Change history pages: who, when (JST), old → new, state change and reason, from simple_history."""

from decimal import Decimal

import pytest

from indicators import services
from indicators.models import Actual, Indicator


@pytest.fixture
def story(staff_user, manager, fiscal_year):
    """1-1 第1四半期: saved 120, corrected to 135, submitted, returned, corrected to 140, submitted, approved."""
    ind = Indicator.objects.get(code="1-1")

    def save(value, version):
        return services.actual_save(
            indicator=ind,
            fiscal_year=fiscal_year,
            quarter=1,
            user=staff_user,
            data={"value": Decimal(value)},
            expected_version=version,
        )

    a = save("120", 0)
    a = save("135", a.version)
    a = services.actual_submit(actual=a, user=staff_user, expected_version=a.version)
    a = services.actual_return(
        actual=a, user=manager, reason="内訳を確認してください", expected_version=a.version
    )
    a = save("140", a.version)
    a = services.actual_submit(actual=a, user=staff_user, expected_version=a.version)
    return services.actual_approve(actual=a, user=manager, expected_version=a.version)


@pytest.mark.django_db
def test_every_change_is_kept_with_who_and_why(story, staff_user, manager):
    rows = list(Actual.history.filter(id=story.pk).order_by("history_date", "history_id"))
    assert [r.value for r in rows] == [
        Decimal("120"),
        Decimal("135"),
        Decimal("135"),
        Decimal("135"),
        Decimal("140"),
        Decimal("140"),
        Decimal("140"),
    ]
    assert [r.state for r in rows] == [
        "draft",
        "draft",
        "submitted",
        "returned",
        "returned",
        "submitted",
        "approved",
    ]
    assert [r.history_change_reason for r in rows] == [
        "下書き保存",
        "下書き保存",
        "提出",
        "内訳を確認してください",
        "下書き保存",
        "提出",
        "承認",
    ]
    assert [r.history_user for r in rows] == [staff_user] * 3 + [manager] + [staff_user] * 2 + [manager]


@pytest.mark.django_db
def test_indicator_history_page_shows_old_and_new_values(auditor_client, story):
    body = auditor_client.get(f"/entry/history/indicator/{story.indicator.pk}/").content.decode()
    assert '<span class="old">120</span> → <span class="new">135</span>' in body
    assert '<span class="old">135</span> → <span class="new">140</span>' in body
    assert "提出済み → 差戻し" in body and "提出済み → 承認済み" in body
    assert "内訳を確認してください" in body
    assert "kanri" in body and "tanto" in body


@pytest.mark.django_db
def test_history_times_are_in_japan_time(auditor_client, story):
    from django.utils import timezone

    latest = Actual.history.filter(id=story.pk).latest("history_date").history_date
    jst = timezone.localtime(latest, timezone.get_fixed_timezone(9 * 60)).strftime("%Y-%m-%d %H:%M:%S")
    assert jst in auditor_client.get(f"/entry/history/indicator/{story.indicator.pk}/").content.decode()


@pytest.mark.django_db
def test_quarter_history_lists_changes_and_locks(manager_client, story, manager, fiscal_year):
    services.quarter_lock(fiscal_year=fiscal_year, quarter=1, user=manager, reason="四半期締め")
    body = manager_client.get("/entry/history/2024/1/").content.decode()
    assert '<span class="old">120</span> → <span class="new">135</span>' in body
    assert "四半期締め" in body


@pytest.mark.django_db
def test_other_department_staff_cannot_see_the_history(other_staff_client, staff_client, story):
    assert other_staff_client.get(f"/entry/history/indicator/{story.indicator.pk}/").status_code == 404
    assert (
        '<span class="new">135</span>'
        not in other_staff_client.get("/entry/history/2024/1/").content.decode()
    )
    assert '<span class="new">135</span>' in staff_client.get("/entry/history/2024/1/").content.decode()
