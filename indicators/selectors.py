"""Reads for indicators and their quarterly actuals, scoped by the access rules of `smrj_plan.permissions`.

担当者 see and edit the indicators of their own 部署; 管理者 and 監査担当 read everything (drafts included).
An object a user may not see raises Http404.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Max, OuterRef, Prefetch, QuerySet, Subquery
from django.http import Http404

from indicators.models import FIGURE_FIELDS, Actual, Indicator
from indicators.progress import QuarterFigure
from measures.models import FiscalYear, Measure, PlanDocument
from measures.periods import QUARTERS
from smrj_plan import formatting, permissions
from smrj_plan.models import QuarterLock
from smrj_plan.workflow import EntryState

# Kinds entered once a year, at 第4四半期 (their Indicator.frequency is "annual" too).
ANNUAL_KINDS = {Indicator.Kind.BENCHMARK, Indicator.Kind.BASELINE}
# Kinds whose quarterly figures add up over the year.
SUMMED_KINDS = {Indicator.Kind.COUNT, Indicator.Kind.EXACT, Indicator.Kind.COUNT_NO_TARGET}


def indicator_is_due(*, indicator: Indicator, quarter: int) -> bool:
    """Annual indicators take their figure at 第4四半期 only; the others every quarter."""
    if indicator.frequency == Indicator.Frequency.ANNUAL or indicator.kind in ANNUAL_KINDS:
        return quarter == 4
    return True


def indicator_visible_list(*, user, fiscal_year: FiscalYear | None = None) -> QuerySet[Indicator]:
    """Indicators the user may read: all for 管理者・監査担当, their department's for 担当者, none otherwise."""
    qs = Indicator.objects.select_related("department", "section", "parent")
    if fiscal_year is not None:
        qs = qs.filter(plan__fiscal_year=fiscal_year)
    department_id = permissions.read_department_filter(user)
    if department_id is None:
        return qs
    if department_id == permissions.NO_DEPARTMENT:
        return qs.none()
    return qs.filter(department_id=department_id)


def indicator_editable_list(*, user, fiscal_year: FiscalYear | None = None) -> QuerySet[Indicator]:
    """Indicators whose actuals the user may enter: a 担当者's own department's, nobody else's."""
    department_id = permissions.entry_department_id(user)
    if department_id is None:
        return Indicator.objects.none()
    qs = Indicator.objects.select_related("department", "section", "parent").filter(
        department_id=department_id
    )
    if fiscal_year is not None:
        qs = qs.filter(plan__fiscal_year=fiscal_year)
    return qs


def indicator_get_for_user(*, user, pk: int) -> Indicator:
    """The indicator if the user may read it, else Http404 (a 担当者 of another 部署 learns nothing)."""
    try:
        return indicator_visible_list(user=user).get(pk=pk)
    except Indicator.DoesNotExist:
        raise Http404("指標が見つかりません。") from None


def actual_get_for_user(*, user, pk: int) -> Actual:
    """The actual if the user may read it (via its indicator), else Http404."""
    visible = indicator_visible_list(user=user).values("pk")
    try:
        return Actual.objects.select_related("indicator", "fiscal_year").get(pk=pk, indicator__in=visible)
    except Actual.DoesNotExist:
        raise Http404("実績が見つかりません。") from None


def fiscal_year_get(*, year: int) -> FiscalYear:
    """The fiscal year with a plan, or 404."""
    try:
        return FiscalYear.objects.get(year=year, plan__isnull=False)
    except FiscalYear.DoesNotExist:
        raise Http404("年度が見つかりません。") from None


def fiscal_year_current() -> FiscalYear | None:
    """The latest fiscal year that has a plan."""
    return FiscalYear.objects.filter(plan__isnull=False).order_by("-year").first()


def quarter_is_locked(*, fiscal_year: FiscalYear, quarter: int) -> bool:
    return QuarterLock.objects.filter(fiscal_year=fiscal_year, quarter=quarter, is_locked=True).exists()


def quarter_lock_map(*, fiscal_year: FiscalYear) -> dict[int, QuarterLock]:
    return {lock.quarter: lock for lock in QuarterLock.objects.filter(fiscal_year=fiscal_year)}


