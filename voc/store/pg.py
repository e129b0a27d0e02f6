"""Server mode: the desk's database on PostgreSQL (VOC_DATABASE_URL=postgresql://...), shared by processes.

`PostgresDatabase` has the API of `voc.store.db.Database` (cursor(), transaction(), migrate(),
schema_version(), close(), dialect, key) on a psycopg 3 connection pool. Its cursors take the desk's SQL
as written for DuckDB (voc.store.dialect translates the few differences) and answer like DuckDB's:
a write without RETURNING gives one row with its count; fetch_df()/df() give a pandas frame;
register(name, frame) makes a temporary table of a frame for an INSERT ... SELECT.

Every connection's session time zone is UTC, so now()::TIMESTAMP and the naive TIMESTAMP columns hold UTC
whatever the server's own zone. Migrations (voc/store/migrations/pg/NNN_name.sql, the same numbers as
DuckDB's) run under an advisory lock: several processes starting at once on a new database apply them once.
"""
from __future__ import annotations

from contextlib import contextmanager
from datetime import date, datetime
from decimal import Decimal
from typing import Any, Callable, Iterator
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import RawCursor, sql
from psycopg.adapt import Loader
from psycopg.pq import TransactionStatus
from psycopg.types.string import TextLoader
from psycopg_pool import ConnectionPool, PoolTimeout

from voc.errors import DatabaseUnavailable
from voc.store import dialect
from voc.store.transactions import in_transaction
from voc.store.schema import PG_MIGRATIONS_DIR, available_migrations

MIGRATION_LOCK = 0x564F43  # "VOC": pg_advisory_xact_lock key of the migration runner
CONNECT_TIMEOUT_S = 10
# A write waits at most this long for a row another transaction holds (the desk's transactions take
# milliseconds), then fails as a write conflict (LockNotAvailable, in dialect.CONFLICT_ERRORS): callers give
# their conflict message instead of hanging, even when the holder is a connection of the same thread.
LOCK_TIMEOUT = "3s"
POOL_MAX = 12

_TIMESTAMP_OIDS = {1114, 1184, 1082}  # timestamp, timestamptz, date
_PANDAS_TYPES = {"int64": "BIGINT", "int32": "INTEGER", "int16": "SMALLINT", "int8": "SMALLINT",
                 "float64": "DOUBLE PRECISION", "float32": "REAL", "bool": "BOOLEAN"}


class _NumericLoader(Loader):
    """numeric -> int when whole (sum() of integers), else float: what DuckDB gives for the same queries."""

    def load(self, data) -> Any:
        text = bytes(data).decode()
        return int(text) if text.lstrip("-").isdigit() else float(Decimal(text))


def redacted(url: str) -> str:
    """The URL without its password, for messages and cache keys."""
    parts = urlsplit(url)
    host = parts.hostname or ""
    if parts.port:
        host += f":{parts.port}"
    user = f"{parts.username}@" if parts.username else ""
    return urlunsplit((parts.scheme, user + host, parts.path, "", ""))


def _configure(con: psycopg.Connection) -> None:
    con.adapters.register_loader("json", TextLoader)        # JSON columns read as text, as from DuckDB
    con.adapters.register_loader("jsonb", TextLoader)
    con.adapters.register_loader("numeric", _NumericLoader)


