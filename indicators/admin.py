from django.contrib import admin

from indicators import models
from smrj_plan.admin import WorkflowRecordAdmin


@admin.register(models.Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "category", "kind", "target", "unit", "comparison", "department"]
    list_filter = ["category", "kind", "section", "department"]
    search_fields = ["code", "name", "text"]
    filter_horizontal = ["measures"]
    list_select_related = ["department"]


@admin.register(models.Actual)
class ActualAdmin(WorkflowRecordAdmin):
    list_display = [
        "indicator",
        "fiscal_year",
        "quarter",
        "value",
        "numerator",
        "denominator",
        "state",
        "version",
    ]
    list_filter = ["fiscal_year", "quarter", "state", "indicator__department"]
    list_select_related = ["indicator", "fiscal_year"]


@admin.register(models.FinalRating)
class FinalRatingAdmin(WorkflowRecordAdmin):
    list_display = ["indicator", "fiscal_year", "grade", "set_by", "set_at"]
