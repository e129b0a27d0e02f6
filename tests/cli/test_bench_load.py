"""`python -m voc bench --load` for real at a small size: two signed-in chromium sessions, one round, on one
app process with a DuckDB file and on two app processes with a PostgreSQL database of the test server."""
from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.browser.conftest import CHROMIUM
from tests.cli.test_cli import run
from voc.cli.bench_load import cpu_seconds, percentile

pytestmark = [pytest.mark.browser, pytest.mark.slow]
FIGURE = re.compile(r"^([\w.]+): (\S+)(?: (.+))?$")
CASES, SESSIONS = 200, 2


def figures_of(stdout: str) -> dict[str, str]:
    """Every output line is `name: value unit`; the values by name."""
    figures = {}
    for line in stdout.splitlines():
        match = FIGURE.match(line)
        assert match, f"not a figure line: {line!r}"
        figures[match.group(1)] = match.group(2)
    return figures


def test_the_load_bench_drives_both_setups_and_loses_nothing(tmp_path, pg_server):
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed")
    url = pg_server.create_database("voc_load_test")
    done = run("bench", "--load", "--sessions", str(SESSIONS), "--rounds", "1", "--cases", str(CASES),
               "--db", str(tmp_path / "bench.duckdb"), "--database-url", url, "--action-timeout", "120")
    assert_both_setups_lose_nothing(done, url, "browser")


def assert_both_setups_lose_nothing(done, url: str, driver: str) -> None:
    """A one-round run at SESSIONS sessions on both setups: every submit confirmed and saved once, with no
    error box, failure or traceback; the PostgreSQL database keeps the submits' cases."""
    assert done.returncode == 0, done.stdout + done.stderr
    figures = figures_of(done.stdout)
    assert figures["load.driver"] == driver
    for setup in ("duckdb", "postgres"):
        fig = {name.split(".", 3)[3]: value for name, value in figures.items()
               if name.startswith(f"load.{setup}.n{SESSIONS}.")}
        assert int(fig["submits"]) == int(fig["submits_confirmed"]) == int(fig["cases_created"]) == SESSIONS, fig
        for name in ("lost_cases", "duplicated_cases", "wrong_ticket_codes", "error_boxes", "server_tracebacks",
                     "failed_sessions"):
            assert fig[name] == "0", (setup, name, done.stderr)
        assert fig["rounds"] == "1"
        for action in ("intake_open", "intake_submit", "case_list", "sla_board"):
            assert fig[f"{action}.actions"] == str(SESSIONS)
            assert 0 < float(fig[f"{action}.p50"]) <= float(fig[f"{action}.p95"])
        assert float(fig["intake_submit.cpu_per_action"]) > 0
        assert float(fig["submits_per_second"]) > 0
    assert float(figures[f"load.n{SESSIONS}.processes_2_vs_1.submits_per_second_ratio"]) > 0
    assert figures["target.intake_submit.cpu_per_action"] == "0.25"
    assert figures[f"met.duckdb.n{SESSIONS}.lost_cases"] == "yes"
    # The PostgreSQL database keeps what the two processes saved: the demo set, each process's warm-up case
    # and one case a submit.
    total, marked = pg_rows(url, "SELECT count(*), count(*) FILTER (WHERE content LIKE ?) FROM cases", ["%LOAD-%"])[0]
    assert (total, marked) == (CASES + 2 + SESSIONS, SESSIONS)


def pg_rows(url: str, sql: str, params: list) -> list[tuple]:
    from voc.store.pg import PostgresDatabase

    database = PostgresDatabase(url)
    try:
        with database.cursor() as cur:
            return cur.execute(sql, params).fetchall()
    finally:
        database.close()


def test_cpu_seconds_count_this_process_work():
    before = cpu_seconds([os.getpid()])
    end = time.process_time() + 0.3
    while time.process_time() < end:
        pass
    assert cpu_seconds([os.getpid()]) - before >= 0.25


def test_cpu_seconds_leave_out_the_excluded_processes():
    burner = subprocess.Popen([sys.executable, "-c", "import sys, time\nend = time.process_time() + 0.5\n"
                               "while time.process_time() < end: pass\nsys.stdin.read()"], stdin=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 60
        while cpu_seconds([burner.pid]) < 0.45 and time.monotonic() < deadline:
            time.sleep(0.05)
        # this process's own time only grows between the reads: the one without the burner first
        mine = cpu_seconds([os.getpid()], excluding=[burner.pid])
        everything = cpu_seconds([os.getpid()])
        assert everything - mine >= 0.45
    finally:
        burner.communicate(b"")


def test_percentiles_are_nearest_rank():
    values = [5.0, 1.0, 4.0, 2.0, 3.0]
    assert (percentile(values, 0.5), percentile(values, 0.95), percentile([], 0.5)) == (3.0, 5.0, 0.0)
