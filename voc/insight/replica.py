"""Server mode's analytics copy: the tables the charts read, copied from PostgreSQL into a DuckDB file of
this process, so the chart SQL runs unchanged in DuckDB (issue #13: analytics keep their speed).

The copy is loaded whole on first use with `COPY ... TO STDOUT` (CSV, read by DuckDB's CSV reader), then
kept up to date incrementally: triggers (migration 023) log which rows each transaction touched in
`replica_changes`, and a refresh re-reads only the rows logged by transactions it has not seen yet, in one
REPEATABLE READ snapshot. "Not seen" is exact: every transaction not visible to the previous refresh has an
xid at or after that refresh's snapshot xmin (the oldest transaction then still running), so those log rows
are re-read (some twice, harmlessly). Deletes are rows re-read and no longer found.

The copy is a DuckDB file that outlives the process (voc.insight.replica_file: one per process and host,
with its identity and watermark), so a restarted process catches up from the change log; a file of
another database, another migration level or layout, unreadable, or older than the log is loaded whole.

A page's read starts a refresh on a background thread when the copy is older than `refresh_every_s`
(15 s) and reads the current copy meanwhile: the data shown is at most that old plus one refresh, within
the 60 s the issue allows (a read waits when the copy is older than that), and `as_of` says up to when
("Số liệu đến 14:05"). Work lists read with `exact=True`: the copy is first brought up to PostgreSQL's
current data version. `version` is the data version PostgreSQL had at that refresh
(voc.insight.analytics.data_version): the key of the chart caches, which therefore change exactly when
the copy does. The derived tables (case_state_hours) are computed inside the copy by the same code as on
the DuckDB file.
"""
from __future__ import annotations

import atexit
import hashlib
import shutil
import tempfile
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Iterator

import duckdb

from voc.insight import replica_file
from voc.store.transactions import in_transaction, locked_cursor

# The copied tables and each one's unit of change (the column whose rows are re-read together, as the
# triggers of migrations 023, 024 and 026 log them); None: the whole table (small ones).
TABLES: dict[str, str | None] = {
    "cases": "id", "case_rounds": "case_id", "case_themes": "case_id", "events": "id", "letters": "id",
    "reply_checks": "letter_id", "reply_reviews": "id", "followups": "case_id", "root_causes": "case_id",
    "themes": None, "case_risk": "case_id", "users": None,
}
# What the analytics never read is left out of the copy, so that it loads faster: columns copied as NULL
# (the letters' texts, the events' notes and earlier values) or reduced (of an event's new values only the
# status, voc.insight.process_metrics), and rows not copied (the events of other things than a case's status).
REDUCED: dict[str, dict[str, str]] = {
    "events": {"before": "NULL", "note": "NULL", "after": "json_build_object('status', after ->> 'status')"},
    "letters": {"subject": "NULL", "body": "NULL"},
    # the sign-in columns change unlogged (migrations/pg/026), and the password hash stays on the server
    "users": dict.fromkeys(("password_hash", "failed_attempts", "locked_until", "password_changed_at"), "NULL"),
}
ROW_FILTERS: dict[str, str] = {"events": "entity = 'case' AND after ->> 'status' IS NOT NULL"}
DERIVED = ("case_state_hours", "analytics_watermarks")   # computed in the copy (voc.insight.process_metrics)
REFRESH_EVERY_S = 15.0
MAX_STALE_S = 60.0          # a read waits for a running refresh rather than show older data than this
WHOLE_TABLE_SHARE = 0.2     # more changed keys than this share of a table (and than 1 000): copy it whole
WHOLE_TABLE_MIN_KEYS = 1_000
LOG_KEEP = timedelta(days=1)        # change-log rows kept; a copy last refreshed before that reloads whole
CLEANUP_EVERY_S = 3600.0
_CSV_OPTIONS = "header=false, nullstr='\\N', allow_quoted_nulls=false, quote='\"', escape='\"', delim=','"


@dataclass(frozen=True)
class Refresh:
    """What one refresh did: whether it copied everything, the rows copied, and how long it took."""

    full: bool
    rows: int
    seconds: float
    as_of: datetime
    stages: dict[str, float]    # seconds: reading PostgreSQL, writing the copy, the derived tables


