"""History rows of the measures' 取組状況, their 担当部署 and the self-evaluations (selectors on the one diff,
`smrj_plan.history.history_rows`). The measure history page, the self-evaluation page and the workbook's 変更履歴
sheet read these same rows. Access is the caller's: pass the measures the user may read.
"""

from __future__ import annotations

from collections.abc import Iterator

from django.db.models import QuerySet

from evaluation.items import evaluation_item_of
from evaluation.models import MeasureProgress, SelfEvaluation
from evaluation.services import INPUT_FIELDS as PROGRESS_INPUT_FIELDS
from measures.models import Chapter, Department, FiscalYear, Measure, Section
from smrj_plan.history import HistoryRow, HistorySource, history_rows
from smrj_plan.workflow import EntryState

PROGRESS_FIELDS = [*PROGRESS_INPUT_FIELDS, "note", "state", "review_comment"]
SELF_EVALUATION_FIELDS = ["assessment", "grade", "grade_reason", "state", "review_comment"]
STATE_LABELS = dict(EntryState.choices)
# Rows load_plan writes (creating measures, giving them their default 部署) are the plan's loading, not changes.
LOAD_REASONS = ("計画の読み込み", "担当部署の既定")


def _measure_labels(measures: QuerySet[Measure]) -> dict[int, str]:
    return {pk: f"施策{order} {text[:30]}" for pk, order, text in measures.values_list("id", "order", "text")}


def progress_history_rows(
    *,
    fiscal_year: FiscalYear | None = None,
    quarter: int | None = None,
    measures: QuerySet[Measure] | None = None,
    order: int = 4,
) -> Iterator[HistoryRow]:
    """Every change to the 取組状況 of `measures` (all when None) in `fiscal_year` and `quarter` (all when None),
    oldest first, one row per changed field."""
    history = MeasureProgress.history.all()
    if fiscal_year is not None:
        history = history.filter(fiscal_year_id=fiscal_year.pk)
    if quarter is not None:
        history = history.filter(quarter=quarter)
    scope = measures
    if measures is not None:
        history = history.filter(measure_id__in=measures.values("pk"))
    elif fiscal_year is not None:
        scope = Measure.objects.filter(plan__fiscal_year=fiscal_year)
    labels = _measure_labels(scope if scope is not None else Measure.objects.all())
    return history_rows(
        HistorySource(
            kind="取組状況",
            model=MeasureProgress,
            queryset=history,
            fields=PROGRESS_FIELDS,
            extra=("measure_id", "quarter"),
            target=lambda snap: labels.get(snap["measure_id"], f"施策#{snap['measure_id']}"),
            quarter=lambda snap: snap["quarter"],
            state=lambda snap: STATE_LABELS.get(snap.get("state"), ""),
            order=order,
        )
    )


def measure_department_history_rows(
    *, fiscal_year: FiscalYear | None = None, measures: QuerySet[Measure] | None = None, order: int = 5
) -> Iterator[HistoryRow]:
    """Every change of a measure's 担当部署 made by a 管理者 or in the admin (load_plan's defaults left out)."""
    history = Measure.history.all()
    if fiscal_year is not None:
        history = history.filter(plan__fiscal_year=fiscal_year)
    if measures is not None:
        history = history.filter(id__in=measures.values("pk"))
    # Only measures someone moved: the others' rows are all load_plan's.
    moved = history.filter(department_is_default=False).values("id")
    history = history.filter(id__in=moved)
    departments = dict(Department.objects.values_list("id", "name"))
    rows = history_rows(
        HistorySource(
            kind="担当部署",
            model=Measure,
            queryset=history,
            fields=["department"],
            extra=("order", "text"),
            target=lambda snap: f"施策{snap['order']} {snap['text'][:30]}",
            value_labels={"department": departments},
            order=order,
        )
    )
    return (row for row in rows if row.field and not row.reason.startswith(LOAD_REASONS))


def _item_labels() -> tuple[dict[int, Chapter], dict[int, Section]]:
    chapters = {c.pk: c for c in Chapter.objects.all()}
    sections = {s.pk: s for s in Section.objects.all()}
    return chapters, sections


def self_evaluation_history_rows(
    *, fiscal_year: FiscalYear | None = None, evaluation: SelfEvaluation | None = None, order: int = 6
) -> Iterator[HistoryRow]:
    """Every change to the self-evaluations of `fiscal_year` (or to one), oldest first."""
    history = SelfEvaluation.history.all()
    if fiscal_year is not None:
        history = history.filter(fiscal_year_id=fiscal_year.pk)
    if evaluation is not None:
        history = history.filter(id=evaluation.pk)
    chapters, sections = _item_labels()

    def target(snap) -> str:
        chapter = chapters.get(snap["chapter_id"])
        if chapter is None:
            return f"自己評価#{snap['chapter_id']}"
        section = sections.get(snap["section_id"]) if snap["section_id"] else None
        if section is not None:
            section.chapter = chapter
        return evaluation_item_of(chapter=chapter, section=section).label

    return history_rows(
        HistorySource(
            kind="自己評価",
            model=SelfEvaluation,
            queryset=history,
            fields=SELF_EVALUATION_FIELDS,
            extra=("chapter_id", "section_id"),
            target=target,
            state=lambda snap: STATE_LABELS.get(snap.get("state"), ""),
            order=order,
        )
    )
