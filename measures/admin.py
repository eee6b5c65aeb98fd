from django.contrib import admin

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
class MeasureAdmin(admin.ModelAdmin):
    list_display = ["order", "chapter", "section", "heading", "text", "is_sub_item", "source_line"]
    list_filter = ["chapter", "section", "is_sub_item"]
    search_fields = ["text"]
    list_select_related = ["chapter", "section__chapter", "heading"]
