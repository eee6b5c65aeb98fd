"""Quarterly entry (担当者), review and quarter locks (管理者), read-only review for 監査担当.

Views stay thin: access through selectors, writes through services."""

import dataclasses

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, HttpResponseNotAllowed, QueryDict
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode

from indicators import completeness, review_queue, selectors, services, xlsx_import
from indicators.forms import ActualRowForm, ReasonForm, ReviewReasonForm, UploadForm, VersionForm
from indicators.review_table import ReviewTable
from measures import selectors as plan_selectors
from measures.periods import QUARTERS, quarter_long_label, quarter_span
from smrj_plan import deadlines, permissions, quarter_work
from smrj_plan.numbers import parse_id, parse_version
from smrj_plan.owed import owed_items
from smrj_plan.review_actions import posted_selection, review_action
from smrj_plan.text import has_visible_text
from smrj_plan.workflow import EDITABLE_STATES, INCOMPLETE_STATES, UNSUBMITTED_STATES, EntryState


def _period(request, year: int, quarter: int):
    # The URL converters let through only 1–4 for the quarter; the year must have a plan (404 otherwise). The
    # years come from the list read once per request, which the header's year switcher reads too.
    fiscal_year = next((fy for fy in plan_selectors.fiscal_year_shown_list(request) if fy.year == year), None)
    if fiscal_year is None:
        raise Http404("年度が見つかりません。")
    return fiscal_year, quarter


def _error_text(exc: ValidationError) -> str:
    return " ".join(exc.messages)


NOTHING_SUBMITTED = (
    "提出する実績がありません。値を入力してから「提出」を押してください（何も提出していません）。"
)
NOTHING_SAVED = "入力された値も変更もないため、何も保存していません。"


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
                for line in _row_error_lines(open_rows):
                    messages.error(request, line)
            except ValidationError as exc:
                messages.error(request, _error_text(exc) + " どの行も保存していません。")
            else:
                if not saved:
                    # Nothing typed (or nothing changed) is not a success: say that nothing happened.
                    messages.warning(request, NOTHING_SUBMITTED if submit else NOTHING_SAVED)
                elif submit:
                    messages.success(request, f"{len(saved)}件の実績を提出しました。")
                else:
                    messages.success(request, f"{len(saved)}件の実績を下書き保存しました。")
                return redirect(request.path)
        else:
            messages.error(request, "入力内容に誤りがあります。どの行も保存していません。")
            for line in _row_error_lines(open_rows):
                messages.error(request, line)
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


def _row_error_lines(rows) -> list[str]:
    """「1-3 分子（該当数）：カンマは3桁ごとに…」: each refused input named by indicator and field, for the
    message list at the top of a long page (the same message also stands beside the field)."""
    lines = []
    for row in rows:
        form = row.form
        for name, errors in form.errors.items():
            label = form.fields[name].label if name in form.fields and name != "version" else ""
            for error in errors:
                named = error if not label or error.startswith(f"{label}：") else f"{label}：{error}"
                lines.append(f"{row.indicator.code} {named}")
    return lines


QUEUE_FILTERS = ("department", "state", "pillar")


def _queue_filters(params, *, departments, sections) -> tuple[dict, list[str], str]:
    """The queue's filters from a query (or a POST that carried them): the selector's arguments, the Japanese
    messages for the values refused (ignored, never a 500), and the query string of the accepted ones."""
    filters: dict = {}
    problems: list[str] = []
    kept: dict[str, str] = {}

    def read_id(raw: str):
        try:
            return parse_id(raw)
        except ValidationError:
            return None

    # (query name, selector argument, how a value is read, the values allowed, what the filter is called)
    for name, argument, read, allowed, label in (
        ("department", "department_id", read_id, departments, "担当部署"),
        ("state", "state", str, completeness.STATES, "状態"),
        ("pillar", "section_id", read_id, sections, "柱・項目"),
    ):
        raw = params.get(name, "")
        if not raw:
            continue
        value = read(raw)
        if value in allowed:
            filters[argument] = kept[name] = value
        else:
            problems.append(f"{label}の指定が正しくないため、{label}では絞り込んでいません。")
    return filters, problems, urlencode(kept)


def _section_choices(indicators) -> list[tuple[int, str]]:
    """The sections (柱・項目) of the year's indicators, in plan order, with their labels."""
    seen = {}
    for ind in sorted(indicators, key=lambda i: (i.chapter_number, i.section_number)):
        seen.setdefault(ind.section_id, ind.section_label)
    return list(seen.items())


