"""Server mode's analytics copy kept between restarts (voc.insight.replica_file): a restarted process
catches up from the change log, also with what was written while it was down; a file of another database,
of another migration level, older than the change log, or damaged is loaded whole; two processes on one
host keep two files."""
from __future__ import annotations

from datetime import timedelta

import duckdb
import pytest

from tests.insight.test_analytics import ROWS, fill
from tests.insight.test_replica import cases_in
from voc.insight import replica_file
from voc.insight.replica import LOG_KEEP, Replica
from voc.store.pg import PostgresDatabase


@pytest.fixture
def folder(tmp_path):
    return tmp_path / "copies"


def loaded_copy(db, folder) -> Replica:
    made = Replica(db.url, db.key, directory=folder)
    made.refresh()
    return made


def test_a_restarted_copy_catches_up_with_writes_made_while_it_was_down(pg_db, folder):
    fill(pg_db)
    first = loaded_copy(pg_db, folder)
    assert first.last.full
    with pg_db.transaction() as cur:
        cur.execute("UPDATE cases SET status = 'verifying' WHERE id = 4")
    first.refresh()
    path = first._file.path
    first.close()
    with pg_db.transaction() as cur:                # while no process has the copy open
        cur.execute("UPDATE cases SET status = 'replied' WHERE id = 7")
        cur.execute("DELETE FROM cases WHERE id = 9")
    again = Replica(pg_db.url, pg_db.key, directory=folder)
    try:
        assert again._file.path == path
        cases = cases_in(again)
        assert not again.last.full and again.last.rows < 5
        assert cases[4] == "verifying" and cases[7] == "replied" and 9 not in cases and len(cases) == len(ROWS) - 1
        with again.cursor() as cur:
            assert cur.execute("SELECT count(*) FROM case_state_hours").fetchone()[0] == 3
    finally:
        again.close()


def test_a_copy_of_another_database_behind_the_same_address_is_loaded_again(pg_server, pg_template, folder):
    url = pg_server.create_database("voc_copy_identity", template=pg_template)
    db = PostgresDatabase(url)
    fill(db)
    loaded_copy(db, folder).close()
    db.close()
    pg_server.drop_database("voc_copy_identity")    # restored from elsewhere: same name, other rows
    pg_server.create_database("voc_copy_identity", template=pg_template)
    db = PostgresDatabase(url)
    try:
        again = Replica(db.url, db.key, directory=folder)
        assert cases_in(again) == {}
        assert again.last.full
        again.close()
    finally:
        db.close()
        pg_server.drop_database("voc_copy_identity")


def test_a_damaged_file_is_replaced_by_a_whole_load(pg_db, folder):
    fill(pg_db)
    first = loaded_copy(pg_db, folder)
    path = first._file.path
    first.close()
    with path.open("r+b") as f:
        f.seek(0)
        f.write(b"not a database" * 512)
    again = Replica(pg_db.url, pg_db.key, directory=folder)
    try:
        assert len(cases_in(again)) == len(ROWS) and again.last.full
    finally:
        again.close()


def test_another_migration_level_or_a_pruned_log_loads_everything(pg_db, folder):
    fill(pg_db)
    first = loaded_copy(pg_db, folder)
    path = first._file.path
    first.close()
    with pg_db.transaction() as cur:
        cur.execute("DELETE FROM schema_migrations WHERE version = (SELECT max(version) FROM schema_migrations)")
    copy = loaded_copy(pg_db, folder)
    assert copy.last.full
    copy.close()
    copy = loaded_copy(pg_db, folder)           # same level now: caught up
    assert not copy.last.full
    copy.close()
    con = duckdb.connect(str(path))             # last refreshed before the change log's horizon
    con.execute("UPDATE replica_meta SET as_of = as_of - $1", [LOG_KEEP + timedelta(hours=1)])
    con.close()
    copy = loaded_copy(pg_db, folder)
    assert copy.last.full and len(cases_in(copy)) == len(ROWS)
    copy.close()


def test_two_processes_on_one_host_keep_a_file_each(pg_db, folder):
    fill(pg_db)
    one, two = loaded_copy(pg_db, folder), loaded_copy(pg_db, folder)
    try:
        assert one._file.path != two._file.path and two.last.full
        freed = one._file.path
        one.close()
        three = loaded_copy(pg_db, folder)          # the next process takes the freed file and catches up
        assert three._file.path == freed and not three.last.full
        three.close()
    finally:
        two.close()


def test_without_a_folder_the_copy_is_temporary(pg_db, monkeypatch):
    monkeypatch.setenv(replica_file.REPLICA_DIR_ENV, "")
    assert replica_file.directory() is None
    fill(pg_db)
    copy = loaded_copy(pg_db, None)
    path = copy._file.path
    assert path.exists()
    copy.close()
    assert not path.exists()


def test_a_starting_process_deletes_copies_unused_for_longer_than_the_change_log_keeps(pg_db, folder):
    """Copies of a database no process uses any more (an old address, a dropped database) would be loaded
    whole anyway once older than LOG_KEEP: they go; a recent one and one a running process holds stay."""
    import os
    import time

    fill(pg_db)
    held = loaded_copy(pg_db, folder)                   # a running process's copy, however old its file
    folder.joinpath("0123456789abcdef-0.lock").touch()  # another database's copies, from earlier starts
    old = folder / "0123456789abcdef-0.duckdb"
    old_wal = folder / "0123456789abcdef-0.duckdb.wal"
    recent = folder / "fedcba9876543210-0.duckdb"
    folder.joinpath("fedcba9876543210-0.lock").touch()
    for path in (old, old_wal, recent):
        path.write_bytes(b"copy")
    long_ago = time.time() - LOG_KEEP.total_seconds() - 60
    for path in (old, old_wal, held._file.path):
        os.utime(path, (long_ago, long_ago))
    try:
        second = loaded_copy(pg_db, folder)             # the next process to start
        second.close()
        assert not old.exists() and not old_wal.exists()
        assert recent.exists() and held._file.path.exists()
        assert folder.joinpath("0123456789abcdef-0.lock").exists()    # lock files stay (see the module)
    finally:
        held.close()
