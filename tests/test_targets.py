"""Targets set by a 管理者 (/indicators/targets/): who may, what is refused in Japanese, and the history kept."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from indicators.models import Indicator, TargetRevision
from indicators.target_selectors import target_applied_on, target_history

pytestmark = pytest.mark.django_db


def flag(code, note="目標の形式を読み取れませんでした。"):
    Indicator.objects.filter(code=code).update(needs_review=True, review_note=note)
    return Indicator.objects.get(code=code)


def post(client, indicator, **data):
    form = {
        "kind": indicator.kind,
        "target": "",
        "unit": indicator.unit,
        "comparison": indicator.comparison,
        "benchmark_multiplier": "",
        "target_text": "",
        "reason": "",
    }
    form.update(data)
    return client.post(reverse("indicators:target_edit", args=[indicator.pk]), form)


def test_the_list_puts_indicators_to_confirm_first_and_counts_them(manager_client, auditor_client):
    flag("4-10")
    flag("2-2", "担当部署を確認してください。")
    html = manager_client.get(reverse("indicators:targets")).content.decode()
    assert "要確認 <strong>2</strong>件 ／ 指標 28件" in html
    codes = [line.split('"')[1] for line in html.split("data-code=")[1:]]
    assert codes[:2] == ["2-2", "4-10"] and codes[2] == "1-1" and len(codes) == 28
    assert "担当部署を確認してください。" in html
    assert html.count(">設定</a>") == 28
    # 監査担当 read the list but get no 設定 buttons.
    read_only = auditor_client.get(reverse("indicators:targets")).content.decode()
    assert "要確認 <strong>2</strong>件" in read_only and ">設定</a>" not in read_only


def test_a_manager_sets_a_target_with_a_reason_and_the_flag_clears(manager_client, manager):
    indicator = flag("4-10")
    response = post(
        manager_client, indicator, target="320", unit="件", comparison="eq", reason="補正後の件数に合わせる"
    )
    assert response.status_code == 302 and response["Location"].endswith("/indicators/targets/?year=2024")
    indicator.refresh_from_db()
    assert (indicator.target, indicator.target_text, indicator.comparison) == (Decimal("320"), "320件", "eq")
    assert not indicator.needs_review and indicator.review_note == ""
    last = TargetRevision.objects.filter(indicator=indicator).order_by("-pk").first()
    assert (last.source, last.target, last.reason, last.set_by) == (
        "manager",
        Decimal("320"),
        "補正後の件数に合わせる",
        manager,
    )
    assert last.effective_date == timezone.localdate()
    periods = target_history(indicator=indicator)
    assert [(p.revision.target, p.valid_until) for p in periods] == [
        (Decimal("300"), last.effective_date - dt.timedelta(days=1)),
        (Decimal("320"), None),
    ]
    assert target_applied_on(indicator=indicator, day=dt.date(2024, 6, 30)).target == Decimal("300")


def test_the_indicator_page_shows_which_target_applied_when(manager_client, staff_client):
    indicator = Indicator.objects.get(code="4-9")
    post(
        manager_client,
        indicator,
        target="61000",
        unit="者",
        comparison="gte",
        target_text="61,000者以上",
        reason="見直し",
    )
    html = staff_client.get(reverse("indicators:detail", args=[indicator.pk])).content.decode()
    today = timezone.localdate()
    before = today - dt.timedelta(days=1)
    assert f"2024年3月29日〜{before.year}年{before.month}月{before.day}日" in html
    assert f"{today.year}年{today.month}月{today.day}日〜（現在）" in html
    assert "60,000者以上" in html and "61,000者以上" in html
    assert "見直し（kanri、" in html


@pytest.mark.parametrize(
    "code, data, field, message",
    [
        ("4-10", {"target": "-5", "comparison": "eq"}, "target", "目標値は0以上にしてください。"),
        (
            "4-10",
            {"target": "abc", "comparison": "eq"},
            "target",
            "目標値：数値を入力してください（文字は入力できません）。",
        ),
        ("4-10", {"target": "", "comparison": "eq"}, "target", "この種類には目標値が必要です。"),
        ("1-3", {"target": "120", "comparison": "gte"}, "target", "割合の目標値は100%以下にしてください。"),
        ("1-3", {"target": "70", "unit": "件", "comparison": "gte"}, "unit", "割合の単位は%です。"),
        (
            "4-10",
            {"target": "300", "comparison": "gte"},
            "comparison",
            "目標値（以上なし）の比較は「目標値」にしてください。",
        ),
        (
            "1-2",
            {"benchmark_multiplier": ""},
            "benchmark_multiplier",
            "基準比の倍率（「２割以上、上回る」なら1.2）を入力してください。",
        ),
        ("R1-5-1", {"target": "3"}, "target", "この種類には目標値を入れません。"),
        (
            "4-10",
            {"target": "1e9999", "comparison": "eq"},
            "target",
            "目標値：指数表記（1E5 など）は使えません。数字だけで入力してください。",
        ),
        (
            "4-10",
            {"target": "NaN", "comparison": "eq"},
            "target",
            "目標値：数値を入力してください（文字は入力できません）。",
        ),
    ],
)
def test_bad_targets_are_refused_in_japanese_and_nothing_is_saved(manager_client, code, data, field, message):
    indicator = Indicator.objects.get(code=code)
    before = (indicator.target, indicator.kind, indicator.unit, TargetRevision.objects.count())
    response = post(manager_client, indicator, reason="確認", **data)
    assert response.status_code == 200
    assert message in response.context["form"].errors[field]
    indicator.refresh_from_db()
    assert (indicator.target, indicator.kind, indicator.unit, TargetRevision.objects.count()) == before


def test_a_reason_is_required(manager_client):
    indicator = Indicator.objects.get(code="2-1")
    response = post(manager_client, indicator, target="11000", comparison="gte", reason="  ")
    assert "目標を設定する理由を記入してください。" in response.context["form"].errors["reason"]
    assert Indicator.objects.get(code="2-1").target == Decimal("10000")


def test_only_a_manager_may_set_a_target(staff_client, auditor_client, other_staff_client):
    indicator = Indicator.objects.get(code="1-1")
    for client in (staff_client, auditor_client, other_staff_client):
        assert post(client, indicator, target="5", comparison="gte", reason="x").status_code == 403
        assert client.get(reverse("indicators:target_edit", args=[indicator.pk])).status_code == 403
    assert Indicator.objects.get(code="1-1").target == Decimal("1000")
    assert staff_client.get(reverse("indicators:targets")).status_code == 403


def test_the_targets_page_of_another_year_and_a_missing_one(manager_client):
    call_command("start_year", "2025", "--from", "2024", verbosity=0)
    html = manager_client.get(reverse("indicators:targets"), {"year": "2025"}).content.decode()
    assert "令和7年度（2025年度）" in html and "要確認 <strong>24</strong>件" in html
    assert manager_client.get(reverse("indicators:targets"), {"year": "2027"}).status_code == 404


def test_the_target_form_survives_hostile_input(manager):
    """Random and malicious values in every field: never a 500, and a refused submission saves nothing."""
    from django.db import transaction
    from django.test import Client
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    from tests.test_hostile_input import HOSTILE_SAMPLES

    hostile = st.one_of(st.sampled_from(HOSTILE_SAMPLES), st.text(max_size=30))
    indicator = Indicator.objects.get(code="4-10")
    client = Client()
    client.force_login(manager)

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(
        kind=st.one_of(hostile, st.sampled_from(Indicator.Kind.values)),
        target=hostile,
        unit=hostile,
        comparison=st.one_of(hostile, st.sampled_from(Indicator.Comparison.values)),
        multiplier=hostile,
        reason=hostile,
    )
    def run(kind, target, unit, comparison, multiplier, reason):
        with transaction.atomic():
            before = TargetRevision.objects.count()
            response = client.post(
                reverse("indicators:target_edit", args=[indicator.pk]),
                {
                    "kind": kind,
                    "target": target,
                    "unit": unit,
                    "comparison": comparison,
                    "benchmark_multiplier": multiplier,
                    "target_text": target,
                    "reason": reason,
                },
            )
            assert response.status_code < 500
            saved = TargetRevision.objects.count() - before
            assert saved == (1 if response.status_code == 302 else 0)
            if saved:
                stored = Indicator.objects.get(pk=indicator.pk)
                assert stored.kind == kind and not stored.needs_review
                assert "\x00" not in stored.unit + stored.target_text
            transaction.set_rollback(True)

    run()
    for path in ("/plan/revisions/", "/indicators/targets/"):
        for value in ("２０２４", "99999", "-1", "2024\x00", "<script>", "1e9999"):
            assert client.get(path, {"year": value}).status_code in (200, 400, 404)


def test_a_target_changed_in_the_admin_is_kept_in_the_history(sysadmin_client, sysadmin):
    indicator = Indicator.objects.get(code="4-2")
    assert TargetRevision.objects.filter(indicator=indicator).count() == 1
    from django.contrib.admin.sites import site
    from django.test import RequestFactory

    from indicators.admin import IndicatorAdmin

    request = RequestFactory().post("/")
    request.user = sysadmin
    indicator.target = Decimal("160")
    IndicatorAdmin(Indicator, site).save_model(request, indicator, form=None, change=True)
    last = TargetRevision.objects.filter(indicator=indicator).order_by("-pk").first()
    assert (last.target, last.source, last.reason, last.set_by) == (
        Decimal("160"),
        "manager",
        "管理サイトで変更",
        sysadmin,
    )
    # Saving again without a change records nothing.
    IndicatorAdmin(Indicator, site).save_model(request, indicator, form=None, change=True)
    assert TargetRevision.objects.filter(indicator=indicator).count() == 2
    assert sysadmin_client.get("/admin/indicators/indicator/?needs_review__exact=1").status_code == 200
    assert sysadmin_client.get("/admin/indicators/targetrevision/").status_code == 200
