"""Writing actuals through the API: the entry page's validation, version check, quarter lock and history, a draft
or a submission (never an approval), nothing half-saved, and an Idempotency-Key so a retry changes nothing."""

import datetime as dt
import hashlib
from decimal import Decimal

import pytest
from django.test import Client
from django.utils import timezone

from api.models import ApiToken, IdempotencyRecord
from indicators import services
from indicators.models import Actual, Indicator
from tests.api_support import post_json, token_client

pytestmark = pytest.mark.django_db
URL = "/api/v1/actuals/"


def body(**overrides):
    return {"year": 2024, "quarter": 1, "indicator": "1-1", "version": 0, "value": "120", **overrides}


def counts():
    return Actual.objects.count(), Actual.history.count(), IdempotencyRecord.objects.count()


@pytest.fixture
def writer(staff_user):
    return token_client(staff_user, scope=ApiToken.Scope.READ_WRITE)[0]


# --------------------------------------------------------------------------------------------------------------
# The happy path


def test_a_draft_is_saved_with_the_entry_pages_history_and_returned(writer, staff_user):
    response = post_json(writer, URL, body(value=120.5, note="共済システムより"), key="first")
    assert response.status_code == 201, response.content
    got = response.json()
    assert got["result"] == "created"
    assert (
        got["actual"]["value"] == "120.5"
        and got["actual"]["state"] == "draft"
        and got["actual"]["version"] == 1
    )
    actual = Actual.objects.get(indicator__code="1-1", quarter=1)
    assert actual.value == Decimal("120.50") and actual.note == "共済システムより"
    assert actual.updated_by == staff_user
    record = actual.history.get()
    assert record.history_change_reason == "下書き保存（API）" and record.history_user == staff_user


def test_submit_saves_and_submits_in_one_go_and_never_approves(writer, staff_user):
    response = post_json(writer, URL, body(action="submit"), key="s1")
    assert response.status_code == 201 and response.json()["result"] == "submitted"
    actual = Actual.objects.get(indicator__code="1-1", quarter=1)
    assert actual.state == "submitted" and actual.submitted_by == staff_user and actual.version == 2
    assert [h.history_change_reason for h in actual.history.order_by("history_date")] == [
        "下書き保存（API）",
        "提出",
    ]
    # Asking for anything else than save or submit is refused; there is no approval through the API.
    refused = post_json(writer, URL, body(quarter=2, action="approve"), key="s2")
    assert refused.status_code == 400 and "action" in refused.json()["errors"]
    assert not Actual.objects.filter(quarter=2).exists()


def test_an_update_needs_the_version_that_was_read(writer):
    assert post_json(writer, URL, body(value="100"), key="v1").status_code == 201
    updated = post_json(writer, URL, body(value="130", version=1), key="v2")
    assert updated.status_code == 200 and updated.json()["result"] == "updated"
    assert updated.json()["actual"]["version"] == 2
    stale = post_json(writer, URL, body(value="999", version=1), key="v3")
    assert stale.status_code == 409 and stale.json()["code"] == "version_conflict"
    assert "他の利用者が先に更新しました" in stale.json()["detail"] and "130社" in stale.json()["detail"]
    fresh = post_json(writer, URL, body(value="999", version=0), key="v4")
    assert fresh.status_code == 409
    actual = Actual.objects.get(indicator__code="1-1", quarter=1)
    assert actual.value == Decimal("130") and actual.version == 2


# --------------------------------------------------------------------------------------------------------------
# Validation: JSON with the field and a Japanese message, nothing saved


