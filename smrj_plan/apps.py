from django.apps import AppConfig


class SmrjPlanConfig(AppConfig):
    """The project package is also an app: it holds what every room shares (the workflow's quarter lock,
    permissions, formatting, periods) and the plan-wide management commands."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "smrj_plan"
    verbose_name = "ワークフロー"
