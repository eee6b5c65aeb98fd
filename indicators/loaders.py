"""Loads the indicators and their targets from fixtures/plan_r6/indicators.json (idempotent)."""

from decimal import Decimal
from pathlib import Path

from indicators.models import Indicator
from measures.loaders import FIXTURE_DIR, read_fixture
from measures.models import Department, Measure, PlanDocument, Section


def _decimal(value) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


def _measure_ids(fragments: list[str], measures: list[tuple[int, str]], code: str) -> list[int]:
    """Each fragment must name exactly one measure of the plan (a unique part of its text)."""
    ids = []
    for fragment in fragments:
        hits = [pk for pk, text in measures if fragment in text]
        if len(hits) != 1:
            raise ValueError(
                f"指標{code}: 施策の文言「{fragment}」に一致する施策が{len(hits)}件あります（1件であること）。"
            )
        ids.append(hits[0])
    return ids


def load_indicators(*, fixture_dir: Path = FIXTURE_DIR, fiscal_year: int = 2024) -> dict[str, int]:
    """Create or update every indicator of the plan, matched by (plan, code); parents are linked by code."""
    plan = PlanDocument.objects.get(fiscal_year__year=fiscal_year)
    rows = read_fixture(fixture_dir, "indicators.json")
    sections = {
        (s.chapter.number, s.number): s
        for s in Section.objects.filter(chapter__plan=plan).select_related("chapter")
    }
    departments = {d.code: d for d in Department.objects.all()}
    measures = list(Measure.objects.filter(plan=plan).values_list("pk", "text"))
    by_code = {}
    for row in rows:
        indicator, _ = Indicator.objects.update_or_create(
            plan=plan,
            code=row["code"],
            defaults={
                "order": row["order"],
                "section": sections[(row["chapter"], row["section"])],
                "category": row["category"],
                "kind": row["kind"],
                "name": row["name"],
                "text": row["text"],
                "target": _decimal(row["target"]),
                "target_text": row["target_text"],
                "unit": row["unit"],
                "comparison": row["comparison"],
                "direction": row["direction"],
                "benchmark_multiplier": _decimal(row["benchmark_multiplier"]),
                "is_effort_target": row["is_effort_target"],
                "frequency": row["frequency"],
                "department": departments[row["department"]],
                "note": row["note"],
                "parent": by_code.get(row["parent"]) if row["parent"] else None,
            },
        )
        by_code[row["code"]] = indicator
        # The measures the indicator tracks, named by a unique fragment of their text.
        indicator.measures.set(_measure_ids(row.get("measures", []), measures, row["code"]))
    return {"指標": len(rows)}