@pytest.mark.parametrize(
    "overrides, field, message",
    [
        ({"value": "-5"}, "value", "0以上の数値を入力してください（マイナスは入力できません）。"),
        ({"value": "abc"}, "value", "実績値：数値を入力してください（文字は入力できません）。"),
        ({"value": [1]}, "value", "文字列または数値で指定してください。"),
        ({"numerator": "3"}, "numerator", "この指標（件数等（四半期合計））では使わない項目です。"),
        (
            {"as_of": "2023-12-31"},
            "as_of",
            "基準日は令和6年度（令和6年4月1日〜令和7年3月31日）の日付を入力してください。",
        ),
        ({"note": "a\x00b"}, "note", None),
        ({"quarter": 5}, "quarter", "四半期は1〜4の整数で指定してください。"),
        ({"version": None}, "version", None),
        ({"version": -1}, "version", "版番号（version）は0以上の整数で指定してください。"),
        ({"version": "1e3"}, "version", "版番号（version）は0以上の整数で指定してください。"),
        ({"version": 2**40}, "version", "版番号（version）は0以上の整数で指定してください。"),
        ({"value": "1e5"}, "value", "実績値：指数表記（1E5 など）は使えません。数字だけで入力してください。"),
        ({"value": "1" * 100}, "value", None),
        ({"value": "12.345"}, "value", "実績値：小数点以下は2桁までです。"),
        ({"colour": "red"}, "colour", "この項目は受け付けません。"),
    ],
)
def test_validation_errors_come_back_by_field_and_nothing_is_saved(writer, overrides, field, message):
    before = counts()
    response = post_json(writer, URL, body(**overrides), key="bad")
    assert response.status_code == 400, response.content
    got = response.json()
    assert got["detail"] == "入力に誤りがあります。"
    assert field in got["errors"], got
    if message:
        assert message in got["errors"][field]
    assert all(m and not m.isascii() for m in got["errors"][field]), "messages are Japanese"
    assert counts() == before


def test_figures_are_read_like_the_entry_page_reads_them(writer):
    """The page's bounded parser: separators and full-width digits as a person types them; exact decimals."""
    response = post_json(writer, URL, body(value="１，５８０．５"), key="wide")
    assert response.status_code == 201 and response.json()["actual"]["value"] == "1580.5"
    again = post_json(writer, URL, body(value=1580.25, version="1"), key="dec")
    assert again.status_code == 200 and again.json()["actual"]["value"] == "1580.25"
    assert Actual.objects.get(indicator__code="1-1", quarter=1).value == Decimal("1580.25")


def test_a_ratio_checks_numerator_against_denominator(writer):
    response = post_json(
        writer, URL, body(indicator="1-3", value=None, numerator="120", denominator="100"), key="r"
    )
    assert response.status_code == 400
    assert response.json()["errors"]["numerator"] == ["分子（120）は分母（100）以下にしてください。"]
    ok = post_json(
        writer, URL, body(indicator="1-3", value=None, numerator="75", denominator="100"), key="r2"
    )
    assert ok.status_code == 201
    assert ok.json()["actual"]["display"] == "75／100（75.0%）"


def test_a_refused_submit_leaves_no_draft_behind(writer):
    """Save and submit are one transaction: a submission refused for a missing figure saves nothing."""
    before = counts()
    response = post_json(
        writer, URL, body(indicator="1-3", value=None, note="分子・分母は後で", action="submit")
    )
    assert response.status_code == 400
    assert "「分子」「分母」が未入力のため提出できません" in response.json()["errors"]["non_field_errors"][0]
    assert counts() == before


def test_a_locked_quarter_refuses_the_write(writer, manager, fiscal_year):
    services.quarter_lock(fiscal_year=fiscal_year, quarter=1, user=manager, reason="第1四半期を締めます")
    before = counts()
    response = post_json(writer, URL, body())
    assert response.status_code == 409 and response.json()["code"] == "quarter_locked"
    assert response.json()["detail"] == "令和6年度第1四半期は締め済みのため変更できません。"
    assert counts() == before


def test_an_annual_indicator_takes_no_figure_before_the_fourth_quarter(writer):
    response = post_json(
        writer, URL, body(indicator="1-2", value=None, growth_rate="3", benchmark_rate="2"), key="annual"
    )
    assert response.status_code == 400
    assert response.json()["errors"]["non_field_errors"] == [
        "この指標は年度末（第4四半期）にだけ入力します。"
    ]


def test_submitted_figures_cannot_be_changed_through_the_api(writer):
    post_json(writer, URL, body(action="submit"), key="a")
    response = post_json(writer, URL, body(value="150", version=2), key="b")
    assert response.status_code == 400
    assert response.json()["errors"]["non_field_errors"] == ["1-1の実績は「提出済み」のため変更できません。"]
    assert Actual.objects.get(indicator__code="1-1", quarter=1).value == Decimal("120")


# --------------------------------------------------------------------------------------------------------------
# Who may write


def test_another_departments_indicator_is_not_found(other_staff_user):
    client = token_client(other_staff_user, scope=ApiToken.Scope.READ_WRITE)[0]
    before = counts()
    response = post_json(client, URL, body())
    assert response.status_code == 404
    assert response.json()["detail"] == "指標が見つかりません（自部署の指標の番号を指定してください）。"
    assert counts() == before


