"""Server mode (issue #13) in a real browser: the app served by two streamlit processes on one PostgreSQL
database. A change saved through one process shows in the other; a stale page of the other is refused
with the conflict message."""
from __future__ import annotations

from datetime import timedelta

import pytest

from tests.browser.conftest import idle, serve_on_postgres, shot
from tests.browser.test_case_file_walk import CONFLICT, FIRST_NOTE, open_case, signed_in_on_case
from tests.conftest import make_draft
from voc.accounts.access import Actor, Role
from voc.clock import local_date, utcnow
from voc.desk import cases

pytestmark = pytest.mark.browser


@pytest.fixture
def two_servers(tmp_path, pg_db):
    """Two `streamlit run app.py` processes with VOC_DATABASE_URL on the same database."""
    yield from serve_on_postgres(tmp_path, pg_db.url, ("app.py", "app.py"))


def test_a_case_saved_in_one_process_is_visible_in_the_other(pg_db, two_servers, browser):
    case = cases.receive(pg_db, Actor("lan", Role.STAFF, "Hà Nội", "Nguyễn Thị Lan"),
                         make_draft(event_date=local_date(utcnow()) - timedelta(days=1)))
    url_a, url_b = two_servers
    first = signed_in_on_case(browser, url_a, case.ticket_code)
    second = signed_in_on_case(browser, url_b, case.ticket_code)      # opened before the change: stale
    first.get_by_label("Ghi chú").fill(FIRST_NOTE)
    first.get_by_role("button", name="Bắt đầu xác minh").click()
    idle(first)
    first.get_by_text("Đã thực hiện: Bắt đầu xác minh.").wait_for()
    second.get_by_role("button", name="Bắt đầu xác minh").click()
    idle(second)
    second.get_by_text(CONFLICT).wait_for()
    open_case(second, url_b, case.ticket_code)                        # the other process reads the change
    assert second.get_by_test_id("stText").filter(has_text=FIRST_NOTE).count() == 1
    shot(second, "server-mode-change-seen-by-the-other-process")
    with pg_db.cursor() as cur:
        status, version = cur.execute("SELECT status, version FROM cases WHERE id = ?", [case.id]).fetchone()
        events = cur.execute("SELECT count(*) FROM events WHERE entity = 'case' AND entity_id = ?",
                             [str(case.id)]).fetchone()[0]
    assert (status, version) == ("verifying", case.version + 1)
    assert events == 2                                                # received, then verification once
