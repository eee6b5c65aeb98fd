"""Change history rows for the API: each historical record of an actual, an executed amount, a final 評定 or a
quarter lock, with the fields it changed (old → new), who, when (Asia/Tokyo), the state and the reason.

The same fields and labels as the workbook's 変更履歴 sheet. The previous value of each field comes from the
database (a LAG window over the object's own records), so a page of the history costs two queries (the count and
the page) however long the history is, and never reads the records before the page."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F, Window
from django.db.models.functions import Lag
from django.utils import timezone

from budgets.models import BudgetExecution
from indicators.models import Actual, FinalRating
from indicators.services import INPUT_FIELDS
from measures.periods import quarter_label
from smrj_plan.models import QuarterLock
from smrj_plan.workflow import EntryState

OPERATION = {"+": "新規", "~": "変更", "-": "削除"}
STATE_LABELS = dict(EntryState.choices)


@dataclass(frozen=True)
class Source:
    kind: str
    label: str
    model: type
    fields: tuple[str, ...]
    related: tuple[str, ...]


SOURCES = {
    "actual": Source(
        "actual",
        "実績",
        Actual,
        (*INPUT_FIELDS, "state", "review_comment"),
        ("history_user", "indicator"),
    ),
    "execution": Source(
        "execution",
        "執行額",
        BudgetExecution,
        ("amount", "note", "state", "review_comment"),
        ("history_user", "row__table__account", "column"),
    ),
    "rating": Source("rating", "評定", FinalRating, ("grade", "reason"), ("history_user", "indicator")),
    "lock": Source("lock", "締め", QuarterLock, ("is_locked", "reason"), ("history_user",)),
}
KIND_CHOICES = [(s.kind, s.label) for s in SOURCES.values()]


def history_queryset(*, kind: str, fiscal_year, quarter: int | None = None, indicator_id: int | None = None):
    """The historical records of one kind for a fiscal year, oldest first, each annotated with the previous
    record's values of the same object (prev_<field>)."""
    source = SOURCES[kind]
    qs = source.model.history.all()
    if kind == "execution":
        qs = qs.filter(row__table__fiscal_year_id=fiscal_year.pk)
    else:
        qs = qs.filter(fiscal_year_id=fiscal_year.pk)
    if quarter is not None and kind != "rating":
        qs = qs.filter(quarter=quarter)
    if indicator_id is not None and kind in ("actual", "rating"):
        qs = qs.filter(indicator_id=indicator_id)
    order = [F("history_date").asc(), F("history_id").asc()]
    previous = {
        f"prev_{name}": Window(Lag(name), partition_by=[F("id")], order_by=order) for name in source.fields
    }
    # The first record of an object has no predecessor: LAG gives NULL, which also reads as "（なし）".
    previous["prev_history_id"] = Window(Lag("history_id"), partition_by=[F("id")], order_by=order)
    return qs.select_related(*source.related).annotate(**previous).order_by("history_date", "history_id")


def _labels(model, names):
    return {n: str(model._meta.get_field(n).verbose_name) for n in names}


def _choices(model, names):
    out = {}
    for n in names:
        field = model._meta.get_field(n)
        if field.choices:
            out[n] = {k: str(v) for k, v in field.flatchoices}
    return out


def _norm(value):
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return value.normalize()
    return value


def _value(name, value, choices):
    """A value as the workbook shows it: choice labels, 締め済み/受付中, numbers as exact decimal text."""
    if value is None or value == "":
        return None
    if name in choices:
        return choices[name].get(value, str(value))
    if isinstance(value, bool):
        return "締め済み" if value else "受付中"
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value)


def person(user) -> str:
    """「山田 太郎（yamada）」: family name first with the login (smrj_plan.formatting); 「（システム）」 for none."""
    from api.adapters import person_name

    return person_name(user)


def _target(kind: str, record) -> tuple[str, str]:
    """(target label, indicator code or '') of a record."""
    if kind in ("actual", "rating"):
        ind = record.indicator
        return (
            (f"{ind.code} {ind.name}", ind.code) if ind is not None else (f"指標#{record.indicator_id}", "")
        )
    if kind == "execution":
        row, column = record.row, record.column
        account = row.table.account.name if row is not None else ""
        label = row.label if row is not None else f"行#{record.row_id}"
        return f"{account} 予算計画 {label}／{column}", ""
    return "四半期の締め", ""


def history_rows(kind: str, records) -> list[dict]:
    """The API rows of a page of `history_queryset` records."""
    source = SOURCES[kind]
    labels = _labels(source.model, source.fields)
    choices = _choices(source.model, source.fields)
    rows = []
    for record in records:
        changes = []
        deleted = record.history_type == "-"
        for name in source.fields:
            current = getattr(record, name)
            old = current if deleted else getattr(record, f"prev_{name}")
            new = None if deleted else current
            if _norm(old) != _norm(new):
                changes.append(
                    {
                        "field": name,
                        "label": labels[name],
                        "old": _value(name, old, choices),
                        "new": _value(name, new, choices),
                    }
                )
        quarter = getattr(record, "quarter", None)
        target, code = _target(kind, record)
        if kind == "actual" or kind == "execution":
            state = STATE_LABELS.get(record.state, "")
        elif kind == "rating":
            state = f"評定 {record.grade}"
        else:
            state = "締め済み" if record.is_locked else "受付中"
        rows.append(
            {
                "id": record.history_id,
                "at": timezone.localtime(record.history_date),
                "user": person(record.history_user),
                "kind": kind,
                "kind_label": source.label,
                "object_id": record.id,
                "target": target,
                "indicator": code,
                "quarter": quarter,
                "quarter_label": quarter_label(quarter) if quarter else "年度",
                "operation": OPERATION.get(record.history_type, record.history_type),
                "state": state,
                "reason": record.history_change_reason or "",
                "changes": changes,
            }
        )
    return rows
