"""Issue #11 with server mode (#13): the customers' portal and the staff desk served at the same time, as
two streamlit processes on one PostgreSQL database. A complaint filed in the portal is at once a case in
the desk, with its confirmation mail queued in the shared outbox."""
from __future__ import annotations

import pytest

from tests.browser.conftest import new_page, serve_on_postgres, shot
from tests.browser.test_case_file_walk import signed_in_on_case
from tests.browser.test_portal_public import COMPLAINT, file_a_complaint
from voc.model import Channel

pytestmark = pytest.mark.browser


@pytest.fixture
def portal_and_desk(tmp_path, pg_db):
    yield from serve_on_postgres(tmp_path, pg_db.url, ("portal.py", "app.py"))


def test_a_complaint_filed_in_the_portal_is_a_case_on_the_desk_at_once(pg_db, portal_and_desk, browser):
    portal_url, desk_url = portal_and_desk
    code = file_a_complaint(new_page(browser, portal_url))
    desk = signed_in_on_case(browser, desk_url, code)
    desk.get_by_text(COMPLAINT).first.wait_for()
    shot(desk, "portal-case-on-the-desk")
    with pg_db.cursor() as cur:
        channel, email = cur.execute("SELECT channel, customer_email FROM cases WHERE ticket_code = ?",
                                     [code]).fetchone()
        queued = cur.execute("SELECT count(*) FROM mail_outbox WHERE subject LIKE ?", [f"%[{code}]%"]).fetchone()[0]
    assert (channel, email, queued) == (Channel.EMAIL.value, "hoa@example.com", 1)
