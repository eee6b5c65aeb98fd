from django.apps import AppConfig


class BudgetsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "budgets"
    verbose_name = "予算"

    def ready(self):
        # The quarter's 締め lists what this room still has open (smrj_plan.quarter_work).
        from budgets.completeness import execution_open_work
        from smrj_plan import quarter_work

        quarter_work.register(execution_open_work)
