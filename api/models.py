"""Personal API tokens and the idempotency records of API writes.

A token's secret is shown once, when it is created; only its SHA-256 is stored, so a copy of the database
gives nobody a usable token. A token carries its owner's rights (the same role and department rules as the
pages), narrowed by its scope, until it expires or is revoked."""

from django.conf import settings
from django.db import models
from django.utils import timezone


class ApiToken(models.Model):
    class Scope(models.TextChoices):
        READ = "read", "読み取り専用"
        READ_WRITE = "read_write", "読み書き（実績の下書き保存・提出）"

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens", verbose_name="利用者"
    )
    name = models.CharField("名前", max_length=100, help_text="何に使うトークンか（例: Excel 集計用）")
    # The first characters of the secret, shown in the list so a person can tell their tokens apart.
    prefix = models.CharField("先頭の文字", max_length=16)
    key_hash = models.CharField("トークンのSHA-256", max_length=64, unique=True)
    scope = models.CharField("範囲", max_length=10, choices=Scope.choices, default=Scope.READ)
    created_at = models.DateTimeField("作成日時", auto_now_add=True)
    expires_at = models.DateTimeField("有効期限")
    last_used_at = models.DateTimeField("最終使用日時", null=True, blank=True)
    revoked_at = models.DateTimeField("失効日時", null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = verbose_name_plural = "APIトークン"

    def __str__(self):
        return f"{self.name}（{self.prefix}…）"

    @property
    def is_revoked(self) -> bool:
        return self.revoked_at is not None

    def is_expired(self, now=None) -> bool:
        return self.expires_at <= (now or timezone.now())

    def is_active(self, now=None) -> bool:
        return not self.is_revoked and not self.is_expired(now)

    @property
    def can_write(self) -> bool:
        return self.scope == self.Scope.READ_WRITE

    @property
    def status_label(self) -> str:
        if self.is_revoked:
            return "失効"
        if self.is_expired():
            return "期限切れ"
        return "有効"


class IdempotencyRecord(models.Model):
    """The answer given to one API write sent with an Idempotency-Key, replayed when the same person sends the
    same key again (a retry after a lost response changes nothing a second time)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name="利用者"
    )
    key = models.CharField("Idempotency-Key", max_length=255)
    request_hash = models.CharField("要求のSHA-256", max_length=64)
    status_code = models.PositiveSmallIntegerField("応答のステータス")
    response_body = models.JSONField("応答の本文")
    created_at = models.DateTimeField("日時", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = verbose_name_plural = "APIの冪等キー"
        constraints = [
            models.UniqueConstraint(fields=["user", "key"], name="unique_idempotency_key_per_user")
        ]

    def __str__(self):
        return f"{self.user_id}:{self.key}"
