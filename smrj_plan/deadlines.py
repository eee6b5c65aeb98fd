"""提出期限 (docs/domain.md「1年の流れ」): when each quarter's figures are due, and whether that day has passed.

A quarter's deadline is the date a 管理者 set for it (`QuarterDeadline`, every change kept in its history with the
reason), else the quarter's last day plus `settings.SUBMISSION_DEADLINE_DAYS`. Days are Japan days
(`timezone.localdate()`): a quarter is overdue from the day after its deadline. Every app asks here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from measures.periods import QUARTERS, fiscal_year_end, fiscal_year_start, quarter_label, quarter_span
from smrj_plan import formatting, permissions
from smrj_plan.models import QuarterDeadline
from smrj_plan.text import require_visible_text


def _year(fiscal_year) -> int:
    """A FiscalYear or its western year."""
    return fiscal_year if isinstance(fiscal_year, int) else fiscal_year.year


def today() -> dt.date:
    return timezone.localdate()


def default_deadline(fiscal_year, quarter: int) -> dt.date:
    """The quarter's last day plus SUBMISSION_DEADLINE_DAYS: 第1四半期 of 2024 with 15 days → 2024-07-15."""
    return quarter_span(_year(fiscal_year), quarter).end + dt.timedelta(
        days=settings.SUBMISSION_DEADLINE_DAYS
    )


def deadline_map(fiscal_year) -> dict[int, dt.date]:
    """The four quarters' deadlines of a year in one query: {1: date, …, 4: date}."""
    stored = dict(
        QuarterDeadline.objects.filter(fiscal_year__year=_year(fiscal_year)).values_list(
            "quarter", "due_date"
        )
    )
    return {q: stored.get(q) or default_deadline(fiscal_year, q) for q in QUARTERS}


def deadline_for(fiscal_year, quarter: int) -> dt.date:
    """The quarter's 提出期限: the date a 管理者 set, else the quarter's end + SUBMISSION_DEADLINE_DAYS."""
    stored = (
        QuarterDeadline.objects.filter(fiscal_year__year=_year(fiscal_year), quarter=quarter)
        .values_list("due_date", flat=True)
        .first()
    )
    return stored or default_deadline(fiscal_year, quarter)


def is_overdue(fiscal_year, quarter: int, today: dt.date | None = None) -> bool:
    """True from the day after the deadline (Japan time): figures due on the deadline day are still on time."""
    return (today or timezone.localdate()) > deadline_for(fiscal_year, quarter)


def reminder_starts(deadline: dt.date) -> dt.date:
    """The first day reminders go out before a deadline (REMINDER_DAYS_BEFORE days ahead of it)."""
    return deadline - dt.timedelta(days=settings.REMINDER_DAYS_BEFORE)


def deadline_text(day: dt.date) -> str:
    """「令和6年7月15日（2024年7月15日）」: how pages and mails write a deadline."""
    return formatting.wareki_with_western(day)


@dataclass(frozen=True)
class QuarterDue:
    """A quarter's deadline as pages show it."""

    quarter: int
    due_date: dt.date
    is_default: bool
    overdue: bool
    days_left: int  # negative once overdue

    @property
    def label(self) -> str:
        return quarter_label(self.quarter)

    @property
    def text(self) -> str:
        return deadline_text(self.due_date)

    @property
    def days_overdue(self) -> int:
        return max(0, -self.days_left)


def quarter_due_list(fiscal_year, today: dt.date | None = None) -> list[QuarterDue]:
    """The year's four deadlines with whether each is the default and whether it has passed (one query)."""
    today = today or timezone.localdate()
    stored = dict(
        QuarterDeadline.objects.filter(fiscal_year__year=_year(fiscal_year)).values_list(
            "quarter", "due_date"
        )
    )
    rows = []
    for q in QUARTERS:
        due = stored.get(q) or default_deadline(fiscal_year, q)
        rows.append(QuarterDue(q, due, q not in stored, today > due, (due - today).days))
    return rows


def quarter_due(fiscal_year, quarter: int, today: dt.date | None = None) -> QuarterDue:
    """One quarter's deadline as pages show it (one query)."""
    today = today or timezone.localdate()
    stored = (
        QuarterDeadline.objects.filter(fiscal_year__year=_year(fiscal_year), quarter=quarter)
        .values_list("due_date", flat=True)
        .first()
    )
    due = stored or default_deadline(fiscal_year, quarter)
    return QuarterDue(quarter, due, stored is None, today > due, (due - today).days)


# ---------------------------------------------------------------------------------------------------------------
# Changing a deadline (管理者)

LATEST_YEARS_AFTER_YEAR = 1


def deadline_set(*, fiscal_year, quarter: int, due_date: dt.date, user, reason: str) -> QuarterDeadline:
    """Set a quarter's 提出期限, with a reason kept in the history. Only a 管理者 (PermissionDenied otherwise).

    The date must fall between the year's first day and the end of the following fiscal year (a later or an
    earlier date is a typing mistake); ValidationError keyed by field, in Japanese."""
    permissions.require_deadline_change(user)
    errors: dict[str, list[str]] = {}
    try:
        reason = require_visible_text(reason, field_label="提出期限の変更理由")
    except ValidationError as exc:
        errors["reason"] = exc.messages
    year = _year(fiscal_year)
    first, last = fiscal_year_start(year), fiscal_year_end(year + LATEST_YEARS_AFTER_YEAR)
    if due_date is None:
        errors["due_date"] = ["提出期限の日付を入力してください。"]
    elif not first <= due_date <= last:
        errors["due_date"] = [
            f"提出期限は{formatting.wareki(first)}から{formatting.wareki(last)}までの日付にしてください。"
        ]
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        deadline = QuarterDeadline.objects.select_for_update().filter(
            fiscal_year=fiscal_year, quarter=quarter
        ).first() or QuarterDeadline(fiscal_year=fiscal_year, quarter=quarter)
        if deadline.pk and deadline.due_date == due_date:
            raise ValidationError({"due_date": [f"提出期限は既に{deadline_text(due_date)}です。"]})
        deadline.due_date = due_date
        deadline.reason = reason
        deadline.updated_by = user
        deadline._change_reason = reason
        deadline._history_user = user
        deadline.full_clean()
        deadline.save()
    return deadline


@dataclass(frozen=True)
class DeadlineChange:
    quarter: int
    changed_at: dt.datetime
    user: object
    old_date: dt.date
    new_date: dt.date
    reason: str

    @property
    def changed_at_text(self) -> str:
        return formatting.wareki_datetime(self.changed_at)

    @property
    def user_name(self) -> str:
        return formatting.person_name(self.user, with_username=True)


def deadline_history(fiscal_year) -> list[DeadlineChange]:
    """Every change of the year's deadlines, newest first, with the date before (the default for the first)."""
    rows = list(
        QuarterDeadline.history.filter(fiscal_year__year=_year(fiscal_year))
        .select_related("history_user")
        .order_by("quarter", "history_date", "history_id")
    )
    changes, previous = [], {}
    for row in rows:
        old = previous.get(row.quarter) or default_deadline(fiscal_year, row.quarter)
        changes.append(
            DeadlineChange(row.quarter, row.history_date, row.history_user, old, row.due_date, row.reason)
        )
        previous[row.quarter] = row.due_date
    return sorted(changes, key=lambda c: c.changed_at, reverse=True)
