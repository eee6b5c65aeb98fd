"""The indicators' part of what a 部署 owes (`smrj_plan.owed`): indicators due in the quarter with no actual,
or with one in 下書き or 差戻し."""

from django.urls import reverse

from indicators.models import Actual, Indicator
from indicators.selectors import indicator_is_due
from smrj_plan.owed import OwedItem
from smrj_plan.workflow import EDITABLE_STATES, EntryState


def owed_items(*, fiscal_year, quarters: list[int], department_id: int | None) -> list[OwedItem]:
    """Two queries: the year's indicators (of one department or all), then their actuals in `quarters`."""
    indicators = Indicator.objects.filter(plan__fiscal_year=fiscal_year).only(
        "pk", "code", "name", "order", "kind", "frequency", "department_id"
    )
    if department_id is not None:
        indicators = indicators.filter(department_id=department_id)
    indicators = list(indicators)
    actuals = {
        (a.indicator_id, a.quarter): a
        for a in Actual.objects.filter(
            indicator__in=indicators, fiscal_year=fiscal_year, quarter__in=quarters
        ).only("pk", "indicator_id", "quarter", "state", "review_comment")
    }
    items = []
    for quarter in quarters:
        for ind in indicators:
            if not indicator_is_due(indicator=ind, quarter=quarter):
                continue
            actual = actuals.get((ind.pk, quarter))
            if actual is not None and actual.state not in EDITABLE_STATES:
                continue
            items.append(
                OwedItem(
                    department_id=ind.department_id,
                    year=fiscal_year.year,
                    quarter=quarter,
                    kind="指標",
                    code=ind.code,
                    name=ind.name,
                    state=actual.state if actual else None,
                    reason=actual.review_comment if actual and actual.state == EntryState.RETURNED else "",
                    path=reverse("entry:indicator", args=[fiscal_year.year, quarter, ind.pk]),
                    review_path=reverse("entry:review", args=[fiscal_year.year, quarter]),
                    order=(ind.order,),
                )
            )
    return items


def workflow_item(actual: Actual) -> OwedItem:
    """An actual as the workflow's notices name it (`Actual.workflow_item`)."""
    ind = actual.indicator
    return OwedItem(
        department_id=ind.department_id,
        year=actual.fiscal_year.year,
        quarter=actual.quarter,
        kind="指標",
        code=ind.code,
        name=ind.name,
        state=actual.state,
        reason=actual.review_comment if actual.state == EntryState.RETURNED else "",
        path=reverse("entry:indicator", args=[actual.fiscal_year.year, actual.quarter, ind.pk]),
        review_path=reverse("entry:review", args=[actual.fiscal_year.year, actual.quarter]),
        order=(ind.order,),
    )
