"""End to end in a real browser: log in, log a case through Tiếp nhận, find it on the SLA board.

Runs `streamlit run app.py` on a free local port against a fresh database file and drives
Debian's chromium through Playwright (never a downloaded browser).
"""
from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

import pytest

from voc.clock import local_date, utcnow

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
PASSWORD = "browser-test-Pw-2026"
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
SHOTS = Path(os.environ.get("VOC_SCREENSHOTS", "/tmp/voc-browser"))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(tmp_path):
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium); CI installs it")
    port = free_port()
    env = dict(os.environ, VOC_DB_PATH=str(tmp_path / "browser.duckdb"), VOC_ADMIN_PASSWORD=PASSWORD)
    log = open(tmp_path / "server.log", "wb")
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).status == 200:
                    break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail("streamlit did not start:\n" + (tmp_path / "server.log").read_text(errors="replace"))
            time.sleep(0.5)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


@pytest.fixture
def page(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        page = browser.new_page(viewport={"width": 1400, "height": 1000})
        page.set_default_timeout(30_000)
        page.goto(server)
        idle(page)
        yield page
        browser.close()


def idle(page) -> None:
    page.wait_for_timeout(300)
    page.wait_for_selector(IDLE, timeout=30_000)


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def test_intake_to_sla_board(page):
    page.get_by_label("Tên đăng nhập").fill("admin")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    idle(page)
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

