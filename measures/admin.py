from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from measures import models


@admin.register(models.FiscalYear)
class FiscalYearAdmin(admin.ModelAdmin):
    list_display = ["year", "label"]


@admin.register(models.Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["order", "code", "name"]
    list_display_links = ["code", "name"]
    search_fields = ["code", "name"]


@admin.register(models.StaffProfile)
class StaffProfileAdmin(admin.ModelAdmin):
    list_display = ["user", "department"]
    list_filter = ["department"]
    search_fields = ["user__username"]


class RevisionInline(admin.TabularInline):
    model = models.PlanRevision
    extra = 0


@admin.register(models.PlanDocument)
class PlanDocumentAdmin(admin.ModelAdmin):
    list_display = ["title", "organization", "fiscal_year"]
    inlines = [RevisionInline]


@admin.register(models.Chapter)
class ChapterAdmin(admin.ModelAdmin):
    list_display = ["numeral", "title", "plan"]
    list_filter = ["plan"]


@admin.register(models.Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["chapter", "number", "title"]
    list_filter = ["chapter"]


@admin.register(models.Heading)
class HeadingAdmin(admin.ModelAdmin):
    list_display = ["section", "order", "label", "title", "parent"]
    list_filter = ["section__chapter", "section"]
    list_select_related = ["section__chapter", "parent"]
    search_fields = ["title"]


@admin.register(models.Measure)
class MeasureAdmin(SimpleHistoryAdmin):
    list_display = [
        "order",
        "chapter",
        "section",
        "heading",
        "text",
        "department",
        "is_sub_item",
        "source_line",
    ]
    list_filter = ["chapter", "section", "department", "is_sub_item"]
    search_fields = ["text"]
    list_select_related = ["chapter", "section__chapter", "heading", "department"]
    readonly_fields = ["department_is_default"]

    def save_model(self, request, obj, form, change):
        # A 部署 chosen here is a decision like a 管理者's on the measure list: load_plan keeps it from then on.
        if "department" in form.changed_data:
            obj.department_is_default = False
            obj._change_reason = "管理サイトで担当部署を変更"
        super().save_model(request, obj, form, change)
