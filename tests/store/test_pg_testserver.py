"""The throw-away PostgreSQL cluster the server-mode tests run on."""
import os
import shutil
import time

import psycopg
import pytest

from voc.store import pg_testserver
from voc.store.pg_testserver import SERVER_TIME_ZONE


def test_the_cluster_runs_in_a_non_utc_zone_and_copies_databases_from_a_template(pg_server):
    source = pg_server.create_database("tpl_check")
    with psycopg.connect(source) as con:
        con.execute("CREATE TABLE t (x int)")
        con.execute("INSERT INTO t VALUES (7)")
        assert con.execute("SELECT current_setting('TimeZone')").fetchone()[0] == SERVER_TIME_ZONE
    copy = pg_server.create_database("tpl_copy", template="tpl_check")
    with psycopg.connect(copy) as con:
        assert con.execute("SELECT x FROM t").fetchall() == [(7,)]
    pg_server.drop_database("tpl_copy")
    pg_server.drop_database("tpl_check")


def test_a_cluster_whose_folder_was_removed_still_stops():
    if pg_testserver.unavailable_reason():
        pytest.skip(pg_testserver.unavailable_reason())
    server = pg_testserver.PostgresServer().start()
    pid = server._pid
    shutil.rmtree(server.root)
    server.stop()
    for _ in range(100):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.1)
    else:
        raise AssertionError("the postmaster is still running")
