"""The API's endpoints under /api/v1/. Thin: validate the query, ask `api.adapters` (the selectors and services
the pages use), shape the rows, paginate. Every list answers JSON or CSV (?format=csv)."""

from __future__ import annotations

from django.http import Http404
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.generics import GenericAPIView
from rest_framework.response import Response

from api import adapters, history, serializers, writes
from api.serializers import plain
from budgets.models import BudgetTable
from indicators.models import Actual, Indicator
from measures.periods import QUARTERS, quarter_label, quarter_span
from smrj_plan.workflow import state_label

ERRORS = {
    400: OpenApiResponse(serializers.ErrorSerializer, description="パラメータの誤り"),
    401: OpenApiResponse(serializers.ErrorSerializer, description="認証が必要"),
    403: OpenApiResponse(serializers.ErrorSerializer, description="権限がない"),
    404: OpenApiResponse(serializers.ErrorSerializer, description="見つからない"),
    429: OpenApiResponse(serializers.ErrorSerializer, description="要求が多すぎる（トークンごとの上限）"),
}
FORMAT_PARAMETER = OpenApiParameter(
    "format", str, enum=["json", "csv"], description="csv で CSV（UTF-8、BOM付き）", required=False
)


class ApiListView(GenericAPIView):
    """GET a list: the query validated by `query_serializer`, the rows from `rows()`, one page of them."""

    query_serializer = serializers.YearQuery

    def query(self) -> dict:
        params = {
            k: v for k, v in self.request.query_params.items() if k not in ("page", "page_size", "format")
        }
        checked = self.query_serializer(data=params)
        checked.is_valid(raise_exception=True)
        return checked.validated_data

    def fiscal_year(self, query: dict):
        return adapters.period(year=query.get("year")).fiscal_year

    def rows(self, query: dict):
        raise NotImplementedError

    def shape(self, page) -> list:
        """The page's rows as the serializer reads them (rows() may return model objects to page in SQL)."""
        return page

    def get(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.rows(self.query()))
        return self.get_paginated_response(self.get_serializer(self.shape(page), many=True).data)


def _list_schema(query, serializer, description: str, **extra):
    return extend_schema(
        parameters=[*([query] if query is not None else []), FORMAT_PARAMETER, *extra.pop("parameters", [])],
        responses={
            200: serializer(many=True),
            **{k: v for k, v in ERRORS.items() if k != 404},
            404: ERRORS[404],
        },
        description=description,
        **extra,
    )


# ---------------------------------------------------------------------------------------------------------------
# Years and the plan


class FiscalYearList(ApiListView):
    serializer_class = serializers.FiscalYearSerializer
    query_serializer = serializers.serializers.Serializer

    @_list_schema(None, serializers.FiscalYearSerializer, "計画のある年度（新しい順）")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def rows(self, query):
        rows = []
        years = adapters.fiscal_year_list()
        plans = adapters.plans_by_year(years)
        for fy in years:
            locks = adapters.quarter_locks(fy)
            plan = plans[fy.pk]
            rows.append(
                {
                    "year": fy.year,
                    "label": fy.label,
                    "start": fy.start_date,
                    "end": fy.end_date,
                    "plan_title": f"{plan.organization} {plan.title}",
                    "revisions": [
                        {"kind": r.kind, "label": r.get_kind_display(), "date": r.date}
                        for r in plan.revisions.all()
                    ],
                    "default_as_of": adapters.default_as_of(fy),
                    "quarters": [
                        {
                            "quarter": q,
                            "label": quarter_label(q),
                            "start": quarter_span(fy.year, q).start,
                            "end": quarter_span(fy.year, q).end,
                            "locked": q in locks,
                        }
                        for q in QUARTERS
                    ],
                }
            )
        return rows


class ChapterList(ApiListView):
    serializer_class = serializers.ChapterSerializer

    @_list_schema(serializers.YearQuery, serializers.ChapterSerializer, "計画の章（I〜X）")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def rows(self, query):
        outline = adapters.plan_outline(self.fiscal_year(query))
        return [
            {
                "number": node.chapter.number,
                "numeral": node.chapter.numeral,
                "title": node.chapter.title,
                "intro": node.chapter.intro,
                "measure_count": node.measure_count,
            }
            for node in outline.chapters
        ]


