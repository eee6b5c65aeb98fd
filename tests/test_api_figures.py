"""The API's figures are the dashboard's and the workbook's: for a populated year, every indicator's target,
cumulative, 達成率, status, forecast and 評定の目安 as of each quarter equal what the dashboard's selector gives and
what the workbook's 指標 sheet holds; budget cells equal the published tables; a 担当者 reads only their own."""

import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from dashboard import selectors as dashboard_selectors
from dashboard.tables import format_actual, format_forecast
from indicators.sheets import TARGET_NUMBER_HEADER
from reports.workbook import export_context_build, workbook_write
from smrj_plan import formatting
from tests.api_support import POPULATION, decimal_or_none, populate_year, token_client

pytestmark = pytest.mark.django_db

INDICATORS = "/api/v1/indicators/"


@pytest.fixture
def populated(fiscal_year, manager):
    return populate_year(fiscal_year, manager)


def api_rows(client, **params):
    query = "&".join(f"{k}={v}" for k, v in {"page_size": 500, **params}.items())
    response = client.get(f"{INDICATORS}?{query}")
    assert response.status_code == 200, response.content
    return {row["code"]: row for row in response.json()["results"]}


@pytest.mark.parametrize("as_of", [1, 2, 3, 4])
def test_indicator_figures_equal_the_dashboards(populated, fiscal_year, manager, manager_client, as_of):
    rows, as_of_used, _ = dashboard_selectors.indicator_progress_list(
        user=manager, fiscal_year=fiscal_year, as_of_quarter=as_of
    )
    api = api_rows(manager_client, year=2024, as_of=as_of)
    assert as_of_used == as_of
    assert [r.indicator.code for r in rows] == list(api), "same indicators, same order"
    for row in rows:
        got, p, unit = api[row.indicator.code], row.progress, row.indicator.unit
        assert got["as_of"] == as_of
        assert decimal_or_none(got["target"]) == row.indicator.target
        assert decimal_or_none(got["cumulative"]) == p.actual_display, row.indicator.code
        assert decimal_or_none(got["achievement_rate"]) == p.achievement_rate, row.indicator.code
        assert decimal_or_none(got["pace"]) == p.pace
        assert decimal_or_none(got["pace_rate"]) == p.pace_rate
        assert got["status"] == p.status.value and got["status_label"] == p.status_label
        assert got["grade_label"] == p.grade_label and got["grade"] == (p.grade and p.grade.value)
        assert decimal_or_none(got["forecast_rate"]) == p.forecast_rate
        # The forecast as the dashboard prints it (whole units for counts, % for ratios), value and text.
        assert decimal_or_none(got["forecast"]) == p.forecast_display
        assert got["forecast_text"] == format_forecast(p, unit)
        assert got["cumulative_text"] == format_actual(p, unit)
        assert got["target_label"] == formatting.target_label(
            target=row.indicator.target,
            unit=unit,
            comparison=row.indicator.comparison,
            text=row.indicator.target_text,
        )
        assert got["final_grade"] == (row.final_rating.grade if row.final_rating else None)
        assert got["unapproved_count"] == row.unapproved_count
        assert decimal_or_none(got["cumulative_with_unapproved"]) == row.with_unapproved.actual_display


