"""Reads for the dashboard: every indicator's progress for a fiscal year as of a quarter, per pillar summaries,
and one indicator's quarterly detail.

Query shape (the same for 28 or 2,500 indicators, 1 or 10 years): one query for the indicators of the year with
their departments, a small one for their sections (with chapters), one for all their actuals of that year and one
for the final ratings, all as plain values (no model instances: the arithmetic needs only the figures and the state).
Everything else, the default as-of quarter included, is derived in Python by `indicators.progress`; the computed
rows are cached under the data version (`smrj_plan.data_version`), so an unchanged page is neither recomputed nor
shown stale, with one or many application servers (`indicator_progress_list`).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.cache import caches

from budgets.models import BudgetTable
from indicators import selectors as indicator_selectors
from indicators.models import Actual, FinalRating, Indicator
from indicators.progress import (
    SUMMARY_STATUSES,
    Grade,
    IndicatorProgress,
    Status,
    figure_from_actual,
    progress_compute,
    progress_with_unapproved,
    spec_from_indicator,
)
from measures.models import Chapter, Department, FiscalYear, PlanDocument, Section, StaffProfile
from measures.periods import QUARTERS, quarter_label
from smrj_plan import data_version, formatting, permissions
from smrj_plan.workflow import EntryState, state_label

# ---------------------------------------------------------------------------------------------------------------
# Period
# ---------------------------------------------------------------------------------------------------------------


def dashboard_fiscal_years() -> list[FiscalYear]:
    """Fiscal years that have a plan, latest first (the year selector)."""
    return list(FiscalYear.objects.filter(plan__isnull=False).order_by("-year"))


# ---------------------------------------------------------------------------------------------------------------
# Overview rows
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class IndicatorProgressRow:
    """One indicator's line on the overview: approved progress, the same with unapproved figures, final 評定."""

    indicator: IndicatorRowInfo
    progress: IndicatorProgress  # approved figures only
    with_unapproved: IndicatorProgress  # every entered figure (下書き・提出済み included)
    unapproved_count: int
    final_rating: FinalRating | None
    # The workflow state of each quarter entered, ((quarter, state), …): what 提出状況 counts (the landing page's
    # work summary is built from these rows, with no query of its own).
    states: tuple[tuple[int, str], ...] = ()
    # The row's <tr> as the overview tables rendered it, per table layout (IndicatorProgressTable.body_rows);
    # cached rows keep it, so an unchanged row is not formatted again.
    html: dict = field(default_factory=dict, compare=False, repr=False)

    @property
    def pillar(self) -> Section:
        return self.indicator.section

    @property
    def has_unapproved(self) -> bool:
        return self.unapproved_count > 0

    # Sort keys for the table: a missing figure (未入力, 判定不能) ranks below every figure, so it comes first
    # in ascending order (the worst first) and last in descending order.
    @property
    def sort_rate(self) -> tuple:
        return _sort_key(self.progress.achievement_rate)

    @property
    def sort_pace_rate(self) -> tuple:
        return _sort_key(self.progress.pace_rate)

    @property
    def sort_actual(self) -> tuple:
        return _sort_key(self.progress.actual)

    @property
    def sort_forecast_rate(self) -> tuple:
        return _sort_key(self.progress.forecast_rate)

    @property
    def sort_status(self) -> int:
        return list(Status).index(self.progress.status)

    @property
    def sort_grade(self) -> tuple:
        return _sort_key(None if self.progress.grade is None else "SABCD".index(self.progress.grade))

    @property
    def sort_final(self) -> tuple:
        return _sort_key(None if self.final_rating is None else "SABCD".index(self.final_rating.grade))


def _sort_key(value) -> tuple:
    return (value is not None, value if value is not None else 0)


@dataclass
class PillarSummary:
    """How many of a pillar's rated indicators are in each status (reference indicators are not targets)."""

    section: Section
    counts: dict[Status, int]
    rated: int
    reference: int

    @property
    def count_list(self) -> list[tuple[Status, int]]:
        return [(status, self.counts[status]) for status in SUMMARY_STATUSES]


