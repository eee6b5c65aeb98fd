from django.apps import AppConfig


class EvaluationConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "evaluation"
    verbose_name = "施策の取組状況・自己評価"

    def ready(self):
        # The quarter's 締め lists what this room still has open (smrj_plan.quarter_work).
        from evaluation.selectors import progress_open_work
        from smrj_plan import quarter_work

        quarter_work.register(progress_open_work)
