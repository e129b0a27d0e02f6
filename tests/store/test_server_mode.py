"""Server mode (issue #13): backend selection, the PostgreSQL adapter and its migrations."""
from __future__ import annotations

import json
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone

import pytest

from tests.conftest import ROOT
from voc.errors import DatabaseUnavailable
from voc.store import dialect
from voc.store.db import Database, open_db
from voc.store.pg import PostgresDatabase
from voc.store.schema import MIGRATIONS_DIR, PG_MIGRATIONS_DIR, available_migrations


def test_without_a_url_the_duckdb_file_is_the_database(tmp_path, monkeypatch):
    monkeypatch.delenv("VOC_DATABASE_URL", raising=False)
    db = open_db(tmp_path / "plain.duckdb")
    assert isinstance(db, Database) and db.dialect == dialect.DUCKDB and db.key == str(tmp_path / "plain.duckdb")
    db.close()


@pytest.mark.parametrize("url", ["mysql://u:p@127.0.0.1:3306/voc", "sqlite:///tmp/voc.db", "voc.duckdb"])
def test_an_unknown_scheme_stops_the_start(tmp_path, monkeypatch, url):
    monkeypatch.setenv("VOC_DATABASE_URL", url)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(DatabaseUnavailable, match="VOC_DATABASE_URL phải có dạng postgresql://"):
        open_db(tmp_path / "never.duckdb")
    assert list(tmp_path.iterdir()) == []           # no local file was made instead


def test_an_unreachable_server_stops_the_start_without_the_password(tmp_path, monkeypatch):
    import socket

    with socket.socket() as s:                      # a port nobody listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("VOC_DATABASE_URL", f"postgresql://voc:secret-pw@127.0.0.1:{port}/voc")
    with pytest.raises(DatabaseUnavailable) as raised:
        open_db(tmp_path / "never.duckdb")
    message = str(raised.value)
    assert f"Không kết nối được cơ sở dữ liệu PostgreSQL postgresql://voc@127.0.0.1:{port}/voc" in message
    assert "secret-pw" not in message and "không chuyển sang tệp DuckDB" in message
    assert not (tmp_path / "never.duckdb").exists()


def test_the_cli_reports_an_unreachable_server_in_vietnamese(tmp_path):
    done = subprocess.run([sys.executable, "-m", "voc", "init"], cwd=ROOT, capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin", "VOC_DATABASE_URL": "postgresql://voc:x@127.0.0.1:1/voc",
                               "VOC_DB_PATH": str(tmp_path / "never.duckdb"), "HOME": str(tmp_path)}, timeout=120)
    assert done.returncode == 1
    assert "Lỗi: Không kết nối được cơ sở dữ liệu PostgreSQL" in done.stderr
    assert not (tmp_path / "never.duckdb").exists()


def test_a_url_selects_postgresql(pg_server, pg_template, monkeypatch):
    monkeypatch.setenv("VOC_DATABASE_URL", pg_server.url(pg_template))
    db = open_db()
    assert isinstance(db, PostgresDatabase) and db.dialect == dialect.POSTGRES
    assert db.key == pg_server.url(pg_template).replace(f":{pg_server.password}", "") and pg_server.password not in db.key
    db.close()


def test_both_backends_have_the_same_migrations_tables_and_columns(tmp_path, pg_db):
    duck = [(v, n) for v, n, _ in available_migrations(MIGRATIONS_DIR)]
    pg = [(v, n) for v, n, _ in available_migrations(PG_MIGRATIONS_DIR)]
    assert duck == pg
    local = Database(tmp_path / "schema.duckdb")
    sql = ("SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema() "
           "ORDER BY 1, 2")
    with local.cursor() as a, pg_db.cursor() as b:
        assert a.execute(sql).fetchall() == b.execute(sql).fetchall()
        assert a.execute("SELECT version FROM schema_migrations ORDER BY 1").fetchall() == \
            b.execute("SELECT version FROM schema_migrations ORDER BY 1").fetchall()
    local.close()


