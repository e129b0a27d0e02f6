"""`python -m voc bench --cases N --postgres` (or `--database-url URL`): the analytics in server mode.

The N demo cases of the DuckDB bench (bench-data/bench-N.duckdb, built once) are copied into PostgreSQL:
a throw-away cluster (voc.store.pg_testserver) or the database of --database-url (its desk tables are
emptied first unless they already hold N cases). Then this process's analytics copy
(voc.insight.replica) is loaded, and the figures are: the load into PostgreSQL, the copy's initial load,
its refresh after a small write (status changes, events, a retag) and with nothing changed, PostgreSQL's
data version, the home figures, and every chart and page as `python -m voc bench --cases N` measures
them, on the copy (`server.`) and, right after each, on the DuckDB file (`file.`); the copy's restart
(closed, a write meanwhile, opened again from its file and caught up: `server.replica_restart`); then
every page in chromium served on PostgreSQL and on the file (`server.browser.`, `file.browser.`; not with
--no-pages): a comparison that holds
under the shared machine's changing load. Output: one figure a line, `name: value unit`.
"""
from __future__ import annotations

import shutil
import statistics
import tempfile
import time
from pathlib import Path

from voc.accounts.access import Actor, Role
from voc.cli.bench_analytics import Figure, _ms, _overhead, _scenarios, bench_search, median_ms, open_dataset
from voc.insight import analytics, overview, page_charts, process_metrics
from voc.insight.replica import Replica

WRITE_ROUNDS = 7
BENCH_ACTOR = Actor("bench-admin", Role.ADMIN, None, "Bench")
NOT_COPIED = ("schema_migrations", "replica_changes", "case_state_hours", "analytics_watermarks")


def _pg_count(pg, table: str = "cases") -> int:
    with pg.cursor() as cur:
        return cur.execute(f"SELECT count(*) FROM {table}").fetchone()[0]   # a constant table name


def load_into_postgres(duck, pg) -> int:
    """Copy every desk table of the DuckDB file `duck` into the PostgreSQL database `pg` (emptied first):
    DuckDB writes CSV, PostgreSQL's COPY reads it; the id sequences continue after the copied ids.
    Returns the rows copied."""
    import psycopg
    from psycopg import sql

    with duck.cursor() as cur:
        tables = {t: cur.execute(
            "SELECT column_name, data_type FROM information_schema.columns WHERE table_name = ? "
            "ORDER BY ordinal_position", [t]).fetchall() for (t,) in cur.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database()").fetchall()
            if t not in NOT_COPIED}
    rows = 0
    with tempfile.TemporaryDirectory(prefix="voc-bench-") as tmp, psycopg.connect(
            pg.url, options="-c TimeZone=UTC") as con:
        con.execute(sql.SQL("TRUNCATE {}").format(sql.SQL(", ").join(sql.Identifier(t) for t in tables)))
        for table, columns in tables.items():
            path = Path(tmp) / f"{table}.csv"
            # bytea's input is '\x' and hex digits (the names come from the file's own catalog)
            names = ", ".join(f"'\\x' || hex(\"{c}\")" if kind == "BLOB" else f'"{c}"' for c, kind in columns)
            with duck.cursor() as cur:
                cur.execute(f"COPY (SELECT {names} FROM \"{table}\") TO '{path}' "
                            "(FORMAT csv, HEADER false, NULLSTR '\\N', QUOTE '\"', ESCAPE '\"')")
            copy_sql = sql.SQL("COPY {} ({}) FROM STDIN (FORMAT csv, NULL '\\N')").format(
                sql.Identifier(table), sql.SQL(", ").join(sql.Identifier(c) for c, _ in columns))
            with con.cursor() as pcur:
                with pcur.copy(copy_sql) as copy, path.open("rb") as data:
                    while chunk := data.read(1 << 20):
                        copy.write(chunk)
                rows += max(pcur.rowcount, 0)
            path.unlink()
        for table, column, default in con.execute(
                "SELECT table_name, column_name, column_default FROM information_schema.columns "
                "WHERE table_schema = current_schema() AND column_default LIKE 'nextval(%'").fetchall():
            sequence = default.split("'")[1]
            con.execute(sql.SQL("SELECT setval({}, greatest((SELECT max({}) FROM {}), 1))").format(
                sql.Literal(sequence), sql.Identifier(column), sql.Identifier(table)))
        con.commit()
        con.autocommit = True
        con.execute("VACUUM ANALYZE")
    return rows


