"""督促メール (docs/domain.md「1年の流れ」): who is reminded of which missing or returned figures, and when.

A quarter is reminded of from REMINDER_DAYS_BEFORE days before its 提出期限 and every day after it until its
department owes nothing, unless the quarter is closed (締め). Each department's 担当者 get its list; a department
with no 担当者 (with a mail address) is reported to the 管理者 instead. A person gets at most one mail a day,
however many quarters or departments it covers: `ReminderLog` holds (person, day, year, quarter), and whoever
has a row for today is left out of a later run that day.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.urls import reverse

from measures.models import Department, FiscalYear
from measures.periods import QUARTER_MONTHS, QUARTERS
from smrj_plan import formatting, roles
from smrj_plan.deadlines import deadline_map, deadline_text, reminder_starts
from smrj_plan.mail import FOOTER, absolute_url, message_build, messages_send, period_text
from smrj_plan.models import QuarterLock, ReminderLog
from smrj_plan.owed import OwedItem, owed_by_department, owed_items


class ReminderError(Exception):
    """A year or quarter that cannot be reminded of; the message is Japanese."""


@dataclass
class DepartmentOwed:
    """What one department owes for one quarter, and whom the reminder goes to."""

    department: Department
    year: int
    quarter: int
    deadline: dt.date
    items: list[OwedItem]
    staff: list = field(default_factory=list)  # its 担当者 with a mail address
    managers: list = field(default_factory=list)  # when it has none

    @property
    def recipients(self) -> list:
        return self.staff or self.managers

    @property
    def has_staff(self) -> bool:
        return bool(self.staff)

    @property
    def period(self) -> str:
        return period_text(self.year, self.quarter)

    def overdue(self, today: dt.date) -> bool:
        return today > self.deadline

    def deadline_note(self, today: dt.date) -> str:
        """「令和6年7月15日（2024年7月15日）、期限を過ぎています（3日超過）」 or 「…、あと5日」."""
        days = (self.deadline - today).days
        if days < 0:
            return f"{deadline_text(self.deadline)}、期限を過ぎています（{-days}日超過）"
        if days == 0:
            return f"{deadline_text(self.deadline)}、本日が期限です"
        return f"{deadline_text(self.deadline)}、あと{days}日"


def reminder_quarters(
    *, today: dt.date, year: int | None = None, quarter: int | None = None
) -> list[tuple[FiscalYear, int, dt.date]]:
    """(year, quarter, deadline) to remind of today: every open quarter whose reminders have started, or the
    one quarter asked for (whatever the day). A closed quarter (締め) is never reminded of."""
    if quarter is not None and quarter not in QUARTERS:
        raise ReminderError("四半期は1〜4で指定してください。")
    if quarter is not None and year is None:
        raise ReminderError("--quarter は --year と一緒に指定してください。")
    years = FiscalYear.objects.filter(plan__isnull=False).order_by("year")
    if year is not None:
        years = years.filter(year=year)
        if not years:
            raise ReminderError(f"{year}年度の計画が読み込まれていません。")
    locked = set(QuarterLock.objects.filter(is_locked=True).values_list("fiscal_year__year", "quarter"))
    chosen = []
    for fiscal_year in years:
        deadlines = deadline_map(fiscal_year)
        for q in QUARTERS if quarter is None else (quarter,):
            if (fiscal_year.year, q) in locked:
                continue
            if quarter is None and today < reminder_starts(deadlines[q]):
                continue
            chosen.append((fiscal_year, q, deadlines[q]))
    return chosen


def reminder_plan(
    *, today: dt.date, year: int | None = None, quarter: int | None = None
) -> list[DepartmentOwed]:
    """Every department that owes figures for the quarters to remind of, with its recipients."""
    owed: list[DepartmentOwed] = []
    departments = {d.pk: d for d in Department.objects.all()}
    for fiscal_year, q, deadline in reminder_quarters(today=today, year=year, quarter=quarter):
        by_department = owed_by_department(owed_items(fiscal_year=fiscal_year, quarters=[q]))
        for department_id, items in by_department.items():
            owed.append(DepartmentOwed(departments[department_id], fiscal_year.year, q, deadline, items))
    staff = defaultdict(list)
    for user in roles.department_staff_users({o.department.pk for o in owed}):
        staff[user.staff_profile.department_id].append(user)
    managers = list(roles.manager_users()) if owed else []
    for o in owed:
        o.staff = staff.get(o.department.pk, [])
        o.managers = [] if o.staff else managers
    owed.sort(key=lambda o: (o.year, o.quarter, o.department.order, o.department.code))
    return owed


@dataclass
class Reminder:
    """One person's mail of the day: every department and quarter they are reminded of."""

    user: object
    sections: list[DepartmentOwed]
    already_sent: bool = False

    @property
    def item_count(self) -> int:
        return sum(len(s.items) for s in self.sections)


