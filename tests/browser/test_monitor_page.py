"""Giám sát and the pages a role may not open, in chromium: the refusal is in Vietnamese, the shared link
keeps the open tab and grouping, the copy-link button copies it, the period applies as it is picked."""
from __future__ import annotations

import re

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


def sign_in_here(page, username: str) -> None:
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_role("button", name="Đăng xuất").wait_for(timeout=60_000)
    idle(page)


def test_copied_link_opens_the_same_tab_and_grouping(filled_server, browser):
    page = new_page(browser, f"{filled_server}/monitor?from=2026-11-01&to=2026-11-30")
    sign_in_here(page, "quanly")
    page.get_by_role("tab", name="Quy trình & SLA").click()
    idle(page)
    page.locator("[data-testid='stRadio']").get_by_text("Chi nhánh và tuần").click()
    idle(page)
    page.get_by_role("heading", name="Tuân thủ SLA theo chi nhánh và tuần").wait_for()
    assert "tab=quy-trinh" in page.url and "sla=branch_week" in page.url and "from=2026-11-01" in page.url

    page.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=filled_server)
    page.get_by_role("button", name="Sao chép đường dẫn").click()
    page.get_by_text("Đã sao chép đường dẫn").wait_for()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied == page.url
    shot(page, "monitor-sla-branch-week")

    colleague = new_page(browser, copied)               # another browser: the login keeps the link
    sign_in_here(colleague, "quanly")
    colleague.get_by_role("heading", name="Tuân thủ SLA theo chi nhánh và tuần").wait_for()
    assert colleague.get_by_role("tab", name="Quy trình & SLA").get_attribute("aria-selected") == "true"
    assert colleague.get_by_role("radio", name="Chi nhánh và tuần").is_checked()


def kpi(page, label: str) -> str:
    return page.locator("[data-testid='stMetric']").filter(has_text=label).locator(
        "[data-testid='stMetricValue']").inner_text()


def test_each_date_of_the_period_applies_as_it_is_picked(filled_server, browser):
    page = new_page(browser, f"{filled_server}/monitor?from=2026-11-01&to=2026-11-30")
    sign_in_here(page, "quanly")
    assert kpi(page, "Hồ sơ") == "7"
    for label, day, param in (("Tiếp nhận từ ngày", "16", "from=2026-11-16"), ("đến ngày", "20", "to=2026-11-20")):
        field = page.locator("[data-testid='stDateInput']").filter(has_text=label)
        field.get_by_test_id("stDateInputCalendarButton").click()
        page.get_by_role("gridcell").filter(has_text=re.compile(f"^{day}$")).first.click()   # one click, no leaving
        idle(page)
        assert param in page.url
    assert kpi(page, "Hồ sơ") == "2"                              # C4 (16/11) and C7 (20/11)
    shot(page, "monitor-period")
