from django.contrib.auth.models import AnonymousUser

from smrj_plan import roles as role_rules


def roles(request):
    # An error page can be rendered before AuthenticationMiddleware ran (a 400 for a bad Host header).
    user = getattr(request, "user", None)
    if user is None:
        user = AnonymousUser()
    return {
        "is_manager": role_rules.is_manager(user),
        "is_auditor": role_rules.is_auditor(user),
        "is_staff_member": role_rules.is_staff_member(user),
        "role_label": role_rules.role_label(user),
    }
