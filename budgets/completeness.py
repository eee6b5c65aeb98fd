"""Completeness of the executed amounts (執行額) of a quarter, per entry column of the 予算計画
(docs/domain.md「提出状況と締め」): for each 勘定's 経理・業務 column, how many of its lines are 未入力 / 下書き /
提出済み / 差戻し / 承認済み.

A line is due when the published 予算計画 has an amount for it (「-」 and blank cells have no budget to execute
against; an amount entered there anyway is counted in its state). Plain reads, four queries whatever the size.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from budgets.models import BudgetCell, BudgetColumn, BudgetExecution, BudgetRow, BudgetTable
from measures.models import Department, FiscalYear
from smrj_plan.workflow import COMPLETENESS_STATES as STATES
from smrj_plan.workflow import INCOMPLETE_STATES, MISSING, StateCounts


@dataclass
class ColumnCompleteness(StateCounts):
    """One entry column (a 経理 of a 業務, or a 業務) of one 勘定's 予算計画 in one quarter."""

    column_id: int
    account_code: str
    account_name: str
    label: str
    department: Department | None
    counts: dict[str, int] = field(default_factory=StateCounts.zero)

    @property
    def department_name(self) -> str:
        return self.department.name if self.department is not None else "入力部署なし"


def execution_completeness(*, fiscal_year: FiscalYear, quarter: int) -> list[ColumnCompleteness]:
    """Every entry column of the year's 予算計画 (勘定 order, then column order) with its lines counted by state."""
    columns = list(
        BudgetColumn.objects.filter(table__fiscal_year=fiscal_year, table__kind=BudgetTable.Kind.BUDGET)
        .exclude(role__in=[BudgetColumn.Role.SEGMENT_TOTAL, BudgetColumn.Role.GRAND_TOTAL])
        .select_related("table__account", "department")
        .order_by("table__account__order", "order")
    )
    column_ids = [c.pk for c in columns]
    due = set(
        BudgetCell.objects.filter(
            column_id__in=column_ids, row__role=BudgetRow.Role.ITEM, amount__isnull=False
        ).values_list("row_id", "column_id")
    )
    states = {
        (row_id, column_id): state
        for row_id, column_id, state in BudgetExecution.objects.filter(
            column_id__in=column_ids, quarter=quarter
        ).values_list("row_id", "column_id", "state")
    }
    result = {
        c.pk: ColumnCompleteness(
            column_id=c.pk,
            account_code=c.table.account.code,
            account_name=c.table.account.name,
            label=c.label,
            department=c.department,
        )
        for c in columns
    }
    for key in due | set(states):
        result[key[1]].counts[states.get(key, MISSING)] += 1
    return [result[c.pk] for c in columns if result[c.pk].total]


def execution_open_work(*, fiscal_year: FiscalYear, quarter: int):
    """The quarter's 執行額 not yet approved, per entry column, for the 締め confirmation (smrj_plan.quarter_work)."""
    from django.urls import reverse

    from smrj_plan.quarter_work import OpenItem, OpenWork
    from smrj_plan.workflow import state_label

    labels = {MISSING: "未入力"} | {s: state_label(s) for s in STATES if s != MISSING}
    work = OpenWork(title="予算の執行額（勘定・列ごとの行数）")
    for column in execution_completeness(fiscal_year=fiscal_year, quarter=quarter):
        if not column.incomplete:
            continue
        work.items.append(
            OpenItem(
                label=f"{column.account_name} {column.label}",
                department=column.department_name,
                counts=tuple((labels[s], n) for s, n in column.count_list if n and s in INCOMPLETE_STATES),
                url=reverse("budgets:execution", args=[column.account_code]) + f"?quarter={quarter}",
            )
        )
    return work
