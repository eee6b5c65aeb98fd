from smrj_plan import roles as role_rules


def roles(request):
    user = request.user
    return {
        "is_manager": role_rules.is_manager(user),
        "is_auditor": role_rules.is_auditor(user),
        "is_staff_member": role_rules.is_staff_member(user),
        "role_label": role_rules.role_label(user),
    }
