"""変更履歴: every change to actuals, executed amounts, final ratings and quarter locks of the year, oldest first.

The four simple_history tables are read as plain value tuples with `.iterator(chunk_size=…)` and merged by time;
each record is compared with the previous record of the same object, so only one snapshot per object is held,
never the whole history."""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from budgets.models import BudgetColumn, BudgetExecution, BudgetRow
from indicators.models import Actual, FinalRating, Indicator
from indicators.services import INPUT_FIELDS
from measures.periods import quarter_label
from smrj_plan import formatting
from smrj_plan.models import QuarterLock
from smrj_plan.workflow import EntryState
from smrj_plan.xlsx import cells
from smrj_plan.xlsx.context import ExportContext
from smrj_plan.xlsx.streamed import Figure, StreamedRows

CHUNK = 2000
HEADERS = [
    "日時（日本時間）",
    "操作者",
    "区分",
    "対象",
    "四半期",
    "操作",
    "項目",
    "変更前",
    "変更後",
    "状態",
    "理由",
]
WIDTHS = [19, 16, 9, 56, 10, 7, 18, 16, 16, 10, 40]
OPERATION = {"+": "新規", "~": "変更", "-": "削除"}

# Fields whose changes an auditor needs to see, per history table (bookkeeping columns left out).
ACTUAL_FIELDS = [*INPUT_FIELDS, "state", "review_comment"]
EXECUTION_FIELDS = ["amount", "note", "state", "review_comment"]
RATING_FIELDS = ["grade", "reason"]
LOCK_FIELDS = ["is_locked", "reason"]
USER_TEXT_FIELDS = {"evidence", "note", "review_comment", "reason"}


def _existing(model, names: list[str]) -> list[str]:
    present = {f.name for f in model._meta.fields}
    return [n for n in names if n in present]


def _labels(model, names):
    return {n: str(model._meta.get_field(n).verbose_name) for n in names}


def _choice_labels(model, names):
    out = {}
    for n in names:
        field = model._meta.get_field(n)
        if field.choices:
            out[n] = {k: str(v) for k, v in field.flatchoices}
    return out


class _Source:
    """One history table: its queryset, how to label the object, and the fields to compare."""

    def __init__(self, *, kind, model, queryset, fields, target, quarter_of, state_of, order):
        self.kind = kind
        self.model = model
        self.fields = _existing(model, fields)
        self.labels = _labels(model, self.fields)
        self.choices = _choice_labels(model, self.fields)
        self.queryset = queryset
        self.target = target
        self.quarter_of = quarter_of
        self.state_of = state_of
        self.order = order

    def events(self) -> Iterator[tuple]:
        columns = [
            "history_date",
            "history_id",
            "history_type",
            "history_user_id",
            "history_change_reason",
            "id",
        ]
        columns += self._extra_columns()
        columns += self._value_columns()
        rows = (
            self.queryset.order_by("history_date", "history_id")
            .values_list(*columns)
            .iterator(chunk_size=CHUNK)
        )
        previous: dict[int, dict] = {}
        n_fixed = 6 + len(self._extra_columns())
        for row in rows:
            date, hid, htype, user_id, reason, obj_id = row[:6]
            extra = row[6:n_fixed]
            snapshot = dict(zip(self._value_columns(), row[n_fixed:], strict=True))
            before = previous.get(obj_id)
            if htype == "-":
                previous.pop(obj_id, None)
            else:
                previous[obj_id] = snapshot
            changes = []
            for name in self.fields:
                old = before.get(name) if before else None
                new = snapshot.get(name) if htype != "-" else None
                if htype == "-":
                    old = snapshot.get(name)
                if old != new and _norm(old) != _norm(new):
                    changes.append((name, old, new))
            yield (date, self.order, hid), (self, htype, user_id, reason, extra, snapshot, changes)

    def _extra_columns(self):
        return []

    def _value_columns(self):
        return self.fields


class _ActualSource(_Source):
    def _extra_columns(self):
        return ["indicator_id", "quarter"]


class _ExecutionSource(_Source):
    def _extra_columns(self):
        return ["row_id", "column_id", "quarter"]


class _RatingSource(_Source):
    def _extra_columns(self):
        return ["indicator_id"]


class _LockSource(_Source):
    def _extra_columns(self):
        return ["quarter"]


def _norm(value):
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return value.normalize()
    return value


