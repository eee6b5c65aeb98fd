from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _install_data_version_triggers(sender, using, **kwargs):
    from smrj_plan import data_version

    data_version.install_triggers(using)


class SmrjPlanConfig(AppConfig):
    """The project package is also an app: it holds what every room shares (the workflow's quarter lock,
    permissions, formatting, periods, the data version) and the plan-wide management commands."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "smrj_plan"
    verbose_name = "ワークフロー"

    def ready(self):
        # After every migrate (and test database set-up): each watched table, new ones included, gets its trigger.
        post_migrate.connect(_install_data_version_triggers, sender=self, dispatch_uid="smrj_data_version")
        # 提出・差戻し・承認 notify the other side by mail (README「提出期限と督促メール」).
        from smrj_plan import mail

        mail.connect()
