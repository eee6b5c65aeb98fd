"""The measures' part of what a 部署 owes (`smrj_plan.owed`): each measure of the plan whose 取組状況 for the
quarter is not entered yet, or is in 下書き or 差戻し (docs/domain.md「1年の流れ」: the same deadlines as the
actuals)."""

from django.urls import reverse

from evaluation.models import MeasureProgress
from measures.models import Measure
from smrj_plan.owed import OwedItem
from smrj_plan.workflow import EDITABLE_STATES, EntryState

_PK = 987654321  # reversed once per quarter, replaced by each measure's id


def _item(*, measure: Measure, year: int, quarter: int, progress: MeasureProgress | None, urls) -> OwedItem:
    entry_url, review_url = urls
    return OwedItem(
        department_id=measure.department_id,
        year=year,
        quarter=quarter,
        kind="施策",
        code=str(measure.order),
        name=measure.text[:60],
        state=progress.state if progress else None,
        reason=progress.review_comment if progress and progress.state == EntryState.RETURNED else "",
        path=entry_url.replace(str(_PK), str(measure.pk)),
        review_path=review_url,
        order=(10_000 + measure.order,),
    )


def _urls(year: int, quarter: int) -> tuple[str, str]:
    """Where a 担当者 enters a measure's 取組状況 of the quarter (with the measure's id to put in), where a
    管理者 reviews them."""
    return (
        reverse("evaluation:measure_entry", args=[year, quarter, _PK]),
        reverse("evaluation:review", args=[year, quarter]),
    )


def workflow_item(progress: MeasureProgress) -> OwedItem:
    """A measure's 取組状況 as the workflow's notices name it (`MeasureProgress.workflow_item`)."""
    year = progress.fiscal_year.year
    return _item(
        measure=progress.measure,
        year=year,
        quarter=progress.quarter,
        progress=progress,
        urls=_urls(year, progress.quarter),
    )


def owed_items(*, fiscal_year, quarters: list[int], department_id: int | None) -> list[OwedItem]:
    """Two queries: the plan's measures (of one department or all), then their 取組状況 in `quarters`."""
    measures = Measure.objects.filter(plan__fiscal_year=fiscal_year, department__isnull=False)
    if department_id is not None:
        measures = measures.filter(department_id=department_id)
    measures = list(measures.order_by("order"))
    entries = {
        (p.measure_id, p.quarter): p
        for p in MeasureProgress.objects.filter(
            measure__in=measures, fiscal_year=fiscal_year, quarter__in=quarters
        ).only("pk", "measure_id", "quarter", "state", "review_comment")
    }
    items = []
    year = fiscal_year.year
    for quarter in quarters:
        # A plan has about 200 measures: the two addresses are reversed once per quarter, not per measure.
        urls = _urls(year, quarter)
        for measure in measures:
            progress = entries.get((measure.pk, quarter))
            if progress is not None and progress.state not in EDITABLE_STATES:
                continue
            items.append(_item(measure=measure, year=year, quarter=quarter, progress=progress, urls=urls))
    return items
