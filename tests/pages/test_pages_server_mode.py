"""Server mode (issue #13): the desk's pages open on PostgreSQL (AppTest, VOC_DATABASE_URL set) with a case
in the database, and a case received through the app is stored there."""
from __future__ import annotations

from datetime import timedelta

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT, make_draft, signed_in
from voc.accounts.access import Actor, Role
from voc.clock import local_date, utcnow
from voc.desk import cases

ADMIN = Actor("admin", Role.ADMIN, None, "Quản trị viên")
DESK_PAGES = ("intake", "cases", "sla_board", "respond", "dictionary", "admin")


@pytest.fixture
def pg_app_env(pg_db, monkeypatch):
    """The app on a fresh PostgreSQL database; Streamlit's caches cleared around the test."""
    import streamlit as st

    monkeypatch.setenv("VOC_DATABASE_URL", pg_db.url)
    st.cache_resource.clear()
    st.cache_data.clear()
    yield pg_db
    from ui.session import get_db

    get_db().close()
    st.cache_resource.clear()
    st.cache_data.clear()


@pytest.mark.parametrize("page", DESK_PAGES)
def test_the_desk_pages_open_on_postgresql(pg_app_env, page):
    received = utcnow() - timedelta(hours=3)
    case = cases.receive(pg_app_env, ADMIN, make_draft(event_date=local_date(received)), received_at=received)
    app = signed_in(AppTest.from_file(str(ROOT / "pages" / f"{page}.py"), default_timeout=60), ADMIN)
    if page == "cases":
        app.query_params["ticket"] = case.ticket_code
    app.run()
    assert not app.exception, app.exception
    assert not app.error, [e.value for e in app.error]
    if page == "cases":
        assert any(case.ticket_code in h.value for h in [*app.header, *app.title, *app.subheader])


def test_the_app_signs_in_to_the_home_page_on_postgresql(pg_app_env):
    app = signed_in(AppTest.from_file(str(ROOT / "app.py"), default_timeout=60), ADMIN)
    app.run()
    assert not app.exception, app.exception
    assert any("Đăng xuất" in b.label for b in app.button)
