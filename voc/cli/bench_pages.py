"""The page stage of `python -m voc bench --cases N`: every page's time in a real browser.

The app is served (`streamlit run app.py`, 127.0.0.1 on a free port) against the bench file, a
signed-in admin is handed to Debian's chromium as the session cookie, and each page is opened
`PAGE_REPEATS` times in a new tab. A page's time runs from the navigation until the page script
is idle (Streamlit's `data-test-script-state` back at `notRunning` after a run, with no new run
for `QUIET_MS`); the median is reported with the ratio to the home page, and the very first
request after the server started (imports, first connection) on its own.
"""
from __future__ import annotations

import os
import secrets
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from voc.paths import ROOT

CHROMIUM = "/usr/bin/chromium"
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run"]
BENCH_USER = "bench-admin"
PAGE_REPEATS = 3
QUIET_MS = 750           # no new script run for this long after a run ends: the page is done
START_TIMEOUT_S = 120
PAGE_TIMEOUT_S = 180
SIDEBAR_TIMEOUT_S = 60
# (name, URL path) of every page an administrator sees; "" is the home page.
PAGES: tuple[tuple[str, str], ...] = (
    ("home", ""), ("intake", "intake"), ("cases", "cases"), ("sla_board", "sla_board"), ("listen", "listen"),
    ("monitor", "monitor"), ("clarify", "clarify"), ("respond", "respond"), ("dictionary", "dictionary"),
    ("admin", "admin"),
)

# Records, from navigation start (performance.now()), when the page script last went idle after a run.
_WATCH_SCRIPT_STATE = """
(() => {
  window.__vocRun = {sawRunning: false, idleAt: null};
  const look = () => {
    const app = document.querySelector("[data-testid='stApp']");
    const state = app && app.getAttribute('data-test-script-state');
    if (state === 'notRunning') {
      if (window.__vocRun.sawRunning && window.__vocRun.idleAt === null) window.__vocRun.idleAt = performance.now();
    } else if (state) {
      window.__vocRun.sawRunning = true;
      window.__vocRun.idleAt = null;
    }
  };
  new MutationObserver(look).observe(document, {subtree: true, childList: true, attributes: true,
                                                 attributeFilter: ['data-test-script-state']});
})();
"""
_SETTLED = f"""() => window.__vocRun && window.__vocRun.idleAt !== null
                    && performance.now() - window.__vocRun.idleAt >= {QUIET_MS}"""


@dataclass
class PageTime:
    name: str
    times_ms: list[float]

    @property
    def median_ms(self) -> float:
        return statistics.median(self.times_ms)


def bench_session(db) -> str:
    """A session token of the bench administrator (created on first use) for the browser's cookie."""
    from voc.accounts import sessions, users
    from voc.accounts.access import SYSTEM, Role
    from voc.errors import NotFound

    with db.cursor() as cur:
        try:
            users.get_user(cur, BENCH_USER)
            exists = True
        except NotFound:
            exists = False
    if not exists:
        users.create_user(db, SYSTEM, BENCH_USER, "Đo tốc độ", Role.ADMIN, None, secrets.token_urlsafe(16))
    return sessions.open_session(db, BENCH_USER)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serve(db_path: Path, log_path: Path, script: str = "app.py", env: dict[str, str] | None = None,
          start_timeout_s: float = START_TIMEOUT_S) -> Iterator[str]:
    """`streamlit run <script>` on 127.0.0.1 against `db_path` (the bench, and the browser tests);
    yields the URL, stops the server after. RuntimeError when it does not answer in time."""
    with serve_process(db_path, log_path, script, env, start_timeout_s) as (url, _process):
        yield url


@contextmanager
def serve_process(db_path: Path, log_path: Path, script: str = "app.py", env: dict[str, str] | None = None,
                  start_timeout_s: float = START_TIMEOUT_S, port: int | None = None,
                  wait: bool = True) -> Iterator[tuple[str, subprocess.Popen]]:
    """`serve`, yielding the URL and the server process (its id for the load bench's CPU figures), on
    `port` when given, else on a free one; with `wait=False` at once (the caller calls wait_healthy, so
    that several servers start side by side)."""
    port = port or free_port()
    env = dict(os.environ, **(env or {}), VOC_DB_PATH=str(db_path))
    with open(log_path, "wb") as log:
        proc = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", script, "--server.headless", "true", "--server.port",
             str(port), "--server.address", "127.0.0.1", "--browser.gatherUsageStats", "false"],
            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
        url = f"http://127.0.0.1:{port}"
        try:
            if wait:
                wait_healthy(url, proc, log_path, start_timeout_s)
            yield url, proc
        finally:
            proc.terminate()
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def wait_healthy(url: str, proc: subprocess.Popen, log_path: Path, timeout_s: float = START_TIMEOUT_S) -> None:
    """Until the server at `url` answers its health check; RuntimeError when it ends or takes too long."""
    deadline = time.monotonic() + timeout_s
    while True:
        try:
            if urllib.request.urlopen(f"{url}/_stcore/health", timeout=2).status == 200:
                return
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"streamlit did not start; see {log_path}")
        time.sleep(0.25)


def _open_ms(context, url: str) -> float:
    """Open `url` in a new tab; milliseconds from navigation start until the page script is idle."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    tab = context.new_page()
    try:
        tab.goto(url, timeout=PAGE_TIMEOUT_S * 1000)
        tab.wait_for_function(_SETTLED, timeout=PAGE_TIMEOUT_S * 1000, polling=100)
        if tab.locator("[data-testid='stException']").count():
            raise RuntimeError(f"{url} shows an exception")
        try:        # app.py's sidebar: signed in, and the page ran inside the app's navigation (a loaded
            # machine may draw it seconds after the script went idle, behind a large table)
            tab.get_by_role("button", name="Đăng xuất").wait_for(timeout=SIDEBAR_TIMEOUT_S * 1000)
        except PlaywrightTimeout:
            raise RuntimeError(f"{url}: not signed in, or shown outside app.py's navigation") from None
        return float(tab.evaluate("window.__vocRun.idleAt"))
    finally:
        tab.close()


def measure_pages(db_path: Path, token: str, log_path: Path, pages: tuple[tuple[str, str], ...] = PAGES,
                  repeats: int = PAGE_REPEATS, env: dict[str, str] | None = None) -> tuple[float, list[PageTime]]:
    """(first request after start in ms, each page's times) against the database file `db_path` (or what
    `env` names for the served app: VOC_DATABASE_URL for server mode)."""
    from playwright.sync_api import sync_playwright

    from voc.accounts.sessions import COOKIE_NAME

    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"{CHROMIUM} is not installed (apt-get install chromium)")
    with serve(db_path, log_path, env=env) as url, sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        try:
            context = browser.new_context(viewport={"width": 1400, "height": 1000})
            context.add_cookies([{"name": COOKIE_NAME, "value": token, "url": url, "sameSite": "Strict"}])
            context.add_init_script(_WATCH_SCRIPT_STATE)
            first = _open_ms(context, url + "/")
            results = [PageTime(name, [_open_ms(context, f"{url}/{path}") for _ in range(repeats)])
                       for name, path in pages]
        finally:
            browser.close()
    return first, results
