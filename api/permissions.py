"""Who may call the API at all, and what a token's scope allows.

Every other rule (which indicators a 担当者 reads, who enters, who reads the history) is the pages' own rule,
asked through `api.adapters` from the selectors and services that the pages use."""

from rest_framework import permissions

from api.models import ApiToken

READ_ONLY_TOKEN = "読み取り専用のAPIトークンでは変更できません。読み書きのトークンを作成してください。"


class SignedInWithTokenScope(permissions.BasePermission):
    """Signed in (token or session); a read-only token may only read."""

    message = "ログインするか、APIトークンを指定してください。"

    def has_permission(self, request, view) -> bool:
        user = request.user
        if not (user and user.is_authenticated):
            return False
        token = request.auth
        if isinstance(token, ApiToken) and request.method not in permissions.SAFE_METHODS:
            if not token.can_write:
                self.message = READ_ONLY_TOKEN
                return False
        return True
