"""The data version: what cached reads are keyed by (docs/domain.md「表示の約束」).

The database writes it: after every migrate, each table of the apps the figures are read from (and the columns of
a person's name in `auth_user`, WATCHED_COLUMNS) gets a trigger that adds a row naming the table to `DataChange`
on INSERT, UPDATE and DELETE (per statement in PostgreSQL, per row in
SQLite). So a
change shows on the next request whoever made it — a service, the admin, a queryset update, `load_plan`,
`restore_data` or SQL typed by hand — and on every application server sharing the database, each with its own
cache. The history tables are left out: they change only with the table they record.

`current()` reads the database's epoch (a random token made after migrate, `DataEpoch`) and, per table, (COUNT,
MIN, MAX) of the change rows the reading transaction can see, in one query. A read that depends on a few tables
only is keyed by theirs (`Version.of`): a new actual does not make the indicators' own columns read again. Rows
are only ever added, and old ones removed from the bottom, so two different sets of committed changes never give
the same version: a cache entry written
under one version never answers for data it did not see, and the epoch keeps a new or restored database (whose
counts start again) apart from the one before. A change committed after the version was read but before the
figures were read makes the entry newer than its key, never older.

On a database without triggers here (neither SQLite nor PostgreSQL), `current()` returns None and callers do
not cache."""

from __future__ import annotations

import secrets
from contextlib import contextmanager
from contextvars import ContextVar

from django.apps import apps
from django.db import DEFAULT_DB_ALIAS, connections

# Apps whose tables hold what pages and the workbook show.
WATCHED_APPS = ("smrj_plan", "measures", "indicators", "budgets", "evaluation")
# Tables of those apps that no page's figures are read from: a reminder's log does not make pages read again.
UNWATCHED = {"smrj_plan_reminderlog"}
TABLE = "smrj_plan_datachange"
EPOCH_TABLE = "smrj_plan_dataepoch"
TRIGGER = "smrj_data_changed"
# Tables of other apps of which pages show a few columns: a person's name (history pages, who changed a figure).
# Only a change of these columns counts: `last_login`, written at every sign-in, is shown nowhere.
WATCHED_COLUMNS = {"auth_user": ("username", "first_name", "last_name")}
# Beyond this many rows, the oldest are removed (keeping KEEP): the count query, run on every page, stays cheap
# (0.1 ms at 2,000 rows on SQLite; 1.5 ms at 20,000). A prune is a new version, once every 1,800 changes.
PRUNE_AT = 2_000
KEEP = 200

# The version a page's request has read, per database: a page (GET or HEAD, which write nothing) reads it once,
# however many of its reads are cached (`request_memo`). None outside such a request: read every time.
_memo: ContextVar[dict | None] = ContextVar("data_version_memo", default=None)


@contextmanager
def request_memo():
    """Within this block, `current()` reads the database once per alias and answers the same afterwards: for a
    request that changes nothing (smrj_plan.middleware.DataVersionMiddleware opens it for GET and HEAD)."""
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


class Version(tuple):
    """(epoch, lowest id kept, ((table, count, min, max), …)): hashable, equal only for the same committed
    changes. The lowest id kept rises with every prune, so a table whose rows a prune removed is never taken
    for the same table before its first change."""

    __slots__ = ()

    def of(self, *tables: str) -> tuple:
        """The part of the version that concerns these tables (a table not changed since the last prune has no
        entry: the same as long as it stays unchanged)."""
        epoch, lowest, counts = self
        wanted = set(tables)
        return (epoch, lowest, tuple(entry for entry in counts if entry[0] in wanted))


def watched_tables() -> list[str]:
    """The tables whose changes change the version: every concrete model of WATCHED_APPS but the history
    tables and DataChange itself."""
    tables = []
    for label in WATCHED_APPS:
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            opts = model._meta
            if opts.proxy or not opts.managed or opts.db_table in (TABLE, EPOCH_TABLE, *UNWATCHED):
                continue
            if opts.model_name.startswith("historical"):
                continue
            tables.append(opts.db_table)
    return sorted(set(tables))


def _columns_watched(existing: set[str]) -> list[tuple[str, str]]:
    """(table, its watched columns as SQL) for the WATCHED_COLUMNS tables this database has."""
    return [(table, ", ".join(columns)) for table, columns in WATCHED_COLUMNS.items() if table in existing]


