"""Reads for the budget tables: published grids, the summary across 勘定, the reconciliation and execution.

Pages and the Excel export both build on these functions, so screen and workbook cannot disagree. Every
function issues a fixed number of queries, whatever the number of rows, columns or tables.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch

from budgets.models import Account, BudgetCell, BudgetColumn, BudgetExecution, BudgetRow, BudgetTable
from measures.periods import QUARTERS
from smrj_plan import data_version, formatting
from smrj_plan.workflow import EntryState

# A published total may differ from the sum of its parts by this much (百万円) and still count as a
# 端数差異 (rounding: each figure is rounded to 百万円 on its own). Anything larger is an error.
ROUNDING_TOLERANCE = Decimal("2")

KIND_ORDER = [BudgetTable.Kind.BUDGET, BudgetTable.Kind.INCOME, BudgetTable.Kind.CASHFLOW]
ZERO = Decimal("0")


# ---------------------------------------------------------------------------------------------------------
# Published grids


@dataclass(frozen=True)
class HeaderCell:
    """One cell of the published column header; colspan/rowspan as in the plan."""

    text: str
    colspan: int = 1
    rowspan: int = 1


@dataclass(frozen=True)
class GridColumn:
    order: int
    segment: str
    ledger: str
    role: str  # BudgetColumn.Role: ledger / segment / segment_total / grand_total
    pk: int = 0
    department_id: int | None = None
    department_name: str = ""  # the 部署 entering its 執行額 (joined with the column, no query of its own)

    @property
    def label(self) -> str:
        """「事業継続・経営体力強化支援業務（一般経理）」, 「合計」 … for lists and the reconciliation."""
        if self.role == BudgetColumn.Role.GRAND_TOTAL:
            return "合計"
        return f"{self.segment}（{self.ledger}）" if self.ledger else self.segment

    @property
    def is_total(self) -> bool:
        return self.role in (BudgetColumn.Role.SEGMENT_TOTAL, BudgetColumn.Role.GRAND_TOTAL)


@dataclass(frozen=True)
class GridCell:
    """A cell as published: `present` False for an empty cell, amount None for 「-」."""

    column_order: int
    amount: Decimal | None = None
    present: bool = False

    @property
    def text(self) -> str:
        return formatting.million(self.amount) if self.present else ""


@dataclass(frozen=True)
class GridRow:
    order: int
    label: str
    level: int
    role: str  # BudgetRow.Role: heading / item / total
    parent_order: int | None
    parts: tuple[tuple[int, int], ...]
    cells: tuple[GridCell, ...]  # aligned with BudgetGrid.columns
    pk: int = 0

    @property
    def is_total(self) -> bool:
        return self.role == BudgetRow.Role.TOTAL

    @property
    def is_heading(self) -> bool:
        return self.role == BudgetRow.Role.HEADING

    def cell(self, column_order: int) -> GridCell:
        return next(c for c in self.cells if c.column_order == column_order)


@dataclass(frozen=True)
class BudgetGrid:
    """One published table: header rows (with spans), columns, rows with their cells."""

    table_id: int
    fiscal_year: int
    account_code: str
    account_name: str
    kind: str
    kind_label: str
    attachment: str
    unit: str
    note: str
    header_rows: tuple[tuple[HeaderCell, ...], ...]
    columns: tuple[GridColumn, ...]
    rows: tuple[GridRow, ...]

    @property
    def title(self) -> str:
        return f"{self.kind_label}（{self.account_name}）"


def _grid_from(table: BudgetTable) -> BudgetGrid:
    columns = tuple(
        GridColumn(
            order=c.order,
            segment=c.segment,
            ledger=c.ledger,
            role=c.role,
            pk=c.pk,
            department_id=c.department_id,
            department_name=c.department.name if c.department_id else "",
        )
        for c in table.columns.all()
    )
    column_order = {c.pk: c.order for c in columns}
    rows = []
    for row in table.rows.all():
        by_column = {column_order[cell.column_id]: cell.amount for cell in row.cells.all()}
        cells = tuple(
            GridCell(column_order=c.order, amount=by_column.get(c.order), present=c.order in by_column)
            for c in columns
        )
        rows.append(
            GridRow(
                order=row.order,
                label=row.label,
                level=row.level,
                role=row.role,
                parent_order=row.parent.order if row.parent_id else None,
                parts=tuple((int(o), int(s)) for o, s in row.parts),
                cells=cells,
                pk=row.pk,
            )
        )
    header = tuple(
        tuple(HeaderCell(text=h["text"], colspan=h["colspan"], rowspan=h["rowspan"]) for h in header_row)
        for header_row in table.header
    )
    return BudgetGrid(
        table_id=table.pk,
        fiscal_year=table.fiscal_year.year,
        account_code=table.account.code,
        account_name=table.account.name,
        kind=table.kind,
        kind_label=table.get_kind_display(),
        attachment=table.attachment,
        unit=table.unit,
        note=table.note,
        header_rows=header,
        columns=columns,
        rows=tuple(rows),
    )


def _table_queryset(*, fiscal_year: int):
    # Four queries in all (tables, columns, rows with parents, cells), however many tables and rows.
    return (
        BudgetTable.objects.filter(fiscal_year__year=fiscal_year)
        .select_related("account", "fiscal_year")
        .prefetch_related(
            Prefetch("columns", queryset=BudgetColumn.objects.select_related("department").order_by("order")),
            Prefetch("rows", queryset=BudgetRow.objects.select_related("parent").order_by("order")),
            Prefetch("rows__cells", queryset=BudgetCell.objects.all()),
        )
    )


def _sorted(tables):
    return sorted(tables, key=lambda t: (KIND_ORDER.index(t.kind), t.account.order))


def budget_table_list(*, fiscal_year: int) -> list[BudgetTable]:
    """The year's tables in published order (予算計画, 収支計画, 資金計画; 勘定 in order), without cells."""
    tables = BudgetTable.objects.filter(fiscal_year__year=fiscal_year).select_related(
        "account", "fiscal_year"
    )
    return _sorted(tables)