class PgCursor:
    """A DuckDB-like cursor on one pooled connection (see the module's docstring)."""

    def __init__(self, con: psycopg.Connection, database_key: str) -> None:
        self._con = con
        self.database_key = database_key
        self._cur = con.cursor()
        self._rows: list[tuple] | None = None
        self._temps: list[str] = []

    # -- statements --------------------------------------------------------------------------------
    def execute(self, query: str, params=None) -> "PgCursor":
        self._cur.execute(*dialect.to_postgres(query).bind(params))
        self._rows = None if self._cur.description is not None else [(max(self._cur.rowcount, 0),)]
        return self

    def executemany(self, query: str, params_seq) -> "PgCursor":
        stmt = dialect.to_postgres(query)
        self._cur.executemany(stmt.sql, [stmt.bind(p)[1] for p in params_seq])
        self._rows = [(max(self._cur.rowcount, 0),)]
        return self

    def fetchone(self) -> tuple | None:
        if self._rows is not None:
            return self._rows.pop(0) if self._rows else None
        return self._cur.fetchone()

    def fetchall(self) -> list[tuple]:
        if self._rows is not None:
            rows, self._rows = self._rows, []
            return rows
        return self._cur.fetchall()

    def fetchmany(self, size: int = 1) -> list[tuple]:
        if self._rows is not None:
            rows, self._rows = self._rows[:size], self._rows[size:]
            return rows
        return self._cur.fetchmany(size)

    @property
    def description(self):
        return self._cur.description

    def fetch_df(self):
        import pandas as pd

        columns = [d.name for d in self._cur.description or ()]
        frame = pd.DataFrame.from_records(self.fetchall(), columns=columns)
        for d in self._cur.description or ():
            if d.type_code in _TIMESTAMP_OIDS:
                frame[d.name] = pd.to_datetime(frame[d.name])
        return frame

    df = fetchdf = fetch_df

    # -- DuckDB's register(): a temporary table of a frame ------------------------------------------
    def register(self, name: str, frame) -> None:
        """A temporary table `name` holding `frame` (pandas or pyarrow), dropped when the cursor closes."""
        if not hasattr(frame, "dtypes"):          # a pyarrow table
            frame = frame.to_pandas()
        columns = {column: _sql_type(dtype, frame[column]) for column, dtype in frame.dtypes.items()}
        # A column named like the desk's own columns of one type takes that type (JSON, DATE ...), so that
        # INSERT ... SELECT from the frame needs no casts; others keep the frame's (text when only NULLs).
        for column, sql_type in self._cur.execute(
                "SELECT column_name, min(data_type) FROM information_schema.columns WHERE table_schema = "
                "current_schema() AND column_name = ANY($1) GROUP BY column_name "
                "HAVING count(DISTINCT data_type) = 1", [list(columns)]).fetchall():
            columns[column] = sql_type
        ident = sql.Identifier
        self.unregister(name)
        self._cur.execute(sql.SQL("CREATE TEMP TABLE {} ({})").format(
            ident(name), sql.SQL(", ").join(sql.SQL("{} " + (t or "TEXT")).format(ident(c))
                                            for c, t in columns.items())))
        self._temps.append(name)
        with self._cur.copy(sql.SQL("COPY {} FROM STDIN").format(ident(name))) as copy:
            for row in frame.itertuples(index=False, name=None):
                copy.write_row([_plain(v) for v in row])

    def unregister(self, name: str) -> None:
        if self._con.info.transaction_status == TransactionStatus.INERROR:   # the rollback drops it
            self._temps = [t for t in self._temps if t != name]
            return
        self._cur.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(sql.Identifier(name)))
        if name in self._temps:
            self._temps.remove(name)

    # -- transactions ------------------------------------------------------------------------------
    def begin(self) -> None:
        self._cur.execute("BEGIN")

    def commit(self) -> None:
        self._cur.execute("COMMIT")

    def rollback(self) -> None:
        self._cur.execute("ROLLBACK")

    def close(self) -> None:
        try:
            for name in list(self._temps):
                self.unregister(name)
        finally:
            self._cur.close()


_PYTHON_TYPES = ((bool, "BOOLEAN"), (int, "BIGINT"), (float, "DOUBLE PRECISION"), (datetime, "TIMESTAMP"),
                 (date, "DATE"), ((bytes, bytearray, memoryview), "BYTEA"), (str, "TEXT"))


def _sql_type(dtype, values) -> str | None:
    """The column type for a frame's column: from its dtype, else from its first value (None: only NULLs)."""
    kind = str(dtype).lower()
    if kind.startswith("datetime64"):
        return "TIMESTAMP"
    if kind in _PANDAS_TYPES:
        return _PANDAS_TYPES[kind]
    sample = next((v for v in values if v is not None and not (isinstance(v, float) and v != v)), None)
    if sample is None:
        return None
    return next((t for cls, t in _PYTHON_TYPES if isinstance(sample, cls)), "TEXT")


