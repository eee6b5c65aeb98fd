"""The plan pages: the published plan read as a tree, with each section's indicators."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.utils.functional import SimpleLazyObject

from indicators.selectors import plan_indicator_list
from measures import selectors
from smrj_plan import data_version


@login_required
def plan_overview(request):
    """The whole plan: dates, preamble, chapters I–X; chapter I by pillar with its indicators and targets.

    The plan is the published document: every signed-in role may read all of it."""
    plan = selectors.plan_shown(request)
    # Read only when the cached page (keyed by the data version) has to be rendered again.
    outline = SimpleLazyObject(
        lambda: selectors.plan_outline(plan=plan, indicators=plan_indicator_list(plan=plan))
    )
    return render(
        request,
        "measures/overview.html",
        {"plan": plan, "outline": outline, "fragment_key": data_version.fragment_key(plan.pk)},
    )


@login_required
def chapter_detail(request, number: int):
    """One chapter of the plan on its own page (404 for a chapter the plan does not have)."""
    plan = selectors.plan_shown(request)
    chapters = list(plan.chapters.all())
    chapter = next((c for c in chapters if c.number == number), None)
    if chapter is None:
        raise Http404("章が見つかりません。")
    # Read only when the cached page (keyed by the data version) has to be rendered again.
    node = SimpleLazyObject(
        lambda: selectors.plan_outline(
            plan=plan, indicators=plan_indicator_list(plan=plan), chapter_number=number
        ).chapters[0]
    )
    return render(
        request,
        "measures/chapter.html",
        {
            "plan": plan,
            "current_chapter": chapter,
            "node": node,
            "chapters": chapters,
            "fragment_key": data_version.fragment_key(plan.pk, number),
        },
    )


@login_required
def revision_list(request):
    """The plan's 策定 and 変更, each with how much it changed (the changes are on each revision's page)."""
    plan = selectors.plan_shown(request)
    revisions = [
        (revision, selectors.revision_area_counts(revision.changes))
        for revision in selectors.plan_revision_list(plan=plan)
    ]
    return render(
        request,
        "measures/revisions.html",
        {"plan": plan, "revisions": revisions, "areas": selectors.AREAS},
    )


@login_required
def revision_detail(request, pk: int):
    """What one revision changed, side by side: 変更前 (the plan as it stood) and 変更後 (this revision)."""
    revision = selectors.plan_revision_get(pk=pk)
    rows = selectors.revision_change_rows(revision.changes)
    groups = [(area, [r for r in rows if r.area == area]) for area in selectors.AREAS]
    revisions = selectors.plan_revision_list(plan=revision.plan)
    index = next(i for i, r in enumerate(revisions) if r.pk == revision.pk)
    return render(
        request,
        "measures/revision.html",
        {
            "revision": revision,
            "plan": revision.plan,
            "groups": [(area, area_rows) for area, area_rows in groups if area_rows],
            "counts": selectors.revision_area_counts(revision.changes),
            "change_count": len(rows),
            "previous": revisions[index - 1] if index > 0 else None,
        },
    )
