"""What a revised plan text changes in the indicators: targets changed, indicators added, removed or reworded.

The stored indicators are compared, code by code, with the rows about to be loaded (indicators/plan_text.py
matches a reworded indicator to its old code). Values are kept as text in the PlanRevision's `changes`:
Decimals as plain numbers (「1000」, 「1.2」), so the page and the workbook show them as the plan does.
"""

from __future__ import annotations

from decimal import Decimal

from indicators.models import Indicator
from measures.models import PlanDocument
from smrj_plan import formatting

# Fields whose change is a change of the target (the rest of a row is its wording or its place).
TARGET_FIELDS = (
    "kind",
    "target",
    "target_text",
    "unit",
    "comparison",
    "benchmark_multiplier",
    "is_effort_target",
)
WORDING_FIELDS = ("name", "text")
FIELD_LABELS = {
    "kind": "種類",
    "target": "目標値",
    "target_text": "目標の表記",
    "unit": "単位",
    "comparison": "比較",
    "benchmark_multiplier": "基準比の倍率",
    "is_effort_target": "努力目標",
    "name": "指標名",
    "text": "計画の記載",
}


def plain(value) -> str | None:
    """A value as the changes record it: numbers as every page writes them (「1,000」, 「1.2」), booleans as
    はい/いいえ."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "はい" if value else "いいえ"
    if isinstance(value, Decimal):
        return formatting.number(value)
    return str(value)


def _row_value(row: dict, name: str):
    value = row.get(name)
    if name in ("target", "benchmark_multiplier") and value not in (None, ""):
        return Decimal(str(value))
    return value


def _summary(name: str, target_text: str | None) -> dict:
    return {"name": name, "target_text": target_text or None}


def indicator_changes(*, plan: PlanDocument, rows: list[dict]) -> list[dict]:
    """One entry per indicator added, removed, re-targeted or reworded, in the new plan's order.

    Each entry: code, change (added / removed / changed), name, and for changed ones `fields`:
    {field label: [old, new]} with `target_changed` / `reworded` saying which kind of change it is."""
    stored = {i.code: i for i in Indicator.objects.filter(plan=plan).order_by("order")}
    changes = []
    for row in rows:
        old = stored.pop(row["code"], None)
        if old is None:
            changes.append(
                {
                    "code": row["code"],
                    "change": "added",
                    "name": row["name"],
                    "old": None,
                    "new": _summary(row["name"], row["target_text"]),
                    "fields": {},
                }
            )
            continue
        fields = {}
        # The plan's full wording (「名前：目標」) changes with the name or the target; it is listed only when
        # it changed in some other way, so one changed target reads as one change.
        names = TARGET_FIELDS + WORDING_FIELDS
        if old.name != row["name"] or old.target_text != row["target_text"]:
            names = tuple(n for n in names if n != "text")
        for name in names:
            before, after = plain(getattr(old, name)), plain(_row_value(row, name))
            if name in ("kind", "comparison"):
                before = plain(getattr(old, f"get_{name}_display")())
                after = plain(dict(getattr(Indicator, name.capitalize()).choices).get(row[name], row[name]))
            if before != after:
                fields[FIELD_LABELS[name]] = [before, after]
        if fields:
            changes.append(
                {
                    "code": row["code"],
                    "change": "changed",
                    "name": row["name"],
                    "old": _summary(old.name, old.target_text),
                    "new": _summary(row["name"], row["target_text"]),
                    "fields": fields,
                    "target_changed": any(FIELD_LABELS[f] in fields for f in TARGET_FIELDS),
                    "reworded": any(FIELD_LABELS[f] in fields for f in WORDING_FIELDS),
                }
            )
    for code, old in stored.items():
        changes.append(
            {
                "code": code,
                "change": "removed",
                "name": old.name,
                "old": _summary(old.name, old.target_text),
                "new": None,
                "fields": {},
            }
        )
    return changes
