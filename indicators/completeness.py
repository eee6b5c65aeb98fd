"""Completeness of a fiscal year's actuals (docs/domain.md「提出状況と締め」): for each quarter, each indicator's
state — 未入力 / 下書き / 提出済み / 差戻し / 承認済み — with counts per department and for the quarter.

One read model, used by the 提出状況 page, the 管理者's landing page (承認待ち N件、未提出の部署 M) and the warning
before a quarter is locked (締め), so the three can never disagree. Plain reads: no HTML, no Http404; who may see
the figures is the caller's business (`smrj_plan.permissions`).

Two queries whatever the size of the plan, both read as plain values (the landing page pays for them on every
visit): the year's indicators (with department and section) and the states of the year's actuals.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from indicators.models import Actual, Indicator
from indicators.selectors import indicator_is_due
from measures.models import FiscalYear
from measures.periods import QUARTERS
from smrj_plan import data_version
from smrj_plan.workflow import (
    COMPLETENESS_STATES,
    INCOMPLETE_STATES,
    MISSING,
    EntryState,
    StateCounts,
)

# The completeness states (smrj_plan.workflow, shared with the executed amounts), and 対象外 for an indicator.
STATES = COMPLETENESS_STATES
NOT_DUE = "not_due"  # an annual indicator before 第4四半期: nothing is expected, nothing is counted
STATE_LABELS = {
    MISSING: "未入力",
    NOT_DUE: "対象外",
    **{s.value: s.label for s in EntryState},
}


def state_label(state: str) -> str:
    return STATE_LABELS[state]


@dataclass(slots=True)
class IndicatorRef:
    """What the completeness pages show of an indicator (read as values, not model instances). Read-only by
    convention (not frozen: a frozen dataclass takes three times as long to make, and a year has thousands)."""

    pk: int
    code: str
    name: str
    order: int
    kind: str
    frequency: str
    department_id: int | None
    department_name: str
    department_order: int
    section_id: int
    section_number: int
    section_title: str
    chapter_number: int
    chapter_numeral: str

    @property
    def section_label(self) -> str:
        """「柱1 地域牽引…」 for the pillars of chapter I, 「II-1 …」 for the other chapters' items."""
        if self.chapter_number == 1:
            return f"柱{self.section_number} {self.section_title}"
        return f"{self.chapter_numeral}-{self.section_number} {self.section_title}"


INDICATOR_COLUMNS = {
    "pk": "pk",
    "code": "code",
    "name": "name",
    "order": "order",
    "kind": "kind",
    "frequency": "frequency",
    "department_id": "department_id",
    "department_name": "department__name",
    "department_order": "department__order",
    "section_id": "section_id",
    "section_number": "section__number",
    "section_title": "section__title",
    "chapter_number": "section__chapter__number",
    "chapter_numeral": "section__chapter__numeral",
}


@dataclass(slots=True)
class CompletenessCell:
    """One indicator in one quarter (read-only by convention, like IndicatorRef)."""

    indicator: IndicatorRef
    quarter: int
    state: str  # one of STATES, or NOT_DUE
    actual_id: int | None = None

    @property
    def label(self) -> str:
        return STATE_LABELS[self.state]

    @property
    def is_due(self) -> bool:
        return self.state != NOT_DUE


@dataclass
class DepartmentCompleteness(StateCounts):
    """One department's due indicators in one quarter, counted by state."""

    department_id: int | None  # None: indicators nobody owns yet (a new indicator 要確認)
    department_name: str = ""
    department_order: int = 0
    counts: dict[str, int] = field(default_factory=StateCounts.zero)

    @property
    def name(self) -> str:
        return self.department_name if self.department_id is not None else "担当部署なし"


@dataclass
class QuarterCompleteness:
    quarter: int
    cells: list[CompletenessCell] = field(default_factory=list)  # due indicators only, in plan order
    departments: list[DepartmentCompleteness] = field(default_factory=list)

    @property
    def counts(self) -> dict[str, int]:
        totals = dict.fromkeys(STATES, 0)
        for cell in self.cells:
            totals[cell.state] += 1
        return totals

    @property
    def count_list(self) -> list[tuple[str, int]]:
        counts = self.counts
        return [(s, counts[s]) for s in STATES]

    @property
    def due(self) -> int:
        return len(self.cells)

    @property
    def awaiting_approval(self) -> int:
        """承認待ち: submitted and not yet approved or returned."""
        return self.counts[EntryState.SUBMITTED.value]

    @property
    def unsubmitted_departments(self) -> list[DepartmentCompleteness]:
        """未提出の部署: departments with at least one due indicator 未入力, 下書き or 差戻し."""
        return [d for d in self.departments if d.unsubmitted]

    @property
    def incomplete(self) -> list[CompletenessCell]:
        """Everything not yet approved (what a 締め would close as it is), in plan order."""
        return [c for c in self.cells if c.state in INCOMPLETE_STATES]

    @property
    def is_complete(self) -> bool:
        return not self.incomplete

    @property
    def has_activity(self) -> bool:
        """Anything entered at all (a quarter nobody has started yet is not 未提出 work of today)."""
        return any(c.state != MISSING for c in self.cells)


