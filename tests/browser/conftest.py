"""Browser-test fixtures: `streamlit run app.py` (or portal.py) on a free local port against a fresh database file,
driven through Playwright in Debian's chromium (never a downloaded browser)."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from voc.cli import bench_pages

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
PASSWORD = "browser-test-Pw-2026"
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
SHOTS = Path(os.environ.get("VOC_SCREENSHOTS", "/tmp/voc-browser"))


def serve(tmp_path, script: str):
    """`streamlit run <script>` on a free port against a fresh database file; yields its URL."""
    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium); CI installs it")
    log = tmp_path / "server.log"
    try:
        with bench_pages.serve(tmp_path / "browser.duckdb", log, script, {"VOC_ADMIN_PASSWORD": PASSWORD},
                               start_timeout_s=60) as url:
            yield url
    except RuntimeError:
        pytest.fail("streamlit did not start:\n" + log.read_text(errors="replace"))


def serve_on_postgres(tmp_path, url: str, scripts: tuple[str, ...]):
    """Server mode: one `streamlit run <script>` per script, all with VOC_DATABASE_URL on one PostgreSQL
    database; yields their URLs in order, and checks that none fell back to a local file."""
    from contextlib import ExitStack

    if not Path(CHROMIUM).exists():
        pytest.skip(f"{CHROMIUM} is not installed (apt-get install chromium); CI installs it")
    env = {"VOC_ADMIN_PASSWORD": PASSWORD, "VOC_DATABASE_URL": url}
    with ExitStack() as stack:
        urls = []
        for n, script in enumerate(scripts):
            log = tmp_path / f"server-{n}.log"
            try:
                urls.append(stack.enter_context(bench_pages.serve(tmp_path / "never.duckdb", log, script, env,
                                                                  start_timeout_s=90)))
            except RuntimeError:
                pytest.fail("streamlit did not start:\n" + log.read_text(errors="replace"))
        yield urls
    assert not (tmp_path / "never.duckdb").exists()


@pytest.fixture
def server(tmp_path):
    yield from serve(tmp_path, "app.py")


@pytest.fixture
def portal_server(tmp_path):
    yield from serve(tmp_path, "portal.py")


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, args=[
            "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-first-run"])
        yield chromium
        chromium.close()


def new_page(browser, url: str):
    page = browser.new_context(viewport={"width": 1400, "height": 1000}).new_page()
    page.set_default_timeout(30_000)
    page.goto(url)
    # A fresh server's first page loads its libraries: under load that takes longer than later pages.
    page.wait_for_timeout(300)
    page.wait_for_selector(IDLE, timeout=120_000)
    return page


@pytest.fixture
def page(server, browser):
    yield new_page(browser, server)


def idle(page) -> None:
    page.wait_for_timeout(300)
    page.wait_for_selector(IDLE, timeout=30_000)


def shot(page, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def log_in(page) -> None:
    page.get_by_label("Tên đăng nhập").fill("admin")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    # The login rerun may start after a fixed pause has passed: wait for what only a signed-in page shows.
    page.get_by_role("button", name="Đăng xuất").wait_for(timeout=60_000)
    idle(page)


@pytest.fixture(autouse=True)
def _text_engine_on_disk(text_engine_warm):
    """The served app reads the fitted models from the disk cache instead of fitting them while a test
    waits for its first page (minutes on a machine without the cache)."""
