"""The access rules live in smrj_plan.permissions alone: the rules themselves, role by role, and a check that no
view, service or selector decides access on its own from the roles."""

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied

from smrj_plan import permissions

BASE = Path(__file__).resolve().parent.parent
APPS = ("smrj_plan", "measures", "indicators", "budgets", "dashboard", "reports")


@pytest.mark.django_db
def test_each_role_reads_and_enters_what_the_rules_say(
    staff_user, other_staff_user, manager, auditor, sysadmin, department, other_department
):
    anonymous = AnonymousUser()
    own, other = department.pk, other_department.pk
    # Whose figures each user reads: everyone's, one department's, or nobody's.
    assert [permissions.read_department_filter(u) for u in (manager, auditor, sysadmin)] == [None] * 3
    assert permissions.read_department_filter(staff_user) == own
    assert permissions.read_department_filter(other_staff_user) == other
    assert permissions.read_department_filter(anonymous) == permissions.NO_DEPARTMENT
    assert [permissions.can_read_department(staff_user, d) for d in (own, other)] == [True, False]
    assert [permissions.can_read_department(other_staff_user, d) for d in (own, other)] == [False, True]
    assert permissions.can_read_department(auditor, other) and not permissions.can_read_department(
        anonymous, own
    )
    # Only a 担当者 enters, and only for their own department.
    assert [permissions.can_enter_for(staff_user, d) for d in (own, other)] == [True, False]
    assert [permissions.can_enter_for(u, own) for u in (manager, auditor, sysadmin, anonymous)] == [False] * 4
    # Review, lock and the final 評定 are the 管理者's (a システム管理者 counts as one).
    for rule in (permissions.can_review, permissions.can_lock_quarter, permissions.can_set_final_rating):
        assert [rule(u) for u in (staff_user, manager, auditor, sysadmin)] == [False, True, False, True]
    assert [permissions.can_export_workbook(u) for u in (staff_user, manager, auditor)] == [False, True, True]
    assert [permissions.start_page(u) for u in (staff_user, manager, auditor)] == [
        "entry:index",
        "dashboard:overview",
        "reports:index",
    ]


@pytest.mark.django_db
def test_refusals_say_in_japanese_who_may(staff_user, manager, auditor):
    with pytest.raises(PermissionDenied, match="承認・差戻し・再開は管理者だけ"):
        permissions.require_review(auditor)
    with pytest.raises(PermissionDenied, match="部署に所属する担当者だけ"):
        permissions.require_entry(manager)
    with pytest.raises(PermissionDenied, match="監査担当と管理者だけ"):
        permissions.require_export(staff_user)
    permissions.require_review(manager)
    permissions.require_entry(staff_user)
    permissions.require_export(auditor)


def test_no_module_decides_access_from_the_roles_itself():
    """Views, services and selectors ask smrj_plan.permissions; only that module reads the role predicates."""
    role_predicate = re.compile(
        r"\broles\.(is_manager|is_auditor|is_staff_member|user_department_id|can_\w+)\("
    )
    offenders = []
    for app in APPS:
        for path in sorted((BASE / app).rglob("*.py")):
            rel = path.relative_to(BASE).as_posix()
            if rel in ("smrj_plan/permissions.py", "smrj_plan/roles.py") or "/migrations/" in rel:
                continue
            if role_predicate.search(path.read_text(encoding="utf-8")):
                offenders.append(rel)
    assert offenders == []