def reminders_for(plan: list[DepartmentOwed], *, today: dt.date) -> list[Reminder]:
    """The plan regrouped by person; those already reminded today are marked `already_sent`."""
    by_user: dict[int, Reminder] = {}
    for section in plan:
        for user in section.recipients:
            by_user.setdefault(user.pk, Reminder(user, [])).sections.append(section)
    sent_today = set(
        ReminderLog.objects.filter(sent_on=today, user_id__in=list(by_user)).values_list("user_id", flat=True)
    )
    for reminder in by_user.values():
        reminder.already_sent = reminder.user.pk in sent_today
    return sorted(by_user.values(), key=lambda r: r.user.username)


def _section_lines(section: DepartmentOwed, today: dt.date) -> list[str]:
    lines = [
        f"■ {section.department.name} {section.period}（{QUARTER_MONTHS[section.quarter]}）",
        f"提出期限: {section.deadline_note(today)}",
        f"入力画面: {absolute_url(reverse('entry:quarter', args=[section.year, section.quarter]))}",
    ]
    for item in section.items:
        lines.append(f"・[{item.state_label}] {item.title}")
        if item.reason:
            lines.append(f"  差戻しの理由: {item.reason}")
        lines.append(f"  {absolute_url(item.path)}")
    return lines


def reminder_message(reminder: Reminder, *, today: dt.date) -> EmailMessage:
    """The reminder in Japanese: subject with the periods, body with each department's items and deadline."""
    overdue = any(s.overdue(today) for s in reminder.sections)
    periods = "、".join(dict.fromkeys(f"{s.department.name} {s.period}" for s in reminder.sections))
    subject = f"{'【期限超過】' if overdue else ''}実績の提出のお願い：{periods}（{reminder.item_count}件）"
    own = [s for s in reminder.sections if reminder.user in s.staff]
    reported = [s for s in reminder.sections if reminder.user not in s.staff]
    lines = [f"{formatting.person_name(reminder.user)} 様", ""]
    if own:
        lines += [
            "次の実績が未入力・下書き・差戻しのままです。提出期限までに入力して提出してください。",
            "差戻しのものは理由を確かめて修正し、再提出してください。",
            "",
        ]
        for section in own:
            lines += [*_section_lines(section, today), ""]
    if reported:
        lines += [
            "次の部署には担当者（メールアドレスの登録がある担当者）がいないため、管理者にお知らせします。",
            "担当者の登録か、部署への連絡をお願いします。",
            "",
        ]
        for section in reported:
            lines += [*_section_lines(section, today), ""]
    lines += [FOOTER, ""]
    return message_build(user=reminder.user, subject=subject, body="\n".join(lines))


@dataclass
class SendResult:
    sent: list = field(default_factory=list)
    skipped: list = field(default_factory=list)  # already reminded today
    failed: list = field(default_factory=list)


def _claim(reminder: Reminder, today: dt.date) -> bool:
    """Record today's reminder before sending, so that a run beside this one sends nothing to the same person.

    False when a row for today is already there (a second run)."""
    rows = {(s.year, s.quarter): 0 for s in reminder.sections}
    for s in reminder.sections:
        rows[(s.year, s.quarter)] += len(s.items)
    years = {fy.year: fy for fy in FiscalYear.objects.filter(year__in={y for y, _ in rows})}
    try:
        with transaction.atomic():
            if ReminderLog.objects.select_for_update().filter(user=reminder.user, sent_on=today).exists():
                return False
            ReminderLog.objects.bulk_create(
                ReminderLog(user=reminder.user, sent_on=today, fiscal_year=years[y], quarter=q, item_count=n)
                for (y, q), n in rows.items()
            )
    except IntegrityError:
        return False
    return True


def reminders_send(reminders: list[Reminder], *, today: dt.date) -> SendResult:
    """Send each person's reminder once today; a mail that fails is logged and its record removed (retried on
    the next run)."""
    result = SendResult()
    for reminder in reminders:
        if reminder.already_sent or not _claim(reminder, today):
            result.skipped.append(reminder)
            continue
        if messages_send([reminder_message(reminder, today=today)]):
            result.sent.append(reminder)
        else:
            ReminderLog.objects.filter(user=reminder.user, sent_on=today).delete()
            result.failed.append(reminder)
    return result
