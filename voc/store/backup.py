"""Backup and restore of the whole database, for both backends.

`target_of(db)` reads the backend object's `dialect` ("duckdb" today; the PostgreSQL backend says
"postgres" and carries its `url`) and is the only place that tells the two apart; `backup` and
`restore` then take that `Target`:

- DuckDB: `EXPORT DATABASE` (Parquet files plus schema.sql/load.sql, readable by later DuckDB
  versions) into a folder, with a manifest of the row counts; restore runs `IMPORT DATABASE` into a
  fresh file beside the target, checks every table's row count against the manifest, then moves the
  file into place, so a failed restore leaves the old file as it was.
- PostgreSQL: `pg_dump --format=custom` into one file; restore is `pg_restore` in one transaction.
  The password goes to the tools through PGPASSWORD, never on their command line.

Neither ever overwrites: a backup refuses an existing, non-empty destination, a restore refuses a
database that already has tables unless `force` is given.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from enum import Enum
from pathlib import Path

import duckdb

from voc.clock import utcnow
from voc.errors import DomainError
from voc.numbers import vn_number

MANIFEST = "voc-backup.json"
PG_DUMP_MAGIC = b"PGDMP"


class BackupError(DomainError):
    """A backup or restore that cannot be done, with what to do about it."""


class Dialect(str, Enum):
    DUCKDB = "duckdb"
    POSTGRES = "postgres"


@dataclass(frozen=True)
class Target:
    dialect: Dialect
    path: Path | None = None    # DuckDB: the database file
    url: str | None = None      # PostgreSQL: the connection URL (VOC_DATABASE_URL)

    @classmethod
    def duckdb(cls, path: str | os.PathLike) -> "Target":
        return cls(Dialect.DUCKDB, path=Path(path))

    @classmethod
    def postgres(cls, url: str) -> "Target":
        return cls(Dialect.POSTGRES, url=url)

    def describe(self) -> str:
        """The database as shown to the operator: the file, or the URL without its password."""
        if self.dialect is Dialect.DUCKDB:
            return f"DuckDB {self.path}"
        from psycopg.conninfo import conninfo_to_dict

        parts = conninfo_to_dict(self.url)
        where = f"{parts.get('host', 'localhost')}:{parts.get('port', 5432)}/{parts.get('dbname', '')}"
        return f"PostgreSQL {parts.get('user', '') + '@' if parts.get('user') else ''}{where}"


def target_of(db) -> Target:
    """The dialect switch: what `backup`/`restore` need to know about an open backend object."""
    dialect = Dialect(getattr(db, "dialect", Dialect.DUCKDB.value))
    if dialect is Dialect.POSTGRES:
        return Target.postgres(db.url)
    return Target.duckdb(db.path)


@dataclass(frozen=True)
class Report:
    action: str                  # "backup" | "restore"
    target: Target
    location: Path
    tables: int
    rows: int | None = None      # DuckDB only (PostgreSQL: pg_restore checks its own archive)

    def summary(self) -> str:
        counted = f"{vn_number(self.tables)} bảng" + (f", {vn_number(self.rows)} dòng" if self.rows is not None else "")
        if self.action == "backup":
            return f"Đã sao lưu {self.target.describe()} ({counted}) vào {self.location}."
        return f"Đã khôi phục {self.location} vào {self.target.describe()} ({counted})."


def backup(target: Target, dest: str | os.PathLike) -> Report:
    dest = Path(dest)
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise BackupError(f"“{dest}” đã tồn tại và không trống: bản sao lưu không ghi đè, hãy chọn tên khác.")
    if target.dialect is Dialect.POSTGRES:
        return _pg_backup(target, dest)
    return _duckdb_backup(target, dest)


def restore(src: str | os.PathLike, target: Target, *, force: bool = False) -> Report:
    src = Path(src)
    if not src.exists():
        raise BackupError(f"Không tìm thấy bản sao lưu “{src}”.")
    kind = _backup_kind(src)
    if kind is None:
        raise BackupError(f"“{src}” không phải bản sao lưu của VOC Desk (thư mục EXPORT DATABASE của DuckDB "
                          "hoặc tệp pg_dump --format=custom).")
    if kind is not target.dialect:
        raise BackupError(f"“{src}” là bản sao lưu {_NAMES[kind]}, còn cơ sở dữ liệu đích là "
                          f"{_NAMES[target.dialect]}: không khôi phục chéo được; hãy chuyển dữ liệu bằng "
                          "`python -m voc export` rồi `python -m voc import`.")
    if target.dialect is Dialect.POSTGRES:
        return _pg_restore(src, target, force)
    return _duckdb_restore(src, target, force)


_NAMES = {Dialect.DUCKDB: "DuckDB", Dialect.POSTGRES: "PostgreSQL"}


def _backup_kind(src: Path) -> Dialect | None:
    if src.is_dir():
        return Dialect.DUCKDB if (src / "schema.sql").exists() and (src / "load.sql").exists() else None
    with src.open("rb") as f:
        return Dialect.POSTGRES if f.read(len(PG_DUMP_MAGIC)) == PG_DUMP_MAGIC else None


def _not_empty(where: str, tables: int) -> BackupError:
    return BackupError(f"Cơ sở dữ liệu đích {where} không trống ({tables} bảng): không khôi phục đè lên dữ liệu "
                       "đang có. Hãy khôi phục vào một cơ sở dữ liệu mới, hoặc thêm --force để thay thế toàn bộ "
                       "(nên sao lưu nó trước).")


def _partial(path: Path, suffix: str) -> Path:
    """A work path beside `path` (same file system, so the final move is a rename)."""
    return path.with_name(f".{path.name}.{suffix}-{os.getpid()}")


# --- DuckDB ------------------------------------------------------------------------------------

def _sql_literal(path: Path) -> str:
    """EXPORT/IMPORT DATABASE take no parameters: the folder goes in as a quoted SQL string."""
    return "'" + str(path.resolve()).replace("'", "''") + "'"


def _row_counts(con) -> dict[str, int]:
    names = [n for (n,) in con.execute(
        "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() ORDER BY table_name"
    ).fetchall()]
    return {n: con.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}


def _duckdb_backup(target: Target, dest: Path) -> Report:
    if not target.path.exists():
        raise BackupError(f"Không có tệp cơ sở dữ liệu {target.path}: không có gì để sao lưu.")
    work = _partial(dest, "partial")
    shutil.rmtree(work, ignore_errors=True)
    con = duckdb.connect(str(target.path), read_only=True)
    try:
        counts = _row_counts(con)
        if not counts:
            raise BackupError(f"Cơ sở dữ liệu {target.path} trống: không có gì để sao lưu.")
        con.execute(f"EXPORT DATABASE {_sql_literal(work)} (FORMAT parquet)")
    finally:
        con.close()
    (work / MANIFEST).write_text(json.dumps({
        "dialect": Dialect.DUCKDB.value, "created_at": utcnow().isoformat(), "duckdb": duckdb.__version__,
        "source": str(target.path), "row_counts": counts}, ensure_ascii=False, indent=2), encoding="utf-8")
    if dest.exists():
        dest.rmdir()                  # an empty folder given as the destination
    work.rename(dest)
    return Report("backup", target, dest, len(counts), sum(counts.values()))


def _duckdb_restore(src: Path, target: Target, force: bool) -> Report:
    path = target.path
    if path.exists():
        con = duckdb.connect(str(path), read_only=True)   # also fails while another process holds the file
        try:
            tables = len(_row_counts(con))
        finally:
            con.close()
        if tables and not force:
            raise _not_empty(str(path), tables)
    expected = None
    if (src / MANIFEST).exists():
        expected = json.loads((src / MANIFEST).read_text(encoding="utf-8"))["row_counts"]
    work = _partial(path, "restore")
    for leftover in (work, Path(f"{work}.wal")):
        leftover.unlink(missing_ok=True)
    try:
        con = duckdb.connect(str(work))
        try:
            con.execute(f"IMPORT DATABASE {_sql_literal(src)}")
            counts = _row_counts(con)
        finally:
            con.close()
        if expected is not None and counts != expected:
            differ = sorted(n for n in set(counts) | set(expected) if counts.get(n) != expected.get(n))
            raise BackupError(f"Bản khôi phục không khớp bản sao lưu ở các bảng: {', '.join(differ)}; "
                              f"tệp {path} chưa bị thay đổi.")
        path.parent.mkdir(parents=True, exist_ok=True)
        Path(f"{path}.wal").unlink(missing_ok=True)   # never replay the old file's log onto the new one
        os.replace(work, path)
    finally:
        work.unlink(missing_ok=True)
    return Report("restore", target, src, len(counts), sum(counts.values()))


# --- PostgreSQL ---------------------------------------------------------------------------------

def _pg_tool(name: str) -> str:
    """pg_dump / pg_restore from PATH (Debian's wrapper picks the newest), else the newest installed."""
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"),
                        key=lambda p: int(p.parents[1].name) if p.parents[1].name.isdigit() else 0)
    if candidates:
        return str(candidates[-1])
    raise BackupError(f"Không tìm thấy {name}: hãy cài postgresql-client (apt-get install postgresql-client).")


