"""Change history of the measures' 取組状況 and of the self-evaluations, for the pages: who, when (JST), field
old → new, state change and reason, each historical row diffed with the previous row of the same entry."""

from __future__ import annotations

from dataclasses import dataclass

from evaluation.models import MeasureProgress, SelfEvaluation
from smrj_plan import formatting
from smrj_plan.workflow import state_label

# Bookkeeping columns whose change is shown through the state or not at all.
SKIP_FIELDS = [
    "version",
    "updated_at",
    "updated_by",
    "submitted_at",
    "submitted_by",
    "reviewed_at",
    "reviewed_by",
]


@dataclass
class Change:
    label: str
    old: str
    new: str


def _format(model_field, value) -> str:
    if value in (None, ""):
        return "（空欄）"
    if model_field.choices:
        return str(dict(model_field.flatchoices).get(value, value))
    return str(value)


def _entries(records, model, input_fields: list[str]) -> list[dict]:
    records = sorted(records, key=lambda h: (h.id, h.history_date, h.history_id))
    fields = {f.name: f for f in model._meta.fields}
    previous: dict[int, object] = {}
    entries = []
    for record in records:
        prev = previous.get(record.id)
        changes: list[Change] = []
        state_change = ""
        if prev is None:
            for name in input_fields:
                value = getattr(record, name)
                if value not in (None, ""):
                    changes.append(
                        Change(str(fields[name].verbose_name), "（なし）", _format(fields[name], value))
                    )
            state_change = f"（新規）→ {state_label(record.state)}"
        else:
            delta = record.diff_against(prev, excluded_fields=SKIP_FIELDS)
            for change in delta.changes:
                if change.field == "state":
                    state_change = f"{state_label(change.old)} → {state_label(change.new)}"
                    continue
                f = fields.get(change.field)
                if f is not None:
                    changes.append(
                        Change(str(f.verbose_name), _format(f, change.old), _format(f, change.new))
                    )
        previous[record.id] = record
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


def progress_history_entries(records) -> list[dict]:
    return _entries(records, MeasureProgress, ["status", "narrative", "evidence", "note"])


def self_evaluation_history_entries(records) -> list[dict]:
    return _entries(records, SelfEvaluation, ["assessment", "grade", "grade_reason"])
