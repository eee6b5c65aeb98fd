"""The one place where the API asks the rest of the project for figures and rules.

Each function here is a thin call into a selector or service of measures, indicators or budgets (the same ones
the pages and the workbook use); the API's views call only these. When a rule moves (a permissions module, a
progress read model, a number parser), the change is here, one function each, and the views do not move.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from budgets import selectors as budget_selectors
from indicators import selectors as indicator_selectors
from indicators import services as indicator_services
from indicators.forms import ActualRowForm
from indicators.models import Actual, FinalRating, Indicator
from indicators.progress import (
    IndicatorProgress,
    Kind,
    figure_from_actual,
    progress_with_unapproved,
    spec_from_indicator,
)
from measures import selectors as plan_selectors
from measures.models import FiscalYear
from smrj_plan import formatting, numbers, permissions
from smrj_plan.as_of import PeriodNotFound, period_resolve
from smrj_plan.period import Period

PERCENT_KINDS = (Kind.RATIO, Kind.BENCHMARK, Kind.BASELINE)
MILESTONE_LABELS = dict(Actual.MilestoneStatus.choices)

# ---------------------------------------------------------------------------------------------------------------
# Who may do what (the pages' rules)


def can_read_all(user) -> bool:
    """管理者・監査担当 (and システム管理者) read every department's figures, drafts and history included."""
    return permissions.can_read_all(user)


def can_enter_actuals(user) -> bool:
    """Only a 担当者 with a 部署 enters actuals (for that 部署's indicators)."""
    return permissions.can_enter(user)


def require_entry(user) -> None:
    permissions.require_entry(user)


def require_history_reader(user) -> None:
    """The full change history is for 管理者 and 監査担当, as in the workbook."""
    permissions.require_reader(user, "変更履歴は管理者・監査担当だけが閲覧できます。")


def require_execution_reader(user) -> None:
    """Budget execution: readers of everything, and 担当者 (who see their own department's columns)."""
    permissions.require_budget_execution_view(user)


def execution_department_filter(user) -> int | None:
    """None for readers of everything, else the 担当者's department (NO_DEPARTMENT matches no column)."""
    return permissions.read_department_filter(user)


# ---------------------------------------------------------------------------------------------------------------
# Years and the plan


def fiscal_year_list() -> list[FiscalYear]:
    """Fiscal years that have a plan, latest first, each with `last_approved_quarter` (the pages' year list)."""
    return indicator_selectors.fiscal_year_list_with_last_approved()


def plans_by_year(years: list[FiscalYear]) -> dict:
    """The plan (with its 策定・変更 dates) of each of these years, by fiscal year id (two queries)."""
    from measures.models import PlanDocument

    plans = PlanDocument.objects.filter(fiscal_year__in=years).prefetch_related("revisions")
    return {p.fiscal_year_id: p for p in plans}


def period(*, year: int | None, quarter: int | None = None) -> Period:
    """The year (None: the latest with a plan) and the as-of quarter (None: the pages' default, the year's last
    approved quarter, else 第1四半期), resolved as every page and the workbook resolve them; Http404 for a year
    without a plan."""
    try:
        return period_resolve(year=year, quarter=quarter)
    except PeriodNotFound as exc:
        from django.http import Http404

        raise Http404(str(exc)) from None


def fiscal_year_get(year: int) -> FiscalYear:
    """The fiscal year with a plan, or Http404."""
    return period(year=year).fiscal_year


def default_as_of(fiscal_year: FiscalYear) -> int:
    """The pages' and the workbook's default as-of quarter: the year's last approved quarter, else 第1四半期."""
    last = getattr(fiscal_year, "last_approved_quarter", None)
    if last is None:
        last = indicator_selectors.actual_last_approved_quarter(fiscal_year=fiscal_year)
    return last or 1


def quarter_locks(fiscal_year: FiscalYear) -> set[int]:
    return {
        q
        for q, lock in indicator_selectors.quarter_lock_map(fiscal_year=fiscal_year).items()
        if lock.is_locked
    }