@dataclass
class DashboardOverview:
    fiscal_year: FiscalYear
    as_of_quarter: int
    rows: list[IndicatorProgressRow]
    pillars: list[PillarSummary]
    has_approved_data: bool
    pillar_choices: list[Section] = field(default_factory=list)
    department_choices: list[Department] = field(default_factory=list)
    all_rows: list[IndicatorProgressRow] = field(default_factory=list)  # every readable indicator, unfiltered

    @property
    def as_of_label(self) -> str:
        return quarter_label(self.as_of_quarter)

    @property
    def totals(self) -> dict[Status, int]:
        totals = dict.fromkeys(SUMMARY_STATUSES, 0)
        for pillar in self.pillars:
            for status, n in pillar.counts.items():
                totals[status] += n
        return totals


# What a progress row reads of an indicator; the plan's text and notes stay in the database.
INDICATOR_ROW_FIELDS = (
    "id",
    "code",
    "order",
    "name",
    "category",
    "kind",
    "target",
    "target_text",
    "unit",
    "comparison",
    "direction",
    "benchmark_multiplier",
    "is_effort_target",
    "frequency",
    "section_id",
    "department_id",
    "parent_id",
)


# Every column of a department but its id (read joined to the indicators: the key sees any rename).
DEPARTMENT_FIELDS = tuple(f.attname for f in Department._meta.concrete_fields if not f.primary_key)


@dataclass(slots=True)
class IndicatorRowInfo:
    """An indicator as a progress row reads it (the fields of INDICATOR_ROW_FIELDS, section and department).

    A read model rather than Indicator instances: building 250 model instances costs more than the whole
    progress arithmetic of the page. It has the attributes `spec_from_indicator` and the tables read."""

    id: int
    code: str
    order: int
    name: str
    category: str
    kind: str
    target: Decimal | None
    target_text: str
    unit: str
    comparison: str
    direction: str
    benchmark_multiplier: Decimal | None
    is_effort_target: bool
    frequency: str
    section_id: int
    department_id: int
    parent_id: int | None
    section: Section | None = None
    department: Department | None = None

    @property
    def pk(self) -> int:
        return self.id


def dashboard_indicator_queryset(*, user, fiscal_year: FiscalYear):
    """The indicators of the year the user may read, in plan order."""
    return (
        indicator_selectors.indicator_visible_list(user=user, fiscal_year=fiscal_year)
        .select_related(None)
        .order_by("order")
    )


RATING_FIELDS = ("id", "indicator_id", "fiscal_year_id", "grade", "reason", "set_by_id", "set_at")
# The cache of computed rows and of what pages render from them alone (settings.CACHES["progress"]): per
# process by default, and correct with any number of processes, since every key holds the data version.
PROGRESS_CACHE = "progress"
PROGRESS_CACHE_SECONDS = 3600


def _cache_key(*parts) -> tuple:
    """A cache key for these parts (hashable values, compared by equality: smrj_plan.cache.ObjectCache)."""
    return ("progress", *parts)


def _reader_scope(user) -> tuple:
    """What decides which rows a user reads and which as-of quarter is their default."""
    return (permissions.read_department_filter(user), permissions.can_read_all(user))


def indicator_progress_list(
    *,
    user,
    fiscal_year: FiscalYear,
    as_of_quarter: int | None = None,
    department_id: int | None = None,
    section_id: int | None = None,
) -> tuple[list[IndicatorProgressRow], int, bool]:
    """Progress rows of every indicator the user may read, as of a quarter (see `_indicator_progress`)."""
    return _indicator_progress(
        user=user,
        fiscal_year=fiscal_year,
        as_of_quarter=as_of_quarter,
        department_id=department_id,
        section_id=section_id,
    )


def _indicator_progress(
    *,
    user,
    fiscal_year: FiscalYear,
    as_of_quarter: int | None = None,
    department_id: int | None = None,
    section_id: int | None = None,
) -> tuple[list[IndicatorProgressRow], int, bool]:
    """Progress rows of every indicator the user may read, as of a quarter.

    `as_of_quarter` None means the last quarter with approved data (第1四半期 before any approval).
    Returns (rows, as-of quarter, whether any approved figure exists).

    The rows are cached under the data version (`smrj_plan.data_version`, one query) with the year, the
    reader's scope and the arguments: any change of the data, by whatever path, is a new version, so a cached
    row is never shown for data it did not see. On a miss: four queries whatever the sizes (indicators with
    their departments, sections, actuals, final ratings)."""
    version = data_version.current()
    key = None
    if version is not None:
        key = _cache_key(
            version, fiscal_year.pk, _reader_scope(user), as_of_quarter, department_id, section_id
        )
        hit = caches[PROGRESS_CACHE].get(key)
        if hit is not None:
            rows, as_of, has_approved = hit
            return list(rows), as_of, has_approved  # a caller may sort its list, not the cached one
    rows, as_of, has_approved = _indicator_progress_compute(
        version=version,
        user=user,
        fiscal_year=fiscal_year,
        as_of_quarter=as_of_quarter,
        department_id=department_id,
        section_id=section_id,
    )
    if key is not None:
        caches[PROGRESS_CACHE].set(key, (rows, as_of, has_approved), PROGRESS_CACHE_SECONDS)
    return list(rows), as_of, has_approved


