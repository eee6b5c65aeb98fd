"""Reads of the plan's structure for the plan pages: the outline (chapters → sections → headings → measures,
with each section's indicators) and the indicators as published.

The outline is assembled in Python from one query per table, so a page costs the same number of queries
whatever the number of chapters, headings, measures or indicators."""

from dataclasses import dataclass, field

from django.db.models import Count, prefetch_related_objects
from django.http import Http404

from measures.models import Chapter, FiscalYear, Heading, Measure, PlanDocument, PlanRevision, Section


@dataclass
class HeadingNode:
    heading: Heading
    measures: list[Measure] = field(default_factory=list)
    children: list["HeadingNode"] = field(default_factory=list)


@dataclass
class SectionNode:
    section: Section
    measures: list[Measure] = field(default_factory=list)  # bullets not under any heading
    headings: list[HeadingNode] = field(default_factory=list)  # level-1 headings, ① headings inside
    indicators: list = field(default_factory=list)  # the section's Indicator rows, given by the caller
    measure_count: int = 0


@dataclass
class ChapterNode:
    chapter: Chapter
    measures: list[Measure] = field(default_factory=list)  # bullets of chapters without sections (V–VIII)
    sections: list[SectionNode] = field(default_factory=list)
    measure_count: int = 0


@dataclass
class PlanOutline:
    plan: PlanDocument
    chapters: list[ChapterNode]
    measure_count: int
    indicator_count: int
    numeric_target_count: int
    reference_count: int


def plan_get(*, fiscal_year: int | None = None) -> PlanDocument:
    """The plan of the given fiscal year (Western year), or the latest plan; 404 when there is none."""
    qs = PlanDocument.objects.select_related("fiscal_year").prefetch_related("revisions")
    if fiscal_year is not None:
        qs = qs.filter(fiscal_year__year=fiscal_year)
    plan = qs.order_by("-fiscal_year__year").first()
    if plan is None:
        raise Http404("計画が読み込まれていません。")
    return plan


def plan_outline(*, plan: PlanDocument, indicators, chapter_number: int | None = None) -> PlanOutline:
    """The plan as a tree for reading: every chapter (or one), its sections, headings and measures in the
    plan's order, and each section's indicators (sub-targets right after their parent).

    `indicators` are the plan's indicators (indicators.selectors.plan_indicator_list): the structure lives
    here, the targets in indicators, which sits above this app."""
    chapters_qs = Chapter.objects.filter(plan=plan).order_by("number")
    sections_qs = Section.objects.filter(chapter__plan=plan).order_by("number")
    headings_qs = Heading.objects.filter(section__chapter__plan=plan).order_by("order")
    measures_qs = Measure.objects.filter(plan=plan).order_by("order")
    if chapter_number is not None:
        chapters_qs = chapters_qs.filter(number=chapter_number)
        sections_qs = sections_qs.filter(chapter__number=chapter_number)
        headings_qs = headings_qs.filter(section__chapter__number=chapter_number)
        measures_qs = measures_qs.filter(chapter__number=chapter_number)

    chapter_nodes = {c.pk: ChapterNode(c) for c in chapters_qs}
    if chapter_number is not None and not chapter_nodes:
        raise Http404("章が見つかりません。")
    section_nodes = {}
    for s in sections_qs:
        node = SectionNode(s)
        section_nodes[s.pk] = node
        chapter_nodes[s.chapter_id].sections.append(node)
        s.chapter = chapter_nodes[s.chapter_id].chapter  # no extra query for section.chapter in templates
    heading_nodes = {}
    for h in headings_qs:
        heading_nodes[h.pk] = HeadingNode(h)
    for node in heading_nodes.values():
        h = node.heading
        if h.parent_id:
            heading_nodes[h.parent_id].children.append(node)
        else:
            section_nodes[h.section_id].headings.append(node)
    measures = list(measures_qs)
    for m in measures:
        chapter_nodes[m.chapter_id].measure_count += 1
        if m.heading_id:
            heading_nodes[m.heading_id].measures.append(m)
        elif m.section_id:
            section_nodes[m.section_id].measures.append(m)
        else:
            chapter_nodes[m.chapter_id].measures.append(m)
        if m.section_id:
            section_nodes[m.section_id].measure_count += 1
    indicators = [i for i in indicators if i.section_id in section_nodes]
    children: dict[int, list] = {}
    for i in indicators:
        if i.parent_id:
            children.setdefault(i.parent_id, []).append(i)
    for i in indicators:
        if not i.parent_id:
            section_nodes[i.section_id].indicators.extend([i, *children.get(i.pk, [])])
    return PlanOutline(
        plan=plan,
        chapters=list(chapter_nodes.values()),
        measure_count=len(measures),
        indicator_count=len(indicators),
        numeric_target_count=sum(1 for i in indicators if i.category == i.Category.MAIN),
        reference_count=sum(1 for i in indicators if i.category == i.Category.REFERENCE),
    )


# ---------------------------------------------------------------------------------------------------------
# Revisions (策定・変更) and what each changed


@dataclass(frozen=True)
class RevisionChangeRow:
    """One line of a revision's changes, as the revision page, the workbook and `load_plan --dry-run` show it:
    what area of the plan, what kind of change, of what, which field, 変更前 and 変更後."""

    area: str  # 指標 / 施策 / 章・項目・見出し / 予算表
    change: str  # 目標の変更 / 文言の変更 / 追加 / 削除 / …
    subject: str
    field: str
    old: str | None
    new: str | None


