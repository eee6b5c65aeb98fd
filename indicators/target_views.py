"""Targets set by a 管理者: the year's indicators with those waiting for confirmation first, and the form that
sets one (with a reason, kept as a TargetRevision). 監査担当 may read the list; only a 管理者 may change."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.functional import SimpleLazyObject

from indicators import selectors, target_selectors, target_services
from indicators.forms import TargetForm
from measures import selectors as plan_selectors
from smrj_plan import data_version, permissions


@login_required
def target_list(request):
    """The year's indicators and their targets; 要確認 first (a loader could not read them, or a new year)."""
    permissions.require_reader(request.user)
    plan = plan_selectors.plan_shown(request)
    # Read only when the cached table (keyed by the data version) has to be rendered again.
    indicators = SimpleLazyObject(lambda: list(target_selectors.target_review_list(plan=plan)))
    can_edit = permissions.can_set_target(request.user)
    return render(
        request,
        "indicators/targets.html",
        {
            "plan": plan,
            "indicators": indicators,
            "review_count": SimpleLazyObject(lambda: sum(1 for i in indicators if i.needs_review)),
            "can_edit": can_edit,
            "fragment_key": data_version.fragment_key(plan.pk, can_edit),
        },
    )


@login_required
def target_edit(request, pk: int):
    """Set one indicator's target (管理者 only). The old target stays in the indicator's target history."""
    permissions.require_target_setting(request.user)
    indicator = selectors.plan_indicator_get(pk=pk)
    initial = {
        "kind": indicator.kind,
        "target": indicator.target,
        "unit": indicator.unit,
        "comparison": indicator.comparison,
        "benchmark_multiplier": indicator.benchmark_multiplier,
        "target_text": indicator.target_text,
    }
    form = TargetForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            target_services.indicator_target_set(
                indicator=indicator,
                user=request.user,
                kind=data["kind"],
                target=data["target"],
                unit=data["unit"],
                comparison=data["comparison"],
                benchmark_multiplier=data["benchmark_multiplier"],
                target_text=data["target_text"],
                reason=data["reason"],
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.success(request, f"{indicator.code} の目標を設定しました。")
            return redirect(reverse("indicators:targets") + f"?year={indicator.plan.fiscal_year.year}")
    return render(
        request,
        "indicators/target_form.html",
        {
            "indicator": indicator,
            "form": form,
            "history": target_selectors.target_history(indicator=indicator),
        },
    )
