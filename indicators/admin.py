from django.contrib import admin

from indicators import models
from indicators.target_services import target_change_record
from smrj_plan.admin import WorkflowRecordAdmin


@admin.register(models.Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "category",
        "kind",
        "target",
        "unit",
        "comparison",
        "department",
        "needs_review",
    ]
    list_filter = ["needs_review", "plan__fiscal_year", "category", "kind", "section", "department"]
    search_fields = ["code", "name", "text"]
    filter_horizontal = ["measures"]
    list_select_related = ["department"]

    def save_model(self, request, obj, form, change):
        # A target changed here is kept in the target history like one set on /indicators/targets/.
        super().save_model(request, obj, form, change)
        target_change_record(indicator=obj, user=request.user, reason="管理サイトで変更")


@admin.register(models.TargetRevision)
class TargetRevisionAdmin(admin.ModelAdmin):
    """The target history is a record: read here, written by the loaders and the 目標の設定 page."""

    list_display = ["indicator", "effective_date", "source", "target_text", "target", "set_by"]
    list_filter = ["source", "indicator__plan__fiscal_year"]
    list_select_related = ["indicator", "set_by"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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
