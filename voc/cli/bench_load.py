"""`python -m voc bench --load`: N signed-in browser sessions doing intake, the case list and the SLA board
at the same moment, on one app process with the DuckDB file and on two app processes with PostgreSQL.

Data: the demo set of `bench --cases` (bench-data/bench-3000.duckdb by default, built once and reused;
`--cases N`, `--db FILE`), with one staff account per session (bench-staff-NN, the branches in turn).
Each run (a setup and a number of sessions N) starts from that data again:
- `duckdb`: a copy of the file, served by one `streamlit run app.py`;
- `postgres`: the data copied into a throw-away PostgreSQL cluster (voc.store.pg_testserver) or into the
  database of --database-url (its desk tables are emptied first), served by two `streamlit run app.py`
  with VOC_DATABASE_URL and VOC_MAIL_WORKER=external. Session i uses port i mod 2: a proxy in front would
  only forward (each browser context keeps its cookie and its port, as sticky sessions would).
Driver: one chromium (Debian's, loopback only), one context a session holding its own session cookie; or,
with `python -m tests.load.protocol` (same options), one websocket client a session speaking Streamlit's
protocol: the same runs without a browser's CPU beside the server's. Both share LoadSession and run_phases.
Before the measured rounds one session of each app process does every action once (imports, first queries,
the first intake's one-time costs; its case is not counted), the other sessions open the home page, and the
app processes' idle CPU is measured for IDLE_S. Each round has four phases; in a phase every session does
the same action at once (a phase starts when every session has finished the previous one, so the submits
leave together):
  intake_open    the sidebar link Tiếp nhận (then "Tiếp nhận hồ sơ mới" after a saved case) until the
                 form is drawn; the form is then filled (no server run), a unique marker in its text;
  intake_submit  "Lưu hồ sơ" until the success message shows;
  case_list      the sidebar link Hồ sơ until the list is drawn and the page script is idle;
  sla_board      the sidebar link SLA, the same.
A phase's server CPU is the app processes' user + system time (with their children, /proc/PID/stat) read
before and after it, less the idle rate over its span, divided by its actions; with the throw-away cluster
the PostgreSQL server's CPU is given apart (`db_cpu_per_action`), and `client_cpu` is the driver's own (this
process and its children but the servers: chromium, or the websocket clients) per second of the phases.
Each action has a timeout; a session whose action fails (timeout, an unexpected page) stops and is counted;
a run stops starting phases after --time-limit seconds. After the run the app processes are stopped and the cases holding each submit's
marker are counted: lost = submits (clicks made) without a case, duplicated = cases beyond one a submit.
Output: the driver, then one figure a line, `name: value unit`, then the issue's targets and whether each
run meets them.
"""
from __future__ import annotations

import asyncio
import math
import os
import re
import secrets
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

from voc.cli import bench_pages
from voc.clock import local_date, utcnow

DEFAULT_CASES = 3_000
DEFAULT_SESSIONS = "10,30"
DEFAULT_ROUNDS = 3
ACTION_TIMEOUT_S = 180
RUN_TIME_LIMIT_S = 1_200
IDLE_S = 3.0
SETUPS = {"duckdb": 1, "postgres": 2}          # setup -> app processes
ACTIONS = ("intake_open", "intake_submit", "case_list", "sla_board")
ACCOUNT = "bench-staff-{:02d}"
WARM_UP = -1                                    # the round number of the warm-up
IDLE = "[data-testid='stApp'][data-test-script-state='notRunning']"
ERROR_BOXES = "[data-testid='stAlertContentError'], [data-testid='stException']"
SUBMIT_OUTCOME = (f"[data-testid='stAlertContentSuccess']:has-text('Đã lưu hồ sơ'), {ERROR_BOXES}, "
                  "[data-testid='stAlertContentWarning']:has-text('Có thể hồ sơ này đã được lưu')")
CODE = re.compile(r"KN-\d{4}-\d{6}")
# (figure, unit, "max" or "min", the target)
TARGETS = (("intake_submit.cpu_per_action", "s", "max", 0.25), ("case_list.cpu_per_action", "s", "max", 0.15),
           ("sla_board.cpu_per_action", "s", "max", 0.15), ("lost_cases", "cases", "max", 0),
           ("duplicated_cases", "cases", "max", 0), ("error_boxes", "boxes", "max", 0))
