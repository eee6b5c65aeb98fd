"""Plotly figures for the dashboard, built from selector output, and the static finder that serves plotly.js.

Each builder takes what a selector returned and gives back a plain figure dict ({"data": [...], "layout": {...}})
that the template writes into a `<script type="application/json">` data island (json_script); static/js/charts.js
hands it to Plotly.newPlot. Views never assemble plot data. Figures are Decimals everywhere else; they become
floats only here, at the JSON boundary, because that is what a chart axis reads.

plotly.js draws a subset of HTML in every text it shows (titles, tick labels, legend names, hover labels):
`<a href>` becomes a clickable link, `<b>` and `<br>` take effect. Names typed in the admin (indicator codes,
units, 勘定 and 業務 names) therefore go through `label()` before they enter a figure, so they are drawn as the
characters typed and never as markup.

plotly.js itself is the copy shipped inside the plotly Python package, served at
`static/vendor/plotly.min.js` by `PlotlyJsFinder` (no CDN, no copy in the repository, works offline).
"""

from __future__ import annotations

import html
from decimal import Decimal
from pathlib import Path

from django.contrib.staticfiles.finders import BaseFinder
from django.core.checks import Error
from django.core.files.storage import FileSystemStorage

from indicators.progress import QUARTERS_PER_YEAR, IndicatorProgress, Kind
from measures.periods import QUARTER_LABELS

PLOTLY_STATIC_PATH = "vendor/plotly.min.js"

COLOR_ACTUAL = "#1d4ed8"
COLOR_UNAPPROVED = "#9ca3af"
COLOR_CUMULATIVE = "#0f2a4a"
COLOR_TARGET = "#b91c1c"
COLOR_PACE = "#15803d"
COLOR_FORECAST = "#b45309"
COLOR_BENCHMARK = "#6b7280"

X_QUARTERS = [QUARTER_LABELS[q] for q in range(1, QUARTERS_PER_YEAR + 1)]


def label(text) -> str:
    """A user-derived string for a figure: < > & escaped, which plotly shows as the characters themselves.
    (Quotes need nothing: plotly only reads markup between < and >.)"""
    return html.escape("" if text is None else str(text), quote=False)


def _num(value: Decimal | None) -> float | None:
    return None if value is None else float(value)


def _layout(title: str, y_title: str, **extra) -> dict:
    layout = {
        "title": {"text": title, "font": {"size": 14}},
        "xaxis": {"type": "category", "categoryorder": "array", "categoryarray": X_QUARTERS},
        "yaxis": {"title": {"text": y_title}, "rangemode": "tozero", "separatethousands": True},
        "legend": {"orientation": "h", "y": -0.18},
        "margin": {"l": 64, "r": 20, "t": 48, "b": 64},
        "height": 380,
        "font": {"family": "Noto Sans CJK JP, sans-serif"},
        "barmode": "group",
    }
    layout.update(extra)
    return layout


def _quarter_x(quarter: int) -> str:
    return QUARTER_LABELS[quarter]


def indicator_progress_chart(
    *, progress: IndicatorProgress, with_unapproved: IndicatorProgress, target: Decimal | None, unit: str
) -> dict | None:
    """The indicator page's chart from `indicator_progress_detail` output; None for a kind with nothing to draw.

    Counts: quarterly actuals (bars; unapproved figures as grey bars apart), the cumulative line, the target and the
    pace line, and the linear forecast dashed from the last cumulative point to 第4四半期.
    Ratios: quarterly and cumulative % against the target line, the forecast dashed.
    Benchmark: the supported firms' growth rate against the survey's and the required 1.2×."""
    kind = progress.kind
    if kind == Kind.MILESTONE:
        return None
    if kind == Kind.BENCHMARK:
        return _benchmark_chart(progress)
    if kind in (Kind.RATIO, Kind.BASELINE):
        return _ratio_chart(progress, with_unapproved, target)
    return _count_chart(progress, with_unapproved, target, unit)


def _unapproved_bars(
    progress: IndicatorProgress, with_unapproved: IndicatorProgress, name: str
) -> list[dict]:
    approved = {p.quarter: p.value for p in progress.quarters}
    pending = [p for p in with_unapproved.quarters if p.quarter not in approved and p.value is not None]
    if not pending:
        return []
    return [
        {
            "type": "bar",
            "name": name,
            "x": [_quarter_x(p.quarter) for p in pending],
            "y": [_num(p.value) for p in pending],
            "marker": {"color": COLOR_UNAPPROVED},
            "meta": "unapproved",
        }
    ]


