"""End to end in a real browser: log in, log a case through Tiếp nhận, find it on the SLA board."""
from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest

from tests.browser.conftest import idle, log_in, shot
from voc.clock import local_date, utcnow

pytestmark = pytest.mark.browser


def test_intake_to_sla_board(page):
    log_in(page)
    shot(page, "after-login")
    page.get_by_role("link", name="Tiếp nhận").click()
    idle(page)
    page.get_by_label("Họ tên khách hàng *").fill("Nguyễn Văn An")
    page.get_by_label("Chi nhánh tiếp nhận *").fill("Hà Nội")
    page.get_by_role("textbox", name="Điện thoại").fill("0912345678")
    event = local_date(utcnow()) - timedelta(days=2)
    page.get_by_role("spinbutton", name="day, Ngày xảy ra sự việc *").click()
    page.keyboard.type(event.strftime("%d%m%Y"))
    page.keyboard.press("Tab")
    page.get_by_label("Nội dung phản ánh *").fill("Website bị sập từ sáng thứ Bảy, khách không truy cập được.")
    page.get_by_label("Yêu cầu cần giải quyết *").fill("Khôi phục website ngay.")
    shot(page, "intake-filled")
    page.get_by_role("button", name="Lưu hồ sơ").click()
    idle(page)
    success = page.get_by_test_id("stAlert").filter(has_text="Đã lưu hồ sơ").first
    success.wait_for()
    code = re.search(r"KN-\d{4}-\d{6}", success.inner_text()).group(0)
    shot(page, "intake-saved")
    # The PDFs are built on the click (deferred download), and are real PDFs named after the case.
    for label, name in (("Tải xác nhận (PDF)", f"xac-nhan-{code}.pdf"),
                        ("In Phiếu tiếp nhận (PDF)", f"phieu-tiep-nhan-{code}.pdf")):
        with page.expect_download() as info:
            page.get_by_role("button", name=label).click()
        download = info.value
        assert download.suggested_filename == name
        assert Path(download.path()).read_bytes().startswith(b"%PDF")
        idle(page)
    page.get_by_role("link", name="SLA").click()
    idle(page)
    page.get_by_role("tab", name=re.compile("Trong hạn")).click()
    idle(page)
    page.wait_for_timeout(1000)
    shot(page, "sla-board")
    grid = page.locator("[data-testid='stTabPanel']:visible [data-testid='stDataFrame']").first
    # st.dataframe paints on a canvas; its accessible shadow table holds the cell texts.
    assert code in grid.inner_html(), f"{code} not on the SLA board's on-time list"
    # One click on the row opens its case file.
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 14, box["y"] + 52)
    idle(page)
    page.get_by_role("heading", name=f"Hồ sơ {code}").wait_for()
    page.wait_for_timeout(500)
    shot(page, "case-file")

