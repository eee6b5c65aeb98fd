"""The dashboard's django-tables2 table; every figure in it is written by `smrj_plan.formatting`.

Rows are `IndicatorProgressRow`s from dashboard_selectors; sorting works on their sort keys, where a missing
figure (未入力) ranks below every figure, and the table renders with no query of its own."""

from html import escape as _esc

import django_tables2 as tables
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe

from indicators.progress import IndicatorProgress, Kind
from smrj_plan import formatting
from smrj_plan.formatting import DASH
from smrj_plan.tables import BaseTable

_PK_PLACEHOLDER = 987654321
PERCENT_KINDS = (Kind.RATIO, Kind.BENCHMARK, Kind.BASELINE)


def format_actual(progress: IndicatorProgress, unit: str) -> str:
    """The cumulative actual as shown: 「500社」, 「75.0%」 (Σ分子/Σ分母), 「未着手」 for a milestone."""
    if progress.kind == Kind.MILESTONE:
        return MILESTONE_LABELS.get(progress.milestone_status, DASH)
    return formatting.figure(progress.actual, unit, is_percent=progress.kind in PERCENT_KINDS)


def format_forecast(progress: IndicatorProgress, unit: str) -> str:
    """年度末見込み as shown: whole units (「1,167社」), a ratio's as a percentage."""
    return formatting.forecast(progress.forecast, unit, is_percent=progress.kind in PERCENT_KINDS)


MILESTONE_LABELS = {"not_started": "未着手", "in_progress": "実施中", "done": "完了"}


