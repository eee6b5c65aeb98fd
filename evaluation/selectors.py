"""Reads for the measures' quarterly 取組状況, with the access rules of the indicators (docs/domain.md「利用者と権限」).

A 担当者 sees and enters the measures of their own 部署; 管理者 and 監査担当 read every measure, drafts included.
What a user may not see is a 404; what they may see but not change is a 403. Only approved entries count as a
measure's status on the pages, the workbook and the 自己評価書, as for the indicators' figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import QuerySet
from django.http import Http404

from evaluation.models import MeasureProgress, MeasureStatus
from measures.models import FiscalYear, Measure
from measures.periods import QUARTERS
from smrj_plan import permissions
from smrj_plan.workflow import EntryState

STATUS_LABELS = dict(MeasureStatus.choices)
# The order statuses are counted and listed in, with 未報告 (no approved entry yet) last.
STATUS_ORDER = [
    MeasureStatus.DONE,
    MeasureStatus.AHEAD,
    MeasureStatus.ON_SCHEDULE,
    MeasureStatus.DELAYED,
    MeasureStatus.NOT_STARTED,
]
NOT_REPORTED = "not_reported"
NOT_REPORTED_LABEL = "未報告"


def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, NOT_REPORTED_LABEL)


def _measures(plan=None) -> QuerySet[Measure]:
    qs = Measure.objects.select_related("chapter", "section", "heading", "department")
    return qs.filter(plan=plan) if plan is not None else qs


def measure_plan_list(*, plan, department_code: str = "") -> QuerySet[Measure]:
    """Every measure of a plan in the plan's order (the plan is public: every role reads the list), optionally
    only one 部署's."""
    qs = _measures(plan=plan).order_by("order")
    return qs.filter(department__code=department_code) if department_code else qs


def measure_visible_list(*, user, fiscal_year: FiscalYear | None = None) -> QuerySet[Measure]:
    """Measures whose progress the user may read: all for 管理者・監査担当, their 部署's for a 担当者."""
    qs = _measures()
    if fiscal_year is not None:
        qs = qs.filter(plan__fiscal_year=fiscal_year)
    department_id = permissions.read_department_filter(user)
    return qs if department_id is None else qs.filter(department_id=department_id)


def measure_editable_list(*, user, fiscal_year: FiscalYear) -> QuerySet[Measure]:
    """Measures whose progress the user may enter: a 担当者's own 部署's, nobody else's."""
    department_id = permissions.entry_department_id(user)
    if department_id is None:
        return Measure.objects.none()
    return _measures().filter(plan__fiscal_year=fiscal_year, department_id=department_id).order_by("order")


def measure_can_edit(*, user, measure: Measure) -> bool:
    return measure.department_id is not None and permissions.can_enter_for(user, measure.department_id)


def measure_get_for_user(*, user, pk: int) -> Measure:
    try:
        return measure_visible_list(user=user).select_related("plan__fiscal_year").get(pk=pk)
    except Measure.DoesNotExist:
        raise Http404("施策が見つかりません。") from None


def progress_get_for_user(*, user, pk: int) -> MeasureProgress:
    visible = measure_visible_list(user=user).values("pk")
    try:
        return MeasureProgress.objects.select_related("measure__department", "fiscal_year").get(
            pk=pk, measure__in=visible
        )
    except MeasureProgress.DoesNotExist:
        raise Http404("取組状況が見つかりません。") from None


def require_staff_entry(user) -> None:
    permissions.require_entry(user, "取組状況を入力できるのは部署に所属する担当者だけです。")


@dataclass
class ProgressRow:
    """One measure on a quarter page: this quarter's entry, last quarter's, and the year's entries."""

    measure: Measure
    entry: MeasureProgress | None
    previous: MeasureProgress | None
    year: dict[int, MeasureProgress] = field(default_factory=dict)


def progress_rows(*, measures, fiscal_year: FiscalYear, quarter: int) -> list[ProgressRow]:
    """Rows for a quarter page in two queries (measures, then every entry of the year for them)."""
    measures = list(measures)
    entries = MeasureProgress.objects.filter(measure__in=measures, fiscal_year=fiscal_year).select_related(
        "updated_by", "submitted_by", "reviewed_by"
    )
    by_measure: dict[int, dict[int, MeasureProgress]] = {}
    for entry in entries:
        by_measure.setdefault(entry.measure_id, {})[entry.quarter] = entry
    rows = []
    for m in measures:
        year = by_measure.get(m.pk, {})
        for entry in year.values():
            entry.measure = m  # no query for entry.measure in templates and messages
        rows.append(
            ProgressRow(
                measure=m,
                entry=year.get(quarter),
                previous=year.get(quarter - 1) if quarter > 1 else None,
                year=year,
            )
        )
    return rows


def progress_state_summary(*, measures, fiscal_year: FiscalYear) -> dict[int, dict[str, int]]:
    """Per quarter, how many entries are in each workflow state (one query)."""
    summary = {q: {s.value: 0 for s in EntryState} for q in QUARTERS}
    qs = MeasureProgress.objects.filter(measure__in=measures, fiscal_year=fiscal_year).values_list(
        "quarter", "state"
    )
    for quarter, state in qs:
        summary[quarter][state] += 1
    return summary


def progress_review_list(*, fiscal_year: FiscalYear, quarter: int) -> QuerySet[MeasureProgress]:
    """Every entry of a quarter, drafts included, for the managers' review page."""
    return (
        MeasureProgress.objects.filter(fiscal_year=fiscal_year, quarter=quarter)
        .select_related(
            "measure__department",
            "measure__chapter",
            "measure__section",
            "updated_by",
            "submitted_by",
            "reviewed_by",
        )
        .order_by("measure__order")
    )


@dataclass(frozen=True)
class LatestStatus:
    """A measure's latest approved status up to a quarter (None entry: nothing approved yet → 未報告)."""

    entry: MeasureProgress | None

    @property
    def status(self) -> str:
        return self.entry.status if self.entry is not None else NOT_REPORTED

    @property
    def label(self) -> str:
        return status_label(self.status)

    @property
    def quarter(self) -> int | None:
        return self.entry.quarter if self.entry is not None else None


def measure_latest_status_map(
    *, fiscal_year: FiscalYear, as_of_quarter: int = 4, measure_ids=None
) -> dict[int, LatestStatus]:
    """{measure id: LatestStatus} from the approved entries up to `as_of_quarter`, in one query.

    Measures with no approved entry are absent; callers show them as 未報告."""
    qs = MeasureProgress.objects.filter(
        fiscal_year=fiscal_year, state=EntryState.APPROVED, quarter__lte=as_of_quarter
    ).order_by("measure_id", "quarter")
    if measure_ids is not None:
        qs = qs.filter(measure_id__in=measure_ids)
    latest: dict[int, MeasureProgress] = {}
    for entry in qs:
        latest[entry.measure_id] = entry  # ordered by quarter: the last one wins
    return {pk: LatestStatus(entry) for pk, entry in latest.items()}


def status_counts(statuses: dict[int, LatestStatus], measure_ids) -> list[tuple[str, str, int]]:
    """[(status, label, count)] over `measure_ids`, in STATUS_ORDER with 未報告 last (every status listed)."""
    counts = {s: 0 for s in [*STATUS_ORDER, NOT_REPORTED]}
    for pk in measure_ids:
        latest = statuses.get(pk)
        counts[latest.status if latest else NOT_REPORTED] += 1
    return [(s, status_label(s), n) for s, n in counts.items()]


@dataclass
class MeasureStatusLine:
    """A measure on a pillar page or the plan page: its latest approved status (None: the user may not see it)."""

    measure: Measure
    latest: LatestStatus | None

    @property
    def status(self) -> str:
        return self.latest.status if self.latest is not None else ""

    @property
    def label(self) -> str:
        return self.latest.label if self.latest is not None else ""


@dataclass
class MeasureStatusGroup:
    """Counts by status of one 評価項目's measures (the dashboard) and the measures themselves (a pillar page)."""

    code: str
    label: str
    counts: list[tuple[str, str, int]]
    lines: list[MeasureStatusLine]

    @property
    def total(self) -> int:
        return sum(n for _status, _label, n in self.counts)


def measure_status_groups(
    *, user, fiscal_year: FiscalYear, as_of_quarter: int, section_id: int | None = None
) -> list[MeasureStatusGroup]:
    """The measures the user may see, grouped by 評価項目 (one pillar when `section_id`), each with its latest
    approved status as of `as_of_quarter` and the counts by status (2 queries whatever the number of measures).

    A 担当者 sees their own 部署's measures, as on the dashboard; 管理者 and 監査担当 every measure."""
    from evaluation.items import evaluation_item_of

    measures = measure_visible_list(user=user, fiscal_year=fiscal_year).order_by("order")
    if section_id is not None:
        measures = measures.filter(section_id=section_id)
    measures = list(measures)
    statuses = measure_latest_status_map(
        fiscal_year=fiscal_year, as_of_quarter=as_of_quarter, measure_ids=[m.pk for m in measures]
    )
    groups: dict[str, MeasureStatusGroup] = {}
    for m in measures:
        item = evaluation_item_of(chapter=m.chapter, section=m.section)
        group = groups.get(item.code)
        if group is None:
            group = groups[item.code] = MeasureStatusGroup(
                code=item.code, label=item.label, counts=[], lines=[]
            )
        group.lines.append(MeasureStatusLine(measure=m, latest=statuses.get(m.pk, LatestStatus(None))))
    for group in groups.values():
        group.counts = status_counts(statuses, [line.measure.pk for line in group.lines])
    return list(groups.values())


def measure_status_totals(groups: list[MeasureStatusGroup]) -> list[tuple[str, str, int]]:
    """The counts of several groups added up, in the same order."""
    totals: dict[str, list] = {}
    for group in groups:
        for status, label, n in group.counts:
            totals.setdefault(status, [label, 0])[1] += n
    return [(status, label, n) for status, (label, n) in totals.items()]


def measure_plan_status_map(*, user, fiscal_year: FiscalYear, as_of_quarter: int) -> dict[int, LatestStatus]:
    """{measure id: LatestStatus} for the measures the user may see (the plan page marks them; others unmarked)."""
    visible = measure_visible_list(user=user, fiscal_year=fiscal_year).values_list("pk", flat=True)
    visible = list(visible)
    statuses = measure_latest_status_map(
        fiscal_year=fiscal_year, as_of_quarter=as_of_quarter, measure_ids=visible
    )
    return {pk: statuses.get(pk, LatestStatus(None)) for pk in visible}


def progress_open_work(*, fiscal_year: FiscalYear, quarter: int):
    """The quarter's 取組状況 not yet approved, per responsible department (未入力 included), for the 締め
    confirmation (smrj_plan.quarter_work). Two queries."""
    from collections import Counter

    from django.urls import reverse

    from smrj_plan.quarter_work import OpenItem, OpenWork

    states = dict(
        MeasureProgress.objects.filter(fiscal_year=fiscal_year, quarter=quarter).values_list(
            "measure_id", "state"
        )
    )
    by_department: dict[str, Counter] = {}
    for measure_id, department in (
        Measure.objects.filter(plan__fiscal_year=fiscal_year)
        .order_by("department__order", "order")
        .values_list("id", "department__name")
    ):
        state = states.get(measure_id)
        if state != EntryState.APPROVED:
            by_department.setdefault(department or "担当部署なし", Counter())[state or "missing"] += 1
    labels = {"missing": "未入力"} | {s.value: s.label for s in EntryState}
    url = reverse("evaluation:review", args=[fiscal_year.year, quarter])
    work = OpenWork(title="施策の取組状況（担当部署ごとの施策数）")
    for department, counts in by_department.items():
        order = ("missing", EntryState.DRAFT, EntryState.SUBMITTED, EntryState.RETURNED)
        work.items.append(
            OpenItem(
                label=f"{department}の施策",
                department=department,
                counts=tuple((labels[s], counts[s]) for s in order if counts[s]),
                url=url,
            )
        )
    return work
