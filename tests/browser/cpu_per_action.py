"""Server CPU seconds per user action, the way a signed-in browser causes them (issue #13, load).

    python -m tests.browser.cpu_per_action --db bench-data/cpu-3000.duckdb --repeats 5 [--port 8640]
    python -m tests.browser.cpu_per_action --cases 3000          # builds the demo file first

The database file is copied (the original stays as it is), the app is served on 127.0.0.1 against the
copy (or, with VOC_DATABASE_URL set, on that PostgreSQL database) and one chromium tab, signed in through
the session cookie, repeats: open Hồ sơ from the menu, open SLA, open Tiếp nhận, fill and submit the form,
press "Tiếp nhận hồ sơ mới". Each action's CPU is the server process's utime+stime (/proc/PID/stat, all its
threads) from the click until the server has sent nothing and used no CPU for QUIET_S; with it the script runs
the browser saw. Medians are printed, with the idle background rate (the mail worker, the text engine) and
the load average. Not a test: a measuring tool (no timing thresholds anywhere in the suite).
"""
from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import ExitStack
from datetime import timedelta
from pathlib import Path

from voc.cli.bench_pages import BROWSER_ARGS, CHROMIUM, bench_session
from voc.paths import ROOT

QUIET_S = 0.75           # no message from the server and no CPU tick for this long: the action is done
TICK = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    """utime + stime of the process (every thread), in seconds."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK


def wait_quiet(pid: int, rate: float = 0.02, window_s: float = 2.0, timeout_s: float = 300) -> None:
    """Until the server burns less than `rate` CPU seconds per second (start-up threads done)."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        before = cpu_seconds(pid)
        time.sleep(window_s)
        if cpu_seconds(pid) - before < rate * window_s:
            return


def start_py_spy(pid: int, out: Path | None) -> subprocess.Popen | None:
    """Sample every thread of the server (on-CPU stacks only) into `out`, collapsed-stack format."""
    if out is None:
        return None
    return subprocess.Popen(["py-spy", "record", "-p", str(pid), "-r", "200", "-f", "raw", "-o", str(out),
                             "--threads", "--nonblocking"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def serve(db_path: Path, port: int, log, app_dir: Path = ROOT) -> subprocess.Popen:
    env = dict(os.environ, VOC_DB_PATH=str(db_path))
    proc = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
                             "--server.port", str(port), "--server.address", "127.0.0.1"],
                            cwd=app_dir, env=env, stdout=log, stderr=subprocess.STDOUT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2).status == 200:
                return proc
        except OSError:
            pass
        if proc.poll() is not None:
            break
        time.sleep(0.25)
    proc.terminate()
    raise RuntimeError("streamlit did not start")


class Meter:
    """One signed-in tab; `act(name, click)` clicks and records the server CPU it caused and the script runs
    the server reported (ForwardMsg.script_finished on the tab's websocket: full runs, reruns, fragments)."""

    def __init__(self, page, pid: int):
        self.page, self.pid = page, pid
        self.cpu: dict[str, list[float]] = {}
        self.runs: dict[str, list[int]] = {}
        self.finished = 0
        self.last_frame = time.monotonic()
        page.on("websocket", self._watch)

    def _watch(self, ws) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        def received(payload) -> None:
            self.last_frame = time.monotonic()
            if isinstance(payload, bytes) and ForwardMsg.FromString(payload).WhichOneof("type") == "script_finished":
                self.finished += 1

        ws.on("framereceived", received)

    def settle(self, since: int, timeout_s: float = 180) -> None:
        """Until a script run finished after `since`, then no frame and no CPU tick for QUIET_S."""
        deadline = time.monotonic() + timeout_s
        cpu = cpu_seconds(self.pid)
        quiet_from = time.monotonic()
        while time.monotonic() < deadline:
            self.page.wait_for_timeout(50)          # lets Playwright deliver the websocket events
            now, used = time.monotonic(), cpu_seconds(self.pid)
            if used != cpu:
                cpu, quiet_from = used, now
            if self.finished > since and now - max(quiet_from, self.last_frame) >= QUIET_S:
                if self.page.locator("[data-testid='stException']").count():
                    raise RuntimeError("the page shows an exception")
                return
        raise RuntimeError("the page did not settle")

    def forget_actions(self) -> None:
        self.cpu.clear()
        self.runs.clear()

    def act(self, name: str, click) -> None:
        before, since = cpu_seconds(self.pid), self.finished
        click()
        self.settle(since)
        self.cpu.setdefault(name, []).append(cpu_seconds(self.pid) - before)
        self.runs.setdefault(name, []).append(self.finished - since)


