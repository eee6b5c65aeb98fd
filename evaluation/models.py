"""A measure's quarterly 取組状況 and the year-end 自己評価 of each 評価項目, both through the review workflow.

MeasureProgress is to a measure what an Actual is to an indicator: one row per measure, year and quarter, entered
by the measure's 担当部署 and approved by a 管理者. SelfEvaluation is one row per 評価項目 (a pillar of chapter I,
or one of chapters II–X) and year, written by a 管理者 and approved by another.
"""

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from indicators.models import FinalRating
from measures.models import Chapter, FiscalYear, Measure, Section
from measures.periods import QUARTER_CHOICES
from smrj_plan.text_limits import limited_text_field
from smrj_plan.workflow import ReviewedEntry

# The 自己評価 of a 評価項目 runs to a few pages in the agency's documents; 6,000 characters is about three A4
# pages of Japanese in the generated .docx, far below anything a cell or a page cannot hold.
ASSESSMENT_MAX_LENGTH = 6_000


class MeasureStatus(models.TextChoices):
    ON_SCHEDULE = "on_schedule", "予定どおり"
    AHEAD = "ahead", "前倒し"
    DELAYED = "delayed", "遅れ"
    NOT_STARTED = "not_started", "未着手"
    DONE = "done", "完了"


class MeasureProgress(ReviewedEntry):
    """One quarter's 取組状況 of one measure: a status, what was done (narrative) and where it is recorded."""

    measure = models.ForeignKey(
        Measure, on_delete=models.PROTECT, related_name="progress_entries", verbose_name="施策"
    )
    fiscal_year = models.ForeignKey(
        FiscalYear, on_delete=models.PROTECT, related_name="measure_progress", verbose_name="年度"
    )
    quarter = models.PositiveSmallIntegerField("四半期", choices=QUARTER_CHOICES)
    status = models.CharField("状況", max_length=20, choices=MeasureStatus.choices, blank=True)
    narrative = limited_text_field("取組状況", blank=True)
    evidence = limited_text_field("根拠資料（メモ・リンク）", message_label="根拠資料", blank=True)
    history = HistoricalRecords(verbose_name="取組状況の変更履歴")

    class Meta:
        ordering = ["measure__order", "fiscal_year__year", "quarter"]
        verbose_name = verbose_name_plural = "施策の取組状況"
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "fiscal_year", "quarter"], name="unique_measure_progress_per_quarter"
            ),
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4), name="measure_progress_quarter_range"
            ),
        ]

    def __str__(self):
        return f"施策{self.measure.order} {self.fiscal_year.year} Q{self.quarter}"

    def workflow_item(self):
        """The entry as the owed list and the workflow's notices name it (提出 → 管理者, 差戻し・承認 → 提出者)."""
        from evaluation.owed import workflow_item

        return workflow_item(self)


class SelfEvaluation(ReviewedEntry):
    """The year-end 自己評価 of one 評価項目: the text, the 評定 (S–D) and the reasons for it.

    A pillar of chapter I has `section` set; chapters II–X are evaluated whole and leave it empty."""

    fiscal_year = models.ForeignKey(
        FiscalYear, on_delete=models.PROTECT, related_name="self_evaluations", verbose_name="年度"
    )
    chapter = models.ForeignKey(
        Chapter, on_delete=models.PROTECT, related_name="self_evaluations", verbose_name="章"
    )
    section = models.ForeignKey(
        Section,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="self_evaluations",
        verbose_name="柱",
    )
    assessment = limited_text_field("自己評価", limit=ASSESSMENT_MAX_LENGTH, blank=True)
    grade = models.CharField("評定", max_length=1, choices=FinalRating.Grade.choices, blank=True)
    grade_reason = limited_text_field("評定の理由", blank=True)
    history = HistoricalRecords(verbose_name="自己評価の変更履歴")

    class Meta:
        ordering = ["fiscal_year__year", "chapter__number", "section__number"]
        verbose_name = verbose_name_plural = "自己評価"
        constraints = [
            models.UniqueConstraint(
                fields=["fiscal_year", "section"],
                condition=Q(section__isnull=False),
                name="unique_self_evaluation_per_pillar",
            ),
            models.UniqueConstraint(
                fields=["fiscal_year", "chapter"],
                condition=Q(section__isnull=True),
                name="unique_self_evaluation_per_chapter",
            ),
        ]

    def __str__(self):
        target = self.section or self.chapter
        return f"{self.fiscal_year.year} {target} 自己評価"