def quarter_is_locked(fiscal_year: FiscalYear, quarter: int) -> bool:
    return indicator_selectors.quarter_is_locked(fiscal_year=fiscal_year, quarter=quarter)


def plan_outline(fiscal_year: FiscalYear):
    """The plan of the year as the plan pages read it (chapters → sections → headings → measures)."""
    plan = plan_selectors.plan_get(fiscal_year=fiscal_year.year)
    return plan_selectors.plan_outline(
        plan=plan, indicators=indicator_selectors.plan_indicator_list(plan=plan)
    )


# ---------------------------------------------------------------------------------------------------------------
# Indicator progress (the dashboard's figures)


@dataclass(frozen=True)
class ProgressRow:
    """One indicator's progress as of a quarter, as the dashboard's overview row holds it."""

    indicator: Indicator
    progress: IndicatorProgress  # approved figures only
    with_unapproved: IndicatorProgress
    unapproved_count: int
    final_rating: FinalRating | None


def indicator_progress_rows(*, user, fiscal_year: FiscalYear, as_of_quarter: int | None) -> tuple[list, int]:
    """Progress rows of every indicator the user may read, as of a quarter (default: the year's last approved
    quarter), computed by indicators.progress exactly as the dashboard's `indicator_progress_list` does.
    Returns (rows, as-of quarter). Four queries whatever the number of indicators."""
    indicators = list(
        indicator_selectors.indicator_visible_list(user=user, fiscal_year=fiscal_year)
        .select_related("section__chapter", "department", "parent")
        .order_by("order")
    )
    ids = [i.pk for i in indicators]
    figures = defaultdict(list)
    for actual in Actual.objects.filter(fiscal_year=fiscal_year, indicator_id__in=ids).order_by(
        "indicator_id", "quarter"
    ):
        figures[actual.indicator_id].append(figure_from_actual(actual))
    ratings = {
        r.indicator_id: r for r in FinalRating.objects.filter(fiscal_year=fiscal_year, indicator_id__in=ids)
    }
    as_of = as_of_quarter or default_as_of(fiscal_year)
    rows = []
    for ind in indicators:
        progress, with_unapproved, unapproved = progress_with_unapproved(
            spec=spec_from_indicator(ind), figures=figures.get(ind.pk, []), as_of_quarter=as_of
        )
        rows.append(
            ProgressRow(
                indicator=ind,
                progress=progress,
                with_unapproved=with_unapproved,
                unapproved_count=unapproved,
                final_rating=ratings.get(ind.pk),
            )
        )
    return rows, as_of


def cumulative_shown(progress: IndicatorProgress) -> Decimal | None:
    """The cumulative actual as the dashboard prints it: a count exactly, a percentage rounded to 0.1 %."""
    return progress.actual_display


def forecast_shown(progress: IndicatorProgress) -> Decimal | None:
    """年度末見込み as the dashboard prints it and the workbook stores it: whole units (half-up) for counts, a
    ratio's rounded %."""
    return progress.forecast_display


def cumulative_text(progress: IndicatorProgress, unit: str) -> str:
    """The cumulative as the pages print it (「550社」「71.1%」「実施中」, 「—」 for none), by smrj_plan.formatting."""
    if progress.kind == Kind.MILESTONE:
        return MILESTONE_LABELS.get(progress.milestone_status, formatting.DASH)
    return formatting.figure(progress.actual, unit, is_percent=progress.kind in PERCENT_KINDS)


def forecast_text(progress: IndicatorProgress, unit: str) -> str:
    """年度末見込み as the pages print it (「807人」「71.1%」, 「—」 for none)."""
    return formatting.forecast(progress.forecast, unit, is_percent=progress.kind in PERCENT_KINDS)


def target_text(indicator: Indicator) -> str:
    """The target as the tables print it (「1,000社以上」), built from the numeric target."""
    return formatting.target_label(
        target=indicator.target,
        unit=indicator.unit,
        comparison=indicator.comparison,
        text=indicator.target_text,
    )