# The tables the indicators' own rows (with departments, sections, chapters) are read from, and what decides
# which of them a user reads: a new actual or rating leaves these as they were.
INDICATOR_TABLES = tuple(
    model._meta.db_table
    for model in (Indicator, Department, Section, Chapter, PlanDocument, FiscalYear, StaffProfile)
)


def _indicator_values(*, version, user, fiscal_year: FiscalYear, department_id, section_id, qs):
    """The indicators' values (INDICATOR_ROW_FIELDS and the department's columns) and their sections, cached
    under the version of INDICATOR_TABLES alone."""
    key = None
    if version is not None:
        key = _cache_key(
            "indicators",
            version.of(*INDICATOR_TABLES),
            fiscal_year.pk,
            _reader_scope(user),
            department_id,
            section_id,
        )
        hit = caches[PROGRESS_CACHE].get(key)
        if hit is not None:
            return hit
    # The department's few columns come joined (one query less); sections carry long texts, read apart.
    ind_values = list(
        qs.values_list(*INDICATOR_ROW_FIELDS, *(f"department__{name}" for name in DEPARTMENT_FIELDS))
    )
    section_pos = INDICATOR_ROW_FIELDS.index("section_id")
    sections = {}
    if ind_values:
        sections = {
            s.pk: s
            for s in Section.objects.filter(pk__in={r[section_pos] for r in ind_values}).select_related(
                "chapter"
            )
        }
    value = (ind_values, sections)
    if key is not None:
        caches[PROGRESS_CACHE].set(key, value, PROGRESS_CACHE_SECONDS)
    return value


def _indicator_progress_compute(
    *,
    version,
    user,
    fiscal_year: FiscalYear,
    as_of_quarter: int | None,
    department_id: int | None,
    section_id,
) -> tuple[list[IndicatorProgressRow], int, bool]:
    qs = dashboard_indicator_queryset(user=user, fiscal_year=fiscal_year)
    if department_id is not None:
        qs = qs.filter(department_id=department_id)
    if section_id is not None:
        qs = qs.filter(section_id=section_id)
    ind_values, sections = _indicator_values(
        version=version,
        user=user,
        fiscal_year=fiscal_year,
        department_id=department_id,
        section_id=section_id,
        qs=qs,
    )
    # The same filter as a subquery: cheaper to build than an IN list of every id, and just as exact.
    indicator_ids = qs.values("pk")
    fig_values = list(
        # Ordered by the columns alone: Actual's default ordering would join two tables to sort by.
        Actual.objects.filter(fiscal_year=fiscal_year, indicator_id__in=indicator_ids)
        .order_by("indicator_id", "quarter")
        .values_list(*indicator_selectors.FIGURE_COLUMNS)
    )
    rating_values = list(
        FinalRating.objects.filter(fiscal_year=fiscal_year, indicator_id__in=indicator_ids)
        .order_by("indicator_id")
        .values_list(*RATING_FIELDS)
    )
    if as_of_quarter is None and not permissions.can_read_all(user):
        # The year's last approved quarter, not the department's: every page and the workbook start alike.
        as_of_quarter = indicator_selectors.actual_last_approved_quarter(fiscal_year=fiscal_year)
    section_pos = INDICATOR_ROW_FIELDS.index("section_id")
    n_fields = len(INDICATOR_ROW_FIELDS)
    figures_raw: dict[int, list[tuple]] = defaultdict(list)
    for values in fig_values:
        figures_raw[values[0]].append(values)
    last_approved = max((v[1] for v in fig_values if v[2] == EntryState.APPROVED), default=None)
    as_of = as_of_quarter or last_approved or 1
    ratings_raw = {values[1]: values for values in rating_values}
    section_keys = {pk: (_columns(s), _columns(s.chapter)) for pk, s in sections.items()}
    cache = caches[PROGRESS_CACHE]
    departments: dict[int, Department] = {}
    rows = []
    for values in ind_values:
        ind_id = values[0]
        # A row is the same row while everything it is computed from is the same: its indicator (with the
        # department's columns), section, figures of the year, final rating and the as-of quarter. Unchanged
        # rows come from the cache even right after a change elsewhere; the key holds the data itself.
        row_key = (
            "row",
            as_of,
            values,
            section_keys[values[section_pos]],
            tuple(figures_raw.get(ind_id, ())),
            ratings_raw.get(ind_id),
        )
        row = cache.get(row_key)
        if row is None:
            row = _progress_row(
                values=values,
                n_fields=n_fields,
                section=sections[values[section_pos]],
                departments=departments,
                figures=indicator_selectors.figures_from_rows(figures_raw.get(ind_id, ())).get(ind_id, []),
                rating=ratings_raw.get(ind_id),
                as_of=as_of,
            )
            cache.set(row_key, row, PROGRESS_CACHE_SECONDS)
        rows.append(row)
    return rows, as_of, last_approved is not None


