"""Indicators (○指標 and 参考指標) with their published targets, the quarterly actuals entered against them
and the managers' final ratings."""

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from measures.models import Department, FiscalYear, Measure, PlanDocument, PlanRevision, Section
from measures.periods import QUARTER_CHOICES
from smrj_plan.text_limits import PLAN_TEXT_MAX_LENGTH, limited_text_field
from smrj_plan.workflow import ReviewedEntry


class Indicator(models.Model):
    class Category(models.TextChoices):
        MAIN = "main", "指標"
        REFERENCE = "reference", "参考指標"

    class Kind(models.TextChoices):
        COUNT = "count", "件数等（四半期合計）"
        RATIO = "ratio", "割合（分子／分母）"
        BENCHMARK = "benchmark", "基準比（実態調査比）"
        EXACT = "exact", "目標値（以上なし）"
        MILESTONE = "milestone", "取組の達成状況"
        COUNT_NO_TARGET = "count_no_target", "実績（目標値なし）"
        BASELINE = "baseline", "基準値との比較"

    class Comparison(models.TextChoices):
        AT_LEAST = "gte", "以上"
        AT_MOST = "lte", "以下"
        EXACT = "eq", "目標値"
        NONE = "none", "—"

    class Direction(models.TextChoices):
        HIGHER = "higher", "高いほど良い"
        LOWER = "lower", "低いほど良い"

    class Frequency(models.TextChoices):
        QUARTERLY = "quarterly", "四半期ごと"
        ANNUAL = "annual", "年度末に一括"

    plan = models.ForeignKey(
        PlanDocument, on_delete=models.CASCADE, related_name="indicators", verbose_name="計画"
    )
    code = models.CharField("指標番号", max_length=20, help_text="例: 1-1, 3-1-1（副目標）, R2-1（参考指標）")
    order = models.PositiveSmallIntegerField("表示順")
    section = models.ForeignKey(
        Section, on_delete=models.PROTECT, related_name="indicators", verbose_name="柱・項目"
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="sub_targets",
        verbose_name="親指標",
    )
    category = models.CharField("区分", max_length=10, choices=Category.choices, default=Category.MAIN)
    kind = models.CharField("種類", max_length=20, choices=Kind.choices)
    name = models.CharField("指標名", max_length=300)
    text = limited_text_field("計画の記載（原文）", limit=PLAN_TEXT_MAX_LENGTH)
    target = models.DecimalField("目標値", max_digits=14, decimal_places=2, null=True, blank=True)
    target_text = models.CharField(
        "目標の表記", max_length=100, blank=True, help_text="計画の表記のまま（例: １，０００社以上）"
    )
    unit = models.CharField("単位", max_length=10, blank=True)
    comparison = models.CharField(
        "比較", max_length=5, choices=Comparison.choices, default=Comparison.AT_LEAST
    )
    direction = models.CharField("方向", max_length=10, choices=Direction.choices, default=Direction.HIGHER)
    benchmark_multiplier = models.DecimalField(
        "基準比の倍率",
        max_digits=6,
        decimal_places=3,
        null=True,
        blank=True,
        help_text="「２割以上、上回る」なら1.2",
    )
    is_effort_target = models.BooleanField("努力目標", default=False)
    frequency = models.CharField(
        "入力頻度", max_length=10, choices=Frequency.choices, default=Frequency.QUARTERLY
    )
    department = models.ForeignKey(
        Department, on_delete=models.PROTECT, related_name="indicators", verbose_name="担当部署"
    )
    measures = models.ManyToManyField(
        Measure, blank=True, related_name="indicators", verbose_name="関連する施策"
    )
    note = limited_text_field("注記", limit=PLAN_TEXT_MAX_LENGTH, blank=True)
    # Set when the loader could not read the target from the text (or a new year was opened without one):
    # the row is stored as read and waits for a 管理者 to confirm it on /indicators/targets/.
    needs_review = models.BooleanField("要確認", default=False)
    review_note = limited_text_field("確認すること", limit=PLAN_TEXT_MAX_LENGTH, blank=True)

    class Meta:
        ordering = ["plan", "order"]
        verbose_name = verbose_name_plural = "指標"
        constraints = [
            models.UniqueConstraint(fields=["plan", "code"], name="unique_indicator_code"),
            models.CheckConstraint(
                condition=Q(target__isnull=True) | Q(target__gte=0), name="indicator_target_non_negative"
            ),
        ]

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def has_numeric_target(self) -> bool:
        return self.target is not None

    @property
    def is_ratio(self) -> bool:
        return self.kind == self.Kind.RATIO

    @property
    def multiplier(self) -> Decimal:
        return self.benchmark_multiplier or Decimal("1")


