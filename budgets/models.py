"""The budget tables of chapter IV (予算計画 別紙1, 収支計画 別紙2, 資金計画 別紙3) for each 勘定, stored cell for
cell as published, and the executed amounts (執行額) entered per quarter against the 予算計画 lines."""

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from measures.models import Department, FiscalYear
from measures.periods import QUARTER_CHOICES
from smrj_plan.workflow import ReviewedEntry


class Account(models.Model):
    """勘定: 一般勘定, 産業基盤整備勘定, … 出資承継勘定."""

    code = models.SlugField("勘定コード", max_length=40, unique=True)
    name = models.CharField("勘定名", max_length=50, unique=True)
    order = models.PositiveSmallIntegerField("表示順")

    class Meta:
        ordering = ["order"]
        verbose_name = verbose_name_plural = "勘定"

    def __str__(self):
        return self.name


class BudgetTable(models.Model):
    class Kind(models.TextChoices):
        BUDGET = "budget", "予算計画"
        INCOME = "income", "収支計画"
        CASHFLOW = "cashflow", "資金計画"

    ATTACHMENT = {"budget": "別紙1", "income": "別紙2", "cashflow": "別紙3"}

    fiscal_year = models.ForeignKey(
        FiscalYear, on_delete=models.PROTECT, related_name="budget_tables", verbose_name="年度"
    )
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="tables", verbose_name="勘定")
    kind = models.CharField("計画の種類", max_length=10, choices=Kind.choices)
    unit = models.CharField("単位", max_length=10, default="百万円")
    note = models.CharField("注記", max_length=200, blank=True)
    # The published column header (区 別 | 金 額 → 業務 → (経理)) as rows of {"text", "colspan", "rowspan"}.
    header = models.JSONField("列見出し（公表の配置）", default=list, blank=True)
    source_line = models.PositiveIntegerField("計画本文の行番号", null=True, blank=True)

    class Meta:
        ordering = ["fiscal_year", "kind", "account__order"]
        verbose_name = verbose_name_plural = "予算表"
        constraints = [
            models.UniqueConstraint(fields=["fiscal_year", "account", "kind"], name="unique_budget_table")
        ]

    def __str__(self):
        return f"{self.fiscal_year.short_label} {self.get_kind_display()} {self.account.name}"

    @property
    def attachment(self) -> str:
        return self.ATTACHMENT[self.kind]


class BudgetColumn(models.Model):
    """One amount column: a 経理 of a 業務 segment, a segment's 合計, or the table's 合計."""

    class Role(models.TextChoices):
        LEDGER = "ledger", "経理"
        SEGMENT = "segment", "業務（経理の区分なし）"
        SEGMENT_TOTAL = "segment_total", "業務の合計"
        GRAND_TOTAL = "grand_total", "合計"

    table = models.ForeignKey(
        BudgetTable, on_delete=models.CASCADE, related_name="columns", verbose_name="予算表"
    )
    order = models.PositiveSmallIntegerField("列順")
    segment = models.CharField(
        "業務", max_length=100, help_text="公表の表記のまま（合計列は空欄）", blank=True
    )
    ledger = models.CharField(
        "経理", max_length=20, blank=True, help_text="一般経理、特定出資経理、調整、合計など"
    )
    role = models.CharField("列の種類", max_length=20, choices=Role.choices)
    department = models.ForeignKey(
        Department,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="budget_columns",
        verbose_name="執行額の入力部署",
    )

    class Meta:
        ordering = ["table", "order"]
        verbose_name = verbose_name_plural = "予算表の列"
        constraints = [models.UniqueConstraint(fields=["table", "order"], name="unique_budget_column_order")]

    def __str__(self):
        parts = [p for p in (self.segment, self.ledger) if p]
        return " / ".join(parts) or "合計"

    @property
    def is_total_role(self) -> bool:
        return self.role in (self.Role.SEGMENT_TOTAL, self.Role.GRAND_TOTAL)

    @property
    def label(self) -> str:
        if self.role == self.Role.GRAND_TOTAL:
            return "合計"
        return f"{self.segment}（{self.ledger}）" if self.ledger else self.segment


class BudgetRow(models.Model):
    class Role(models.TextChoices):
        HEADING = "heading", "区分見出し"
        ITEM = "item", "項目"
        TOTAL = "total", "合計・小計"

    table = models.ForeignKey(
        BudgetTable, on_delete=models.CASCADE, related_name="rows", verbose_name="予算表"
    )
    order = models.PositiveSmallIntegerField("行順")
    label = models.CharField("区別", max_length=100)
    level = models.PositiveSmallIntegerField("字下げ", default=0)
    role = models.CharField("行の種類", max_length=10, choices=Role.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name="上位の行",
    )
    # For total rows: the rows whose sum the published figure should equal, as [[row order, sign], …].
    parts = models.JSONField("内訳（行順と符号）", default=list, blank=True)

    class Meta:
        ordering = ["table", "order"]
        verbose_name = verbose_name_plural = "予算表の行"
        constraints = [models.UniqueConstraint(fields=["table", "order"], name="unique_budget_row_order")]

    def __str__(self):
        return self.label


class BudgetCell(models.Model):
    """A published cell. amount None is the published 「-」 (no amount), which is not 0."""

    row = models.ForeignKey(BudgetRow, on_delete=models.CASCADE, related_name="cells", verbose_name="行")
    column = models.ForeignKey(
        BudgetColumn, on_delete=models.CASCADE, related_name="cells", verbose_name="列"
    )
    amount = models.DecimalField("金額（百万円）", max_digits=14, decimal_places=0, null=True, blank=True)

    class Meta:
        verbose_name = verbose_name_plural = "予算表のセル"
        constraints = [models.UniqueConstraint(fields=["row", "column"], name="unique_budget_cell")]

    def __str__(self):
        return f"{self.row} × {self.column}: {self.amount if self.amount is not None else '-'}"


class BudgetExecution(ReviewedEntry):
    """Executed amount (執行額) for one 予算計画 line and column in one quarter."""

    row = models.ForeignKey(BudgetRow, on_delete=models.PROTECT, related_name="executions", verbose_name="行")
    column = models.ForeignKey(
        BudgetColumn, on_delete=models.PROTECT, related_name="executions", verbose_name="列"
    )
    quarter = models.PositiveSmallIntegerField("四半期", choices=QUARTER_CHOICES)
    amount = models.DecimalField("執行額（百万円）", max_digits=14, decimal_places=3)
    history = HistoricalRecords(verbose_name="執行額の変更履歴")

    class Meta:
        ordering = ["row__table", "row__order", "column__order", "quarter"]
        verbose_name = verbose_name_plural = "予算執行額"
        constraints = [
            models.UniqueConstraint(fields=["row", "column", "quarter"], name="unique_execution_per_quarter"),
            models.CheckConstraint(
                condition=Q(quarter__gte=1, quarter__lte=4), name="execution_quarter_range"
            ),
        ]

    def __str__(self):
        return f"{self.row} / {self.column} Q{self.quarter}"

    def workflow_item(self):
        from budgets.owed import workflow_item

        return workflow_item(self)
