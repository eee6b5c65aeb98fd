"""Names typed in the admin reach plotly as text: plotly draws <a href>, <b>, <br> found in titles, tick labels,
legend names and hover labels, so every user-derived string is HTML-escaped before it enters a figure."""

import html
import json
from decimal import Decimal as D

import pytest
from django.urls import reverse

from budgets.models import Account, BudgetColumn, BudgetExecution, BudgetRow
from dashboard import charts
from indicators.models import Actual, Indicator
from measures.models import FiscalYear

pytestmark = pytest.mark.django_db

REGION = "地域牽引・成長志向企業支援業務"
LINK = '<a href="//e.x">x</a>'
# Indicator codes hold 20 characters: an opening tag alone is enough for plotly to draw a link.
CODE_1_1 = '<a href="//e.x">1'
CODE_1_3 = "<b>1-3</b>&<br>"
ACCOUNT = f"一般勘定{LINK}"
SEGMENT = f"<b>地域</b>{LINK}"


def figure_text(figure: dict) -> str:
    return json.dumps(figure, ensure_ascii=False)


def assert_no_markup(figure: dict) -> None:
    text = figure_text(figure)
    for tag in ("<a ", "<a>", "</a>", "<b>", "<br>"):
        assert tag not in text, tag


@pytest.fixture
def hostile_indicators(db):
    """1-1 and 1-3 renamed with markup, both rated, 1-1 with an approved actual."""
    fy = FiscalYear.objects.get(year=2024)
    Indicator.objects.filter(code="1-1", plan__fiscal_year=fy).update(code=CODE_1_1, unit="<b>社</b>")
    Indicator.objects.filter(code="1-3", plan__fiscal_year=fy).update(code=CODE_1_3)
    Actual.objects.create(
        indicator=Indicator.objects.get(code=CODE_1_1),
        fiscal_year=fy,
        quarter=1,
        value=D("300"),
        state="approved",
    )


@pytest.fixture
def hostile_budget(db):
    """一般勘定 and one of its segments renamed with markup, with an approved executed amount."""
    Account.objects.filter(code="ippan").update(name=ACCOUNT)
    row = BudgetRow.objects.get(table__kind="budget", table__account__code="ippan", label="業務経費")
    column = BudgetColumn.objects.get(table=row.table, segment=REGION, ledger="一般経理")
    BudgetColumn.objects.filter(pk=column.pk).update(segment=SEGMENT)
    BudgetExecution.objects.create(row=row, column=column, quarter=1, amount=D("20000"), state="approved")


def test_pillar_rate_chart_escapes_indicator_codes(manager_client, hostile_indicators):
    response = manager_client.get(reverse("dashboard:pillar", args=[2024, 1]))
    assert response.status_code == 200
    figure = response.context["rate_chart"]
    assert_no_markup(figure)
    rate = next(t for t in figure["data"] if t["meta"] == "rate")
    assert rate["x"] == ['&lt;a href="//e.x"&gt;1', "1-2", "&lt;b&gt;1-3&lt;/b&gt;&amp;&lt;br&gt;"]
    assert rate["y"][0] == 30.0  # 300 of 1,000社: the figure itself is untouched
    # Each trace labels the same categories, so the bars and the 100% line still line up.
    assert all(t["x"] == rate["x"] for t in figure["data"])


def test_indicator_chart_escapes_the_unit(manager_client, hostile_indicators):
    pk = Indicator.objects.get(code=CODE_1_1).pk
    figure = manager_client.get(reverse("dashboard:indicator", args=[pk])).context["chart"]
    assert_no_markup(figure)
    assert figure["layout"]["yaxis"]["title"]["text"] == "&lt;b&gt;社&lt;/b&gt;"


def test_budget_chart_escapes_account_and_segment_names(manager_client, hostile_budget):
    response = manager_client.get(reverse("dashboard:budget"), {"year": 2024, "account": "ippan"})
    assert response.status_code == 200
    figure = response.context["chart"]
    assert_no_markup(figure)
    assert figure["layout"]["title"]["text"] == f"{html.escape(ACCOUNT, quote=False)} 累計執行率（承認済み）"
    names = [trace["name"] for trace in figure["data"]]
    assert f"{html.escape(SEGMENT, quote=False)}（一般経理）" in names
    # The page shows the names as text too (Django escapes them in the HTML).
    assert LINK not in response.content.decode()


def test_label_escapes_only_what_plotly_reads_as_markup():
    assert charts.label('a<b>"c"&d') == 'a&lt;b&gt;"c"&amp;d'
    assert charts.label(None) == ""
    assert charts.label("柱1") == "柱1"
