"""Dashboard overview, pillar and indicator pages: real figures, filters, sorting, access and query counts."""

import json
import re
from decimal import Decimal as D

import pytest
from django.urls import reverse

from indicators.models import Actual, FinalRating, Indicator
from indicators.progress import Status
from measures.models import FiscalYear, PlanDocument


def ind(code) -> Indicator:
    return Indicator.objects.get(code=code, plan__fiscal_year__year=2024)


def add_actual(code, quarter, state="approved", fiscal_year=None, **figures):
    return Actual.objects.create(
        indicator=ind(code),
        fiscal_year=fiscal_year or FiscalYear.objects.get(year=2024),
        quarter=quarter,
        state=state,
        **{
            k: D(v) if isinstance(v, str | int) and k not in ("milestone_status",) else v
            for k, v in figures.items()
        },
    )


def row_html(content: str, code: str) -> str:
    """The <tr> of one indicator in the overview table."""
    match = re.search(rf'<tr[^>]*data-code="{re.escape(code)}"[^>]*>(.*?)</tr>', content, re.S)
    assert match, f"row {code} not found"
    return match.group(1)


def cells(content: str, code: str) -> list[str]:
    """The text of each cell of an indicator's row, tags stripped."""
    tds = re.findall(r"<td[^>]*>(.*?)</td>", row_html(content, code), re.S)
    return [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", td)).strip() for td in tds]


def chart_data(content: str, island_id: str) -> dict:
    match = re.search(rf'<script id="{island_id}" type="application/json">(.*?)</script>', content, re.S)
    assert match, f"data island {island_id} not found"
    return json.loads(match.group(1))


@pytest.fixture
def first_half_1_1(db):
    """1-1 (1,000社以上): 300社 in Q1 and 200社 in Q2, approved."""
    add_actual("1-1", 1, value="300")
    add_actual("1-1", 2, value="200")


def test_overview_shows_1_1_at_500_of_1000_on_pace(manager_client, first_half_1_1):
    response = manager_client.get(reverse("dashboard:overview"))
    assert response.status_code == 200
    content = response.content.decode()
    assert "令和6年度（2024年度） 第2四半期時点" in content  # default: last quarter with approved data
    row = cells(content, "1-1")
    assert row[3] == "1,000社以上"  # tables show the normalised target (published: 「１，０００社以上」)
    assert row[4] == "500社"
    assert row[5] == "50.0%"
    assert row[6] == "100.0% （500）"
    assert row[7] == "順調"
    assert row[8] == "1,000社 （予測 100.0%）"
    assert row[9] == "B（見込み）"
    assert row[10] == "—"


def test_overview_counts_statuses_per_pillar(manager_client, first_half_1_1):
    # 1-3 (70%以上): 75/100 → 107.1% → 順調; 1-2 has no data → 未入力.
    add_actual("1-3", 1, numerator=75, denominator=100)
    response = manager_client.get(reverse("dashboard:overview"))
    overview = response.context["overview"]
    pillar1 = next(p for p in overview.pillars if p.section.number == 1)
    assert pillar1.counts[Status.ON_TRACK] == 2
    assert pillar1.counts[Status.NO_DATA] == 1
    assert pillar1.rated == 3
    row = cells(response.content.decode(), "1-3")
    assert row[4].startswith("75.0%")
    assert row[5] == "107.1%"
    # Pillar 4 has ten targets and no data yet.
    pillar4 = next(p for p in overview.pillars if p.section.number == 4)
    assert pillar4.counts[Status.NO_DATA] == 10


def test_overview_shows_unapproved_figures_apart(manager_client, first_half_1_1):
    Actual.objects.filter(indicator=ind("1-1"), quarter=2).update(state="submitted")
    response = manager_client.get(reverse("dashboard:overview"), {"q": 2})
    row = cells(response.content.decode(), "1-1")
    assert row[4] == "300社 未承認を含む: 500社"
    assert row[5] == "30.0%"
    # The submitted Q2 is not a zero: pace and status stand at Q1 (250, 300/250 = 120.0 %), 承認待ち.
    assert row[6] == "120.0% （250）"
    assert row[7] == "承認待ち 第2四半期が承認待ち（第1四半期までの承認済みの値で計算）"


def test_overview_as_of_quarter_and_year_are_selectable(manager_client, first_half_1_1):
    response = manager_client.get(reverse("dashboard:overview"), {"year": 2024, "q": 1})
    content = response.content.decode()
    assert "第1四半期時点" in content
    row = cells(content, "1-1")
    assert row[4] == "300社"
    assert row[6] == "120.0% （250）"
    assert manager_client.get(reverse("dashboard:overview"), {"year": 1999}).status_code == 404
    assert manager_client.get(reverse("dashboard:overview"), {"year": "abc"}).status_code == 404


def test_overview_defaults_to_the_first_quarter_before_any_approval(manager_client):
    add_actual("1-1", 1, state="draft", value="300")
    response = manager_client.get(reverse("dashboard:overview"))
    assert response.context["overview"].as_of_quarter == 1
    assert "まだ承認済みの実績がありません" in response.content.decode()
    assert cells(response.content.decode(), "1-1")[7] == (
        "承認待ち 第1四半期が承認待ち（承認済みの値はまだありません）"
    )
    assert cells(response.content.decode(), "1-3")[7] == "未入力"


def test_overview_filters_by_pillar_department_and_status(manager_client, first_half_1_1, department):
    pillar2 = ind("2-1").section
    response = manager_client.get(reverse("dashboard:overview"), {"pillar": pillar2.pk})
    codes = [r.indicator.code for r in response.context["overview"].rows]
    assert codes == ["2-1", "2-2"]
    response = manager_client.get(reverse("dashboard:overview"), {"department": department.pk})
    codes = [r.indicator.code for r in response.context["overview"].rows]
    assert codes == ["1-1", "1-2", "1-3"]
    response = manager_client.get(reverse("dashboard:overview"), {"status": "on_track"})
    codes = [r.indicator.code for r in response.context["overview"].rows]
    assert codes == ["1-1"]


def test_overview_sorts_by_achievement_rate_missing_ranking_lowest(manager_client, first_half_1_1):
    add_actual("2-1", 1, value="6000")  # 60.0% of 10,000
    add_actual("2-2", 1, value="300")  # 20.0% of 1,500
    response = manager_client.get(reverse("dashboard:overview"), {"sort": "-rate", "q": 2})
    data = list(response.context["table"].rows.data)
    assert [r.indicator.code for r in data[:3]] == ["2-1", "1-1", "2-2"]
    rates = [r.progress.achievement_rate for r in data]
    assert rates[:3] == [D("60.0"), D("50.0"), D("20.0")]
    assert rates[3:] == [None] * (len(rates) - 3)  # every missing rate after the figures
    content = response.content.decode()
    assert (
        content.index('data-code="2-1"') < content.index('data-code="1-1"') < content.index('data-code="2-2"')
    )
    ascending = manager_client.get(reverse("dashboard:overview"), {"sort": "rate", "q": 2})
    asc_rates = [r.progress.achievement_rate for r in ascending.context["table"].rows.data]
    assert asc_rates[-3:] == [D("20.0"), D("50.0"), D("60.0")]
    assert asc_rates[0] is None


def test_overview_query_count_does_not_grow_with_data(manager_client, django_assert_max_num_queries):
    # 11: session, user, groups, years, the data version, then on a miss indicators (departments joined),
    # sections, actuals, final ratings; a hit (same version) stops after the data version. A 管理者's landing
    # page adds 2 for the work waiting (the locks and the 提出期限; the states come with the rows already read).
    with django_assert_max_num_queries(11):
        manager_client.get(reverse("dashboard:overview"))
    fy = FiscalYear.objects.get(year=2024)
    for indicator in Indicator.objects.filter(plan__fiscal_year=fy, kind="count"):
        for q in (1, 2, 3, 4):
            Actual.objects.create(
                indicator=indicator, fiscal_year=fy, quarter=q, state="approved", value=D(10)
            )
    with django_assert_max_num_queries(11):
        response = manager_client.get(reverse("dashboard:overview"), {"q": 4})
    assert response.status_code == 200


def test_overview_query_count_is_the_same_with_another_year_of_indicators(
    manager_client, django_assert_num_queries, first_half_1_1
):
    """A second plan year with as many indicators and actuals costs no extra query on the page."""
    import django.test.utils as test_utils
    from django.db import connection

    with test_utils.CaptureQueriesContext(connection) as before:
        manager_client.get(reverse("dashboard:overview"))
    _copy_plan_year(2025)
    with test_utils.CaptureQueriesContext(connection) as after:
        response = manager_client.get(reverse("dashboard:overview"))
    assert response.context["overview"].fiscal_year.year == 2025  # the latest year with a plan
    assert len(after) == len(before)


def _copy_plan_year(year: int):
    """A copy of the 2024 plan's indicators for another year, each with four approved actuals."""
    fy = FiscalYear.objects.create(year=year)
    source = PlanDocument.objects.get(fiscal_year__year=2024)
    plan = PlanDocument.objects.create(fiscal_year=fy, title=source.title, organization=source.organization)
    for indicator in Indicator.objects.filter(plan=source).order_by("order"):
        indicator.pk = None
        indicator.plan = plan
        indicator.parent = None
        indicator.save()
        if indicator.kind == "count":
            for q in (1, 2, 3, 4):
                Actual.objects.create(
                    indicator=indicator, fiscal_year=fy, quarter=q, state="approved", value=D(5)
                )


# --- indicator page ---------------------------------------------------------------------------------------------


def test_indicator_page_renders_the_figures_and_the_chart(manager_client, first_half_1_1):
    add_actual("1-1", 3, state="draft", value="250")
    response = manager_client.get(reverse("dashboard:indicator", args=[ind("1-1").pk]), {"q": 2})
    assert response.status_code == 200
    content = response.content.decode()
    assert re.search(r'data-figure="actual".*?500社', content, re.S)
    assert re.search(r'data-figure="rate".*?50\.0%', content, re.S)
    assert re.search(r'data-figure="pace".*?500社.*?ペース比 100\.0%', content, re.S)
    assert re.search(r'data-figure="status".*?順調', content, re.S)
    assert re.search(r'data-figure="forecast".*?1,000社.*?達成率 100\.0%（予測）', content, re.S)
    assert re.search(r'data-figure="grade".*?B（見込み）', content, re.S)
    # The quarterly table with each state.
    assert re.search(r'data-quarter="1">.*?300社.*?承認済み', content, re.S)
    assert re.search(r'data-quarter="3">.*?250社.*?下書き', content, re.S)
    assert re.search(r'data-quarter="4">.*?未入力', content, re.S)
    # The chart's data island: bars, cumulative, target, pace and the dashed forecast.
    chart = chart_data(content, "indicator-chart-data")
    series = {trace["meta"]: trace for trace in chart["data"]}
    assert series["quarterly"]["y"] == [300.0, 200.0]
    assert series["cumulative"]["y"] == [300.0, 500.0]
    assert series["target"]["y"] == [1000.0] * 4
    assert series["pace"]["y"] == [250.0, 500.0, 750.0, 1000.0]
    assert series["forecast"]["x"] == ["第2四半期", "第4四半期"]
    assert series["forecast"]["y"] == [500.0, 1000.0]
    assert series["forecast"]["line"]["dash"] == "dash"
    assert "unapproved" not in series  # the Q3 draft lies after the as-of quarter
    # As of Q3 the draft is drawn as a grey bar apart and does not count.
    content = manager_client.get(
        reverse("dashboard:indicator", args=[ind("1-1").pk]), {"q": 3}
    ).content.decode()
    series = {trace["meta"]: trace for trace in chart_data(content, "indicator-chart-data")["data"]}
    assert series["unapproved"]["x"] == ["第3四半期"]
    assert series["unapproved"]["y"] == [250.0]
    assert series["cumulative"]["y"] == [300.0, 500.0]
    assert re.search(r'data-figure="actual".*?500社.*?未承認を含む: 750社', content, re.S)
    # The Q3 draft is not a zero: pace stays at Q2's 500 (100.0 %) and the status says 承認待ち.
    assert re.search(r'data-figure="pace".*?目標×2/4.*?500社.*?ペース比 100\.0%', content, re.S)
    assert re.search(r'data-figure="status".*?承認待ち', content, re.S)
    assert 'src="/static/vendor/plotly.min.js"' in content
    assert 'src="/static/js/charts.js"' in content
    assert "cdn" not in content.lower()


def test_indicator_page_links_the_change_history(manager_client, first_half_1_1):
    pk = ind("1-1").pk
    content = manager_client.get(reverse("dashboard:indicator", args=[pk])).content.decode()
    try:
        history_url = reverse("entry:history_indicator", args=[pk])
    except Exception:  # pragma: no cover - the history pages are optional for the dashboard
        pytest.skip("no history pages")
    assert f'href="{history_url}"' in content


def test_indicator_page_of_a_ratio_shows_sum_over_sum(manager_client):
    add_actual("1-3", 1, numerator=9, denominator=10)
    add_actual("1-3", 2, numerator=60, denominator=90)
    content = manager_client.get(reverse("dashboard:indicator", args=[ind("1-3").pk])).content.decode()
    assert re.search(r'data-figure="actual".*?69\.0%', content, re.S)
    assert re.search(r'data-figure="rate".*?98\.6%', content, re.S)
    assert re.search(r'data-figure="status".*?要注意', content, re.S)
    chart = chart_data(content, "indicator-chart-data")
    series = {trace["meta"]: trace for trace in chart["data"]}
    assert series["quarterly"]["y"] == [90.0, pytest.approx(66.6667, rel=1e-4)]
    assert series["cumulative"]["y"] == [90.0, 69.0]
    assert series["target"]["y"] == [70.0] * 4
    assert "pace" not in series


def test_indicator_page_of_a_benchmark_below_zero_asks_for_judgement(manager_client):
    add_actual("1-2", 4, growth_rate="3.0", benchmark_rate="-0.5")
    content = manager_client.get(reverse("dashboard:indicator", args=[ind("1-2").pk])).content.decode()
    assert re.search(r'data-figure="status".*?判定不能', content, re.S)
    assert "手動判定と注記を入力してください" in content


def test_indicator_page_of_another_department_is_404_for_staff(
    staff_client, other_staff_client, first_half_1_1
):
    url = reverse("dashboard:indicator", args=[ind("1-1").pk])
    assert staff_client.get(url).status_code == 200
    assert other_staff_client.get(url).status_code == 404
    assert staff_client.get(reverse("dashboard:indicator", args=[999999])).status_code == 404


def test_indicator_page_query_count_is_constant(
    manager_client, django_assert_max_num_queries, first_half_1_1
):
    url = reverse("dashboard:indicator", args=[ind("1-1").pk])
    with django_assert_max_num_queries(10):
        manager_client.get(url)
    add_actual("1-1", 3, value="100")
    add_actual("1-1", 4, value="100")
    with django_assert_max_num_queries(10):
        manager_client.get(url)


def test_indicator_page_bad_quarter_is_404(manager_client):
    url = reverse("dashboard:indicator", args=[ind("1-1").pk])
    assert manager_client.get(url, {"q": 7}).status_code == 404
    assert manager_client.get(url, {"q": "x"}).status_code == 404


def test_indicator_detail_links_to_the_progress_page(manager_client):
    pk = ind("1-1").pk
    content = manager_client.get(reverse("indicators:detail", args=[pk])).content.decode()
    assert f'href="{reverse("dashboard:indicator", args=[pk])}"' in content


# --- pillar page ------------------------------------------------------------------------------------------------


def test_pillar_page_lists_its_indicators_with_the_rate_chart(manager_client, first_half_1_1):
    response = manager_client.get(reverse("dashboard:pillar", args=[2024, 1]))
    assert response.status_code == 200
    content = response.content.decode()
    assert [r.indicator.code for r in response.context["overview"].rows] == ["1-1", "1-2", "1-3"]
    chart = chart_data(content, "rate-chart")
    rate = next(t for t in chart["data"] if t["meta"] == "rate")
    assert rate["x"] == ["1-1", "1-2", "1-3"]
    assert rate["y"] == [50.0, None, None]
    assert cells(content, "1-1")[4] == "50.0%"  # no pillar column here
    assert manager_client.get(reverse("dashboard:pillar", args=[2024, 9])).status_code == 404
    assert manager_client.get(reverse("dashboard:pillar", args=[1999, 1])).status_code == 404


# --- access -----------------------------------------------------------------------------------------------------


def test_anonymous_users_are_sent_to_login(client):
    for url in (
        reverse("dashboard:overview"),
        reverse("dashboard:pillar", args=[2024, 1]),
        reverse("dashboard:indicator", args=[1]),
        reverse("dashboard:budget"),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))