@login_required
def review(request, year: int, quarter: int):
    """The quarter's queue: filters (部署・状態・柱), each figure with its target, last quarter, the cumulative and
    the 達成率 it would give; bulk approval, 差戻し one by one, 再開 and 締め for 管理者; read-only for 監査担当."""
    fiscal_year, quarter = _period(request, year, quarter)
    permissions.require_reader(request.user)
    year_state = completeness.indicator_completeness(fiscal_year=fiscal_year)
    quarter_state = year_state.quarters[quarter]
    sections = _section_choices(year_state.indicators)
    filters, problems, query = _queue_filters(
        request.GET,
        departments={d.department_id for d in quarter_state.departments if d.department_id is not None},
        sections={pk for pk, _label in sections},
    )
    for problem in problems:
        messages.warning(request, problem)
    cells = review_queue.review_queue_cells(quarter_state=quarter_state, **filters)
    page = Paginator(cells, REVIEW_PAGE_SIZE).get_page(_page_number(request.GET.get("page", "")))
    rows = review_queue.review_queue_rows(fiscal_year=fiscal_year, quarter=quarter, cells=list(page))
    lock = selectors.quarter_lock_map(fiscal_year=fiscal_year).get(quarter)
    locked = bool(lock and lock.is_locked)
    due = deadlines.quarter_due(fiscal_year, quarter)
    can_review = permissions.can_review(request.user)
    # Checkboxes are on this page's rows; the count of the whole queue says how many more the other pages hold.
    approvable = [
        r for r in rows if r.state == EntryState.SUBMITTED and r.actual.submitted_by_id != request.user.pk
    ]
    submitted = [c.actual_id for c in cells if c.state == EntryState.SUBMITTED]
    approvable_total = selectors.actual_approvable_count(ids=submitted, user=request.user)
    overdue_states = UNSUBMITTED_STATES if due.overdue and not locked else frozenset()
    # What the row forms and the bulk approval carry back: the filters and the page the manager is on.
    return_query = urlencode(
        {**dict(QueryDict(query).items()), **({"page": page.number} if page.number > 1 else {})}
    )
    table = ReviewTable(
        quarter=quarter,
        user_id=request.user.pk,
        can_review=can_review,
        locked=locked,
        overdue_states=overdue_states,
        filter_query=return_query,
        csrf_token=get_token(request),
    )
    return render(
        request,
        "entry/review.html",
        {
            "fiscal_year": fiscal_year,
            "quarter": quarter,
            "quarter_label": quarter_long_label(quarter),
            "rows_html": table.body_html(rows),
            "page": page,
            "page_links": _page_links(page, query),
            "lock": lock,
            "locked": locked,
            "can_review": can_review,
            "can_bulk_approve": can_review and not locked and bool(approvable),
            "approvable_count": len(approvable),
            "approvable_total": approvable_total,
            "quarter_state": quarter_state,
            "state_counts": [(s, completeness.state_label(s), n) for s, n in quarter_state.count_list],
            "filter_values": filters,
            "filter_query": query,
            "return_query": return_query,
            "departments": [d for d in quarter_state.departments if d.department_id is not None],
            "sections": sections,
            "states": [(s, completeness.state_label(s)) for s in completeness.STATES],
            "deadline": due,
        },
    )


# The queue shows this many indicators a page (a year of 250 indicators is five pages); the filters narrow it.
REVIEW_PAGE_SIZE = 50


def _page_number(raw: str) -> int:
    """The ?page= of the queue; anything unreadable is the first page (Paginator.get_page clamps the rest)."""
    try:
        return parse_id(raw[:64]) or 1
    except ValidationError:
        return 1


def _page_links(page, query: str) -> list[tuple[str, str, bool]]:
    """The queue's page links — 前へ, each page, 次へ — as (label, address with the filters kept, is this page);
    empty when everything fits on one page."""
    if not page.has_other_pages():
        return []
    prefix = f"?{query}&page=" if query else "?page="
    links = [("前へ", f"{prefix}{page.previous_page_number()}", False)] if page.has_previous() else []
    links += [(str(n), f"{prefix}{n}", n == page.number) for n in page.paginator.page_range]
    if page.has_next():
        links.append(("次へ", f"{prefix}{page.next_page_number()}", False))
    return links


def _kept_filters(post) -> str:
    """The queue's filters and page a row's form carried back (the queue checks them again when it opens)."""
    params = QueryDict(post.get("filters", "")[:200])
    return urlencode({k: params[k][:20] for k in (*QUEUE_FILTERS, "page") if params.get(k)})


def _back_to_queue(year: int, quarter: int, query: str) -> str:
    url = reverse("entry:review", args=[year, quarter])
    return f"{url}?{query}" if query else url


