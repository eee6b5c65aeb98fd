from django.contrib.auth.models import AnonymousUser

from smrj_plan import permissions


def roles(request):
    """The menu and the role badge of every page."""
    # An error page can be rendered before AuthenticationMiddleware ran (a 400 for a bad Host header).
    return permissions.navigation_flags(getattr(request, "user", None) or AnonymousUser())
