"""The CSV renderer: a BOM for Excel, exact decimal text, formulas defused in text but not in numbers, nested
objects flattened, and a header even for an empty list."""

import csv
import io
from decimal import Decimal

import pytest

from api.renderers import CSVRenderer


def _rows(data, **context):
    text = CSVRenderer().render(data, renderer_context=context or None).decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))


def test_text_that_excel_would_run_is_defused_and_numbers_are_not():
    data = {
        "results": [
            {
                "note": '=HYPERLINK("http://x","y")',
                "amount": "-1234",
                "difference": Decimal("-2"),
                "who": "@tanto",
            },
            {"note": "+81", "amount": "1119085", "difference": Decimal("0.5"), "who": "-山田"},
        ]
    }
    rows = _rows(data)
    assert rows[0] == ["note", "amount", "difference", "who"]
    assert rows[1] == ['\'=HYPERLINK("http://x","y")', "-1234", "-2", "'@tanto"]
    assert rows[2] == ["'+81", "1119085", "0.5", "'-山田"]


def test_nested_objects_become_dotted_columns_and_lists_json():
    rows = _rows([{"q1": {"amount": "12.345", "state": "approved"}, "parts": [[1, 1], [2, -1]], "ok": True}])
    assert rows == [
        ["q1.amount", "q1.state", "parts", "ok"],
        ["12.345", "approved", "[[1, 1], [2, -1]]", "true"],
    ]


@pytest.mark.django_db
def test_an_empty_list_still_has_its_header(manager_client):
    response = manager_client.get("/api/v1/actuals/?format=csv")
    header = response.content.decode("utf-8").lstrip("\ufeff").splitlines()[0]
    assert header.startswith("id,indicator,indicator_name,department,year,quarter,state")


@pytest.mark.django_db
def test_the_indicator_list_costs_the_same_queries_for_one_or_all_departments(manager_client, staff_client):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count(client):
        client.get("/api/v1/indicators/")
        with CaptureQueriesContext(connection) as ctx:
            response = client.get("/api/v1/indicators/?as_of=2")
        assert response.status_code == 200
        return len(ctx.captured_queries), response.json()["count"]

    many, n_all = count(manager_client)
    few, n_mine = count(staff_client)
    assert (n_all, n_mine) == (28, 3)
    assert many <= 9 and few <= many + 1, (many, few)
