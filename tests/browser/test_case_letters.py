"""In a real browser: downloading an issued letter keeps its expander open (issue #14, item 12)."""
from __future__ import annotations

from datetime import timedelta

import pytest

from tests.browser.conftest import idle, log_in, shot
from tests.conftest import make_draft
from voc.desk import cases
from voc.accounts.access import Actor, Role
from voc.clock import local_date, utcnow
from voc.store.db import Database

pytestmark = pytest.mark.browser
BODY = "Kính gửi Quý khách,\nChúng tôi đã thay ổ đĩa máy chủ và sẽ theo dõi đến ngày 30/11."


@pytest.fixture
def verifying(tmp_path):
    """A case being verified, written to the file before the app opens it."""
    db = Database(tmp_path / "browser.duckdb")
    staff = Actor("lan", Role.STAFF, "Hà Nội", "Nguyễn Thị Lan")
    case = cases.receive(db, staff, make_draft(event_date=local_date(utcnow()) - timedelta(days=1)))
    cases.start_verification(db, staff, case.ticket_code)
    db.close()
    return case.ticket_code


def test_downloading_a_letter_keeps_it_open(verifying, page):
    code = verifying
    log_in(page)
    page.get_by_role("link", name="Hồ sơ").click()
    idle(page)
    page.get_by_label("Mở hồ sơ theo mã").fill(code)
    page.get_by_role("button", name="Mở hồ sơ").click()
    idle(page)
    page.get_by_role("heading", name=f"Hồ sơ {code}").wait_for()
    page.get_by_label("Nội dung thư (sửa trước khi phát hành)").fill(BODY)
    page.get_by_role("button", name="Phát hành thư").click()
    idle(page)
    page.get_by_text("Đã thực hiện: phát hành thư trả lời.").wait_for()    # the page now shows a message
    number = f"00001/{local_date(utcnow()).year}/TL-CSKH"
    page.get_by_text(f"Thư trả lời số {number}").first.click()     # the expander's title (the timeline names it too)
    idle(page)
    subject = page.get_by_text(f"V/v: Trả lời khiếu nại số {code}")
    subject.wait_for()
    with page.expect_download() as download:
        page.get_by_role("button", name="Tải PDF").click()
    assert download.value.suggested_filename == number.replace("/", "-") + ".pdf"
    idle(page)
    page.wait_for_timeout(500)
    assert subject.is_visible()
    # Any other rerun of the page (here: the reply checker) keeps it open too.
    page.get_by_role("button", name="Kiểm tra thư").click()
    idle(page)
    page.get_by_text("Kiểm tra thư trả lời theo tiêu chí của quy trình").wait_for()
    assert subject.is_visible()
    shot(page, "letter-kept-open")