def install_triggers(using: str = DEFAULT_DB_ALIAS) -> int:
    """Create (or replace) the triggers and the epoch; returns how many tables have a trigger. Idempotent: runs
    after every migrate (and flush), so a table added by a later migration gets its trigger too."""
    connection = connections[using]
    tables = watched_tables()
    existing = set(connection.introspection.table_names())
    tables = [t for t in tables if t in existing]
    if TABLE not in existing or EPOCH_TABLE not in existing:
        return 0
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COUNT(*) FROM {quote(EPOCH_TABLE)}")
        if not cursor.fetchone()[0]:
            cursor.execute(f"INSERT INTO {quote(EPOCH_TABLE)} (token) VALUES (%s)", [secrets.token_hex(16)])
        if connection.vendor == "postgresql":
            cursor.execute(
                f"CREATE OR REPLACE FUNCTION {TRIGGER}() RETURNS trigger LANGUAGE plpgsql AS $$ "
                f"BEGIN INSERT INTO {quote(TABLE)} (table_name) VALUES (TG_TABLE_NAME); RETURN NULL; END $$"
            )
            for table in tables:
                cursor.execute(
                    f"CREATE OR REPLACE TRIGGER {TRIGGER} AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
                    f"ON {quote(table)} FOR EACH STATEMENT EXECUTE FUNCTION {TRIGGER}()"
                )
            for table, columns in _columns_watched(existing):
                cursor.execute(
                    f"CREATE OR REPLACE TRIGGER {TRIGGER} AFTER INSERT OR UPDATE OF {columns} OR DELETE "
                    f"ON {quote(table)} FOR EACH STATEMENT EXECUTE FUNCTION {TRIGGER}()"
                )
        elif connection.vendor == "sqlite":
            events = [(table, event, event) for table in tables for event in ("INSERT", "UPDATE", "DELETE")]
            events += [
                (table, event, f"UPDATE OF {columns}" if event == "UPDATE" else event)
                for table, columns in _columns_watched(existing)
                for event in ("INSERT", "UPDATE", "DELETE")
            ]
            for table, event, clause in events:
                name = quote(f"{TRIGGER}_{table}_{event.lower()}")
                # Replaced, not kept: a trigger made by an older version of this code is made again.
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
                # Table names come from the models (letters, digits, underscores): safe in a literal.
                cursor.execute(
                    f"CREATE TRIGGER {name} AFTER {clause} ON {quote(table)} "
                    f"BEGIN INSERT INTO {quote(TABLE)} (table_name) VALUES ('{table}'); END"
                )
        else:
            return 0
    return len(tables) + len(_columns_watched(existing))


def current(using: str = DEFAULT_DB_ALIAS) -> Version | None:
    """The version of the data this transaction sees; None where nothing may be cached (no epoch yet, or a
    database without the triggers). Read once per page request (`request_memo`)."""
    memo = _memo.get()
    if memo is not None and using in memo:
        return memo[using]
    version = _read(using)
    if memo is not None:
        memo[using] = version
    return version


def _read(using: str) -> Version | None:
    connection = connections[using]
    if connection.vendor not in ("postgresql", "sqlite"):
        return None
    quote = connection.ops.quote_name
    query = (
        f"SELECT (SELECT MIN(token) FROM {quote(EPOCH_TABLE)}), table_name, COUNT(*), MIN(id), MAX(id) "
        f"FROM {quote(TABLE)} GROUP BY table_name ORDER BY table_name"
    )
    epoch_query = f"SELECT MIN(token) FROM {quote(EPOCH_TABLE)}"
    with connection.cursor() as cursor:
        cursor.execute(query)
        rows = cursor.fetchall()
        if sum(row[2] for row in rows) > PRUNE_AT:
            high = max(row[4] for row in rows)
            cursor.execute(f"DELETE FROM {quote(TABLE)} WHERE id <= %s", [high - KEEP])
            cursor.execute(query)
            rows = cursor.fetchall()
        if rows:
            epoch = rows[0][0]
        else:
            cursor.execute(epoch_query)
            epoch = cursor.fetchone()[0]
    if epoch is None:
        return None
    lowest = min((row[3] for row in rows), default=0)
    return Version(
        (epoch, lowest, tuple((name, count, low, high) for _epoch, name, count, low, high in rows))
    )


def fragment_key(*parts) -> tuple:
    """What a cached template fragment varies on (`{% cache … using="progress" %}`): the data version and the
    page's own parts (plan, query string, role…). Without a version the key is new on every call, so nothing
    cached is ever shown."""
    version = current()
    if version is None:
        return ("uncached", secrets.token_hex(16))
    return (version, *parts)


def cached(*parts, compute, seconds: int = 3600):
    """`compute()`'s value for the current data version and these parts, from the object cache (the value is
    shared between requests: read it, never change it). Without a version, computed every time."""
    from django.core.cache import caches

    version = current()
    if version is None:
        return compute()
    cache = caches["progress"]
    key = ("value", version, *parts)
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, seconds)
    return value
