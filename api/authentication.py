"""Personal API tokens: `Authorization: Bearer smrj_…`.

The token is looked up by the SHA-256 of what the client sent (the secret itself is never stored). An expired,
revoked or unknown token, or one whose owner is inactive, is refused with 401 and a Japanese message; a request
without the header falls through to the session."""

import datetime as dt

from django.utils import timezone
from rest_framework import authentication, exceptions

from api import selectors

KEYWORD = "Bearer"
# Longer than any token we issue: refused before it is hashed or looked up.
MAX_HEADER_CHARS = 200
# last_used_at is written at most this often per token, so reading does not cost a write per request.
LAST_USED_EVERY = dt.timedelta(minutes=1)


class ApiTokenAuthentication(authentication.BaseAuthentication):
    def authenticate(self, request):
        header = request.META.get("HTTP_AUTHORIZATION", "")
        if not header:
            return None
        scheme, _, secret = header.partition(" ")
        if scheme.lower() != KEYWORD.lower():
            return None  # another scheme (e.g. Basic): not ours, and the session may still apply
        secret = secret.strip()
        if not secret or len(header) > MAX_HEADER_CHARS or not secret.isascii():
            raise exceptions.AuthenticationFailed("APIトークンの形式が正しくありません。")
        token = selectors.token_find(secret=secret)
        if token is None:
            raise exceptions.AuthenticationFailed("APIトークンが正しくありません。")
        now = timezone.now()
        if token.is_revoked:
            raise exceptions.AuthenticationFailed("このAPIトークンは失効しています。")
        if token.is_expired(now):
            local = timezone.localtime(token.expires_at)
            raise exceptions.AuthenticationFailed(
                f"このAPIトークンは有効期限（{local:%Y-%m-%d %H:%M}）を過ぎています。新しいトークンを作成してください。"
            )
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed("このAPIトークンの利用者は無効になっています。")
        if token.last_used_at is None or token.last_used_at < now - LAST_USED_EVERY:
            type(token).objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request):
        # 401 (not 403) for a request without credentials, with the scheme the client should use.
        return f'{KEYWORD} realm="api"'
