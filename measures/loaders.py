"""Loads the plan's structure from fixtures/plan_r6/ (idempotent: natural keys, update in place)."""

import datetime as dt
import json
from pathlib import Path

from django.conf import settings

from measures.models import Chapter, Department, FiscalYear, PlanDocument, PlanRevision, Section

FIXTURE_DIR = Path(settings.BASE_DIR) / "fixtures" / "plan_r6"


def read_fixture(fixture_dir: Path, name: str):
    with open(fixture_dir / name, encoding="utf-8") as fh:
        return json.load(fh)


def load_departments(*, fixture_dir: Path = FIXTURE_DIR) -> int:
    rows = read_fixture(fixture_dir, "departments.json")
    for row in rows:
        Department.objects.update_or_create(code=row["code"], defaults={"name": row["name"], "order": row["order"]})
    return len(rows)


def load_structure(*, fixture_dir: Path = FIXTURE_DIR) -> dict[str, int]:
    """Create or update departments, fiscal year, plan, revisions, chapters and sections.

    Returns counts for the command's report."""
    departments = load_departments(fixture_dir=fixture_dir)
    data = read_fixture(fixture_dir, "plan.json")
    fiscal_year, _ = FiscalYear.objects.get_or_create(year=data["fiscal_year"])
    plan, _ = PlanDocument.objects.update_or_create(
        fiscal_year=fiscal_year,
        defaults={"title": data["title"], "organization": data["organization"], "preamble": data.get("preamble", "")},
    )
    for rev in data["revisions"]:
        PlanRevision.objects.get_or_create(plan=plan, kind=rev["kind"], date=dt.date.fromisoformat(rev["date"]))
    sections = 0
    for ch in data["chapters"]:
        chapter, _ = Chapter.objects.update_or_create(
            plan=plan,
            number=ch["number"],
            defaults={"numeral": ch["numeral"], "title": ch["title"], "intro": ch.get("intro", "")},
        )
        for sec in ch["sections"]:
            Section.objects.update_or_create(
                chapter=chapter, number=sec["number"], defaults={"title": sec["title"], "intro": sec.get("intro", "")}
            )
            sections += 1
    return {"部署": departments, "章": len(data["chapters"]), "柱・項目": sections}
