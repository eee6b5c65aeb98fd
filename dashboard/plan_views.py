"""The plan pages: the published plan read as a tree, with each section's indicators."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from indicators.selectors import plan_indicator_list
from measures import selectors


@login_required
def plan_overview(request):
    """The whole plan: dates, preamble, chapters I–X; chapter I by pillar with its indicators and targets.

    The plan is the published document: every signed-in role may read all of it."""
    plan = selectors.plan_shown(request)
    outline = selectors.plan_outline(plan=plan, indicators=plan_indicator_list(plan=plan))
    return render(request, "measures/overview.html", {"plan": plan, "outline": outline})


@login_required
def chapter_detail(request, number: int):
    """One chapter of the plan on its own page (404 for a chapter the plan does not have)."""
    plan = selectors.plan_shown(request)
    outline = selectors.plan_outline(
        plan=plan, indicators=plan_indicator_list(plan=plan), chapter_number=number
    )
    return render(
        request,
        "measures/chapter.html",
        {"plan": plan, "outline": outline, "node": outline.chapters[0], "chapters": plan.chapters.all()},
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