def _columns(instance) -> tuple:
    """Every stored column of a model instance: what a cache key needs to notice any change of it."""
    return tuple(getattr(instance, f.attname) for f in instance._meta.concrete_fields)


def _progress_row(*, values, n_fields, section, departments, figures, rating, as_of) -> IndicatorProgressRow:
    """One indicator's progress row from its values (INDICATOR_ROW_FIELDS and the department's columns)."""
    ind = IndicatorRowInfo(*values[:n_fields])
    ind.section = section
    ind.department = departments.get(ind.department_id)
    if ind.department is None:
        ind.department = departments[ind.department_id] = Department(
            id=ind.department_id, **dict(zip(DEPARTMENT_FIELDS, values[n_fields:], strict=True))
        )
    progress, with_unapproved, unapproved = progress_with_unapproved(
        spec=spec_from_indicator(ind), figures=figures, as_of_quarter=as_of
    )
    return IndicatorProgressRow(
        indicator=ind,
        progress=progress,
        with_unapproved=with_unapproved,
        unapproved_count=unapproved,
        final_rating=None if rating is None else FinalRating(**dict(zip(RATING_FIELDS, rating, strict=True))),
        states=tuple((f.quarter, f.state) for f in figures),
    )


def pillar_summaries(*, rows: list[IndicatorProgressRow]) -> list[PillarSummary]:
    """Status counts per pillar (sections of chapter I), in plan order; no queries."""
    by_section: dict[int, PillarSummary] = {}
    for row in rows:
        section = row.indicator.section
        if section.chapter.number != 1:
            continue
        summary = by_section.get(section.pk)
        if summary is None:
            summary = by_section[section.pk] = PillarSummary(
                section=section, counts=dict.fromkeys(SUMMARY_STATUSES, 0), rated=0, reference=0
            )
        if row.progress.is_rated:
            summary.counts[row.progress.status] += 1
            summary.rated += 1
        else:
            summary.reference += 1
    return sorted(by_section.values(), key=lambda s: s.section.number)


def dashboard_overview(
    *,
    user,
    fiscal_year: FiscalYear,
    as_of_quarter: int | None = None,
    department_id: int | None = None,
    section_id: int | None = None,
    status: str | None = None,
) -> DashboardOverview:
    """The overview: pillar summaries and the indicator rows, filtered by department, pillar and status.

    Every readable indicator of the year is computed once and the filters apply in Python: the default as-of
    quarter and the filter choices then come from the same rows, with no further query. The pillar summaries
    follow the department filter (whose targets) but not the pillar or status filters (which rows to list)."""
    rows, as_of, has_approved = _indicator_progress(
        user=user, fiscal_year=fiscal_year, as_of_quarter=as_of_quarter
    )
    pillar_choices = sorted(
        {
            r.indicator.section_id: r.indicator.section
            for r in rows
            if r.indicator.section.chapter.number == 1
        }.values(),
        key=lambda s: s.number,
    )
    department_choices = sorted(
        {r.indicator.department_id: r.indicator.department for r in rows}.values(),
        key=lambda d: (d.order, d.code),
    )
    all_rows = rows
    if department_id is not None:
        rows = [r for r in rows if r.indicator.department_id == department_id]
    pillars = pillar_summaries(rows=rows)
    if section_id is not None:
        rows = [r for r in rows if r.indicator.section_id == section_id]
    if status:
        rows = [r for r in rows if r.progress.status == status]
    overview = DashboardOverview(
        fiscal_year=fiscal_year,
        as_of_quarter=as_of,
        rows=rows,
        pillars=pillars,
        has_approved_data=has_approved,
        pillar_choices=pillar_choices,
        department_choices=department_choices,
        all_rows=all_rows,
    )
    return overview