@pytest.mark.parametrize("who", ["manager", "auditor", "sysadmin"])
def test_managers_auditors_and_administrators_write_nothing(request, who):
    client = Client()
    client.force_login(request.getfixturevalue(who))
    before = counts()
    response = post_json(client, URL, body())
    assert response.status_code == 403
    assert response.json()["detail"] == "実績を入力できるのは部署に所属する担当者だけです。"
    assert counts() == before


def test_a_read_only_token_writes_nothing(staff_user):
    client = token_client(staff_user, scope=ApiToken.Scope.READ)[0]
    response = post_json(client, URL, body())
    assert response.status_code == 403
    assert response.json()["detail"].startswith("読み取り専用のAPIトークンでは変更できません。")
    assert not Actual.objects.exists()


def test_a_session_write_needs_the_csrf_token(staff_user):
    client = Client(enforce_csrf_checks=True)
    client.force_login(staff_user)
    response = post_json(client, URL, body())
    assert response.status_code == 403 and "CSRF" in response.json()["detail"]
    assert not Actual.objects.exists()


# --------------------------------------------------------------------------------------------------------------
# Idempotency


def test_a_retry_with_the_same_key_changes_nothing_and_gets_the_same_answer(writer, manager):
    first = post_json(writer, URL, body(action="submit"), key="retry-1")
    assert first.status_code == 201
    before = counts()
    actual = Actual.objects.get(indicator__code="1-1", quarter=1)
    again = post_json(writer, URL, body(action="submit"), key="retry-1")
    assert again.status_code == 201 and again.json() == first.json()
    assert again["Idempotency-Replayed"] == "true"
    assert counts() == before
    # Even after the figure moved on (approved by a manager), the retry still changes nothing.
    services.actual_approve(actual=actual, user=manager, expected_version=actual.version)
    later = post_json(writer, URL, body(action="submit"), key="retry-1")
    assert later.status_code == 201 and later.json() == first.json()
    stored = Actual.objects.get(pk=actual.pk)
    assert stored.state == "approved" and stored.version == 3


def test_the_same_key_with_another_body_is_refused(writer):
    assert post_json(writer, URL, body(value="100"), key="k").status_code == 201
    before = counts()
    response = post_json(writer, URL, body(value="200", version=1), key="k")
    assert response.status_code == 422 and response.json()["code"] == "idempotency_key_reused"
    assert "別の内容の要求に使われています" in response.json()["detail"]
    assert counts() == before
    assert Actual.objects.get(indicator__code="1-1", quarter=1).value == Decimal("100")


def test_the_same_body_in_another_key_order_is_the_same_request(writer):
    assert (
        post_json(
            writer, URL, {"indicator": "1-1", "year": 2024, "version": 0, "value": "5", "quarter": 1}, key="o"
        ).status_code
        == 201
    )
    again = post_json(
        writer, URL, {"value": "5", "quarter": 1, "version": 0, "indicator": "1-1", "year": 2024}, key="o"
    )
    assert again.status_code == 201 and again["Idempotency-Replayed"] == "true"


def test_a_refused_request_can_be_corrected_and_sent_with_the_same_key(writer):
    assert post_json(writer, URL, body(value="-1"), key="fix").status_code == 400
    assert post_json(writer, URL, body(value="10"), key="fix").status_code == 201
    assert Actual.objects.get(indicator__code="1-1", quarter=1).value == Decimal("10")


def test_keys_are_per_person(staff_user, colleague):
    mine = token_client(staff_user, scope=ApiToken.Scope.READ_WRITE)[0]
    theirs = token_client(colleague, scope=ApiToken.Scope.READ_WRITE)[0]
    assert post_json(mine, URL, body(value="10"), key="shared").status_code == 201
    response = post_json(theirs, URL, body(value="20", version=1), key="shared")
    assert response.status_code == 200 and "Idempotency-Replayed" not in response
    assert Actual.objects.get(indicator__code="1-1", quarter=1).value == Decimal("20")


@pytest.mark.parametrize("key", [None, "", "has space", "x" * 256, "キー"])
def test_a_write_needs_a_usable_idempotency_key(writer, key):
    response = post_json(writer, URL, body(), key=key)
    assert response.status_code == 400 and response.json()["code"] == "idempotency_key_required"
    assert not Actual.objects.exists()


