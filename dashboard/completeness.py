"""The 提出状況 page and the 管理者's landing summary (docs/domain.md「提出状況と締め」), read from the one
completeness read model (`indicators.completeness`). No HTML here; the views decide who may see it."""

from __future__ import annotations

from dataclasses import dataclass

from indicators.completeness import YearCompleteness, indicator_completeness
from indicators.selectors import quarter_lock_map
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


def landing_work(*, fiscal_year: FiscalYear) -> list[QuarterWork]:
    """The quarters a 管理者 still has work in: every quarter not yet locked, up to the quarter work is happening
    in or the first quarter not locked, whichever is later (an earlier quarter left open is listed too; once a
    quarter is locked the next one is listed). Three queries."""
    year = indicator_completeness(fiscal_year=fiscal_year)
    locks = quarter_lock_map(fiscal_year=fiscal_year)
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
