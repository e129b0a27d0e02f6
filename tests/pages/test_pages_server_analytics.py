"""Giám sát and Lắng nghe in server mode (AppTest with VOC_DATABASE_URL): the charts come from the process's
analytics copy, say up to when its data goes, and a write made elsewhere reaches them."""
from __future__ import annotations

import re

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT, signed_in
from tests.insight.test_analytics import fill
from tests.pages.test_pages_voc import LISTEN, MONITOR, NOVEMBER, metric
from voc.insight import replica

SLA = str(ROOT / "pages" / "sla_board.py")
AS_OF = re.compile(r"^Số liệu đến \d\d:\d\d$")


@pytest.fixture
def server_app(pg_db, monkeypatch):
    import streamlit as st

    fill(pg_db)
    monkeypatch.setenv("VOC_DATABASE_URL", pg_db.url)
    st.cache_resource.clear()
    st.cache_data.clear()
    yield pg_db
    st.cache_resource.clear()
    st.cache_data.clear()
    replica.close_all()


def run(path: str, actor) -> AppTest:
    app = signed_in(AppTest.from_file(path, default_timeout=60), actor)
    for name, value in NOVEMBER.items():
        app.query_params[name] = value
    app.run()
    assert not app.exception, app.exception
    return app


@pytest.mark.parametrize("path", [MONITOR, LISTEN])
def test_the_page_says_up_to_when_its_data_goes(server_app, manager, path):
    app = run(path, manager)
    assert [c.value for c in app.caption if AS_OF.match(c.value)], [c.value for c in app.caption]


def test_a_write_elsewhere_reaches_the_charts_after_a_refresh(server_app, manager):
    app = run(MONITOR, manager)
    assert metric(app, "Đang mở") == "3"
    with server_app.transaction() as cur:                 # another process closes an open case
        cur.execute("UPDATE cases SET status = 'resolved' WHERE id = 4")
    replica.for_database(server_app).refresh()            # what the next read does once 15 s have passed
    app.run()
    assert not app.exception, app.exception
    assert metric(app, "Đang mở") == "2"


def test_the_file_mode_page_has_no_such_caption(app_env, manager):
    from ui.session import get_db

    fill(get_db())
    app = run(MONITOR, manager)
    assert not [c.value for c in app.caption if AS_OF.match(c.value)]


def test_the_sla_board_counts_the_same_in_server_mode_as_on_the_file(server_app, manager, monkeypatch, tmp_path):
    import streamlit as st

    from ui.session import get_db

    labels = ("Đến hạn trong 24 giờ", "Quá hạn trả lời", "Quá hạn giải quyết", "Trong hạn")
    server = run(SLA, manager)
    on_server = {label: metric(server, label) for label in labels}
    monkeypatch.delenv("VOC_DATABASE_URL")
    monkeypatch.setenv("VOC_DB_PATH", str(tmp_path / "file.duckdb"))
    st.cache_resource.clear()
    st.cache_data.clear()
    fill(get_db())
    on_file = {label: metric(run(SLA, manager), label) for label in labels}
    assert on_server == on_file and on_server["Quá hạn trả lời"] != "0"


def test_the_risk_tab_reads_postgresql_in_server_mode(server_app, manager):
    from tests.insight.test_risk_report import THREAT, score_cases

    score_cases(server_app, {2: THREAT})
    app = signed_in(AppTest.from_file(MONITOR, default_timeout=60), manager)
    for name, value in {**NOVEMBER, "tab": "rui-ro"}.items():
        app.query_params[name] = value
    app.run()
    assert not app.exception, app.exception
    assert not app.error, [e.value for e in app.error]
    flagged = next(d.value for d in app.dataframe if "Căn cứ (lời khách hàng)" in d.value.columns)
    assert flagged["Mã hồ sơ"].tolist() == ["KN-2026-000002"]