def budget_grid_get(*, fiscal_year: int, kind: str, account_code: str) -> BudgetGrid:
    """One table as published. Raises BudgetTable.DoesNotExist for an unknown kind or 勘定."""
    table = _table_queryset(fiscal_year=fiscal_year).get(kind=kind, account__code=account_code)
    return _grid_from(table)


def budget_grid_list(*, fiscal_year: int) -> list[BudgetGrid]:
    """All tables of the year (18 for 令和6年度) in published order, in a constant number of queries."""
    return [_grid_from(t) for t in _sorted(_table_queryset(fiscal_year=fiscal_year))]


# ---------------------------------------------------------------------------------------------------------
# Summary across 勘定


@dataclass(frozen=True)
class AccountBudgetSummary:
    account_code: str
    account_name: str
    income_total: Decimal | None  # 予算計画 収入 計, 合計 column (the only column where there is one)
    expense_total: Decimal | None  # 予算計画 支出 計

    @property
    def balance(self) -> Decimal | None:
        if self.income_total is None and self.expense_total is None:
            return None
        return (self.income_total or ZERO) - (self.expense_total or ZERO)


def _total_column(grid: BudgetGrid) -> GridColumn:
    grand = [c for c in grid.columns if c.role == BudgetColumn.Role.GRAND_TOTAL]
    return grand[0] if grand else grid.columns[-1]


def budget_summary_list(*, fiscal_year: int) -> list[AccountBudgetSummary]:
    """収入計 and 支出計 of each 勘定's 予算計画 as published (its 合計 column), in 勘定 order."""
    result = []
    for grid in budget_grid_list(fiscal_year=fiscal_year):
        if grid.kind != BudgetTable.Kind.BUDGET:
            continue
        column = _total_column(grid)
        totals = {}
        for row in grid.rows:
            if row.is_total and row.parent_order is not None:
                section = next(r.label for r in grid.rows if r.order == row.parent_order)
                totals[section] = row.cell(column.order).amount
        result.append(
            AccountBudgetSummary(
                account_code=grid.account_code,
                account_name=grid.account_name,
                income_total=totals.get("収入"),
                expense_total=totals.get("支出"),
            )
        )
    return result


