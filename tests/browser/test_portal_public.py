"""The public portal in a real browser (`streamlit run portal.py`): no staff page is reachable, not even
by the first visitor after a start asking for one by its address, and a customer can file a
complaint, see its code and look it up."""
from __future__ import annotations

import re
import urllib.request
from datetime import timedelta

import pytest

from tests.browser.conftest import ROOT, idle, new_page, shot
from voc.clock import local_date, utcnow
from voc.portal.lookup import NOT_FOUND

pytestmark = pytest.mark.browser

PORTAL_LINKS = ["Gửi khiếu nại", "Tra cứu hồ sơ"]
STAFF_PAGES = sorted(p.stem for p in (ROOT / "pages").glob("*.py"))
STAFF_TEXTS = ("Đăng nhập", "Mật khẩu", "Vui lòng đăng nhập", "Tiếp nhận khiếu nại", "Hồ sơ khiếu nại", "Quản trị",
               "Trang chủ", "Lắng nghe", "Giám sát", "Làm sáng tỏ", "Từ điển khách hàng")


def assert_portal_only(page, path: str) -> None:
    body = page.inner_text("body")
    assert page.get_by_role("heading", name="Gửi khiếu nại").count() == 1, (path, body[:500])
    links = [t.split("\n")[-1].strip() for t in page.locator("a").all_inner_texts() if t.strip()]
    # every link on the page: the two portal pages, the skip link and the company's mail address
    assert [t for t in links if t != "Skip to main content" and "@" not in t] == PORTAL_LINKS, (path, links)
    assert page.locator("[data-testid='stSidebar'], [data-testid='stSidebarNav']").count() == 0, path
    for text in STAFF_TEXTS:
        assert text not in body, (path, text)
    for stem in STAFF_PAGES:
        assert stem.replace("_", " ") not in links, (path, stem, links)


def test_no_staff_page_is_reachable_even_as_the_first_request_after_start(portal_server, browser):
    # The very first request this server sees is for a staff page (Streamlit's pages/ folder).
    first = new_page(browser, f"{portal_server}/admin")
    first.wait_for_timeout(500)
    shot(first, "portal-first-visit-admin")
    assert_portal_only(first, "/admin")
    for path in [f"/{stem}" for stem in STAFF_PAGES] + ["/dang-nhap", "/app"]:
        page = new_page(browser, portal_server + path)
        assert_portal_only(page, path)
        page.context.close()
    for path in ("/pages/admin.py", "/app.py", "/ui/session.py", "/voc/users.py"):     # no source is served
        body = urllib.request.urlopen(portal_server + path, timeout=10).read().decode("utf-8", "replace")
        assert "import streamlit" not in body and "def " not in body, path


COMPLAINT = "Mail gửi đi bị dội lại từ hôm qua, khách hàng không nhận được."


def file_a_complaint(page) -> str:
    """Fill and send "Gửi khiếu nại" as a customer would; the ticket code the portal shows."""
    page.get_by_label("Họ và tên *").fill("Phạm Thị Hoa")
    page.get_by_role("textbox", name="Email").fill("hoa@example.com")
    page.get_by_role("spinbutton", name="day, Ngày xảy ra sự việc *").click()
    page.keyboard.type((local_date(utcnow()) - timedelta(days=1)).strftime("%d%m%Y"))
    page.keyboard.press("Tab")
    page.get_by_label("Sự việc đã xảy ra *").fill(COMPLAINT)
    page.get_by_label("Quý khách yêu cầu chúng tôi giải quyết như thế nào *").fill("Kiểm tra và khắc phục ngay.")
    page.wait_for_timeout(5_500)          # the portal refuses forms filled faster than a person can
    page.get_by_role("button", name="Gửi khiếu nại").click()
    idle(page)
    success = page.get_by_test_id("stAlert").filter(has_text="Mã hồ sơ").first
    success.wait_for()
    return re.search(r"KN-\d{4}-\d{6}", success.inner_text()).group(0)


def test_file_a_complaint_see_the_code_and_look_it_up(portal_server, browser):
    page = new_page(browser, portal_server)
    assert page.get_by_label("Để trống ô này").is_hidden()
    code = file_a_complaint(page)
    page.get_by_text("Chúng tôi đã gửi email xác nhận tới hoa@example.com").wait_for()
    shot(page, "portal-submitted")

    page.get_by_role("link", name="Tra cứu hồ sơ").click()
    idle(page)
    page.get_by_label("Mã hồ sơ *").fill(code)
    page.get_by_label("Email hoặc số điện thoại *").fill("nguoi-khac@example.com")
    page.get_by_role("button", name="Tra cứu").click()
    idle(page)
    page.get_by_text(NOT_FOUND).wait_for()
    assert page.get_by_role("heading", name=f"Hồ sơ {code}").count() == 0

    page.get_by_label("Email hoặc số điện thoại *").fill("HOA@example.com")
    page.get_by_role("button", name="Tra cứu").click()
    idle(page)
    page.get_by_role("heading", name=f"Hồ sơ {code}").wait_for()
    page.get_by_text("Đã tiếp nhận", exact=True).wait_for()
    shot(page, "portal-lookup")