def person_name(user) -> str:
    """「山田 太郎（yamada）」: family name first, with the login, as the history pages and the workbook name people."""
    return formatting.person_name(user, with_username=True) if user is not None else "（システム）"


def is_percent_kind(kind: str) -> bool:
    return kind in PERCENT_KINDS


# ---------------------------------------------------------------------------------------------------------------
# Actuals: reading and entering


def indicators_visible(*, user, fiscal_year: FiscalYear | None = None):
    """Indicators the user may read (a 担当者: their department's; none without a role)."""
    return indicator_selectors.indicator_visible_list(user=user, fiscal_year=fiscal_year)


def actual_list(*, user, fiscal_year: FiscalYear):
    """The year's actuals of the indicators the user may read, drafts included (a 担当者 sees only their own
    department's, so never another department's draft), in plan order."""
    visible = indicators_visible(user=user, fiscal_year=fiscal_year)
    return (
        Actual.objects.filter(fiscal_year=fiscal_year, indicator__in=visible.values("pk"))
        .select_related("indicator__department", "fiscal_year", "updated_by", "submitted_by", "reviewed_by")
        .order_by("indicator__order", "quarter")
    )


def actual_display(actual: Actual) -> str:
    return indicator_selectors.actual_display(actual)


def indicator_is_due(indicator: Indicator, quarter: int) -> bool:
    return indicator_selectors.indicator_is_due(indicator=indicator, quarter=quarter)


def actual_form(*, indicator: Indicator, fiscal_year: FiscalYear, data: dict) -> ActualRowForm:
    """The entry page's form for one indicator, bound to the request's figures: the same fields, number
    parsing, limits and Japanese messages as the page (figure rules from services.actual_figure_errors)."""
    return ActualRowForm(data=data, indicator=indicator, fiscal_year=fiscal_year, prefix="")


def actual_input_fields(indicator: Indicator) -> list[str]:
    """The fields a request may send for this indicator's kind (the others belong to other kinds)."""
    return [*indicator_services.kind_fields(indicator), *indicator_services.COMMON_FIELDS]


def parse_int(text: str, *, min_value: int, max_value: int) -> int | None:
    """A whole number as the pages read query numbers (the shared bounded parser)."""
    return numbers.parse_int(text, min_value=min_value, max_value=max_value)


def parse_version(text: str) -> int | None:
    """A version as the pages read it (the shared bounded parser); ValidationError with a Japanese message."""
    return numbers.parse_version(text, field_label="")


def actual_save(**kwargs):
    return indicator_services.actual_save(**kwargs)


def actual_submit(**kwargs):
    return indicator_services.actual_submit(**kwargs)


def actual_conflict_message(current: Actual) -> str:
    return indicator_services.actual_conflict_message(current)


# ---------------------------------------------------------------------------------------------------------------
# Budgets


def budget_table_list(fiscal_year: FiscalYear):
    return budget_selectors.budget_table_list(fiscal_year=fiscal_year.year)


def budget_grid_get(fiscal_year: FiscalYear, kind: str, account_code: str):
    return budget_selectors.budget_grid_get(
        fiscal_year=fiscal_year.year, kind=kind, account_code=account_code
    )


def budget_grid_list(fiscal_year: FiscalYear):
    return budget_selectors.budget_grid_list(fiscal_year=fiscal_year.year)


def budget_reconciliation_list(fiscal_year: FiscalYear, kind: str | None, account_code: str | None):
    return budget_selectors.budget_reconciliation_list(
        fiscal_year=fiscal_year.year, kind=kind, account_code=account_code
    )


def budget_execution_summary(fiscal_year: FiscalYear, account_code: str, department_id: int | None):
    return budget_selectors.budget_execution_summary(
        fiscal_year=fiscal_year.year, account_code=account_code, department_id=department_id
    )


def million_text(amount: Decimal | None) -> str:
    """A published amount as the tables print it: 「1,234」「△1,234」, 「-」 for no amount."""
    return formatting.million(amount)


ROUNDING_TOLERANCE = budget_selectors.ROUNDING_TOLERANCE