class TargetRevision(models.Model):
    """A target as it applied from a date: as adopted (策定), as revised (変更), or as set by a 管理者.

    A new row is written whenever an indicator's target changes, so the indicator page can say which target
    applied when, and actuals entered before a revision are read against the target they were entered for."""

    class Source(models.TextChoices):
        ADOPTED = "adopted", "計画（策定）"
        AMENDED = "amended", "計画の変更"
        MANAGER = "manager", "管理者が設定"
        OPENED = "opened", "前年度から複製（目標は未設定）"

    indicator = models.ForeignKey(
        Indicator, on_delete=models.CASCADE, related_name="target_revisions", verbose_name="指標"
    )
    effective_date = models.DateField("適用日")
    source = models.CharField("根拠", max_length=10, choices=Source.choices)
    plan_revision = models.ForeignKey(
        PlanRevision,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="target_revisions",
        verbose_name="計画の策定・変更",
    )
    kind = models.CharField("種類", max_length=20, choices=Indicator.Kind.choices)
    target = models.DecimalField("目標値", max_digits=14, decimal_places=2, null=True, blank=True)
    target_text = models.CharField("目標の表記", max_length=100, blank=True)
    unit = models.CharField("単位", max_length=10, blank=True)
    comparison = models.CharField("比較", max_length=5, choices=Indicator.Comparison.choices)
    benchmark_multiplier = models.DecimalField(
        "基準比の倍率", max_digits=6, decimal_places=3, null=True, blank=True
    )
    reason = limited_text_field("理由", blank=True)
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="設定者",
    )
    created_at = models.DateTimeField("記録日時", auto_now_add=True)

    # The fields copied from Indicator: a change in any of them is a new revision of the target.
    TRACKED = ("kind", "target", "target_text", "unit", "comparison", "benchmark_multiplier")

    class Meta:
        ordering = ["indicator", "effective_date", "pk"]
        verbose_name = verbose_name_plural = "目標の変遷"

    def __str__(self):
        return f"{self.indicator.code} {self.effective_date}: {self.target_text or '—'}"


# An actual's figures (what the progress arithmetic reads), in the order pages, templates and the history list them.
FIGURE_FIELDS = (
    "value",
    "numerator",
    "denominator",
    "growth_rate",
    "benchmark_rate",
    "manual_judgement",
    "milestone_status",
)


