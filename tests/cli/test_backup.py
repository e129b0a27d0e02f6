"""`python -m voc backup` / `restore`: DuckDB through real subprocesses on demo data (the restored file
exports the same CSV byte for byte), PostgreSQL through pg_dump/pg_restore on a throw-away cluster."""
from __future__ import annotations

import shutil
from datetime import datetime, timezone

import pytest

from tests.cli.test_cli import run
from voc.store.backup import BackupError, Dialect, Target, backup, restore, target_of
from voc.store.db import Database


@pytest.fixture(scope="module")
def demo_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("demo") / "demo.duckdb"
    result = run("demo", "--cases", "300", "--seed", "7", "--no-tag", "--db", str(path))
    assert result.returncode == 0, result.stderr
    return path


def export(db_file, out) -> bytes:
    result = run("export", str(out), "--db", str(db_file))
    assert result.returncode == 0, result.stderr
    return out.read_bytes()


def test_backup_then_restore_into_a_new_file_exports_the_same_csv(demo_file, tmp_path):
    original = export(demo_file, tmp_path / "before.csv")
    assert original.count(b"\n") > 300
    result = run("backup", str(tmp_path / "bk"), "--db", str(demo_file))
    assert result.returncode == 0, result.stderr
    assert "Đã sao lưu" in result.stdout and "bảng" in result.stdout
    moved = tmp_path / "elsewhere" / "bk"                     # a backup folder still works once moved
    moved.parent.mkdir()
    shutil.move(tmp_path / "bk", moved)

    fresh = tmp_path / "restored.duckdb"
    result = run("restore", str(moved), "--db", str(fresh))
    assert result.returncode == 0, result.stderr
    assert "Đã khôi phục" in result.stdout
    assert export(fresh, tmp_path / "after.csv") == original

    database = Database(fresh)                                # the app's next start: no migration left, ids go on
    try:
        assert database.migrate() == []
        with database.cursor() as cur:
            top = cur.execute("SELECT max(id) FROM cases").fetchone()[0]
            assert cur.execute("SELECT nextval('case_id_seq')").fetchone()[0] > top
    finally:
        database.close()


def test_restore_refuses_a_database_with_data_unless_forced(demo_file, tmp_path):
    assert run("backup", str(tmp_path / "bk"), "--db", str(demo_file)).returncode == 0
    other = tmp_path / "other.duckdb"
    assert run("init", "--db", str(other)).returncode == 0
    kept = export(other, tmp_path / "kept.csv")

    refused = run("restore", str(tmp_path / "bk"), "--db", str(other))
    assert refused.returncode == 1
    assert "không trống" in refused.stderr and "--force" in refused.stderr
    assert export(other, tmp_path / "still.csv") == kept     # nothing was touched

    forced = run("restore", str(tmp_path / "bk"), "--force", "--db", str(other))
    assert forced.returncode == 0, forced.stderr
    assert export(other, tmp_path / "replaced.csv") == export(demo_file, tmp_path / "demo.csv")


def test_backup_never_overwrites_and_restore_names_what_it_refuses(demo_file, tmp_path):
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "x.txt").write_text("giữ lại")
    refused = run("backup", str(tmp_path / "taken"), "--db", str(demo_file))
    assert refused.returncode == 1 and "không ghi đè" in refused.stderr
    assert (tmp_path / "taken" / "x.txt").read_text() == "giữ lại"

    refused = run("restore", str(tmp_path / "taken"), "--db", str(tmp_path / "new.duckdb"))
    assert refused.returncode == 1 and "không phải bản sao lưu" in refused.stderr
    missing = run("restore", str(tmp_path / "nowhere"), "--db", str(tmp_path / "new.duckdb"))
    assert missing.returncode == 1 and "Không tìm thấy bản sao lưu" in missing.stderr


def test_the_backend_object_names_its_dialect(db):
    assert target_of(db) == Target(Dialect.DUCKDB, path=db.path)


# --- PostgreSQL --------------------------------------------------------------------------------

TABLES = """
CREATE TABLE branches (id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL UNIQUE);
CREATE TABLE cases (id BIGSERIAL PRIMARY KEY, branch_id BIGINT NOT NULL REFERENCES branches(id),
                    received_at TIMESTAMPTZ NOT NULL, content TEXT NOT NULL, attachment BYTEA);
CREATE INDEX cases_received ON cases (received_at);
"""


