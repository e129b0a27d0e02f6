"""A login survives a reload and a new tab (session cookie); signing out in one tab ends it in all."""
from __future__ import annotations

import pytest

from tests.browser.conftest import idle, log_in, shot

pytestmark = pytest.mark.browser


def signed_in(page) -> bool:
    return page.get_by_role("button", name="Đăng xuất").count() == 1


def test_reload_and_new_tab_keep_the_login_until_sign_out(page, server):
    log_in(page)
    assert signed_in(page)
    cookie = next(c for c in page.context.cookies() if c["name"] == "voc_session")
    assert cookie["sameSite"] == "Strict" and cookie["expires"] == -1      # gone when the browser closes

    page.goto(f"{server}/cases?open=1&q=web")          # a reload with a shared link's filters
    idle(page)
    assert signed_in(page) and page.url.endswith("/cases?open=1&q=web")
    page.get_by_role("heading", name="Hồ sơ khiếu nại").wait_for()

    other = page.context.new_page()
    other.goto(f"{server}/sla_board")
    idle(other)
    assert signed_in(other)

    page.get_by_role("button", name="Đăng xuất").click()
    idle(page)
    page.get_by_role("button", name="Đăng nhập").wait_for()
    assert "voc_session" not in {c["name"] for c in page.context.cookies()}
    other.reload()
    idle(other)
    other.get_by_role("button", name="Đăng nhập").wait_for()
    shot(other, "signed-out-everywhere")


def test_signing_out_leaves_nothing_of_the_page_and_filters_for_the_next_person(page, server):
    """#14, 27: the next person at the desk does not land on the previous user's page and filters."""
    log_in(page)
    page.goto(f"{server}/cases?open=1&q=web")
    idle(page)
    page.get_by_role("heading", name="Hồ sơ khiếu nại").wait_for()
    page.get_by_role("button", name="Đăng xuất").click()
    page.get_by_role("button", name="Đăng nhập").wait_for()
    idle(page)
    assert "?" not in page.url and "/cases" not in page.url, page.url
    log_in(page)
    assert "?" not in page.url and "/cases" not in page.url, page.url
    page.get_by_role("heading", name="VOC Desk").wait_for()
    shot(page, "signed-out-then-home")
