"""Who may do what (docs/domain.md「利用者と権限」): every access rule of the project, in one place.

`smrj_plan.roles` says who someone is (担当者・管理者・監査担当, their 部署); this module says what that lets them
do, and every view, service and selector asks here. Rules take the user and plain values (a department id), never
an app's model, so the module sits in the shared core below every app.

Two kinds of answer: `can_*` return a bool (for templates and branching); `require_*` raise PermissionDenied (403)
with a Japanese message. Whether an object the user may not read is a 404 is the view's decision: selectors scope
their querysets with `read_department_filter`.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied

from smrj_plan import roles

# A department filter that matches no department (primary keys start at 1).
NO_DEPARTMENT = 0


# ---------------------------------------------------------------------------------------------------------------
# Reading


def can_read_all(user) -> bool:
    """管理者 and 監査担当 read every department's figures, drafts and history included."""
    return roles.is_manager(user) or roles.is_auditor(user)


def read_department_filter(user) -> int | None:
    """Whose figures the user reads: None for every department, else the one department id (NO_DEPARTMENT: none).

    A 担当者 reads their own 部署's indicators and budget lines; someone with no role, or a 担当者 with no 部署,
    reads none."""
    if can_read_all(user):
        return None
    return entry_department_id(user) or NO_DEPARTMENT


def can_read_department(user, department_id: int | None) -> bool:
    """May the user read the figures of something owned by `department_id`?"""
    allowed = read_department_filter(user)
    return allowed is None or (allowed != NO_DEPARTMENT and allowed == department_id)


def can_view_budget_execution(user) -> bool:
    """The budget dashboard: readers of everything, and 担当者 (who see their own columns)."""
    return can_read_all(user) or roles.is_staff_member(user)


def can_export_workbook(user) -> bool:
    """The auditors' workbook holds every department's figures: only those who read everything take it out."""
    return can_read_all(user)


# ---------------------------------------------------------------------------------------------------------------
# Entering


def entry_department_id(user) -> int | None:
    """The department a user enters figures for: a 担当者's own 部署; None for everyone else."""
    # The role first: it is cached on the user, the 部署 costs a query.
    if not roles.is_staff_member(user):
        return None
    return roles.user_department_id(user)


def can_enter(user) -> bool:
    """Only a 担当者 who belongs to a 部署 enters actuals and executed amounts."""
    return entry_department_id(user) is not None


def can_enter_for(user, department_id: int | None) -> bool:
    """May the user enter figures for something owned by `department_id` (an indicator, a budget column)?"""
    own = entry_department_id(user)
    return own is not None and own == department_id


# ---------------------------------------------------------------------------------------------------------------
# Reviewing, locking, rating


def can_review(user) -> bool:
    """承認・差戻し・再開 of actuals and executed amounts."""
    return roles.is_manager(user)


def can_lock_quarter(user) -> bool:
    return roles.is_manager(user)


def can_set_final_rating(user) -> bool:
    return roles.is_manager(user)


def can_change_deadline(user) -> bool:
    """A quarter's 提出期限 is changed by a 管理者, with a reason (docs/domain.md「1年の流れ」)."""
    return roles.is_manager(user)


def can_set_target(user) -> bool:
    """Set or confirm an indicator's target (a year opened without its text, a target the loader could not read)."""
    return roles.is_manager(user)


# ---------------------------------------------------------------------------------------------------------------
# Measures' progress and the self-evaluation (evaluation/)


def can_change_measure_department(user) -> bool:
    """A measure's 担当部署 is changed by a 管理者 (and, through the admin, by a システム管理者)."""
    return roles.is_manager(user)


def can_write_self_evaluation(user) -> bool:
    """The 自己評価 of a 評価項目 is written, submitted and approved by 管理者 (approval by another one)."""
    return roles.is_manager(user)


def require_self_evaluation_reader(user) -> None:
    """The self-evaluation brings every 部署's figures together: 管理者 and 監査担当 read it, 担当者 do not."""
    require_reader(user, "自己評価は管理者・監査担当だけが閲覧できます。")


