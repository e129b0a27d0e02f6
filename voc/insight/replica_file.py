"""Where server mode's analytics copy (voc.insight.replica) lives between restarts: a DuckDB file per
process in a directory of this host ($VOC_REPLICA_DIR, else data/analytics-copies/), so a restarted
process catches up from the change log instead of copying the whole database again (issue #13).

A DuckDB file can be open read-write in one process only, so each database has numbered slots
(`<database>-0.duckdb`, `-1`, ...), and a process takes the first slot whose lock file it can lock
(flock, released by the kernel when the process ends, also when it is killed). Two processes on one host
thus keep two files, each reused by whichever process starts next. A file no process has refreshed for
longer than the change log keeps its rows would be loaded whole anyway: a process taking its slot deletes
such files of any database (an old address, a database gone), under their slot's lock, so a folder does not
grow with every database a host was ever pointed at (the empty lock files stay: deleting a lock file
another process is about to lock would let two processes share a slot).

What the file holds is trusted only when its `replica_meta` row matches: the code's copy layout, the
PostgreSQL database's identity (the cluster's system identifier, the database's name and oid: another
cluster, a dropped and restored database or another database behind the same URL all differ), its
applied migrations, and a watermark the change log still covers (voc.insight.replica checks those).
A file DuckDB cannot open is replaced by an empty one.
"""
from __future__ import annotations

import fcntl
import hashlib
import json
import os
import tempfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import IO

import duckdb

from voc.paths import ROOT

REPLICA_DIR_ENV = "VOC_REPLICA_DIR"     # set to an empty value: a temporary copy per process, as before
DEFAULT_DIR = ROOT / "data" / "analytics-copies"
MAX_SLOTS = 32

META_TABLE = ("CREATE TABLE replica_meta (layout VARCHAR, identity VARCHAR, migrations VARCHAR, "
              "watermark UBIGINT, version VARCHAR, as_of TIMESTAMP)")
_DATABASE_SQL = "current_database() || '/' || (SELECT oid::text FROM pg_database WHERE datname = current_database())"
MIGRATIONS_SQL = "SELECT string_agg(version::text, ',' ORDER BY version) FROM schema_migrations"


@dataclass(frozen=True)
class Saved:
    """What a file's last refresh recorded: whose copy it is, and how far it got."""

    identity: str
    migrations: str
    watermark: int
    version: tuple
    as_of: datetime         # UTC, naive (as stored)


def directory() -> Path | None:
    """The directory of the copies; None: a temporary file per process, gone when it ends."""
    value = os.environ.get(REPLICA_DIR_ENV)
    if value is None:
        return DEFAULT_DIR
    return Path(value) if value.strip() else None


class CopyFile:
    """This process's slot for the copy of one database: the DuckDB file's path, held by a lock."""

    def __init__(self, folder: Path | None, key: str, stale_after: timedelta | None = None) -> None:
        self._lock: IO | None = None
        self._temporary: Path | None = None
        if folder is not None:
            folder.mkdir(parents=True, exist_ok=True)
            if stale_after is not None:
                remove_stale_copies(folder, stale_after)
            stem = hashlib.sha256(key.encode()).hexdigest()[:16]
            for slot in range(MAX_SLOTS):
                lock = (folder / f"{stem}-{slot}.lock").open("a")
                try:
                    fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
                except BlockingIOError:
                    lock.close()
                    continue
                self._lock, self.path = lock, folder / f"{stem}-{slot}.duckdb"
                return
        self._temporary = Path(tempfile.mkdtemp(prefix="voc-replica-"))      # no folder, or every slot taken
        self.path = self._temporary / "replica.duckdb"

    def connect(self, layout: str) -> tuple[duckdb.DuckDBPyConnection, Saved | None]:
        """The copy's connection and what the file says it holds; a file that cannot be opened or read, or
        whose layout is not `layout` (the code's), is replaced by an empty one (None: load everything)."""
        try:
            con = duckdb.connect(str(self.path))
        except duckdb.Error:
            self._remove()
            return duckdb.connect(str(self.path)), None
        try:
            row = con.execute("SELECT layout, identity, migrations, watermark, version, as_of "
                              "FROM replica_meta").fetchall()
        except duckdb.Error:
            row = []
        if len(row) == 1 and row[0][0] == layout:
            _, identity, migrations, watermark, version, as_of = row[0]
            return con, Saved(identity, migrations, int(watermark), tuple(json.loads(version)), as_of)
        con.close()
        self._remove()
        return duckdb.connect(str(self.path)), None

    def _remove(self) -> None:
        for path in (self.path, Path(f"{self.path}.wal")):
            path.unlink(missing_ok=True)

    def release(self) -> None:
        """After the connection closed: the slot is free for the next process (a temporary copy goes)."""
        if self._lock is not None:
            self._lock.close()
        if self._temporary is not None:
            self._remove()
            self._temporary.rmdir()


def remove_stale_copies(folder: Path, stale_after: timedelta) -> list[Path]:
    """Delete the copy files in `folder` that no process holds and none has written for `stale_after`;
    returns the files deleted."""
    cutoff = datetime.now().timestamp() - stale_after.total_seconds()
    removed = []
    for lock_path in sorted(folder.glob("*.lock")):
        copy = lock_path.with_suffix(".duckdb")
        with lock_path.open("a") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:         # in use by a running process
                continue
            files = [f for f in (copy, Path(f"{copy}.wal")) if f.exists()]
            if not files or max(f.stat().st_mtime for f in files) > cutoff:
                continue
            for f in files:
                f.unlink(missing_ok=True)
                removed.append(f)
    return removed


def save(cur, layout: str, identity: str, migrations: str, watermark: int, version: tuple,
         as_of: datetime) -> None:
    """Inside the refresh's transaction on the copy: what it now holds (see Saved)."""
    cur.execute("DELETE FROM replica_meta")
    cur.execute("INSERT INTO replica_meta VALUES ($1, $2, $3, $4, $5, $6)",
                [layout, identity, migrations, watermark, json.dumps(list(version)), as_of.replace(tzinfo=None)])


def identity(pg) -> str:
    """Which database the psycopg connection `pg` is on: the cluster's system identifier (where the role may
    read it), the database's name and oid. Ends its own transaction."""
    import psycopg

    try:
        with pg.cursor() as cur:
            value = cur.execute(f"SELECT (SELECT system_identifier::text FROM pg_control_system()) || '/' || "
                                f"{_DATABASE_SQL}").fetchone()[0]
    except psycopg.Error:       # pg_control_system() refused to this role
        pg.rollback()
        with pg.cursor() as cur:
            value = "?/" + cur.execute(f"SELECT {_DATABASE_SQL}").fetchone()[0]
    pg.rollback()
    return value
