"""Who is who (docs/domain.md「利用者と権限」): the roles as Django groups, and a user's 部署.

A システム管理者 is a superuser and reaches master data through the admin. What each role may do is decided in
`smrj_plan.permissions`, which asks here; views and services ask `permissions`, never this module.
"""

from enum import StrEnum


class Role(StrEnum):
    STAFF = "担当者"
    MANAGER = "管理者"
    AUDITOR = "監査担当"


ROLE_GROUPS = [Role.STAFF, Role.MANAGER, Role.AUDITOR]


def _group_names(user) -> set[str]:
    cache = getattr(user, "_role_group_names", None)
    if cache is None:
        cache = set(user.groups.values_list("name", flat=True)) if user.is_authenticated else set()
        user._role_group_names = cache
    return cache


def is_manager(user) -> bool:
    return user.is_authenticated and (user.is_superuser or Role.MANAGER in _group_names(user))


def is_auditor(user) -> bool:
    return user.is_authenticated and Role.AUDITOR in _group_names(user)


def is_staff_member(user) -> bool:
    return user.is_authenticated and Role.STAFF in _group_names(user)


def user_department_id(user) -> int | None:
    if not user.is_authenticated:
        return None
    profile = getattr(user, "staff_profile", None)
    return profile.department_id if profile else None


def role_label(user) -> str:
    if not user.is_authenticated:
        return ""
    if user.is_superuser:
        return "システム管理者"
    for role in (Role.MANAGER, Role.AUDITOR, Role.STAFF):
        if role in _group_names(user):
            return str(role)
    return "権限なし"


def _users_with_mail():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(is_active=True).exclude(email="")


def manager_users():
    """Active 管理者 with an e-mail address, whom submissions and departments without a 担当者 are reported to."""
    return _users_with_mail().filter(groups__name=Role.MANAGER).distinct().order_by("username")


def department_staff_users(department_ids):
    """Active 担当者 of the departments, with an e-mail address (the reminders' recipients)."""
    return (
        _users_with_mail()
        .filter(groups__name=Role.STAFF, staff_profile__department_id__in=list(department_ids))
        .select_related("staff_profile")
        .distinct()
        .order_by("username")
    )
