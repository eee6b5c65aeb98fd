"""Creates the load test's users in a freshly loaded database and prints them as JSON.

Run by bench/load_test.py with the load test's environment: `python bench/load_setup.py STAFF MANAGERS READERS`.
Each 担当者 gets a department and a quarter of their own (a few share one on purpose, so that concurrent edits of
the same figures are exercised); every password is the same, hashed once."""

import json
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "smrj_plan.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.hashers import make_password  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.db import transaction  # noqa: E402
from django.urls import reverse  # noqa: E402

from indicators.models import Indicator  # noqa: E402
from measures.models import Department, StaffProfile  # noqa: E402
from smrj_plan.roles import Role  # noqa: E402

PASSWORD = "Load-Test-Password-2024"
YEAR = 2024
SENTINEL = 98765  # stands for the number the client fills in ({n}); no real path contains it
SHARED_SLOTS = 2  # this many 担当者 work on a slot someone else has too


def main(staff: int, managers: int, readers: int) -> None:
    User = get_user_model()
    departments = list(
        Department.objects.filter(indicators__frequency=Indicator.Frequency.QUARTERLY)
        .distinct()
        .order_by("order")
    )
    slots = [(d, q) for q in (1, 2, 3, 4) for d in departments]
    password = make_password(PASSWORD)
    users = []
    with transaction.atomic():
        groups = {role: Group.objects.get_or_create(name=str(role))[0] for role in Role}
        for i in range(staff):
            department, quarter = (
                slots[i % len(slots)] if i < staff - SHARED_SLOTS else slots[i - (staff - SHARED_SLOTS)]
            )
            user = User.objects.create(username=f"load-staff-{i:02d}", password=password)
            user.groups.add(groups[Role.STAFF])
            StaffProfile.objects.create(user=user, department=department)
            users.append(
                {
                    "username": user.username,
                    "role": "staff",
                    "department": department.code,
                    "quarter": quarter,
                }
            )
        for i in range(managers):
            user = User.objects.create(username=f"load-manager-{i:02d}", password=password)
            user.groups.add(groups[Role.MANAGER])
            StaffProfile.objects.create(user=user)
            users.append({"username": user.username, "role": "manager"})
        for i in range(readers):
            role = Role.AUDITOR if i % 2 else Role.MANAGER
            user = User.objects.create(username=f"load-reader-{i:02d}", password=password)
            user.groups.add(groups[role])
            StaffProfile.objects.create(user=user)
            users.append({"username": user.username, "role": "reader"})
    pillars = sorted(
        {
            ind.section.number
            for ind in Indicator.objects.select_related("section__chapter")
            if ind.section.chapter.number == 1
        }
    )
    indicator_pks = list(Indicator.objects.values_list("pk", flat=True))
    print(
        json.dumps(
            {
                "password": PASSWORD,
                "users": users,
                "pillars": pillars,
                "indicators": indicator_pks,
                "year": YEAR,
                "urls": url_templates(),
            }
        )
    )


def url_templates() -> dict[str, str]:
    """The pages the clients use, from the URL configuration itself, with {n} where a number goes."""

    def url(name: str, *args) -> str:
        return reverse(name, args=args).replace(str(SENTINEL), "{n}")

    def quarter_url(name: str) -> str:
        # The quarter converter takes 1–4 only: reverse with 4 and put the placeholder where the quarter is.
        path = reverse(name, args=[YEAR, 4])
        assert path.count(f"/{YEAR}/4/") == 1, path
        return path.replace(f"/{YEAR}/4/", f"/{YEAR}/{{n}}/")

    return {
        "login": url("login"),
        "entry": quarter_url("entry:quarter"),
        "template": quarter_url("entry:template"),
        "upload": quarter_url("entry:upload"),
        "review": quarter_url("entry:review"),
        "approve": url("entry:approve", SENTINEL),
        "return": url("entry:return", SENTINEL),
        "reopen": url("entry:reopen", SENTINEL),
        "dashboard": url("dashboard:overview"),
        "pillar": url("dashboard:pillar", YEAR, SENTINEL),
        "indicator": url("dashboard:indicator", SENTINEL),
        "budgets": url("budgets:index"),
    }


if __name__ == "__main__":
    main(*(int(a) for a in sys.argv[1:4]))
