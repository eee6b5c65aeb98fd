"""Builds a year's indicator rows from the ○指標 / 参考指標 items of its plan text.

The rows have the shape of fixtures/plan_r6/indicators.json, so `indicators.loaders.indicator_rows_apply` loads
them exactly as it loads the fixture. What the text gives (name, kind, target, unit, comparison, sub-targets,
notes) comes from indicators/target_text.py. What it cannot give comes, in this order, from:

1. the same indicator already in the database: the plan being revised, or the previous year's plan when a new
   year is loaded. Indicators keep their code across years (docs/domain.md「1年の流れ」), so an item is
   matched to one of them by its name (exactly, or closely enough for a reworded target) within its section;
   it takes that code, department and linked measures;
2. fixtures/indicator_curation.json, keyed by code: departments, the measures each indicator tracks (by a
   unique fragment of their text), and a unit or note the text leaves out;
3. failing both, the item is loaded flagged `needs_review`, with what to confirm.

Without an indicator to match, codes follow the plan's order: 「1-1」… per pillar for ○指標 of chapter I, 「3-1-1」
for the sub-targets of 3-1, 「R2-4-1」 for the 参考指標 of II-4.
"""

from __future__ import annotations

import difflib
import json
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings

from indicators.models import Indicator
from indicators.target_text import classify_target
from measures.models import PlanDocument
from measures.seed_parser import IndicatorItem

CURATION_FILE = Path(settings.BASE_DIR) / "fixtures" / "indicator_curation.json"
# Names at least this alike (difflib ratio) are the same indicator reworded, not a new one.
REWORDED_SIMILARITY = 0.6
# A linked measure whose text changed this little is still the same measure.
MEASURE_SIMILARITY = 0.8


@dataclass
class KnownIndicator:
    """An indicator already stored, as far as matching needs it."""

    code: str
    name: str
    category: str
    chapter: int
    section: int
    parent_code: str | None
    department: str
    measure_texts: list[str]


@dataclass
class IndicatorBuild:
    rows: list[dict]
    matched: dict[str, str] = field(default_factory=dict)  # code → "same" / "reworded" / "new"
    problems: list[str] = field(default_factory=list)


def curation_read(path: Path = CURATION_FILE) -> dict:
    with open(path, encoding="utf-8") as fh:
        data = json.load(fh)
    return {code: entry for code, entry in data.items() if not code.startswith("_")}


def known_indicator_list(*, plan: PlanDocument | None) -> list[KnownIndicator]:
    """The plan's indicators with their department codes and linked measure texts (three queries)."""
    if plan is None:
        return []
    indicators = (
        Indicator.objects.filter(plan=plan)
        .select_related("section__chapter", "department", "parent")
        .prefetch_related("measures")
        .order_by("order")
    )
    return [
        KnownIndicator(
            code=i.code,
            name=i.name,
            category=i.category,
            chapter=i.section.chapter.number,
            section=i.section.number,
            parent_code=i.parent.code if i.parent_id else None,
            department=i.department.code,
            measure_texts=[m.text for m in i.measures.all()],
        )
        for i in indicators
    ]


def _similarity(a: str, b: str) -> float:
    return difflib.SequenceMatcher(None, a, b).ratio()


def _next_code(prefix: str, taken: set[str]) -> str:
    n = 1
    while f"{prefix}{n}" in taken:
        n += 1
    return f"{prefix}{n}"


def _prefix(item: IndicatorItem, parent_code: str | None) -> str:
    if parent_code:
        return f"{parent_code}-"
    if item.reference:
        return f"R{item.chapter}-{item.section}-"
    return f"{item.section}-" if item.chapter == 1 else f"C{item.chapter}-{item.section}-"


def _measure_orders(texts: list[str], measures: list[dict], chapter: int) -> list[int]:
    """The orders of the new plan's measures that carry these texts (the same chapter; a reworded one counts)."""
    orders = []
    candidates = [m for m in measures if m["chapter"] == chapter]
    for text in texts:
        exact = [m["order"] for m in candidates if m["text"] == text]
        if exact:
            orders.append(exact[0])
            continue
        best = max(candidates, key=lambda m: _similarity(m["text"], text), default=None)
        if best is not None and _similarity(best["text"], text) >= MEASURE_SIMILARITY:
            orders.append(best["order"])
    return sorted(set(orders))


def _fragment_orders(fragments: list[str], measures: list[dict]) -> list[int] | None:
    """Orders named by curated fragments, or None if any fragment names no measure or more than one."""
    orders = []
    for fragment in fragments:
        hits = [m["order"] for m in measures if fragment in m["text"]]
        if len(hits) != 1:
            return None
        orders.append(hits[0])
    return sorted(set(orders))


