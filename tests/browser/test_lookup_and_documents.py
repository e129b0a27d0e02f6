"""In a real browser (issue #14, items 22-23): the hotline looks the caller up by phone at Tiếp nhận,
follows the link to the case file and adds the meeting minutes there; the same file twice is refused."""
from __future__ import annotations

from datetime import timedelta

import pytest

from tests.browser.conftest import idle, log_in, shot
from tests.conftest import make_draft
from voc.accounts.access import Actor, Role
from voc.clock import local_date, utcnow
from voc.desk import cases
from voc.model import Customer
from voc.store.db import Database

pytestmark = pytest.mark.browser


@pytest.fixture
def earlier(tmp_path):
    """The caller's earlier case, written to the file before the app opens it."""
    db = Database(tmp_path / "browser.duckdb")
    staff = Actor("lan", Role.STAFF, "Hà Nội", "Nguyễn Thị Lan")
    draft = make_draft(customer=Customer("Nguyễn Văn An", "0912 345 678"),
                       event_date=local_date(utcnow()) - timedelta(days=1))
    code = cases.receive(db, staff, draft).ticket_code
    db.close()
    return code


def test_lookup_by_phone_then_add_minutes_to_the_case_file(earlier, page, tmp_path):
    code = earlier
    log_in(page)
    page.get_by_role("link", name="Tiếp nhận", exact=True).click()
    idle(page)
    page.get_by_label("Tra cứu hồ sơ của khách hàng theo SĐT hoặc email").fill("+84 912.345.678")
    page.get_by_role("button", name="Tra cứu").click()
    idle(page)
    link = page.get_by_role("link", name=f"{code} — Đã tiếp nhận")
    link.wait_for()
    shot(page, "intake-lookup")
    link.click()
    idle(page)
    page.get_by_role("heading", name=f"Hồ sơ {code}").wait_for()
    page.get_by_test_id("stSelectbox").filter(has_text="Loại tài liệu").click()
    page.get_by_role("option", name="Biên bản làm việc").click()
    minutes = tmp_path / "bien-ban.pdf"
    minutes.write_bytes(b"%PDF-1.4\n% bien ban\n")
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(minutes))
    page.get_by_text("bien-ban.pdf").first.wait_for()
    page.get_by_role("button", name="Thêm tài liệu").click()
    idle(page)
    page.get_by_text("Đã thực hiện: thêm 1 tài liệu (Biên bản làm việc).").wait_for()
    page.get_by_role("button", name="bien-ban.pdf").wait_for()
    page.get_by_text("Biên bản làm việc — admin").wait_for()
    shot(page, "case-document-added")
    page.locator("[data-testid='stFileUploaderDropzoneInput']").set_input_files(str(minutes))
    page.get_by_role("button", name="Thêm tài liệu").click()
    idle(page)
    page.get_by_text("Tệp “bien-ban.pdf” đã có trong hồ sơ").wait_for()
    shot(page, "case-document-duplicate")