def fill_intake(page, n: int) -> None:
    from voc.clock import local_date, utcnow

    page.get_by_label("Họ tên khách hàng *").fill(f"Khách đo CPU {n} {time.time_ns()}")
    page.get_by_label("Chi nhánh tiếp nhận *").fill("Hà Nội")
    page.get_by_role("textbox", name="Điện thoại").fill(f"09{time.time_ns() % 10**8:08d}")
    page.get_by_role("spinbutton", name="day, Ngày xảy ra sự việc *").click()
    page.keyboard.type((local_date(utcnow()) - timedelta(days=2)).strftime("%d%m%Y"))
    page.keyboard.press("Tab")
    page.get_by_label("Nội dung phản ánh *").fill(
        f"Lần {n}: website bị sập từ sáng, khách không truy cập được, email cũng bị trả về. Rất bức xúc.")
    page.get_by_label("Yêu cầu cần giải quyết *").fill("Khôi phục website ngay và bồi thường.")


def run(db_path: Path, port: int, repeats: int, log_path: Path, py_spy: Path | None = None,
        app_dir: Path = ROOT) -> Meter:
    from playwright.sync_api import sync_playwright

    from voc.accounts.sessions import COOKIE_NAME
    from voc.store.db import Database, open_db

    db = open_db() if os.environ.get("VOC_DATABASE_URL") else Database(db_path)
    token = bench_session(db)
    db.close()
    with open(log_path, "wb") as log:
        proc = serve(db_path, port, log, app_dir)
        spy = None
        try:
            url = f"http://127.0.0.1:{port}"
            with sync_playwright() as pw:
                browser = pw.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
                context = browser.new_context(viewport={"width": 1400, "height": 1000})
                context.add_cookies([{"name": COOKIE_NAME, "value": token, "url": url, "sameSite": "Strict"}])
                page = context.new_page()
                page.set_default_timeout(120_000)
                meter = Meter(page, proc.pid)
                page.goto(url + "/")
                meter.settle(0)
                page.get_by_role("button", name="Đăng xuất").wait_for()
                wait_quiet(proc.pid)
                idle_before = cpu_seconds(proc.pid)
                time.sleep(5)
                idle = (cpu_seconds(proc.pid) - idle_before) / 5
                link = lambda name: (lambda: page.get_by_role("link", name=name, exact=True).click())  # noqa: E731
                for n in range(repeats + 1):            # the first round warms up and is dropped
                    meter.act("open case list", link("Hồ sơ"))
                    meter.act("open SLA board", link("SLA"))
                    meter.act("open intake", link("Tiếp nhận"))
                    fill_intake(page, n)
                    meter.act("intake submit", lambda: page.get_by_role("button", name="Lưu hồ sơ").click())
                    page.get_by_test_id("stAlert").filter(has_text="Đã lưu hồ sơ").first.wait_for()
                    meter.act("new intake", lambda: page.get_by_role("button", name="Tiếp nhận hồ sơ mới").click())
                    if n == 0:                      # the warm-up round: drop it, start the profile
                        meter.forget_actions()
                        spy = start_py_spy(proc.pid, py_spy)
                browser.close()
        finally:
            if spy is not None:
                spy.send_signal(signal.SIGINT)
                spy.wait(timeout=60)
            proc.terminate()
            proc.wait(timeout=60)
    meter.idle = idle
    return meter


def report(meter: Meter) -> str:
    lines = [f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}",
             f"server idle: {meter.idle:.3f} s CPU per second"]
    for name, values in meter.cpu.items():
        runs = meter.runs[name]
        lines.append(f"{name}: median {statistics.median(values):.3f} s CPU (min {min(values):.3f}, max "
                     f"{max(values):.3f}, n={len(values)}); script runs {'/'.join(map(str, sorted(set(runs))))}")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", help="a DuckDB file to copy (left unchanged)")
    parser.add_argument("--cases", type=int, default=3000, help="demo cases when --db is not given")
    parser.add_argument("--port", type=int, default=8640)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--py-spy", help="sample the server with py-spy into this file (collapsed stacks)")
    parser.add_argument("--app-dir", default=str(ROOT), help="serve the app.py of this tree (a 'before' checkout)")
    parser.add_argument("--postgres", action="store_true",
                        help="server mode: a throw-away PostgreSQL (voc.store.pg_testserver) with the demo cases")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="voc-cpu-") as tmp, ExitStack() as stack:
        work = Path(tmp) / "cpu.duckdb"
        if args.postgres:
            from voc.store.pg_testserver import PostgresServer

            os.environ["VOC_DATABASE_URL"] = stack.enter_context(PostgresServer()).create_database("cpu")
        if args.db and not args.postgres:
            shutil.copy(args.db, work)
        else:
            subprocess.run([sys.executable, "-m", "voc", "demo", "--cases", str(args.cases)], cwd=ROOT, check=True,
                           env=dict(os.environ, VOC_DB_PATH=str(work)), stdout=subprocess.DEVNULL)
        meter = run(work, args.port, args.repeats, Path(tmp) / "server.log",
                    Path(args.py_spy).resolve() if args.py_spy else None, Path(args.app_dir).resolve())
    print(report(meter))
    return 0


if __name__ == "__main__":
    sys.exit(main())