def _plain(value):
    """A pandas cell as COPY wants it: NaN/NaT/None -> NULL, numpy scalars -> Python."""
    if value is None:
        return None
    try:
        import pandas as pd

        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    if hasattr(value, "to_pydatetime"):
        return value.to_pydatetime()
    return value.item() if hasattr(value, "item") else value


class PostgresDatabase:
    """The desk's database on a PostgreSQL server; every unit of work takes a pooled connection."""

    dialect = dialect.POSTGRES

    def __init__(self, url: str, *, migrate: bool = True, max_size: int = POOL_MAX):
        self.url = url
        self.key = redacted(url)
        self.path = self.key            # what caches and messages used to take from the DuckDB file
        self._on_close: list[Callable[[], None]] = []
        try:                            # one plain connection first: a clear reason, at once
            psycopg.connect(url, connect_timeout=CONNECT_TIMEOUT_S).close()
        except psycopg.Error as error:
            raise DatabaseUnavailable(_unreachable(url, error)) from error
        self._pool = ConnectionPool(
            url, min_size=1, max_size=max_size, open=False, configure=_configure, name="voc",
            kwargs={"autocommit": True, "cursor_factory": RawCursor, "connect_timeout": CONNECT_TIMEOUT_S,
                    "options": f"-c TimeZone=UTC -c lock_timeout={LOCK_TIMEOUT}", "application_name": "voc-desk"})
        try:
            self._pool.open(wait=True, timeout=CONNECT_TIMEOUT_S)
        except PoolTimeout as error:
            self._pool.close()
            raise DatabaseUnavailable(_unreachable(url, error)) from error
        if migrate:
            self.migrate()

    @contextmanager
    def cursor(self) -> Iterator[PgCursor]:
        with self._pool.connection() as con:
            cur = PgCursor(con, self.key)
            try:
                yield cur
            finally:
                cur.close()

    @contextmanager
    def transaction(self) -> Iterator[PgCursor]:
        with self.cursor() as cur, in_transaction(cur):
            yield cur

    def schema_version(self) -> int:
        with self.cursor() as cur:
            if cur.execute("SELECT to_regclass('schema_migrations')").fetchone()[0] is None:
                return 0
            return cur.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").fetchone()[0]

    def applied_versions(self) -> set[int]:
        with self.cursor() as cur:
            return _applied(cur)

    def migrate(self) -> list[int]:
        """Apply the migrations the database has not had, all in one transaction under an advisory lock:
        a second process starting at once waits, then finds them applied."""
        applied = []
        with self.transaction() as cur:
            cur.execute("SET LOCAL lock_timeout = 0")          # another process's migrations may take a while
            cur.execute("SELECT pg_advisory_xact_lock(?)", [MIGRATION_LOCK])
            done = _applied(cur)
            for version, name, path in available_migrations(PG_MIGRATIONS_DIR):
                if version in done:
                    continue
                cur.execute(path.read_text(encoding="utf-8"))
                cur.execute("INSERT INTO schema_migrations (version, name, applied_at) "
                            "VALUES (?, ?, now()::TIMESTAMP)", [version, name])
                applied.append(version)
        return applied

    def on_close(self, callback: Callable[[], None]) -> None:
        """Call `callback` when the pool closes, before it does (a background worker using it stops)."""
        self._on_close.append(callback)

    def close(self) -> None:
        for callback in self._on_close:
            callback()
        self._pool.close()


def _applied(cur) -> set[int]:
    if cur.execute("SELECT to_regclass('schema_migrations')").fetchone()[0] is None:
        return set()
    return {v for (v,) in cur.execute("SELECT version FROM schema_migrations").fetchall()}


def _unreachable(url: str, error: BaseException) -> str:
    """The Vietnamese message, with the driver's own reason (refused, wrong password, no such database)."""
    lines = str(error).strip().splitlines()
    detail = lines[0] if lines else type(error).__name__
    return (f"Không kết nối được cơ sở dữ liệu PostgreSQL {redacted(url)} (VOC_DATABASE_URL)"
            + (f": {detail}" if detail else "") + ". Ứng dụng dừng lại, không chuyển sang tệp DuckDB.")
