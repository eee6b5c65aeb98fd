"""Helpers shared by the API tests: token clients, JSON posts and a populated year."""

import json
from decimal import Decimal

from django.test import Client

from api import services as api_services
from api.models import ApiToken
from indicators import rating_services, services
from indicators.models import Indicator
from measures.models import Department
from smrj_plan.roles import Role
from tests.conftest import make_user


def token_client(user, scope=ApiToken.Scope.READ, days=90) -> tuple[Client, ApiToken, str]:
    """A client that sends only `Authorization: Bearer …` (no session), with the token and its secret."""
    created = api_services.token_create(user=user, name=f"{user.username}の試験用", scope=scope, days=days)
    return Client(HTTP_AUTHORIZATION=f"Bearer {created.secret}"), created.token, created.secret


def post_json(client, url, body, key="key-1", **extra):
    headers = {"HTTP_IDEMPOTENCY_KEY": key} if key is not None else {}
    return client.post(url, data=json.dumps(body), content_type="application/json", **headers, **extra)


def decimal_or_none(text):
    return None if text in (None, "") else Decimal(text)


# The populated year: (code, quarter, figures, final state). Chosen so that every kind appears, some quarters
# wait for approval (submitted, draft), and no forecast ends in exactly .5 (whose rounding the pages state).
POPULATION = [
    ("1-1", 1, {"value": Decimal("300")}, "approved"),
    ("1-1", 2, {"value": Decimal("250")}, "approved"),
    ("1-1", 3, {"value": Decimal("420")}, "submitted"),
    ("2-1", 1, {"value": Decimal("2600")}, "approved"),
    ("2-1", 2, {"value": Decimal("2400")}, "approved"),
    ("2-1", 3, {"value": Decimal("2500")}, "approved"),
    ("4-4", 1, {"value": Decimal("201")}, "approved"),
    ("4-4", 2, {"value": Decimal("199")}, "approved"),
    ("4-4", 3, {"value": Decimal("205")}, "approved"),
    ("4-10", 1, {"value": Decimal("70")}, "approved"),
    ("4-10", 2, {"value": Decimal("91")}, "approved"),
    ("1-3", 1, {"numerator": Decimal("75"), "denominator": Decimal("100")}, "approved"),
    ("1-3", 2, {"numerator": Decimal("60"), "denominator": Decimal("90")}, "approved"),
    ("1-3", 3, {"numerator": Decimal("80"), "denominator": Decimal("100")}, "draft"),
    ("4-5", 1, {"numerator": Decimal("40"), "denominator": Decimal("50")}, "approved"),
    ("4-5", 2, {"numerator": Decimal("33"), "denominator": Decimal("47")}, "approved"),
    ("4-5", 3, {"numerator": Decimal("35"), "denominator": Decimal("40")}, "approved"),
    ("1-2", 4, {"growth_rate": Decimal("3.00"), "benchmark_rate": Decimal("2.00")}, "approved"),
    ("R1-5-1", 1, {"milestone_status": "in_progress"}, "approved"),
    ("R1-5-1", 2, {"milestone_status": "done"}, "submitted"),
    ("R2-4-1", 1, {"value": Decimal("12")}, "approved"),
    ("3-1-1", 1, {"value": Decimal("1")}, "approved"),
    ("3-1-1", 2, {"value": Decimal("2")}, "approved"),
    ("5-3", 1, {"value": Decimal("25000.5")}, "approved"),
    ("5-3", 2, {"value": Decimal("23000")}, "approved"),
    ("5-3", 3, {"value": Decimal("24000")}, "approved"),
    ("5-3", 4, {"value": Decimal("22000")}, "approved"),
]


def populate_year(fiscal_year, approver) -> dict[str, object]:
    """Enter, submit and approve POPULATION through the services, each figure by a 担当者 of the indicator's
    department; a final 評定 A on 2-1. Returns the 担当者 per department code."""
    staff: dict[str, object] = {}
    indicators = {i.code: i for i in Indicator.objects.filter(plan__fiscal_year=fiscal_year)}
    for code, quarter, data, state in POPULATION:
        ind = indicators[code]
        dept = ind.department
        user = staff.get(dept.code)
        if user is None:
            user = staff[dept.code] = make_user(
                f"t-{dept.code}", Role.STAFF, Department.objects.get(pk=dept.pk)
            )
        actual = services.actual_save(
            indicator=ind, fiscal_year=fiscal_year, quarter=quarter, user=user, data=data, expected_version=0
        )
        if state in ("submitted", "approved"):
            actual = services.actual_submit(actual=actual, user=user, expected_version=actual.version)
        if state == "approved":
            services.actual_approve(actual=actual, user=approver, expected_version=actual.version)
    rating_services.final_rating_set(
        indicator=indicators["2-1"],
        fiscal_year=fiscal_year,
        grade="A",
        reason="目標を大きく上回った",
        user=approver,
    )
    return staff
