"""A measure's quarterly 取組状況 through the actuals' workflow: entry by the measure's 部署, submission, approval
by another person, 差戻し and 再開 with reasons, the quarter lock, the version check and the history."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evaluation import services
from evaluation.models import MeasureProgress
from indicators import services as actual_services
from measures.models import Department, Measure
from smrj_plan.roles import Role
from smrj_plan.workflow import ConcurrentEditError, EntryState
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

DONE = {
    "status": "done",
    "narrative": "講習会を4回開催し、延べ120名が参加した。",
    "evidence": "https://example.jp/r1",
}


@pytest.fixture
def measure(db):
    return Measure.objects.get(order=1)  # 経営支援部


@pytest.fixture
def measure_3(db):
    return Measure.objects.get(order=3)  # 経営支援部


@pytest.fixture
def second_manager(db):
    return make_user("kanri2", Role.MANAGER)


def _save(measure, fiscal_year, user, data=DONE, quarter=1, version=0):
    return services.progress_save(
        measure=measure,
        fiscal_year=fiscal_year,
        quarter=quarter,
        user=user,
        data=data,
        expected_version=version,
    )


def test_enter_submit_approve_with_history(measure, fiscal_year, staff_user, manager):
    entry = _save(measure, fiscal_year, staff_user)
    assert (entry.state, entry.version, entry.status) == (EntryState.DRAFT, 1, "done")
    entry = services.progress_submit(entry=entry, user=staff_user, expected_version=entry.version)
    entry = services.progress_approve(entry=entry, user=manager, expected_version=2)
    entry.refresh_from_db()
    assert (entry.state, entry.version, entry.reviewed_by, entry.submitted_by) == (
        EntryState.APPROVED,
        3,
        manager,
        staff_user,
    )
    history = list(
        entry.history.order_by("history_date").values_list(
            "state", "history_user__username", "history_change_reason"
        )
    )
    assert history == [
        ("draft", "tanto", "下書き保存"),
        ("submitted", "tanto", "提出"),
        ("approved", "kanri", "承認"),
    ]
    # Approved: no more changes by the 部署.
    with pytest.raises(ValidationError, match="承認済み"):
        _save(measure, fiscal_year, staff_user, data={**DONE, "narrative": "変更"}, version=3)


def test_nobody_approves_what_they_submitted_whatever_their_groups(measure, fiscal_year, department, manager):
    both = make_user("kenmu", Role.STAFF, department)
    both.groups.add(*manager.groups.all())
    entry = services.progress_submit(entry=_save(measure, fiscal_year, both), user=both, expected_version=1)
    with pytest.raises(ValidationError, match="自分が提出した値は承認できません"):
        services.progress_approve(entry=entry, user=both, expected_version=entry.version)
    entry.refresh_from_db()
    assert entry.state == EntryState.SUBMITTED
    services.progress_approve(entry=entry, user=manager, expected_version=entry.version)
    entry.refresh_from_db()
    assert entry.state == EntryState.APPROVED


def test_return_and_reopen_need_a_visible_reason(measure, fiscal_year, staff_user, manager):
    entry = services.progress_submit(
        entry=_save(measure, fiscal_year, staff_user), user=staff_user, expected_version=1
    )
    for reason in ("", "　", "\u200b"):
        with pytest.raises(ValidationError, match="差戻し・再開の理由を記入してください"):
            services.progress_return(entry=entry, user=manager, reason=reason, expected_version=entry.version)
    entry = services.progress_return(
        entry=entry, user=manager, reason="根拠資料を添付してください", expected_version=entry.version
    )
    assert (entry.state, entry.review_comment) == (EntryState.RETURNED, "根拠資料を添付してください")
    entry = _save(
        measure, fiscal_year, staff_user, data={**DONE, "evidence": "議事録"}, version=entry.version
    )
    entry = services.progress_submit(entry=entry, user=staff_user, expected_version=entry.version)
    entry = services.progress_approve(entry=entry, user=manager, expected_version=entry.version)
    with pytest.raises(ValidationError):
        services.progress_reopen(entry=entry, user=manager, reason=" ", expected_version=entry.version)
    entry = services.progress_reopen(
        entry=entry, user=manager, reason="年度末に見直す", expected_version=entry.version
    )
    assert entry.state == EntryState.DRAFT


def test_submission_needs_a_status_and_a_narrative_that_shows_something(
    measure, measure_3, fiscal_year, staff_user
):
    entry = _save(measure, fiscal_year, staff_user, data={"status": "", "narrative": "予定の準備を進めた。"})
    with pytest.raises(ValidationError, match="「状況」が未入力のため提出できません"):
        services.progress_submit(entry=entry, user=staff_user, expected_version=entry.version)
    entry = _save(measure_3, fiscal_year, staff_user, data={"status": "delayed", "narrative": "\u200b\u3000"})
    with pytest.raises(ValidationError, match="「取組状況」が未入力のため提出できません"):
        services.progress_submit(entry=entry, user=staff_user, expected_version=entry.version)
    assert set(MeasureProgress.objects.values_list("state", flat=True)) == {EntryState.DRAFT}


def test_an_unknown_status_and_a_too_long_narrative_are_refused(measure, fiscal_year, staff_user):
    with pytest.raises(ValidationError) as exc:
        _save(measure, fiscal_year, staff_user, data={"status": "great", "narrative": "x"})
    assert "状況は「予定どおり」" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        _save(measure, fiscal_year, staff_user, data={"status": "done", "narrative": "あ" * 2001})
    assert "取組状況は2,000文字以内で入力してください（入力は2001文字です）。" in exc.value.messages
    assert not MeasureProgress.objects.exists()


def test_only_the_measures_department_enters_it(measure, fiscal_year, other_staff_user, manager, auditor):
    for user in (other_staff_user, manager, auditor):
        with pytest.raises(PermissionDenied):
            _save(measure, fiscal_year, user)
    assert not MeasureProgress.objects.exists()


def test_after_a_department_change_the_new_department_enters_it(measure, fiscal_year, staff_user, manager):
    somu = Department.objects.get(code="somu")
    services.measure_department_set(measure=measure, department=somu, user=manager, reason="所管替え")
    measure.refresh_from_db()
    with pytest.raises(PermissionDenied):
        _save(measure, fiscal_year, staff_user)
    _save(measure, fiscal_year, make_user("somu1", Role.STAFF, somu))
    assert MeasureProgress.objects.get(measure=measure).updated_by.username == "somu1"


def test_a_locked_quarter_refuses_saving_and_reviewing(measure, measure_3, fiscal_year, staff_user, manager):
    entry = services.progress_submit(
        entry=_save(measure_3, fiscal_year, staff_user), user=staff_user, expected_version=1
    )
    actual_services.quarter_lock(fiscal_year=fiscal_year, quarter=1, user=manager, reason="第1四半期を締める")
    with pytest.raises(ValidationError, match="締め済み"):
        _save(measure, fiscal_year, staff_user)
    with pytest.raises(ValidationError, match="締め済み"):
        services.progress_approve(entry=entry, user=manager, expected_version=entry.version)
    entry.refresh_from_db()
    assert entry.state == EntryState.SUBMITTED
    assert MeasureProgress.objects.count() == 1
    # Another quarter stays open.
    assert _save(measure, fiscal_year, staff_user, quarter=2).quarter == 2


def test_a_stale_version_is_refused_with_what_is_stored(measure, fiscal_year, staff_user, colleague):
    first = _save(measure, fiscal_year, staff_user)
    _save(measure, fiscal_year, colleague, data={**DONE, "status": "ahead"}, version=first.version)
    with pytest.raises(ConcurrentEditError) as exc:
        _save(measure, fiscal_year, staff_user, data={**DONE, "status": "delayed"}, version=first.version)
    message = services.progress_conflict_message(exc.value.current)
    assert "現在の状況: 前倒し" in message and "更新者: tanto3" in message and "版2" in message
    # A page opened before anything existed (version 0) does not overwrite what a colleague saved.
    with pytest.raises(ConcurrentEditError):
        _save(measure, fiscal_year, staff_user, version=0)
    assert MeasureProgress.objects.get().status == "ahead"


def test_an_unchanged_save_writes_nothing(measure, fiscal_year, staff_user):
    entry = _save(measure, fiscal_year, staff_user)
    again = _save(measure, fiscal_year, staff_user, version=entry.version)
    assert getattr(again, "unchanged", False)
    assert (MeasureProgress.objects.get().version, MeasureProgress.history.count()) == (1, 1)


# --- pages -----------------------------------------------------------------------------------------------------


def _post_rows(client, url, rows: dict, action="save"):
    data = {"action": action}
    for pk, (version, values) in rows.items():
        data[f"m{pk}-version"] = version
        for name, value in values.items():
            data[f"m{pk}-{name}"] = value
    return client.post(url, data, follow=True)


def test_the_quarter_page_saves_and_submits_all_rows_or_none(staff_client, measure, measure_3, fiscal_year):
    url = reverse("evaluation:quarter", args=[2024, 1])
    page = staff_client.get(url).content.decode()
    # The 担当者 sees their 部署's three measures and nobody else's.
    assert [o for o in (1, 2, 3, 4) if f'data-measure="{o}"' in page] == [1, 2, 3]
    response = _post_rows(
        staff_client,
        url,
        {measure.pk: (0, DONE), measure_3.pk: (0, {"status": "bogus", "narrative": "x"})},
        action="submit",
    )
    content = response.content.decode()
    assert "入力内容に誤りがあります。どの施策も保存していません。" in content
    assert "状況は一覧から選んでください。" in content
    assert not MeasureProgress.objects.exists()
    response = _post_rows(
        staff_client,
        url,
        {
            measure.pk: (0, DONE),
            measure_3.pk: (0, {"status": "delayed", "narrative": "人員不足で開始が遅れた。"}),
        },
        action="submit",
    )
    assert "2件の取組状況を提出しました。" in response.content.decode()
    assert sorted(MeasureProgress.objects.values_list("measure__order", "status", "state")) == [
        (1, "done", "submitted"),
        (3, "delayed", "submitted"),
    ]


def test_a_row_submitted_meanwhile_refuses_the_whole_page(staff_client, staff_user, measure, fiscal_year):
    url = reverse("evaluation:quarter", args=[2024, 1])
    entry = _save(measure, fiscal_year, staff_user)
    services.progress_submit(
        entry=entry, user=staff_user, expected_version=entry.version
    )  # a colleague's tab submitted it: now version 2
    response = _post_rows(staff_client, url, {measure.pk: (1, {**DONE, "narrative": "上書き"})})
    content = response.content.decode()
    assert "施策1の取組状況は他の利用者が先に更新しました" in content
    assert MeasureProgress.objects.get().narrative == DONE["narrative"]


def test_review_page_approves_and_returns(manager_client, staff_user, measure, measure_3, fiscal_year):
    one = services.progress_submit(
        entry=_save(measure, fiscal_year, staff_user), user=staff_user, expected_version=1
    )
    three = services.progress_submit(
        entry=_save(measure_3, fiscal_year, staff_user), user=staff_user, expected_version=1
    )
    review = reverse("evaluation:review", args=[2024, 1])
    assert "講習会を4回開催し" in manager_client.get(review).content.decode()
    response = manager_client.post(
        reverse("evaluation:approve", args=[one.pk]), {"version": one.version}, follow=True
    )
    assert "施策1の取組状況を承認しました。" in response.content.decode()
    response = manager_client.post(
        reverse("evaluation:return", args=[three.pk]), {"reason": "", "version": 2}, follow=True
    )
    assert "理由を記入してください" in response.content.decode()
    # Without the version the page was built from, nothing changes.
    response = manager_client.post(
        reverse("evaluation:return", args=[three.pk]), {"reason": "確認"}, follow=True
    )
    assert "施策3の取組状況：画面の版番号が正しくありません" in response.content.decode()
    response = manager_client.post(
        reverse("evaluation:return", args=[three.pk]), {"reason": "数値を確認", "version": 2}, follow=True
    )
    assert "施策3の取組状況を差し戻しました。" in response.content.decode()
    # A stale version: refused with the stored state.
    response = manager_client.post(
        reverse("evaluation:approve", args=[three.pk]), {"version": 2}, follow=True
    )
    assert "他の利用者が先に更新しました" in response.content.decode()
    assert dict(MeasureProgress.objects.values_list("measure__order", "state")) == {
        1: "approved",
        3: "returned",
    }


def test_the_history_page_shows_who_what_and_why(staff_client, staff_user, manager, measure, fiscal_year):
    entry = services.progress_submit(
        entry=_save(measure, fiscal_year, staff_user), user=staff_user, expected_version=1
    )
    services.progress_return(
        entry=entry, user=manager, reason="根拠資料が足りません", expected_version=entry.version
    )
    content = staff_client.get(reverse("evaluation:measure_history", args=[measure.pk])).content.decode()
    assert "根拠資料が足りません" in content
    assert "提出済み → 差戻し" in content
    assert (
        '<span class="field">状況</span>：<span class="old">（なし）</span> → <span class="new">完了</span>'
        in content
    )
    assert "経営支援部" in content


def test_the_quarter_page_costs_the_same_queries_for_3_or_49_measures(fiscal_year, staff_client, manager):
    zaimu = Department.objects.get(code="zaimu")
    zaimu_user = make_user("zaimu1", Role.STAFF, zaimu)
    from django.test import Client

    zaimu_client = Client()
    zaimu_client.force_login(zaimu_user)
    url = reverse("evaluation:quarter", args=[2024, 2])
    counts = []
    for client in (staff_client, zaimu_client):
        client.get(url)  # session and groups warm
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(url)
        assert response.status_code == 200
        counts.append(len(ctx.captured_queries))
    assert Measure.objects.filter(department=zaimu).count() == 49
    assert counts[0] == counts[1], counts
