"""The background mail worker: one per process, sends the outbox by itself, outlives a failing pass,
takes extra passes (the mailbox fetch goes beside the send pass) and stops cleanly."""
from __future__ import annotations

import threading
import time

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT, make_draft
from tests.mail.conftest import SENDER, settings_for
from voc.desk import cases
from voc.store.db import Database
from voc.mail import worker
from voc.mail.settings import MailSettings

OFF = MailSettings(None, None, None)


@pytest.fixture(autouse=True)
def no_worker_left(db):   # stopped before the test database closes
    worker.stop_worker()
    yield
    assert worker.stop_worker()


def mail_threads() -> list[threading.Thread]:
    return [t for t in threading.enumerate() if t.name == "voc-mail-worker"]


def wait_for(condition, timeout_s: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


def test_started_once_per_process(db):
    first = worker.ensure_worker(db, OFF, interval_s=0.05)
    again = [worker.ensure_worker(db, OFF, interval_s=0.05) for _ in range(5)]   # every rerun asks again
    assert all(w is first for w in again) and worker.current_worker() is first
    assert wait_for(lambda: first.rounds >= 3)
    assert mail_threads() == [first._thread]


def test_sends_queued_mail_in_the_background(db, staff, smtp_server, monkeypatch):
    monkeypatch.setenv("VOC_MAIL_FROM", SENDER)
    running = worker.ensure_worker(db, settings_for(smtp_server), interval_s=0.05)
    case = cases.receive(db, staff, make_draft())
    assert wait_for(lambda: len(smtp_server.received) == 1)
    assert case.ticket_code in smtp_server.received[0].message["Subject"]
    # the SMTP server can hold the mail before the pass that sent it has recorded its outcome
    assert wait_for(lambda: "send_pass" in running.last and running.last["send_pass"].result.queued == 0)
    time.sleep(0.3)                                   # more rounds run: nothing is sent twice
    assert len(smtp_server.received) == 1


def test_a_failing_pass_does_not_stop_the_worker(db):
    calls = []

    def broken(db_, settings):
        calls.append(1)
        raise RuntimeError("mailbox unreachable")

    running = worker.MailWorker(db, OFF, interval_s=0.02, passes=[broken, worker.send_pass]).start()
    try:
        assert wait_for(lambda: len(calls) >= 3)
        assert running.is_alive()
        assert running.last["broken"].error == "RuntimeError: mailbox unreachable"
        assert running.last["send_pass"].error is None and running.last["send_pass"].result.sending is False
    finally:
        assert running.stop()


def test_passes_registered_later_run_too(db, monkeypatch):
    seen = threading.Event()
    monkeypatch.setattr(worker, "PASSES", [worker.send_pass])
    running = worker.ensure_worker(db, OFF, interval_s=0.02)
    worker.PASSES.append(lambda db_, settings: seen.set())
    assert seen.wait(5)
    assert running.is_alive()


def test_wake_runs_a_round_now(db):
    running = worker.ensure_worker(db, OFF, interval_s=3600)
    assert wait_for(lambda: running.rounds == 1)
    running.wake()
    assert wait_for(lambda: running.rounds == 2, timeout_s=5)


def test_a_new_database_replaces_the_worker_and_stop_ends_it(db, tmp_path):
    first = worker.ensure_worker(db, OFF, interval_s=0.05)
    other = Database(tmp_path / "other.duckdb")
    try:
        second = worker.ensure_worker(other, OFF, interval_s=0.05)
        assert second is not first and not first.is_alive()
        assert mail_threads() == [second._thread]
        assert worker.stop_worker() and not second.is_alive() and mail_threads() == []
    finally:
        other.close()


def test_the_app_starts_one_worker_that_survives_reruns(app_env):
    first_session = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    first_session.run()
    running = worker.current_worker()
    assert running is not None and running.is_alive()
    first_session.run()                                         # a rerun
    AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()   # another browser session
    assert worker.current_worker() is running and mail_threads() == [running._thread]


def test_the_worker_stops_before_its_database_closes(db, caplog):
    """A worker outliving its database (a test's, a reopened app's) would log a failed pass every round."""
    running = worker.ensure_worker(db, OFF, interval_s=0.02)
    assert wait_for(lambda: running.rounds >= 1)
    db.close()
    assert not running.is_alive() and mail_threads() == []
    time.sleep(0.1)
    assert "mail pass" not in caplog.text
