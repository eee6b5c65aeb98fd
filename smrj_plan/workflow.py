"""The review workflow shared by indicator actuals and budget executions.

下書き → 提出済み → 承認済み, with 差戻し back to the entering department. The state machine lives here so that
`indicators` and `budgets` cannot drift apart; each app's services call these transitions.
"""

from django.conf import settings
from django.db import models
from django.dispatch import Signal

from smrj_plan.text_limits import limited_text_field


class EntryState(models.TextChoices):
    DRAFT = "draft", "下書き"
    SUBMITTED = "submitted", "提出済み"
    RETURNED = "returned", "差戻し"
    APPROVED = "approved", "承認済み"


# 提出状況 (docs/domain.md「提出状況と締め」), the same for actuals and executed amounts: an expected entry not made
# yet, then the workflow's states, in the order pages list them.
MISSING = "missing"
COMPLETENESS_STATES: tuple[str, ...] = (MISSING, *(s.value for s in EntryState))
# What the owning department still has to send: nothing entered, a draft, or an entry returned to it.
UNSUBMITTED_STATES = frozenset({MISSING, EntryState.DRAFT.value, EntryState.RETURNED.value})
# Anything but 承認済み keeps a quarter incomplete (a 締め lists these first).
INCOMPLETE_STATES = frozenset(COMPLETENESS_STATES) - {EntryState.APPROVED.value}


class StateCounts:
    """Counts by completeness state (`self.counts`: state → n), as a department's or a column's line shows them."""

    counts: dict[str, int]

    @staticmethod
    def zero() -> dict[str, int]:
        return dict.fromkeys(COMPLETENESS_STATES, 0)

    @property
    def count_list(self) -> list[tuple[str, int]]:
        return [(s, self.counts[s]) for s in COMPLETENESS_STATES]

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def incomplete(self) -> int:
        return sum(self.counts[s] for s in INCOMPLETE_STATES)

    @property
    def unsubmitted(self) -> int:
        return sum(self.counts[s] for s in UNSUBMITTED_STATES)


# Which state may follow which; anything else is refused by the services.
TRANSITIONS: dict[str, set[str]] = {
    EntryState.DRAFT: {EntryState.SUBMITTED},
    EntryState.RETURNED: {EntryState.SUBMITTED},
    EntryState.SUBMITTED: {EntryState.APPROVED, EntryState.RETURNED},
    EntryState.APPROVED: {EntryState.DRAFT},  # reopen by a manager, with a reason
}

EDITABLE_STATES = {EntryState.DRAFT, EntryState.RETURNED}

# Sent after every transition is saved (inside the caller's transaction), with entry, from_state, to_state, user
# and reason. `smrj_plan.mail` listens to tell the other side of 提出・差戻し・承認 once the change is committed.
entry_transitioned = Signal()
TEXT_FIELDS = ("note", "review_comment")


class ReviewedEntry(models.Model):
    """Columns every reviewed figure carries: state, optimistic-lock version and who did what when."""

    state = models.CharField("状態", max_length=10, choices=EntryState.choices, default=EntryState.DRAFT)
    version = models.PositiveIntegerField("版", default=1, help_text="同時編集の検出に使う版番号")
    note = limited_text_field("備考", blank=True)
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
    review_comment = limited_text_field("差戻し・再開の理由", blank=True)

    class Meta:
        abstract = True

    def check_text_lengths(self) -> None:
        """Run the length validators of the free-text fields (ValidationError with the Japanese message).

        A workflow step saves without `full_clean` (nothing else the user typed changes), so the reason it
        stores in `review_comment` is checked here."""
        self.clean_fields(exclude=[f.name for f in self._meta.fields if f.name not in TEXT_FIELDS])

    def workflow_item(self):
        """The entry as lists and notices name it (an `smrj_plan.owed.OwedItem`), or None: a model that does not
        say is not notified of (the 自己評価, once a year per 評価項目 and not a quarter's work, follows the workflow
        without mail)."""
        return None

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

    Checks the state machine, the reason rule and four-eyes (nobody approves their own figure); callers check
    roles, departments and quarter locks, and wrap the call in a transaction."""
    from django.core.exceptions import ValidationError
    from django.utils import timezone

    from smrj_plan.text import require_visible_text

    now = now or timezone.now()
    if to_state not in TRANSITIONS.get(entry.state, set()):
        raise ValidationError(
            f"「{state_label(entry.state)}」の値を「{state_label(to_state)}」にはできません。"
        )
    from_state = entry.state
    reopening = entry.state == EntryState.APPROVED and to_state == EntryState.DRAFT
    if to_state == EntryState.RETURNED or reopening:
        reason = require_visible_text(reason, field_label="差戻し・再開の理由")
    if to_state == EntryState.APPROVED:
        require_second_person(entry, user=user)
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
    entry.check_text_lengths()
    entry.save()
    entry_transitioned.send(
        sender=type(entry), entry=entry, from_state=from_state, to_state=to_state, user=user, reason=reason
    )


# The columns the workflow itself writes; every other column of a reviewed entry is part of the figure.
_WORKFLOW_COLUMNS = {
    "id",
    "state",
    "version",
    "updated_by",
    "updated_at",
    "submitted_by",
    "submitted_at",
    "reviewed_by",
    "reviewed_at",
    "review_comment",
}


def figure_authors_since_approval(entry) -> set:
    """Ids of the users who entered or changed the entry's figure since it was last approved (ever, if never).

    Read from the entry's history, newest first: a row whose figure columns differ from the row before it was
    written by someone who changed the figure; the walk stops at the last approved row, whose values someone
    else already checked. Workflow-only rows (提出, 差戻し, 再開) change no figure and name nobody."""
    columns = [f.attname for f in entry._meta.concrete_fields if f.name not in _WORKFLOW_COLUMNS]
    rows = entry.history.order_by("-history_date", "-history_id").values("state", "history_user_id", *columns)
    authors, newer = set(), None
    for row in rows.iterator():
        if newer is not None and any(newer[c] != row[c] for c in columns):
            authors.add(newer["history_user_id"])
        if row["state"] == EntryState.APPROVED:
            break
        newer = row
    else:
        if newer is not None:
            authors.add(newer["history_user_id"])  # the row that created the entry
    return authors


def require_second_person(entry, *, user) -> None:
    """Four-eyes: nobody approves a figure they submitted or entered, whatever groups they hold.

    One account can hold both 担当者 and 管理者; the check is on the person, not the role."""
    from django.core.exceptions import ValidationError

    if entry.submitted_by_id == user.pk:
        raise ValidationError(
            "自分が提出した値は承認できません（別の管理者が承認してください）。", code="own_submission"
        )
    if user.pk in figure_authors_since_approval(entry):
        raise ValidationError(
            "自分が入力・変更した値は承認できません（別の管理者が承認してください）。", code="own_figure"
        )
