"""The quarter lock (締め), shared by indicator actuals and budget executions: one row per fiscal year and quarter."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from measures.periods import QUARTER_CHOICES
from smrj_plan.text_limits import limited_text_field


class QuarterLock(models.Model):
    """A closed quarter (締め): nobody but a manager reopening it may change its figures."""

    fiscal_year = models.ForeignKey(
        "measures.FiscalYear", on_delete=models.CASCADE, related_name="quarter_locks", verbose_name="年度"
    )
    quarter = models.PositiveSmallIntegerField("四半期", choices=QUARTER_CHOICES)
    is_locked = models.BooleanField("締め済み", default=True)
    reason = limited_text_field("理由", message_label="締め・締め解除の理由", blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name="操作者"
    )
    changed_at = models.DateTimeField("操作日時", auto_now=True)
    history = HistoricalRecords(
        verbose_name="四半期締めの履歴", table_name="indicators_historicalquarterlock"
    )

    class Meta:
        # The table kept its name when the model moved here from indicators.
        db_table = "indicators_quarterlock"
        ordering = ["fiscal_year", "quarter"]
        verbose_name = verbose_name_plural = "四半期の締め"
        constraints = [
            models.UniqueConstraint(fields=["fiscal_year", "quarter"], name="unique_quarter_lock"),
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4), name="quarter_lock_quarter_range"
            ),
        ]

    def __str__(self):
        return f"{self.fiscal_year.short_label} 第{self.quarter}四半期 {'締め済み' if self.is_locked else '受付中'}"


class DataChange(models.Model):
    """One row per change of a table the figures are read from, written by the database itself (triggers
    installed by `smrj_plan.data_version` after every migrate), whoever changes the data: a service, the admin,
    a queryset update, a management command or SQL typed by hand. Cached reads are keyed by these rows
    (`data_version.current`); nothing in the application writes them."""

    id = models.BigAutoField(primary_key=True)
    table_name = models.CharField("表", max_length=63, default="")

    class Meta:
        verbose_name = verbose_name_plural = "データ変更の記録"
        # The version is counted per table (`data_version.current`): read from this index alone.
        indexes = [models.Index(fields=["table_name", "id"], name="datachange_table_id")]

    def __str__(self):
        return f"変更 {self.pk}"


class DataEpoch(models.Model):
    """A random token made once per database (after migrate): part of the data version, so a cache never takes
    a fresh or restored database for the one it cached figures of, even where their change counts match."""

    token = models.CharField("識別子", max_length=32, unique=True)

    class Meta:
        verbose_name = verbose_name_plural = "データベースの識別子"

    def __str__(self):
        return self.token


class QuarterDeadline(models.Model):
    """A quarter's 提出期限 set by a 管理者 (docs/domain.md「1年の流れ」). Without a row the deadline is the
    quarter's end plus `settings.SUBMISSION_DEADLINE_DAYS`; `smrj_plan.deadlines` decides which applies."""

    fiscal_year = models.ForeignKey(
        "measures.FiscalYear", on_delete=models.CASCADE, related_name="quarter_deadlines", verbose_name="年度"
    )
    quarter = models.PositiveSmallIntegerField("四半期", choices=QUARTER_CHOICES)
    due_date = models.DateField("提出期限")
    reason = limited_text_field("理由", message_label="提出期限の変更理由")
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name="変更者"
    )
    updated_at = models.DateTimeField("変更日時", auto_now=True)
    history = HistoricalRecords(verbose_name="提出期限の変更履歴")

    class Meta:
        ordering = ["fiscal_year", "quarter"]
        verbose_name = verbose_name_plural = "提出期限"
        constraints = [
            models.UniqueConstraint(fields=["fiscal_year", "quarter"], name="unique_quarter_deadline"),
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4), name="quarter_deadline_quarter_range"
            ),
        ]

    def __str__(self):
        return f"{self.fiscal_year.short_label} 第{self.quarter}四半期 提出期限 {self.due_date:%Y-%m-%d}"


class ReminderLog(models.Model):
    """One 督促メール sent: a second `send_reminders` run on the same day writes to nobody already written to."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name="宛先"
    )
    sent_on = models.DateField("送信日（日本時間）")
    fiscal_year = models.ForeignKey(
        "measures.FiscalYear", on_delete=models.CASCADE, related_name="+", verbose_name="年度"
    )
    quarter = models.PositiveSmallIntegerField("四半期", choices=QUARTER_CHOICES)
    item_count = models.PositiveIntegerField("知らせた件数", default=0)
    sent_at = models.DateTimeField("送信日時", auto_now_add=True)

    class Meta:
        ordering = ["-sent_on", "user"]
        verbose_name = verbose_name_plural = "督促メールの送信記録"
        constraints = [
            models.UniqueConstraint(
                fields=["user", "sent_on", "fiscal_year", "quarter"], name="unique_reminder_per_day"
            ),
        ]

    def __str__(self):
        return f"{self.user} {self.sent_on:%Y-%m-%d} {self.fiscal_year.short_label} 第{self.quarter}四半期"