def test_the_figures_are_the_expected_ones_not_just_equal(populated, manager_client):
    """The comparison above holds for real figures: two counts, a ratio and a benchmark, by hand."""
    q3 = api_rows(manager_client, year=2024, as_of=3)
    # 1-1: Q1 300 + Q2 250 approved; Q3 420 only submitted, so not counted (承認待ち is not a zero).
    assert q3["1-1"]["cumulative"] == "550" and q3["1-1"]["achievement_rate"] == "55.0"
    assert q3["1-1"]["pace"] == "750" and q3["1-1"]["pace_rate"] == "73.3" and q3["1-1"]["status"] == "behind"
    assert q3["1-1"]["unapproved_count"] == 1 and q3["1-1"]["cumulative_with_unapproved"] == "970"
    # 2-1: 7,500 of 10,000 approved by Q3: on pace; forecast 10,000 → 100.0 % → B（見込み）; final A.
    assert q3["2-1"]["cumulative"] == "7500" and q3["2-1"]["forecast"] == "10000"
    assert q3["2-1"]["grade_label"] == "B（見込み）" and q3["2-1"]["final_grade"] == "A"
    # 4-4: 605 by Q3 → forecast 806.67 shown as 807人.
    assert q3["4-4"]["forecast"] == "807" and q3["4-4"]["target"] == "800"
    assert q3["4-4"]["forecast_text"] == "807人" and q3["4-4"]["cumulative_text"] == "605人"
    assert q3["1-1"]["target_label"] == "1,000社以上" and q3["1-1"]["target_text"] == "１，０００社以上"
    # 1-3 ratio: (75+60)/(100+90) = 71.1 %; the Q3 draft is left out.
    assert q3["1-3"]["cumulative"] == "71.1" and q3["1-3"]["achievement_rate"] == "101.5"
    assert (q3["1-3"]["numerator_total"], q3["1-3"]["denominator_total"]) == ("135", "190")
    q4 = api_rows(manager_client, year=2024, as_of=4)
    # 1-2 benchmark: (3.00 / 2.00) / 1.2 = 125.0 % → A; 5-3 reached 94,000.5 of 92,800 人日.
    assert q4["1-2"]["achievement_rate"] == "125.0" and q4["1-2"]["grade"] == "A"
    assert q4["5-3"]["cumulative"] == "94000.5" and q4["5-3"]["status"] == "achieved"
    assert q4["R1-5-1"]["milestone_status"] == "in_progress" and q4["R1-5-1"]["status_label"] == "参考"


def _indicator_sheet(as_of: int) -> dict[str, dict[str, object]]:
    ctx = export_context_build(year=2024, quarter=as_of, include_drafts=False, exported_by="試験")
    buffer = io.BytesIO()
    workbook_write(ctx=ctx, output=buffer)
    ws = load_workbook(io.BytesIO(buffer.getvalue()), read_only=True)["指標"]
    rows = list(ws.iter_rows(values_only=True))
    header_at = next(i for i, r in enumerate(rows) if r and r[0] == "番号")
    header = rows[header_at]
    out = {}
    for r in rows[header_at + 1 :]:
        if r and isinstance(r[0], str) and r[0] and r[1] and r[0] not in out:
            out[r[0]] = dict(zip(header, r, strict=False))
    return out


def _number(cell) -> Decimal | None:
    if cell is None or cell == "":
        return None
    return Decimal(str(cell))


@pytest.mark.parametrize("as_of", [2, 3, 4])
def test_indicator_figures_equal_the_workbooks_indicator_sheet(populated, manager_client, as_of):
    sheet = _indicator_sheet(as_of)
    api = api_rows(manager_client, year=2024, as_of=as_of)
    assert set(sheet) == set(api)
    checked = 0
    for code, row in api.items():
        cells = sheet[code]
        assert cells["目標"] == row["target_label"], code
        if row["target"] is not None:
            assert _number(cells[TARGET_NUMBER_HEADER]) == Decimal(row["target"]), code
        if row["kind"] != "milestone":
            assert _number(cells["累計"]) == decimal_or_none(row["cumulative"]), code
        assert _number(cells["達成率"]) == decimal_or_none(row["achievement_rate"]), code
        assert cells["状況"] == row["status_label"], code
        assert (cells["評定の目安"] or "") == row["grade_label"], code
        assert (cells["評定"] or None) == row["final_grade"], code
        assert _number(cells["年度末見込み"]) == decimal_or_none(row["forecast"]), code
        checked += row["cumulative"] is not None
    assert checked >= 9, "the populated indicators were compared, not only empty rows"


def test_a_staff_member_reads_only_their_department_and_the_same_figures(
    populated, fiscal_year, manager_client
):
    staff = populated["keiei-shien"]
    client, _token, _secret = token_client(staff)
    mine = api_rows(client, year=2024, as_of=3)
    everyone = api_rows(manager_client, year=2024, as_of=3)
    assert set(mine) == {"1-1", "1-2", "1-3"}
    for code, row in mine.items():
        assert row == everyone[code]
    other = populated["hanro-shien"]
    theirs = api_rows(token_client(other)[0], year=2024, as_of=3)
    assert set(theirs) == {"2-1", "2-2"} and theirs["2-1"]["cumulative"] == "7500"


