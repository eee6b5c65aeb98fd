"""Budget pages: the 18 published tables, the summary across 勘定, the reconciliation and budget execution.

Views stay thin: reads through selectors, writes through services. Anyone signed in reads the published tables
(they are public plan figures); execution lines are shown by role (a 担当者 sees their department's)."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from budgets import selectors, services
from budgets.history import execution_history_rows
from budgets.models import Account, BudgetTable
from measures import selectors as plan_selectors
from measures.models import FiscalYear
from measures.periods import QUARTERS, quarter_label, quarter_long_label
from smrj_plan import data_version, formatting, permissions
from smrj_plan.history import history_page
from smrj_plan.models import QuarterLock
from smrj_plan.numbers import parse_int, parse_version
from smrj_plan.review_actions import posted_selection
from smrj_plan.workflow import EDITABLE_STATES, ConcurrentEditError, EntryState, MissingVersionError

# A history page shows this many saved records, newest first; the workbook's 変更履歴 has them all.
HISTORY_PAGE_RECORDS = 500


def _fiscal_year(request) -> FiscalYear:
    """The year whose 執行額 are entered: the latest year with published tables (from the years with a plan,
    read once per request and shared with the header's year switcher)."""
    fiscal_year = next(
        (fy for fy in plan_selectors.fiscal_year_shown_list(request) if fy.budget_table_count), None
    )
    if fiscal_year is None:
        raise Http404("予算表が読み込まれていません。")
    return fiscal_year


def _shown_year(request) -> FiscalYear:
    """The year the read-only table pages show: the header's year (?year=, by default the latest open year).
    A year opened by start_year has no tables until its text is loaded; its pages say so."""
    fiscal_year = plan_selectors.fiscal_year_shown(request)
    if fiscal_year is None:
        raise Http404("計画が読み込まれていません。")
    return fiscal_year


def _kind(kind: str) -> str:
    if kind not in BudgetTable.Kind.values:
        raise Http404("予算表の種類が見つかりません。")
    return kind


@login_required
def index(request):
    """Tables by plan kind × 勘定, the 予算計画 summary across 勘定 and the reconciliation counts."""
    fiscal_year = _shown_year(request)
    tables = selectors.budget_table_list(fiscal_year=fiscal_year.year)
    accounts = list(Account.objects.filter(tables__fiscal_year=fiscal_year).distinct().order_by("order"))
    # The reconciliation checks every total of every table: done once per data version, not per request.
    items = data_version.cached(
        "budget_reconciliation",
        fiscal_year.year,
        compute=lambda: selectors.budget_reconciliation_list(fiscal_year=fiscal_year.year),
    )
    counts = {}
    for item in items:
        entry = counts.setdefault((item.kind, item.account_code), {"rounding": 0, "error": 0})
        entry[item.severity] += 1
    by_key = {(t.kind, t.account.code): t for t in tables}
    matrix = []
    for kind in selectors.KIND_ORDER:
        cells = []
        for account in accounts:
            table = by_key.get((kind, account.code))
            cells.append({"table": table, "account": account, "counts": counts.get((kind, account.code))})
        matrix.append(
            {
                "kind": kind,
                "label": BudgetTable.Kind(kind).label,
                "attachment": BudgetTable.ATTACHMENT[kind],
                "cells": cells,
            }
        )
    summary = data_version.cached(
        "budget_summary",
        fiscal_year.year,
        compute=lambda: selectors.budget_summary_list(fiscal_year=fiscal_year.year),
    )
    return render(
        request,
        "budgets/index.html",
        {
            "fiscal_year": fiscal_year,
            "accounts": accounts,
            "matrix": matrix,
            "summary": summary,
            "rounding_count": sum(1 for i in items if i.severity == "rounding"),
            "error_count": sum(1 for i in items if i.severity == "error"),
            "tolerance": selectors.ROUNDING_TOLERANCE,
        },
    )


@login_required
def table(request, kind: str, account: str):
    """One table in its published layout; totals that do not add up are marked with their difference."""
    fiscal_year = _shown_year(request)
    try:
        grid = selectors.budget_grid_get(fiscal_year=fiscal_year.year, kind=_kind(kind), account_code=account)
    except BudgetTable.DoesNotExist:
        raise Http404("予算表が見つかりません。") from None
    issues = {}
    for item in selectors.grid_reconciliation(grid):
        previous = issues.get((item.row_order, item.column_order))
        if previous is None or abs(item.difference) > abs(previous.difference):
            issues[(item.row_order, item.column_order)] = item
    rows = [
        {
            "row": row,
            "cells": [
                {"cell": cell, "issue": issues.get((row.order, cell.column_order))} for cell in row.cells
            ],
        }
        for row in grid.rows
    ]
    return render(
        request,
        "budgets/table.html",
        {"fiscal_year": fiscal_year, "grid": grid, "rows": rows, "issue_count": len(issues)},
    )


@login_required
def reconciliation(request):
    """Every published total that is not the sum of its parts, per table (errors in red, 端数差異 in amber)."""
    fiscal_year = _shown_year(request)
    items = selectors.budget_reconciliation_list(fiscal_year=fiscal_year.year)
    groups = []
    for table in selectors.budget_table_list(fiscal_year=fiscal_year.year):
        table_items = [i for i in items if i.kind == table.kind and i.account_code == table.account.code]
        groups.append({"table": table, "items": table_items})
    return render(
        request,
        "budgets/reconciliation.html",
        {
            "fiscal_year": fiscal_year,
            "groups": groups,
            "total": len(items),
            "rounding_count": sum(1 for i in items if i.severity == "rounding"),
            "error_count": sum(1 for i in items if i.severity == "error"),
            "tolerance": selectors.ROUNDING_TOLERANCE,
        },
    )


# --------------------------------------------------------------------------------------------------------
# Budget execution


def _account(code: str) -> Account:
    try:
        return Account.objects.get(code=code)
    except Account.DoesNotExist:
        raise Http404("勘定が見つかりません。") from None


def _quarter(value) -> int | None:
    try:
        return parse_int(value, min_value=min(QUARTERS), max_value=max(QUARTERS))
    except ValidationError:
        return None


def _version(text: str | None) -> int | None:
    """The version a page posted, or None when it is missing or unreadable (the caller refuses the change)."""
    try:
        return parse_version(text)
    except ValidationError:
        return None


@login_required
def execution(request, account: str):
    """予算額 | 執行額 Q1–Q4 | 累計 | 差額 | 執行率 | 備考 for one 勘定, with the entry form of a quarter for the
    担当者 and the review actions for the 管理者."""
    fiscal_year = _fiscal_year(request)
    account_obj = _account(account)
    try:
        summary = selectors.budget_execution_summary(
            fiscal_year=fiscal_year.year,
            account_code=account,
            department_id=permissions.read_department_filter(request.user),
        )
    except BudgetTable.DoesNotExist:
        raise Http404("予算計画が見つかりません。") from None
    locks = {
        lock.quarter: lock for lock in QuarterLock.objects.filter(fiscal_year=fiscal_year, is_locked=True)
    }
    quarter = _quarter(request.GET.get("quarter")) or 1
    can_enter = permissions.can_enter(request.user)
    entry_lines = []
    if can_enter:
        for line in summary.lines:
            entry = line.entries.get(quarter)
            entry_lines.append(
                {
                    "line": line,
                    "entry": entry,
                    "editable": quarter not in locks and (entry is None or entry.state in EDITABLE_STATES),
                    "name": f"{line.row_pk}-{line.column_pk}",
                }
            )
    review, review_filters = [], {}
    if permissions.can_read_all(request.user):
        review, review_filters = _review_queue(request, summary)
        for r in review:
            r["locked"] = r["quarter"] in locks
    sections = []
    for label, lines in summary.sections:
        shown = [ln for ln in lines if ln.budget is not None or ln.entries]
        totals = {
            "budget": sum((ln.budget or 0 for ln in lines), 0),
            "quarters": [sum((ln.approved.get(q, 0) for ln in lines), 0) for q in QUARTERS],
            "executed": sum((ln.executed for ln in lines), 0),
            "pending": sum((ln.pending_total for ln in lines), 0),
        }
        totals["difference"] = totals["executed"] - totals["budget"]
        sections.append({"label": label, "lines": shown, "hidden": len(lines) - len(shown), "totals": totals})
    return render(
        request,
        "budgets/execution.html",
        {
            "fiscal_year": fiscal_year,
            "shown_year": fiscal_year,  # the header says which year the amounts are for
            "account": account_obj,
            "accounts": Account.objects.filter(tables__kind=BudgetTable.Kind.BUDGET)
            .distinct()
            .order_by("order"),
            "summary": summary,
            "sections": sections,
            "quarters": [{"number": q, "label": quarter_label(q), "locked": q in locks} for q in QUARTERS],
            "quarter": quarter,
            "quarter_label": quarter_long_label(quarter),
            "quarter_locked": quarter in locks,
            "can_enter": can_enter,
            "entry_lines": entry_lines,
            "review": review,
            "review_filters": review_filters,
            "review_states": [(s.value, s.label) for s in EntryState],
            "review_departments": sorted(
                {(ln.department_id, ln.department_name) for ln in summary.lines if ln.department_id},
                key=lambda d: d[1],
            ),
            "can_bulk_approve": permissions.can_review(request.user)
            and any(r["approvable"] and r["quarter"] not in locks for r in review),
            "errors": {},
        },
    )


def _review_queue(request, summary, *, selected: dict | None = None) -> tuple[list[dict], dict]:
    """The lines' entries a 管理者 reviews (an auditor reads them), filtered by ?department= and ?state=: each with
    its 予算額, last quarter's amount, and the 累計 and 執行率 an approval would give (approved amounts of the
    quarters up to it, this one included; the rounding of every percentage). Bad filters are ignored with a
    message. `selected` ({id: version}) keeps only those entries (the bulk approval's confirmation)."""
    show_drafts = not permissions.can_review(request.user) or selected is not None
    departments = {ln.department_id for ln in summary.lines if ln.department_id is not None}
    filters, query = {}, {}
    raw = request.GET.get("department", "") if selected is None else ""
    if raw:
        try:
            pk = parse_int(raw[:64], min_value=1, max_value=10**9)
        except ValidationError:
            pk = None
        if pk in departments:
            filters["department"] = query["department"] = pk
        else:
            messages.warning(request, "担当部署の指定が正しくないため、担当部署では絞り込んでいません。")
    raw = request.GET.get("state", "") if selected is None else ""
    if raw:
        if raw in EntryState.values:
            filters["state"] = query["state"] = raw
            show_drafts = True
        else:
            messages.warning(request, "状態の指定が正しくないため、状態では絞り込んでいません。")
    items = []
    for line in summary.lines:
        if "department" in filters and line.department_id != filters["department"]:
            continue
        for q, entry in sorted(line.entries.items()):
            if selected is not None and entry.pk not in selected:
                continue
            if entry.state == EntryState.DRAFT and not show_drafts:
                continue
            if "state" in filters and entry.state != filters["state"]:
                continue
            cumulative = sum((a for aq, a in line.approved.items() if aq < q), Decimal("0")) + entry.amount
            previous = line.entries.get(q - 1)
            items.append(
                {
                    "line": line,
                    "quarter": q,
                    "entry": entry,
                    "previous": previous,
                    "cumulative": cumulative,
                    "rate": formatting.round_percent(cumulative * 100 / line.budget) if line.budget else None,
                    "approvable": entry.state == EntryState.SUBMITTED
                    and entry.submitted_by_id != request.user.pk,
                }
            )
    return items, {"values": filters, "query": urlencode(query)}


@login_required
@require_POST
def execution_bulk_approve(request, account: str):
    """一括承認 of the selected executed amounts of a 勘定: a confirmation page first (works without JavaScript),
    then every line or none, each through the workflow with its history (docs/domain.md「提出状況と締め」)."""
    fiscal_year = _fiscal_year(request)
    _account(account)
    permissions.require_review(request.user)
    try:
        summary = selectors.budget_execution_summary(fiscal_year=fiscal_year.year, account_code=account)
    except BudgetTable.DoesNotExist:
        raise Http404("予算計画が見つかりません。") from None
    limit = sum(len(line.entries) for line in summary.lines)
    back = reverse("budgets:execution", args=[account])
    filters = QueryDict(request.POST.get("filters", "")[:200])
    kept = urlencode({k: filters[k][:20] for k in ("department", "state") if filters.get(k)})
    back_with_filters = f"{back}?{kept}" if kept else back
    items, problems = posted_selection(request.POST, limit=limit, noun="執行額", scope="この勘定の執行額")
    if problems:
        for problem in problems:
            messages.error(request, problem)
        return redirect(back_with_filters)
    if request.POST.get("confirmed") != "yes":
        selected = dict(items)
        rows, _filters = _review_queue(request, summary, selected=selected)
        unknown = set(selected) - {r["entry"].pk for r in rows}
        if unknown:
            messages.error(
                request,
                f"この勘定の執行額ではないものが選ばれています（ID {', '.join(map(str, sorted(unknown)))}）。何も承認していません。",
            )
            return redirect(back_with_filters)
        for r in rows:
            r["posted_version"] = selected[r["entry"].pk]
            r["refusal"] = _execution_refusal(r, user=request.user)
        return render(
            request,
            "budgets/execution_bulk_confirm.html",
            {
                "fiscal_year": fiscal_year,
                "account": summary,
                "rows": rows,
                "refused": [r for r in rows if r["refusal"]],
                "filter_query": kept,
                "back": back_with_filters,
            },
        )
    try:
        approved = services.execution_approve_many(
            fiscal_year=fiscal_year, account_code=account, user=request.user, items=items
        )
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"執行額{len(approved)}件を承認しました。")
    return redirect(back_with_filters)