@pytest.mark.parametrize(
    "raw, content_type",
    [
        (b"{not json", "application/json"),
        (b"[1, 2]", "application/json"),
        (b'{"value": NaN}', "application/json"),
        (b"value=1", "application/x-www-form-urlencoded"),
        (b"{" + b'"note": "' + b"x" * 70000 + b'"}', "application/json"),
    ],
)
def test_bodies_that_are_not_a_small_json_object_are_refused(writer, raw, content_type):
    response = writer.post(URL, data=raw, content_type=content_type, HTTP_IDEMPOTENCY_KEY="raw")
    assert response.status_code in (400, 415), response.content
    assert response.json()["detail"] and not response.json()["detail"].isascii()
    assert not Actual.objects.exists()


# --------------------------------------------------------------------------------------------------------------
# Tokens: stored hashed, expiry, revocation, throttling per token


def test_a_token_is_stored_only_as_its_hash(staff_user):
    _client, token, secret = token_client(staff_user)
    token.refresh_from_db()
    assert token.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in {token.name, token.prefix, token.key_hash} and secret.startswith(token.prefix)
    assert len(secret) > 40


def test_an_expired_or_revoked_token_or_an_inactive_owner_is_refused(staff_user, colleague):
    client, token, _ = token_client(staff_user)
    assert client.get("/api/v1/fiscal-years/").status_code == 200
    token.last_used_at is None or token.refresh_from_db()
    token.refresh_from_db()
    assert token.last_used_at is not None
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    expired = client.get("/api/v1/fiscal-years/")
    assert expired.status_code == 401 and "有効期限" in expired.json()["detail"]
    client2, token2, _ = token_client(staff_user)
    from api import services as api_services

    api_services.token_revoke(user=staff_user, token_id=token2.pk)
    revoked = client2.get("/api/v1/fiscal-years/")
    assert revoked.status_code == 401 and revoked.json()["detail"] == "このAPIトークンは失効しています。"
    client3, _t, _ = token_client(colleague)
    colleague.is_active = False
    colleague.save(update_fields=["is_active"])
    assert client3.get("/api/v1/fiscal-years/").status_code == 401


def test_throttling_counts_each_token_apart(settings, staff_user):
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "token": "3/minute"}
    first, _t1, _ = token_client(staff_user)
    second, _t2, _ = token_client(staff_user)
    statuses = [first.get("/api/v1/fiscal-years/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    refused = first.get("/api/v1/fiscal-years/")
    assert refused.status_code == 429 and int(refused["Retry-After"]) >= 1
    assert refused.json()["detail"].startswith("要求が多すぎます。")
    assert second.get("/api/v1/fiscal-years/").status_code == 200, "another token has its own count"
    session = Client()
    session.force_login(staff_user)
    assert session.get("/api/v1/fiscal-years/").status_code == 200


def test_a_throttled_write_changes_nothing(settings, staff_user):
    settings.API_THROTTLE_RATES = {**settings.API_THROTTLE_RATES, "token": "1/minute"}
    client = token_client(staff_user, scope=ApiToken.Scope.READ_WRITE)[0]
    assert client.get("/api/v1/fiscal-years/").status_code == 200
    response = post_json(client, URL, body())
    assert response.status_code == 429
    assert not Actual.objects.exists()


def test_the_indicator_code_is_looked_up_in_the_years_plan(writer):
    response = post_json(writer, URL, body(indicator="9-9"))
    assert response.status_code == 404
    assert post_json(writer, URL, body(year=2019), key="y").status_code == 404
    assert Indicator.objects.filter(code="1-1").count() == 1


def test_a_request_racing_its_own_retry_answers_with_the_stored_result(staff_user, monkeypatch):
    """Two sends of one key at once: the one that loses (its insert or its version collides after the other
    committed) answers with the winner's stored result instead of an error."""
    from api import selectors as api_selectors
    from api import services as api_services

    IdempotencyRecord.objects.create(
        user=staff_user,
        key="race",
        request_hash="f" * 64,
        status_code=201,
        response_body={"result": "created"},
    )
    real = api_selectors.idempotency_record_get
    calls = []

    def first_sees_nothing(**kwargs):
        calls.append(kwargs)
        return None if len(calls) == 1 else real(**kwargs)

    monkeypatch.setattr(api_selectors, "idempotency_record_get", first_sees_nothing)

    def collides():
        raise RuntimeError("the other request committed first")

    got = api_services.idempotent_write(user=staff_user, key="race", fingerprint="f" * 64, perform=collides)
    assert got == (201, {"result": "created"}, True) and len(calls) == 2
    with pytest.raises(RuntimeError):
        api_services.idempotent_write(user=staff_user, key="other", fingerprint="f" * 64, perform=collides)