def _target_line(target: Decimal | None) -> list[dict]:
    if target is None:
        return []
    return [
        {
            "type": "scatter",
            "mode": "lines",
            "name": "年度目標",
            "x": X_QUARTERS,
            "y": [_num(target)] * QUARTERS_PER_YEAR,
            "line": {"color": COLOR_TARGET, "width": 2},
            "meta": "target",
        }
    ]


def _forecast_line(progress: IndicatorProgress, last_point, name: str) -> list[dict]:
    if progress.forecast is None or last_point is None or last_point.cumulative is None:
        return []
    return [
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": name,
            "x": [_quarter_x(last_point.quarter), _quarter_x(QUARTERS_PER_YEAR)],
            "y": [_num(last_point.cumulative), _num(progress.forecast)],
            "line": {"color": COLOR_FORECAST, "dash": "dash", "width": 2},
            "marker": {"symbol": "circle-open"},
            "meta": "forecast",
        }
    ]


def _quarter_series(points, *, bar_name: str, unapproved: list[dict], cumulative_name: str) -> list[dict]:
    """Approved quarterly bars, the unapproved bars beside them, and the cumulative line: shared by both charts."""
    x = [_quarter_x(p.quarter) for p in points]
    return [
        {
            "type": "bar",
            "name": bar_name,
            "x": x,
            "y": [_num(p.value) for p in points],
            "marker": {"color": COLOR_ACTUAL},
            "meta": "quarterly",
        },
        *unapproved,
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": cumulative_name,
            "x": x,
            "y": [_num(p.cumulative) for p in points],
            "line": {"color": COLOR_CUMULATIVE, "width": 3},
            "meta": "cumulative",
        },
    ]


def _count_chart(progress, with_unapproved, target, unit) -> dict:
    points = list(progress.quarters)
    data = [
        *_quarter_series(
            points,
            bar_name="四半期実績（承認済み）",
            unapproved=_unapproved_bars(progress, with_unapproved, "四半期実績（未承認）"),
            cumulative_name="累計",
        ),
        *_target_line(target),
    ]
    if target is not None:
        data.append(
            {
                "type": "scatter",
                "mode": "lines",
                "name": "ペース（目標×経過四半期/4）",
                "x": X_QUARTERS,
                "y": [_num(target * q / QUARTERS_PER_YEAR) for q in range(1, QUARTERS_PER_YEAR + 1)],
                "line": {"color": COLOR_PACE, "dash": "dot", "width": 2},
                "meta": "pace",
            }
        )
    data += _forecast_line(progress, points[-1] if points else None, "年度末見込み（予測）")
    return {"data": data, "layout": _layout("四半期実績と累計", label(unit) or "実績")}


def _ratio_chart(progress, with_unapproved, target) -> dict:
    points = list(progress.quarters)
    data = [
        *_quarter_series(
            points,
            bar_name="四半期の割合（承認済み）",
            unapproved=_unapproved_bars(progress, with_unapproved, "四半期の割合（未承認）"),
            cumulative_name="累計の割合（Σ分子/Σ分母）",
        ),
        *_target_line(target),
    ]
    data += _forecast_line(progress, points[-1] if points else None, "年度末見込み（予測）")
    return {"data": data, "layout": _layout("四半期と累計の割合", "%", yaxis={"title": {"text": "%"}})}


def _benchmark_chart(progress: IndicatorProgress) -> dict:
    x = ["支援先の伸び率", "実態調査の伸び率", "必要な伸び率（×倍率）"]
    y = [_num(progress.actual), _num(progress.benchmark), _num(progress.required)]
    data = [
        {
            "type": "bar",
            "name": "伸び率（%）",
            "x": x,
            "y": y,
            "marker": {"color": [COLOR_ACTUAL, COLOR_BENCHMARK, COLOR_TARGET]},
            "meta": "benchmark",
        }
    ]
    layout = _layout("実態調査との比較（年度）", "%")
    layout["xaxis"] = {"type": "category"}
    layout["yaxis"] = {"title": {"text": "%"}, "zeroline": True}
    return {"data": data, "layout": layout}


