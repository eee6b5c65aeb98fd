"""Every API URL against every role: anonymous, 担当者 of the owning 部署, 担当者 of another 部署, 管理者, 監査担当,
システム管理者 and a signed-in user with no role — by browser session and by personal token alike.

EXPECTED is keyed by URL name; an API URL without an entry fails the suite, so a new endpoint cannot ship
without deciding who may reach it. Besides the status, what each role reads is checked where the rule is about
rows (a 担当者 reads their own department's indicators, actuals and budget columns; nobody else's drafts)."""

import json
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from api.models import ApiToken
from indicators import services
from indicators.models import Indicator
from tests.api_support import token_client
from tests.conftest import make_user

ROLES = ("anon", "owner", "other", "manager", "auditor", "sysadmin", "norole")
LOGIN = "login"


def walk_api(patterns, namespace=None):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = ":".join(x for x in (namespace, p.namespace) if x) or None
            yield from walk_api(p.url_patterns, ns)
        elif isinstance(p, URLPattern) and namespace == "api":
            yield f"api:{p.name}"


def R(owner, other, manager, auditor, sysadmin, norole, anon=401, method="GET", query="", token=True):
    """Expected statuses; `token` False for the HTML pages, which a token does not open (session only)."""
    return {
        "anon": anon,
        "owner": owner,
        "other": other,
        "manager": manager,
        "auditor": auditor,
        "sysadmin": sysadmin,
        "norole": norole,
        "method": method,
        "query": query,
        "token": token,
    }


EVERYONE = dict(owner=200, other=200, manager=200, auditor=200, sysadmin=200, norole=200)
EXPECTED = {
    "api:fiscal_years": R(**EVERYONE),
    "api:chapters": R(**EVERYONE),
    "api:pillars": R(**EVERYONE),
    "api:headings": R(**EVERYONE),
    "api:measures": R(**EVERYONE),
    # Rows by role: all for 管理者・監査担当, the 部署's own for a 担当者, none without a role (checked below).
    "api:indicators": R(**EVERYONE, query="year=2024&as_of=1"),
    "api:actuals": R(**EVERYONE, query="year=2024"),
    # Writing: the owning 担当者 only; another 部署's indicator is not found; the others may not enter at all.
    "api:actuals POST": R(201, 404, 403, 403, 403, 403, method="POST"),
    "api:budget_tables": R(**EVERYONE),
    "api:budget_table": R(**EVERYONE),
    "api:budget_cells": R(**EVERYONE, query="page_size=5"),
    "api:reconciliation": R(**EVERYONE),
    "api:execution": R(200, 200, 200, 200, 200, 403),
    "api:history": R(403, 403, 200, 200, 200, 403),
    "api:schema": R(**EVERYONE),
    # Pages for people (session): the login page for anonymous visitors.
    "api:docs": R(**EVERYONE, anon=LOGIN, token=False),
    "api:tokens": R(**EVERYONE, anon=LOGIN, token=False),
    # Revoking the owner's token: only its owner; for anyone else it does not exist.
    "api:token_revoke": R(302, 404, 404, 404, 404, 404, anon=LOGIN, method="POST", token=False),
}
# The POST to actuals shares its URL name with the list.
URL_NAMES = {name.split(" ")[0] for name in EXPECTED}


@pytest.fixture
def people(department, other_department, staff_user, other_staff_user, manager, auditor, sysadmin):
    return {
        "owner": staff_user,
        "other": other_staff_user,
        "manager": manager,
        "auditor": auditor,
        "sysadmin": sysadmin,
        "norole": make_user("yakuwari-nashi", None, department),
    }


def _session(user):
    client = Client()
    client.force_login(user)
    return client


def _clients(people, mode):
    clients = {"anon": Client()}
    for role, user in people.items():
        if mode == "session":
            clients[role] = _session(user)
        else:
            # Read-write for both 担当者 (the only ones who may hold it), so the write rules are what is tested.
            scope = ApiToken.Scope.READ_WRITE if role in ("owner", "other") else ApiToken.Scope.READ
            clients[role] = token_client(user, scope=scope)[0]
    return clients


def _url(name, owner_token_id):
    kwargs = {
        "api:budget_table": {"kind": "budget", "account": "ippan"},
        "api:token_revoke": {"pk": owner_token_id},
    }.get(name)
    return reverse(name, kwargs=kwargs)


def test_every_api_url_has_an_expectation():
    names = set(walk_api(get_resolver().url_patterns))
    assert names, "the API URLs are mounted"
    assert sorted(names - URL_NAMES) == [], "API URLs without an access expectation"
    assert sorted(URL_NAMES - names) == [], "expectations for API URLs that no longer exist"