def test_the_default_as_of_is_the_last_approved_quarter(populated, manager_client, staff_client):
    assert {r["as_of"] for r in api_rows(manager_client, year=2024).values()} == {4}
    years = manager_client.get("/api/v1/fiscal-years/").json()["results"]
    assert years[0]["year"] == 2024 and years[0]["default_as_of"] == 4


def test_actuals_list_states_and_a_staff_member_never_sees_another_departments_drafts(
    populated, manager_client
):
    everyone = manager_client.get("/api/v1/actuals/?year=2024&page_size=500").json()
    assert everyone["count"] == len(POPULATION)
    states = {(a["indicator"], a["quarter"]): a["state"] for a in everyone["results"]}
    assert (
        states[("1-3", 3)] == "draft"
        and states[("1-1", 3)] == "submitted"
        and states[("2-1", 1)] == "approved"
    )
    other = populated["hanro-shien"]
    client = token_client(other)[0]
    theirs = client.get("/api/v1/actuals/?year=2024&page_size=500").json()["results"]
    assert {a["indicator"] for a in theirs} == {"2-1"}
    assert client.get("/api/v1/actuals/?year=2024&state=draft").json()["count"] == 0
    assert client.get("/api/v1/actuals/?indicator=1-3").json()["count"] == 0
    drafts = manager_client.get("/api/v1/actuals/?state=draft").json()["results"]
    assert [(a["indicator"], a["quarter"], a["numerator"], a["denominator"]) for a in drafts] == [
        ("1-3", 3, "80", "100")
    ]


def test_budget_cells_are_the_published_tables_cell_for_cell(manager_client):
    from budgets.selectors import budget_grid_list

    cells = manager_client.get("/api/v1/budgets/cells/?year=2024&page_size=2000").json()
    assert cells["count"] == 1276
    got = {
        (c["kind"], c["account"], c["row_order"], c["column_order"]): (c["amount"], c["text"])
        for c in cells["results"]
    }
    expected = {}
    for grid in budget_grid_list(fiscal_year=2024):
        for row in grid.rows:
            for cell in row.cells:
                if cell.present:
                    amount = None if cell.amount is None else format(cell.amount, "f")
                    expected[(grid.kind, grid.account_code, row.order, cell.column_order)] = (
                        amount,
                        cell.text,
                    )
    assert got == expected
    # One cell by hand: 予算計画 一般勘定, 支出 計 of 経営環境変化対応支援業務（合計）, published 1,119,085.
    detail = manager_client.get("/api/v1/budgets/tables/budget/ippan/?year=2024").json()
    column = next(c for c in detail["columns"] if c["label"] == "経営環境変化対応支援業務（合計）")
    total = [r for r in detail["rows"] if r["label"] == "計" and r["role"] == "total"][-1]
    assert {c["column"]: c["amount"] for c in total["cells"]}[column["order"]] == "1119085"
    parent = next(r for r in detail["rows"] if r["order"] == total["parent"])
    assert parent["label"] == "支出" and parent["role"] == "heading"
    assert detail["header"][0][0] == {"text": "区 別", "colspan": 1, "rowspan": 3}


def test_reconciliation_lists_the_103_rounding_differences(manager_client):
    items = manager_client.get("/api/v1/budgets/reconciliation/?year=2024&page_size=500").json()
    assert items["count"] == 103
    assert {i["severity"] for i in items["results"]} == {"rounding"}
    largest = max(items["results"], key=lambda i: abs(Decimal(i["difference"])))
    assert (largest["published"], largest["computed"], largest["difference"]) == ("1119085", "1119083", "2")
    assert manager_client.get("/api/v1/budgets/reconciliation/?severity=error").json()["count"] == 0


def test_indicators_csv_has_the_same_figures_as_the_json(populated, manager_client):
    import csv

    response = manager_client.get(f"{INDICATORS}?year=2024&as_of=3&format=csv&page_size=500")
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    rows = {r["code"]: r for r in csv.DictReader(io.StringIO(text.lstrip("\ufeff")))}
    api = api_rows(manager_client, year=2024, as_of=3)
    assert rows["1-1"]["cumulative"] == "550" and rows["1-3"]["achievement_rate"] == "101.5"
    assert rows["5-3"]["cumulative"] == api["5-3"]["cumulative"] == "72000.5"
    assert rows["R1-5-1"]["cumulative"] == "" and rows["2-1"]["final_grade"] == "A"
    assert response["X-Total-Count"] == "28"
