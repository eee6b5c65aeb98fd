"""Chart builders (selector output → plotly figure dict) and plotly.js served offline from the plotly package."""

import json
from decimal import Decimal as D

from django.contrib.staticfiles import finders
from django.urls import reverse

from dashboard import charts
from indicators.progress import IndicatorSpec, QuarterFigure, progress_compute


def _progress(spec, figures, as_of, drafts=False):
    return progress_compute(spec=spec, figures=figures, as_of_quarter=as_of, include_unapproved=drafts)


def series(figure) -> dict:
    return {trace["meta"]: trace for trace in figure["data"]}


def test_count_chart_has_bars_cumulative_target_pace_and_a_dashed_forecast():
    spec = IndicatorSpec(kind="count", target=D("1000"))
    figs = [QuarterFigure(quarter=1, value=D("300")), QuarterFigure(quarter=2, value=D("200"))]
    fig = charts.indicator_progress_chart(
        progress=_progress(spec, figs, 2),
        with_unapproved=_progress(spec, figs, 2, True),
        target=spec.target,
        unit="社",
    )
    s = series(fig)
    assert s["quarterly"]["type"] == "bar"
    assert s["quarterly"]["x"] == ["第1四半期", "第2四半期"]
    assert s["quarterly"]["y"] == [300.0, 200.0]
    assert s["cumulative"]["y"] == [300.0, 500.0]
    assert s["target"]["y"] == [1000.0, 1000.0, 1000.0, 1000.0]
    assert s["pace"]["y"] == [250.0, 500.0, 750.0, 1000.0]
    assert s["forecast"]["line"]["dash"] == "dash"
    assert s["forecast"]["y"] == [500.0, 1000.0]
    assert "予測" in s["forecast"]["name"]
    assert fig["layout"]["yaxis"]["title"]["text"] == "社"
    json.dumps(fig)  # plain JSON, no Decimal left


def test_count_chart_draws_unapproved_quarters_apart():
    spec = IndicatorSpec(kind="count", target=D("100"))
    figs = [
        QuarterFigure(quarter=1, value=D("30")),
        QuarterFigure(quarter=2, state="submitted", value=D("20")),
    ]
    fig = charts.indicator_progress_chart(
        progress=_progress(spec, figs, 2),
        with_unapproved=_progress(spec, figs, 2, True),
        target=spec.target,
        unit="件",
    )
    s = series(fig)
    assert s["quarterly"]["y"] == [30.0]
    assert s["unapproved"]["x"] == ["第2四半期"] and s["unapproved"]["y"] == [20.0]
    assert s["cumulative"]["y"] == [30.0]


def test_year_end_count_chart_has_no_forecast():
    spec = IndicatorSpec(kind="count", target=D("100"))
    figs = [QuarterFigure(quarter=q, value=D("30")) for q in (1, 2, 3, 4)]
    p = _progress(spec, figs, 4)
    assert "forecast" not in series(
        charts.indicator_progress_chart(progress=p, with_unapproved=p, target=D("100"), unit="")
    )


def test_ratio_chart_shows_quarterly_and_cumulative_percent_against_the_target():
    spec = IndicatorSpec(kind="ratio", target=D("70"))
    figs = [
        QuarterFigure(quarter=1, numerator=D("9"), denominator=D("10")),
        QuarterFigure(quarter=2, numerator=D("60"), denominator=D("90")),
    ]
    p = _progress(spec, figs, 2)
    s = series(charts.indicator_progress_chart(progress=p, with_unapproved=p, target=spec.target, unit="%"))
    assert s["quarterly"]["y"][0] == 90.0
    assert round(s["quarterly"]["y"][1], 2) == 66.67
    assert s["cumulative"]["y"] == [90.0, 69.0]
    assert s["target"]["y"] == [70.0] * 4
    assert s["forecast"]["y"] == [69.0, 69.0]
    assert "pace" not in s


def test_benchmark_chart_compares_with_the_survey_and_the_required_rate():
    spec = IndicatorSpec(kind="benchmark", benchmark_multiplier=D("1.2"), frequency="annual")
    p = _progress(spec, [QuarterFigure(quarter=4, growth_rate=D("6.0"), benchmark_rate=D("2.5"))], 4)
    s = series(charts.indicator_progress_chart(progress=p, with_unapproved=p, target=None, unit="%"))
    assert s["benchmark"]["y"] == [6.0, 2.5, 3.0]


def test_milestone_has_no_chart():
    spec = IndicatorSpec(kind="milestone", comparison="none")
    p = _progress(spec, [QuarterFigure(quarter=1, milestone_status="done")], 1)
    assert charts.indicator_progress_chart(progress=p, with_unapproved=p, target=None, unit="") is None


def test_plotly_js_is_found_in_the_plotly_package():
    path = finders.find(charts.PLOTLY_STATIC_PATH)
    assert path is not None
    assert path.endswith("plotly/package_data/plotly.min.js")
    listed = [(p, getattr(s, "prefix", "")) for p, s in charts.PlotlyJsFinder().list(None)]
    assert listed == [("plotly.min.js", "vendor")]
    assert charts.PlotlyJsFinder().check() == []


def test_plotly_js_and_charts_js_are_served_by_the_app(client):
    response = client.get("/static/" + charts.PLOTLY_STATIC_PATH)
    assert response.status_code == 200
    body = b"".join(response.streaming_content) if response.streaming else response.content
    assert b"plotly" in body[:2000].lower()
    assert len(body) > 1_000_000
    charts_js = client.get("/static/js/charts.js")
    assert charts_js.status_code == 200
    text = (b"".join(charts_js.streaming_content) if charts_js.streaming else charts_js.content).decode()
    assert "Plotly.newPlot" in text


def test_dashboard_pages_keep_scripts_out_of_the_html(manager_client):
    content = manager_client.get(reverse("dashboard:overview")).content.decode()
    assert 'id="pillar-chart" type="application/json"' in content
    import re

    for tag in re.findall(r"<script(?![^>]*application/json)[^>]*>", content):
        assert "src=" in tag  # no inline executable script under script-src 'self'
