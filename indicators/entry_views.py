"""Quarterly entry (担当者), review and quarter locks (管理者), read-only review for 監査担当.

Views stay thin: access through selectors, writes through services."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from indicators import selectors, services, xlsx_import
from indicators.forms import ActualRowForm, ReasonForm, ReviewReasonForm, UploadForm, VersionForm
from measures import selectors as plan_selectors
from measures.periods import QUARTERS, quarter_long_label, quarter_span
from smrj_plan import deadlines, permissions
from smrj_plan.numbers import parse_version
from smrj_plan.owed import owed_items
from smrj_plan.workflow import EDITABLE_STATES, ConcurrentEditError, EntryState


def _period(request, year: int, quarter: int):
    # The URL converters let through only 1–4 for the quarter; the year must have a plan (404 otherwise). The
    # years come from the list read once per request, which the header's year switcher reads too.
    fiscal_year = next((fy for fy in plan_selectors.fiscal_year_shown_list(request) if fy.year == year), None)
    if fiscal_year is None:
        raise Http404("年度が見つかりません。")
    return fiscal_year, quarter


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


@login_required
def index(request):
    """The year's four quarters with their state counts, 提出期限 and lock, for every role; for a 担当者 also what
    their department still owes (what is due, by when, and what was returned, with the reason)."""
    # The year in the header's switcher (?year=), by default the latest open year.
    fiscal_year = plan_selectors.fiscal_year_shown(request)
    if fiscal_year is None:
        return render(request, "entry/index.html", {"quarters": []})
    if permissions.can_read_all(request.user):
        indicators = selectors.indicator_visible_list(user=request.user, fiscal_year=fiscal_year)
    else:
        indicators = selectors.indicator_editable_list(user=request.user, fiscal_year=fiscal_year)
    summary = selectors.quarter_state_summary(indicators=indicators, fiscal_year=fiscal_year)
    locks = selectors.quarter_lock_map(fiscal_year=fiscal_year)
    today = deadlines.today()
    due = {d.quarter: d for d in deadlines.quarter_due_list(fiscal_year, today=today)}
    locked = {q for q in QUARTERS if locks.get(q) and locks[q].is_locked}
    # What is owed in the quarters that have begun and are not closed: the 担当者's department's, or everyone's.
    begun = [q for q in QUARTERS if q not in locked and quarter_span(fiscal_year.year, q).start <= today]
    department_id = permissions.entry_department_id(request.user)
    owed = []
    if begun and (department_id is not None or permissions.can_read_all(request.user)):
        owed = owed_items(fiscal_year=fiscal_year, quarters=begun, department_id=department_id)
    owed_count = {q: sum(1 for i in owed if i.quarter == q) for q in QUARTERS}
    quarters = [
        {
            "quarter": q,
            "label": quarter_long_label(q),
            "counts": [(s.label, summary[q][s.value]) for s in EntryState],
            "lock": locks.get(q),
            "locked": q in locked,
            "due": due[q],
            "owed": owed_count[q],
            "overdue": due[q].overdue and owed_count[q] > 0,
        }
        for q in QUARTERS
    ]
    owed_quarters = [
        {"due": due[q], "items": [i for i in owed if i.quarter == q and not i.is_returned]} for q in begun
    ]
    return render(
        request,
        "entry/index.html",
        {
            "fiscal_year": fiscal_year,
            "quarters": quarters,
            "can_enter": permissions.can_enter(request.user),
            "indicator_count": indicators.count(),
            "show_owed": department_id is not None,
            "returned_items": [{"item": i, "due": due[i.quarter]} for i in owed if i.is_returned],
            "owed_quarters": [oq for oq in owed_quarters if oq["items"]],
            "can_change_deadline": permissions.can_change_deadline(request.user),
        },
    )


def _row_is_open(row, locked: bool) -> bool:
    return not locked and row.due and (row.actual is None or row.actual.state in EDITABLE_STATES)


def _rows_closed_since_opened(post, rows) -> list:
    """Rows the user's page showed as open (it posted their inputs) that someone submitted or approved since.

    Their values would otherwise be dropped without a word; the whole save is refused instead."""
    closed = []
    for row in rows:
        posted_version = post.get(f"a{row.indicator.pk}-version")
        if row.open or row.actual is None or posted_version is None:
            continue
        try:
            version = parse_version(posted_version)
        except ValidationError:
            version = None
        if version != row.actual.version:
            closed.append(row)
    return closed


@login_required
def quarter(request, year: int, quarter: int, indicator_pk: int | None = None):
    """The entry page: every indicator of the 担当者's department (or just one) with its inputs.

    One POST saves all open rows or none; 提出 saves and submits them."""
    fiscal_year, quarter = _period(request, year, quarter)
    if indicator_pk is not None:
        indicator = selectors.indicator_get_for_user(user=request.user, pk=indicator_pk)
        if indicator.plan_id != fiscal_year.plan.pk:
            # Another year's indicator under this year's URL would get an actual filed in the wrong year.
            raise Http404("この年度の指標ではありません。")
        if not permissions.can_enter_for(request.user, indicator.department_id):
            permissions.require_entry(request.user)
            raise PermissionDenied("この指標の実績は入力できません。")
        indicators = [indicator]
    else:
        permissions.require_entry(request.user)
        indicators = selectors.indicator_editable_list(user=request.user, fiscal_year=fiscal_year)
    locked = selectors.quarter_is_locked(fiscal_year=fiscal_year, quarter=quarter)
    rows = selectors.entry_rows(indicators=indicators, fiscal_year=fiscal_year, quarter=quarter)
    bound = request.method == "POST"
    if bound and locked:
        messages.error(request, "この四半期は締め済みのため変更できません。")
        return redirect(request.path)
    # Rows the POST says nothing about (not even their version) are not part of this save; every row it does
    # carry must carry the version its page showed.
    posted_prefixes = {key.split("-", 1)[0] for key in request.POST} if bound else set()
    due = deadlines.quarter_due(fiscal_year, quarter)
    for row in rows:
        row.open = _row_is_open(row, locked)
        row.overdue = (
            due.overdue and not locked and row.due and (row.actual is None or row.actual.is_editable)
        )
        row.posted = f"a{row.indicator.pk}" in posted_prefixes
        row.display = selectors.actual_display(row.actual)
        row.previous_display = selectors.actual_display(row.previous)
        row.form = (
            ActualRowForm(
                request.POST if row.posted else None,
                indicator=row.indicator,
                fiscal_year=fiscal_year,
                actual=row.actual,
            )
            if row.open
            else None
        )
    if bound:
        submit = request.POST.get("action") == "submit"
        open_rows = [r for r in rows if r.open and r.posted]
        closed_meanwhile = _rows_closed_since_opened(request.POST, rows)
        if closed_meanwhile:
            for row in closed_meanwhile:
                messages.error(request, services.actual_conflict_message(row.actual))
            messages.error(request, "入力内容に誤りがあります。どの行も保存していません。")
        elif all(r.form.is_valid() for r in open_rows):
            inputs = [
                services.RowInput(
                    indicator=r.indicator,
                    data=r.form.figure_data(),
                    expected_version=r.form.expected_version(),
                )
                for r in open_rows
            ]
            try:
                saved = services.actual_save_many(
                    user=request.user,
                    fiscal_year=fiscal_year,
                    quarter=quarter,
                    rows=inputs,
                    submit=submit,
                    reason="保存して提出" if submit else "下書き保存",
                )
            except services.ActualBatchError as batch:
                by_pk = {r.indicator.pk: r for r in open_rows}
                for pk, errs in batch.errors.items():
                    for name, msgs in errs.items():
                        for msg in msgs:
                            field = name if name in by_pk[pk].form.fields else None
                            by_pk[pk].form.add_error(field, msg)
                messages.error(request, "入力内容に誤りがあります。どの行も保存していません。")
            except ValidationError as exc:
                messages.error(request, _error_text(exc) + " どの行も保存していません。")
            else:
                if submit:
                    messages.success(request, f"{len(saved)}件の実績を提出しました。")
                else:
                    messages.success(request, f"{len(saved)}件の実績を下書き保存しました。")
                return redirect(request.path)
        else:
            messages.error(request, "入力内容に誤りがあります。どの行も保存していません。")
    return render(
        request,
        "entry/quarter.html",
        {
            "fiscal_year": fiscal_year,
            "quarter": quarter,
            "quarter_label": quarter_long_label(quarter),
            "rows": rows,
            "locked": locked,
            "deadline": due,
            "any_open": any(r.open for r in rows),
            "single": indicator_pk is not None,
        },
        status=200,
    )


@login_required
def review(request, year: int, quarter: int):
    """Every actual of a quarter, drafts included: 承認・差戻し・再開 for 管理者, read-only for 監査担当."""
    fiscal_year, quarter = _period(request, year, quarter)
    permissions.require_reader(request.user)
    actuals = list(selectors.actual_review_list(fiscal_year=fiscal_year, quarter=quarter))
    lock = selectors.quarter_lock_map(fiscal_year=fiscal_year).get(quarter)
    due = deadlines.quarter_due(fiscal_year, quarter)
    for a in actuals:
        a.display = selectors.actual_display(a)
        a.overdue = due.overdue and not (lock and lock.is_locked) and a.is_editable
    return render(
        request,
        "entry/review.html",
        {
            "fiscal_year": fiscal_year,
            "quarter": quarter,
            "quarter_label": quarter_long_label(quarter),
            "actuals": actuals,
            "lock": lock,
            "deadline": due,
            "locked": bool(lock and lock.is_locked),
            "can_review": permissions.can_review(request.user),
        },
    )


def _review_action(request, pk: int, action: str):
    actual = selectors.actual_get_for_user(user=request.user, pk=pk)
    permissions.require_manager(request.user)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    back = reverse("entry:review", args=[actual.fiscal_year.year, actual.quarter])
    form = (ReviewReasonForm if action != "approve" else VersionForm)(request.POST)
    if "version" in form.errors:
        messages.error(request, services.actual_version_message(indicator=actual.indicator, current=actual))
        return redirect(back)
    if not form.is_valid():
        if form.has_error("reason", "max_length"):
            messages.error(request, f"{actual.indicator.code}: {' '.join(form.errors['reason'])}")
        else:
            messages.error(
                request,
                f"{actual.indicator.code}: 理由を記入してください（差戻し・再開には理由が必要です）。",
            )
        return redirect(back)
    version = form.cleaned_data["version"]
    try:
        if action == "approve":
            services.actual_approve(actual=actual, user=request.user, expected_version=version)
            messages.success(request, f"{actual.indicator.code}を承認しました。")
        elif action == "return":
            services.actual_return(
                actual=actual, user=request.user, reason=form.cleaned_data["reason"], expected_version=version
            )
            messages.success(request, f"{actual.indicator.code}を差し戻しました。")
        else:
            services.actual_reopen(
                actual=actual, user=request.user, reason=form.cleaned_data["reason"], expected_version=version
            )
            messages.success(request, f"{actual.indicator.code}の承認を取り消し、下書きに戻しました。")
    except ConcurrentEditError as exc:
        messages.error(request, services.actual_conflict_message(exc.current))
    except ValidationError as exc:
        messages.error(request, f"{actual.indicator.code}: {_error_text(exc)}")
    return redirect(back)


@login_required
def approve(request, pk: int):
    return _review_action(request, pk, "approve")


@login_required
def return_(request, pk: int):
    return _review_action(request, pk, "return")


@login_required
def reopen(request, pk: int):
    return _review_action(request, pk, "reopen")


def _lock_action(request, year: int, quarter: int, locked: bool):
    fiscal_year, quarter = _period(request, year, quarter)
    permissions.require_manager(request.user)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    form = ReasonForm(request.POST)
    if form.has_error("reason", "max_length"):
        messages.error(request, " ".join(form.errors["reason"]))
    elif not form.is_valid():
        messages.error(request, "締め・締め解除の理由を記入してください。")
    else:
        try:
            change = services.quarter_lock if locked else services.quarter_unlock
            change(
                fiscal_year=fiscal_year,
                quarter=quarter,
                user=request.user,
                reason=form.cleaned_data["reason"],
            )
            messages.success(
                request, f"{quarter_long_label(quarter)}を{'締めました' if locked else '締め解除しました'}。"
            )
        except ValidationError as exc:
            messages.error(request, _error_text(exc))
    # Only a path on this site: anything else ("https://…", "//…", ":") would be an open redirect or a 500.
    next_url = request.POST.get("next", "")
    if not next_url.startswith("/") or not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=False
    ):
        next_url = reverse("entry:review", args=[year, quarter])
    return redirect(next_url)


@login_required
def lock(request, year: int, quarter: int):
    return _lock_action(request, year, quarter, True)


@login_required
def unlock(request, year: int, quarter: int):
    return _lock_action(request, year, quarter, False)


@login_required
def template_download(request, year: int, quarter: int):
    """The .xlsx template for a quarter, prefilled with the 担当者's indicators and current values."""
    fiscal_year, quarter = _period(request, year, quarter)
    permissions.require_entry(request.user)
    content = xlsx_import.template_build(user=request.user, fiscal_year=fiscal_year, quarter=quarter)
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    filename = f"actuals_{year}_Q{quarter}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
def upload(request, year: int, quarter: int):
    """Upload a filled template: every problem listed with row and column; any problem → nothing saved."""
    fiscal_year, quarter = _period(request, year, quarter)
    permissions.require_entry(request.user)
    result = None
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        f = form.cleaned_data["file"]
        result = xlsx_import.actuals_import(
            user=request.user, fiscal_year=fiscal_year, quarter=quarter, filename=f.name, content=f.read()
        )
        if result.ok:
            messages.success(request, f"Excelから{len(result.saved)}件の実績を下書き保存しました。")
            return redirect("entry:quarter", year=year, quarter=quarter)
    status = 400 if request.method == "POST" and (result is None or not result.ok) else 200
    return render(
        request,
        "entry/upload.html",
        {
            "fiscal_year": fiscal_year,
            "quarter": quarter,
            "quarter_label": quarter_long_label(quarter),
            "form": form,
            "result": result,
            "max_bytes": xlsx_import.max_bytes(),
        },
        status=status,
    )
