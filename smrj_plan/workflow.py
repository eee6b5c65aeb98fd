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


class ConcurrentEditError(Exception):
    """Raised when the stored version moved on since the form was opened (optimistic concurrency)."""

    def __init__(self, current):
        super().__init__("この値は他の利用者が先に更新しました。")
        self.current = current


def state_label(state: str) -> str:
    return EntryState(state).label


class MissingVersionError(ConcurrentEditError):
    """A change that did not say which version it was made from: refused like a conflict, never applied unseen."""

    def __init__(self, current):
        super().__init__(current)
        self.args = ("画面の版番号がないため変更していません。",)


def lock_entry(model, *, pk: int, expected_version: int):
    """Fetch an entry for update inside the caller's transaction and check nobody changed it meanwhile.

    `expected_version` is the version the user's page (or, for a batch, the row the caller has just saved or
    read) was built from. It is required: there is no way to skip the check, so a newer value is never approved
    or overwritten unseen. None raises MissingVersionError, a ConcurrentEditError carrying the stored entry."""
    entry = model.objects.select_for_update().get(pk=pk)
    if expected_version is None:
        raise MissingVersionError(current=entry)
    if entry.version != expected_version:
        raise ConcurrentEditError(current=entry)
    return entry


def transition(entry, *, to_state: str, user, reason: str = "", now=None) -> None:
    """Move an entry along the workflow and save it with a change reason for the history.

    Checks only the state machine and the reason rule; callers check roles, departments and quarter locks,
    and wrap the call in a transaction."""
    from django.core.exceptions import ValidationError
    from django.utils import timezone

    now = now or timezone.now()
    if to_state not in TRANSITIONS.get(entry.state, set()):
        raise ValidationError(
            f"「{state_label(entry.state)}」の値を「{state_label(to_state)}」にはできません。"
        )
    reopening = entry.state == EntryState.APPROVED and to_state == EntryState.DRAFT
    if (to_state == EntryState.RETURNED or reopening) and not reason.strip():
        raise ValidationError("差戻し・再開には理由の記入が必要です。")
    if to_state == EntryState.SUBMITTED:
        entry.submitted_by, entry.submitted_at = user, now
    elif to_state in (EntryState.APPROVED, EntryState.RETURNED) or reopening:
        entry.reviewed_by, entry.reviewed_at = user, now
        entry.review_comment = reason.strip() if reason.strip() else entry.review_comment
    entry.state = to_state
    entry.version += 1
    entry.updated_by = user
    # simple_history records the request's user only inside a request; services and commands name it here.
    entry._history_user = user
    entry._change_reason = reason.strip() or {
        EntryState.SUBMITTED: "提出",
        EntryState.APPROVED: "承認",
    }.get(to_state, state_label(to_state))
    entry.save()
