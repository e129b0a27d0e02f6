"""`bench --cases N --postgres`: the pages timed in chromium with the app served on PostgreSQL (its analytics
copy reopened from the bench's file and caught up), side by side with the same pages on the DuckDB file."""
from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from tests.browser.conftest import CHROMIUM
from tests.insight.test_analytics import fill
from voc.cli.bench_server import compare_browser_pages
from voc.insight.replica import Replica
from voc.store.db import Database

pytestmark = pytest.mark.browser


def test_pages_are_timed_on_postgresql_beside_the_file(pg_db, tmp_path):
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed")
    fill(pg_db)
    duck = Database(tmp_path / "bench.duckdb")
    fill(duck)
    folder = tmp_path / "copies"
    copy = Replica(pg_db.url, pg_db.key, directory=folder)
    copy.refresh()
    loaded_at = copy.as_of.replace(tzinfo=None)
    copy.close()
    figures = compare_browser_pages(duck, pg_db, folder, pages=(("home", ""), ("monitor", "monitor")), repeats=1)
    names = [f.name for f in figures]
    assert names[:6] == ["server.browser.first_request", "file.browser.first_request",
                         "server.browser.home", "file.browser.home",
                         "server.browser.home.ratio_to_home", "file.browser.home.ratio_to_home"]
    assert {"server.browser.monitor", "file.browser.monitor"} <= set(names)
    assert all(f.value > 0 for f in figures)
    for log in ("bench.server-pg.log", "bench.server.log"):
        assert "Traceback" not in (tmp_path / log).read_text(errors="replace")
    [path] = folder.glob("*.duckdb")          # the app served on PostgreSQL reopened the bench's copy, caught up
    with duckdb.connect(str(path), read_only=True) as con:
        assert con.execute("SELECT as_of FROM replica_meta").fetchone()[0] > loaded_at