@dataclass
class EntryRow:
    """One indicator's line on a quarter page: this quarter's actual, last quarter's and the cumulative."""

    indicator: Indicator
    actual: Actual | None
    previous: Actual | None
    due: bool
    cumulative: Decimal | None = None
    cumulative_label: str = ""
    history: list[Actual] = field(default_factory=list)


def _ratio_percent(numerator, denominator) -> Decimal | None:
    """numerator / denominator in %, rounded like every percentage (`formatting.round_percent`, half-up)."""
    if numerator is None or not denominator:
        return None
    return formatting.round_percent(Decimal(numerator) * 100 / Decimal(denominator))


def actual_display(actual: Actual | None) -> str:
    """A short Japanese rendering of an actual's figures, e.g. 「120社」 or 「75／100（75.0%）」."""
    if actual is None:
        return "—"
    return figure_display(actual, actual.indicator)


MILESTONE_LABELS = dict(Actual.MilestoneStatus.choices)
JUDGEMENT_LABELS = dict(Actual.Judgement.choices)


def figure_display(figure, indicator) -> str:
    """`actual_display` of anything with an actual's figure attributes (an Actual, a `progress.QuarterFigure`)."""
    kind = indicator.kind
    if kind in SUMMED_KINDS:
        return formatting.count(figure.value, indicator.unit)
    if kind in (Indicator.Kind.RATIO, Indicator.Kind.BASELINE):
        if figure.numerator is None:
            return "—"
        pct = _ratio_percent(figure.numerator, figure.denominator)
        text = formatting.ratio_pair(figure.numerator, figure.denominator)
        text += f"（{formatting.percent(pct)}）" if pct is not None else ""
        if kind == Indicator.Kind.BASELINE and figure.benchmark_rate is not None:
            text += f" 基準値{formatting.percent(figure.benchmark_rate)}"
        return text
    if kind == Indicator.Kind.BENCHMARK:
        if figure.growth_rate is None:
            return "—"
        text = f"支援先{formatting.percent(figure.growth_rate)}／実態調査{formatting.percent(figure.benchmark_rate)}"
        if figure.manual_judgement:
            text += f"（判定不能→{JUDGEMENT_LABELS.get(figure.manual_judgement, figure.manual_judgement)}）"
        return text
    if kind == Indicator.Kind.MILESTONE:
        return MILESTONE_LABELS.get(figure.milestone_status) or "—"
    return "—"


# An actual's figures as plain values (no model instances): what the progress arithmetic reads.
FIGURE_COLUMNS = ("indicator_id", "quarter", "state", *FIGURE_FIELDS)


def figures_from_rows(rows) -> dict[int, list[QuarterFigure]]:
    """FIGURE_COLUMNS rows grouped by indicator as QuarterFigures."""
    by_indicator: dict[int, list[QuarterFigure]] = defaultdict(list)
    for indicator_id, quarter, state, *figures in rows:
        by_indicator[indicator_id].append(
            QuarterFigure(quarter=quarter, state=state, **dict(zip(FIGURE_FIELDS, figures, strict=True)))
        )
    return by_indicator


def entry_rows(
    *, indicators, fiscal_year: FiscalYear, quarter: int, include_drafts: bool = True
) -> list[EntryRow]:
    """Rows for a quarter page in two queries (indicators, then every actual of the year for them).

    The cumulative adds quarters 1..quarter: a sum for counts, Σnumerator/Σdenominator for ratios."""
    indicators = list(indicators)
    actuals = Actual.objects.filter(indicator__in=indicators, fiscal_year=fiscal_year).select_related(
        "indicator", "updated_by", "submitted_by", "reviewed_by"
    )
    by_key = {(a.indicator_id, a.quarter): a for a in actuals}
    rows = []
    for ind in indicators:
        row = EntryRow(
            indicator=ind,
            actual=by_key.get((ind.pk, quarter)),
            previous=by_key.get((ind.pk, quarter - 1)) if quarter > 1 else None,
            due=indicator_is_due(indicator=ind, quarter=quarter),
        )
        upto = [by_key[(ind.pk, q)] for q in range(1, quarter + 1) if (ind.pk, q) in by_key]
        if not include_drafts:
            upto = [a for a in upto if a.state == EntryState.APPROVED]
        if ind.kind in SUMMED_KINDS:
            values = [a.value for a in upto if a.value is not None]
            if values:
                row.cumulative = sum(values, Decimal("0"))
                row.cumulative_label = formatting.count(row.cumulative, ind.unit)
        elif ind.kind == Indicator.Kind.RATIO:
            pairs = [(a.numerator, a.denominator) for a in upto if a.numerator is not None and a.denominator]
            if pairs:
                num = sum((p[0] for p in pairs), Decimal("0"))
                den = sum((p[1] for p in pairs), Decimal("0"))
                row.cumulative = _ratio_percent(num, den)
                row.cumulative_label = (
                    f"{formatting.ratio_pair(num, den)}（{formatting.percent(row.cumulative)}）"
                )
        rows.append(row)
    return rows