# ---------------------------------------------------------------------------------------------------------
# Reconciliation


@dataclass(frozen=True)
class ReconciliationItem:
    """A published total that is not the sum of its parts.

    check 'row': a total row (計, 経常費用, 純利益 …) against the rows in its `parts`;
    check 'column': a total column (業務の合計, 合計) against its 経理 / 業務 columns in the same row."""

    kind: str
    kind_label: str
    account_code: str
    account_name: str
    row_order: int
    row_label: str
    column_order: int
    column_label: str
    check: str
    published: Decimal | None
    computed: Decimal
    difference: Decimal  # published − computed (「-」 counts as 0)

    @property
    def severity(self) -> str:
        """'rounding' (端数差異) when |difference| ≤ ROUNDING_TOLERANCE, otherwise 'error'."""
        return "rounding" if abs(self.difference) <= ROUNDING_TOLERANCE else "error"

    @property
    def severity_label(self) -> str:
        return "端数差異" if self.severity == "rounding" else "不一致"

    @property
    def check_label(self) -> str:
        return "行の合計" if self.check == "row" else "列の合計"


def _column_parts(grid: BudgetGrid) -> dict[int, list[int]]:
    """For each total column, the columns it sums.

    A segment's 合計 sums its 経理; the table's 合計 sums the segments, a split segment counted through its
    合計 when it has one (otherwise through its 経理, 調整 included)."""
    parts: dict[int, list[int]] = {}
    by_segment: dict[str, list[GridColumn]] = defaultdict(list)
    for col in grid.columns:
        if col.role != BudgetColumn.Role.GRAND_TOTAL:
            by_segment[col.segment].append(col)
    for col in grid.columns:
        if col.role == BudgetColumn.Role.SEGMENT_TOTAL:
            parts[col.order] = [c.order for c in by_segment[col.segment] if not c.is_total]
        elif col.role == BudgetColumn.Role.GRAND_TOTAL:
            orders = []
            for members in by_segment.values():
                subtotal = [c for c in members if c.role == BudgetColumn.Role.SEGMENT_TOTAL]
                orders += [subtotal[0].order] if subtotal else [c.order for c in members]
            parts[col.order] = orders
    return parts


def grid_reconciliation(grid: BudgetGrid) -> list[ReconciliationItem]:
    """Every total cell of one grid whose published figure differs from the sum of its parts.

    Empty cells are not published and are not checked; 「-」 counts as 0 on both sides."""
    items = []
    rows = {r.order: r for r in grid.rows}
    columns = {c.order: c for c in grid.columns}

    def add(row, column, published, computed, check):
        difference = (published or ZERO) - computed
        if difference != 0:
            items.append(
                ReconciliationItem(
                    kind=grid.kind,
                    kind_label=grid.kind_label,
                    account_code=grid.account_code,
                    account_name=grid.account_name,
                    row_order=row.order,
                    row_label=row.label,
                    column_order=column.order,
                    column_label=column.label,
                    check=check,
                    published=published,
                    computed=computed,
                    difference=difference,
                )
            )

    for row in grid.rows:
        if not (row.is_total and row.parts):
            continue
        for cell in row.cells:
            if not cell.present:
                continue
            computed = sum(
                ((rows[o].cell(cell.column_order).amount or ZERO) * sign for o, sign in row.parts), ZERO
            )
            add(row, columns[cell.column_order], cell.amount, computed, "row")
    for total_order, members in _column_parts(grid).items():
        for row in grid.rows:
            cell = row.cell(total_order)
            if not cell.present:
                continue
            computed = sum((row.cell(o).amount or ZERO for o in members), ZERO)
            add(row, columns[total_order], cell.amount, computed, "column")
    return sorted(items, key=lambda i: (i.row_order, i.check != "row", i.column_order))


