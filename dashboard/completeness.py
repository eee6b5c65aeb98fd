"""The 提出状況 page and the 管理者's landing summary (docs/domain.md「提出状況と締め」), read from the one
completeness read model (`indicators.completeness`). No HTML here; the views decide who may see it."""

from __future__ import annotations

from dataclasses import dataclass

from indicators.completeness import IndicatorRef, YearCompleteness, completeness_build
from measures.models import FiscalYear
from measures.periods import QUARTERS, quarter_label


@dataclass(frozen=True)
class QuarterWork:
    """One quarter's line on the landing page: 承認待ち N件、未提出の部署 M."""

    quarter: int
    label: str
    awaiting_approval: int
    unsubmitted_departments: int
    missing: int
    due: int


def work_quarter(year: YearCompleteness) -> int:
    """The quarter work is happening in: the last quarter with anything entered, else 第1四半期."""
    active = [q for q, state in year.quarters.items() if state.has_activity]
    return max(active) if active else 1


def _indicator_ref(info) -> IndicatorRef:
    """An overview row's indicator (`dashboard.selectors.IndicatorRowInfo`) as the completeness model reads it."""
    section, department = info.section, info.department
    return IndicatorRef(
        pk=info.id,
        code=info.code,
        name=info.name,
        order=info.order,
        kind=info.kind,
        frequency=info.frequency,
        department_id=info.department_id,
        department_name=department.name if department is not None and info.department_id else "",
        department_order=department.order if department is not None and info.department_id else 0,
        section_id=info.section_id,
        section_number=section.number,
        section_title=section.title,
        chapter_number=section.chapter.number,
        chapter_numeral=section.chapter.numeral,
    )


def landing_work(*, fiscal_year: FiscalYear, rows, locks: dict) -> list[QuarterWork]:
    """The quarters a 管理者 still has work in: every quarter not yet locked, up to the quarter work is happening
    in or the first quarter not locked, whichever is later (an earlier quarter left open is listed too; once a
    quarter is locked the next one is listed).

    Counted by the completeness model from the overview's rows (`rows`: every indicator of the year with the
    states of its actuals, as the dashboard read them) and the year's `locks` (quarter → lock): no query."""
    year = completeness_build(
        fiscal_year=fiscal_year,
        indicators=[_indicator_ref(r.indicator) for r in rows],
        states={(r.indicator.id, q): (state, None) for r in rows for q, state in r.states},
    )
    open_quarters = [q for q in QUARTERS if not (q in locks and locks[q].is_locked)]
    upto = max(work_quarter(year), open_quarters[0] if open_quarters else 0)
    lines = []
    for q in QUARTERS:
        if q > upto or (q in locks and locks[q].is_locked):
            continue
        state = year.quarters[q]
        lines.append(
            QuarterWork(
                quarter=q,
                label=quarter_label(q),
                awaiting_approval=state.awaiting_approval,
                unsubmitted_departments=len(state.unsubmitted_departments),
                missing=state.counts["missing"],
                due=state.due,
            )
        )
    return lines