class IndicatorProgressTable(BaseTable):
    """Every indicator as of a quarter: target, cumulative (approved; unapproved apart), 達成率, pace, status,
    年度末見込み, 評定の目安 and the final 評定."""

    code = tables.Column(verbose_name="指標", accessor="indicator__order", order_by=("indicator__order",))
    pillar = tables.Column(
        verbose_name="柱", accessor="indicator__section__number", attrs={"td": {"class": "num"}}
    )
    department = tables.Column(verbose_name="担当部署", accessor="indicator__department__name")
    target = tables.Column(verbose_name="目標", accessor="indicator__target_text", orderable=False)
    actual = tables.Column(
        verbose_name="累計実績（承認済み）",
        accessor="progress",
        order_by=("sort_actual",),
        attrs={"td": {"class": "num"}},
    )
    rate = tables.Column(
        verbose_name="達成率",
        accessor="progress__achievement_rate",
        order_by=("sort_rate",),
        attrs={"td": {"class": "num"}},
    )
    pace = tables.Column(
        verbose_name="ペース比（ペース）",
        accessor="progress__pace_rate",
        order_by=("sort_pace_rate",),
        attrs={"td": {"class": "num"}},
    )
    status = tables.Column(verbose_name="状況", accessor="progress__status", order_by=("sort_status",))
    forecast = tables.Column(
        verbose_name="年度末見込み（予測）",
        accessor="progress__forecast",
        order_by=("sort_forecast_rate",),
        attrs={"td": {"class": "num forecast"}},
    )
    grade = tables.Column(verbose_name="評定の目安", accessor="progress__grade", order_by=("sort_grade",))
    final = tables.Column(verbose_name="最終評定", accessor="final_rating", order_by=("sort_final",))

    class Meta(BaseTable.Meta):
        template_name = "dashboard/_progress_table.html"
        attrs = {"class": "data-table dashboard-table"}
        empty_text = "該当する指標はありません。"

    def __init__(self, *args, as_of_quarter: int, **kwargs):
        super().__init__(*args, **kwargs)
        self.as_of_quarter = as_of_quarter
        # One reverse() for the whole table; each row substitutes its pk.
        self._indicator_url = reverse("dashboard:indicator", args=[_PK_PLACEHOLDER])

    @property
    def body_html(self) -> SafeString:
        """Every <tr> of the body as one string: one template variable instead of a loop over 250 rows."""
        return mark_safe("\n".join(self.body_rows))

    @property
    def body_rows(self) -> list[SafeString]:
        """The <tr> of every row, in the table's current order, built in Python.

        django-tables2 renders each cell through its template machinery (about 0.1 ms a cell); with 250 indicators
        × 11 columns that alone would exceed the page's time budget. The header, sorting and column visibility
        stay with django-tables2; the cells come from the same render_* methods, which return escaped HTML."""
        columns = []
        for column in self.columns:
            css = (column.attrs.get("td") or {}).get("class", "")
            columns.append(
                (f'<td class="{_esc(css)}">' if css else "<td>", getattr(self, f"render_{column.name}"))
            )
        # A row's HTML depends on the row, the columns shown and the as-of quarter of the links: rows the selectors
        # cache keep theirs (IndicatorProgressRow.html), so an unchanged row is not formatted again, even on the
        # first request after a change elsewhere.
        layout = (self.as_of_quarter, self._indicator_url, tuple(column.name for column in self.columns))
        rows = []
        for record in self.data.data:
            html = record.html.get(layout)
            if html is None:
                cells = "".join(f"{opening}{render(record=record)}</td>" for opening, render in columns)
                html = record.html[layout] = mark_safe(
                    f'<tr data-code="{_esc(record.indicator.code)}">{cells}</tr>'
                )
            rows.append(html)
        return rows

    def render_code(self, record, **_):
        ind = record.indicator
        url = self._indicator_url.replace(str(_PK_PLACEHOLDER), str(ind.pk))
        extra = ""
        if ind.category == "reference":
            extra = "（参考指標）"
        elif ind.is_effort_target:
            extra = "（努力目標）"
        return mark_safe(
            f'<a href="{url}?q={self.as_of_quarter}"><strong>{_esc(ind.code)}</strong> {_esc(ind.name)}</a>{extra}'
        )

    def render_pillar(self, record, **_):
        section = record.indicator.section
        return section.number if section.chapter.number == 1 else f"{_esc(section.chapter.numeral)}章"

    def render_department(self, record, **_):
        return _esc(record.indicator.department.name)

    def render_target(self, record, **_):
        ind = record.indicator
        return _esc(
            formatting.target_label(
                target=ind.target, unit=ind.unit, comparison=ind.comparison, text=ind.target_text
            )
        )

    def render_actual(self, record, **_):
        unit = record.indicator.unit
        shown = _esc(format_actual(record.progress, unit))
        if record.progress.kind == Kind.RATIO and record.progress.denominator_total:
            shown += f"（{formatting.ratio_pair(record.progress.numerator_total, record.progress.denominator_total)}）"
        if record.has_unapproved:
            shown += (
                '<br><span class="unapproved" title="下書き・提出済みを含む累計">未承認を含む: '
                f"{_esc(format_actual(record.with_unapproved, unit))}</span>"
            )
        return mark_safe(shown)

    def render_rate(self, record, **_):
        return formatting.percent(record.progress.achievement_rate)

    def render_pace(self, record, **_):
        p = record.progress
        if p.pace is None:
            return DASH
        return mark_safe(
            f"{formatting.percent(p.pace_rate)}<br><span class='muted'>（{formatting.number(p.pace)}）</span>"
        )

    def render_status(self, record, **_):
        status = record.progress.status
        return mark_safe(
            f'<span class="badge {status.css_class}" title="{_esc(record.progress.note)}">{status.label}</span>'
        )

    def render_forecast(self, record, **_):
        p = record.progress
        text = _esc(format_forecast(p, record.indicator.unit))
        if p.forecast_rate is None:
            return mark_safe(text)
        return mark_safe(
            f"{text}<br><span class='muted'>（予測 {formatting.percent(p.forecast_rate)}）</span>"
        )

    def render_grade(self, record, **_):
        return record.progress.grade_label or DASH

    def render_final(self, record, **_):
        return record.final_rating.grade if record.final_rating else DASH
