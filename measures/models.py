"""The plan's structure: fiscal year, plan document and revisions, chapters, sections (the five pillars in
chapter I), headings and measures (each 「・」 bullet), plus the departments that own the work."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

from measures import periods
from smrj_plan.text_limits import PLAN_TEXT_MAX_LENGTH, limited_text_field


class FiscalYear(models.Model):
    year = models.PositiveSmallIntegerField("年度（西暦）", unique=True, help_text="令和6年度なら2024")

    class Meta:
        ordering = ["year"]
        verbose_name = verbose_name_plural = "年度"

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        return periods.fiscal_year_label(self.year)

    @property
    def short_label(self) -> str:
        return periods.fiscal_year_short(self.year)

    @property
    def start_date(self):
        return periods.fiscal_year_start(self.year)

    @property
    def end_date(self):
        return periods.fiscal_year_end(self.year)


class Department(models.Model):
    code = models.SlugField("部署コード", max_length=40, unique=True)
    name = models.CharField("部署名", max_length=100, unique=True)
    order = models.PositiveSmallIntegerField("表示順", default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = verbose_name_plural = "部署"

    def __str__(self):
        return self.name


class StaffProfile(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="staff_profile",
        verbose_name="ユーザー",
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
        verbose_name="部署",
    )

    class Meta:
        verbose_name = verbose_name_plural = "職員プロフィール"

    def __str__(self):
        return f"{self.user} ({self.department or '部署なし'})"


class PlanDocument(models.Model):
    fiscal_year = models.OneToOneField(
        FiscalYear, on_delete=models.PROTECT, related_name="plan", verbose_name="年度"
    )
    title = models.CharField("計画名", max_length=100)
    organization = models.CharField("法人名", max_length=100)
    preamble = limited_text_field("前文", limit=PLAN_TEXT_MAX_LENGTH, blank=True)

    class Meta:
        ordering = ["fiscal_year__year"]
        verbose_name = verbose_name_plural = "年度計画"

    def __str__(self):
        return f"{self.organization} {self.title}"


class PlanRevision(models.Model):
    class Kind(models.TextChoices):
        ADOPTED = "adopted", "策定"
        AMENDED = "amended", "変更"

    plan = models.ForeignKey(
        PlanDocument, on_delete=models.CASCADE, related_name="revisions", verbose_name="計画"
    )
    kind = models.CharField("区分", max_length=10, choices=Kind.choices)
    date = models.DateField("日付")
    note = limited_text_field("改訂の説明", blank=True)
    # What this revision changed against the plan as it stood before: targets, indicators, measures, headings
    # and budget cells, each with the old and the new value (measures.revisions builds it). Empty for 策定.
    changes = models.JSONField("変更点", default=dict, blank=True)
    source_name = models.CharField("読み込んだ本文", max_length=200, blank=True)
    loaded_at = models.DateTimeField("読み込み日時", null=True, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = verbose_name_plural = "策定・変更"
        constraints = [models.UniqueConstraint(fields=["plan", "kind", "date"], name="unique_plan_revision")]

    def __str__(self):
        return f"{periods.wareki_date(self.date)}{self.get_kind_display()}"


class Chapter(models.Model):
    plan = models.ForeignKey(
        PlanDocument, on_delete=models.CASCADE, related_name="chapters", verbose_name="計画"
    )
    number = models.PositiveSmallIntegerField("章番号")
    numeral = models.CharField("章記号", max_length=5, help_text="I, II, … X")
    title = limited_text_field("章題", limit=PLAN_TEXT_MAX_LENGTH)
    intro = limited_text_field("本文（箇条書き以外）", limit=PLAN_TEXT_MAX_LENGTH, blank=True)

    class Meta:
        ordering = ["plan", "number"]
        verbose_name = verbose_name_plural = "章"
        constraints = [models.UniqueConstraint(fields=["plan", "number"], name="unique_chapter_number")]

    def __str__(self):
        return f"{self.numeral}. {self.title}"


class Section(models.Model):
    """A numbered item 「1.」 of a chapter. In chapter I these are the five pillars (柱)."""

    chapter = models.ForeignKey(Chapter, on_delete=models.CASCADE, related_name="sections", verbose_name="章")
    number = models.PositiveSmallIntegerField("番号")
    title = models.CharField("項目名", max_length=200)
    intro = limited_text_field("本文（箇条書き以外）", limit=PLAN_TEXT_MAX_LENGTH, blank=True)

    class Meta:
        ordering = ["chapter__number", "number"]
        verbose_name = verbose_name_plural = "柱・項目"
        constraints = [models.UniqueConstraint(fields=["chapter", "number"], name="unique_section_number")]

    def __str__(self):
        return (
            f"{self.chapter.numeral}-{self.number}. {self.title}" if not self.is_pillar else self.pillar_label
        )

    @property
    def is_pillar(self) -> bool:
        return self.chapter.number == 1

    @property
    def pillar_label(self) -> str:
        return f"柱{self.number} {self.title}"


class Heading(models.Model):
    """（１）, (1) and ① headings under a section; ① headings sit under a （１） heading."""

    section = models.ForeignKey(
        Section, on_delete=models.CASCADE, related_name="headings", verbose_name="柱・項目"
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name="上位見出し",
    )
    order = models.PositiveSmallIntegerField("順序")
    label = models.CharField("見出し記号", max_length=10, help_text="（１）、①など、計画の表記のまま")
    title = models.CharField("見出し", max_length=200)
    intro = limited_text_field("本文（箇条書き以外）", limit=PLAN_TEXT_MAX_LENGTH, blank=True)

    class Meta:
        ordering = ["section", "order"]
        verbose_name = verbose_name_plural = "見出し"
        constraints = [models.UniqueConstraint(fields=["section", "order"], name="unique_heading_order")]

    def __str__(self):
        return f"{self.label} {self.title}"

    @property
    def level(self) -> int:
        return 2 if self.parent_id else 1


class Measure(models.Model):
    """One 「・」 bullet of the plan, its wrapped source lines joined back into one text."""

    plan = models.ForeignKey(
        PlanDocument, on_delete=models.CASCADE, related_name="measures", verbose_name="計画"
    )
    chapter = models.ForeignKey(Chapter, on_delete=models.CASCADE, related_name="measures", verbose_name="章")
    section = models.ForeignKey(
        Section,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="measures",
        verbose_name="柱・項目",
    )
    heading = models.ForeignKey(
        Heading,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="measures",
        verbose_name="見出し",
    )
    order = models.PositiveIntegerField("計画内の順序")
    text = limited_text_field("本文", limit=PLAN_TEXT_MAX_LENGTH)
    is_sub_item = models.BooleanField("下位の箇条", default=False)
    source_line = models.PositiveIntegerField("原文の行", null=True, blank=True)
    # Who reports the measure's quarterly 取組状況. load_plan sets it from the measure's pillar, heading or
    # chapter (fixtures/plan_r6/measure_departments.json) until a 管理者 changes it; from then on
    # `department_is_default` is False and load_plan keeps the 管理者's choice.
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="measures",
        verbose_name="担当部署",
    )
    department_is_default = models.BooleanField(
        "担当部署は既定のまま",
        default=True,
        help_text="管理者が変更すると外れ、計画の読み込みで上書きされません",
    )
    history = HistoricalRecords(verbose_name="施策の変更履歴")

    class Meta:
        ordering = ["plan", "order"]
        verbose_name = verbose_name_plural = "施策"
        constraints = [models.UniqueConstraint(fields=["plan", "order"], name="unique_measure_order")]

    def __str__(self):
        return self.text[:40]
