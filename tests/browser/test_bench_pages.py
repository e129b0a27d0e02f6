"""The page stage of `python -m voc bench`: the app served against a database file, pages timed in chromium."""
from __future__ import annotations

from pathlib import Path

import pytest

from tests.browser.conftest import CHROMIUM
from voc.cli import bench_pages
from voc.store.db import Database

pytestmark = pytest.mark.browser


def test_pages_are_timed_signed_in(tmp_path):
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed")
    path = tmp_path / "bench.duckdb"
    db = Database(path)
    token = bench_pages.bench_session(db)
    db.close()
    first, pages = bench_pages.measure_pages(path, token, tmp_path / "server.log",
                                             pages=(("home", ""), ("sla_board", "sla_board")), repeats=2)
    assert first > 0
    assert [(p.name, len(p.times_ms)) for p in pages] == [("home", 2), ("sla_board", 2)]
    assert all(t > 0 for p in pages for t in p.times_ms)
    log = (tmp_path / "server.log").read_text(errors="replace")
    assert "Traceback" not in log
