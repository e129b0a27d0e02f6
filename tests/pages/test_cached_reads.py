"""Cached reads of the UI are keyed on the data version read from the database: a write made
through another connection (a command-line import, another process's cursor) shows at once,
without any cache being cleared."""
from __future__ import annotations

from tests.conftest import make_draft
from voc.accounts.access import Actor, Role
from voc.desk import cases
from voc.store.db import Database

ADMIN = Actor("admin", Role.ADMIN, None, "Quản trị viên")


def test_known_branches_follow_a_write_from_another_connection(app_env):
    from ui.session import get_db
    from ui.widgets import known_values

    cases.receive(get_db(), ADMIN, make_draft(branch="Hà Nội"))
    assert known_values("branch") == ["Hà Nội"]
    other = Database(app_env)
    try:
        cases.receive(other, ADMIN, make_draft(branch="Đà Nẵng"))
    finally:
        other.close()
    assert sorted(known_values("branch")) == ["Hà Nội", "Đà Nẵng"]


def test_chart_queries_follow_a_write_from_another_connection(app_env):
    from ui import charts
    from ui.session import get_db
    from voc.insight.analytics import Filters

    cases.receive(get_db(), ADMIN, make_draft())
    assert charts.query(get_db(), "kpis", Filters())["cases"] == 1
    other = Database(app_env)
    try:
        cases.receive(other, ADMIN, make_draft(branch="Đà Nẵng"))
    finally:
        other.close()
    assert charts.query(get_db(), "kpis", Filters())["cases"] == 2
    assert "Đà Nẵng" in charts.filter_options(get_db())["branches"]
