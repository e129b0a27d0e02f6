"""Server mode's analytics copy (voc.insight.replica) and PostgreSQL's data version: writes by other
connections and other processes reach the copy within the staleness bound; updates, deletes and a
transaction that commits after a refresh that could not see it are all copied; the data version changes
across connections, also for a transaction that commits out of xid order."""
from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from datetime import datetime, timedelta, timezone

import pytest

from tests.conftest import ROOT
from tests.insight.test_analytics import NOVEMBER, ROWS, add_status_events, fill, insert_case
from voc.insight import analytics, process_metrics, replica, themes_trends
from voc.insight.replica import MAX_STALE_S, Replica
from voc.store.pg import PostgresDatabase


@pytest.fixture
def copy(pg_db):
    """A filled PostgreSQL database and a copy of it that refreshes when 0.2 s old."""
    fill(pg_db)
    made = Replica(pg_db.url, pg_db.key, refresh_every_s=0.2)
    yield made
    made.close()


def cases_in(copy: Replica) -> dict[int, str]:
    with copy.cursor() as cur:
        return dict(cur.execute("SELECT id, status FROM cases").fetchall())


def test_first_read_loads_everything_with_the_derived_tables(copy):
    with copy.cursor() as cur:
        assert cur.execute("SELECT count(*) FROM cases").fetchone()[0] == len(ROWS)
        assert cur.execute("SELECT count(*) FROM case_state_hours").fetchone()[0] == 3
        monthly = themes_trends.theme_volume(cur, NOVEMBER, "month")
    assert copy.last.full and copy.last.rows > len(ROWS)
    assert sorted(zip(monthly["theme"], monthly["cases"])) == [("downtime", 4), ("email_delivery", 3), ("support", 1)]
    assert copy.as_of is not None and datetime.now(timezone.utc) - copy.as_of < timedelta(seconds=30)


def test_updates_deletes_and_retags_are_copied_incrementally(copy, pg_db):
    assert cases_in(copy)[4] == "received"
    with pg_db.transaction() as cur:
        cur.execute("UPDATE cases SET status = 'verifying' WHERE id = 4")
        cur.execute("DELETE FROM case_themes WHERE case_id = 5")          # retagged: one theme instead of two
        cur.execute("INSERT INTO case_themes (case_id, theme_code, score, source) VALUES (5, 'support', 1, 'qa')")
        cur.execute("DELETE FROM followups WHERE case_id = 6")
        cur.execute("DELETE FROM cases WHERE id = 9")
    result = copy.refresh()
    assert not result.full and 0 < result.rows < 10
    assert cases_in(copy)[4] == "verifying" and 9 not in cases_in(copy)
    with copy.cursor() as cur:
        assert cur.execute("SELECT theme_code FROM case_themes WHERE case_id = 5").fetchall() == [("support",)]
        assert cur.execute("SELECT count(*) FROM followups").fetchone()[0] == 1


def test_a_transaction_committed_after_a_refresh_that_missed_it_is_copied(copy, pg_db):
    """The writer's xid is older than the refresh's snapshot; a copy that kept only the newest xid it had
    seen would skip it for ever."""
    import psycopg

    copy.refresh()
    slow = psycopg.connect(pg_db.url, options="-c TimeZone=UTC")
    slow.execute("UPDATE cases SET status = 'replied' WHERE id = 7")      # running, not committed
    with pg_db.transaction() as cur:                                       # a later transaction commits first
        cur.execute("UPDATE cases SET status = 'verifying' WHERE id = 4")
    copy.refresh()
    assert cases_in(copy)[4] == "verifying" and cases_in(copy)[7] == "received"
    slow.commit()
    slow.close()
    copy.refresh()
    assert cases_in(copy)[7] == "replied"


def test_a_write_by_another_process_shows_within_the_staleness_bound(copy, pg_db):
    before = cases_in(copy)
    script = ("import sys\nsys.path.insert(0, sys.argv[1])\nfrom voc.store.db import open_db\ndb = open_db()\n"
              "with db.transaction() as cur:\n    cur.execute(\"UPDATE cases SET status = 'resolved' WHERE id = 3\")\n"
              "db.close()\n")
    written = datetime.now(timezone.utc)
    subprocess.run([sys.executable, "-c", script, str(ROOT)], check=True, timeout=60,
                   env={**os.environ, "VOC_DATABASE_URL": pg_db.url})
    assert before[3] == "verifying"
    deadline = time.monotonic() + MAX_STALE_S
    while cases_in(copy)[3] != "resolved":                 # a read refreshes once the copy is 0.2 s old
        assert time.monotonic() < deadline, "the other process's write did not reach the copy within 60 s"
        time.sleep(0.1)
    assert copy.as_of >= written