class Replica:
    """The process's DuckDB copy of the analytics tables of one PostgreSQL database (see the module)."""

    def __init__(self, url: str, key: str, *, refresh_every_s: float = REFRESH_EVERY_S,
                 directory: Path | None = None) -> None:
        """`directory`: where the copy stays between restarts (voc.insight.replica_file); None: a temporary
        file, loaded whole on first use."""
        self.url, self.key = url, key
        self.refresh_every_s = refresh_every_s
        self._dir = Path(tempfile.mkdtemp(prefix="voc-replica-"))          # the CSV files of a refresh
        self._file = replica_file.CopyFile(directory, key, stale_after=LOG_KEEP)
        self._columns, derived = _schema()
        self._layout = _layout(self._columns, derived)
        self._duck, self._saved = self._file.connect(self._layout)
        if self._saved is None:
            _create_schema(self._duck, self._columns, derived)
        self._identity: str | None = None       # of the PostgreSQL database (read on each new connection)
        self._cursor_lock = threading.Lock()
        self._refresh_lock = threading.Lock()
        self._pg = None
        self._watermark: int | None = None      # snapshot xmin of the last refresh
        self._checked = 0.0                     # time.monotonic() of the last refresh
        self._cleaned = 0.0
        self.as_of: datetime | None = None      # the server's time of the last refresh's snapshot (UTC)
        self.version: tuple | None = None       # PostgreSQL's data version in that snapshot
        self.last: Refresh | None = None
        self.closed = False

    # -- reading ---------------------------------------------------------------------------------------
    @contextmanager
    def cursor(self, *, exact: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
        """A DuckDB cursor on the copy, refreshed first when due; `exact`: refreshed whenever PostgreSQL's
        data version differs from the copy's (work lists, which must show what was just written)."""
        if exact:
            self.ensure_current()
        else:
            self.ensure_fresh()
        with locked_cursor(self._duck, self._cursor_lock) as cur:
            yield cur

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        """For the derived tables only (process_metrics.prepare; each refresh already updates them): the
        copied tables come from PostgreSQL. Never at the same time as a refresh."""
        self.ensure_fresh()
        with self._refresh_lock, locked_cursor(self._duck, self._cursor_lock) as cur, in_transaction(cur):
            yield cur

    def ensure_fresh(self) -> None:
        """When the copy is older than `refresh_every_s`, refresh it on a background thread and read the
        current copy meanwhile; wait only for the first load, or when the copy is older than MAX_STALE_S."""
        age = time.monotonic() - self._checked
        if self.as_of is not None and age < self.refresh_every_s:
            return
        if self.as_of is not None and age < MAX_STALE_S:
            if self._refresh_lock.acquire(blocking=False):
                threading.Thread(target=self._refresh_in_background, name="voc-analytics-refresh",
                                 daemon=True).start()
            return
        self.refresh()

    def preload(self) -> None:
        """The first load, unless done or the copy closed meanwhile (start_loading's thread)."""
        with self._refresh_lock:
            if not self.closed and self.as_of is None:
                self._refresh_locked()

    def _refresh_in_background(self) -> None:
        try:
            self._refresh_locked()
        finally:
            self._refresh_lock.release()

    def ensure_current(self) -> None:
        """Refresh unless PostgreSQL's data version is still the copy's (one small query)."""
        from voc.insight import analytics

        if self.as_of is not None:
            with self._refresh_lock:
                pg = self._connection()
                try:
                    with pg.cursor() as cur:
                        current = analytics.pg_data_version(cur)
                finally:
                    pg.rollback()
                if current == self.version:
                    self._checked = time.monotonic()
                    return
        self.refresh()

    # -- refreshing ------------------------------------------------------------------------------------
    def refresh(self) -> Refresh:
        """Bring the copy up to date with PostgreSQL now."""
        with self._refresh_lock:
            return self._refresh_locked()

    def _refresh_locked(self) -> Refresh:
        from voc.insight import analytics, process_metrics

        started = time.perf_counter()
        pg = self._connection()
        files: dict[str, tuple[Path, list[int] | None]] = {}
        try:
            with pg.cursor() as cur:
                xmin, now = cur.execute("SELECT pg_snapshot_xmin(pg_current_snapshot())::text, "
                                        "now() AT TIME ZONE 'UTC'").fetchone()
                version = analytics.pg_data_version(cur)
                migrations = cur.execute(replica_file.MIGRATIONS_SQL).fetchone()[0]
                if self._saved is not None:
                    self._adopt(cur, self._saved, migrations)
                full = self._watermark is None or now - self.as_of.replace(tzinfo=None) > LOG_KEEP - timedelta(hours=1)
                plan = dict.fromkeys(TABLES) if full else self._changed(cur)
                for table, keys in plan.items():
                    if keys is not None and len(keys) > max(WHOLE_TABLE_SHARE * self._count(table),
                                                            WHOLE_TABLE_MIN_KEYS):
                        keys = None
                    files[table] = (self._dump(cur, table, keys), keys)
        finally:
            pg.rollback()
        read_s, rows = time.perf_counter() - started, 0
        try:
            with locked_cursor(self._duck, self._cursor_lock) as cur, in_transaction(cur):
                state_cases: set[str] | None = set()        # the cases whose state hours change (None: all)
                for table, (path, keys) in files.items():
                    if table == "events" and keys is not None and state_cases is not None:
                        state_cases |= _event_cases(cur, keys)          # before: of the rows replaced or gone
                    elif table == "events":
                        state_cases = None
                    rows += self._apply(cur, table, path, keys)
                    if table == "events" and state_cases is not None:
                        state_cases |= _event_cases(cur, keys)
                if full or state_cases is None:
                    cur.execute("DELETE FROM analytics_watermarks WHERE name = 'state_hours'")
                write_s = time.perf_counter() - started - read_s
                if files:
                    process_metrics.refresh_state_hours(cur, None if state_cases is None else sorted(state_cases))
                replica_file.save(cur, self._layout, self._identity, migrations, int(xmin), version, now)
        finally:
            for path, _ in files.values():
                path.unlink(missing_ok=True)
        self._watermark, self.version = int(xmin), version
        self.as_of = now.replace(tzinfo=timezone.utc)
        self._checked = time.monotonic()
        seconds = time.perf_counter() - started
        self.last = Refresh(full, rows, seconds, self.as_of,
                            {"read": read_s, "write": write_s, "derived": seconds - read_s - write_s})
        self._cleanup()
        return self.last

    def _adopt(self, cur, saved: replica_file.Saved, migrations: str) -> None:
        """Continue from the file's last refresh when it is a copy of this database at these migrations
        whose watermark the change log still covers (the age check of the caller) and that the server has
        reached (a database restored to an earlier point has not); else everything is loaded again."""
        self._saved = None
        reached = int(cur.execute("SELECT pg_snapshot_xmax(pg_current_snapshot())::text").fetchone()[0])
        if (saved.identity, saved.migrations) == (self._identity, migrations) and saved.watermark <= reached:
            self._watermark, self.version = saved.watermark, saved.version
            self.as_of = saved.as_of.replace(tzinfo=timezone.utc)

    def _changed(self, cur) -> dict[str, list[int] | None]:
        plan: dict[str, set[int] | None] = {}
        for table, key in cur.execute(
                "SELECT DISTINCT table_name, row_key FROM replica_changes WHERE xid >= %s::text::xid8",
                [str(self._watermark)]).fetchall():
            if table not in TABLES:
                continue
            if key is None or TABLES[table] is None:
                plan[table] = None
            elif plan.get(table, set()) is not None:
                plan.setdefault(table, set()).add(key)
        return {t: None if keys is None else sorted(keys) for t, keys in plan.items()}

    def _count(self, table: str) -> int:
        with locked_cursor(self._duck, self._cursor_lock) as cur:
            return cur.execute(f'SELECT count(*) FROM "{table}"').fetchone()[0]   # a name from TABLES

    def _dump(self, cur, table: str, keys: list[int] | None) -> Path:
        """The rows of `table` (those of `keys`, or all) as a CSV file DuckDB reads."""
        from psycopg import sql

        reduced = REDUCED.get(table, {})
        columns = sql.SQL(", ").join(sql.SQL(reduced[c]) if c in reduced else sql.Identifier(c)   # constants
                                     for c, _ in self._columns[table])
        query = sql.SQL("SELECT {} FROM {} WHERE {}").format(columns, sql.Identifier(table),
                                                           sql.SQL(ROW_FILTERS.get(table, "true")))
        if keys is not None:
            query += sql.SQL(" AND {} = ANY({}::bigint[])").format(sql.Identifier(TABLES[table]), sql.Literal(keys))
        path = self._dir / f"{table}.csv"
        with path.open("wb") as out, cur.copy(
                sql.SQL("COPY ({}) TO STDOUT (FORMAT csv, NULL '\\N')").format(query)) as copy:
            for chunk in copy:
                out.write(chunk)
        return path

    def _apply(self, cur, table: str, path: Path, keys: list[int] | None) -> int:
        if keys is None:
            cur.execute(f'DELETE FROM "{table}"')
        else:
            cur.execute(f'DELETE FROM "{table}" WHERE list_contains($keys, "{TABLES[table]}")', {"keys": keys})
        if path.stat().st_size == 0:
            return 0
        types = ", ".join(f"'{c}': '{t}'" for c, t in self._columns[table])
        return cur.execute(f"INSERT INTO \"{table}\" SELECT * FROM read_csv('{path}', columns={{{types}}}, "
                           f"{_CSV_OPTIONS})").fetchone()[0]

    def _connection(self):
        import psycopg

        if self._pg is None or self._pg.closed or self._pg.broken:
            self._pg = psycopg.connect(self.url, options="-c TimeZone=UTC", application_name="voc-replica",
                                       connect_timeout=10)
            self._pg.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
            identity = replica_file.identity(self._pg)
            if self._identity is not None and identity != self._identity:
                self._watermark = None          # another database behind the same address: load it whole
            self._identity = identity
        return self._pg

    def _cleanup(self) -> None:
        """Drop change-log rows older than LOG_KEEP (at most once an hour per process)."""
        if time.monotonic() - self._cleaned < CLEANUP_EVERY_S:
            return
        self._cleaned = time.monotonic()
        pg = self._connection()
        with pg.cursor() as cur:
            cur.execute("DELETE FROM replica_changes WHERE recorded_at < (now() AT TIME ZONE 'UTC') - %s",
                        [LOG_KEEP])
        pg.commit()

    def close(self) -> None:
        with self._refresh_lock:            # after a refresh still running (the start-up load)
            if self.closed:
                return
            self.closed = True
            if self._pg is not None:
                self._pg.close()
            self._duck.close()
            self._file.release()
            shutil.rmtree(self._dir, ignore_errors=True)


def _event_cases(cur, keys: list[int]) -> set[str]:
    return {r[0] for r in cur.execute("SELECT DISTINCT entity_id FROM events WHERE id IN (SELECT unnest($keys))",
                                      {"keys": keys}).fetchall()}


def _schema() -> tuple[dict[str, list[tuple[str, str]]], list[str]]:
    """Each copied table's (column, type) list as the DuckDB migrations define it, and the derived tables'
    CREATE statements."""
    from voc.store.db import Database

    scratch = Database(":memory:")
    try:
        with scratch.cursor() as cur:
            columns: dict[str, list[tuple[str, str]]] = {}
            for table, column, data_type in cur.execute(
                    "SELECT table_name, column_name, data_type FROM information_schema.columns "
                    "WHERE list_contains($tables, table_name) ORDER BY table_name, ordinal_position",
                    {"tables": list(TABLES)}).fetchall():
                columns.setdefault(table, []).append((column, data_type))
            derived = [sql for (sql,) in cur.execute(
                "SELECT sql FROM duckdb_tables() WHERE list_contains($tables, table_name)",
                {"tables": list(DERIVED)}).fetchall()]
    finally:
        scratch.close()
    return columns, derived


def _layout(columns: dict[str, list[tuple[str, str]]], derived: list[str]) -> str:
    """A fingerprint of what this code copies and how: a file of another layout is loaded again."""
    text = repr((sorted(columns.items()), derived, TABLES, REDUCED, ROW_FILTERS, replica_file.META_TABLE))
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _create_schema(con: duckdb.DuckDBPyConnection, columns: dict[str, list[tuple[str, str]]],
                   derived: list[str]) -> None:
    """The copied tables without their keys and constraints (rows come from PostgreSQL, which checked them;
    a copy keyed by case re-inserts a case's rows at will), the derived tables as defined, the file's meta."""
    for table, cols in columns.items():
        con.execute(f'CREATE TABLE "{table}" (' + ", ".join(f'"{c}" {t}' for c, t in cols) + ")")
    for statement in derived:
        con.execute(statement)
    con.execute(replica_file.META_TABLE)


# -- one copy per process and database --------------------------------------------------------------------
_replicas: dict[str, Replica] = {}
_replicas_lock = threading.Lock()


def for_database(db) -> Replica:
    """This process's copy of the PostgreSQL database `db` (created on first use, caught up or loaded on
    first read; its file stays for the next process, voc.insight.replica_file)."""
    with _replicas_lock:
        replica = _replicas.get(db.key)
        if replica is None:
            if not _replicas:
                atexit.register(close_all)
            replica = _replicas[db.key] = Replica(db.url, db.key, directory=replica_file.directory())
            db.on_close(lambda: _close(db.key, replica))    # its loading thread must not outlive the pool
        return replica


def _close(key: str, replica: Replica) -> None:
    with _replicas_lock:
        if _replicas.get(key) is replica:
            del _replicas[key]
    replica.close()


def start_loading(db) -> None:
    """In server mode, load this process's copy on a background thread (the first chart then waits less)."""
    if is_server(db):
        copy = for_database(db)
        threading.Thread(target=copy.preload, name="voc-analytics-copy", daemon=True).start()


def is_server(db) -> bool:
    from voc.store import dialect

    return getattr(db, "dialect", dialect.DUCKDB) == dialect.POSTGRES


def source(db):
    """Where the analytics read: the DuckDB file itself, or in server mode this process's copy."""
    return for_database(db) if is_server(db) else db


@contextmanager
def reading(db, *, exact: bool = False) -> Iterator[duckdb.DuckDBPyConnection]:
    """A DuckDB cursor for the analytics SQL: on the file, or in server mode on the copy (`exact`: brought
    up to PostgreSQL's current data version first, for work lists that must show the latest writes)."""
    if not is_server(db):
        with db.cursor() as cur:
            yield cur
        return
    with for_database(db).cursor(exact=exact) as cur:
        yield cur


def close_all() -> None:
    with _replicas_lock:
        for replica in _replicas.values():
            replica.close()
        _replicas.clear()
