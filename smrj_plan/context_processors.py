from django.contrib.auth.models import AnonymousUser

from smrj_plan import permissions


def roles(request):
    """The menu and the role badge of every page."""
    # An error page can be rendered before AuthenticationMiddleware ran (a 400 for a bad Host header).
    user = getattr(request, "user", None) or AnonymousUser()
    flags = permissions.navigation_flags(user)
    flags["menu"] = _lazy(lambda: _menu(request, user))
    return flags


def _menu(request, user) -> list[dict]:
    """The main menu (smrj_plan.permissions.MENU) for this user: label, URL and whether it is the current page."""
    from django.urls import reverse

    match = getattr(request, "resolver_match", None)
    namespace = match.namespace if match else ""
    return [
        {
            "label": item.label,
            "url": reverse(item.url_name),
            "current": bool(namespace) and item.url_name.split(":")[0] == namespace,
        }
        for item in permissions.menu_items(user)
    ]


# Pages that show the year given by ?year= (default: the latest open year); their switcher links keep the page.
YEAR_QUERY_PAGES = {
    "measures:overview",
    "measures:chapter",
    "measures:revisions",
    "indicators:list",
    "indicators:targets",
    "entry:index",
    "dashboard:overview",
    "dashboard:budget",
    "budgets:index",
    "budgets:table",
    "budgets:reconciliation",
}


def _lazy(compute):
    """A value computed when a template first reads it (templates call callables), then kept: a page whose view
    passes its own `shown_year` and `year_links` never pays for the query."""
    box = []

    def value():
        if not box:
            box.append(compute())
        return box[0]

    return value


def years(request):
    """The header's year switcher: which year the page shows (`shown_year`) and a link per year that has a
    plan (`year_links`: year, URL, is shown). A view showing a year its URL or object fixes passes both itself.

    Pages with a year in their path switch to the same page of another year; pages in YEAR_QUERY_PAGES take
    ?year=; any other page links to the plan of each year."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from django.http import Http404
    from django.urls import NoReverseMatch, reverse

    from measures import selectors

    match = getattr(request, "resolver_match", None)
    name = match.view_name if match else ""

    def resolve():
        try:
            shown = selectors.fiscal_year_shown(request)
        except Http404:
            shown = None  # the view answers 404 itself
        plan_years = getattr(request, "_plan_years", None) or selectors.plan_year_list()
        if match and "year" in match.kwargs:
            path_year = match.kwargs["year"]
            shown = next((fy for fy in plan_years if fy.year == path_year), None)
            links = []
            for fy in reversed(plan_years):
                try:
                    url = reverse(name, kwargs={**match.kwargs, "year": fy.year})
                except NoReverseMatch:
                    continue
                links.append((fy, url, fy.year == path_year))
            return shown, links
        if name in YEAR_QUERY_PAGES:
            return shown, [
                (fy, f"?year={fy.year}", shown is not None and fy.pk == shown.pk)
                for fy in reversed(plan_years)
            ]
        overview = reverse("measures:overview")
        return None, [(fy, f"{overview}?year={fy.year}", False) for fy in reversed(plan_years)]

    resolved = _lazy(resolve)
    return {"shown_year": lambda: resolved()[0], "year_links": lambda: resolved()[1]}