def test_timestamps_stay_utc_whatever_the_server_zone(pg_db):
    import psycopg

    with psycopg.connect(pg_db.url) as plain:            # a connection of the server's own zone
        assert plain.execute("SHOW TimeZone").fetchone()[0] == "Asia/Ho_Chi_Minh"
    with pg_db.transaction() as cur:
        cur.execute("INSERT INTO settings (key, value) VALUES ('t', 'x')")
        cur.execute("INSERT INTO schema_migrations (version, name, applied_at) VALUES (999, 't', now()::TIMESTAMP)")
        stored = cur.execute("SELECT applied_at FROM schema_migrations WHERE version = 999").fetchone()[0]
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    assert abs(stored - now) < timedelta(minutes=1)


@pytest.mark.parametrize("sql, expected", [
    ("SELECT ? , '?' , \"a?\" -- ?\n, ?", "SELECT $1 , '?' , \"a?\" -- ?\n, $2"),
    ("SELECT $b, $a, $b, '$a'", "SELECT $1, $2, $1, '$a'"),
    ("SELECT 1 WHERE list_contains(?, lower(x || ','))", "SELECT 1 WHERE ((lower(x || ',')) = ANY($1))"),
    ("SELECT json_object('k', ?, 'n', n)", "SELECT json_build_object('k',$1::text, 'n', n)"),
    ("SELECT TRY_CAST(split_part(d, '/', 1) AS BIGINT)", "SELECT voc_try_bigint(split_part(d, '/', 1))"),
    ("SELECT x - INTERVAL 24 HOUR, 'INTERVAL 7 HOUR'", "SELECT x - INTERVAL '24 hours', 'INTERVAL 7 HOUR'"),
    ("SELECT arg_max(a, id), max_by(l.id, l.at, $n) FROM t",
     "SELECT ((array_agg(a ORDER BY id DESC) FILTER (WHERE (a) IS NOT NULL AND (id) IS NOT NULL))[1]), "
     "((array_agg(l.id ORDER BY l.at DESC) FILTER (WHERE (l.id) IS NOT NULL AND (l.at) IS NOT NULL))[1:$1]) FROM t"),
    ("SELECT a, (b + 1) AS c, count(*) FILTER (WHERE x IN (1, 2)) AS n FROM t GROUP BY ALL ORDER BY ALL",
     "SELECT a, (b + 1) AS c, count(*) FILTER (WHERE x IN (1, 2)) AS n FROM t GROUP BY 1, 2 ORDER BY 1, 2, 3"),
    ("WITH p AS (SELECT a, max(b) AS m FROM t GROUP BY ALL) SELECT sum(m) FROM p GROUP BY ALL",
     "WITH p AS (SELECT a, max(b) AS m FROM t GROUP BY 1) SELECT sum(m) FROM p "),
    ("SELECT t - INTERVAL (i % 7) DAY", "SELECT t - ((i % 7) * INTERVAL '1 day')"),
])
def test_duckdb_sql_is_translated_outside_literals(sql, expected):
    assert dialect.to_postgres(sql).sql == expected


def test_a_null_parameter_is_written_as_null():
    sql, params = dialect.to_postgres("SELECT $a IS NULL, $b, $a").bind({"a": None, "b": 5})
    assert (sql, params) == ("SELECT NULL IS NULL, $1, NULL", [5])


def test_two_processes_starting_on_a_fresh_database_apply_the_migrations_once(pg_server):
    """Both start at the same instant on an empty database: one applies every migration, the other waits
    on the advisory lock and finds them applied."""
    url = pg_server.create_database("fresh_start")
    script = ("import json, sys, time\n"
              "from voc.store.pg import PostgresDatabase\n"
              "time.sleep(max(0.0, float(sys.argv[1]) - time.time()))\n"
              "db = PostgresDatabase(sys.argv[2], migrate=False)\n"
              "print(json.dumps(db.migrate()))\n")
    start_at = time.time() + 3
    procs = [subprocess.Popen([sys.executable, "-c", script, str(start_at), url], cwd=ROOT,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [p.communicate(timeout=120) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outputs
    applied = sorted((json.loads(out) for out, _ in outputs), key=len)
    every = [v for v, _, _ in available_migrations(PG_MIGRATIONS_DIR)]
    assert applied == [[], every]
    db = PostgresDatabase(url, migrate=False)
    with db.cursor() as cur:
        assert cur.execute("SELECT version, count(*) FROM schema_migrations GROUP BY 1 ORDER BY 1").fetchall() == \
            [(v, 1) for v in every]
    db.close()
    pg_server.drop_database("fresh_start")
