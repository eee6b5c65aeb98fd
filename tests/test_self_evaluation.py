"""The self-evaluation of each 評価項目: the items, the workflow (a 管理者 writes and submits, another approves),
the indicators' final 評定 set on the same page and frozen with it, the old rating address, and the page."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evaluation import self_services
from evaluation.items import evaluation_item_get, evaluation_item_list
from evaluation.models import SelfEvaluation
from indicators.models import FinalRating, Indicator
from smrj_plan.roles import Role
from smrj_plan.workflow import ConcurrentEditError, EntryState
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

TEXT = {
    "assessment": "ハンズオン支援の事前ヒアリングは目標を上回った。\n施策はおおむね予定どおり進んだ。",
    "grade": "A",
    "grade_reason": "主な指標の達成率が120%以上であるため。",
}


@pytest.fixture
def second_manager(db):
    return make_user("kanri2", Role.MANAGER)


@pytest.fixture
def item(plan):
    return evaluation_item_get(plan=plan, code="1-1")


def _write(fiscal_year, item, user, data=TEXT, version=0):
    return self_services.self_evaluation_save(
        fiscal_year=fiscal_year, item=item, user=user, data=data, expected_version=version
    )


def test_the_items_are_the_five_pillars_and_the_chapters_with_content(plan):
    items = evaluation_item_list(plan=plan)
    assert [i.code for i in items] == [
        "1-1",
        "1-2",
        "1-3",
        "1-4",
        "1-5",
        "2",
        "3",
        "5",
        "6",
        "7",
        "8",
        "9",
        "10",
    ]
    assert items[0].label == "I-1 地域牽引・成長志向の中小企業への支援"
    assert items[5].label.startswith("II 業務運営の効率化")
    # Chapter IV holds only the budget tables: no measures, no indicators, no item.
    assert "4" not in {i.code for i in items}


def test_write_submit_and_approve_by_another_manager(fiscal_year, item, manager, second_manager):
    evaluation = _write(fiscal_year, item, manager)
    assert (evaluation.section.number, evaluation.state, evaluation.grade) == (1, EntryState.DRAFT, "A")
    evaluation = self_services.self_evaluation_submit(
        evaluation=evaluation, user=manager, expected_version=evaluation.version
    )
    with pytest.raises(ValidationError, match="自分が提出した値は承認できません"):
        self_services.self_evaluation_approve(
            evaluation=evaluation, user=manager, expected_version=evaluation.version
        )
    evaluation = self_services.self_evaluation_approve(
        evaluation=evaluation, user=second_manager, expected_version=evaluation.version
    )
    assert (evaluation.state, evaluation.reviewed_by) == (EntryState.APPROVED, second_manager)
    with pytest.raises(ValidationError, match="承認済み"):
        _write(fiscal_year, item, manager, data={**TEXT, "grade": "B"}, version=evaluation.version)
    reasons = list(evaluation.history.order_by("history_date").values_list("state", "history_change_reason"))
    assert reasons == [("draft", "下書き保存"), ("submitted", "提出"), ("approved", "承認")]


def test_submission_needs_the_text_the_grade_and_its_reason(fiscal_year, item, manager):
    evaluation = _write(
        fiscal_year, item, manager, data={"assessment": "途中まで", "grade": "", "grade_reason": " "}
    )
    with pytest.raises(ValidationError) as exc:
        self_services.self_evaluation_submit(
            evaluation=evaluation, user=manager, expected_version=evaluation.version
        )
    assert exc.value.messages == ["「評定」「評定の理由」が未記入のため提出できません。"]


@pytest.mark.parametrize("who", ["staff_user", "auditor"])
def test_only_managers_write_it(request, fiscal_year, item, who):
    with pytest.raises(PermissionDenied):
        _write(fiscal_year, item, request.getfixturevalue(who))
    assert not SelfEvaluation.objects.exists()


def test_return_and_reopen_with_reasons(fiscal_year, item, manager, second_manager):
    evaluation = self_services.self_evaluation_submit(
        evaluation=_write(fiscal_year, item, manager), user=manager, expected_version=1
    )
    with pytest.raises(ValidationError):
        self_services.self_evaluation_return(
            evaluation=evaluation, user=second_manager, reason="\ufeff", expected_version=evaluation.version
        )
    evaluation = self_services.self_evaluation_return(
        evaluation=evaluation, user=second_manager, reason="施策の成果を具体的に", expected_version=2
    )
    evaluation = _write(
        fiscal_year,
        item,
        manager,
        data={**TEXT, "assessment": "具体的に書き直した。"},
        version=evaluation.version,
    )
    evaluation = self_services.self_evaluation_submit(
        evaluation=evaluation, user=manager, expected_version=evaluation.version
    )
    evaluation = self_services.self_evaluation_approve(
        evaluation=evaluation, user=second_manager, expected_version=evaluation.version
    )
    evaluation = self_services.self_evaluation_reopen(
        evaluation=evaluation, user=second_manager, reason="評定の見直し", expected_version=evaluation.version
    )
    assert (evaluation.state, evaluation.review_comment) == (EntryState.DRAFT, "評定の見直し")


def test_pillars_and_chapters_each_have_one_self_evaluation(fiscal_year, plan, manager):
    for code in ("1-1", "2"):
        _write(fiscal_year, evaluation_item_get(plan=plan, code=code), manager)
    assert sorted(SelfEvaluation.objects.values_list("chapter__number", "section__number")) == [
        (1, 1),
        (2, None),
    ]
    # A second page opened before the first save (version 0) does not create a second row.
    with pytest.raises(ConcurrentEditError):
        _write(fiscal_year, evaluation_item_get(plan=plan, code="2"), manager)
    assert SelfEvaluation.objects.count() == 2


def test_indicator_ratings_are_frozen_while_the_item_is_under_review(
    fiscal_year, item, manager, second_manager
):
    indicator = Indicator.objects.get(code="1-1")
    self_services.indicator_rating_set(
        indicator=indicator, fiscal_year=fiscal_year, grade="B", reason="目標どおり", user=manager
    )
    evaluation = self_services.self_evaluation_submit(
        evaluation=_write(fiscal_year, item, manager), user=manager, expected_version=1
    )
    with pytest.raises(ValidationError, match="提出済み"):
        self_services.indicator_rating_set(
            indicator=indicator, fiscal_year=fiscal_year, grade="A", reason="見直し", user=second_manager
        )
    # Another item's indicator is not affected.
    self_services.indicator_rating_set(
        indicator=Indicator.objects.get(code="2-1"),
        fiscal_year=fiscal_year,
        grade="C",
        reason="未達",
        user=manager,
    )
    self_services.self_evaluation_return(
        evaluation=evaluation, user=second_manager, reason="評定を確認", expected_version=evaluation.version
    )
    self_services.indicator_rating_set(
        indicator=indicator, fiscal_year=fiscal_year, grade="A", reason="見直し", user=manager
    )
    assert dict(FinalRating.objects.values_list("indicator__code", "grade")) == {"1-1": "A", "2-1": "C"}


def test_the_approver_must_not_have_rated_the_items_indicators(fiscal_year, item, manager, second_manager):
    """Four-eyes over the whole page: the ratings are part of what the approver checks."""
    evaluation = _write(fiscal_year, item, manager)
    self_services.indicator_rating_set(
        indicator=Indicator.objects.get(code="1-3"),
        fiscal_year=fiscal_year,
        grade="A",
        reason="顕著",
        user=second_manager,
    )
    evaluation = self_services.self_evaluation_submit(
        evaluation=evaluation, user=manager, expected_version=evaluation.version
    )
    with pytest.raises(ValidationError, match="指標の評定を自分が設定・変更しているため承認できません"):
        self_services.self_evaluation_approve(
            evaluation=evaluation, user=second_manager, expected_version=evaluation.version
        )
    third = make_user("kanri3", Role.MANAGER)
    assert (
        self_services.self_evaluation_approve(
            evaluation=evaluation, user=third, expected_version=evaluation.version
        ).state
        == EntryState.APPROVED
    )


# --- pages -----------------------------------------------------------------------------------------------------


def test_the_page_saves_submits_and_shows_the_review_buttons(
    manager_client, fiscal_year, item, second_manager
):
    url = reverse("evaluation:self_item", args=[2024, "1-1"])
    page = manager_client.get(url).content.decode()
    assert 'id="self-evaluation-form"' in page and "1-1" in page
    # 提出 with a missing reason: nothing saved, not even the draft.
    response = manager_client.post(
        url,
        {"version": 0, "assessment": "本文", "grade": "A", "grade_reason": "", "action": "submit"},
        follow=True,
    )
    assert "「評定の理由」が未記入のため提出できません。 保存していません。" in response.content.decode()
    assert not SelfEvaluation.objects.exists()
    response = manager_client.post(url, {"version": 0, **TEXT, "action": "submit"}, follow=True)
    content = response.content.decode()
    assert "自己評価を提出しました。" in content
    assert "自分が提出したため、承認は別の管理者が行います。" in content
    assert 'id="item-grade">A<' in content
    evaluation = SelfEvaluation.objects.get()
    from django.test import Client

    other = Client()
    other.force_login(second_manager)
    response = other.post(
        reverse("evaluation:self_approve", args=[evaluation.pk]), {"version": 2}, follow=True
    )
    assert "I-1（柱1）の自己評価を承認しました。" in response.content.decode()
    evaluation.refresh_from_db()
    assert evaluation.state == EntryState.APPROVED


def test_a_garbage_grade_and_a_too_long_text_are_messages(manager_client):
    url = reverse("evaluation:self_item", args=[2024, "2"])
    response = manager_client.post(url, {"version": 0, "assessment": "x", "grade": "Z", "grade_reason": "y"})
    assert "評定はS・A・B・C・Dから選んでください。" in response.content.decode()
    response = manager_client.post(
        url, {"version": 0, "assessment": "あ" * 6001, "grade": "B", "grade_reason": "y"}
    )
    assert "自己評価は6,000文字以内で入力してください（入力は6001文字です）。" in response.content.decode()
    assert not SelfEvaluation.objects.exists()


def test_auditors_read_staff_may_not(auditor_client, staff_client, manager, fiscal_year, item):
    _write(fiscal_year, item, manager)
    url = reverse("evaluation:self_item", args=[2024, "1-1"])
    page = auditor_client.get(url).content.decode()
    assert "ハンズオン支援の事前ヒアリングは目標を上回った。" in page
    assert 'id="self-evaluation-form"' not in page and "最終評定を保存" not in page
    assert auditor_client.post(url, {"version": 1, **TEXT}).status_code == 403
    assert staff_client.get(url).status_code == 403
    assert auditor_client.get(reverse("evaluation:self_item", args=[2024, "4"])).status_code == 404
    assert auditor_client.get(reverse("evaluation:self_item", args=[2024, "1-9"])).status_code == 404


def test_the_old_dashboard_rating_address_still_sets_the_rating(manager_client, fiscal_year):
    indicator = Indicator.objects.get(code="1-1")
    url = reverse("dashboard:final_rating", args=[indicator.pk])
    response = manager_client.post(url, {"grade": "S", "reason": "全国展開のモデルとなった"})
    assert response["Location"] == reverse("evaluation:self_item", args=[2024, "1-1"]) + "#indicator-1-1"
    page = manager_client.get(response["Location"]).content.decode()
    assert "1-1の最終評定を「S」に設定しました。" in page
    assert '<strong data-final-grade="1-1">S</strong>' in page
    rating = FinalRating.objects.get(indicator=indicator)
    assert (rating.grade, rating.reason, rating.set_by.username) == ("S", "全国展開のモデルとなった", "kanri")


def test_the_item_page_sets_ratings_with_prefixed_fields(manager_client):
    indicator = Indicator.objects.get(code="4-9")
    url = reverse("evaluation:indicator_rating", args=[indicator.pk])
    response = manager_client.post(
        url, {f"r{indicator.pk}-grade": "C", f"r{indicator.pk}-reason": ""}, follow=True
    )
    assert "4-9: 評定の理由を記入してください。" in response.content.decode()
    response = manager_client.post(
        url,
        {f"r{indicator.pk}-grade": "C", f"r{indicator.pk}-reason": "加入者数が目標に届かなかった"},
        follow=True,
    )
    assert "4-9の最終評定を「C」に設定しました。" in response.content.decode()
    assert FinalRating.objects.get().indicator.code == "4-9"


def test_the_page_costs_the_same_queries_for_3_or_37_measures(manager_client):
    counts = []
    for code in ("1-1", "1-4"):
        url = reverse("evaluation:self_item", args=[2024, code])
        manager_client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            assert manager_client.get(url).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts
