"""The read model of one 評価項目's self-evaluation: what the page shows and the 自己評価書 prints.

One function, `self_evaluation_detail`, gathers the item's indicators with their figures as of a quarter
(approved values only, through `indicators.progress`, formatted like the workbook), the measures with their
approved 取組状況 of the year, the 自己評価 itself and its history. The page and the .docx are two formatters over
the same object, so they cannot disagree. The number of queries does not depend on the number of indicators,
measures or entries.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from evaluation import selectors as progress_selectors
from evaluation.figures import IndicatorFigures, indicator_figures
from evaluation.items import EvaluationItem, evaluation_item_list
from evaluation.models import MeasureProgress, SelfEvaluation
from indicators import progress
from indicators.models import Actual, FinalRating, Indicator
from indicators.selectors import actual_last_approved_quarter
from measures.models import FiscalYear, Measure, PlanDocument
from measures.periods import QUARTERS, quarter_long_label
from smrj_plan import permissions
from smrj_plan.workflow import EDITABLE_STATES, EntryState


def require_reader(user) -> None:
    """The self-evaluation covers every 部署's figures: 管理者 and 監査担当 read it, 担当者 do not."""
    permissions.require_self_evaluation_reader(user)


def default_as_of_quarter(*, fiscal_year: FiscalYear) -> int:
    """The workbook's default: the last quarter with an approved actual, else 第1四半期."""
    return actual_last_approved_quarter(fiscal_year=fiscal_year) or 1


@dataclass
class IndicatorLine:
    indicator: Indicator
    result: progress.IndicatorProgress
    figures: IndicatorFigures
    final_rating: FinalRating | None

    @property
    def is_sub(self) -> bool:
        return bool(self.indicator.parent_id)

    @property
    def display_name(self) -> str:
        ind = self.indicator
        return f"{ind.name}（努力目標）" if ind.is_effort_target and "努力" not in ind.name else ind.name


@dataclass
class MeasureLine:
    measure: Measure
    approved: dict[int, MeasureProgress] = field(default_factory=dict)  # quarter → approved entry
    unapproved: int = 0  # entries of the year still in 下書き・提出済み・差戻し

    @property
    def latest(self) -> MeasureProgress | None:
        return self.approved[max(self.approved)] if self.approved else None

    @property
    def latest_label(self) -> str:
        latest = self.latest
        return progress_selectors.status_label(latest.status if latest else "")

    @property
    def quarter_statuses(self) -> list[tuple[int, str]]:
        return [
            (q, progress_selectors.status_label(self.approved[q].status) if q in self.approved else "—")
            for q in QUARTERS
        ]

    @property
    def entries(self) -> list[MeasureProgress]:
        return [self.approved[q] for q in sorted(self.approved)]


@dataclass
class SelfEvaluationDetail:
    fiscal_year: FiscalYear
    plan: PlanDocument
    item: EvaluationItem
    as_of_quarter: int
    evaluation: SelfEvaluation | None
    indicators: list[IndicatorLine]
    measures: list[MeasureLine]
    status_counts: list[tuple[str, str, int]]

    @property
    def as_of_label(self) -> str:
        return f"{quarter_long_label(self.as_of_quarter)}末時点"

    @property
    def is_editable(self) -> bool:
        return self.evaluation is None or self.evaluation.state in EDITABLE_STATES

    @property
    def state_label(self) -> str:
        return self.evaluation.get_state_display() if self.evaluation else "未作成"

    @property
    def rated_indicators(self) -> list[IndicatorLine]:
        return [line for line in self.indicators if line.result.is_rated]

    @property
    def unapproved_measure_entries(self) -> int:
        return sum(line.unapproved for line in self.measures)


def _ordered_indicators(indicators: list[Indicator]) -> list[Indicator]:
    """Main indicators in plan order, each sub-target right after its parent, 参考指標 last (as the workbook)."""
    children: dict[int, list[Indicator]] = defaultdict(list)
    for ind in indicators:
        if ind.parent_id:
            children[ind.parent_id].append(ind)
    main, reference = [], []
    for ind in indicators:
        if ind.parent_id:
            continue
        group = [ind, *children.get(ind.pk, [])]
        (reference if ind.category == Indicator.Category.REFERENCE else main).extend(group)
    return main + reference


def self_evaluation_get(*, fiscal_year: FiscalYear, item: EvaluationItem) -> SelfEvaluation | None:
    qs = SelfEvaluation.objects.filter(fiscal_year=fiscal_year, chapter=item.chapter).select_related(
        "updated_by", "submitted_by", "reviewed_by"
    )
    qs = qs.filter(section=item.section) if item.section is not None else qs.filter(section__isnull=True)
    return qs.first()


