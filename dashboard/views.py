"""Dashboard pages: the overview, pillar pages, an indicator's progress page, the final 評定 and budget execution.

Access: every logged-in role may open the dashboard. 管理者 and 監査担当 see every indicator; a 担当者 sees their own
部署's (the same rule as the indicator pages: another 部署's indicator is a 404); a user with no role sees none.
Only a 管理者 may set a final 評定 (403 for the others). Views stay thin: figures come from dashboard_selectors,
charts from dashboard.charts, formatting from smrj_plan.formatting.
"""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import caches
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST
from django_tables2 import RequestConfig

from budgets.completeness import execution_completeness
from budgets.models import Account, BudgetTable
from dashboard import charts
from dashboard import completeness as dashboard_completeness
from dashboard import selectors as dashboard_selectors
from dashboard.tables import IndicatorProgressTable, format_actual, format_forecast
from indicators import rating_services
from indicators import selectors as indicator_selectors
from indicators.completeness import STATES as COMPLETENESS_STATES
from indicators.completeness import indicator_completeness
from indicators.completeness import state_label as completeness_state_label
from indicators.models import FinalRating
from indicators.progress import SUMMARY_STATUSES
from measures import selectors as plan_selectors
from measures.periods import QUARTER_CHOICES, QUARTERS, quarter_long_label
from smrj_plan import deadlines, formatting, permissions
from smrj_plan.as_of import period_from_request
from smrj_plan.numbers import parse_int
from smrj_plan.text_limits import USER_TEXT_MAX_LENGTH, form_error_messages
from smrj_plan.workflow import UNSUBMITTED_STATES

QUARTER_FIELD_CHOICES = [("", "最新の承認済み四半期")] + [(str(q), label) for q, label in QUARTER_CHOICES]


class OverviewFilterForm(forms.Form):
    """The overview's filters, validated here; the template draws the selects from the overview's own choices
    (Django's widget templates cost more than the rest of the page at the seed size)."""

    year = forms.IntegerField(label="年度", required=False)
    q = forms.TypedChoiceField(label="時点", coerce=int, required=False, choices=QUARTER_FIELD_CHOICES)
    pillar = forms.IntegerField(label="柱", required=False)
    department = forms.IntegerField(label="担当部署", required=False)
    status = forms.ChoiceField(
        label="状況", required=False, choices=[("", "すべて")] + [(str(s), s.label) for s in SUMMARY_STATUSES]
    )


class FinalRatingForm(forms.Form):
    grade = forms.ChoiceField(
        label="最終評定", choices=[("", "選択してください")] + FinalRating.Grade.choices
    )
    reason = forms.CharField(
        label="理由",
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=USER_TEXT_MAX_LENGTH,
        error_messages=form_error_messages("評定の理由"),
        help_text="すべての評定に理由を記録します。Sは質的に顕著な成果である理由が必要です。",
    )


def _int_param(request, name: str, allowed=None) -> int | None:
    raw = request.GET.get(name, "")
    if not raw:
        return None
    try:
        value = parse_int(raw, min_value=0, max_value=9999)
    except ValidationError:
        raise Http404("指定が正しくありません。") from None
    if allowed is not None and value not in allowed:
        raise Http404("指定が正しくありません。")
    return value


def _cached_html(key: tuple, render) -> str:
    """HTML kept in the progress cache under `key`, which holds everything the HTML shows (no data version: the
    same data is the same HTML whenever it was rendered)."""
    cache = caches[dashboard_selectors.PROGRESS_CACHE]
    html = cache.get(key)
    if html is None:
        html = render()
        cache.set(key, html, dashboard_selectors.PROGRESS_CACHE_SECONDS)
    return html


