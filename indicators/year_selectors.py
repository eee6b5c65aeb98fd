"""Reads across the years of the 中期目標期間: one indicator's figures year by year, and the count indicators
summed over the period.

An indicator is the same indicator in every year's plan when it has the same code (docs/domain.md
「1年の流れ」; `start_year` and `load_plan --text` keep the codes). Each year's figure is that year's approved actuals
against that year's target, computed by `indicators.progress` like every other 達成率. A query per table, not per
year or indicator."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Max

from indicators import progress
from indicators.models import Actual, Indicator
from measures import periods
from measures.models import FiscalYear
from smrj_plan.workflow import EntryState

ZERO = Decimal("0")


@dataclass(frozen=True)
class YearFigure:
    """One year of one indicator: its plan's indicator (None when the year has no plan or no such code), and
    where the year stands (as of its last approved quarter; the whole year once 第4四半期 is approved)."""

    year: int
    indicator: Indicator | None
    progress: progress.IndicatorProgress | None
    as_of_quarter: int | None

    @property
    def label(self) -> str:
        return periods.fiscal_year_label(self.year)

    @property
    def has_plan(self) -> bool:
        return self.indicator is not None

    @property
    def is_complete(self) -> bool:
        return self.as_of_quarter == 4


def _approved_figures(indicators: list[Indicator]) -> dict[int, list[progress.QuarterFigure]]:
    figures: dict[int, list[progress.QuarterFigure]] = defaultdict(list)
    for actual in Actual.objects.filter(indicator__in=indicators, state=EntryState.APPROVED):
        figures[actual.indicator_id].append(progress.figure_from_actual(actual))
    return figures


def _last_quarters(years: list[int]) -> dict[int, int]:
    """Per year, the last quarter with an approved actual of any indicator (the dashboard's as-of quarter)."""
    rows = (
        Actual.objects.filter(fiscal_year__year__in=years, state=EntryState.APPROVED)
        .values_list("fiscal_year__year")
        .annotate(last=Max("quarter"))
    )
    return dict(rows)


def indicator_year_list(*, code: str) -> list[YearFigure]:
    """The indicator with this code in every year of the period, with its approved figures (three queries)."""
    years = list(periods.MID_TERM_YEARS)
    indicators = {
        i.plan.fiscal_year.year: i
        for i in Indicator.objects.filter(code=code, plan__fiscal_year__year__in=years).select_related(
            "plan__fiscal_year", "department"
        )
    }
    figures = _approved_figures(list(indicators.values()))
    last = _last_quarters(years)
    result = []
    for year in years:
        indicator = indicators.get(year)
        as_of = last.get(year)
        computed = None
        if indicator is not None and as_of:
            computed = progress.progress_compute(
                spec=progress.spec_from_indicator(indicator),
                figures=figures.get(indicator.pk, []),
                as_of_quarter=as_of,
            )
        result.append(YearFigure(year=year, indicator=indicator, progress=computed, as_of_quarter=as_of))
    return result


@dataclass
class PeriodRow:
    """A count indicator over the period: each year's target and approved total, and the period's sums."""

    code: str
    name: str
    unit: str
    years: dict[int, tuple[Decimal | None, Decimal | None]] = field(
        default_factory=dict
    )  # year → (target, actual)

    @property
    def target_total(self) -> Decimal | None:
        targets = [t for t, _ in self.years.values() if t is not None]
        return sum(targets, ZERO) if targets else None

    @property
    def actual_total(self) -> Decimal:
        return sum((a for _, a in self.years.values() if a is not None), ZERO)

    @property
    def rate(self) -> Decimal | None:
        """実績累計 against the period's total target, rounded like every 達成率."""
        total = self.target_total
        if not total:
            return None
        return progress.round_percent(self.actual_total * progress.HUNDRED / total)

    def cells(self, years: list[int]) -> list[tuple[Decimal | None, Decimal | None]]:
        return [self.years.get(year, (None, None)) for year in years]


def mid_term_count_list() -> tuple[list[int], list[PeriodRow], dict[int, FiscalYear]]:
    """Every count indicator (targets added up over quarters: counts and exact targets) of the period's plans,
    by code in the latest plan's order, with each year's target and approved total (three queries).

    The period's total is the sum of the targets of the years that have a plan; years not yet opened add
    nothing. Returns the period's years, the rows and the years that have a plan."""
    years = list(periods.MID_TERM_YEARS)
    plans = {fy.year: fy for fy in FiscalYear.objects.filter(year__in=years, plan__isnull=False)}
    indicators = list(
        Indicator.objects.filter(
            plan__fiscal_year__year__in=years, kind__in=[Indicator.Kind.COUNT, Indicator.Kind.EXACT]
        )
        .select_related("plan__fiscal_year")
        .order_by("-plan__fiscal_year__year", "order")
    )
    totals: dict[int, Decimal] = defaultdict(lambda: ZERO)
    for indicator_id, value in Actual.objects.filter(
        indicator__in=indicators, state=EntryState.APPROVED, value__isnull=False
    ).values_list("indicator_id", "value"):
        totals[indicator_id] += value
    rows: dict[str, PeriodRow] = {}
    for indicator in indicators:  # the latest year first: its name and order stand for the code
        row = rows.setdefault(
            indicator.code, PeriodRow(code=indicator.code, name=indicator.name, unit=indicator.unit)
        )
        row.years[indicator.plan.fiscal_year.year] = (
            indicator.target,
            totals[indicator.pk] if indicator.pk in totals else None,
        )
    return years, list(rows.values()), plans