def _run_pg(tool: str, args: list[str], url: str) -> None:
    from psycopg.conninfo import conninfo_to_dict, make_conninfo

    params = conninfo_to_dict(url)
    env = dict(os.environ)
    password = params.pop("password", None)
    if password:
        env["PGPASSWORD"] = password
    done = subprocess.run([_pg_tool(tool), *args, f"--dbname={make_conninfo(**params)}"], env=env,
                          capture_output=True, text=True)
    if done.returncode != 0:
        raise BackupError(f"{tool} thất bại (mã {done.returncode}): {done.stderr.strip()[-2000:]}")


def _pg_tables(url: str) -> int:
    import psycopg

    with psycopg.connect(url) as con:
        return con.execute("SELECT count(*) FROM information_schema.tables "
                           "WHERE table_schema NOT IN ('pg_catalog', 'information_schema')").fetchone()[0]


def _pg_backup(target: Target, dest: Path) -> Report:
    tables = _pg_tables(target.url)
    if not tables:
        raise BackupError(f"Cơ sở dữ liệu {target.describe()} trống: không có gì để sao lưu.")
    work = _partial(dest, "partial")
    try:
        _run_pg("pg_dump", ["--format=custom", f"--file={work}"], target.url)
        if dest.exists():
            dest.rmdir()
        os.replace(work, dest)
    finally:
        work.unlink(missing_ok=True)
    return Report("backup", target, dest, tables)


def _pg_restore(src: Path, target: Target, force: bool) -> Report:
    tables = _pg_tables(target.url)
    if tables and not force:
        raise _not_empty(target.describe(), tables)
    args = ["--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction"]
    if tables:
        args += ["--clean", "--if-exists"]
    _run_pg("pg_restore", [*args, str(src)], target.url)
    return Report("restore", target, src, _pg_tables(target.url))
