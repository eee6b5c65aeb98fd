"""Reads of the API's own tables: tokens and idempotency records."""

import hashlib

from django.db.models import QuerySet

from api.models import ApiToken, IdempotencyRecord


def token_hash(secret: str) -> str:
    """The stored form of a token: the SHA-256 of the secret, in hex."""
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def token_find(*, secret: str) -> ApiToken | None:
    """The token whose secret this is (whatever its state), with its owner; None for an unknown secret."""
    return ApiToken.objects.select_related("user").filter(key_hash=token_hash(secret)).first()


def token_list_for_user(*, user) -> QuerySet[ApiToken]:
    """A person's own tokens, newest first (nobody sees another person's tokens, not even a 管理者)."""
    return ApiToken.objects.filter(user=user)


def idempotency_record_get(*, user, key: str) -> IdempotencyRecord | None:
    return IdempotencyRecord.objects.filter(user=user, key=key).first()
