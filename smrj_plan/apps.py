from django.apps import AppConfig


class SmrjPlanConfig(AppConfig):
    """The project package is also an app: it holds what every room shares (the workflow's quarter lock,
    permissions, formatting, periods) and the plan-wide management commands."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "smrj_plan"
    verbose_name = "ワークフロー"

    def ready(self):
        # 提出・差戻し・承認 notify the other side by mail (README「提出期限と督促メール」).
        from smrj_plan import mail

        mail.connect()