def pillar_status_chart(*, pillars) -> dict:
    """Stacked bars: per pillar, how many targets are in each status (from `pillar_summaries`)."""
    from indicators.progress import SUMMARY_STATUSES, Status

    colors = {
        Status.ACHIEVED: "#15803d",
        Status.ON_TRACK: "#4ade80",
        Status.CAUTION: "#f59e0b",
        Status.BEHIND: "#dc2626",
        Status.NO_DATA: "#9ca3af",
        Status.UNDETERMINABLE: "#6b7280",
        Status.PENDING: "#60a5fa",
    }
    names = [label(f"柱{p.section.number}") for p in pillars]
    data = [
        {
            "type": "bar",
            "name": status.label,
            "x": names,
            "y": [p.counts[status] for p in pillars],
            "marker": {"color": colors[status]},
            "meta": str(status),
        }
        for status in SUMMARY_STATUSES
    ]
    layout = _layout("柱別の進捗状況（指標数）", "指標数", barmode="stack", height=320)
    layout["xaxis"] = {"type": "category"}
    return {"data": data, "layout": layout}


def budget_execution_chart(*, segments, account_name: str) -> dict:
    """Cumulative 執行率 by quarter, one line per segment (from `budget_execution_by_segment`)."""
    data = [
        {
            "type": "scatter",
            "mode": "lines+markers",
            "name": label(seg.label),
            "x": X_QUARTERS,
            "y": [_num(r) for r in seg.cumulative_rates],
            "meta": "segment",
        }
        for seg in segments
        if seg.budget
    ]
    layout = _layout(f"{label(account_name)} 累計執行率（承認済み）", "%", height=400)
    return {"data": data, "layout": layout}


# ---------------------------------------------------------------------------------------------------------------
# Serving plotly.js from the plotly package
# ---------------------------------------------------------------------------------------------------------------


def plotly_js_source() -> Path:
    """The plotly.min.js shipped in the installed plotly package."""
    import importlib.util

    spec = importlib.util.find_spec("plotly")
    if spec is None or not spec.submodule_search_locations:
        raise FileNotFoundError("plotly package is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "package_data" / "plotly.min.js"


class PlotlyJsFinder(BaseFinder):
    """Finds `vendor/plotly.min.js` in the plotly package, for runserver, WhiteNoise and collectstatic alike."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        try:
            self.source = plotly_js_source()
        except FileNotFoundError:
            self.source = None

    def check(self, **kwargs):
        if self.source is None or not self.source.is_file():
            return [Error("plotly.min.js was not found in the plotly package.", id="indicators.E001")]
        return []

    def find(self, path, find_all=False, **kwargs):
        found = path == PLOTLY_STATIC_PATH and self.source is not None and self.source.is_file()
        if find_all:
            return [str(self.source)] if found else []
        return str(self.source) if found else None

    def list(self, ignore_patterns):
        if self.source is None or not self.source.is_file():
            return
        storage = FileSystemStorage(location=str(self.source.parent))
        storage.prefix = str(Path(PLOTLY_STATIC_PATH).parent)
        yield self.source.name, storage


def pillar_rate_chart(*, rows) -> dict:
    """A pillar page's bars: each rated indicator's 達成率 and its forecast's (from `indicator_progress_list`)."""
    rated = [r for r in rows if r.progress.is_rated]
    codes = [label(r.indicator.code) for r in rated]
    data = [
        {
            "type": "bar",
            "name": "達成率（承認済み累計）",
            "x": codes,
            "y": [_num(r.progress.achievement_rate) for r in rated],
            "marker": {"color": COLOR_ACTUAL},
            "meta": "rate",
        },
        {
            "type": "bar",
            "name": "年度末見込みの達成率（予測）",
            "x": codes,
            "y": [_num(r.progress.forecast_rate) for r in rated],
            "marker": {"color": COLOR_FORECAST, "pattern": {"shape": "/"}},
            "meta": "forecast",
        },
        {
            "type": "scatter",
            "mode": "lines",
            "name": "100%",
            "x": codes,
            "y": [100.0] * len(codes),
            "line": {"color": COLOR_TARGET, "dash": "dash"},
            "meta": "target",
        },
    ]
    layout = _layout("指標別の達成率", "%", height=340)
    layout["xaxis"] = {"type": "category"}
    return {"data": data, "layout": layout}