def test_data_version_changes_across_connections(pg_db):
    other = PostgresDatabase(pg_db.url, migrate=False)       # another pool: as another process would
    try:
        with pg_db.cursor() as cur:
            first = analytics.data_version(cur)
        with other.transaction() as cur:
            insert_case(cur, ROWS[0])
        with pg_db.cursor() as cur:
            second = analytics.data_version(cur)
            assert analytics.data_version(cur) == second          # stable while nothing is written
        assert second != first
    finally:
        other.close()


def test_data_version_changes_when_an_older_transaction_commits_late(pg_db):
    import psycopg

    fill(pg_db)
    slow = psycopg.connect(pg_db.url, options="-c TimeZone=UTC")
    slow.execute("UPDATE cases SET status = 'replied' WHERE id = 7")
    with pg_db.transaction() as cur:
        cur.execute("UPDATE cases SET status = 'verifying' WHERE id = 4")
    with pg_db.cursor() as cur:
        while_running = analytics.data_version(cur)
    slow.commit()
    slow.close()
    with pg_db.cursor() as cur:
        assert analytics.data_version(cur) != while_running


def test_the_process_copy_is_what_the_analytics_read_in_server_mode(pg_db, tmp_path):
    from voc.store.db import Database

    fill(pg_db)
    assert replica.source(pg_db) is replica.for_database(pg_db)
    local = Database(tmp_path / "local.duckdb")
    assert replica.source(local) is local
    local.close()
    assert process_metrics.prepare(replica.source(pg_db))
    with replica.reading(pg_db) as cur:
        assert process_metrics.kpis(cur, NOVEMBER)["cases"] == 7


def test_state_hours_follow_an_event_committed_out_of_id_order(copy, pg_db):
    """The copy recomputes exactly the cases whose status events it re-read, also for an event whose id
    is older than the newest one it has (its transaction committed later)."""
    import psycopg

    copy.refresh()
    slow = psycopg.connect(pg_db.url, options="-c TimeZone=UTC")
    slow.execute("INSERT INTO events (occurred_at, actor, entity, entity_id, action, after) VALUES "
                 "(TIMESTAMP '2026-11-20 07:00', 'lan', 'case', '7', 'start_verification', '{\"status\": \"verifying\"}')")
    with pg_db.transaction() as cur:          # a later event (a higher id) commits first
        add_status_events(cur, 7, ROWS[6].received, [(0, "received", "received")])
    copy.refresh()
    slow.commit()
    slow.close()
    copy.refresh()
    with copy.cursor() as cur:
        hours = cur.execute("SELECT received FROM case_state_hours WHERE case_id = 7").fetchone()[0]
    assert hours == 5.0     # received at 02:00 UTC, verifying from 07:00 UTC


def test_a_user_changed_through_another_handle_reaches_the_version_and_the_copy(pg_db, admin):
    """Display names and roles changed in one process change the data version of the others (the key of
    their name caches) and reach their analytics copies; a sign-in's counters do not touch the users log."""
    from voc.accounts import users
    from voc.accounts.access import Role

    other = PostgresDatabase(pg_db.url, migrate=False)            # another process's pool
    copy = Replica(other.url, other.key, refresh_every_s=0.2)
    try:
        users.create_user(pg_db, admin, "hoa", "Lê Thị Hoa", Role.STAFF, "Hà Nội", "mat-khau-Dai-2026")
        with copy.cursor(exact=True) as cur:
            assert cur.execute("SELECT display_name, role, password_hash FROM users WHERE username = 'hoa'"
                               ).fetchall() == [("Lê Thị Hoa", "staff", None)]
        with other.cursor() as cur:
            before = analytics.data_version(cur)
        users.update_user(pg_db, admin, "hoa", display_name="Lê Thu Hoa", role=Role.QA, branch=None)
        with other.cursor() as cur:
            assert analytics.data_version(cur) != before
        with copy.cursor(exact=True) as cur:
            assert cur.execute("SELECT display_name, role FROM users WHERE username = 'hoa'").fetchall() == [
                ("Lê Thu Hoa", "qa")]
        with pg_db.transaction() as cur:
            cur.execute("UPDATE users SET failed_attempts = 1 WHERE username = 'hoa'")
            logged = cur.execute("SELECT count(*) FROM replica_changes WHERE table_name = 'users' "
                                 "AND xid = pg_current_xact_id()").fetchone()[0]
        assert logged == 0
    finally:
        copy.close()
        other.close()


def test_the_process_copy_closes_with_its_database(pg_db):
    """The copy's loading thread stops with the pool that started it (no load left running on a dropped
    database); the next handle gets a copy of its own, caught up from the file."""
    other = PostgresDatabase(pg_db.url, migrate=False)
    copy = replica.for_database(other)
    replica.start_loading(other)
    other.close()
    assert copy.closed and replica.for_database(pg_db) is not copy
    time.sleep(0.2)
    assert [t for t in threading.enumerate() if t.name == "voc-analytics-copy" and t.is_alive()] == []