def _execution_refusal(item: dict, *, user) -> str:
    entry = item["entry"]
    label = f"{item['line'].row_label}（{item['line'].column_label}）{quarter_label(item['quarter'])}"
    if entry.version != item["posted_version"]:
        return f"{label}：{services.execution_conflict_message(entry)}"
    if entry.state != EntryState.SUBMITTED:
        return f"{label}：「{entry.get_state_display()}」のため承認できません。"
    if entry.submitted_by_id == user.pk:
        return f"{label}：自分が提出した値のため承認できません（別の管理者が承認してください）。"
    return ""


@login_required
@require_POST
def execution_save(request, account: str, quarter: int):
    """Save (or save and submit) a quarter's amounts for the 担当者's lines: all lines or none."""
    fiscal_year = _fiscal_year(request)
    _account(account)
    if quarter not in QUARTERS:
        raise Http404("四半期は1〜4です。")
    permissions.require_entry(request.user, "執行額を入力できるのは部署に所属する担当者だけです。")
    summary = selectors.budget_execution_summary(
        fiscal_year=fiscal_year.year,
        account_code=account,
        department_id=permissions.entry_department_id(request.user),
    )
    from budgets.models import BudgetColumn, BudgetRow

    rows = {r.pk: r for r in BudgetRow.objects.filter(table_id=summary.table_id)}
    columns = {
        c.pk: c
        for c in BudgetColumn.objects.filter(table_id=summary.table_id).select_related("table__fiscal_year")
    }
    lines = []
    url = reverse("budgets:execution", args=[account]) + f"?quarter={quarter}"
    refused = []
    for line in summary.lines:
        name = f"{line.row_pk}-{line.column_pk}"
        if f"amount-{name}" not in request.POST:
            continue
        entry = line.entries.get(quarter)
        label = f"{line.row_label}（{line.column_label}）"
        version = _version(request.POST.get(f"version-{name}"))
        if version is None:
            # Without the version the page showed, a colleague's newer figure would be overwritten unseen.
            refused.append(services.execution_version_message(entry, label=label))
            continue
        if entry is not None and entry.state not in EDITABLE_STATES:
            # The page showed this line open; someone submitted or approved it since. Say so, save nothing.
            if version != entry.version:
                refused.append(f"{label}：他の利用者が先に提出・承認しました。画面を開き直してください。")
            continue
        lines.append(
            services.ExecutionInput(
                row=rows[line.row_pk],
                column=columns[line.column_pk],
                text=request.POST.get(f"amount-{name}", ""),
                note=request.POST.get(f"note-{name}", ""),
                expected_version=version,
            )
        )
    if refused:
        for message in refused:
            messages.error(request, message)
        messages.warning(request, "誤りのある行があるため、何も保存していません。")
        return redirect(url)
    try:
        saved = services.execution_save_many(
            user=request.user, quarter=quarter, lines=lines, submit="submit" in request.POST
        )
    except services.ExecutionBatchError as exc:
        labels = {(ln.row_pk, ln.column_pk): f"{ln.row_label}（{ln.column_label}）" for ln in summary.lines}
        for key, errors in exc.errors.items():
            messages.error(request, f"{labels.get(key, '')}：{' '.join(errors)}")
        messages.warning(request, "誤りのある行があるため、何も保存していません。")
        return redirect(url)
    if not saved:
        # Nothing typed (or nothing changed) is not a success: say that nothing happened.
        if "submit" in request.POST:
            messages.warning(
                request,
                f"{quarter_label(quarter)}に提出する執行額がありません。金額を入力してから「提出」を押してください"
                "（何も提出していません）。",
            )
        else:
            messages.warning(request, "入力された金額も変更もないため、何も保存していません。")
        return redirect(url)
    action = "保存して提出しました" if "submit" in request.POST else "下書き保存しました"
    messages.success(request, f"{quarter_label(quarter)}の執行額を{len(saved)}件{action}。")
    return redirect(url)


