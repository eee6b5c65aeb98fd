"""Change history of actuals (and quarter locks): who, when (JST), field old → new, state change and reason.

Read from django-simple-history; each historical row is compared with the previous one of the same actual by
`diff_against`. 担当者 see their department's indicators; 管理者 and 監査担当 see everything."""

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from indicators import selectors, services
from indicators.models import Actual
from measures.periods import quarter_long_label
from smrj_plan import formatting, roles
from smrj_plan.models import QuarterLock
from smrj_plan.workflow import state_label

# Bookkeeping columns whose change is shown through the state or not at all.
SKIP_FIELDS = {
    "version",
    "updated_at",
    "updated_by",
    "submitted_at",
    "submitted_by",
    "reviewed_at",
    "reviewed_by",
}


@dataclass
class Change:
    label: str
    old: str
    new: str


def _format(actual_field, value) -> str:
    if value in (None, ""):
        return "（空欄）"
    if actual_field.choices:
        return str(dict(actual_field.flatchoices).get(value, value))
    if isinstance(value, Decimal):
        return formatting.number(value)
    return str(value)


def history_entries(records) -> list[dict]:
    """Turn historical rows (any order) into display entries, newest first, each diffed with its predecessor."""
    records = sorted(records, key=lambda h: (h.id, h.history_date, h.history_id))
    previous_by_id = {}
    entries = []
    fields = {f.name: f for f in Actual._meta.fields}
    for record in records:
        prev = previous_by_id.get(record.id)
        changes: list[Change] = []
        state_change = ""
        if prev is None:
            for name in services.INPUT_FIELDS:
                value = getattr(record, name)
                if value not in (None, ""):
                    changes.append(
                        Change(str(fields[name].verbose_name), "（なし）", _format(fields[name], value))
                    )
            state_change = f"（新規）→ {state_label(record.state)}"
        else:
            delta = record.diff_against(prev, excluded_fields=list(SKIP_FIELDS))
            for change in delta.changes:
                if change.field == "state":
                    state_change = f"{state_label(change.old)} → {state_label(change.new)}"
                    continue
                f = fields.get(change.field)
                if f is None:
                    continue
                changes.append(Change(str(f.verbose_name), _format(f, change.old), _format(f, change.new)))
        previous_by_id[record.id] = record
        entries.append(
            {
                "record": record,
                "user": formatting.person_name(record.history_user),
                "changes": changes,
                "state_change": state_change,
                "reason": record.history_change_reason or "",
            }
        )
    entries.sort(key=lambda e: (e["record"].history_date, e["record"].history_id), reverse=True)
    return entries


@login_required
def indicator_history(request, pk: int):
    """Every change to every actual of one indicator."""
    indicator = selectors.indicator_get_for_user(user=request.user, pk=pk)
    records = Actual.history.filter(indicator_id=indicator.pk).select_related("history_user", "fiscal_year")
    return render(
        request,
        "history/indicator.html",
        {"indicator": indicator, "entries": history_entries(records)},
    )


@login_required
def quarter_history(request, year: int, quarter: int):
    """Every change in a quarter the user may read, with the quarter's lock history."""
    fiscal_year = selectors.fiscal_year_get(year=year)
    quarter = selectors.quarter_check(quarter)
    visible = selectors.indicator_visible_list(user=request.user)
    if not roles.can_read_all(request.user):
        selectors.require_staff_entry(request.user)
    records = Actual.history.filter(
        fiscal_year_id=fiscal_year.pk, quarter=quarter, indicator_id__in=visible.values("pk")
    ).select_related("history_user", "indicator")
    locks = QuarterLock.history.filter(fiscal_year_id=fiscal_year.pk, quarter=quarter).select_related(
        "history_user"
    )
    return render(
        request,
        "history/quarter.html",
        {
            "fiscal_year": fiscal_year,
            "quarter": quarter,
            "quarter_label": quarter_long_label(quarter),
            "entries": history_entries(records),
            "locks": locks.order_by("-history_date"),
        },
    )