def budget_reconciliation_list(
    *, fiscal_year: int, kind: str | None = None, account_code: str | None = None
) -> list[ReconciliationItem]:
    """Every published total of the year's tables that does not equal the sum of its parts, in published
    order (table, row, row check before column check, column). Filter by plan kind and/or 勘定."""
    items = []
    for grid in budget_grid_list(fiscal_year=fiscal_year):
        if kind and grid.kind != kind or account_code and grid.account_code != account_code:
            continue
        items += grid_reconciliation(grid)
    return items


# ---------------------------------------------------------------------------------------------------------
# Budget execution (執行額 against the 予算計画)


@dataclass
class ExecutionLine:
    """One 予算計画 item × column, with the published 予算額 and the entered 執行額 per quarter."""

    row_pk: int
    row_label: str
    row_level: int
    row_role: str
    column_pk: int
    column_label: str
    department_id: int | None
    budget: Decimal | None
    department_name: str = ""
    approved: dict[int, Decimal] = field(default_factory=dict)  # quarter → approved amount
    pending: dict[int, Decimal] = field(
        default_factory=dict
    )  # quarter → not yet approved (下書き・提出済み・差戻し)
    entries: dict[int, BudgetExecution] = field(default_factory=dict)

    @property
    def executed(self) -> Decimal:
        """累計: approved amounts only."""
        return sum(self.approved.values(), ZERO)

    @property
    def difference(self) -> Decimal:
        """差額（執行額－予算額）: negative (△) while under budget. 「-」 budget counts as 0."""
        return self.executed - (self.budget or ZERO)

    @property
    def rate(self) -> Decimal | None:
        """執行率 in %, rounded like every percentage (`round_percent`); None when the budget is 「-」 or 0."""
        if not self.budget:
            return None
        return formatting.round_percent(self.executed * 100 / self.budget)

    @property
    def pending_total(self) -> Decimal:
        return sum(self.pending.values(), ZERO)


@dataclass
class ExecutionSummary:
    fiscal_year: int
    account_code: str
    account_name: str
    table_id: int
    lines: list[ExecutionLine]
    sections: list[tuple[str, list[ExecutionLine]]]  # 収入 / 支出 → lines


def execution_line_queryset(*, fiscal_year: int):
    """Executions of the year's 予算計画 lines with the row and column they belong to."""
    return BudgetExecution.objects.filter(
        row__table__fiscal_year__year=fiscal_year, row__table__kind=BudgetTable.Kind.BUDGET
    ).select_related("row", "column", "updated_by", "submitted_by", "reviewed_by")


def budget_execution_summary(
    *, fiscal_year: int, account_code: str, department_id: int | None = None
) -> ExecutionSummary:
    """The 予算計画 of one 勘定 in 決算報告書 form: for each item row × entry column (経理 / 業務, not totals),
    予算額, 執行額 per quarter (approved, drafts apart), 累計, 差額 and 執行率.

    `department_id` keeps only the columns that department enters (for a 担当者). Raises
    BudgetTable.DoesNotExist for an unknown 勘定. Kept in the object cache under the data version
    (`smrj_plan.data_version`): the page, its queue and the workbook's sheet read it; any write reads it again."""
    return data_version.cached(
        "budget_execution_summary",
        fiscal_year,
        account_code,
        department_id,
        compute=lambda: _budget_execution_summary(
            fiscal_year=fiscal_year, account_code=account_code, department_id=department_id
        ),
    )