class Actual(ReviewedEntry):
    """One quarter's figure for one indicator. Annual-only indicators are entered at 第4四半期."""

    class MilestoneStatus(models.TextChoices):
        NOT_STARTED = "not_started", "未着手"
        IN_PROGRESS = "in_progress", "実施中"
        DONE = "done", "完了"

    class Judgement(models.TextChoices):
        ACHIEVED = "achieved", "達成"
        NOT_ACHIEVED = "not_achieved", "未達成"

    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="actuals", verbose_name="指標"
    )
    fiscal_year = models.ForeignKey(
        FiscalYear, on_delete=models.PROTECT, related_name="actuals", verbose_name="年度"
    )
    quarter = models.PositiveSmallIntegerField("四半期", choices=QUARTER_CHOICES)
    value = models.DecimalField("実績値", max_digits=14, decimal_places=2, null=True, blank=True)
    numerator = models.DecimalField("分子", max_digits=14, decimal_places=2, null=True, blank=True)
    denominator = models.DecimalField("分母", max_digits=14, decimal_places=2, null=True, blank=True)
    growth_rate = models.DecimalField(
        "支援先の伸び率（%）", max_digits=9, decimal_places=2, null=True, blank=True
    )
    benchmark_rate = models.DecimalField(
        "実態調査の伸び率（%）", max_digits=9, decimal_places=2, null=True, blank=True
    )
    milestone_status = models.CharField("進捗", max_length=20, choices=MilestoneStatus.choices, blank=True)
    manual_judgement = models.CharField(
        "判定（判定不能時）",
        max_length=20,
        choices=Judgement.choices,
        blank=True,
        help_text="実態調査の伸び率が0以下で基準比が計算できないときの手動判定",
    )
    evidence = limited_text_field("根拠資料（メモ・リンク）", message_label="根拠資料", blank=True)
    as_of = models.DateField(
        "基準日", null=True, blank=True, help_text="実績を集計した日または根拠資料の日付（年度内）"
    )
    history = HistoricalRecords(verbose_name="実績の変更履歴")

    class Meta:
        ordering = ["indicator__order", "fiscal_year__year", "quarter"]
        verbose_name = verbose_name_plural = "四半期実績"
        # The default as-of quarter of every page is the year's last approved quarter: read from this index alone.
        indexes = [models.Index(fields=["fiscal_year", "state", "quarter"], name="actual_year_state_quarter")]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "fiscal_year", "quarter"], name="unique_actual_per_quarter"
            ),
            models.CheckConstraint(condition=Q(quarter__gte=1, quarter__lte=4), name="actual_quarter_range"),
            models.CheckConstraint(
                condition=Q(value__isnull=True) | Q(value__gte=0), name="actual_value_non_negative"
            ),
            models.CheckConstraint(
                condition=Q(numerator__isnull=True) | Q(numerator__gte=0),
                name="actual_numerator_non_negative",
            ),
            models.CheckConstraint(
                condition=Q(denominator__isnull=True) | Q(denominator__gte=0),
                name="actual_denominator_non_negative",
            ),
            models.CheckConstraint(
                condition=Q(numerator__isnull=True)
                | Q(denominator__isnull=True)
                | Q(numerator__lte=models.F("denominator")),
                name="actual_numerator_le_denominator",
            ),
        ]

    def __str__(self):
        return f"{self.indicator.code} {self.fiscal_year.year} Q{self.quarter}"

    def workflow_item(self):
        from indicators.owed import workflow_item

        return workflow_item(self)


class FinalRating(models.Model):
    """The manager's final 評定 for an indicator and year, kept beside the computed 評定の目安."""

    class Grade(models.TextChoices):
        S = "S", "S"
        A = "A", "A"
        B = "B", "B"
        C = "C", "C"
        D = "D", "D"

    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, related_name="final_ratings", verbose_name="指標"
    )
    fiscal_year = models.ForeignKey(
        FiscalYear, on_delete=models.PROTECT, related_name="final_ratings", verbose_name="年度"
    )
    grade = models.CharField("評定", max_length=1, choices=Grade.choices)
    reason = limited_text_field("理由", message_label="評定の理由")
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="設定者"
    )
    set_at = models.DateTimeField("設定日時", auto_now=True)
    history = HistoricalRecords(verbose_name="評定の変更履歴")

    class Meta:
        verbose_name = verbose_name_plural = "評定"
        constraints = [
            models.UniqueConstraint(fields=["indicator", "fiscal_year"], name="unique_final_rating")
        ]

    def __str__(self):
        return f"{self.indicator.code} {self.fiscal_year.year}: {self.grade}"
