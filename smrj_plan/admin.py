"""Admin base for the records that only the workflow may change (actuals, executed amounts, final ratings, locks).

An edit in the admin would skip everything the workflow guarantees: approval by a second person, the quarter
lock, the version check and a reason in the history. The システム管理者 may look (list, detail, history) but
not add, change, delete or revert; changes go through the pages and services, which record them."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin

from smrj_plan import models


class WorkflowRecordAdmin(SimpleHistoryAdmin):
    """Read-only admin with the change history viewable."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple_history saves a POST to this page (a "revert") after checking only the view permission.
        if request.method != "GET":
            raise PermissionDenied("この記録は管理サイトでは変更できません（画面の操作で変更してください）。")
        return super().history_form_view(request, object_id, version_id, extra_context)


@admin.register(models.QuarterLock)
class QuarterLockAdmin(WorkflowRecordAdmin):
    list_display = ["fiscal_year", "quarter", "is_locked", "changed_by", "changed_at"]