@login_required
def overview(request):
    """Per pillar the status counts, then every indicator as of the chosen quarter."""
    period = period_from_request(request)
    years, fiscal_year = period.years, period.fiscal_year
    plan_selectors.fiscal_years_share(request, years)  # the header's year switcher reads the same list
    form = OverviewFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    overview = dashboard_selectors.dashboard_overview(
        user=request.user,
        fiscal_year=fiscal_year,
        as_of_quarter=period.as_of_quarter,
        department_id=filters.get("department") or None,
        section_id=filters.get("pillar") or None,
        status=filters.get("status") or None,
    )

    # The page is three parts, each cached under exactly what it shows (so right after a change only what the
    # change touched is rendered again): the heading and filter form, the pillar cards and chart, the table
    # (whose rows keep their own HTML, dashboard.tables).
    years_key = tuple((fy.pk, fy.year, fy.label) for fy in years)
    head = _cached_html(
        (
            "overview-head",
            years_key,
            overview.fiscal_year.pk,
            overview.as_of_quarter,
            overview.has_approved_data,
            tuple((s.pk, s.number, s.pillar_label) for s in overview.pillar_choices),
            tuple((d.pk, d.name) for d in overview.department_choices),
            tuple(sorted(filters.items())),
        ),
        lambda: render_to_string(
            "dashboard/_overview_head.html",
            {
                "overview": overview,
                "years": years,
                "filters": filters,
                "quarters": QUARTER_CHOICES,
                "statuses": SUMMARY_STATUSES,
            },
        ),
    )
    pillars = _cached_html(
        (
            "overview-pillars",
            overview.fiscal_year.year,
            overview.as_of_quarter,
            tuple(
                (
                    p.section.pk,
                    p.section.number,
                    p.section.pillar_label,
                    tuple(p.count_list),
                    p.rated,
                    p.reference,
                )
                for p in overview.pillars
            ),
        ),
        lambda: render_to_string(
            "dashboard/_overview_pillars.html",
            {"overview": overview, "pillar_chart": charts.pillar_status_chart(pillars=overview.pillars)},
        ),
    )
    table = IndicatorProgressTable(overview.rows, as_of_quarter=overview.as_of_quarter)
    RequestConfig(request, paginate=False).configure(table)
    content = (
        head
        + pillars
        + render_to_string(
            "dashboard/_overview_table.html", {"overview": overview, "table": table}, request=request
        )
    )
    work_html = ""
    if permissions.can_see_work_summary(request.user):
        # The work waiting (承認待ち・未提出の部署) is counted from the overview's rows (every indicator and the
        # states of its actuals, for a 管理者) and the locks; each quarter's 提出期限 and whether it has passed
        # today (a new day can make it overdue). The fragment is kept under all of these: a changed figure
        # whose state stays the same leaves it as it was.
        locks = indicator_selectors.quarter_lock_map(fiscal_year=fiscal_year)
        locked = tuple(sorted(q for q, lock in locks.items() if lock.is_locked))
        dues = {due.quarter: due for due in deadlines.quarter_due_list(fiscal_year)}
        states = tuple(
            (
                i.id,
                i.department_id,
                i.department.name if i.department_id else "",
                i.kind,
                i.frequency,
                r.states,
            )
            for r in overview.all_rows
            for i in (r.indicator,)
        )
        work_html = _cached_html(
            ("work", fiscal_year.pk, fiscal_year.short_label, locked, tuple(dues.items()), states),
            lambda: render_to_string(
                "dashboard/_work_summary.html",
                {
                    "work": [
                        (w, dues[w.quarter])
                        for w in dashboard_completeness.landing_work(
                            fiscal_year=fiscal_year, rows=overview.all_rows, locks=locks
                        )
                    ],
                    "fiscal_year": fiscal_year,
                },
            ),
        )
    return render(
        request,
        "dashboard/overview.html",
        {"overview": overview, "content": mark_safe(content), "work_html": mark_safe(work_html)},
    )


@login_required
def completeness(request, year: int):
    """提出状況: for a quarter, each department's indicators by state, and every indicator's state in each
    quarter; each count and cell links to the 確認・承認 queue where the work is. 管理者 and 監査担当."""
    permissions.require_completeness_reader(request.user)
    period = period_from_request(request, year=year)
    plan_selectors.fiscal_years_share(request, period.years)
    fiscal_year = period.fiscal_year
    year_state = indicator_completeness(fiscal_year=fiscal_year)
    quarter = period.requested_quarter or dashboard_completeness.work_quarter(year_state)
    locks = indicator_selectors.quarter_lock_map(fiscal_year=fiscal_year)
    quarter_state = year_state.quarters[quarter]
    return render(
        request,
        "dashboard/completeness.html",
        {
            "fiscal_year": fiscal_year,
            "quarter": quarter,
            "quarter_label": quarter_long_label(quarter),
            "quarter_state": quarter_state,
            "quarter_links": [
                (q, quarter_long_label(q), bool(locks.get(q) and locks[q].is_locked)) for q in QUARTERS
            ],
            "locked": bool(locks.get(quarter) and locks[quarter].is_locked),
            "deadline": deadlines.quarter_due(fiscal_year, quarter),
            # Past its 提出期限, a quarter not locked marks what is still not submitted.
            "overdue_quarters": {
                due.quarter
                for due in deadlines.quarter_due_list(fiscal_year)
                if due.overdue and not (locks.get(due.quarter) and locks[due.quarter].is_locked)
            },
            "unsubmitted_states": UNSUBMITTED_STATES,
            "states": [(s, completeness_state_label(s)) for s in COMPLETENESS_STATES],
            "departments": quarter_state.departments,
            "matrix": year_state.rows(),
            "quarters": QUARTERS,
            "execution_columns": execution_completeness(fiscal_year=fiscal_year, quarter=quarter),
        },
    )