@pytest.mark.django_db
@pytest.mark.parametrize("mode", ["session", "token"])
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_role_gets_the_expected_status(name, mode, people, fiscal_year):
    spec = EXPECTED[name]
    if mode == "token" and not spec["token"]:
        pytest.skip("an HTML page for people: a token does not open it (checked below)")
    owner_token = token_client(people["owner"])[1]
    clients = _clients(people, mode)
    url = _url(name.split(" ")[0], owner_token.pk) + (f"?{spec['query']}" if spec["query"] else "")
    got = {}
    for i, role in enumerate(ROLES):
        client = clients[role]
        if spec["method"] == "POST" and name == "api:actuals POST":
            body = {"year": 2024, "quarter": 1, "indicator": "1-1", "version": 0, "value": "10"}
            response = client.post(
                url, data=json.dumps(body), content_type="application/json", HTTP_IDEMPOTENCY_KEY=f"m-{i}"
            )
        elif spec["method"] == "POST":
            response = client.post(url)
        else:
            response = client.get(url)
        got[role] = response.status_code
        if response.status_code == 302 and "/accounts/login/" in response["Location"]:
            got[role] = LOGIN
        if response.status_code in (401, 403, 404, 400) and response["Content-Type"].startswith(
            "application/json"
        ):
            assert response.json()["detail"], f"{name} {role}: a JSON error carries a message"
    expected = {role: spec[role] for role in ROLES}
    assert got == expected, f"{name} ({mode}, {url}): got {got}"


@pytest.mark.django_db
def test_html_pages_do_not_accept_a_token_alone(people):
    """The token page and the docs are for a signed-in person: a bearer token is not a login there."""
    client = token_client(people["manager"])[0]
    for name in ("api:tokens", "api:docs"):
        response = client.get(reverse(name))
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.fixture
def drafts(fiscal_year, staff_user, other_staff_user):
    """A draft in the owner's 部署 (1-1) and one in the other 部署 (its first indicator)."""
    mine = Indicator.objects.get(code="1-1")
    theirs = (
        Indicator.objects.filter(department=other_staff_user.staff_profile.department)
        .order_by("order")
        .first()
    )
    for user, ind, value in ((staff_user, mine, "11"), (other_staff_user, theirs, "22")):
        services.actual_save(
            indicator=ind,
            fiscal_year=fiscal_year,
            quarter=1,
            user=user,
            data={"value": Decimal(value)} if ind.kind == "count" else {"note": "下書き"},
            expected_version=0,
        )
    return mine, theirs


@pytest.mark.django_db
@pytest.mark.parametrize("mode", ["session", "token"])
def test_what_each_role_reads(mode, people, drafts):
    mine, theirs = drafts
    clients = _clients(people, mode)

    def codes(role, path):
        response = clients[role].get(path)
        assert response.status_code == 200, (role, path, response.content[:200])
        return {row.get("indicator") or row.get("code") for row in response.json()["results"]}

    owner_indicators = set(
        Indicator.objects.filter(department=mine.department).values_list("code", flat=True)
    )
    other_indicators = set(
        Indicator.objects.filter(department=theirs.department).values_list("code", flat=True)
    )
    assert codes("owner", "/api/v1/indicators/?page_size=500") == owner_indicators
    assert codes("other", "/api/v1/indicators/?page_size=500") == other_indicators
    assert codes("norole", "/api/v1/indicators/?page_size=500") == set()
    for role in ("manager", "auditor", "sysadmin"):
        assert len(codes(role, "/api/v1/indicators/?page_size=500")) == 28
    # Drafts: each 担当者 sees their own department's only; readers of everything see both.
    assert codes("owner", "/api/v1/actuals/") == {mine.code}
    assert codes("other", "/api/v1/actuals/") == {theirs.code}
    assert codes("norole", "/api/v1/actuals/") == set()
    for role in ("manager", "auditor", "sysadmin"):
        assert codes(role, "/api/v1/actuals/") == {mine.code, theirs.code}
    # Budget execution: a 担当者 reads the columns their department enters, nobody else's.
    owner_lines = clients["owner"].get("/api/v1/budgets/execution/?page_size=2000").json()["results"]
    assert owner_lines and {line["department"] for line in owner_lines} == {mine.department.code}
    all_lines = clients["auditor"].get("/api/v1/budgets/execution/?page_size=2000").json()["results"]
    assert len({line["department"] for line in all_lines}) > 1 and len(all_lines) > len(owner_lines)


@pytest.mark.django_db
def test_the_schema_and_docs_are_refused_to_an_unknown_token(people):
    bad = Client(HTTP_AUTHORIZATION="Bearer smrj_not-a-real-token")
    for path in ("/api/schema/", "/api/v1/fiscal-years/"):
        response = bad.get(path)
        assert response.status_code == 401
        assert response["WWW-Authenticate"].startswith("Bearer")
        assert "APIトークンが正しくありません。" in response.content.decode()