def small_write(pg, round_no: int) -> None:
    """What the desk writes in a few seconds of a busy day: 20 cases change status (with their events),
    5 cases are retagged."""
    with pg.transaction() as cur:
        ids = [r[0] for r in cur.execute(
            "SELECT id FROM cases WHERE status = 'received' ORDER BY id LIMIT 20 OFFSET ?", [20 * round_no]).fetchall()]
        for case_id in ids:
            cur.execute("UPDATE cases SET status = 'verifying' WHERE id = ?", [case_id])
            cur.execute("INSERT INTO events (occurred_at, actor, entity, entity_id, action, after) VALUES "
                        "(now()::TIMESTAMP, 'bench', 'case', ?, 'start_verification', '{\"status\": \"verifying\"}')",
                        [str(case_id)])
        for case_id in ids[:5]:
            themes = cur.execute("SELECT theme_code, score FROM case_themes WHERE case_id = ?", [case_id]).fetchall()
            cur.execute("DELETE FROM case_themes WHERE case_id = ?", [case_id])
            for code, score in themes:
                cur.execute("INSERT INTO case_themes (case_id, theme_code, score, source) VALUES (?, ?, ?, 'qa')",
                            [case_id, code, score])


def restart(copy: Replica, pg, folder: Path) -> Replica:
    """A process restart: the copy's file is closed, the desk writes meanwhile (one small write), and a new
    copy opens the file and catches up (`server.replica_restart`, beside the initial load)."""
    copy.close()
    small_write(pg, WRITE_ROUNDS)
    started = time.perf_counter()
    again = Replica(pg.url, pg.key, directory=folder)
    done = again.refresh()
    print(Figure("server.replica_restart", (time.perf_counter() - started) * 1000).line(), flush=True)
    print(Figure("server.replica_restart_rows", done.rows, "rows").line(), flush=True)
    return again


def compare_pages(duck, copy) -> list[Figure]:
    """Every chart's median on the copy (`server.`) and, measured right after, on the DuckDB file (`file.`):
    a comparison that holds on a shared machine whose load changes from minute to minute."""
    figures: list[Figure] = []
    slowest: dict[str, list[float]] = {"server": [], "file": []}
    pages: dict[str, list[float]] = {"server": [], "file": []}
    for scenario, f in _scenarios(copy).items():
        for page, charts in page_charts.PAGE_CHARTS.items():
            totals = {}
            for side, db in (("server", copy), ("file", duck)):
                with db.cursor() as cur:
                    totals[side] = median_ms(lambda: _overhead(cur))
            for name, (fn, kwargs) in charts.items():
                for side, db in (("server", copy), ("file", duck)):
                    with db.cursor() as cur:
                        value = median_ms(lambda: fn(cur, f, **kwargs))
                    figures.append(Figure(f"{side}.chart.{scenario}.{page}.{name}", value))
                    slowest[side].append(value)
                    totals[side] += value
            if page == "monitor":
                for side, db in (("server", copy), ("file", duck)):
                    totals[side] += median_ms(lambda: process_metrics.prepare(db))
            for side, total in totals.items():
                figures.append(Figure(f"{side}.page.{scenario}.{page}", total))
                pages[side].append(total)
    for side in ("server", "file"):
        figures.append(Figure(f"{side}.slowest_chart_median", max(slowest[side])))
        figures.append(Figure(f"{side}.slowest_page_total", max(pages[side])))
    return figures