def pillar_get(*, fiscal_year: FiscalYear, number: int) -> Section:
    """A pillar (section of chapter I) of the year's plan, or 404."""
    from django.http import Http404

    try:
        return Section.objects.select_related("chapter").get(
            chapter__plan__fiscal_year=fiscal_year, chapter__number=1, number=number
        )
    except Section.DoesNotExist:
        raise Http404("柱が見つかりません。") from None


# ---------------------------------------------------------------------------------------------------------------
# One indicator
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class QuarterEntry:
    """A quarter's line in the indicator page's table."""

    quarter: int
    actual: Actual | None
    display: str
    is_due: bool

    @property
    def label(self) -> str:
        return quarter_label(self.quarter)

    @property
    def state_label(self) -> str:
        return state_label(self.actual.state) if self.actual else "未入力"

    @property
    def state_css(self) -> str:
        return f"state-{self.actual.state}" if self.actual else ""


@dataclass
class IndicatorDetail:
    indicator: Indicator
    fiscal_year: FiscalYear
    as_of_quarter: int
    progress: IndicatorProgress
    with_unapproved: IndicatorProgress
    quarters: list[QuarterEntry]
    final_rating: FinalRating | None
    rating_history: list = field(default_factory=list)

    @property
    def as_of_label(self) -> str:
        return quarter_label(self.as_of_quarter)

    @property
    def has_unapproved(self) -> bool:
        return any(
            q.actual is not None and q.quarter <= self.as_of_quarter and q.actual.state != EntryState.APPROVED
            for q in self.quarters
        )


def indicator_progress_detail(*, user, pk: int, as_of_quarter: int | None = None) -> IndicatorDetail:
    """One indicator's progress and quarterly entries (404 if the user may not read it).

    The as-of quarter defaults to the year's last quarter with approved data, as on the overview."""
    indicator = indicator_selectors.indicator_get_for_user(user=user, pk=pk)
    fiscal_year = FiscalYear.objects.get(plan__indicators=indicator)
    actuals = list(
        Actual.objects.filter(indicator=indicator, fiscal_year=fiscal_year)
        .select_related("updated_by", "reviewed_by")
        .order_by("quarter")
    )
    as_of = as_of_quarter or indicator_selectors.actual_last_approved_quarter(fiscal_year=fiscal_year) or 1
    spec = spec_from_indicator(indicator)
    figs = [figure_from_actual(a) for a in actuals]
    by_quarter = {a.quarter: a for a in actuals}
    for a in actuals:
        a.indicator = indicator  # actual_display reads the unit without another query
    quarters = [
        QuarterEntry(
            quarter=q,
            actual=by_quarter.get(q),
            display=indicator_selectors.actual_display(by_quarter.get(q)),
            is_due=indicator_selectors.indicator_is_due(indicator=indicator, quarter=q),
        )
        for q in QUARTERS
    ]
    final_rating = (
        FinalRating.objects.filter(indicator=indicator, fiscal_year=fiscal_year)
        .select_related("set_by")
        .first()
    )
    history = []
    if final_rating is not None:
        history = list(final_rating.history.select_related("history_user").order_by("-history_date")[:20])
    return IndicatorDetail(
        indicator=indicator,
        fiscal_year=fiscal_year,
        as_of_quarter=as_of,
        progress=progress_compute(spec=spec, figures=figs, as_of_quarter=as_of),
        with_unapproved=progress_compute(
            spec=spec, figures=figs, as_of_quarter=as_of, include_unapproved=True
        ),
        quarters=quarters,
        final_rating=final_rating,
        rating_history=history,
    )


GRADE_CHOICES = [(g.value, g.value) for g in Grade]


def fiscal_year_get(*, year: int) -> FiscalYear:
    """The fiscal year with a plan, or 404."""
    return indicator_selectors.fiscal_year_get(year=year)