@login_required
def bulk_approve(request, year: int, quarter: int):
    """一括承認: the selected rows of the queue, after one confirmation, all or nothing (each with its history).

    The first POST shows what would be approved (a page, so it works without JavaScript); the POST from that
    page, with `confirmed`, approves every row or none."""
    fiscal_year, quarter = _period(request, year, quarter)
    permissions.require_review(request.user)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    limit = selectors.actual_review_list(fiscal_year=fiscal_year, quarter=quarter).count()
    # Back to the queue as it was (filters and page); the queue checks them again when it opens.
    query = _kept_filters(request.POST)
    back = _back_to_queue(year, quarter, query)
    items, problems = posted_selection(request.POST, limit=limit, noun="実績", scope="この四半期の実績")
    for problem in problems:
        messages.error(request, problem)
    if problems:
        return redirect(back)
    if request.POST.get("confirmed") != "yes":
        selected = dict(items)
        quarter_state = completeness.indicator_completeness(fiscal_year=fiscal_year).quarters[quarter]
        # Copies: the rows are shared through the cache, and this page adds what was posted to each.
        rows = [
            dataclasses.replace(r)
            for r in review_queue.review_queue_rows(
                fiscal_year=fiscal_year,
                quarter=quarter,
                cells=[c for c in quarter_state.cells if c.actual_id in selected],
            )
        ]
        unknown = set(selected) - {r.actual.pk for r in rows}
        if unknown:
            messages.error(
                request,
                f"この四半期の実績ではないものが選ばれています（ID {', '.join(map(str, sorted(unknown)))}）。何も承認していません。",
            )
            return redirect(back)
        for r in rows:
            r.posted_version = selected[r.actual.pk]
            r.refusal = _bulk_refusal(r, user=request.user)
        return render(
            request,
            "entry/bulk_approve_confirm.html",
            {
                "fiscal_year": fiscal_year,
                "quarter": quarter,
                "quarter_label": quarter_long_label(quarter),
                "rows": rows,
                "refused": [r for r in rows if r.refusal],
                "filter_query": query,
                "back": back,
            },
        )
    try:
        approved = services.actual_approve_many(
            fiscal_year=fiscal_year, quarter=quarter, user=request.user, items=items
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        codes = "、".join(a.indicator.code for a in approved)
        messages.success(request, f"{len(approved)}件を承認しました（{codes}）。")
    return redirect(back)


def _bulk_refusal(row, *, user) -> str:
    """Why the confirmation page already knows a selected row cannot be approved ("" when it can)."""
    actual = row.actual
    if actual.version != row.posted_version:
        return services.actual_conflict_message(actual)
    if actual.state != EntryState.SUBMITTED:
        return f"{row.indicator.code}は「{row.state_label}」のため承認できません。"
    if actual.submitted_by_id == user.pk:
        return f"{row.indicator.code}は自分が提出した値のため承認できません（別の管理者が承認してください）。"
    return ""


def _review_action(request, pk: int, action: str):
    actual = selectors.actual_get_for_user(user=request.user, pk=pk)
    permissions.require_manager(request.user)
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    code = actual.indicator.code

    def run(action: str, *, version: int, reason: str):
        if action == "approve":
            return services.actual_approve(actual=actual, user=request.user, expected_version=version)
        transition = services.actual_return if action == "return" else services.actual_reopen
        return transition(actual=actual, user=request.user, reason=reason, expected_version=version)

    return review_action(
        request,
        action=action,
        label=code,
        back=_back_to_queue(actual.fiscal_year.year, actual.quarter, _kept_filters(request.POST)),
        forms=(VersionForm, ReviewReasonForm),
        run=run,
        subject=code,
        version_message=lambda: services.actual_version_message(indicator=actual.indicator, current=actual),
        conflict_message=services.actual_conflict_message,
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
    elif locked and (confirmation := _lock_needs_confirmation(request, fiscal_year, quarter, form)):
        return confirmation
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


def _lock_needs_confirmation(request, fiscal_year, quarter: int, form):
    """締め of a quarter with items not yet approved: the list, and a page asking for an explicit confirmation
    (a checkbox) with the reason; None when the quarter is complete or the POST carries the confirmation."""
    if not has_visible_text(form.cleaned_data["reason"]):
        return None  # the service refuses the reason with its message; nothing to confirm
    quarter_state = completeness.quarter_completeness(fiscal_year=fiscal_year, quarter=quarter)
    # The lock closes the budget execution and the measures' 取組状況 too: their open items are listed alike.
    other_work = quarter_work.open_work(fiscal_year=fiscal_year, quarter=quarter)
    if (quarter_state.is_complete and not other_work) or request.POST.get("confirm_incomplete") == "yes":
        return None
    return render(
        request,
        "entry/lock_confirm.html",
        {
            "fiscal_year": fiscal_year,
            "quarter": quarter,
            "quarter_label": quarter_long_label(quarter),
            "quarter_state": quarter_state,
            "incomplete": quarter_state.incomplete,
            "reason": form.cleaned_data["reason"],
            "next": request.POST.get("next", "")[:500],
            "incomplete_counts": [
                (s, completeness.state_label(s), n)
                for s, n in quarter_state.count_list
                if n and s in INCOMPLETE_STATES
            ],
            "confirm_missing": "confirm_step" in request.POST,
            "other_work": other_work,
        },
    )


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
        if result.ok and not result.saved:
            messages.warning(request, "Excelに取り込む値も変更もなかったため、何も保存していません。")
            return redirect("entry:quarter", year=year, quarter=quarter)
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
