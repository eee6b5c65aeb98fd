"""Hostile and random input at every form of the measure-progress and self-evaluation pages: never a 500, nothing
saved from a refused submission, and what is accepted is stored as typed."""

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from evaluation import self_services
from evaluation import services as progress_services
from evaluation.items import evaluation_item_get
from evaluation.models import MeasureProgress, SelfEvaluation
from indicators.models import FinalRating, Indicator
from measures.models import Department, Measure
from smrj_plan.numbers import parse_id
from tests.test_hostile_input import EXAMPLES, assert_no_server_error, hostile_text, rolled_back

STATUS_VALUES = ["", "on_schedule", "ahead", "delayed", "not_started", "done"]


def counts() -> dict[str, int]:
    return {
        "progress": MeasureProgress.objects.count(),
        "progress_history": MeasureProgress.history.count(),
        "self": SelfEvaluation.objects.count(),
        "self_history": SelfEvaluation.history.count(),
        "rating": FinalRating.objects.count(),
        "rating_history": FinalRating.history.count(),
        "measure_history": Measure.history.count(),
    }


def _client(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@EXAMPLES
@given(
    field=st.sampled_from(["status", "narrative", "evidence", "version", "action"]),
    hostile=hostile_text,
)
def test_the_progress_page_survives_hostile_input(staff_user, field, hostile):
    measure = Measure.objects.get(order=1)
    data = {"action": "save", f"m{measure.pk}-version": "0", f"m{measure.pk}-status": "done"}
    data[f"m{measure.pk}-narrative"] = "講習会を開催した。"
    data["action" if field == "action" else f"m{measure.pk}-{field}"] = hostile
    with rolled_back():
        before = counts()
        response = _client(staff_user).post(reverse("evaluation:quarter", args=[2024, 1]), data)
        assert_no_server_error(response)
        after = counts()
        if response.status_code == 302:
            stored = MeasureProgress.objects.get(measure=measure, quarter=1)
            assert stored.status in STATUS_VALUES
            if field in ("narrative", "evidence"):
                assert getattr(stored, field) == hostile.strip()
            assert after["progress"] == before["progress"] + 1
        else:
            assert response.status_code in (200, 400)
            assert after == before


@pytest.fixture
def submitted_progress(fiscal_year, staff_user):
    entry = progress_services.progress_save(
        measure=Measure.objects.get(order=1),
        fiscal_year=fiscal_year,
        quarter=1,
        user=staff_user,
        data={"status": "done", "narrative": "完了した。"},
        expected_version=0,
    )
    return progress_services.progress_submit(entry=entry, user=staff_user, expected_version=entry.version)


@EXAMPLES
@given(action=st.sampled_from(["approve", "return", "reopen"]), reason=hostile_text, version=hostile_text)
def test_progress_review_actions_survive_hostile_input(manager, submitted_progress, action, reason, version):
    with rolled_back():
        before = MeasureProgress.objects.get().state
        response = _client(manager).post(
            reverse(f"evaluation:{action}", args=[submitted_progress.pk]),
            {"reason": reason, "version": version},
        )
        assert_no_server_error(response)
        assert response.status_code in (302, 400)  # 400: a NUL character, refused before the view
        entry = MeasureProgress.objects.get()
        if entry.state != before:
            assert entry.state in ("approved", "returned")
            if entry.state == "returned":
                assert entry.review_comment == reason.strip()


@EXAMPLES
@given(
    field=st.sampled_from(["assessment", "grade", "grade_reason", "version", "action"]),
    hostile=hostile_text,
)
def test_the_self_evaluation_form_survives_hostile_input(manager, field, hostile):
    data = {"version": "0", "assessment": "自己評価", "grade": "B", "grade_reason": "理由", "action": "save"}
    data[field] = hostile
    with rolled_back():
        before = counts()
        response = _client(manager).post(reverse("evaluation:self_item", args=[2024, "1-2"]), data)
        assert_no_server_error(response)
        after = counts()
        if response.status_code == 302 and after["self"] > before["self"]:
            stored = SelfEvaluation.objects.get()
            assert stored.grade in ("", "S", "A", "B", "C", "D")  # a draft may leave it open
            if field in ("assessment", "grade_reason"):
                assert getattr(stored, field) == hostile.strip()
        elif response.status_code != 302:
            assert after == before


@pytest.fixture
def evaluation(fiscal_year, plan, manager):
    item = evaluation_item_get(plan=plan, code="1-1")
    written = self_services.self_evaluation_save(
        fiscal_year=fiscal_year,
        item=item,
        user=manager,
        data={"assessment": "本文", "grade": "A", "grade_reason": "理由"},
        expected_version=0,
    )
    return self_services.self_evaluation_submit(
        evaluation=written, user=manager, expected_version=written.version
    )


@EXAMPLES
@given(action=st.sampled_from(["approve", "return", "reopen"]), reason=hostile_text, version=hostile_text)
def test_self_evaluation_actions_survive_hostile_input(evaluation, action, reason, version):
    from smrj_plan.roles import Role
    from tests.conftest import make_user

    with rolled_back():
        other = make_user("kanri-other", Role.MANAGER)
        response = _client(other).post(
            reverse(f"evaluation:self_{action}", args=[evaluation.pk]), {"reason": reason, "version": version}
        )
        assert_no_server_error(response)
        assert response.status_code in (302, 400)  # 400: a NUL character, refused before the view
        evaluation.refresh_from_db()
        if response.status_code == 400:
            assert evaluation.state == "submitted"


@EXAMPLES
@given(grade=hostile_text, reason=hostile_text, prefixed=st.booleans())
def test_the_rating_form_survives_hostile_input(manager, grade, reason, prefixed):
    indicator = Indicator.objects.get(code="2-1")
    prefix = f"r{indicator.pk}-" if prefixed else ""
    with rolled_back():
        before = counts()
        response = _client(manager).post(
            reverse("evaluation:indicator_rating", args=[indicator.pk]),
            {f"{prefix}grade": grade, f"{prefix}reason": reason},
        )
        assert_no_server_error(response)
        rating = FinalRating.objects.filter(indicator=indicator).first()
        if rating is None:
            assert counts() == before
        else:
            assert (rating.grade, rating.reason) == (grade, reason.strip())


@EXAMPLES
@given(department=hostile_text, reason=hostile_text)
def test_the_department_form_survives_hostile_input(manager, department, reason):
    measure = Measure.objects.get(order=2)
    with rolled_back():
        before = counts()
        response = _client(manager).post(
            reverse("evaluation:measure_department", args=[measure.pk]),
            {"department": department, "reason": reason},
        )
        assert_no_server_error(response)
        measure.refresh_from_db()
        if measure.department_is_default:
            assert counts() == before
        else:
            # Read as every id is (smrj_plan.numbers): 「３」 is 3; 「٣」 is refused like any text.
            assert measure.department_id == parse_id(department)


def test_a_department_id_in_other_digits_is_refused_and_full_width_is_read(manager):
    measure = Measure.objects.get(order=2)
    url = reverse("evaluation:measure_department", args=[measure.pk])
    before = measure.department_id
    target = Department.objects.exclude(pk=before).order_by("pk").first()
    arabic = "".join("٠١٢٣٤٥٦٧٨٩"[int(d)] for d in str(target.pk))
    _client(manager).post(url, {"department": arabic, "reason": "移管"})
    measure.refresh_from_db()
    assert measure.department_id == before and measure.department_is_default
    full_width = "".join("０１２３４５６７８９"[int(d)] for d in str(target.pk))
    _client(manager).post(url, {"department": full_width, "reason": "移管"})
    measure.refresh_from_db()
    assert measure.department_id == target.pk and not measure.department_is_default


@EXAMPLES
@given(
    path=st.sampled_from(["measure_list", "self_item", "self_document"]),
    key=st.sampled_from(["q", "department", "year"]),
    value=hostile_text,
)
def test_pages_with_hostile_query_parameters_never_fail(manager, path, key, value):
    args = [2024] if path == "measure_list" else [2024, "1-1"]
    response = _client(manager).get(reverse(f"evaluation:{path}", args=args), {key: value})
    assert_no_server_error(response)
    assert response.status_code in (200, 400, 404)  # 404: a malformed ?q=, as everywhere (smrj_plan.as_of)
