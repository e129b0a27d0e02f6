"""In a real browser, the case file walk of issue #14: a refused form inside an expander stays open with its
error (item 6); two staff starting the verification of one case at once (item 28)."""
from __future__ import annotations

from datetime import timedelta

import pytest

from tests.browser.conftest import IDLE, idle, log_in, shot
from tests.conftest import make_draft
from voc.desk import cases
from voc.accounts.access import Actor, Role
from voc.clock import local_date, utcnow
from voc.store.db import Database

pytestmark = pytest.mark.browser
CONFLICT = "Hồ sơ vừa được người khác cập nhật nên thay đổi của bạn chưa được lưu."
FIRST_NOTE = "Đã gọi khách lúc 9h: website vẫn lỗi 503 từ 02/11, khách đồng ý để kỹ thuật kiểm tra máy chủ trong ngày."


@pytest.fixture
def received(tmp_path):
    """A case just received, written to the file before the app opens it."""
    db = Database(tmp_path / "browser.duckdb")
    case = cases.receive(db, Actor("lan", Role.STAFF, "Hà Nội", "Nguyễn Thị Lan"),
                         make_draft(event_date=local_date(utcnow()) - timedelta(days=1)))
    db.close()
    return case.ticket_code


def open_case(page, url: str, code: str) -> None:
    page.goto(f"{url}/cases?ticket={code}")
    idle(page)
    page.get_by_role("heading", name=f"Hồ sơ {code}").wait_for()


def signed_in_on_case(browser, url: str, code: str):
    """A page of its own browser context (its own session), signed in, on the case file. A fresh server's
    first run (migrations, the first admin) can outlast idle()'s 30 s on a loaded machine: waited for longer."""
    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    page.set_default_timeout(30_000)
    page.goto(url)
    page.wait_for_selector(IDLE, timeout=120_000)
    log_in(page)
    open_case(page, url, code)
    return page


def test_a_refused_form_in_an_expander_stays_open_with_its_error(received, server, browser):
    page = signed_in_on_case(browser, server, received)
    page.get_by_role("button", name="Bắt đầu xác minh").click()
    idle(page)
    page.get_by_text("Đã thực hiện: Bắt đầu xác minh.").wait_for()      # shown once, above the sections
    box = page.get_by_test_id("stExpander").filter(has_text="Ghi nhận nguyên nhân gốc")
    box.get_by_text("Ghi nhận nguyên nhân gốc").click()
    idle(page)
    box.get_by_role("textbox", name="Nguyên nhân *").fill("Ổ đĩa máy chủ hỏng")
    box.get_by_role("button", name="Lưu nguyên nhân gốc").click()         # no category: refused
    idle(page)
    page.wait_for_timeout(500)
    error = box.get_by_text("Vui lòng chọn nhóm nguyên nhân.")
    assert error.is_visible()
    assert box.get_by_role("textbox", name="Nguyên nhân *").input_value() == "Ổ đĩa máy chủ hỏng"
    shot(page, "root-cause-error-visible")


def test_two_staff_start_the_verification_at_once(received, server, browser):
    first = signed_in_on_case(browser, server, received)
    second = signed_in_on_case(browser, server, received)
    first.get_by_label("Ghi chú").fill(FIRST_NOTE)
    second.get_by_label("Ghi chú").fill("Khách gửi thêm ảnh chụp màn hình.")
    first.get_by_role("button", name="Bắt đầu xác minh").click()
    idle(first)
    first.get_by_text("Đã thực hiện: Bắt đầu xác minh.").wait_for()
    second.get_by_role("button", name="Bắt đầu xác minh").click()
    idle(second)
    second.get_by_text(CONFLICT).wait_for()
    assert second.get_by_label("Ghi chú").input_value() == "Khách gửi thêm ảnh chụp màn hình."
    # The timeline's full notes (redrawn from the database) hold the first note once and never the second.
    notes = second.get_by_test_id("stText")
    assert notes.filter(has_text=FIRST_NOTE).count() == 1
    assert notes.filter(has_text="Khách gửi thêm ảnh chụp màn hình.").count() == 0
    shot(second, "second-click-told-why")
