"""The plan pages: the published plan read as a tree, with each section's indicators."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from indicators.selectors import plan_indicator_list
from measures import selectors


@login_required
def plan_overview(request):
    """The whole plan: dates, preamble, chapters I–X; chapter I by pillar with its indicators and targets.

    The plan is the published document: every signed-in role may read all of it."""
    plan = selectors.plan_get()
    outline = selectors.plan_outline(plan=plan, indicators=plan_indicator_list(plan=plan))
    return render(request, "measures/overview.html", {"plan": plan, "outline": outline})


@login_required
def chapter_detail(request, number: int):
    """One chapter of the plan on its own page (404 for a chapter the plan does not have)."""
    plan = selectors.plan_get()
    outline = selectors.plan_outline(
        plan=plan, indicators=plan_indicator_list(plan=plan), chapter_number=number
    )
    return render(
        request,
        "measures/chapter.html",
        {"plan": plan, "outline": outline, "node": outline.chapters[0], "chapters": plan.chapters.all()},
    )
