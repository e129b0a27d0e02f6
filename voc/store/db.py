"""The DuckDB file: where it lives, how to open it, and numbered schema migrations.

Migrations are the files voc/migrations/NNN_name.sql, applied in order, each in its
own transaction, and recorded in schema_migrations so a newer app upgrades an older
file in place without losing data.
"""
from __future__ import annotations

import os
import re
import threading
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

import duckdb

DEFAULT_DB_PATH = Path(__file__).resolve().parents[2] / "data" / "voc.duckdb"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
_MIGRATION_NAME = re.compile(r"^(\d{3})_([a-z0-9_]+)\.sql$")


def db_path(explicit: str | os.PathLike | None = None) -> Path:
    """The database file: an explicit path, else $VOC_DB_PATH, else data/voc.duckdb."""
    if explicit:
        return Path(explicit)
    env = os.environ.get("VOC_DB_PATH")
    return Path(env) if env else DEFAULT_DB_PATH


def available_migrations() -> list[tuple[int, str, Path]]:
    found = []
    for path in sorted(MIGRATIONS_DIR.glob("*.sql")):
        match = _MIGRATION_NAME.match(path.name)
        if match:
            found.append((int(match.group(1)), match.group(2), path))
    return found


class Database:
    """One DuckDB connection for the process; work happens on cursors.

    A DuckDB connection must not be used by two threads at once, so every unit of
    work takes its own cursor (`with db.cursor() as cur`), and writes go through
    `db.transaction()`, which commits or rolls back as one.
    """

    def __init__(self, path: str | os.PathLike | None = None, *, migrate: bool = True):
        self.path = db_path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._con = duckdb.connect(str(self.path))
        self._lock = threading.Lock()
        if migrate:
            self.migrate()

    @contextmanager
    def cursor(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with self._lock:
            cur = self._con.cursor()
        try:
            yield cur
        finally:
            cur.close()

    @contextmanager
    def transaction(self) -> Iterator[duckdb.DuckDBPyConnection]:
        with self.cursor() as cur:
            cur.begin()
            try:
                yield cur
            except BaseException:
                cur.rollback()
                raise
            cur.commit()

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

    def close(self) -> None:
        self._con.close()


def open_db(path: str | os.PathLike | None = None) -> Database:
    return Database(path)