def _budget_execution_summary(
    *, fiscal_year: int, account_code: str, department_id: int | None
) -> ExecutionSummary:
    grid = budget_grid_get(fiscal_year=fiscal_year, kind=BudgetTable.Kind.BUDGET, account_code=account_code)
    account = Account.objects.get(code=account_code)
    entry_columns = [c for c in grid.columns if not c.is_total]
    if department_id is not None:
        entry_columns = [c for c in entry_columns if c.department_id == department_id]
    executions = BudgetExecution.objects.filter(row__table_id=grid.table_id).select_related(
        "updated_by", "submitted_by", "reviewed_by"
    )
    by_key = defaultdict(list)
    for ex in executions:
        by_key[(ex.row_id, ex.column_id)].append(ex)
    lines, sections = [], []
    current = None
    for row in grid.rows:
        if row.is_heading:
            current = (row.label, [])
            sections.append(current)
            continue
        if row.role != BudgetRow.Role.ITEM:
            continue
        for col in entry_columns:
            cell = row.cell(col.order)
            line = ExecutionLine(
                row_pk=row.pk,
                row_label=row.label,
                row_level=row.level,
                row_role=row.role,
                column_pk=col.pk,
                column_label=col.label,
                department_id=col.department_id,
                department_name=col.department_name,
                budget=cell.amount,
            )
            for ex in by_key.get((row.pk, col.pk), []):
                line.entries[ex.quarter] = ex
                if ex.state == EntryState.APPROVED:
                    line.approved[ex.quarter] = ex.amount
                else:
                    line.pending[ex.quarter] = ex.amount
            lines.append(line)
            if current is not None:
                current[1].append(line)
    return ExecutionSummary(
        fiscal_year=fiscal_year,
        account_code=account.code,
        account_name=account.name,
        table_id=grid.table_id,
        lines=lines,
        sections=sections,
    )


__all__ = [
    "ROUNDING_TOLERANCE",
    "QUARTERS",
    "AccountBudgetSummary",
    "BudgetGrid",
    "ExecutionLine",
    "ExecutionSummary",
    "GridCell",
    "GridColumn",
    "GridRow",
    "HeaderCell",
    "ReconciliationItem",
    "budget_execution_summary",
    "budget_grid_get",
    "budget_grid_list",
    "budget_reconciliation_list",
    "budget_summary_list",
    "budget_table_list",
    "grid_reconciliation",
]


# ---------------------------------------------------------------------------------------------------------
# Access to execution lines (who may see and enter which 予算計画 line)


def execution_column_can_edit(*, user, column: BudgetColumn) -> bool:
    """A 担当者 enters 執行額 for the 経理 / 業務 columns of their own department (never a 合計 column)."""
    from smrj_plan import permissions

    return (
        permissions.can_enter_for(user, column.department_id)
        and column.role not in (BudgetColumn.Role.SEGMENT_TOTAL, BudgetColumn.Role.GRAND_TOTAL)
        and column.table.kind == BudgetTable.Kind.BUDGET
    )


def execution_column_can_read(*, user, column: BudgetColumn) -> bool:
    """管理者・監査担当 read every line; a 担当者 only their department's."""
    from smrj_plan import permissions

    return permissions.can_read_department(user, column.department_id)


def execution_line_get_for_user(*, user, row_pk: int, column_pk: int) -> tuple[BudgetRow, BudgetColumn]:
    """The 予算計画 item row and entry column if the user may read that line, else Http404."""
    from django.http import Http404

    column = (
        BudgetColumn.objects.select_related("table__fiscal_year", "table__account", "department")
        .filter(pk=column_pk, table__kind=BudgetTable.Kind.BUDGET)
        .first()
    )
    row = BudgetRow.objects.filter(pk=row_pk, role=BudgetRow.Role.ITEM).first()
    if column is None or row is None or row.table_id != column.table_id or column.is_total_role:
        raise Http404("予算の行が見つかりません。")
    if not execution_column_can_read(user=user, column=column):
        raise Http404("予算の行が見つかりません。")
    return row, column


def execution_get_for_user(*, user, pk: int) -> BudgetExecution:
    """An executed amount the user may read (through its column), else Http404."""
    from django.http import Http404

    execution = (
        BudgetExecution.objects.select_related(
            "row", "column__table__fiscal_year", "column__table__account", "updated_by"
        )
        .filter(pk=pk)
        .first()
    )
    if execution is None or not execution_column_can_read(user=user, column=execution.column):
        raise Http404("執行額が見つかりません。")
    return execution
