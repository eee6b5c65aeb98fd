"""Loads the plan's structure from fixtures/plan_r6/ (idempotent: natural keys, update in place).

plan.json holds the plan, its revisions, chapters and sections; measures.json (built from the seed text by
`manage.py build_measures_fixture`) holds the intro paragraphs, headings and every measure."""

import datetime as dt
import json
from pathlib import Path

from django.conf import settings

from measures.models import (
    Chapter,
    Department,
    FiscalYear,
    Heading,
    Measure,
    PlanDocument,
    PlanRevision,
    Section,
)

FIXTURE_DIR = Path(settings.BASE_DIR) / "fixtures" / "plan_r6"


def read_fixture(fixture_dir: Path, name: str):
    with open(fixture_dir / name, encoding="utf-8") as fh:
        return json.load(fh)


def load_departments(*, fixture_dir: Path = FIXTURE_DIR) -> int:
    rows = read_fixture(fixture_dir, "departments.json")
    for row in rows:
        Department.objects.update_or_create(
            code=row["code"], defaults={"name": row["name"], "order": row["order"]}
        )
    return len(rows)


def load_structure(*, fixture_dir: Path = FIXTURE_DIR) -> dict[str, int]:
    """Create or update departments, fiscal year, plan, revisions, chapters, sections, headings and measures
    from the fixture folder. Returns counts for the command's report."""
    departments = load_departments(fixture_dir=fixture_dir)
    data = read_fixture(fixture_dir, "plan.json")
    plan, counts = structure_apply(plan_data=data, text_data=read_fixture(fixture_dir, "measures.json"))
    for rev in data["revisions"]:
        PlanRevision.objects.get_or_create(
            plan=plan, kind=rev["kind"], date=dt.date.fromisoformat(rev["date"])
        )
    return {"部署": departments, **counts}


def structure_apply(*, plan_data: dict, text_data: dict) -> tuple[PlanDocument, dict[str, int]]:
    """Create or update the plan, chapters, sections, headings and measures of one year.

    `plan_data` has the shape of plan.json (year, title, chapters and sections), `text_data` that of
    measures.json (intro paragraphs, headings, measures), whether they come from the fixtures or straight from
    a plan's text. Sections and chapters the data no longer has are deleted unless indicators still sit in them
    (those stay, and the caller reports them). Returns the plan and counts."""
    data, text = plan_data, text_data
    fiscal_year, _ = FiscalYear.objects.get_or_create(year=data["fiscal_year"])
    plan, _ = PlanDocument.objects.update_or_create(
        fiscal_year=fiscal_year,
        defaults={
            "title": data["title"],
            "organization": data["organization"],
            "preamble": data.get("preamble") or text.get("preamble", ""),
        },
    )
    sections = 0
    kept_sections = []
    intros = {ch["number"]: ch for ch in text["chapters"]}
    for ch in data["chapters"]:
        parsed = intros.get(ch["number"], {})
        parsed_sections = {sec["number"]: sec for sec in parsed.get("sections", [])}
        chapter, _ = Chapter.objects.update_or_create(
            plan=plan,
            number=ch["number"],
            defaults={
                "numeral": ch["numeral"],
                "title": ch["title"],
                "intro": ch.get("intro") or parsed.get("intro", ""),
            },
        )
        for sec in ch["sections"]:
            section, _ = Section.objects.update_or_create(
                chapter=chapter,
                number=sec["number"],
                defaults={
                    "title": sec["title"],
                    "intro": sec.get("intro") or parsed_sections.get(sec["number"], {}).get("intro", ""),
                },
            )
            kept_sections.append(section.pk)
            sections += 1
    headings, measures = load_measures(plan=plan, data=text)
    # Indicators protect their section: a section that still has some stays until they are moved or removed.
    Section.objects.filter(chapter__plan=plan, indicators__isnull=True).exclude(pk__in=kept_sections).delete()
    Chapter.objects.filter(plan=plan, sections__isnull=True).exclude(
        number__in=[ch["number"] for ch in data["chapters"]]
    ).delete()
    return plan, {
        "章": len(data["chapters"]),
        "柱・項目": sections,
        "見出し": headings,
        "施策": measures,
    }


def load_measures(*, plan: PlanDocument, data: dict) -> tuple[int, int]:
    """Create or update headings (key: section, order) and measures (key: plan, order) from measures.json data.

    Rows the fixture no longer has are deleted, so a changed fixture never leaves duplicates behind.
    Returns (headings, measures)."""
    chapters = {c.number: c for c in Chapter.objects.filter(plan=plan)}
    sections = {
        (s.chapter.number, s.number): s
        for s in Section.objects.filter(chapter__plan=plan).select_related("chapter")
    }
    headings: dict[tuple[int, int, int], Heading] = {}
    for ch in data["chapters"]:
        for sec in ch["sections"]:
            section = sections.get((ch["number"], sec["number"]))
            if section is None:
                raise ValueError(
                    f"measures.json: 章{ch['number']}の項目{sec['number']}がplan.jsonにありません。"
                )
            for h in sec["headings"]:
                parent = headings[(ch["number"], sec["number"], h["parent"])] if h["parent"] else None
                heading, _ = Heading.objects.update_or_create(
                    section=section,
                    order=h["order"],
                    defaults={
                        "label": h["label"],
                        "title": h["title"],
                        "intro": h.get("intro", ""),
                        "parent": parent,
                    },
                )
                headings[(ch["number"], sec["number"], h["order"])] = heading
    orders = []
    for row in data["measures"]:
        section = sections[(row["chapter"], row["section"])] if row["section"] else None
        heading = headings[(row["chapter"], row["section"], row["heading"])] if row["heading"] else None
        Measure.objects.update_or_create(
            plan=plan,
            order=row["order"],
            defaults={
                "chapter": chapters[row["chapter"]],
                "section": section,
                "heading": heading,
                "text": row["text"],
                "is_sub_item": row["is_sub_item"],
                "source_line": row.get("source_line"),
            },
        )
        orders.append(row["order"])
    Measure.objects.filter(plan=plan).exclude(order__in=orders).delete()
    Heading.objects.filter(section__chapter__plan=plan).exclude(
        pk__in=[h.pk for h in headings.values()]
    ).delete()
    return len(headings), len(orders)
