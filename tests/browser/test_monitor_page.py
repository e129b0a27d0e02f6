"""Giám sát and the pages a role may not open, in chromium: the refusal is in Vietnamese, the shared link
keeps the open tab and grouping, the copy-link button copies it, the period applies as it is picked."""
from __future__ import annotations

import pytest

from tests.browser.conftest import PASSWORD, SHOTS, idle, new_page, serve, shot
from tests.insight.test_analytics import fill
from voc.accounts import users
from voc.accounts.access import SYSTEM, Role
from voc.store.db import Database

pytestmark = pytest.mark.browser


@pytest.fixture
def filled_server(tmp_path, monkeypatch):
    """The app on a database with the analytics test cases, a staff account and a manager account."""
    monkeypatch.setenv("VOC_ADMIN_PASSWORD", PASSWORD)
    db = Database(tmp_path / "browser.duckdb")
    fill(db)
    users.ensure_first_admin(db)
    users.create_user(db, SYSTEM, "lan", "Nguyễn Thị Lan", Role.STAFF, "Hà Nội", PASSWORD)
    users.create_user(db, SYSTEM, "quanly", "Quản lý", Role.MANAGER, None, PASSWORD)
    db.close()
    yield from serve(tmp_path, "app.py")


def sign_in(browser, url: str, username: str):
    page = new_page(browser, url)
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_role("button", name="Đăng xuất").wait_for(timeout=60_000)
    idle(page)
    return page


def test_a_page_the_role_may_not_open_says_so_in_vietnamese(filled_server, browser):
    page = sign_in(browser, filled_server, "lan")
    assert page.get_by_role("link", name="Giám sát").count() == 0        # not in the staff menu
    for path in ("monitor", "admin", "clarify"):
        page.goto(f"{filled_server}/{path}")
        idle(page)
        page.get_by_text("Bạn không có quyền mở trang này.").wait_for()
        assert page.get_by_text("Page not found").count() == 0
        assert page.url.endswith(f"/{path}")
    shot(page, "page-refused")


def test_streamlit_english_hints_are_gone_and_enter_still_signs_in(filled_server, browser):
    page = new_page(browser, filled_server)
    page.get_by_label("Tên đăng nhập").fill("lan")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    hint = page.locator("[data-testid='InputInstructions']")
    assert hint.count() == 1 and "Press Enter" in hint.inner_text()   # still drawn, not shown
    assert not hint.is_visible()
    page.get_by_label("Mật khẩu").press("Enter")
    page.get_by_role("button", name="Đăng xuất").wait_for(timeout=60_000)
    page.goto(f"{filled_server}/intake")
    idle(page)
    button = page.locator("[data-testid='stFileUploaderDropzone'] button [data-testid='stMarkdownContainer'] p")
    note = page.locator("[data-testid='stFileUploaderDropzoneInstructions'] span")
    shown = "e => [getComputedStyle(e).fontSize, getComputedStyle(e, '::after').content]"
    assert button.evaluate(shown) == ["0px", '"Chọn tệp"']
    assert note.evaluate(shown) == ["0px", '"hoặc kéo thả tệp vào đây"']
    page.locator("[data-testid='stFileUploader']").screenshot(path=str(SHOTS / "uploader.png"))