@login_required
def pillar(request, year: int, number: int):
    """One pillar: its status counts, the rate chart and its indicators' table."""
    period = period_from_request(request, year=year)
    fiscal_year = period.fiscal_year
    section = dashboard_selectors.pillar_get(fiscal_year=fiscal_year, number=number)
    overview = dashboard_selectors.dashboard_overview(
        user=request.user,
        fiscal_year=fiscal_year,
        as_of_quarter=period.as_of_quarter,
        section_id=section.pk,
    )
    table = IndicatorProgressTable(overview.rows, as_of_quarter=overview.as_of_quarter, exclude=("pillar",))
    RequestConfig(request, paginate=False).configure(table)
    return render(
        request,
        "dashboard/pillar.html",
        {
            "overview": overview,
            "section": section,
            # The pillar's own counts (the overview lists every pillar's summary).
            "summary": next((p for p in overview.pillars if p.section.pk == section.pk), None),
            "table": table,
            "rate_chart": charts.pillar_rate_chart(rows=overview.rows),
            "quarters": QUARTER_CHOICES,
        },
    )


@login_required
def indicator(request, pk: int):
    """An indicator's progress: the chart, the figures and the quarterly entries with their state."""
    detail = dashboard_selectors.indicator_progress_detail(
        user=request.user, pk=pk, as_of_quarter=_int_param(request, "q", allowed={1, 2, 3, 4})
    )
    ind = detail.indicator
    rating_form = None
    if permissions.can_set_final_rating(request.user) and detail.progress.is_rated:
        initial = {}
        if detail.final_rating:
            initial = {"grade": detail.final_rating.grade, "reason": detail.final_rating.reason}
        rating_form = FinalRatingForm(initial=initial)
    return render(
        request,
        "dashboard/indicator.html",
        {
            "detail": detail,
            "indicator": ind,
            "progress": detail.progress,
            "actual_text": format_actual(detail.progress, ind.unit),
            "unapproved_text": format_actual(detail.with_unapproved, ind.unit),
            "forecast_text": format_forecast(detail.progress, ind.unit),
            "pace_text": formatting.count(detail.progress.pace, ind.unit),
            "chart": charts.indicator_progress_chart(
                progress=detail.progress,
                with_unapproved=detail.with_unapproved,
                target=ind.target,
                unit=ind.unit,
            ),
            "rating_form": rating_form,
            "quarters": QUARTER_CHOICES,
        },
    )


@login_required
@require_POST
def final_rating(request, pk: int):
    """A 管理者 sets the final 評定 beside the computed one (403 for anyone else)."""
    permissions.require_final_rating(request.user)
    detail = dashboard_selectors.indicator_progress_detail(user=request.user, pk=pk)
    form = FinalRatingForm(request.POST)
    if form.is_valid():
        try:
            rating_services.final_rating_set(
                indicator=detail.indicator,
                fiscal_year=detail.fiscal_year,
                grade=form.cleaned_data["grade"],
                reason=form.cleaned_data["reason"],
                user=request.user,
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, f"最終評定を「{form.cleaned_data['grade']}」に設定しました。")
    else:
        for message in form.errors.get("reason", []):
            messages.error(request, message)
        if "grade" in form.errors:
            messages.error(request, "評定はS・A・B・C・Dから選んでください。")
    return redirect("dashboard:indicator", pk=pk)


@login_required
def budget(request):
    """執行率 of one 勘定's 予算計画 by segment and quarter (approved amounts), with a chart."""
    permissions.require_budget_execution_view(request.user)
    period = period_from_request(request)
    years, fiscal_year = period.years, period.fiscal_year
    plan_selectors.fiscal_years_share(request, years)  # the header's year switcher reads the same list
    accounts = list(
        Account.objects.filter(tables__fiscal_year=fiscal_year, tables__kind=BudgetTable.Kind.BUDGET)
        .distinct()
        .order_by("order")
    )
    if not accounts:
        raise Http404("予算計画が読み込まれていません。")
    code = request.GET.get("account") or accounts[0].code
    account = next((a for a in accounts if a.code == code), None)
    if account is None:
        raise Http404("勘定が見つかりません。")
    # A 担当者 sees the columns their department enters; one without a department sees none.
    department_id = permissions.read_department_filter(request.user)
    execution = dashboard_selectors.budget_execution_by_segment(
        fiscal_year=fiscal_year, account_code=account.code, department_id=department_id
    )
    return render(
        request,
        "dashboard/budget.html",
        {
            "fiscal_year": fiscal_year,
            "years": years,
            "accounts": accounts,
            "account": account,
            "execution": execution,
            "chart": charts.budget_execution_chart(segments=execution.segments, account_name=account.name),
        },
    )
