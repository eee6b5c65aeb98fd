from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django_tables2 import RequestConfig

from indicators import selectors
from indicators.filters import IndicatorFilter
from indicators.tables import IndicatorTable
from measures import selectors as plan_selectors
from smrj_plan import formatting, permissions


@login_required
def indicator_list(request):
    """All indicators of the plan as published (targets are public plan data), sortable and filterable."""
    plan = plan_selectors.plan_get()
    filterset = IndicatorFilter(request.GET or None, queryset=selectors.plan_indicator_list(plan=plan))
    table = IndicatorTable(filterset.qs)
    RequestConfig(request, paginate=False).configure(table)
    return render(request, "indicators/list.html", {"plan": plan, "filter": filterset, "table": table})


@login_required
def indicator_detail(request, pk: int):
    """One indicator as the plan publishes it. `actuals_visible` tells the sections added to the
    `indicator_extra` block whether this user may see the indicator's figures (their department's or all)."""
    indicator = selectors.plan_indicator_get(pk=pk)
    actuals_visible = permissions.can_read_department(request.user, indicator.department_id)
    multiplier = indicator.benchmark_multiplier
    return render(
        request,
        "indicators/detail.html",
        {
            "indicator": indicator,
            "actuals_visible": actuals_visible,
            # 1.200 → 「1.2」: the multiplier as the plan words it (２割以上).
            "multiplier": formatting.number(multiplier) if multiplier is not None else "",
        },
    )