class PillarList(ApiListView):
    serializer_class = serializers.PillarSerializer
    query_serializer = serializers.PlanQuery

    @_list_schema(
        serializers.PlanQuery,
        serializers.PillarSerializer,
        "I章の5つの柱。?chapter=N でほかの章の項目（「1.」…）",
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def rows(self, query):
        outline = adapters.plan_outline(self.fiscal_year(query))
        chapter = query.get("chapter", 1)
        rows = []
        for node in outline.chapters:
            if node.chapter.number != chapter:
                continue
            for sec in node.sections:
                s = sec.section
                if query.get("pillar") is not None and s.number != query["pillar"]:
                    continue
                rows.append(
                    {
                        "chapter": node.chapter.number,
                        "number": s.number,
                        "title": s.title,
                        "label": s.pillar_label
                        if node.chapter.number == 1
                        else f"{node.chapter.numeral}-{s.number}. {s.title}",
                        "is_pillar": node.chapter.number == 1,
                        "intro": s.intro,
                        "measure_count": sec.measure_count,
                    }
                )
        return rows


def _walk_headings(nodes):
    for node in nodes:
        yield node
        yield from _walk_headings(node.children)


class HeadingList(ApiListView):
    serializer_class = serializers.HeadingSerializer
    query_serializer = serializers.PlanQuery

    @_list_schema(serializers.PlanQuery, serializers.HeadingSerializer, "見出し（（１）、①…）")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def rows(self, query):
        outline = adapters.plan_outline(self.fiscal_year(query))
        rows = []
        for chapter in outline.chapters:
            if query.get("chapter") is not None and chapter.chapter.number != query["chapter"]:
                continue
            for sec in chapter.sections:
                if query.get("pillar") is not None and not (
                    chapter.chapter.number == 1 and sec.section.number == query["pillar"]
                ):
                    continue
                for node in _walk_headings(sec.headings):
                    h = node.heading
                    rows.append(
                        {
                            "id": h.pk,
                            "chapter": chapter.chapter.number,
                            "section": sec.section.number,
                            "parent": h.parent_id,
                            "level": h.level,
                            "order": h.order,
                            "label": h.label,
                            "title": h.title,
                        }
                    )
        return rows


class MeasureList(ApiListView):
    serializer_class = serializers.MeasureSerializer
    query_serializer = serializers.MeasureQuery

    @_list_schema(serializers.MeasureQuery, serializers.MeasureSerializer, "施策（「・」の箇条、計画内の順）")
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def rows(self, query):
        outline = adapters.plan_outline(self.fiscal_year(query))
        found = []
        for chapter in outline.chapters:
            if query.get("chapter") is not None and chapter.chapter.number != query["chapter"]:
                continue
            found += [(chapter, None, None, m) for m in chapter.measures]
            for sec in chapter.sections:
                if query.get("pillar") is not None and not (
                    chapter.chapter.number == 1 and sec.section.number == query["pillar"]
                ):
                    continue
                found += [(chapter, sec, None, m) for m in sec.measures]
                for node in _walk_headings(sec.headings):
                    found += [(chapter, sec, node.heading, m) for m in node.measures]
        if query.get("pillar") is not None:
            found = [f for f in found if f[1] is not None]
        if query.get("heading") is not None:
            found = [f for f in found if f[2] is not None and f[2].pk == query["heading"]]
        found.sort(key=lambda f: f[3].order)
        return [
            {
                "id": m.pk,
                "order": m.order,
                "chapter": chapter.chapter.number,
                "section": sec.section.number if sec else None,
                "heading": heading.pk if heading else None,
                "heading_label": f"{heading.label} {heading.title}" if heading else "",
                "text": m.text,
                "is_sub_item": m.is_sub_item,
                "source_line": m.source_line,
            }
            for chapter, sec, heading, m in found
        ]


# ---------------------------------------------------------------------------------------------------------------
# Indicators and actuals


class IndicatorList(ApiListView):
    serializer_class = serializers.IndicatorSerializer
    query_serializer = serializers.IndicatorQuery

    @_list_schema(
        serializers.IndicatorQuery,
        serializers.IndicatorSerializer,
        "指標と、時点（as_of）の累計・達成率・状況・年度末見込み・評定の目安。ダッシュボードと同じ数字。"
        "担当者は自部署の指標だけ、役割の無い利用者には0件。",
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def rows(self, query):
        fiscal_year = self.fiscal_year(query)
        rows, as_of = adapters.indicator_progress_rows(
            user=self.request.user, fiscal_year=fiscal_year, as_of_quarter=query.get("as_of")
        )
        codes = {row.indicator.id: row.indicator.code for row in rows}
        out = []
        for row in rows:
            ind, p = row.indicator, row.progress
            section = ind.section
            if query.get("pillar") is not None and not (
                section.chapter.number == 1 and section.number == query["pillar"]
            ):
                continue
            if query.get("department") and ind.department.code != query["department"]:
                continue
            if query.get("status") and p.status != query["status"]:
                continue
            if query.get("category") and ind.category != query["category"]:
                continue
            if query.get("code") and ind.code != query["code"]:
                continue
            out.append(
                {
                    "id": ind.pk,
                    "code": ind.code,
                    "name": ind.name,
                    "unit": ind.unit,
                    "target": plain(ind.target),
                    "target_text": ind.target_text,
                    "target_label": adapters.target_text(ind),
                    "comparison": ind.comparison,
                    "kind": ind.kind,
                    "category": ind.category,
                    "is_effort_target": ind.is_effort_target,
                    "parent": codes.get(ind.parent_id) if ind.parent_id else None,
                    "chapter": section.chapter.number,
                    "pillar": section.number if section.chapter.number == 1 else None,
                    "department": ind.department.code,
                    "department_name": ind.department.name,
                    "year": fiscal_year.year,
                    "as_of": as_of,
                    "cumulative": _shown(adapters.cumulative_shown(p), p.kind),
                    "cumulative_text": adapters.cumulative_text(p, ind.unit),
                    "numerator_total": plain(p.numerator_total),
                    "denominator_total": plain(p.denominator_total),
                    "milestone_status": p.milestone_status,
                    "achievement_rate": p.achievement_rate,
                    "pace": plain(p.pace),
                    "pace_rate": p.pace_rate,
                    "status": p.status.value,
                    "status_label": p.status_label,
                    "forecast": adapters.forecast_shown(p),
                    "forecast_text": adapters.forecast_text(p, ind.unit),
                    "forecast_rate": p.forecast_rate,
                    "grade": p.grade.value if p.grade else None,
                    "grade_is_forecast": p.grade_is_forecast,
                    "grade_label": p.grade_label,
                    "final_grade": row.final_rating.grade if row.final_rating else None,
                    "benchmark": plain(p.benchmark),
                    "required": plain(p.required),
                    "note": p.note,
                    "unapproved_count": row.unapproved_count,
                    "cumulative_with_unapproved": _shown(
                        adapters.cumulative_shown(row.with_unapproved), row.with_unapproved.kind
                    ),
                }
            )
        return out


def _shown(value, kind):
    """A count without trailing zeros; a percentage keeps its one decimal (75.0)."""
    if value is None:
        return None
    return value if adapters.is_percent_kind(kind) else plain(value)


def actual_row(actual: Actual) -> dict:
    ind = actual.indicator
    return {
        "id": actual.pk,
        "indicator": ind.code,
        "indicator_name": ind.name,
        "department": ind.department.code,
        "year": actual.fiscal_year.year,
        "quarter": actual.quarter,
        "state": actual.state,
        "state_label": state_label(actual.state),
        "version": actual.version,
        "value": plain(actual.value),
        "numerator": plain(actual.numerator),
        "denominator": plain(actual.denominator),
        "growth_rate": plain(actual.growth_rate),
        "benchmark_rate": plain(actual.benchmark_rate),
        "milestone_status": actual.milestone_status,
        "manual_judgement": actual.manual_judgement,
        "as_of": actual.as_of,
        "note": actual.note,
        "evidence": actual.evidence,
        "display": adapters.actual_display(actual),
        "updated_by": adapters.person_name(actual.updated_by) if actual.updated_by_id else "",
        "updated_at": actual.updated_at,
        "submitted_by": adapters.person_name(actual.submitted_by) if actual.submitted_by_id else "",
        "submitted_at": actual.submitted_at,
        "reviewed_by": adapters.person_name(actual.reviewed_by) if actual.reviewed_by_id else "",
        "reviewed_at": actual.reviewed_at,
        "review_comment": actual.review_comment,
    }


class ActualList(ApiListView):
    serializer_class = serializers.ActualSerializer
    query_serializer = serializers.ActualQuery

    @_list_schema(
        serializers.ActualQuery,
        serializers.ActualSerializer,
        "四半期実績と状態（下書き・提出済み・差戻し・承認済み）。担当者は自部署の指標の実績だけ"
        "（他部署の下書きはどこにも出ません）。",
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def rows(self, query):
        qs = adapters.actual_list(user=self.request.user, fiscal_year=self.fiscal_year(query))
        if query.get("quarter") is not None:
            qs = qs.filter(quarter=query["quarter"])
        if query.get("state"):
            qs = qs.filter(state=query["state"])
        if query.get("indicator"):
            qs = qs.filter(indicator__code=query["indicator"])
        if query.get("department"):
            qs = qs.filter(indicator__department__code=query["department"])
        return qs

    def shape(self, page):
        return [actual_row(a) for a in page]

    @extend_schema(
        request=serializers.ActualWriteSerializer,
        parameters=[
            OpenApiParameter(
                "Idempotency-Key",
                str,
                location=OpenApiParameter.HEADER,
                required=True,
                description="要求ごとに一意な文字列（1〜255文字の英数字・記号）。同じキーの再送は最初の結果を返し、何も変更しません",
            )
        ],
        responses={
            200: serializers.ActualWriteResultSerializer,
            201: serializers.ActualWriteResultSerializer,
            **ERRORS,
            409: OpenApiResponse(serializers.ErrorSerializer, description="版の衝突・締め済み・キーの再利用"),
            422: OpenApiResponse(serializers.ErrorSerializer, description="同じキーで別の内容"),
        },
        description="自部署の指標の実績を下書き保存（action=save）または保存して提出（action=submit）。"
        "入力画面と同じ検証・版番号の確認・締め・変更履歴。承認はできません。",
    )
    def post(self, request, *args, **kwargs):
        return writes.actual_write(request)


# ---------------------------------------------------------------------------------------------------------------
# Budgets


def _table_row(request, fiscal_year, kind, kind_label, attachment, account_code, account_name, unit, note):
    from django.urls import reverse

    url = reverse("api:budget_table", kwargs={"kind": kind, "account": account_code})
    return {
        "year": fiscal_year.year,
        "kind": kind,
        "kind_label": kind_label,
        "attachment": attachment,
        "account": account_code,
        "account_name": account_name,
        "unit": unit,
        "note": note,
        "url": request.build_absolute_uri(f"{url}?year={fiscal_year.year}"),
    }


class BudgetTableList(ApiListView):
    serializer_class = serializers.BudgetTableSerializer
    query_serializer = serializers.BudgetQuery

    @_list_schema(
        serializers.BudgetQuery,
        serializers.BudgetTableSerializer,
        "予算表（予算計画・収支計画・資金計画 × 勘定）",
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def rows(self, query):
        fiscal_year = self.fiscal_year(query)
        return [
            _table_row(
                self.request,
                fiscal_year,
                t.kind,
                t.get_kind_display(),
                t.attachment,
                t.account.code,
                t.account.name,
                t.unit,
                t.note,
            )
            for t in adapters.budget_table_list(fiscal_year)
            if (not query.get("kind") or t.kind == query["kind"])
            and (not query.get("account") or t.account.code == query["account"])
        ]


class BudgetTableDetail(GenericAPIView):
    serializer_class = serializers.BudgetGridSerializer
    pagination_class = None

    @extend_schema(
        parameters=[serializers.YearQuery, FORMAT_PARAMETER],
        responses={200: serializers.BudgetGridSerializer, **ERRORS},
        description="予算表1つを公表の配置のまま：列見出し（結合つき）、列（業務・経理）、行の階層、セル（百万円）。",
    )
    def get(self, request, kind: str, account: str):
        params = {k: v for k, v in request.query_params.items() if k == "year"}
        checked = serializers.YearQuery(data=params)
        checked.is_valid(raise_exception=True)
        year = checked.validated_data.get("year")
        fiscal_year = adapters.period(year=year).fiscal_year
        if kind not in BudgetTable.Kind.values:
            raise Http404("予算表の種類が見つかりません。")
        try:
            grid = adapters.budget_grid_get(fiscal_year, kind, account)
        except BudgetTable.DoesNotExist:
            raise Http404("予算表が見つかりません。") from None
        data = _table_row(
            request,
            fiscal_year,
            grid.kind,
            grid.kind_label,
            grid.attachment,
            grid.account_code,
            grid.account_name,
            grid.unit,
            grid.note,
        )
        data["header"] = [[vars(h) for h in header_row] for header_row in grid.header_rows]
        data["columns"] = [
            {"order": c.order, "segment": c.segment, "ledger": c.ledger, "role": c.role, "label": c.label}
            for c in grid.columns
        ]
        data["rows"] = [
            {
                "order": r.order,
                "label": r.label,
                "level": r.level,
                "role": r.role,
                "parent": r.parent_order,
                "parts": [list(p) for p in r.parts],
                "cells": [
                    {"column": c.column_order, "amount": c.amount, "text": adapters.million_text(c.amount)}
                    for c in r.cells
                    if c.present
                ],
            }
            for r in grid.rows
        ]
        return Response(self.get_serializer(data).data)


class BudgetCellList(ApiListView):
    serializer_class = serializers.BudgetCellSerializer
    query_serializer = serializers.BudgetQuery

    @_list_schema(
        serializers.BudgetQuery,
        serializers.BudgetCellSerializer,
        "予算表の全セルを1行ずつ（百万円、行・列の階層つき）。公表の「-」は amount=null、空欄のセルは含みません。",
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def rows(self, query):
        fiscal_year = self.fiscal_year(query)
        rows = []
        for grid in adapters.budget_grid_list(fiscal_year):
            if query.get("kind") and grid.kind != query["kind"]:
                continue
            if query.get("account") and grid.account_code != query["account"]:
                continue
            labels = {r.order: r.label for r in grid.rows}
            columns = {c.order: c for c in grid.columns}
            for r in grid.rows:
                for c in r.cells:
                    if not c.present:
                        continue
                    col = columns[c.column_order]
                    rows.append(
                        {
                            "year": fiscal_year.year,
                            "kind": grid.kind,
                            "kind_label": grid.kind_label,
                            "account": grid.account_code,
                            "account_name": grid.account_name,
                            "row_order": r.order,
                            "row_label": r.label,
                            "row_level": r.level,
                            "row_role": r.role,
                            "row_parent": labels.get(r.parent_order, "")
                            if r.parent_order is not None
                            else "",
                            "column_order": col.order,
                            "segment": col.segment,
                            "ledger": col.ledger,
                            "column_role": col.role,
                            "column_label": col.label,
                            "amount": c.amount,
                            "text": adapters.million_text(c.amount),
                        }
                    )
        return rows


class ReconciliationList(ApiListView):
    serializer_class = serializers.ReconciliationSerializer
    query_serializer = serializers.ReconciliationQuery

    @_list_schema(
        serializers.ReconciliationQuery,
        serializers.ReconciliationSerializer,
        "公表の合計が内訳の和と一致しない箇所（±2百万円以内は端数差異、超えれば不一致）。",
    )
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)

    def rows(self, query):
        items = adapters.budget_reconciliation_list(
            self.fiscal_year(query), query.get("kind"), query.get("account")
        )
        return [
            {
                "kind": i.kind,
                "kind_label": i.kind_label,
                "account": i.account_code,
                "account_name": i.account_name,
                "row_order": i.row_order,
                "row_label": i.row_label,
                "column_order": i.column_order,
                "column_label": i.column_label,
                "check": i.check,
                "check_label": i.check_label,
                "published": i.published,
                "computed": i.computed,
                "difference": i.difference,
                "severity": i.severity,
                "severity_label": i.severity_label,
            }
            for i in items
            if not query.get("severity") or i.severity == query["severity"]
        ]


class ExecutionList(ApiListView):
    serializer_class = serializers.ExecutionLineSerializer
    query_serializer = serializers.ExecutionQuery

    @_list_schema(
        serializers.ExecutionQuery,
        serializers.ExecutionLineSerializer,
        "予算計画の項目×列ごとの予算額・四半期の執行額と状態・累計（承認済み）・差額・執行率。"
        "担当者は自部署が入力する列だけ。役割の無い利用者は403。",
    )
    def get(self, request, *args, **kwargs):
        adapters.require_execution_reader(request.user)
        return super().get(request, *args, **kwargs)

    def rows(self, query):
        fiscal_year = self.fiscal_year(query)
        department_id = adapters.execution_department_filter(self.request.user)
        tables = [
            t
            for t in adapters.budget_table_list(fiscal_year)
            if t.kind == BudgetTable.Kind.BUDGET
            and (not query.get("account") or t.account.code == query["account"])
        ]
        if query.get("account") and not tables:
            raise Http404("勘定が見つかりません。")
        departments = _department_codes()
        rows = []
        for table in tables:
            summary = adapters.budget_execution_summary(fiscal_year, table.account.code, department_id)
            section_of = {id(line): label for label, lines in summary.sections for line in lines}
            for line in summary.lines:
                quarters = {}
                for q in QUARTERS:
                    entry = line.entries.get(q)
                    quarters[f"q{q}"] = {
                        "amount": entry.amount if entry else None,
                        "state": entry.state if entry else "",
                    }
                rows.append(
                    {
                        "year": fiscal_year.year,
                        "account": summary.account_code,
                        "account_name": summary.account_name,
                        "section": section_of.get(id(line), ""),
                        "row_label": line.row_label,
                        "row_level": line.row_level,
                        "column_label": line.column_label,
                        "department": departments.get(line.department_id, ""),
                        "budget": line.budget,
                        **quarters,
                        "executed": line.executed,
                        "difference": line.difference,
                        "rate": line.rate,
                        "pending": line.pending_total,
                    }
                )
        return rows


def _department_codes() -> dict[int, str]:
    from measures.models import Department

    return dict(Department.objects.values_list("pk", "code"))


# ---------------------------------------------------------------------------------------------------------------
# Change history


class HistoryList(ApiListView):
    serializer_class = serializers.HistorySerializer
    query_serializer = serializers.HistoryQuery

    @_list_schema(
        serializers.HistoryQuery,
        serializers.HistorySerializer,
        "変更履歴（古い順）：実績・執行額・評定・四半期の締めの各変更と、項目ごとの変更前→変更後、操作者、理由。"
        "管理者・監査担当だけ。CSV は変更された項目ごとに1行。",
    )
    def get(self, request, *args, **kwargs):
        adapters.require_history_reader(request.user)
        query = self.query()
        fiscal_year = self.fiscal_year(query)
        indicators = None
        if query.get("indicator"):
            indicators = Indicator.objects.filter(plan__fiscal_year=fiscal_year, code=query["indicator"])
            if not indicators.exists():
                raise Http404("指標が見つかりません。")
        page_size = self.paginator.get_page_size(request)
        number = _page_number(request)
        records, total = history.history_records(
            history.history_stream(
                fiscal_year=fiscal_year,
                kind=query.get("kind"),
                quarter=query.get("quarter"),
                indicators=indicators,
            ),
            offset=(number - 1) * page_size,
            limit=page_size,
        )
        page = self.paginate_queryset(_KnownPage(total, (number - 1) * page_size, records))
        return self.get_paginated_response(
            self.get_serializer([history.record_row(r) for r in page], many=True).data
        )

    def get_paginated_response(self, data):
        if (
            getattr(self.request, "accepted_renderer", None) is not None
            and self.request.accepted_renderer.format == "csv"
        ):
            data = _one_line_per_change(data)
        return super().get_paginated_response(data)


def _page_number(request) -> int:
    """?page=N read by the pages' bounded parser; a page that cannot exist is a 404 as on every list."""
    from django.core.exceptions import ValidationError as DjangoValidationError

    try:
        number = adapters.parse_int(request.query_params.get("page") or "1", min_value=1, max_value=10**9)
    except DjangoValidationError:
        raise Http404("ページが見つかりません。") from None
    return number or 1


class _KnownPage:
    """A list whose length is known and of which only one page was read: what the paginator slices."""

    def __init__(self, total: int, offset: int, items: list):
        self.total, self.offset, self.items = total, offset, items

    def __len__(self):
        return self.total

    def count(self):
        return self.total

    def __getitem__(self, key):
        if isinstance(key, slice) and (key.start or 0) == self.offset:
            return self.items
        raise IndexError("only the page that was read is available")


def _one_line_per_change(rows) -> list[dict]:
    """The workbook's layout for CSV: one line per changed field (at least one per record)."""
    out = []
    for row in rows:
        base = {k: v for k, v in row.items() if k != "changes"}
        for change in row["changes"] or [
            {"field": "", "label": "（項目の変更なし）", "old": None, "new": None}
        ]:
            out.append({**base, **{f"change_{k}": v for k, v in change.items()}})
    return out


__all__ = ["status"]
