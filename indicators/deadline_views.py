"""提出期限 of a year's quarters (docs/domain.md「1年の流れ」): the dates, the form a 管理者 changes one with (a
reason required) and every change before. 監査担当 read the page; only a 管理者 changes a date."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from indicators.entry_views import _period
from indicators.forms import DeadlineForm
from smrj_plan import deadlines, permissions


@login_required
def deadline_list(request, year: int):
    fiscal_year, _ = _period(request, year, 1)
    permissions.require_reader(request.user, "提出期限の変更・履歴は管理者・監査担当だけが閲覧できます。")
    form = None
    can_change = permissions.can_change_deadline(request.user)
    if request.method == "POST":
        permissions.require_deadline_change(request.user)
    if can_change:
        form = DeadlineForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                deadlines.deadline_set(
                    fiscal_year=fiscal_year,
                    quarter=data["quarter"],
                    due_date=data["due_date"],
                    user=request.user,
                    reason=data["reason"],
                )
            except ValidationError as exc:
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                messages.success(
                    request,
                    f"第{data['quarter']}四半期の提出期限を{deadlines.deadline_text(data['due_date'])}にしました。",
                )
                return redirect(request.path)
    status = 400 if form is not None and form.is_bound and form.errors else 200
    return render(
        request,
        "entry/deadlines.html",
        {
            "fiscal_year": fiscal_year,
            "quarters": deadlines.quarter_due_list(fiscal_year),
            "history": deadlines.deadline_history(fiscal_year),
            "form": form,
            "default_days": settings.SUBMISSION_DEADLINE_DAYS,
            "reminder_days": settings.REMINDER_DAYS_BEFORE,
        },
        status=status,
    )
