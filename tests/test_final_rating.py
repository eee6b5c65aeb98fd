"""The final 評定 a 管理者 sets beside the computed 評定の目安, kept with its history."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from indicators.models import FinalRating, Indicator
from indicators.rating_services import final_rating_set
from measures.models import FiscalYear


@pytest.fixture
def indicator_1_1(db):
    return Indicator.objects.get(code="1-1", plan__fiscal_year__year=2024)


def test_a_manager_sets_and_changes_the_final_grade_with_history(manager, fiscal_year, indicator_1_1):
    final_rating_set(
        indicator=indicator_1_1, fiscal_year=fiscal_year, grade="B", reason="目標どおり", user=manager
    )
    rating = final_rating_set(
        indicator=indicator_1_1, fiscal_year=fiscal_year, grade="S", reason="質的にも顕著な成果", user=manager
    )
    assert FinalRating.objects.filter(indicator=indicator_1_1).count() == 1
    assert rating.grade == "S"
    history = list(
        rating.history.order_by("history_date").values_list("grade", "reason", "history_change_reason")
    )
    assert history == [("B", "目標どおり", "目標どおり"), ("S", "質的にも顕著な成果", "質的にも顕著な成果")]


def test_s_needs_a_reason(manager, fiscal_year, indicator_1_1):
    with pytest.raises(ValidationError) as exc:
        final_rating_set(
            indicator=indicator_1_1, fiscal_year=fiscal_year, grade="S", reason="  ", user=manager
        )
    assert "質的に顕著な成果" in str(exc.value)
    assert not FinalRating.objects.exists()


def test_every_grade_needs_a_reason(manager, fiscal_year, indicator_1_1):
    with pytest.raises(ValidationError) as exc:
        final_rating_set(indicator=indicator_1_1, fiscal_year=fiscal_year, grade="C", reason="", user=manager)
    assert "理由" in str(exc.value)


def test_an_unknown_grade_is_refused(manager, fiscal_year, indicator_1_1):
    with pytest.raises(ValidationError):
        final_rating_set(
            indicator=indicator_1_1, fiscal_year=fiscal_year, grade="E", reason="x", user=manager
        )


def test_reference_indicators_get_no_grade(manager, fiscal_year):
    reference = Indicator.objects.get(code="R1-5-1", plan__fiscal_year__year=2024)
    with pytest.raises(ValidationError):
        final_rating_set(indicator=reference, fiscal_year=fiscal_year, grade="B", reason="x", user=manager)


@pytest.mark.parametrize("who", ["staff_user", "auditor"])
def test_only_a_manager_may_set_it(request, who, fiscal_year, indicator_1_1):
    with pytest.raises(PermissionDenied):
        final_rating_set(
            indicator=indicator_1_1,
            fiscal_year=fiscal_year,
            grade="B",
            reason="x",
            user=request.getfixturevalue(who),
        )


def test_the_page_form_sets_it_and_shows_both_grades(manager_client, indicator_1_1):
    url = reverse("dashboard:final_rating", args=[indicator_1_1.pk])
    response = manager_client.post(url, {"grade": "S", "reason": "全国展開のモデルとなった"}, follow=True)
    assert response.status_code == 200
    content = response.content.decode()
    assert "最終評定を「S」に設定しました。" in content
    assert "<strong data-final-grade>S</strong>" in content
    assert "全国展開のモデルとなった" in content
    rating = FinalRating.objects.get(indicator=indicator_1_1, fiscal_year=FiscalYear.objects.get(year=2024))
    assert rating.grade == "S" and rating.set_by.username == "kanri"
    # No reason for S: refused with a readable message and nothing changed.
    response = manager_client.post(url, {"grade": "A", "reason": ""}, follow=True)
    assert "評定の理由を記入してください。" in response.content.decode()
    rating.refresh_from_db()
    assert rating.grade == "S"


def test_the_form_is_only_for_managers(staff_client, auditor_client, manager_client, indicator_1_1):
    page = reverse("dashboard:indicator", args=[indicator_1_1.pk])
    assert 'action="' + reverse("dashboard:final_rating", args=[indicator_1_1.pk]) in (
        manager_client.get(page).content.decode()
    )
    assert "最終評定を保存" not in staff_client.get(page).content.decode()
    url = reverse("dashboard:final_rating", args=[indicator_1_1.pk])
    assert staff_client.post(url, {"grade": "A", "reason": "x"}).status_code == 403
    assert auditor_client.post(url, {"grade": "A", "reason": "x"}).status_code == 403
    assert manager_client.get(url).status_code == 405
    assert not FinalRating.objects.exists()


def test_garbage_grade_from_the_form_is_a_message_not_an_error(manager_client, indicator_1_1):
    url = reverse("dashboard:final_rating", args=[indicator_1_1.pk])
    response = manager_client.post(url, {"grade": "Z", "reason": "x"}, follow=True)
    assert response.status_code == 200
    assert "評定はS・A・B・C・Dから選んでください。" in response.content.decode()
