"""The 「APIトークン」 page: each person creates tokens (shown once, stored hashed), sees and revokes their own."""

import hashlib
import re

import pytest
from django.test import Client

from api.models import ApiToken

pytestmark = pytest.mark.django_db
PAGE = "/api/tokens/"


def _secret(html: str) -> str:
    match = re.search(r'<code class="token-secret" data-token>(smrj_[A-Za-z0-9_-]+)</code>', html)
    assert match, "the new secret is on the page"
    return match.group(1)


def test_a_token_is_created_shown_once_and_works(staff_client, staff_user):
    response = staff_client.post(PAGE, {"name": "共済システム連携", "scope": "read_write", "days": "90"})
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    html = response.content.decode()
    secret = _secret(html)
    assert "このトークンは今だけ表示します" in html
    token = ApiToken.objects.get(user=staff_user)
    assert token.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert token.scope == "read_write" and token.name == "共済システム連携"
    assert 89 <= (token.expires_at - token.created_at).days <= 90
    later = staff_client.get(PAGE).content.decode()
    assert secret not in later and token.prefix in later and "共済システム連携" in later
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.get("/api/v1/indicators/?page_size=1").status_code == 200


def test_an_auditor_may_only_create_a_read_only_token(auditor_client, auditor):
    page = auditor_client.get(PAGE).content.decode()
    assert 'value="read"' in page and 'value="read_write"' not in page
    response = auditor_client.post(PAGE, {"name": "集計", "scope": "read_write", "days": "90"})
    assert response.status_code == 400
    assert not ApiToken.objects.filter(user=auditor).exists()
    ok = auditor_client.post(PAGE, {"name": "集計", "scope": "read", "days": "30"})
    assert ok.status_code == 200 and ApiToken.objects.get(user=auditor).scope == "read"


@pytest.mark.parametrize(
    "data, message",
    [
        ({"name": "", "scope": "read", "days": "90"}, "名前を入力してください。"),
        ({"name": "\u200b\u3000", "scope": "read", "days": "90"}, "名前"),
        ({"name": "x", "scope": "read", "days": "3650"}, "は候補にありません"),
        ({"name": "x", "scope": "admin", "days": "90"}, "は候補にありません"),
    ],
)
def test_bad_input_is_refused_with_a_message(staff_client, staff_user, data, message):
    response = staff_client.post(PAGE, data)
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not ApiToken.objects.filter(user=staff_user).exists()


def test_revoking_stops_the_token_at_once(staff_client, staff_user):
    secret = _secret(
        staff_client.post(PAGE, {"name": "Excel", "scope": "read", "days": "30"}).content.decode()
    )
    api = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert api.get("/api/v1/fiscal-years/").status_code == 200
    token = ApiToken.objects.get(user=staff_user)
    response = staff_client.post(f"/api/tokens/{token.pk}/revoke/")
    assert response.status_code == 302
    assert api.get("/api/v1/fiscal-years/").status_code == 401
    page = staff_client.get(PAGE).content.decode()
    assert "失効" in page


def test_nobody_sees_or_revokes_another_persons_token(staff_client, staff_user, manager_client):
    staff_client.post(PAGE, {"name": "担当者のトークン", "scope": "read", "days": "30"})
    token = ApiToken.objects.get(user=staff_user)
    assert "担当者のトークン" not in manager_client.get(PAGE).content.decode()
    assert manager_client.post(f"/api/tokens/{token.pk}/revoke/").status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None


def test_the_account_menu_links_to_the_token_page(staff_client):
    assert 'href="/api/tokens/"' in staff_client.get("/plan/").content.decode()