def self_evaluation_detail(
    *, fiscal_year: FiscalYear, item: EvaluationItem, as_of_quarter: int | None = None
) -> SelfEvaluationDetail:
    """Everything the page and the document show for one item (7 queries whatever its size)."""
    plan = fiscal_year.plan
    if as_of_quarter is None:
        as_of_quarter = default_as_of_quarter(fiscal_year=fiscal_year)
    indicators = _ordered_indicators(
        list(
            Indicator.objects.filter(item.indicator_filter(), plan=plan)
            .select_related("section__chapter", "department", "parent")
            .order_by("order")
        )
    )
    actuals: dict[int, list[Actual]] = defaultdict(list)
    for actual in Actual.objects.filter(fiscal_year=fiscal_year, indicator__in=indicators).order_by(
        "quarter"
    ):
        actuals[actual.indicator_id].append(actual)
    ratings = {
        r.indicator_id: r
        for r in FinalRating.objects.filter(fiscal_year=fiscal_year, indicator__in=indicators).select_related(
            "set_by"
        )
    }
    lines = []
    for ind in indicators:
        entries = actuals.get(ind.pk, [])
        result = progress.progress_compute(
            spec=progress.spec_from_indicator(ind),
            figures=[progress.figure_from_actual(a) for a in entries],
            as_of_quarter=as_of_quarter,
            include_unapproved=False,
        )
        counted = [a for a in entries if a.quarter <= as_of_quarter and a.state == EntryState.APPROVED]
        figures = indicator_figures(ind, result, has_denominator=any(a.denominator for a in counted))
        lines.append(
            IndicatorLine(indicator=ind, result=result, figures=figures, final_rating=ratings.get(ind.pk))
        )

    measures = list(
        Measure.objects.filter(item.measure_filter(), plan=plan)
        .select_related("heading__parent", "department", "section")
        .order_by("order")
    )
    by_measure = {m.pk: MeasureLine(measure=m) for m in measures}
    for entry in MeasureProgress.objects.filter(fiscal_year=fiscal_year, measure__in=measures).order_by(
        "quarter"
    ):
        line = by_measure[entry.measure_id]
        if entry.state == EntryState.APPROVED:
            entry.measure = line.measure
            line.approved[entry.quarter] = entry
        else:
            line.unapproved += 1
    statuses = {
        pk: progress_selectors.LatestStatus(line.latest) for pk, line in by_measure.items() if line.latest
    }
    return SelfEvaluationDetail(
        fiscal_year=fiscal_year,
        plan=plan,
        item=item,
        as_of_quarter=as_of_quarter,
        evaluation=self_evaluation_get(fiscal_year=fiscal_year, item=item),
        indicators=lines,
        measures=list(by_measure.values()),
        status_counts=progress_selectors.status_counts(statuses, by_measure.keys()),
    )


@dataclass
class ItemSummary:
    item: EvaluationItem
    evaluation: SelfEvaluation | None
    indicator_count: int
    measure_count: int


def self_evaluation_index(*, fiscal_year: FiscalYear) -> list[ItemSummary]:
    """Every 評価項目 of the year with its self-evaluation's state and 評定 (4 queries)."""
    plan = fiscal_year.plan
    items = evaluation_item_list(plan=plan)
    evaluations = {
        (e.chapter_id, e.section_id): e
        for e in SelfEvaluation.objects.filter(fiscal_year=fiscal_year).select_related("reviewed_by")
    }
    measure_counts: dict[tuple[int, int | None], int] = defaultdict(int)
    for chapter_id, section_id in Measure.objects.filter(plan=plan).values_list("chapter_id", "section_id"):
        measure_counts[(chapter_id, section_id)] += 1
        measure_counts[(chapter_id, None, "all")] += 1
    indicator_counts: dict = defaultdict(int)
    for chapter_id, section_id in Indicator.objects.filter(plan=plan).values_list(
        "section__chapter_id", "section_id"
    ):
        indicator_counts[(chapter_id, section_id)] += 1
        indicator_counts[(chapter_id, None, "all")] += 1
    summaries = []
    for item in items:
        key = (item.chapter.pk, item.section.pk) if item.section else (item.chapter.pk, None, "all")
        summaries.append(
            ItemSummary(
                item=item,
                evaluation=evaluations.get((item.chapter.pk, item.section.pk if item.section else None)),
                indicator_count=indicator_counts[key],
                measure_count=measure_counts[key],
            )
        )
    return summaries