def compare_browser_pages(duck, pg, folder: Path, **which) -> list[Figure]:
    """Every page in chromium (voc.cli.bench_pages) served on PostgreSQL (`server.browser.`; the app's
    analytics copy opens the bench's file in `folder` and catches up, as after a restart) and on the DuckDB
    file (`file.browser.`), printed side by side (`which`: measure_pages' pages and repeats). Closes `duck`
    (the served app opens the file itself)."""
    from voc.cli.bench_analytics import browser_pages
    from voc.cli.bench_pages import bench_session
    from voc.insight.replica_file import REPLICA_DIR_ENV

    path = Path(duck.path)
    tokens = bench_session(pg), bench_session(duck)
    duck.close()
    server = browser_pages(path, tokens[0], "server.browser", log=path.with_suffix(".server-pg.log"),
                           env={"VOC_DATABASE_URL": pg.url, REPLICA_DIR_ENV: str(folder)}, **which)
    local = browser_pages(path, tokens[1], "file.browser", **which)
    return [fig for pair in zip(server, local) for fig in pair]


def run_server_bench(args) -> int:
    from voc.store.pg import PostgresDatabase

    duck, figures = open_dataset(args)
    server = None
    try:
        if args.database_url:
            url = args.database_url
        else:
            from voc.store.pg_testserver import PostgresServer

            server = PostgresServer().start()
            url = server.create_database("voc_bench")
        pg = PostgresDatabase(url)
        if _pg_count(pg) != args.cases:
            figures.append(Figure("server.setup_postgres_load", _ms(lambda: load_into_postgres(duck, pg)) / 1000, "s"))
        figures.append(Figure("server.cases", _pg_count(pg), "rows"))
        figures.append(Figure("server.events", _pg_count(pg, "events"), "rows"))
        for fig in figures:
            print(fig.line(), flush=True)
        folder = Path(tempfile.mkdtemp(prefix="voc-bench-copies-"))
        copy = Replica(pg.url, pg.key, directory=folder)
        first = copy.refresh()
        print(Figure("server.replica_initial_load", first.seconds, "s").line(), flush=True)
        print(Figure("server.replica_initial_rows", first.rows, "rows").line(), flush=True)
        for stage, seconds in first.stages.items():
            print(Figure(f"server.replica_initial_load.{stage}", seconds, "s").line(), flush=True)
        copy = restart(copy, pg, folder)
        refreshes, idle, versions, stages = [], [], [], []
        for round_no in range(WRITE_ROUNDS):
            small_write(pg, round_no)
            done = copy.refresh()
            refreshes.append(done.seconds * 1000)
            stages.append(done.stages)
            idle.append(copy.refresh().seconds * 1000)
            with pg.cursor() as cur:
                versions.append(_ms(lambda: analytics.data_version(cur)))
        home = median_ms(lambda: overview.summary(pg, BENCH_ACTOR))      # on the copy, made current first
        print(Figure("server.home_summary", home).line(), flush=True)
        refresh_ms = statistics.median(refreshes)
        print(Figure("server.replica_refresh_after_small_write", refresh_ms).line())
        for stage in stages[0]:
            print(Figure(f"server.replica_refresh_after_small_write.{stage}",
                         statistics.median(s[stage] for s in stages) * 1000).line())
        print(Figure("server.replica_refresh_nothing_changed", statistics.median(idle)).line())
        print(Figure("server.pg_data_version", statistics.median(versions)).line(), flush=True)
        for fig in bench_search(copy):
            print(Figure(f"server.{fig.name}", fig.value, fig.unit).line(), flush=True)
        for fig in compare_pages(duck, copy):
            print(fig.line(), flush=True)
        copy.close()
        if not args.no_pages:
            for fig in compare_browser_pages(duck, pg, folder):
                print(fig.line(), flush=True)
        else:
            duck.close()
        shutil.rmtree(folder, ignore_errors=True)
        pg.close()
    finally:
        if server is not None:
            server.stop()
    return 0