CHANGE_LABELS = {"added": "追加", "removed": "削除", "reworded": "文言の変更"}
AREAS = ("指標", "施策", "章・項目・見出し", "予算表")


def revision_change_rows(changes: dict) -> list[RevisionChangeRow]:
    """Flatten a PlanRevision's `changes` into rows: indicators first, then measures, structure, budget cells.

    A changed indicator gives one row per changed field (目標値 1000 → 1200, 目標の表記 …)."""
    rows = []
    for c in changes.get("indicators", []):
        subject = f"{c['code']} {c['name']}"
        if c["change"] == "added":
            rows.append(
                RevisionChangeRow("指標", "追加", subject, "目標の表記", None, c["new"]["target_text"])
            )
        elif c["change"] == "removed":
            rows.append(
                RevisionChangeRow("指標", "削除", subject, "目標の表記", c["old"]["target_text"], None)
            )
        else:
            change = {
                (True, False): "目標の変更",
                (False, True): "文言の変更",
                (True, True): "目標と文言の変更",
            }.get((bool(c.get("target_changed")), bool(c.get("reworded"))), "変更")
            if set(c["fields"]) == {"目標の表記"}:
                change = "目標の表記の変更"  # the same value written differently (全角・半角 and the like)
            for field_label, (old, new) in c["fields"].items():
                rows.append(RevisionChangeRow("指標", change, subject, field_label, old, new))
    for c in changes.get("measures", []):
        rows.append(RevisionChangeRow("施策", CHANGE_LABELS[c["change"]], c["place"], "", c["old"], c["new"]))
    for c in changes.get("structure", []):
        change = "追加" if c["old"] is None else "削除" if c["new"] is None else "名称の変更"
        rows.append(
            RevisionChangeRow("章・項目・見出し", change, f"{c['what']} {c['place']}", "", c["old"], c["new"])
        )
    for c in changes.get("budget_cells", []):
        change = "追加" if c["old"] is None else "削除" if c["new"] is None else "金額の変更"
        subject = f"{c['table']} {c['row']}" + (f" × {c['column']}" if c["column"] else "")
        rows.append(RevisionChangeRow("予算表", change, subject, "", c["old"], c["new"]))
    return rows


def plan_revision_list(*, plan: PlanDocument) -> list[PlanRevision]:
    """The plan's 策定 and 変更 in date order (one query)."""
    return list(PlanRevision.objects.filter(plan=plan).order_by("date", "pk"))


def plan_revision_get(*, pk: int) -> PlanRevision:
    """A revision with its plan and year, or 404."""
    revision = PlanRevision.objects.select_related("plan__fiscal_year").filter(pk=pk).first()
    if revision is None:
        raise Http404("改訂が見つかりません。")
    return revision


def revision_area_counts(changes: dict) -> dict[str, int]:
    """How many changes each area of the plan has (指標 counts indicators, not fields)."""
    return {
        "指標": len(changes.get("indicators", [])),
        "施策": len(changes.get("measures", [])),
        "章・項目・見出し": len(changes.get("structure", [])),
        "予算表": len(changes.get("budget_cells", [])),
    }


# ---------------------------------------------------------------------------------------------------------
# Which year a page shows


def plan_year_list() -> list[FiscalYear]:
    """The years that have a plan (opened by `load_plan` or `start_year`), latest first (one query)."""
    # budget_table_count: whether the year's tables are loaded (a year opened by start_year has none yet).
    return list(
        FiscalYear.objects.filter(plan__isnull=False)
        .select_related("plan")
        .annotate(budget_table_count=Count("budget_tables"))
        .order_by("-year")
    )


def fiscal_year_shown(request) -> FiscalYear | None:
    """The year a page shows: ?year=2025 if that year has a plan, else the latest open year (the latest year
    that has a plan). A year without a plan is a 404; anything that is not a year is ignored. Worked out once
    per request, so the page's figures and the year switcher in the header always agree."""
    cached = getattr(request, "_fiscal_year_shown", False)
    if cached is not False:
        return cached
    years = getattr(request, "_plan_years", None)
    if years is None:
        years = request._plan_years = plan_year_list()
    requested = request.GET.get("year", "")
    shown = years[0] if years else None
    if requested.isascii() and requested.isdigit() and len(requested) == 4:
        shown = next((fy for fy in years if fy.year == int(requested)), None)
        if shown is None:
            raise Http404("その年度の計画はありません。")
    request._fiscal_year_shown = shown
    return shown


def plan_shown(request) -> PlanDocument:
    """The plan of the year the page shows, with its revisions (two queries: the years, the revisions); 404
    when no plan is loaded or ?year= names a year without one."""
    shown = fiscal_year_shown(request)
    if shown is None:
        raise Http404("計画が読み込まれていません。")
    plan = shown.plan
    plan.fiscal_year = shown
    prefetch_related_objects([plan], "revisions")
    return plan


def fiscal_year_shown_list(request) -> list[FiscalYear]:
    """The years with a plan, latest first, read once per request (with `fiscal_year_shown`)."""
    try:
        fiscal_year_shown(request)
    except Http404:
        pass
    return request._plan_years


def fiscal_years_share(request, years: list[FiscalYear]) -> None:
    """Hand the years a page already read (latest first, e.g. `smrj_plan.as_of`'s period) to the header's year
    switcher, so that it reads no list of its own."""
    if getattr(request, "_plan_years", None) is None:
        request._plan_years = years
