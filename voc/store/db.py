"""The DuckDB file: where it lives, how to open it, and numbered schema migrations; and `open_db`,
which picks the backend (the DuckDB file, or PostgreSQL when $VOC_DATABASE_URL is set: voc.store.pg).

Migrations are the files voc/store/migrations/NNN_name.sql (voc.store.schema), applied in order, each in
its own transaction, and recorded in schema_migrations so a newer app upgrades an older file in place
without losing data.
"""
from __future__ import annotations

import os
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator

import duckdb

from voc.store import dialect
from voc.store.transactions import in_transaction, locked_cursor
from voc.store.schema import MIGRATIONS_DIR, available_migrations  # noqa: F401  (MIGRATIONS_DIR for older callers)

DEFAULT_DB_PATH = Path(__file__).resolve().parents[2] / "data" / "voc.duckdb"


def db_path(explicit: str | os.PathLike | None = None) -> Path:
    """The database file: an explicit path, else $VOC_DB_PATH, else data/voc.duckdb."""
    if explicit:
        return Path(explicit)
    env = os.environ.get("VOC_DB_PATH")
    return Path(env) if env else DEFAULT_DB_PATH


class Database:
    """One DuckDB connection for the process; work happens on cursors.

    A DuckDB connection must not be used by two threads at once, so every unit of
    work takes its own cursor (`with db.cursor() as cur`), and writes go through
    `db.transaction()`, which commits or rolls back as one.
    """

    dialect = dialect.DUCKDB

    def __init__(self, path: str | os.PathLike | None = None, *, migrate: bool = True):
        self.path = db_path(path)
        self.key = str(self.path)       # names this database in cache keys (a URL in server mode)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._con = duckdb.connect(str(self.path))
        self._lock = threading.Lock()
        self._on_close: list[Callable[[], None]] = []
        if migrate:
            self.migrate()

    @contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with locked_cursor(self._con, self._lock) as cur:
            yield cur

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with self.cursor() as cur, in_transaction(cur):
            yield cur

    def schema_version(self) -> int:
        with self.cursor() as cur:
            exists = cur.execute(
                "SELECT count(*) FROM information_schema.tables WHERE table_name = 'schema_migrations'"
            ).fetchone()[0]
            if not exists:
                return 0
            return cur.execute("SELECT coalesce(max(version), 0) FROM schema_migrations").fetchone()[0]

    def applied_versions(self) -> set[int]:
        if self.schema_version() == 0:
            return set()
        with self.cursor() as cur:
            return {v for (v,) in cur.execute("SELECT version FROM schema_migrations").fetchall()}

    def migrate(self) -> list[int]:
        """Apply, in order, every migration the file has not had yet; return those applied."""
        applied = []
        done = self.applied_versions()
        for version, name, path in available_migrations():
            if version in done:
                continue
            with self.transaction() as cur:
                cur.execute(path.read_text(encoding="utf-8"))
                cur.execute(
                    "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, now()::TIMESTAMP)",
                    [version, name],
                )
            applied.append(version)
        return applied

    def on_close(self, callback: Callable[[], None]) -> None:
        """Call `callback` when the database closes, before it does (a background worker using it stops)."""
        self._on_close.append(callback)

    def close(self) -> None:
        for callback in self._on_close:
            callback()
        self._con.close()


DATABASE_URL_ENV = "VOC_DATABASE_URL"


def open_db(path: str | os.PathLike | None = None, *, migrate: bool = True):
    """The desk's database: PostgreSQL when $VOC_DATABASE_URL is set (server mode, several processes),
    else the DuckDB file (`path`, $VOC_DB_PATH or data/voc.duckdb) exactly as before.

    A URL of another scheme, or a server that does not answer, stops here with a Vietnamese message
    (voc.errors.DatabaseUnavailable): the desk never falls back to a local file on its own."""
    url = (os.environ.get(DATABASE_URL_ENV) or "").strip()
    if not url:
        return Database(path, migrate=migrate)
    scheme = url.split("://", 1)[0].lower() if "://" in url else ""
    if scheme not in ("postgresql", "postgres"):
        from voc.errors import DatabaseUnavailable

        raise DatabaseUnavailable(
            f"{DATABASE_URL_ENV} phải có dạng postgresql://người_dùng:mật_khẩu@máy:cổng/tên_csdl "
            f"(đang là lược đồ “{scheme or url[:20]}”). Ứng dụng dừng lại, không chuyển sang tệp DuckDB.")
    from voc.store.pg import PostgresDatabase

    return PostgresDatabase(url, migrate=migrate)
