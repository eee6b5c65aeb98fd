"""Change history as plain rows: one diff for every page and for the workbook's 変更履歴 sheet.

django-simple-history keeps a full snapshot per save. A change is the difference between a snapshot and the
previous snapshot of the same object; `history_rows` computes it once, here, for any history table: each app
describes its table (which fields, how to label the object) with a `HistorySource` and its selector returns
`history_rows(source)`. The history pages and the sheet read those rows, so they cannot disagree.

Reading is streamed: snapshots come as value tuples in chunks, oldest first, and only the latest snapshot of each
object is held, never the whole history (the sheet writes hundreds of thousands of rows in flat memory).
"""

from __future__ import annotations

import datetime as dt
import heapq
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from itertools import groupby
from operator import attrgetter
from types import SimpleNamespace
from typing import NamedTuple

from smrj_plan import formatting

CHUNK = 2000
OPERATION = {"+": "新規", "~": "変更", "-": "削除"}
NO_USER = "（システム）"
# What every historical table carries besides the model's own columns.
_RECORD_COLUMNS = (
    "history_date",
    "history_id",
    "history_type",
    "history_change_reason",
    "id",
    "history_user__username",
    "history_user__last_name",
    "history_user__first_name",
)


class HistoryRow(NamedTuple):
    """One changed field of one saved record (a record that changed no listed field gives one row without one).

    `old` and `new` are what an auditor reads: a choice's label, a date as YYYY-MM-DD, a number as a Decimal (the
    page and the sheet each format numbers their own way, the figures are the same). A tuple, not a dataclass: the
    sheet makes hundreds of thousands of them."""

    when: dt.datetime
    who: str
    kind: str
    target: str
    quarter: int | None
    operation: str
    field: str
    label: str
    old: object
    new: object
    state: str
    reason: str
    object_id: int
    history_id: int
    # (when, table order, history id): the order of rows across tables, shared by the rows of one record.
    sort_key: tuple = ()

    @property
    def order(self) -> int:
        return self.sort_key[1]

    @property
    def old_text(self) -> str:
        return value_text(self.old)

    @property
    def new_text(self) -> str:
        return value_text(self.new)


def value_text(value) -> str:
    """A changed value on a page: （空欄） for nothing, numbers with thousands separators and no trailing zeros."""
    if value is None or value == "":
        return "（空欄）"
    if isinstance(value, Decimal | int) and not isinstance(value, bool):
        return formatting.number(value)
    return str(value)


def person_label(username: str | None, last_name: str = "", first_name: str = "") -> str:
    """「管理 花子（kanri）」: family name first, then the login name; the login name alone when no name is set."""
    if not username:
        return NO_USER
    return formatting.person_name(
        SimpleNamespace(username=username, last_name=last_name or "", first_name=first_name or ""),
        with_username=True,
    )


@dataclass
class HistorySource:
    """One history table as an app describes it.

    `queryset` is the historical model's queryset already narrowed to what the reader may see; `fields` the
    model fields whose changes count (bookkeeping columns such as the version are left out); `extra` the columns
    the labels need; `target`, `quarter` and `state` turn a snapshot (a dict of fields and extras) into the
    object's label, its quarter (None for the year) and its state after the change."""

    kind: str
    model: type
    queryset: object
    fields: Sequence[str]
    target: Callable[[Mapping], str]
    quarter: Callable[[Mapping], int | None] = lambda snapshot: None
    state: Callable[[Mapping], str] = lambda snapshot: ""
    extra: Sequence[str] = ()
    value_labels: Mapping[str, Mapping] = field(default_factory=dict)
    order: int = 0

    def __post_init__(self):
        present = {f.name for f in self.model._meta.fields}
        self.fields = [n for n in self.fields if n in present]
        self.labels = {n: str(self.model._meta.get_field(n).verbose_name) for n in self.fields}
        labels = {}
        for name in self.fields:
            model_field = self.model._meta.get_field(name)
            if model_field.choices:
                labels[name] = {k: str(v) for k, v in model_field.flatchoices}
        labels.update(self.value_labels)
        self.value_labels = labels

    def shown(self, name: str, value):
        """A stored value as the history shows it (see HistoryRow)."""
        if value is None:
            return None
        cls = value.__class__
        if cls is str and not value:
            return None
        labels = self.value_labels.get(name)
        if labels is not None:
            return labels.get(value, str(value))
        if cls is Decimal or cls is int:
            return value
        if isinstance(value, (dt.date, dt.datetime)):
            return f"{value:%Y-%m-%d}"
        return str(value)


def _same(old, new) -> bool:
    """Equal for an auditor: blank and None alike, 1.50 and 1.5 alike."""
    if old == new:
        return True
    if (old is None or old == "") and (new is None or new == ""):
        return True
    if isinstance(old, Decimal) and isinstance(new, Decimal):
        return old.normalize() == new.normalize()
    return False


