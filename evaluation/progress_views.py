"""The measures' quarterly 取組状況: entry (担当者), review (管理者; read-only for 監査担当), history, the list
of measures with their 担当部署 (changed by a 管理者).

Views stay thin: access through selectors, writes through services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from evaluation import selectors, services
from evaluation.forms import DepartmentForm, ProgressRowForm, ReasonForm, VersionForm
from evaluation.history import measure_department_history_rows, progress_history_rows
from evaluation.measure_table import measure_rows_html
from indicators.selectors import fiscal_year_current, fiscal_year_get, quarter_lock_map
from measures.models import Department, Measure
from measures.periods import QUARTER_CHOICES, QUARTERS, quarter_long_label
from smrj_plan import data_version, permissions
from smrj_plan.as_of import period_from_request
from smrj_plan.history import history_page
from smrj_plan.numbers import parse_version
from smrj_plan.review_actions import review_action
from smrj_plan.workflow import EDITABLE_STATES, EntryState

NOTHING_SAVED = "入力内容に誤りがあります。どの施策も保存していません。"
# A history page shows this many saved records, newest first; the workbook's 変更履歴 has them all.
PAGE_RECORDS = 500


def _period(year: int, quarter: int):
    return fiscal_year_get(year=year), quarter  # the <quarter:…> converter checked it


def _locked(fiscal_year, quarter) -> bool:
    lock = quarter_lock_map(fiscal_year=fiscal_year).get(quarter)
    return bool(lock and lock.is_locked)


@login_required
def index(request):
    """The year's four quarters with the number of 取組状況 in each state and the quarter's lock."""
    fiscal_year = fiscal_year_current()
    if fiscal_year is None:
        return render(request, "evaluation/index.html", {"quarters": []})
    if permissions.can_read_all(request.user):
        measures = selectors.measure_visible_list(user=request.user, fiscal_year=fiscal_year)
    else:
        measures = selectors.measure_editable_list(user=request.user, fiscal_year=fiscal_year)
    summary = selectors.progress_state_summary(measures=measures, fiscal_year=fiscal_year)
    locks = quarter_lock_map(fiscal_year=fiscal_year)
    quarters = [
        {
            "quarter": q,
            "label": quarter_long_label(q),
            "counts": [(s.label, summary[q][s.value]) for s in EntryState],
            "locked": bool(locks.get(q) and locks[q].is_locked),
        }
        for q in QUARTERS
    ]
    return render(
        request,
        "evaluation/index.html",
        {
            "fiscal_year": fiscal_year,
            "quarters": quarters,
            "can_enter": permissions.can_enter(request.user),
            "measure_count": measures.count(),
        },
    )


def _rows_closed_since_opened(post, rows) -> list:
    """Rows the page showed as open that someone submitted or approved since: refuse rather than drop."""
    closed = []
    for row in rows:
        posted = post.get(f"m{row.measure.pk}-version")
        if row.open or row.entry is None or posted is None:
            continue
        try:
            version = parse_version(posted)
        except ValidationError:
            version = None
        if version != row.entry.version:
            closed.append(row)
    return closed


@login_required
def quarter(request, year: int, quarter: int, measure_pk: int | None = None):
    """The entry page: every measure of the 担当者's 部署 (or one) with its status, narrative and evidence.

    One POST saves every open row or none; 提出 saves and submits them."""
    fiscal_year, quarter = _period(year, quarter)
    if measure_pk is not None:
        measure = selectors.measure_get_for_user(user=request.user, pk=measure_pk)
        if measure.plan.fiscal_year_id != fiscal_year.pk:
            raise Http404("この年度の施策ではありません。")
        if not selectors.measure_can_edit(user=request.user, measure=measure):
            selectors.require_staff_entry(request.user)
            raise PermissionDenied("この施策の取組状況は入力できません。")
        measures = [measure]
    else:
        selectors.require_staff_entry(request.user)
        measures = selectors.measure_editable_list(user=request.user, fiscal_year=fiscal_year)
    locked = _locked(fiscal_year, quarter)
    rows = selectors.progress_rows(measures=measures, fiscal_year=fiscal_year, quarter=quarter)
    bound = request.method == "POST"
    if bound and locked:
        messages.error(request, "この四半期は締め済みのため変更できません。")
        return redirect(request.path)
    # Rows the POST says nothing about (not even their version) are not part of this save; every row it does
    # carry must carry the version its page showed.
    posted_prefixes = {key.split("-", 1)[0] for key in request.POST} if bound else set()
    for row in rows:
        row.open = not locked and (row.entry is None or row.entry.state in EDITABLE_STATES)
        row.posted = f"m{row.measure.pk}" in posted_prefixes
        row.form = (
            ProgressRowForm(request.POST if row.posted else None, measure=row.measure, entry=row.entry)
            if row.open
            else None
        )
    if bound:
        submit = request.POST.get("action") == "submit"
        open_rows = [r for r in rows if r.open and r.posted]
        closed = _rows_closed_since_opened(request.POST, rows)
        if closed:
            for row in closed:
                messages.error(request, services.progress_conflict_message(row.entry))
            messages.error(request, NOTHING_SAVED)
        elif all(r.form.is_valid() for r in open_rows):
            inputs = [
                services.ProgressInput(
                    measure=r.measure,
                    data=r.form.data_for_service(),
                    expected_version=r.form.expected_version(),
                )
                for r in open_rows
            ]
            try:
                saved = services.progress_save_many(
                    user=request.user, fiscal_year=fiscal_year, quarter=quarter, rows=inputs, submit=submit
                )
            except services.ProgressBatchError as batch:
                by_pk = {r.measure.pk: r for r in open_rows}
                for pk, errs in batch.errors.items():
                    for name, msgs in errs.items():
                        for msg in msgs:
                            by_pk[pk].form.add_error(name if name in by_pk[pk].form.fields else None, msg)
                messages.error(request, NOTHING_SAVED)
            except ValidationError as exc:
                messages.error(request, " ".join(exc.messages) + " どの施策も保存していません。")
            else:
                if not saved:
                    # Nothing typed (or nothing changed) is not a success: say that nothing happened.
                    messages.warning(
                        request,
                        "提出する取組状況がありません。状況を選んでから「提出」を押してください（何も提出していません）。"
                        if submit
                        else "入力された内容も変更もないため、何も保存していません。",
                    )
                    return redirect(request.path)
                verb = "提出しました" if submit else "下書き保存しました"
                messages.success(request, f"{len(saved)}件の取組状況を{verb}。")
                return redirect(request.path)
        else:
            messages.error(request, NOTHING_SAVED)
    return render(
        request,
        "evaluation/quarter.html",
        {
            "fiscal_year": fiscal_year,
            "quarter": quarter,
            "quarter_label": quarter_long_label(quarter),
            "rows": rows,
            "locked": locked,
            "any_open": any(r.open for r in rows),
            "single": measure_pk is not None,
        },
    )


@login_required
def review(request, year: int, quarter: int):
    """Every 取組状況 of a quarter, drafts included: 承認・差戻し・再開 for 管理者, read-only for 監査担当."""
    fiscal_year, quarter = _period(year, quarter)
    permissions.require_reader(request.user)
    entries = list(selectors.progress_review_list(fiscal_year=fiscal_year, quarter=quarter))
    for e in entries:
        e.status_label = selectors.status_label(e.status) if e.status else "未選択"
    lock = quarter_lock_map(fiscal_year=fiscal_year).get(quarter)
    return render(
        request,
        "evaluation/review.html",
        {
            "fiscal_year": fiscal_year,
            "quarter": quarter,
            "quarter_label": quarter_long_label(quarter),
            "entries": entries,
            "lock": lock,
            "locked": bool(lock and lock.is_locked),
            "can_review": permissions.can_review(request.user),
        },
    )


def _review_action(request, pk: int, action: str):
    entry = selectors.progress_get_for_user(user=request.user, pk=pk)
    permissions.require_review(request.user)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    label = f"施策{entry.measure.order}"

    def run(action: str, *, version: int, reason: str):
        if action == "approve":
            return services.progress_approve(entry=entry, user=request.user, expected_version=version)
        transition = services.progress_return if action == "return" else services.progress_reopen
        return transition(entry=entry, user=request.user, reason=reason, expected_version=version)

    def conflict_message(current):
        current.measure = entry.measure  # the message names the measure; it is already read
        return services.progress_conflict_message(current)

    return review_action(
        request,
        action=action,
        label=label,
        back=reverse("evaluation:review", args=[entry.fiscal_year.year, entry.quarter]),
        forms=(VersionForm, ReasonForm),
        run=run,
        subject=f"{label}の取組状況",
        version_message=lambda: services.progress_version_message(measure=entry.measure, current=entry),
        conflict_message=conflict_message,
    )


@login_required
def approve(request, pk: int):
    return _review_action(request, pk, "approve")


@login_required
def return_(request, pk: int):
    return _review_action(request, pk, "return")


@login_required
def reopen(request, pk: int):
    return _review_action(request, pk, "reopen")


@login_required
def measure_history(request, pk: int):
    """Every change of one measure: its 取組状況 entries and its 担当部署."""
    measure = selectors.measure_get_for_user(user=request.user, pk=pk)
    scope = Measure.objects.filter(pk=measure.pk)
    return render(
        request,
        "evaluation/history.html",
        {
            "measure": measure,
            "page": history_page(progress_history_rows(measures=scope), limit=PAGE_RECORDS),
            "departments": history_page(measure_department_history_rows(measures=scope), limit=PAGE_RECORDS),
        },
    )


@login_required
def measure_list(request, year: int):
    """Every measure of the plan with its 担当部署 and latest approved status; a 管理者 changes the 部署 here.

    The plan is public, but a 担当者 sees the status of their own 部署's measures only (as on the dashboard)."""
    period = period_from_request(request, year=year)
    fiscal_year, as_of_quarter = period.fiscal_year, period.as_of_quarter
    # A 部署's code is short: a longer value matches none, as before, without making a cache entry of its own.
    department_code = request.GET.get("department", "")[:64]
    departments = list(Department.objects.order_by("order", "code"))
    can_change_department = permissions.can_change_measure_department(request.user)
    scope = permissions.read_department_filter(request.user)

    def rows_and_counts():
        measures = list(selectors.measure_plan_list(plan=fiscal_year.plan, department_code=department_code))
        visible = set(
            selectors.measure_visible_list(user=request.user, fiscal_year=fiscal_year).values_list(
                "pk", flat=True
            )
        )
        statuses = selectors.measure_latest_status_map(
            fiscal_year=fiscal_year, as_of_quarter=as_of_quarter, measure_ids=visible
        )
        for m in measures:
            m.can_see_status = m.pk in visible
            m.latest = statuses.get(m.pk, selectors.LatestStatus(None))
        rows_html = measure_rows_html(
            measures=measures,
            departments=departments,
            can_change_department=can_change_department,
            csrf_token=CSRF_PLACEHOLDER,
        )
        return rows_html, selectors.status_counts(statuses, [m.pk for m in measures if m.can_see_status])

    # The rows are the same for everyone who sees the same measures' statuses and may do the same: kept under the
    # data version with those, the request's own CSRF token put in afterwards.
    rows_html, counts = data_version.cached(
        "measure_list",
        fiscal_year.pk,
        as_of_quarter,
        department_code,
        can_change_department,
        scope,
        compute=rows_and_counts,
    )
    return render(
        request,
        "evaluation/measure_list.html",
        {
            "fiscal_year": fiscal_year,
            "rows_html": mark_safe(rows_html.replace(CSRF_PLACEHOLDER, escape(get_token(request)))),
            "counts": counts,
            "departments": departments,
            "department_code": department_code,
            "as_of_quarter": as_of_quarter,
            "quarters": QUARTER_CHOICES,
            "can_change_department": can_change_department,
        },
    )


# Where each row's form takes the request's CSRF token (the rows are cached, the token is the request's).
CSRF_PLACEHOLDER = "__csrf-token-of-the-request__"


@login_required
@require_POST
def measure_department(request, pk: int):
    """A 管理者 gives a measure another 担当部署, with a reason (403 for anyone else)."""
    if not permissions.can_change_measure_department(request.user):
        raise PermissionDenied("施策の担当部署を変更できるのは管理者だけです。")
    measure = selectors.measure_get_for_user(user=request.user, pk=pk)
    form = DepartmentForm(request.POST)
    back = (
        reverse("evaluation:measure_list", args=[measure.plan.fiscal_year.year]) + f"#measure-{measure.order}"
    )
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, f"施策{measure.order}: {message}")
        return redirect(back)
    try:
        services.measure_department_set(
            measure=measure,
            department=form.cleaned_data["department"],
            user=request.user,
            reason=form.cleaned_data["reason"],
        )
    except ValidationError as exc:
        messages.error(request, f"施策{measure.order}: {' '.join(exc.messages)}")
    else:
        messages.success(
            request,
            f"施策{measure.order}の担当部署を「{form.cleaned_data['department'].name}」に変更しました。",
        )
    return redirect(back)