def contents(url: str) -> dict[str, list[tuple]]:
    import psycopg

    with psycopg.connect(url) as con:
        return {table: con.execute(f"SELECT * FROM {table} ORDER BY id").fetchall() for table in ("branches", "cases")}


def fill(url: str) -> None:
    import psycopg

    with psycopg.connect(url) as con:
        con.execute(TABLES)
        for name in ("Hà Nội", "Đà Nẵng", "TP. Hồ Chí Minh"):
            con.execute("INSERT INTO branches (name) VALUES (%s)", [name])
        for i in range(50):
            con.execute("INSERT INTO cases (branch_id, received_at, content, attachment) VALUES (%s, %s, %s, %s)",
                        [1 + i % 3, datetime(2026, 11, 1 + i % 28, 9, i, tzinfo=timezone.utc),
                         f"Website bị sập lần {i}, khách không truy cập được", bytes([i]) * i or None])


def test_postgres_backup_and_restore_with_pg_dump(pg_server, tmp_path):
    source = Target.postgres(pg_server.create_database("voc_backup_src"))
    fill(source.url)
    report = backup(source, tmp_path / "voc.dump")
    assert report.tables == 2 and (tmp_path / "voc.dump").read_bytes().startswith(b"PGDMP")
    assert pg_server.password not in report.summary()

    copy = Target.postgres(pg_server.create_database("voc_backup_copy"))
    assert restore(tmp_path / "voc.dump", copy).tables == 2
    assert contents(copy.url) == contents(source.url)

    with pytest.raises(BackupError, match="không trống"):
        restore(tmp_path / "voc.dump", copy)
    import psycopg

    with psycopg.connect(copy.url) as con:
        con.execute("DELETE FROM cases WHERE id > 10")
    restore(tmp_path / "voc.dump", copy, force=True)           # replaces the changed tables
    assert contents(copy.url) == contents(source.url)
    with psycopg.connect(copy.url) as con:                     # the sequences came back too
        assert con.execute("INSERT INTO cases (branch_id, received_at, content) VALUES (1, now(), 'x') "
                           "RETURNING id").fetchone()[0] == 51


def test_backups_do_not_cross_backends(pg_server, demo_file, tmp_path):
    source = Target.postgres(pg_server.create_database("voc_backup_cross"))
    fill(source.url)
    backup(source, tmp_path / "pg.dump")
    with pytest.raises(BackupError, match="không khôi phục chéo"):
        restore(tmp_path / "pg.dump", Target.duckdb(tmp_path / "new.duckdb"))
    backup(Target.duckdb(demo_file), tmp_path / "duck")
    with pytest.raises(BackupError, match="không khôi phục chéo"):
        restore(tmp_path / "duck", Target.postgres(pg_server.create_database("voc_backup_cross_copy")))


def run_on(url: str, *args):
    """A `python -m voc` command in server mode (VOC_DATABASE_URL), as an operator runs it."""
    return run(*args, env={"VOC_DATABASE_URL": url})


def test_server_mode_backup_then_restore_into_a_new_database_exports_the_same_csv(pg_server, tmp_path):
    source = pg_server.create_database("voc_desk_src")
    assert run_on(source, "init").returncode == 0
    made = run_on(source, "demo", "--cases", "200", "--seed", "7", "--no-tag")
    assert made.returncode == 0, made.stderr
    assert run_on(source, "export", str(tmp_path / "before.csv")).returncode == 0
    original = (tmp_path / "before.csv").read_bytes()
    assert original.count(b"\n") > 200

    done = run_on(source, "backup", str(tmp_path / "voc.dump"))
    assert done.returncode == 0, done.stderr
    copy = pg_server.create_database("voc_desk_copy")
    done = run_on(copy, "restore", str(tmp_path / "voc.dump"))
    assert done.returncode == 0, done.stderr
    assert run_on(copy, "export", str(tmp_path / "after.csv")).returncode == 0
    assert (tmp_path / "after.csv").read_bytes() == original
    nothing_left = run_on(copy, "init")                       # the restored schema is current
    assert nothing_left.returncode == 0 and "không có migration mới" in nothing_left.stdout
