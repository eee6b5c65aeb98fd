"""Loads the plan's structure from fixtures/plan_r6/ (idempotent: natural keys, update in place).

plan.json holds the plan, its revisions, chapters and sections; measures.json (built from the seed text by
`manage.py build_measures_fixture`) holds the intro paragraphs, headings and every measure."""

import datetime as dt
import json
from pathlib import Path

from django.conf import settings
from django.db.models import ProtectedError

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
    defaulted = load_measure_departments(plan=plan)
    return plan, {
        "章": len(data["chapters"]),
        "柱・項目": sections,
        "見出し": headings,
        "施策": measures,
        "施策の担当部署（既定）": defaulted,
    }


def _measure_differs(measure: Measure, values: dict) -> bool:
    """Compare related rows by id, so checking 199 unchanged measures reads nothing more."""
    for name, value in values.items():
        field = Measure._meta.get_field(name)
        if field.is_relation:
            if getattr(measure, field.attname) != (value.pk if value is not None else None):
                return True
        elif getattr(measure, name) != value:
            return True
    return False


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
    existing = {m.order: m for m in Measure.objects.filter(plan=plan)}
    orders = []
    for row in data["measures"]:
        section = sections[(row["chapter"], row["section"])] if row["section"] else None
        heading = headings[(row["chapter"], row["section"], row["heading"])] if row["heading"] else None
        values = {
            "chapter": chapters[row["chapter"]],
            "section": section,
            "heading": heading,
            "text": row["text"],
            "is_sub_item": row["is_sub_item"],
            "source_line": row.get("source_line"),
        }
        measure = existing.get(row["order"])
        if measure is None:
            measure = Measure(plan=plan, order=row["order"], **values)
            measure._change_reason = "計画の読み込み"
            measure.save()
        elif _measure_differs(measure, values):
            # Only a changed measure is written: each write leaves a row in the measure's history.
            for name, value in values.items():
                setattr(measure, name, value)
            measure._change_reason = "計画の読み込み（fixtureの変更）"
            measure.save()
        orders.append(row["order"])
    try:
        Measure.objects.filter(plan=plan).exclude(order__in=orders).delete()
    except ProtectedError as exc:
        kept = sorted({getattr(obj, "measure", obj) for obj in exc.protected_objects}, key=lambda m: m.order)
        names = "、".join(f"順序{m.order}「{m.text[:20]}」" for m in kept[:5])
        raise ValueError(
            f"fixtureにない施策に取組状況が記録されているため削除できません: {names}。"
            "施策の順序を変えずにfixtureを直してください。"
        ) from None
    Heading.objects.filter(section__chapter__plan=plan).exclude(
        pk__in=[h.pk for h in headings.values()]
    ).delete()
    return len(headings), len(orders)


def _department_rules(data: dict, departments: dict[str, Department]):
    """{(chapter, section, heading): Department} from the fixture's rules; None stands for "any"."""
    rules = {}
    for rule in data["rules"]:
        code = rule["department"]
        if code not in departments:
            raise ValueError(
                f"measure_departments.json: 部署コード「{code}」はdepartments.jsonにありません。"
            )
        rules[(rule["chapter"], rule.get("section"), rule.get("heading"))] = departments[code]
    return rules


def default_department_map(*, plan: PlanDocument, fixture_dir: Path = FIXTURE_DIR) -> dict[int, Department]:
    """The default 担当部署 of every measure of the plan, keyed by measure id.

    The most specific rule wins: a measure named by a fragment of its text (like the indicators' links to
    measures), then its heading, its parent heading, its section (pillar) and its chapter. A measure no rule
    covers, a fragment that names no measure or several, or an unknown department code stops the load."""
    data = read_fixture(fixture_dir, "measure_departments.json")
    departments = {d.code: d for d in Department.objects.all()}
    rules = _department_rules(data, departments)
    measures = list(Measure.objects.filter(plan=plan).select_related("chapter", "section", "heading__parent"))
    by_fragment: dict[int, Department] = {}
    for entry in data.get("measures", []):
        hits = [m for m in measures if entry["text"] in m.text]
        if len(hits) != 1:
            raise ValueError(
                f"measure_departments.json: 施策の文言「{entry['text']}」に一致する施策が{len(hits)}件あります（1件であること）。"
            )
        if entry["department"] not in departments:
            raise ValueError(
                f"measure_departments.json: 部署コード「{entry['department']}」はdepartments.jsonにありません。"
            )
        by_fragment[hits[0].pk] = departments[entry["department"]]
    result = {}
    for m in measures:
        chapter = m.chapter.number
        section = m.section.number if m.section_id else None
        candidates = []
        if m.heading_id:
            candidates.append((chapter, section, m.heading.order))
            if m.heading.parent_id:
                candidates.append((chapter, section, m.heading.parent.order))
        if section is not None:
            candidates.append((chapter, section, None))
        candidates.append((chapter, None, None))
        department = by_fragment.get(m.pk) or next((rules[k] for k in candidates if k in rules), None)
        if department is None:
            raise ValueError(
                f"measure_departments.json: 施策（順序{m.order}「{m.text[:20]}」）の担当部署を決める規則がありません。"
            )
        result[m.pk] = department
    return result


def load_measure_departments(*, plan: PlanDocument, fixture_dir: Path = FIXTURE_DIR) -> int:
    """Give every measure whose 担当部署 no 管理者 has changed its default department; returns how many have
    the default. Measures already right are not written (each write leaves a history row)."""
    defaults = default_department_map(plan=plan, fixture_dir=fixture_dir)
    count = 0
    for measure in Measure.objects.filter(plan=plan, department_is_default=True):
        department = defaults[measure.pk]
        count += 1
        if measure.department_id != department.pk:
            measure.department = department
            measure._change_reason = "担当部署の既定（計画の読み込み）"
            measure.save(update_fields=["department"])
    return count
