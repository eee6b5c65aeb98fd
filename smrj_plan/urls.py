from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from smrj_plan import views
from smrj_plan.period import register_converters

# <fy:year> and <quarter:quarter>, before the apps' URL modules below are read.
register_converters()

admin.site.site_header = "中小機構 年度計画 管理"
admin.site.site_title = "年度計画 管理"
admin.site.index_title = "マスタ・ユーザー管理"


def _system_administrators_only(request) -> bool:
    """The admin is for システム管理者 (superusers) alone, even if someone ticks is_staff on another account."""
    return request.user.is_active and request.user.is_superuser


admin.site.has_permission = _system_administrators_only

urlpatterns = [
    path("", views.home, name="home"),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", views.PasswordChange.as_view(), name="password_change"),
    path("plan/", include("dashboard.plan_urls")),
    path("indicators/", include("indicators.urls")),
    path("entry/", include("indicators.entry_urls")),
    path("evaluation/", include("evaluation.urls")),
    path("dashboard/", include("dashboard.urls")),
    path("reports/", include("reports.urls")),
    path("budgets/", include("budgets.urls")),
    path("api/", include("api.urls")),
    path("admin/", admin.site.urls),
]
