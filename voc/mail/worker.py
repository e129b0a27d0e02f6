"""The mail worker: runs the mail passes every few seconds, on a thread of the app or as its own process.

`PASSES` is the list of passes, each called as `pass_(db, settings)`: fetching the complaints mailbox,
queueing staff notifications, then sending the outbox. `ensure_worker` starts the process's worker once:
calling it again (every Streamlit rerun, every session) returns the same running worker, and a
worker for another database is stopped before the new one starts, so two never run at once.
`python -m voc worker` runs the same loop in its own process (`MailWorker.run`), for several app
processes started with VOC_MAIL_WORKER=external (voc.mail.settings.worker_mode).
"""
from __future__ import annotations

import atexit
import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Callable

from voc.clock import local, utcnow
from voc.mail.inbound import FETCH_OFF, fetch_once
from voc.mail.notifications import notify_once
from voc.mail.sender import send_pending
from voc.mail.settings import MailSettings

log = logging.getLogger(__name__)

DEFAULT_INTERVAL_S = 15.0
ALERT_CHECK_PERIOD = timedelta(minutes=15)   # the alert test reads weeks of cases: not every 15 seconds

MailPass = Callable[..., object]


def send_pass(db, settings: MailSettings) -> object:
    return send_pending(db, settings)


def fetch_pass(db, settings: MailSettings) -> object:
    """The complaints mailbox into cases (a no-op while VOC_IMAP_URL is unset)."""
    return fetch_once(db, settings) if settings.fetching else None


class _Every:
    """True at most once per `period` (per process): how often the worker looks for new alerts."""

    def __init__(self, period: timedelta) -> None:
        self.period = period
        self._last: datetime | None = None

    def due(self) -> bool:
        now = utcnow()
        if self._last is not None and now - self._last < self.period:
            return False
        self._last = now
        return True


_alert_check = _Every(ALERT_CHECK_PERIOD)


def notify_pass(db, settings: MailSettings) -> object:
    """Staff notifications into the outbox: due digests (at most hourly per user, kept in the database)
    and new emerging-issue alerts (looked for every ALERT_CHECK_PERIOD)."""
    return notify_once(db, alerts=_alert_check.due())


PASSES: list[MailPass] = [fetch_pass, notify_pass, send_pass]


PASS_LABELS = {"fetch_pass": "Nhận thư khiếu nại", "notify_pass": "Thông báo cho nhân viên", "send_pass": "Gửi thư"}


@dataclass(frozen=True)
class PassOutcome:
    name: str
    at: datetime
    result: object = None
    error: str | None = None

    def describe(self) -> str:
        """One log line in Vietnamese: when, which pass, and its summary or its error."""
        if self.error:
            text = f"lỗi — {self.error} (lượt sau sẽ thử lại)"
        elif self.result is None:
            text = FETCH_OFF if self.name == "fetch_pass" else "không có việc."
        else:
            text = self.result.summary() if hasattr(self.result, "summary") else str(self.result)
        return f"{local(self.at):%d/%m/%Y %H:%M:%S} {PASS_LABELS.get(self.name, self.name)}: {text}"


class MailWorker:
    """Runs every pass of `passes` (default: the module's PASSES, read at each round) in a daemon thread."""

    def __init__(self, db, settings: MailSettings, *, interval_s: float = DEFAULT_INTERVAL_S,
                 passes: list[MailPass] | None = None) -> None:
        self.db = db
        self.settings = settings
        self.interval_s = interval_s
        self._passes = passes
        self._stop = threading.Event()
        self._wake = threading.Event()
        self._thread: threading.Thread | None = None
        self.rounds = 0
        self.last: dict[str, PassOutcome] = {}

    @property
    def passes(self) -> list[MailPass]:
        return PASSES if self._passes is None else self._passes

    def is_alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def start(self) -> "MailWorker":
        if self.is_alive():
            return self
        self._stop.clear()
        self._thread = threading.Thread(target=self._loop, name="voc-mail-worker", daemon=True)
        self._thread.start()
        self.db.on_close(self.stop)         # ends before its database closes: no pass on a closed pool
        return self

    def wake(self) -> None:
        """Run the passes now instead of at the end of the interval (e.g. after "retry now")."""
        self._wake.set()

    def request_stop(self) -> None:
        """End after the pass in progress (safe from a signal handler: it only sets two events)."""
        self._stop.set()
        self._wake.set()

    def stop(self, timeout_s: float = 60.0) -> bool:
        """Ask the thread to end after the pass it is in; True when it has ended."""
        self.request_stop()
        if self._thread is not None:
            self._thread.join(timeout_s)
        return not self.is_alive()

    def run_round(self, on_pass: Callable[[PassOutcome], None] | None = None) -> list[PassOutcome]:
        """Every pass once; one pass failing (database busy, server gone) does not stop the others.
        A stop asked for meanwhile ends the round after the pass in progress."""
        outcomes = []
        for pass_ in list(self.passes):
            if self._stop.is_set():
                break
            name = getattr(pass_, "__name__", repr(pass_))
            try:
                outcome = PassOutcome(name, utcnow(), pass_(self.db, self.settings))
            except Exception as error:   # the worker must outlive any one bad round
                log.exception("mail pass %s failed", name)
                outcome = PassOutcome(name, utcnow(), error=f"{type(error).__name__}: {error}")
            self.last[name] = outcome
            outcomes.append(outcome)
            if on_pass is not None:
                on_pass(outcome)
        self.rounds += 1
        return outcomes

    def run(self, *, once: bool = False, on_pass: Callable[[PassOutcome], None] | None = None) -> list[PassOutcome]:
        """The loop, in the calling thread: a round every interval until `request_stop` (or one round
        with `once`); returns the last round's outcomes."""
        outcomes: list[PassOutcome] = []
        while not self._stop.is_set():
            outcomes = self.run_round(on_pass)
            if once:
                break
            self._wake.wait(self.interval_s)
            self._wake.clear()
        return outcomes

    def _loop(self) -> None:
        self.run()


_lock = threading.Lock()
_worker: MailWorker | None = None


def ensure_worker(db, settings: MailSettings, *, interval_s: float = DEFAULT_INTERVAL_S) -> MailWorker:
    """The process's one running worker for `db`, started on the first call."""
    global _worker
    with _lock:
        if _worker is not None and _worker.db is db and _worker.is_alive():
            return _worker
        if _worker is not None:
            _worker.stop()
        _worker = MailWorker(db, settings, interval_s=interval_s).start()
        return _worker


def current_worker() -> MailWorker | None:
    return _worker


def stop_worker(timeout_s: float = 60.0) -> bool:
    """Stop the process's worker (if any); True when no worker thread is left."""
    global _worker
    with _lock:
        if _worker is None:
            return True
        stopped = _worker.stop(timeout_s)
        if stopped:
            _worker = None
        return stopped


@atexit.register
def _stop_at_exit() -> None:
    """On a normal shutdown, let the pass in progress finish and write its marks."""
    stop_worker(timeout_s=30.0)
