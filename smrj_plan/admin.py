from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from smrj_plan import models


@admin.register(models.QuarterLock)
class QuarterLockAdmin(SimpleHistoryAdmin):
    list_display = ["fiscal_year", "quarter", "is_locked", "changed_by", "changed_at"]
