from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import reverse
from django_tables2 import RequestConfig

from indicators import selectors, target_selectors, year_selectors
from indicators.filters import IndicatorFilter
from indicators.tables import IndicatorTable
from measures import selectors as plan_selectors
from measures.periods import mid_term_label
from smrj_plan import data_version, formatting, permissions


@login_required
def indicator_list(request):
    """All indicators of the plan as published (targets are public plan data), sortable and filterable."""
    plan = plan_selectors.plan_shown(request)
    filterset = IndicatorFilter(request.GET or None, queryset=selectors.plan_indicator_list(plan=plan))
    table = IndicatorTable(filterset.qs)
    RequestConfig(request, paginate=False).configure(table)
    return render(
        request,
        "indicators/list.html",
        {
            "plan": plan,
            "filter": filterset,
            "table": table,
            # The table is rendered again only when the data or the query (filters, sorting) differ.
            "fragment_key": data_version.fragment_key(plan.pk, request.GET.urlencode()),
        },
    )


@login_required
def indicator_detail(request, pk: int):
    """One indicator as the plan publishes it. `actuals_visible` tells the sections added to the
    `indicator_extra` block whether this user may see the indicator's figures (their department's or all)."""
    indicator = selectors.plan_indicator_get(pk=pk)
    actuals_visible = permissions.can_read_department(request.user, indicator.department_id)
    multiplier = indicator.benchmark_multiplier
    years = [
        # A 担当者 sees the figures of the years their 部署 owns the indicator, like on every other page.
        (
            figure,
            figure.has_plan and permissions.can_read_department(request.user, figure.indicator.department_id),
        )
        for figure in year_selectors.indicator_year_list(code=indicator.code)
    ]
    year_links = [
        (figure.indicator.plan.fiscal_year, reverse("indicators:detail", args=[figure.indicator.pk]))
        for figure, _ in reversed(years)
        if figure.has_plan
    ]
    return render(
        request,
        "indicators/detail.html",
        {
            "indicator": indicator,
            "actuals_visible": actuals_visible,
            "years": years,
            "period_label": mid_term_label(),
            # The header's year switcher: this page is one year's; the others show the same code's year.
            "shown_year": indicator.plan.fiscal_year,
            "year_links": [(fy, url, fy.pk == indicator.plan.fiscal_year_id) for fy, url in year_links],
            "target_history": target_selectors.target_history(indicator=indicator),
            # 1.200 → 「1.2」: the multiplier as the plan words it (２割以上).
            "multiplier": formatting.number(multiplier) if multiplier is not None else "",
        },
    )
