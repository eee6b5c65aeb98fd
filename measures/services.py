"""Writes for the plan's structure: opening a new year from an earlier year's plan (`start_year`)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from measures import periods
from measures.models import Chapter, FiscalYear, Heading, Measure, PlanDocument, Section


@transaction.atomic
def plan_open_from(
    *, source: PlanDocument, year: int
) -> tuple[PlanDocument, dict[int, Section], dict[int, Measure]]:
    """A plan for `year` with `source`'s chapters, sections, headings and measures, as a starting point until
    the year's own text is loaded (which then records what it changes). No 策定 date: there is none yet.

    Returns the new plan and, for the caller copying indicators, the new section and measure for each old pk."""
    if year not in periods.MID_TERM_YEARS:
        raise ValidationError(f"年度は{periods.mid_term_label()}の中で指定してください。")
    if PlanDocument.objects.filter(fiscal_year__year=year).exists():
        raise ValidationError(f"{periods.fiscal_year_label(year)}の計画は既にあります。")
    fiscal_year, _ = FiscalYear.objects.get_or_create(year=year)
    plan = PlanDocument.objects.create(
        fiscal_year=fiscal_year,
        title=f"{periods.fiscal_year_short(year)}計画",
        organization=source.organization,
        preamble=source.preamble,
    )
    sections: dict[int, Section] = {}
    headings: dict[int, Heading] = {}
    for chapter in Chapter.objects.filter(plan=source).order_by("number"):
        new_chapter = Chapter.objects.create(
            plan=plan,
            number=chapter.number,
            numeral=chapter.numeral,
            title=chapter.title,
            intro=chapter.intro,
        )
        for section in chapter.sections.order_by("number"):
            sections[section.pk] = Section.objects.create(
                chapter=new_chapter, number=section.number, title=section.title, intro=section.intro
            )
    # Level-1 headings first, so that each ① heading finds its parent.
    source_headings = Heading.objects.filter(section__chapter__plan=source).order_by("order")
    for heading in [
        *source_headings.filter(parent__isnull=True),
        *source_headings.filter(parent__isnull=False),
    ]:
        headings[heading.pk] = Heading.objects.create(
            section=sections[heading.section_id],
            parent=headings.get(heading.parent_id),
            order=heading.order,
            label=heading.label,
            title=heading.title,
            intro=heading.intro,
        )
    chapters = {c.number: c for c in Chapter.objects.filter(plan=plan)}
    measures: dict[int, Measure] = {}
    for measure in Measure.objects.filter(plan=source).select_related("chapter").order_by("order"):
        measures[measure.pk] = Measure.objects.create(
            plan=plan,
            chapter=chapters[measure.chapter.number],
            section=sections.get(measure.section_id),
            heading=headings.get(measure.heading_id),
            order=measure.order,
            text=measure.text,
            is_sub_item=measure.is_sub_item,
            source_line=measure.source_line,
        )
    return plan, sections, measures