# ---------------------------------------------------------------------------------------------------------------
# Budget execution (執行率 by segment and quarter)
# ---------------------------------------------------------------------------------------------------------------

EXPENSE_HEADING = "支出"


@dataclass
class SegmentExecution:
    """One column (業務 segment / 経理) of a 勘定's 予算計画 支出: budget and approved execution per quarter."""

    label: str
    budget: Decimal | None  # None when every line of the column is published as 「-」 (no amount, not 0)
    executed: dict[int, Decimal]  # quarter → approved amount
    pending: Decimal  # not yet approved, all quarters
    through: int = (
        4  # the last quarter with any approved execution in the 勘定; later quarters have no rate yet
    )

    @property
    def cumulative(self) -> list[Decimal]:
        running, out = Decimal("0"), []
        for q in QUARTERS:
            running += self.executed.get(q, Decimal("0"))
            out.append(running)
        return out

    @property
    def cumulative_rates(self) -> list[Decimal | None]:
        """累計執行率 after each quarter, rounded like every percentage (`round_percent`); None without budget."""
        if not self.budget:
            return [None] * len(QUARTERS)
        return [
            formatting.round_percent(c * 100 / self.budget) if q <= self.through else None
            for q, c in zip(QUARTERS, self.cumulative, strict=True)
        ]

    @property
    def total(self) -> Decimal:
        return self.cumulative[-1]

    @property
    def rate(self) -> Decimal | None:
        """累計執行率 as of the last quarter with approved executions."""
        return self.cumulative_rates[self.through - 1] if self.through else None

    @property
    def quarter_cells(self) -> list[tuple[str, str]]:
        """(執行額, 累計執行率) per quarter as shown (`smrj_plan.formatting`): 百万円 to 千円 with 「△」 for
        negatives, the rate in %; 「—」 after the last quarter with approved executions."""
        return [
            (
                formatting.executed(self.executed.get(q, Decimal("0")))
                if q <= self.through
                else formatting.DASH,
                formatting.percent(rate),
            )
            for q, rate in zip(QUARTERS, self.cumulative_rates, strict=True)
        ]

    @property
    def budget_text(self) -> str:
        return formatting.million(self.budget)

    @property
    def pending_text(self) -> str:
        return formatting.executed(self.pending)


@dataclass
class BudgetExecutionOverview:
    account_code: str
    account_name: str
    segments: list[SegmentExecution]
    total: SegmentExecution


def budget_execution_by_segment(
    *, fiscal_year: FiscalYear, account_code: str, department_id: int | None = None
) -> BudgetExecutionOverview:
    """執行率 of a 勘定's 予算計画 支出 per column and quarter, from the budgets app's execution summary.

    予算額 is the sum of the published item cells (「-」 counts as none); 執行額 counts approved amounts only,
    the others are shown apart as pending."""
    from budgets.selectors import budget_execution_summary

    try:
        summary = budget_execution_summary(
            fiscal_year=fiscal_year.year, account_code=account_code, department_id=department_id
        )
    except BudgetTable.DoesNotExist:
        from django.http import Http404

        raise Http404("予算計画が見つかりません。") from None
    expense_lines = [line for label, lines in summary.sections if EXPENSE_HEADING in label for line in lines]
    if not expense_lines and not summary.sections:
        expense_lines = summary.lines
    segments: dict[str, SegmentExecution] = {}
    total = SegmentExecution(label="合計", budget=None, executed={}, pending=Decimal("0"))
    for line in expense_lines:
        seg = segments.get(line.column_label)
        if seg is None:
            seg = segments[line.column_label] = SegmentExecution(
                label=line.column_label, budget=None, executed={}, pending=Decimal("0")
            )
        for target in (seg, total):
            if line.budget is not None:  # 「-」 adds nothing; a column of 「-」 only keeps None, shown 「-」
                target.budget = (target.budget or Decimal("0")) + line.budget
            target.pending += line.pending_total
            for q, amount in line.approved.items():
                target.executed[q] = target.executed.get(q, Decimal("0")) + amount
    through = max((q for seg in (*segments.values(), total) for q in seg.executed), default=0)
    for seg in (*segments.values(), total):
        seg.through = through
    return BudgetExecutionOverview(
        account_code=summary.account_code,
        account_name=summary.account_name,
        segments=list(segments.values()),
        total=total,
    )
