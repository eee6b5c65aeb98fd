"""Mail through Django's e-mail framework (README「提出期限と督促メール」): the workflow's notices and the sending
every mail of the project goes through.

提出 tells the 管理者, 差戻し tells the one who submitted (with the reason), 承認 tells the one who submitted
(docs/domain.md「1年の流れ」): for actuals, executed amounts and measures' 取組状況. A notice is sent once the change is committed, one mail per person for all the
entries of one save, and a mail that cannot be sent is logged: it never undoes or fails the user's change.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction

from measures.periods import fiscal_year_short, quarter_label
from smrj_plan import formatting, roles
from smrj_plan.deadlines import deadline_for, deadline_text
from smrj_plan.workflow import EntryState, entry_transitioned

logger = logging.getLogger(__name__)

SUBJECT_PREFIX = "【年度計画】"
FOOTER = "※このメールは年度計画トラッカーから自動で送信しています。返信には対応していません。"


def absolute_url(path: str) -> str:
    """A path on this site as a link in a mail: SITE_URL + path."""
    return settings.SITE_URL + path


def message_build(*, user, subject: str, body: str) -> EmailMessage:
    return EmailMessage(subject=SUBJECT_PREFIX + subject, body=body, to=[user.email])


def messages_send(messages: list[EmailMessage]) -> int:
    """Send the mails over one connection; the number sent. A failure is logged and reported as 0, not raised."""
    if not messages:
        return 0
    try:
        return get_connection(fail_silently=False).send_messages(messages) or 0
    except Exception:
        logger.exception("メールを送信できませんでした（宛先: %s）", ", ".join(m.to[0] for m in messages))
        return 0


def period_text(year: int, quarter: int) -> str:
    """「令和6年度 第1四半期」."""
    return f"{fiscal_year_short(year)} {quarter_label(quarter)}"


# ---------------------------------------------------------------------------------------------------------------
# Notices of the workflow: 提出 → 管理者, 差戻し → the submitter (with the reason), 承認 → the submitter


@dataclass
class _Notice:
    to_state: str
    item: object  # an OwedItem
    actor: object
    submitter: object


@dataclass
class _Batch:
    notices: list[_Notice] = field(default_factory=list)
    callback: object = None


def _batch() -> _Batch | None:
    """The notices of the current transaction, sent by one on-commit callback; None outside a transaction.

    A batch whose callback Django dropped (its transaction rolled back) is left behind with its notices."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        return None
    batch = getattr(connection, "_smrj_notice_batch", None)
    if batch is None or not any(entry[1] is batch.callback for entry in connection.run_on_commit):
        batch = _Batch()

        def callback(batch=batch):
            connection._smrj_notice_batch = None
            notices_send(batch.notices)

        batch.callback = callback
        connection._smrj_notice_batch = batch
        transaction.on_commit(callback)
    return batch


def _on_transition(sender, entry, from_state, to_state, user, reason, **kwargs):
    if to_state not in (EntryState.SUBMITTED, EntryState.RETURNED, EntryState.APPROVED):
        return
    item = entry.workflow_item()
    if item is None:
        return
    notice = _Notice(to_state, item, user, entry.submitted_by)
    batch = _batch()
    if batch is None:
        notices_send([notice])
    else:
        batch.notices.append(notice)


def connect() -> None:
    entry_transitioned.connect(_on_transition, dispatch_uid="smrj_plan.mail.transition")


def _item_lines(items, *, link: str) -> list[str]:
    lines = []
    for item in items:
        lines.append(f"・{item.title}")
        if item.reason:
            lines.append(f"  差戻しの理由: {item.reason}")
        lines.append(f"  {absolute_url(getattr(item, link))}")
    return lines


def _deadline_line(year: int, quarter: int) -> str:
    return f"提出期限: {deadline_text(deadline_for(year, quarter))}"


def notice_messages(notices: list[_Notice]) -> list[EmailMessage]:
    """One mail per recipient, event and period: the items of one save together."""
    grouped: dict[tuple, list[_Notice]] = defaultdict(list)
    managers = list(roles.manager_users())
    for n in notices:
        key = (n.to_state, n.item.year, n.item.quarter)
        if n.to_state == EntryState.SUBMITTED:
            for manager in managers:
                if manager.pk != n.actor.pk:
                    grouped[(manager, *key)].append(n)
        elif n.submitter is not None and n.submitter.email and n.submitter.is_active:
            grouped[(n.submitter, *key)].append(n)
    messages = []
    for (user, to_state, year, quarter), group in grouped.items():
        items = [n.item for n in group]
        # A save holds one kind: a measure's 取組状況, or figures (指標・予算執行) — the 実績.
        noun = "取組状況" if all(item.kind == "施策" for item in items) else "実績"
        period = period_text(year, quarter)
        actor = formatting.person_name(group[0].actor)
        greeting = f"{formatting.person_name(user)} 様"
        if to_state == EntryState.SUBMITTED:
            subject = f"提出がありました：{period} {len(items)}件（{actor}）"
            text = [
                greeting,
                "",
                f"{actor} さんが{period}の{noun}を提出しました。確認・承認をお願いします。",
                _deadline_line(year, quarter),
                "",
                *_item_lines(items, link="review_path"),
            ]
        elif to_state == EntryState.RETURNED:
            subject = f"差戻しがありました：{period} {len(items)}件"
            text = [
                greeting,
                "",
                f"{actor} さんが、提出された{period}の{noun}を差し戻しました。理由を確かめて修正し、再提出してください。",
                _deadline_line(year, quarter),
                "",
                *_item_lines(items, link="path"),
            ]
        else:
            subject = f"承認されました：{period} {len(items)}件"
            text = [
                greeting,
                "",
                f"{actor} さんが、提出された{period}の{noun}を承認しました。",
                "",
                *_item_lines(items, link="path"),
            ]
        messages.append(message_build(user=user, subject=subject, body="\n".join([*text, "", FOOTER, ""])))
    return messages


def notices_send(notices: list[_Notice]) -> int:
    """Build and send the notices; any error is logged, never raised (the change is already saved)."""
    try:
        messages = notice_messages(notices)
    except Exception:
        logger.exception("通知メールを作成できませんでした")
        return 0
    return messages_send(messages)
