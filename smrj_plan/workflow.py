"""The review workflow shared by indicator actuals and budget executions.

下書き → 提出済み → 承認済み, with 差戻し back to the entering department. The state machine lives here so that
`indicators` and `budgets` cannot drift apart; each app's services call these transitions.
"""

from django.conf import settings
from django.db import models


class EntryState(models.TextChoices):
    DRAFT = "draft", "下書き"
    SUBMITTED = "submitted", "提出済み"
    RETURNED = "returned", "差戻し"
    APPROVED = "approved", "承認済み"


# Which state may follow which; anything else is refused by the services.
TRANSITIONS: dict[str, set[str]] = {
    EntryState.DRAFT: {EntryState.SUBMITTED},
    EntryState.RETURNED: {EntryState.SUBMITTED},
    EntryState.SUBMITTED: {EntryState.APPROVED, EntryState.RETURNED},
    EntryState.APPROVED: {EntryState.DRAFT},  # reopen by a manager, with a reason
}

EDITABLE_STATES = {EntryState.DRAFT, EntryState.RETURNED}


class ReviewedEntry(models.Model):
    """Columns every reviewed figure carries: state, optimistic-lock version and who did what when."""

    state = models.CharField("状態", max_length=10, choices=EntryState.choices, default=EntryState.DRAFT)
    version = models.PositiveIntegerField("版", default=1, help_text="同時編集の検出に使う版番号")
    note = models.TextField("備考", blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="更新者",
    )
    updated_at = models.DateTimeField("更新日時", auto_now=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="提出者",
    )
    submitted_at = models.DateTimeField("提出日時", null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="確認者",
    )
    reviewed_at = models.DateTimeField("確認日時", null=True, blank=True)
    review_comment = models.TextField("差戻し・再開の理由", blank=True)

    class Meta:
        abstract = True

    @property
    def is_editable(self) -> bool:
        return self.state in EDITABLE_STATES

    @property
    def is_approved(self) -> bool:
        return self.state == EntryState.APPROVED
