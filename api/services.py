"""Writes of the API's own tables: creating and revoking tokens, and keeping idempotent answers."""

import datetime as dt
import hashlib
import json
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from api import adapters, selectors
from api.models import ApiToken, IdempotencyRecord
from smrj_plan.text import require_visible_text

TOKEN_PREFIX = "smrj_"
SHOWN_PREFIX_CHARS = 12
EXPIRY_CHOICES = (30, 90, 180, 365)
# A person keeps at most this many unrevoked tokens; more is a sign of tokens being created and forgotten.
MAX_ACTIVE_TOKENS = 20
# How long a stored answer is replayed for its Idempotency-Key.
IDEMPOTENCY_KEEP = dt.timedelta(days=7)


@dataclass(frozen=True)
class NewToken:
    token: ApiToken
    secret: str  # shown once, never stored


def token_scopes_for(user) -> list[tuple[str, str]]:
    """The scopes a person may give a token: read-write only to those who enter actuals (a 担当者 with a 部署);
    an auditor's or manager's token reads only."""
    scopes = [(ApiToken.Scope.READ.value, ApiToken.Scope.READ.label)]
    if adapters.can_enter_actuals(user):
        scopes.append((ApiToken.Scope.READ_WRITE.value, ApiToken.Scope.READ_WRITE.label))
    return scopes


def token_create(*, user, name: str, scope: str, days: int, now=None) -> NewToken:
    """Create a personal token; returns the secret, which is shown once and kept only as its SHA-256."""
    now = now or timezone.now()
    errors: dict[str, list[str]] = {}
    try:
        name = require_visible_text(name, field_label="名前")
    except ValidationError as exc:
        errors["name"] = exc.messages
    else:
        if len(name) > 100:
            errors["name"] = ["名前は100文字以内にしてください。"]
    allowed = dict(token_scopes_for(user))
    if scope not in allowed:
        errors["scope"] = [
            "読み書きのトークンは、部署に所属する担当者だけが作成できます。"
            if scope == ApiToken.Scope.READ_WRITE
            else "範囲を選んでください。"
        ]
    max_days = settings.API_TOKEN_MAX_DAYS
    if days not in EXPIRY_CHOICES or days > max_days:
        errors["days"] = [
            f"有効期間は{'・'.join(str(d) for d in EXPIRY_CHOICES if d <= max_days)}日から選んでください。"
        ]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        active = selectors.token_list_for_user(user=user).filter(revoked_at__isnull=True, expires_at__gt=now)
        if active.select_for_update().count() >= MAX_ACTIVE_TOKENS:
            raise ValidationError(
                f"有効なトークンは{MAX_ACTIVE_TOKENS}個までです。使っていないトークンを失効させてください。"
            )
        secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
        token = ApiToken.objects.create(
            user=user,
            name=name,
            prefix=secret[:SHOWN_PREFIX_CHARS],
            key_hash=selectors.token_hash(secret),
            scope=scope,
            expires_at=now + dt.timedelta(days=days),
        )
    return NewToken(token=token, secret=secret)


def token_revoke(*, user, token_id: int, now=None) -> ApiToken:
    """Revoke one of the person's own tokens at once (another person's token is not found)."""
    with transaction.atomic():
        token = selectors.token_list_for_user(user=user).select_for_update().filter(pk=token_id).first()
        if token is None:
            from django.http import Http404

            raise Http404("トークンが見つかりません。")
        if token.revoked_at is None:
            token.revoked_at = now or timezone.now()
            token.save(update_fields=["revoked_at"])
    return token


# ---------------------------------------------------------------------------------------------------------------
# Idempotency


class IdempotencyMismatch(Exception):
    """The key was used before for a different request."""


def request_fingerprint(*, method: str, path: str, data) -> str:
    """SHA-256 of the method, the path and the body as parsed (keys sorted, numbers as their exact text), so the
    same JSON sent with other spacing or key order is the same request."""
    body = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str, separators=(",", ":"))
    return hashlib.sha256(f"{method}\n{path}\n{body}".encode()).hexdigest()


def idempotent_write(*, user, key: str, fingerprint: str, perform):
    """Run `perform()` (which writes and returns (status, body)) once per (user, key).

    The record and the change are saved in one transaction: either both are stored or neither. A second
    request with the same key gets the stored answer (replayed=True) and changes nothing; with another body it
    raises IdempotencyMismatch. Only successful answers are kept, so a refused request can be corrected and
    sent again with the same key. Returns (status, body, replayed)."""
    if not isinstance(user.pk, int):
        raise PermissionDenied("ログインが必要です。")
    stored = selectors.idempotency_record_get(user=user, key=key)
    if stored is not None:
        return _replay(stored, fingerprint)
    try:
        with transaction.atomic():
            status_code, body = perform()
            if status_code < 300:
                IdempotencyRecord.objects.create(
                    user=user,
                    key=key,
                    request_hash=fingerprint,
                    status_code=status_code,
                    response_body=json.loads(json.dumps(body, default=str)),
                )
    except Exception:
        # The same key may have arrived twice at once: then the other request's change stands and ours, refused
        # (its record's insert, or the version it expected, collided) and rolled back, answers as a retry would.
        stored = selectors.idempotency_record_get(user=user, key=key)
        if stored is None:
            raise
        return _replay(stored, fingerprint)
    _forget_old_records(user)
    return status_code, body, False


def _replay(stored: IdempotencyRecord, fingerprint: str):
    if stored.request_hash != fingerprint:
        raise IdempotencyMismatch()
    return stored.status_code, stored.response_body, True


def _forget_old_records(user) -> None:
    IdempotencyRecord.objects.filter(user=user, created_at__lt=timezone.now() - IDEMPOTENCY_KEEP).delete()
