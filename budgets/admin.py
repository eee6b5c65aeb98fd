from django.contrib import admin

from budgets import models
from smrj_plan.admin import WorkflowRecordAdmin


@admin.register(models.Account)
class AccountAdmin(admin.ModelAdmin):
    list_display = ["order", "code", "name"]


class ColumnInline(admin.TabularInline):
    model = models.BudgetColumn
    extra = 0


@admin.register(models.BudgetTable)
class BudgetTableAdmin(admin.ModelAdmin):
    list_display = ["fiscal_year", "kind", "account", "unit"]
    list_filter = ["fiscal_year", "kind", "account"]
    inlines = [ColumnInline]


@admin.register(models.BudgetRow)
class BudgetRowAdmin(admin.ModelAdmin):
    list_display = ["table", "order", "label", "role", "level"]
    list_filter = ["table__kind", "table__account", "role"]


@admin.register(models.BudgetCell)
class BudgetCellAdmin(admin.ModelAdmin):
    list_display = ["row", "column", "amount"]
    list_filter = ["row__table__kind", "row__table__account"]
    list_select_related = ["row", "column"]


@admin.register(models.BudgetExecution)
class BudgetExecutionAdmin(WorkflowRecordAdmin):
    list_display = ["row", "column", "quarter", "amount", "state", "version"]
    list_filter = ["quarter", "state", "row__table__account"]
    list_select_related = ["row", "column"]
