"""Hostile query parameters and bodies never give a 500: a JSON error with a Japanese message, or the list."""

import json
import uuid

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from api.models import ApiToken
from indicators.models import Actual
from tests.api_support import token_client

pytestmark = pytest.mark.django_db
LISTS = [
    "/api/v1/fiscal-years/",
    "/api/v1/plan/pillars/",
    "/api/v1/plan/headings/",
    "/api/v1/plan/measures/",
    "/api/v1/indicators/",
    "/api/v1/actuals/",
    "/api/v1/budgets/cells/",
    "/api/v1/budgets/reconciliation/",
    "/api/v1/budgets/execution/",
    "/api/v1/history/",
]
PARAMS = [
    "year",
    "as_of",
    "quarter",
    "pillar",
    "chapter",
    "heading",
    "department",
    "status",
    "kind",
    "account",
    "indicator",
    "code",
    "state",
    "severity",
    "page",
    "page_size",
    "format",
]
NASTY = st.one_of(
    st.sampled_from(
        [
            "1e9999",
            "NaN",
            "-0",
            "１２３",
            "²",
            "' OR 1=1 --",
            "<script>",
            "9" * 400,
            "",
            " ",
            "3.0",
            "-1",
            "0",
            "2024",
            "csv",
            "json",
            "xml",
            "approved",
            "ippan",
            "1-1",
        ]
    ),
    st.text(max_size=30).filter(lambda t: "\x00" not in t),
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=st.sampled_from(LISTS), params=st.dictionaries(st.sampled_from(PARAMS), NASTY, max_size=3))
def test_no_query_gives_a_server_error(manager_client, path, params):
    response = manager_client.get(path, params)
    assert response.status_code in (200, 400, 404, 406), (path, params, response.status_code)
    if response.status_code != 200 and response["Content-Type"].startswith("application/json"):
        assert not response.json()["detail"].isascii()


@pytest.fixture
def writer(staff_user):
    return token_client(staff_user, scope=ApiToken.Scope.READ_WRITE)[0]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    data=st.dictionaries(
        st.sampled_from(["year", "quarter", "indicator", "version", "action", "value", "note", "as_of", "x"]),
        st.one_of(
            st.none(),
            st.booleans(),
            st.integers(),
            NASTY,
            st.lists(st.integers(), max_size=2),
            st.dictionaries(st.text(max_size=3), st.integers(), max_size=2),
        ),
        max_size=8,
    )
)
def test_no_body_gives_a_server_error_or_a_half_saved_change(writer, data):
    client = writer
    before = Actual.objects.count(), Actual.history.count()
    response = client.post(
        "/api/v1/actuals/",
        data=json.dumps(data),
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=uuid.uuid4().hex,
    )
    assert response.status_code in (200, 201, 400, 404, 409), (
        data,
        response.status_code,
        response.content[:300],
    )
    if response.status_code >= 400:
        assert (Actual.objects.count(), Actual.history.count()) == before
    if response.status_code < 300:
        Actual.objects.all().delete()  # the next example starts from no actual again