def quarter_state_summary(*, indicators, fiscal_year: FiscalYear) -> dict[int, dict[str, int]]:
    """Per quarter, how many actuals are in each state (one query)."""
    summary = {q: {s.value: 0 for s in EntryState} for q in QUARTERS}
    qs = Actual.objects.filter(indicator__in=indicators, fiscal_year=fiscal_year).values_list(
        "quarter", "state"
    )
    for quarter, state in qs:
        summary[quarter][state] += 1
    return summary


def actual_review_list(*, fiscal_year: FiscalYear, quarter: int) -> QuerySet[Actual]:
    """Every actual of a quarter, drafts included, for the managers' review page."""
    return (
        Actual.objects.filter(fiscal_year=fiscal_year, quarter=quarter)
        .select_related("indicator", "indicator__department", "updated_by", "submitted_by", "reviewed_by")
        .order_by("indicator__order")
    )


def actual_approvable_count(*, ids: list[int], user) -> int:
    """How many of these submitted actuals the user may approve: not those they submitted themselves."""
    return Actual.objects.filter(pk__in=ids, state="submitted").exclude(submitted_by=user).count()


def plan_indicator_list(*, plan: PlanDocument) -> QuerySet[Indicator]:
    """The plan's indicators with what the list and outline show (pillar, chapter, department, parent)
    joined in one query."""
    return (
        Indicator.objects.filter(plan=plan)
        .select_related("section__chapter", "department", "parent")
        .order_by("order")
    )


def plan_indicator_get(*, pk: int) -> Indicator:
    """One indicator with its pillar, department, parent, sub-targets and linked measures (4 queries)."""
    qs = Indicator.objects.select_related(
        "plan__fiscal_year", "section__chapter", "department", "parent"
    ).prefetch_related(
        Prefetch("sub_targets", queryset=Indicator.objects.order_by("order")),
        Prefetch(
            "measures",
            queryset=Measure.objects.select_related("chapter", "section", "heading__parent").order_by(
                "order"
            ),
        ),
    )
    try:
        return qs.get(pk=pk)
    except Indicator.DoesNotExist:
        raise Http404("指標が見つかりません。") from None


def _approved_actuals() -> QuerySet[Actual]:
    # What the default as-of quarter is read from: approved actuals only (a submitted figure moves nothing).
    return Actual.objects.filter(state=EntryState.APPROVED)


def actual_last_approved_quarter(*, fiscal_year: FiscalYear) -> int | None:
    """The last quarter of the year with any approved actual, or None before the first approval.

    The default as-of quarter of every page, the workbook and the API (docs/domain.md「時点」): one rule, here."""
    return _approved_actuals().filter(fiscal_year=fiscal_year).aggregate(q=Max("quarter"))["q"]


def fiscal_year_list_with_last_approved() -> list[FiscalYear]:
    """The fiscal years that have a plan, latest first, each with `last_approved_quarter` set by the same rule as
    `actual_last_approved_quarter`, in the one query that lists the years (a page pays no query for its
    default quarter)."""
    # The highest quarter as the first row in descending order: one step down the (fiscal_year, state, quarter)
    # index per year, where MAX over a GROUP BY read every approved actual of the year.
    last = _approved_actuals().filter(fiscal_year=OuterRef("pk")).order_by("-quarter").values("quarter")[:1]
    return list(
        FiscalYear.objects.filter(plan__isnull=False)
        .annotate(last_approved_quarter=Subquery(last))
        .order_by("-year")
    )