# ---------------------------------------------------------------------------------------------------------------
# Refusals (403)


def require_reader(user, message: str = "この画面は管理者・監査担当だけが閲覧できます。") -> None:
    if not can_read_all(user):
        raise PermissionDenied(message)


def require_entry(user, message: str = "実績を入力できるのは部署に所属する担当者だけです。") -> None:
    if not can_enter(user):
        raise PermissionDenied(message)


def require_manager(user, message: str = "この操作は管理者だけが行えます。") -> None:
    if not roles.is_manager(user):
        raise PermissionDenied(message)


def require_review(user) -> None:
    require_manager(user, "承認・差戻し・再開は管理者だけが行えます。")


def require_quarter_lock(user) -> None:
    require_manager(user, "四半期の締め・締め解除は管理者だけが行えます。")


def require_final_rating(user) -> None:
    if not can_set_final_rating(user):
        raise PermissionDenied("最終評定を設定できるのは管理者だけです。")


def require_target_setting(user) -> None:
    if not can_set_target(user):
        raise PermissionDenied("目標を設定できるのは管理者だけです。")


def require_completeness_reader(user) -> None:
    """提出状況 (every 部署's states) is read by 管理者 and 監査担当; a 担当者 sees their own on the entry pages."""
    require_reader(user, "提出状況は管理者・監査担当だけが閲覧できます。")


def can_see_work_summary(user) -> bool:
    """The landing page's「承認待ち・未提出の部署」is the work of those who approve."""
    return can_review(user)


def require_deadline_change(user) -> None:
    if not can_change_deadline(user):
        raise PermissionDenied("提出期限を変更できるのは管理者だけです。")


def require_budget_execution_view(user) -> None:
    if not can_view_budget_execution(user):
        raise PermissionDenied("予算執行を閲覧する権限がありません。")


def require_export(user) -> None:
    if not can_export_workbook(user):
        raise PermissionDenied("監査用データの出力は監査担当と管理者だけが利用できます。")


# ---------------------------------------------------------------------------------------------------------------
# Navigation


def start_page(user) -> str:
    """The URL name where each role's work starts (the home page redirects there)."""
    if roles.is_manager(user):
        return "dashboard:overview"
    if roles.is_auditor(user):
        return "reports:index"
    if roles.is_staff_member(user):
        return "entry:index"
    return "measures:overview"


def can_sign_in(user) -> bool:
    """Pages every signed-in user opens (the plan, the indicators, the dashboard, the budgets, the entry and
    progress overviews, which show each role its own part)."""
    return bool(getattr(user, "is_authenticated", False))


def can_open_admin(user) -> bool:
    """The admin site (/admin/): the システム管理者 (a superuser with staff access)."""
    return bool(getattr(user, "is_active", False) and user.is_staff and user.is_superuser)


@dataclass(frozen=True)
class MenuItem:
    url_name: str
    label: str
    allowed: Callable[[object], bool]


# The main menu, in display order. Each entry is shown exactly when the rule its page asks is met, so the menu
# never offers a page that answers 403 (reports/views.index calls require_export, i.e. can_export_workbook).
MENU = (
    MenuItem("measures:overview", "計画", can_sign_in),
    MenuItem("indicators:list", "指標一覧", can_sign_in),
    MenuItem("entry:index", "実績入力", can_sign_in),
    MenuItem("evaluation:index", "施策・自己評価", can_sign_in),
    MenuItem("dashboard:overview", "ダッシュボード", can_sign_in),
    MenuItem("budgets:index", "予算", can_sign_in),
    MenuItem("reports:index", "報告書", can_export_workbook),
    MenuItem("admin:index", "管理サイト", can_open_admin),
)


def menu_items(user) -> list[MenuItem]:
    """The menu entries the user may open."""
    return [item for item in MENU if item.allowed(user)]


def navigation_flags(user) -> dict:
    """What the menu and the role badge of every page need."""
    return {
        "is_manager": roles.is_manager(user),
        "is_auditor": roles.is_auditor(user),
        "is_staff_member": roles.is_staff_member(user),
        "role_label": roles.role_label(user),
    }
