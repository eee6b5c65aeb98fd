"""督促メール for cron (README「提出期限と督促メール」): each department's 担当者 are told of the figures their
department has not submitted, at most once a day."""

import argparse

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from smrj_plan import formatting
from smrj_plan.reminders import ReminderError, reminder_plan, reminders_for, reminders_send


def _year(text: str) -> int:
    if not (text.isascii() and text.isdigit() and len(text) == 4):
        raise argparse.ArgumentTypeError(f"年度は西暦4桁で指定してください（例 2024）: {text!r}")
    return int(text)


def _quarter(text: str) -> int:
    if text not in ("1", "2", "3", "4"):
        raise argparse.ArgumentTypeError(f"四半期は1〜4で指定してください: {text!r}")
    return int(text)


def _address(user) -> str:
    return f"{formatting.person_name(user, with_username=True)} <{user.email}>"


class Command(BaseCommand):
    help = (
        "未入力・下書き・差戻しの実績がある部署の担当者に督促メールを送ります（提出期限の前は期限の"
        "REMINDER_DAYS_BEFORE 日前から、期限後は毎日。1人に1日1通まで）。担当者のいない部署は管理者に知らせます。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--year", type=_year, help="年度（西暦。令和6年度なら2024）。省略時は計画のあるすべての年度"
        )
        parser.add_argument(
            "--quarter",
            type=_quarter,
            help="四半期（1〜4、--year と一緒に）。指定すると期限前の期間によらず督促",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="送らずに、部署ごとの未提出と宛先を表示するだけ"
        )

    def handle(self, *args, **options):
        today = timezone.localdate()
        try:
            plan = reminder_plan(today=today, year=options["year"], quarter=options["quarter"])
        except ReminderError as exc:
            raise CommandError(str(exc)) from exc
        reminders = reminders_for(plan, today=today)
        dry_run = options["dry_run"]
        self.stdout.write(
            f"{formatting.wareki(today)}（{today:%Y-%m-%d}）の督促{'（送信しない確認）' if dry_run else ''}"
        )
        if not plan:
            self.stdout.write("未提出・差戻しの実績がある部署はありません。督促メールは送りません。")
            return
        sent_today = {r.user.pk for r in reminders if r.already_sent}
        for section in plan:
            self.stdout.write("")
            self.stdout.write(
                f"■ {section.department.name} {section.period} "
                f"未提出・差戻し {len(section.items)}件（提出期限 {section.deadline_note(today)}）"
            )
            for item in section.items:
                reason = f" 理由: {item.reason}" if item.reason else ""
                self.stdout.write(f"  ・[{item.state_label}] {item.title}{reason}")
            if section.has_staff:
                label = "宛先（担当者）"
            elif section.managers:
                label = "担当者がいないため管理者へ"
            else:
                label = "担当者も管理者（メールアドレスあり）もいないため宛先なし"
            recipients = "、".join(
                _address(u) + ("（本日送信済み）" if u.pk in sent_today else "") for u in section.recipients
            )
            self.stdout.write(f"  {label}: {recipients}" if recipients else f"  {label}")
        self.stdout.write("")
        if dry_run:
            to_send = [r for r in reminders if not r.already_sent]
            self.stdout.write(
                f"送信予定 {len(to_send)}通、本日送信済みのため送らない {len(reminders) - len(to_send)}人"
                "（--dry-run のため送信していません）"
            )
            return
        result = reminders_send(reminders, today=today)
        for reminder in result.sent:
            self.stdout.write(f"送信: {_address(reminder.user)} {reminder.item_count}件")
        for reminder in result.failed:
            self.stderr.write(f"送信できませんでした: {_address(reminder.user)}（次回の実行で再送します）")
        self.stdout.write(
            f"督促メールを{len(result.sent)}通送信しました（本日送信済みのため送らなかった宛先 {len(result.skipped)}人）。"
        )
        if result.failed:
            raise CommandError(
                f"{len(result.failed)}通のメールを送信できませんでした。ログを確認してください。"
            )
