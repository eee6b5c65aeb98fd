"""The 中期目標期間 page: the count indicators summed over the period's years against the period's total."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.functional import SimpleLazyObject

from indicators import selectors, year_selectors
from measures.periods import mid_term_label
from smrj_plan import data_version, permissions


@login_required
def mid_term(request):
    """Each count indicator's target and approved total per year, the period's sums and progress.

    A 担当者 sees the indicators of their own 部署 (as on the dashboard); 管理者 and 監査担当 see all."""

    def table():
        years, rows, plans = year_selectors.mid_term_count_list()
        visible = set(selectors.indicator_visible_list(user=request.user).values_list("code", flat=True))
        return {
            "years": [(year, plans.get(year)) for year in years],
            "rows": [(row, row.cells(years)) for row in rows if row.code in visible],
            "plan_count": len(plans),
            "column_count": 2 * len(years) + 5,
        }

    return render(
        request,
        "indicators/mid_term.html",
        {
            "period_label": mid_term_label(),
            # Read only when the cached table (keyed by the data version and whose rows the user reads) has to
            # be rendered again.
            "table": SimpleLazyObject(table),
            "fragment_key": data_version.fragment_key(permissions.read_department_filter(request.user)),
            # The period, not one year: the header's switcher says so.
            "shown_year": None,
            "year_links": [],
            "shown_period": mid_term_label(),
        },
    )