def test_staff_see_only_their_departments_indicators(staff_client, auditor_client, first_half_1_1):
    staff_rows = staff_client.get(reverse("dashboard:overview")).context["overview"].rows
    assert [r.indicator.code for r in staff_rows] == ["1-1", "1-2", "1-3"]
    auditor_rows = auditor_client.get(reverse("dashboard:overview")).context["overview"].rows
    assert len(auditor_rows) == Indicator.objects.filter(plan__fiscal_year__year=2024).count() == 28


def test_user_without_a_role_sees_no_indicator(client, db):
    from tests.conftest import make_user

    client.force_login(make_user("norole"))
    response = client.get(reverse("dashboard:overview"))
    assert response.status_code == 200
    assert response.context["overview"].rows == []


def test_final_rating_is_shown_next_to_the_computed_grade(manager_client, manager, first_half_1_1):
    FinalRating.objects.create(
        indicator=ind("1-1"),
        fiscal_year=FiscalYear.objects.get(year=2024),
        grade="A",
        reason="理由",
        set_by=manager,
    )
    content = manager_client.get(reverse("dashboard:overview")).content.decode()
    row = cells(content, "1-1")
    assert row[9] == "B（見込み）"
    assert row[10] == "A"


def test_staff_default_as_of_is_the_years_not_their_departments(staff_client, manager_client):
    add_actual("1-1", 1, value="300")  # the staff's department: Q1 only
    add_actual("2-1", 2, value="5000")  # another department already approved Q2
    assert staff_client.get(reverse("dashboard:overview")).context["overview"].as_of_quarter == 2
    assert manager_client.get(reverse("dashboard:overview")).context["overview"].as_of_quarter == 2
