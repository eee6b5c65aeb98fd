"""Loads the indicators and their targets from fixtures/plan_r6/indicators.json (idempotent)."""

from decimal import Decimal
from pathlib import Path

from indicators.models import Indicator
from measures.loaders import FIXTURE_DIR, read_fixture
from measures.models import Department, PlanDocument, Section


def _decimal(value) -> Decimal | None:
    return None if value in (None, "") else Decimal(str(value))


def load_indicators(*, fixture_dir: Path = FIXTURE_DIR, fiscal_year: int = 2024) -> dict[str, int]:
    """Create or update every indicator of the plan, matched by (plan, code); parents are linked by code."""
    plan = PlanDocument.objects.get(fiscal_year__year=fiscal_year)
    rows = read_fixture(fixture_dir, "indicators.json")
    sections = {(s.chapter.number, s.number): s for s in Section.objects.filter(chapter__plan=plan).select_related("chapter")}
    departments = {d.code: d for d in Department.objects.all()}
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
    return {"指標": len(rows)}
