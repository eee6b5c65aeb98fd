from django.contrib import admin

from evaluation import models
from smrj_plan.admin import WorkflowRecordAdmin


@admin.register(models.MeasureProgress)
class MeasureProgressAdmin(WorkflowRecordAdmin):
    list_display = ["measure", "fiscal_year", "quarter", "status", "state", "version"]
    list_filter = ["fiscal_year", "quarter", "state", "status", "measure__department"]
    list_select_related = ["measure", "fiscal_year"]


@admin.register(models.SelfEvaluation)
class SelfEvaluationAdmin(WorkflowRecordAdmin):
    list_display = ["fiscal_year", "chapter", "section", "grade", "state", "version"]
    list_filter = ["fiscal_year", "state", "grade"]
    list_select_related = ["fiscal_year", "chapter", "section"]