@login_required
@require_POST
def execution_action(request, pk: int):
    """提出 (担当者) or 承認・差戻し・再開 (管理者) of one executed amount."""
    entry = selectors.execution_get_for_user(user=request.user, pk=pk)
    action = request.POST.get("action", "")
    reason = request.POST.get("reason", "")
    expected = _version(request.POST.get("version"))
    handlers = {
        "submit": lambda: services.execution_submit(
            execution=entry, user=request.user, expected_version=expected
        ),
        "approve": lambda: services.execution_approve(
            execution=entry, user=request.user, expected_version=expected
        ),
        "return": lambda: services.execution_return(
            execution=entry, user=request.user, reason=reason, expected_version=expected
        ),
        "reopen": lambda: services.execution_reopen(
            execution=entry, user=request.user, reason=reason, expected_version=expected
        ),
    }
    if action not in handlers:
        raise Http404("操作が見つかりません。")
    url = reverse("budgets:execution", args=[entry.column.table.account.code]) + f"?quarter={entry.quarter}"
    try:
        # A missing or unreadable version goes to the service as None: it checks the role first (403), then
        # refuses the change (MissingVersionError) with the value stored now.
        handlers[action]()
    except MissingVersionError as exc:
        label = f"{entry.row.label}（{entry.column.label}）{quarter_label(entry.quarter)}"
        messages.error(request, services.execution_version_message(exc.current, label=label))
    except ConcurrentEditError as exc:
        messages.error(request, services.execution_conflict_message(exc.current))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        labels = {"submit": "提出", "approve": "承認", "return": "差戻し", "reopen": "再開"}
        messages.success(
            request,
            f"{entry.row.label}（{entry.column.label}）{quarter_label(entry.quarter)}を{labels[action]}しました。",
        )
    return redirect(url)


@login_required
def execution_history(request, pk: int):
    """Who changed an executed amount, when, from what to what, and why."""
    entry = selectors.execution_get_for_user(user=request.user, pk=pk)
    page = history_page(execution_history_rows(execution=entry), limit=HISTORY_PAGE_RECORDS)
    return render(request, "budgets/execution_history.html", {"entry": entry, "page": page})


@login_required
def execution_line(request, row: int, column: int):
    """One 予算計画 line × column: 予算額 and each quarter's entry with its state (404 for another 部署's line)."""
    row_obj, column_obj = selectors.execution_line_get_for_user(
        user=request.user, row_pk=row, column_pk=column
    )
    budget = row_obj.cells.filter(column=column_obj).values_list("amount", flat=True).first()
    entries = {
        e.quarter: e for e in row_obj.executions.filter(column=column_obj).select_related("updated_by")
    }
    quarters = [{"number": q, "label": quarter_long_label(q), "entry": entries.get(q)} for q in QUARTERS]
    return render(
        request,
        "budgets/execution_line.html",
        {
            "row": row_obj,
            "column": column_obj,
            "budget": budget,
            "quarters": quarters,
            "can_edit": selectors.execution_column_can_edit(user=request.user, column=column_obj),
        },
    )
