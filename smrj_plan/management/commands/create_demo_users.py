"""Creates one demo user per role, for local development only (refused when DEBUG is off)."""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from measures.models import Department, StaffProfile
from smrj_plan.roles import Role

DEMO_PASSWORD = "demo-pass-2024"
DEMO_USERS = [
    # username, full name, role, department code (staff only)
    ("tanto", "担当 太郎", Role.STAFF, "keiei-shien"),
    ("kanri", "管理 花子", Role.MANAGER, None),
    ("kansa", "監査 次郎", Role.AUDITOR, None),
    ("sysadmin", "システム 管理者", None, None),
]


class Command(BaseCommand):
    help = "デモ用ユーザー（担当者・管理者・監査担当・システム管理者）を作成します（DEBUG時のみ）。"

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("デモ用ユーザーは DEBUG=1 のときだけ作成できます。本番環境では作成しません。")
        User = get_user_model()
        with transaction.atomic():
            for username, full_name, role, dept_code in DEMO_USERS:
                last, first = full_name.split(" ", 1)
                user, _ = User.objects.get_or_create(username=username)
                user.last_name, user.first_name = last, first
                user.email = f"{username}@example.jp"
                user.is_superuser = user.is_staff = role is None
                user.set_password(DEMO_PASSWORD)
                user.save()
                user.groups.clear()
                if role is not None:
                    user.groups.add(Group.objects.get_or_create(name=str(role))[0])
                department = Department.objects.filter(code=dept_code).first() if dept_code else None
                StaffProfile.objects.update_or_create(user=user, defaults={"department": department})
        self.stdout.write(f"デモ用ユーザー（パスワードはすべて {DEMO_PASSWORD}）:")
        for username, _full_name, role, dept_code in DEMO_USERS:
            label = str(role) if role else "システム管理者"
            dept = f"（部署: {dept_code}）" if dept_code else ""
            self.stdout.write(f"  {username:10s} {label}{dept}")