def build_indicator_rows(
    *,
    items: list[IndicatorItem],
    measures: list[dict],
    known: list[KnownIndicator],
    curation: dict,
    department_codes: list[str],
) -> IndicatorBuild:
    """Rows for indicator_rows_apply from the text's items (see the module docstring for the rules)."""
    build = IndicatorBuild(rows=[])
    specs = [classify_target(i.text, reference=i.reference, sub=i.sub) for i in items]
    # Each sub-target belongs to the nearest ○指標 above it in the same section.
    parents: dict[int, int | None] = {}
    for n, item in enumerate(items):
        parents[n] = None
        if item.sub:
            parents[n] = next(
                (
                    k
                    for k in range(n - 1, -1, -1)
                    if not items[k].sub
                    and (items[k].chapter, items[k].section) == (item.chapter, item.section)
                ),
                None,
            )
            if parents[n] is None:
                build.problems.append(f"{item.line}行目: 「{item.text}」の上に親となる指標がありません。")

    codes: dict[int, str] = {}
    known_by_code = {k.code: k for k in known}
    taken = set(known_by_code)
    used: set[str] = set()
    # Top-level items first so that sub-targets can be matched under their parent's code.
    for pass_subs in (False, True):
        pending = [n for n, item in enumerate(items) if (parents[n] is not None) == pass_subs]
        group_of = {
            n: (
                "reference" if items[n].reference else "main",
                items[n].chapter,
                items[n].section,
                codes.get(parents[n]) if parents[n] is not None else None,
            )
            for n in pending
        }

        def candidates(n):
            category, chapter, section, parent_code = group_of[n]  # noqa: B023 (used inside the loop only)
            return [
                k
                for k in known
                if k.code not in used
                and (k.category, k.chapter, k.section, k.parent_code)
                == (category, chapter, section, parent_code)
            ]

        for n in pending:  # the same name: the same indicator
            same = [k for k in candidates(n) if k.name == specs[n].name]
            if same:
                codes[n] = same[0].code
                used.add(same[0].code)
                build.matched[same[0].code] = "same"
        pairs = sorted(
            (
                (_similarity(k.name, specs[n].name), n, k.code)
                for n in pending
                if n not in codes
                for k in candidates(n)
            ),
            reverse=True,
        )
        for score, n, code in pairs:  # a reworded name: the closest still free, if close enough
            if score < REWORDED_SIMILARITY or n in codes or code in used:
                continue
            codes[n] = code
            used.add(code)
            build.matched[code] = "reworded"
        for n in pending:  # the rest are new: the next free number in their section
            if n in codes:
                continue
            parent_code = codes.get(parents[n]) if parents[n] is not None else None
            code = _next_code(_prefix(items[n], parent_code), taken | used)
            codes[n] = code
            used.add(code)
            build.matched[code] = "new"

    # Order: the ○指標 in the plan's order (sub-targets right after their parent), then the 参考指標.
    sequence = [n for n in range(len(items)) if not items[n].reference] + [
        n for n in range(len(items)) if items[n].reference
    ]
    for position, n in enumerate(sequence, start=1):
        item, spec, code = items[n], specs[n], codes[n]
        known_one = known_by_code.get(code) if build.matched.get(code) != "new" else None
        curated = curation.get(code, {})
        review = [spec.review_note] if spec.needs_review else []
        if spec.needs_review and not spec.unit and curated.get("unit") and spec.kind == "count_no_target":
            review = []  # the text leaves the unit out; the curated mapping supplies it
        unit = spec.unit or curated.get("unit", "")

        department = known_one.department if known_one else curated.get("department")
        if department not in department_codes:
            siblings = [r for r in build.rows if (r["chapter"], r["section"]) == (item.chapter, item.section)]
            department = siblings[-1]["department"] if siblings else department_codes[0]
            review.append(
                "担当部署が決まっていません（仮に同じ項目の指標の部署）。担当部署を確認してください。"
            )

        orders: list[int] = []
        if known_one and known_one.measure_texts:
            orders = _measure_orders(known_one.measure_texts, measures, item.chapter)
        if not orders and curated.get("measures"):
            orders = _fragment_orders(curated["measures"], measures) or []
        if not orders:
            build.problems.append(
                f"指標{code}: 関連する施策が見つかりません（管理サイトで関連付けてください）。"
            )

        note = "\n".join(item.notes) or curated.get("note", "")
        build.rows.append(
            {
                "code": code,
                "chapter": item.chapter,
                "section": item.section,
                "name": spec.name,
                "text": spec.text,
                "target": None if spec.target is None else str(spec.target),
                "target_text": spec.target_text,
                "unit": unit,
                "kind": spec.kind,
                "comparison": spec.comparison,
                "direction": spec.direction,
                "benchmark_multiplier": (
                    None if spec.benchmark_multiplier is None else str(spec.benchmark_multiplier)
                ),
                "is_effort_target": spec.is_effort_target,
                "frequency": spec.frequency,
                "department": department,
                "parent": codes.get(parents[n]) if parents[n] is not None else None,
                "category": "reference" if item.reference else "main",
                "note": note,
                "order": position * 10,
                "measure_orders": orders,
                "needs_review": bool(review),
                "review_note": "\n".join(review),
                "source_line": item.line,
            }
        )
    return build
