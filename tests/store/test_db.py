"""Numbered migrations: a new file gets the whole schema; an old file is upgraded without losing data."""

from voc.store.db import Database, available_migrations


def test_fresh_database_gets_every_migration(tmp_path):
    db = Database(tmp_path / "fresh.duckdb")
    versions = [v for v, _, _ in available_migrations()]
    assert versions == sorted(versions) and versions[0] == 1
    assert db.schema_version() == versions[-1]
    assert db.migrate() == []  # idempotent
    db.close()


def test_older_file_is_migrated_keeping_its_data(tmp_path, monkeypatch):
    path = tmp_path / "old.duckdb"
    only_first = [m for m in available_migrations() if m[0] == 1]
    monkeypatch.setattr("voc.store.db.available_migrations", lambda: only_first)
    old = Database(path)
    assert old.schema_version() == 1
    with old.transaction() as cur:
        cur.execute(
            "INSERT INTO cases (ticket_code, received_at, channel, issue_kind, service, customer_name, content, "
            "status, round_opened_at, reply_due_at, resolution_due_at) VALUES ('KN-2020-000001', TIMESTAMP "
            "'2020-01-01 00:00', 'post', 'quality', 'vps', 'Khách cũ', 'Nội dung cũ', 'closed', "
            "TIMESTAMP '2020-01-01', TIMESTAMP '2020-01-03', TIMESTAMP '2020-01-21')")
    old.close()
    monkeypatch.undo()
    new = Database(path)
    assert new.schema_version() == available_migrations()[-1][0]
    with new.cursor() as cur:
        assert cur.execute("SELECT customer_name FROM cases").fetchall() == [("Khách cũ",)]
        applied = cur.execute("SELECT version FROM schema_migrations ORDER BY version").fetchall()
    assert [v for (v,) in applied] == [v for v, _, _ in available_migrations()]
    new.close()


def test_database_path_from_environment(tmp_path, monkeypatch):
    from voc.store.db import db_path

    monkeypatch.setenv("VOC_DB_PATH", str(tmp_path / "env.duckdb"))
    assert db_path(None) == tmp_path / "env.duckdb"
    assert db_path(tmp_path / "x.duckdb") == tmp_path / "x.duckdb"


def test_events_table_is_only_appended_to():
    """R11: no code path updates or deletes audit events."""
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    offenders = []
    for path in list((root / "voc").rglob("*.py")) + list((root / "pages").rglob("*.py")):
        text = path.read_text(encoding="utf-8").lower()
        for verb in ("update events", "delete from events", "truncate events", "drop table events"):
            if verb in text:
                offenders.append(f"{path.name}: {verb}")
    assert offenders == []


def test_a_migration_that_arrives_late_is_still_applied(tmp_path, monkeypatch):
    """A file that has 1 and 3 but not 2 (a branch merged later) gets 2 on the next start."""
    path = tmp_path / "gap.duckdb"
    every = available_migrations()
    monkeypatch.setattr("voc.store.db.available_migrations", lambda: [m for m in every if m[0] != 2])
    Database(path).close()
    monkeypatch.undo()
    db = Database(path)
    assert db.applied_versions() == {v for v, _, _ in every}
    db.close()
