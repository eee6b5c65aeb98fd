"""Change history pages of actuals, final 評定 and quarter locks: who, when (JST), field old → new, state change and
reason.

The rows come from the history selectors (`indicators.history`, `smrj_plan.selectors`), the same the workbook's
変更履歴 sheet writes, so a page and the sheet show the same changes. Access: the view decides what the user may
read (担当者 their department's indicators, 管理者 and 監査担当 everything) and passes only that to the selectors.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils.functional import SimpleLazyObject

from indicators import selectors
from indicators.history import actual_history_rows, final_rating_history_rows
from indicators.models import Indicator
from measures.periods import quarter_long_label
from smrj_plan import data_version, permissions
from smrj_plan.history import history_merge, history_page
from smrj_plan.selectors import quarter_lock_history_rows

# A page shows this many saved records, newest first; the workbook's 変更履歴 has them all.
PAGE_RECORDS = 500


@login_required
def indicator_history(request, pk: int):
    """Every change to the actuals and the final 評定 of one indicator."""
    indicator = selectors.indicator_get_for_user(user=request.user, pk=pk)
    scope = Indicator.objects.filter(pk=indicator.pk)
    rows = history_merge(
        actual_history_rows(indicators=scope, order=0), final_rating_history_rows(indicators=scope, order=2)
    )
    return render(
        request,
        "history/indicator.html",
        {"indicator": indicator, "page": history_page(rows, limit=PAGE_RECORDS)},
    )


@login_required
def quarter_history(request, year: int, quarter: int):
    """Every change in a quarter the user may read, with the quarter's lock history."""
    fiscal_year = selectors.fiscal_year_get(year=year)
    if not permissions.can_read_all(request.user):
        permissions.require_entry(request.user)
    visible = selectors.indicator_visible_list(user=request.user, fiscal_year=fiscal_year)
    # Read and rendered only when the cached page (keyed by the data version and whose indicators the user
    # reads) has to be rendered again.
    page = SimpleLazyObject(
        lambda: history_page(
            actual_history_rows(fiscal_year=fiscal_year, quarter=quarter, indicators=visible),
            limit=PAGE_RECORDS,
        )
    )
    locks = SimpleLazyObject(
        lambda: history_page(
            quarter_lock_history_rows(fiscal_year=fiscal_year, quarter=quarter), limit=PAGE_RECORDS
        )
    )
    return render(
        request,
        "history/quarter.html",
        {
            "fiscal_year": fiscal_year,
            "quarter": quarter,
            "quarter_label": quarter_long_label(quarter),
            "page": page,
            "locks": locks,
            "fragment_key": data_version.fragment_key(
                fiscal_year.pk, quarter, permissions.read_department_filter(request.user)
            ),
        },
    )