def field_changes(
    before: Mapping | None, after: Mapping | None, fields: Iterable[str]
) -> list[tuple[str, object, object]]:
    """The diff: (field, old, new) for each listed field that differs between two consecutive snapshots of one
    object. `before` None is a creation (every filled field changes from nothing), `after` None a deletion."""
    empty: Mapping = {}
    before = empty if before is None else before
    after = empty if after is None else after
    changes = []
    for name in fields:
        old = before.get(name)
        new = after.get(name)
        if old != new and not _same(old, new):
            changes.append((name, old, new))
    return changes


def history_rows(source: HistorySource, *, chunk_size: int = CHUNK) -> Iterator[HistoryRow]:
    """Every change recorded in `source`, oldest first: one row per changed field of each record."""
    columns = [*_RECORD_COLUMNS, *source.extra, *source.fields]
    n_fixed = len(_RECORD_COLUMNS)
    names = [*source.extra, *source.fields]
    fields, labels, shown = source.fields, source.labels, source.shown
    kind, order = source.kind, source.order
    records = (
        source.queryset.order_by("history_date", "history_id")
        .values_list(*columns)
        .iterator(chunk_size=chunk_size)
    )
    latest: dict[int, dict] = {}
    people: dict[tuple, str] = {}
    for record in records:
        when, history_id, history_type, reason, object_id, *person = record[:n_fixed]
        snapshot = dict(zip(names, record[n_fixed:], strict=True))
        before = latest.get(object_id)
        if history_type == "-":
            latest.pop(object_id, None)
            changes = field_changes(snapshot, None, fields)
        else:
            latest[object_id] = snapshot
            changes = field_changes(before, snapshot, fields)
        person = tuple(person)
        who = people.get(person)
        if who is None:
            who = people[person] = person_label(*person)
        common = (
            when,
            who,
            kind,
            source.target(snapshot),
            source.quarter(snapshot),
            OPERATION.get(history_type, history_type),
        )
        tail = (source.state(snapshot), reason or "", object_id, history_id, (when, order, history_id))
        if not changes:
            yield HistoryRow(*common, "", "（項目の変更なし）", None, None, *tail)
        for name, old, new in changes:
            yield HistoryRow(*common, name, labels[name], shown(name, old), shown(name, new), *tail)


def history_merge(*streams: Iterable[HistoryRow]) -> Iterator[HistoryRow]:
    """Several tables' rows in one time order (each stream already oldest first); holds one row per stream."""
    return heapq.merge(*streams, key=_sort_key)


_sort_key = attrgetter("sort_key")


@dataclass(frozen=True)
class HistoryEntry:
    """One saved record on a history page: all its rows, shown as the field changes and the state change."""

    rows: list[HistoryRow]
    changes: list[HistoryRow]
    state_change: str

    # What every row of the record shares.
    when = property(lambda self: self.rows[0].when)
    who = property(lambda self: self.rows[0].who)
    kind = property(lambda self: self.rows[0].kind)
    target = property(lambda self: self.rows[0].target)
    quarter = property(lambda self: self.rows[0].quarter)
    operation = property(lambda self: self.rows[0].operation)
    reason = property(lambda self: self.rows[0].reason)
    state = property(lambda self: self.rows[0].state)


@dataclass(frozen=True)
class HistoryPage:
    """The newest `limit` records of a history, newest first, and how many there are in all."""

    entries: list[HistoryEntry]
    total: int

    @property
    def truncated(self) -> bool:
        return self.total > len(self.entries)


def _entry(rows: list[HistoryRow], state_field: str) -> HistoryEntry:
    state_change = ""
    changes = []
    for row in rows:
        if row.field == state_field:
            if row.operation == "新規":
                state_change = f"（新規）→ {row.new}"
            elif row.operation == "削除":
                state_change = f"{row.old} →（削除）"
            else:
                state_change = f"{row.old or '（なし）'} → {row.new}"
        elif row.field:
            changes.append(row)
    return HistoryEntry(rows=rows, changes=changes, state_change=state_change)


def history_page(rows: Iterable[HistoryRow], *, limit: int, state_field: str = "state") -> HistoryPage:
    """Group rows (oldest first) by saved record and keep the newest `limit` records, newest first.

    The rows are still read to the end (an old value needs the snapshot before it), but only `limit` records are
    held, so a page costs bounded memory however long the history."""
    kept: deque[HistoryEntry] = deque(maxlen=limit)
    total = 0
    for _key, group in groupby(rows, key=lambda row: (row.sort_key[1], row.history_id)):
        kept.append(_entry(list(group), state_field))
        total += 1
    return HistoryPage(entries=list(reversed(kept)), total=total)