def _sources(ctx: ExportContext) -> list[_Source]:
    fy = ctx.fiscal_year
    indicators = {
        pk: f"{code} {name}"
        for pk, code, name in Indicator.objects.filter(plan=ctx.plan).values_list("id", "code", "name")
    }
    rows = {
        pk: (account, kind, label)
        for pk, account, kind, label in BudgetRow.objects.filter(table__fiscal_year=fy).values_list(
            "id", "table__account__name", "table__kind", "label"
        )
    }
    columns = {c.pk: str(c) for c in BudgetColumn.objects.filter(table__fiscal_year=fy)}
    state_labels = dict(EntryState.choices)

    def actual_target(extra):
        return indicators.get(extra[0], f"指標#{extra[0]}")

    def execution_target(extra):
        account, _kind, label = rows.get(extra[0], ("", "", f"行#{extra[0]}"))
        return f"{account} 予算計画 {label}／{columns.get(extra[1], '')}"

    return [
        _ActualSource(
            kind="実績",
            model=Actual,
            queryset=Actual.history.filter(fiscal_year_id=fy.pk),
            fields=ACTUAL_FIELDS,
            target=actual_target,
            quarter_of=lambda extra: extra[1],
            state_of=lambda snap: state_labels.get(snap.get("state"), ""),
            order=0,
        ),
        _ExecutionSource(
            kind="執行額",
            model=BudgetExecution,
            queryset=BudgetExecution.history.filter(row__table__fiscal_year_id=fy.pk),
            fields=EXECUTION_FIELDS,
            target=execution_target,
            quarter_of=lambda extra: extra[2],
            state_of=lambda snap: state_labels.get(snap.get("state"), ""),
            order=1,
        ),
        _RatingSource(
            kind="評定",
            model=FinalRating,
            queryset=FinalRating.history.filter(fiscal_year_id=fy.pk),
            fields=RATING_FIELDS,
            target=lambda extra: indicators.get(extra[0], f"指標#{extra[0]}"),
            quarter_of=lambda extra: None,
            state_of=lambda snap: f"評定 {snap.get('grade') or ''}".strip(),
            order=2,
        ),
        _LockSource(
            kind="締め",
            model=QuarterLock,
            queryset=QuarterLock.history.filter(fiscal_year_id=fy.pk),
            fields=LOCK_FIELDS,
            target=lambda extra: f"{ctx.fiscal_year.short_label} 四半期の締め",
            quarter_of=lambda extra: extra[0],
            state_of=lambda snap: "締め済み" if snap.get("is_locked") else "受付中",
            order=3,
        ),
    ]


def _user_names() -> dict[int, str]:
    """Every user's name as the workbook writes it (`formatting.person_name`: family name first, with the login)."""
    User = get_user_model()
    return {
        user.pk: formatting.person_name(user, with_username=True)
        for user in User.objects.only("id", User.USERNAME_FIELD, "first_name", "last_name")
    }


def _value(source: _Source, name: str, value):
    """A changed field's value as the sheet shows it: choice labels, 締め済み/受付中, numbers as numbers."""
    if value is None or value == "":
        return None
    if name in source.choices:
        return source.choices[name].get(value, str(value))
    if isinstance(value, bool):
        return "締め済み" if value else "受付中"
    if isinstance(value, Decimal) and source.model is BudgetExecution:
        return Figure(value, formatting.EXECUTED_XLSX)  # 執行額 read to 千円, as on the execution sheet
    if isinstance(value, (Decimal, int)):
        return value  # a number cell with separators (6,000), see StreamedRows
    if hasattr(value, "isoformat"):
        return f"{value:%Y-%m-%d}"
    return str(value)


def write_history(wb, ctx: ExportContext) -> StreamedRows:
    """Create the 変更履歴 sheet (title, header, panes, print setup) and return its rows, streamed into the
    package when the workbook is saved (`streamed.package_save`)."""
    ws = cells.titled_sheet(
        wb,
        "変更履歴",
        widths=WIDTHS,
        freeze="A4",
        title_rows="3:3",
        title=f"変更履歴　{ctx.year_label}（実績・執行額・評定・四半期の締め）",
        note="1件の保存で複数の項目が変わったときは項目ごとに1行。日時は日本時間。",
    )
    ws.print_options.gridLines = True  # list cells carry no borders; print the grid instead
    cells.header_row(ws, HEADERS, WIDTHS)
    return StreamedRows(ws, first_row=4, n_columns=len(HEADERS), rows=history_rows(ctx), filter_header_row=3)


def history_rows(ctx: ExportContext) -> Iterator[list]:
    """The change rows, oldest first: one per changed field of each history record (at least one per record)."""
    users = _user_names()
    merged = heapq.merge(*(s.events() for s in _sources(ctx)), key=lambda event: event[0])
    for (date, _order, _hid), (source, htype, user_id, reason, extra, snapshot, changes) in merged:
        quarter = source.quarter_of(extra)
        fixed = [
            timezone.localtime(date).replace(tzinfo=None),
            users.get(user_id, "") if user_id else "（システム）",
            source.kind,
            source.target(extra),
            quarter_label(quarter) if quarter else "年度",
            OPERATION.get(htype, htype),
        ]
        state = source.state_of(snapshot)
        for name, old, new in changes or [(None, None, None)]:
            yield [
                *fixed,
                source.labels[name] if name else "（項目の変更なし）",
                _value(source, name, old) if name else None,
                _value(source, name, new) if name else None,
                state,
                reason,
            ]
