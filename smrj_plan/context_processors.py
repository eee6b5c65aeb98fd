from smrj_plan import permissions


def roles(request):
    """The menu and the role badge of every page."""
    return permissions.navigation_flags(request.user)