@dataclass
class YearCompleteness:
    fiscal_year: FiscalYear
    indicators: list[IndicatorRef]
    quarters: dict[int, QuarterCompleteness]
    _cells: dict[tuple[int, int], CompletenessCell] = field(default_factory=dict, repr=False)

    def cell(self, indicator_pk: int, quarter: int) -> CompletenessCell:
        return self._cells[(indicator_pk, quarter)]

    def rows(self) -> list[tuple[IndicatorRef, list[CompletenessCell]]]:
        """Each indicator with its four quarters (the matrix)."""
        return [(ind, [self._cells[(ind.pk, q)] for q in QUARTERS]) for ind in self.indicators]


def indicator_completeness(*, fiscal_year: FiscalYear, department_id: int | None = None) -> YearCompleteness:
    """The state of every indicator of the year's plan in each quarter, with counts (two queries).

    `department_id` narrows to one department's indicators (None: all). Annual indicators are 対象外 before
    第4四半期 and are not counted. Kept in the object cache under the data version (`smrj_plan.data_version`):
    the queue, the landing page and the 提出状況 page read it on every visit; any write makes it read again."""
    return data_version.cached(
        "indicator_completeness",
        fiscal_year.pk,
        department_id,
        compute=lambda: _indicator_completeness(fiscal_year=fiscal_year, department_id=department_id),
    )


def _indicator_completeness(*, fiscal_year: FiscalYear, department_id: int | None) -> YearCompleteness:
    indicators_qs = Indicator.objects.filter(plan__fiscal_year=fiscal_year).order_by("order")
    if department_id is not None:
        indicators_qs = indicators_qs.filter(department_id=department_id)
    indicators = []
    for values in indicators_qs.values_list(*INDICATOR_COLUMNS.values()):
        row = dict(zip(INDICATOR_COLUMNS, values, strict=True))
        row["department_name"] = row["department_name"] or ""  # no 部署 (a new indicator 要確認)
        row["department_order"] = row["department_order"] or 0
        indicators.append(IndicatorRef(**row))
    states = {
        (indicator_id, quarter): (state, pk)
        for indicator_id, quarter, state, pk in Actual.objects.filter(
            fiscal_year=fiscal_year, indicator__in=[i.pk for i in indicators]
        ).values_list("indicator_id", "quarter", "state", "pk")
    }
    return completeness_build(fiscal_year=fiscal_year, indicators=indicators, states=states)


def completeness_build(
    *,
    fiscal_year: FiscalYear,
    indicators: list[IndicatorRef],
    states: dict[tuple[int, int], tuple[str, int | None]],
) -> YearCompleteness:
    """The counting itself, from indicators (plan order) and their actuals' states by (indicator id, quarter)
    → (state, actual id or None). `indicator_completeness` reads both; a page that has already read the same
    rows (the dashboard, `dashboard.completeness.landing_work`) passes them in."""
    cells: dict[tuple[int, int], CompletenessCell] = {}
    quarters = {}
    for q in QUARTERS:
        by_department: dict[int | None, DepartmentCompleteness] = {}
        quarter = QuarterCompleteness(quarter=q)
        for ind in indicators:
            state, pk = states.get((ind.pk, q), (MISSING, None))
            if not indicator_is_due(indicator=ind, quarter=q) and state == MISSING:
                state = NOT_DUE
            cell = CompletenessCell(indicator=ind, quarter=q, state=state, actual_id=pk)
            cells[(ind.pk, q)] = cell
            if state == NOT_DUE:
                continue
            quarter.cells.append(cell)
            dept = by_department.get(ind.department_id)
            if dept is None:
                dept = by_department[ind.department_id] = DepartmentCompleteness(
                    department_id=ind.department_id,
                    department_name=ind.department_name,
                    department_order=ind.department_order,
                )
            dept.counts[state] += 1
        quarter.departments = sorted(
            by_department.values(),
            key=lambda d: (d.department_id is None, d.department_order, d.name),
        )
        quarters[q] = quarter
    return YearCompleteness(fiscal_year=fiscal_year, indicators=indicators, quarters=quarters, _cells=cells)


def quarter_completeness(*, fiscal_year: FiscalYear, quarter: int) -> QuarterCompleteness:
    """One quarter of `indicator_completeness` (the 締め warning)."""
    return indicator_completeness(fiscal_year=fiscal_year).quarters[quarter]