RATIO_TARGET = 1.7
NAMES = ("Nguyễn Văn An", "Trần Thị Bình", "Lê Hoàng Cường", "Phạm Thu Dung", "Hoàng Minh Đức", "Vũ Ngọc Hà")
STORIES = (
    ("Website bị sập từ sáng, khách của tôi không truy cập được, báo lỗi 503 liên tục.",
     "Khôi phục website ngay và cho biết nguyên nhân."),
    ("Email công ty gửi đi bị trả về, khách hàng không nhận được báo giá từ hôm qua.",
     "Kiểm tra máy chủ mail và gỡ chặn cho tên miền."),
    ("VPS chạy rất chậm vào giờ cao điểm, CPU luôn ở mức 100% dù không có truy cập.",
     "Kiểm tra lại máy chủ vật lý và chuyển VPS sang máy khác."),
    ("Hóa đơn tháng này bị tính cước hai lần cho cùng một gói hosting.", "Hoàn lại khoản tiền tính thừa."),
)


# --- Server CPU -------------------------------------------------------------------------------

def cpu_seconds(roots: list[int], excluding: list[int] = ()) -> float:
    """User + system CPU seconds of the processes `roots` and their descendants, including the children
    they have reaped (an ended PostgreSQL backend stays counted through its postmaster), leaving out the
    processes `excluding` with theirs."""
    stats: dict[int, tuple[int, int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    fields = f.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            stats[int(entry)] = (int(fields[1]), sum(int(x) for x in fields[11:15]))
    children: dict[int, list[int]] = defaultdict(list)
    for pid, (parent, _) in stats.items():
        children[parent].append(pid)
    total, todo = 0, list(roots)
    while todo:
        pid = todo.pop()
        if pid in stats and pid not in excluding:
            total += stats[pid][1]
            todo.extend(children[pid])
    return total / os.sysconf("SC_CLK_TCK")


# --- Results ----------------------------------------------------------------------------------

@dataclass
class Phase:
    """One action over every round: each session's times, and the CPU the phases cost."""
    times_s: list[float] = field(default_factory=list)
    cpu_s: float = 0.0            # app processes, idle rate subtracted
    db_cpu_s: float = 0.0         # the throw-away PostgreSQL cluster
    actions: int = 0              # actions started (done or failed)
    wall_s: float = 0.0           # from each phase's start until its last session finished


@dataclass
class Run:
    setup: str
    sessions: int
    phases: dict[str, Phase] = field(default_factory=lambda: {a: Phase() for a in ACTIONS})
    rounds_done: int = 0
    idle_cpu_per_s: float = 0.0
    db_measured: bool = False
    client_cpu_s: float = 0.0     # the driver's own: this process and its children but the servers (chromium)
    submits: int = 0
    confirmed: int = 0
    created: int = 0
    lost: int = 0
    duplicated: int = 0
    wrong_codes: int = 0
    error_boxes: int = 0
    tracebacks: int = 0
    failures: list[str] = field(default_factory=list)
    stopped: str | None = None
    wall_s: float = 0.0

    @property
    def submits_per_second(self) -> float:
        wall = self.phases["intake_submit"].wall_s
        return self.confirmed / wall if wall else 0.0


def percentile(values: list[float], share: float) -> float:
    """Nearest rank: the smallest value with at least `share` of the values at or below it."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)] if ordered else 0.0


def _line(name: str, value: float, unit: str = "") -> str:
    text = str(int(value)) if float(value).is_integer() and unit not in ("s", "s/s") else f"{value:.3f}"
    return f"{name}: {text} {unit}".rstrip()


def run_figures(run: Run) -> dict[str, tuple[float, str]]:
    """The run's figures by name (without the `load.SETUP.nN.` prefix): (value, unit)."""
    figures: dict[str, tuple[float, str]] = {}
    phases_wall = sum(phase.wall_s for phase in run.phases.values())
    for action, phase in run.phases.items():
        if not phase.actions:
            continue
        figures[f"{action}.p50"] = (percentile(phase.times_s, 0.5), "s")
        figures[f"{action}.p95"] = (percentile(phase.times_s, 0.95), "s")
        figures[f"{action}.cpu_per_action"] = (phase.cpu_s / phase.actions, "s")
        if run.db_measured:
            figures[f"{action}.db_cpu_per_action"] = (phase.db_cpu_s / phase.actions, "s")
        figures[f"{action}.actions"] = (phase.actions, "actions")
    figures.update({
        "submits_per_second": (run.submits_per_second, "submits/s"), "submits": (run.submits, "submits"),
        "submits_confirmed": (run.confirmed, "submits"), "cases_created": (run.created, "cases"),
        "lost_cases": (run.lost, "cases"), "duplicated_cases": (run.duplicated, "cases"),
        "wrong_ticket_codes": (run.wrong_codes, "submits"), "error_boxes": (run.error_boxes, "boxes"),
        "server_tracebacks": (run.tracebacks, "tracebacks"), "failed_sessions": (len(run.failures), "sessions"),
        "rounds": (run.rounds_done, "rounds"), "idle_cpu": (run.idle_cpu_per_s, "s/s"),
        "client_cpu": (run.client_cpu_s / phases_wall if phases_wall else 0.0, "s/s"), "wall": (run.wall_s, "s")})
    return figures


def run_lines(run: Run) -> list[str]:
    return [_line(f"load.{run.setup}.n{run.sessions}.{name}", value, unit)
            for name, (value, unit) in run_figures(run).items()]


def target_lines(runs: list[Run]) -> list[str]:
    """The issue's targets, then for each run (and each N's process ratio) whether it meets them."""
    lines = [f"target.{name}: {value} {unit} {kind}" for name, unit, kind, value in TARGETS]
    lines.append(f"target.processes_2_vs_1.submits_per_second_ratio: {RATIO_TARGET} ratio min")
    for run in runs:
        figures = {name: value for name, (value, _unit) in run_figures(run).items()}
        for name, _unit, kind, value in TARGETS:
            if name in figures:
                met = figures[name] <= value if kind == "max" else figures[name] >= value
                lines.append(f"met.{run.setup}.n{run.sessions}.{name}: {'yes' if met else 'no'}")
    for n, ratio in ratios(runs).items():
        lines.append(f"met.n{n}.processes_2_vs_1.submits_per_second_ratio: {'yes' if ratio >= RATIO_TARGET else 'no'}")
    return lines


def ratios(runs: list[Run]) -> dict[int, float]:
    """Per N: submits per second on two processes (PostgreSQL) over one (the DuckDB file)."""
    by = {(r.setup, r.sessions): r.submits_per_second for r in runs}
    return {n: by[("postgres", n)] / by[("duckdb", n)] for (setup, n) in by
            if setup == "postgres" and by.get(("duckdb", n))}


# --- One session (either driver) -------------------------------------------------------------

class LoadSession:
    """One signed-in staff member on one app process: what both drivers share (the markers, the form's
    values, counting and failing); a driver gives sign_in, the intake's actions, _open_page and
    _count_error_boxes."""

    def __init__(self, index: int, url: str, tag: str, timeout_s: float):
        self.index, self.url, self.tag, self.timeout_s = index, url, tag, timeout_s
        self.failed: str | None = None
        self.submitted: list[str] = []          # markers of the submits made (sent)
        self.codes: dict[str, str] = {}         # marker -> ticket code the success message gave
        self.error_boxes = 0
        self.error_texts: list[str] = []

    def marker(self, round_no: int) -> str:
        """The submit's unique text; WARM_UP's case has another, not counted."""
        if round_no == WARM_UP:
            return f"WARM-{self.tag}-{self.index:03d}"
        return f"LOAD-{self.tag}-{self.index:03d}-{round_no:03d}"

    def form_values(self, round_no: int) -> dict[str, str]:
        """What a staff member types into the intake form, by field label (the date as DD/MM/YYYY)."""
        content, request = STORIES[(self.index + round_no) % len(STORIES)]
        return {
            "Họ tên khách hàng *": f"{NAMES[self.index % len(NAMES)]} {self.index:03d}",
            "Điện thoại": f"09{int(self.tag, 16) % 100:02d}{self.index:03d}{round_no % 1000:03d}",
            "Ngày xảy ra sự việc *": (local_date(utcnow()) - timedelta(days=2)).strftime("%d/%m/%Y"),
            "Nội dung phản ánh *": f"{content} (mã đo tải {self.marker(round_no)})",
            "Yêu cầu cần giải quyết *": request,
        }

    async def sign_in(self) -> None:
        raise NotImplementedError

    async def _count_error_boxes(self) -> None:
        raise NotImplementedError

    async def _open_page(self, title: str, heading: str) -> float:
        """Seconds from the sidebar link `title` until the page with `heading` is drawn (the driver's)."""
        raise NotImplementedError

    async def case_list(self, round_no: int) -> float:
        return await self._open_page("Hồ sơ", "Hồ sơ khiếu nại")

    async def sla_board(self, round_no: int) -> float:
        return await self._open_page("SLA", "Bảng SLA")

    async def warm_up(self) -> None:
        """Every action once, unmeasured and uncounted: the process's imports, first queries and first
        intake (the word segmenter's first use)."""
        await self.sign_in()
        for action in ACTIONS:
            await getattr(self, action)(WARM_UP)
        self.submitted.clear()
        self.codes.clear()

    async def prepare(self, warm: bool) -> None:
        """Sign in (and warm the process up when `warm`); a failure stops this session, not the run."""
        try:
            await asyncio.wait_for(self.warm_up() if warm else self.sign_in(), self.timeout_s * (len(ACTIONS) + 1))
        except Exception as error:
            self._fail("chuẩn bị", error)

    async def do(self, action: str, round_no: int) -> float | None:
        """The action's seconds; None when it failed, which stops this session (self.failed says why)."""
        try:
            seconds = await asyncio.wait_for(getattr(self, action)(round_no), self.timeout_s)
            await self._count_error_boxes()
            return seconds
        except Exception as error:      # a timeout, a missing element, a closed page: this session stops
            self._fail(f"vòng {round_no + 1}, {action}", error)
            return None

    def _fail(self, where: str, error: Exception) -> None:
        message = str(error).strip().splitlines()[0] if str(error).strip() else ""
        self.failed = f"phiên {self.index}, {where}: {type(error).__name__} {message}"[:300]


# --- One browser session ----------------------------------------------------------------------

class Session(LoadSession):
    """One signed-in staff member in their own browser context, on one app process."""

    def __init__(self, index: int, page, url: str, tag: str, timeout_s: float):
        super().__init__(index, url, tag, timeout_s)
        self.page = page

    async def _idle(self) -> None:
        await self.page.wait_for_selector(IDLE)

    async def _nav(self, title: str) -> None:
        await self.page.get_by_test_id("stSidebarNav").get_by_role("link", name=title).click()

    async def _count_error_boxes(self) -> None:
        texts = await self.page.evaluate(f"""() => {{
            const seen = new Map();
            for (const el of document.querySelectorAll("{ERROR_BOXES}")) {{
                const box = el.closest("[data-testid='stElementContainer']") || el;
                seen.set(box, box.innerText.slice(0, 200));
            }}
            return [...seen.values()];
        }}""")
        self.error_boxes += len(texts)
        self.error_texts += texts

    async def sign_in(self) -> None:
        await self.page.goto(self.url + "/")
        await self.page.get_by_role("button", name="Đăng xuất").wait_for()
        await self._idle()

    async def intake_open(self, round_no: int) -> float:
        page, start = self.page, time.monotonic()
        await self._nav("Tiếp nhận")
        form = page.get_by_role("button", name="Lưu hồ sơ")
        again = page.get_by_role("button", name="Tiếp nhận hồ sơ mới")
        await form.or_(again).first.wait_for()
        await self._idle()
        if await again.count():
            await again.click()
            await form.wait_for()
            await self._idle()
        seconds = time.monotonic() - start
        await self._fill(round_no)
        return seconds

    async def _fill(self, round_no: int) -> None:
        page, values = self.page, self.form_values(round_no)
        await page.get_by_label("Họ tên khách hàng *").fill(values["Họ tên khách hàng *"])
        await page.get_by_role("textbox", name="Điện thoại", exact=True).fill(values["Điện thoại"])
        await page.get_by_role("spinbutton", name="day, Ngày xảy ra sự việc *").click()
        await page.keyboard.type(values["Ngày xảy ra sự việc *"].replace("/", ""))
        await page.keyboard.press("Tab")
        for label in ("Nội dung phản ánh *", "Yêu cầu cần giải quyết *"):
            await page.get_by_label(label).fill(values[label])

    async def intake_submit(self, round_no: int) -> float:
        page, marker = self.page, self.marker(round_no)
        start = time.monotonic()
        await page.get_by_role("button", name="Lưu hồ sơ").click()
        self.submitted.append(marker)
        outcome = page.locator(SUBMIT_OUTCOME).first
        await outcome.wait_for()
        shown = time.monotonic() - start
        text = await outcome.inner_text()
        if "Đã lưu hồ sơ" not in text:
            raise RuntimeError(f"không thấy thông báo đã lưu: {text[:200]}")
        self.codes[marker] = CODE.search(text).group(0)
        await self._idle()
        return shown

    async def _open_page(self, link: str, heading: str) -> float:
        start = time.monotonic()
        await self._nav(link)
        await self.page.get_by_role("heading", name=heading).wait_for()
        await self._idle()
        return time.monotonic() - start


async def drive(run: Run, urls: list[str], tokens: list[str], app_pids: list[int], db_pids: list[int],
                rounds: int, timeout_s: float, deadline: float, tag: str) -> list[LoadSession]:
    """The browser driver: N sessions, one chromium context each, through `rounds` rounds (run_phases)."""
    from playwright.async_api import async_playwright

    from voc.accounts.sessions import COOKIE_NAME

    async with async_playwright() as pw:
        browser = await pw.chromium.launch(executable_path=bench_pages.CHROMIUM, args=bench_pages.BROWSER_ARGS)
        try:
            sessions = []
            for index, token in enumerate(tokens):
                url = urls[index % len(urls)]
                context = await browser.new_context(viewport={"width": 1400, "height": 1000})
                await context.add_cookies([{"name": COOKIE_NAME, "value": token, "url": url, "sameSite": "Strict"}])
                page = await context.new_page()
                page.set_default_timeout(timeout_s * 1000)
                sessions.append(Session(index, page, url, tag, timeout_s))
            await run_phases(run, sessions, len(urls), app_pids, db_pids, rounds, deadline)
            return sessions
        finally:
            await browser.close()


async def run_phases(run: Run, sessions: list[LoadSession], processes: int, app_pids: list[int],
                     db_pids: list[int], rounds: int, deadline: float) -> None:
    """The sessions (either driver's) through `rounds` rounds of the four phases; fills `run`'s phases."""
    # the first session of each process warms it up while the others sign in
    await asyncio.gather(*(s.prepare(warm=s.index < processes) for s in sessions))
    before, start = cpu_seconds(app_pids), time.monotonic()
    await asyncio.sleep(IDLE_S)
    run.idle_cpu_per_s = (cpu_seconds(app_pids) - before) / (time.monotonic() - start)
    for round_no in range(rounds):
        for action in ACTIONS:
            live = [s for s in sessions if s.failed is None]
            if time.monotonic() > deadline or not live:
                run.stopped = (f"dừng sau {round_no} vòng trọn vẹn: quá --time-limit" if live
                               else "mọi phiên đều đã lỗi")
                return
            cpu, db_cpu, start = cpu_seconds(app_pids), cpu_seconds(db_pids), time.monotonic()
            client_cpu = cpu_seconds([os.getpid()], excluding=app_pids + db_pids)
            seconds = await asyncio.gather(*(s.do(action, round_no) for s in live))
            phase, wall = run.phases[action], time.monotonic() - start
            run.client_cpu_s += cpu_seconds([os.getpid()], excluding=app_pids + db_pids) - client_cpu
            phase.times_s += [t for t in seconds if t is not None]
            phase.cpu_s += cpu_seconds(app_pids) - cpu - run.idle_cpu_per_s * wall
            phase.db_cpu_s += cpu_seconds(db_pids) - db_cpu
            phase.actions += len(live)
            phase.wall_s += wall
        run.rounds_done = round_no + 1


# --- Data, accounts, processes ----------------------------------------------------------------

def ensure_accounts(db, count: int) -> list[str]:
    """`count` staff accounts bench-staff-NN (created once in the bench file), the branches in turn."""
    from voc.accounts import users
    from voc.accounts.access import SYSTEM, Role

    with db.cursor() as cur:
        branches = [r[0] for r in cur.execute("SELECT name FROM branches WHERE active ORDER BY id").fetchall()]
        existing = {r[0] for r in cur.execute("SELECT username FROM users WHERE username LIKE 'bench-staff-%'")
                    .fetchall()}
    names = [ACCOUNT.format(i + 1) for i in range(count)]
    for i, name in enumerate(names):
        if name not in existing:
            users.create_user(db, SYSTEM, name, f"Nhân viên đo tải {i + 1}", Role.STAFF, branches[i % len(branches)],
                              secrets.token_urlsafe(16))
    return names


def count_markers(db, run: Run, sessions: list[LoadSession], tag: str) -> None:
    """Cases holding each submit's marker, against the submits made."""
    with db.cursor() as cur:
        rows = cur.execute("SELECT content, ticket_code FROM cases WHERE content LIKE ?", [f"%LOAD-{tag}-%"]).fetchall()
    found: dict[str, list[str]] = defaultdict(list)
    for content, code in rows:
        found[re.search(rf"LOAD-{tag}-\d+-\d+", content).group(0)].append(code)
    submitted = [m for s in sessions for m in s.submitted]
    codes = {m: c for s in sessions for m, c in s.codes.items()}
    run.submits, run.confirmed, run.created = len(submitted), len(codes), len(rows)
    run.lost = sum(1 for m in submitted if not found.get(m))
    run.duplicated = sum(max(0, len(v) - 1) for v in found.values())
    run.wrong_codes = sum(1 for m, c in codes.items() if found.get(m) != [c])


def measure_run(setup: str, n: int, args, base, pg_url: str | None, db_pids: list[int], log_dir: Path,
                driver=drive) -> Run:
    """One run: the data afresh, N sessions driven by `driver`, the app processes of `setup` started and stopped."""
    from voc.accounts import sessions as login_sessions
    from voc.store.db import Database

    run, tag = Run(setup, n, db_measured=bool(db_pids)), secrets.token_hex(4)
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="voc-load-") as tmp, ExitStack() as stack:
        env = {}
        if setup == "postgres":
            from voc.cli.bench_server import load_into_postgres
            from voc.store.pg import PostgresDatabase

            db = PostgresDatabase(pg_url)
            load_into_postgres(base, db)
            env = {"VOC_DATABASE_URL": pg_url, "VOC_MAIL_WORKER": "external"}
            reopen = lambda: PostgresDatabase(pg_url)   # noqa: E731
        else:
            path = Path(tmp) / "load.duckdb"
            shutil.copy(base.path, path)
            db = Database(path)
            reopen = lambda: Database(path)             # noqa: E731
        tokens = [login_sessions.open_session(db, name) for name in ensure_accounts(db, n)]
        db.close()
        urls, processes, logs = [], [], []
        for k in range(SETUPS[setup]):
            logs.append(log_dir / f"load-{setup}-n{n}-{k + 1}.server.log")
            url, process = stack.enter_context(bench_pages.serve_process(
                Path(tmp) / ("load.duckdb" if setup == "duckdb" else "unused.duckdb"), logs[-1], "app.py", env,
                port=args.port + k if args.port else None, wait=False))
            urls.append(url)
            processes.append(process)
            print(f"[load] {setup} n={n}: app process {process.pid} on {url} (log {logs[-1]})", file=sys.stderr)
        for url, process, log in zip(urls, processes, logs):     # started side by side
            bench_pages.wait_healthy(url, process, log)
        sessions = asyncio.run(driver(run, urls, tokens, [p.pid for p in processes], db_pids, args.rounds,
                                     args.action_timeout, started + args.time_limit, tag))
        stack.close()           # the app processes stop: the DuckDB file is free, no write is still running
        db = reopen()
        count_markers(db, run, sessions, tag)
        db.close()
    run.error_boxes = sum(s.error_boxes for s in sessions)
    run.failures = [s.failed for s in sessions if s.failed]
    run.tracebacks = sum(log.read_text(errors="replace").count("Traceback") for log in logs)
    run.wall_s = time.monotonic() - started
    for text in [t for s in sessions for t in s.error_texts][:5] + run.failures[:5] + [run.stopped or ""]:
        if text:
            print(f"[load] {setup} n={n}: {text}", file=sys.stderr)
    return run


def run_load_bench(args, driver=drive, driver_name: str = "browser") -> int:
    """The load bench with `driver` (drive: chromium; tests.load.protocol's: Streamlit's websocket protocol,
    `python -m tests.load.protocol`)."""
    from voc.cli.bench_analytics import BENCH_DIR, open_dataset

    if driver is drive and not Path(bench_pages.CHROMIUM).exists():
        print(f"{bench_pages.CHROMIUM} chưa được cài (apt-get install chromium).", file=sys.stderr)
        return 2
    try:
        counts = sorted({int(x) for x in args.sessions.split(",") if x.strip()})
        setups = [s.strip() for s in args.setups.split(",") if s.strip()]
    except ValueError:
        counts = []
    if not counts or min(counts) < 1 or not setups or set(setups) - set(SETUPS):
        print(f"--sessions: các số dương cách nhau bởi dấu phẩy; --setups: {', '.join(SETUPS)}.", file=sys.stderr)
        return 2
    cases = args.cases or DEFAULT_CASES
    print(f"load.driver: {driver_name}")
    print(_line("load.host.cores", os.cpu_count() or 0, "cores"))
    print(_line("load.host.load_average_1m_start", os.getloadavg()[0], "load"), flush=True)
    base, figures = open_dataset(SimpleNamespace(db=args.db, cases=cases))
    for fig in figures:
        print(f"load.{fig.line()}", flush=True)
    ensure_accounts(base, max(counts))
    log_dir = Path(args.db).parent if args.db else BENCH_DIR
    with base.cursor() as cur:
        cur.execute("CHECKPOINT")       # each run copies the file: the accounts must be in it, not in the WAL
    server, pg_url, db_pids = None, args.database_url, []
    runs: list[Run] = []
    try:
        if "postgres" in setups and not pg_url:
            from voc.store.pg_testserver import PostgresServer

            server = PostgresServer().start()
            pg_url, db_pids = server.create_database("voc_load"), [server._pid]     # the postmaster
        for n in counts:
            for setup in setups:
                run = measure_run(setup, n, args, base, pg_url, db_pids if setup == "postgres" else [], log_dir,
                                  driver)
                runs.append(run)
                for line in run_lines(run):
                    print(line, flush=True)
        for n, ratio in ratios(runs).items():
            print(_line(f"load.n{n}.processes_2_vs_1.submits_per_second_ratio", ratio, "ratio"))
        print(_line("load.host.load_average_1m_end", os.getloadavg()[0], "load"))
        for line in target_lines(runs):
            print(line)
    finally:
        base.close()
        if server is not None:
            server.stop()
    return 0


def add_load_bench_args(parser) -> None:
    parser.add_argument("--load", action="store_true",
                        help=f"đo tải: N phiên trình duyệt tiếp nhận, mở danh sách hồ sơ và bảng SLA cùng lúc, trên "
                             f"1 tiến trình với DuckDB và 2 tiến trình với PostgreSQL (--cases mặc định {DEFAULT_CASES})")
    parser.add_argument("--sessions", default=DEFAULT_SESSIONS, help="số phiên, cách nhau bởi dấu phẩy (mặc định 10,30)")
    parser.add_argument("--rounds", type=int, default=DEFAULT_ROUNDS, help="số vòng mỗi lần đo")
    parser.add_argument("--setups", default=",".join(SETUPS), help="duckdb (1 tiến trình), postgres (2 tiến trình)")
    parser.add_argument("--action-timeout", type=float, default=ACTION_TIMEOUT_S, help="giây tối đa cho một thao tác")
    parser.add_argument("--time-limit", type=float, default=RUN_TIME_LIMIT_S,
                        help="giây tối đa cho một lần đo; quá hạn thì không bắt đầu pha mới")
    parser.add_argument("--port", type=int, default=0, help="cổng của tiến trình ứng dụng đầu tiên (mặc định: cổng trống)")
