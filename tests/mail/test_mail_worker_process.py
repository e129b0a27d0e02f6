"""`python -m voc worker`: the mail worker as its own process, against the real test servers (aiosmtpd,
Dovecot): it delivers the outbox, turns the mailbox into cases, logs each pass in Vietnamese and stops
cleanly on SIGTERM; the app started with VOC_MAIL_WORKER=external starts no worker of its own."""
from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import threading

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT, make_draft
from tests.mail.conftest import SENDER
from tests.mail.test_mail_inbound import complaint
from tests.mail.test_mail_worker import mail_threads, wait_for
from voc.desk import cases
from voc.errors import ValidationError
from voc.mail import worker
from voc.mail.local_smtp import HOST, free_port
from voc.mail.outbox import MailStatus
from voc.mail.settings import MailSettings, WorkerMode, worker_mode
from voc.model import Channel
from voc.store.db import Database

OFF = MailSettings(None, None, None)


def start_worker(db_file, log, **env) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "voc", "worker", "--interval", "0.5", "--db", str(db_file)],
                            cwd=ROOT, env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT, text=True)


def test_worker_process_sends_the_outbox_fetches_the_mailbox_and_stops_on_sigterm(
        tmp_path, staff, smtp_server, mailbox, monkeypatch):
    monkeypatch.setenv("VOC_MAIL_FROM", SENDER)
    db_file = tmp_path / "worker.duckdb"
    db = Database(db_file)
    queued = cases.receive(db, staff, make_draft())            # its confirmation waits in the outbox
    db.close()
    mailbox.append(complaint(1, subject="Email không gửi được").as_bytes())

    log_path = tmp_path / "worker.log"
    with log_path.open("w") as log:
        process = start_worker(db_file, log, VOC_SMTP_URL=f"smtp://{HOST}:{smtp_server.port}", VOC_MAIL_FROM=SENDER,
                               VOC_IMAP_URL=mailbox.url)
        try:
            # the queued confirmation, and the confirmation of the case opened from the mail
            assert wait_for(lambda: len(smtp_server.received) == 2, timeout_s=120), log_path.read_text()
            assert wait_for(lambda: set(mailbox.flags().values()) == {"\\Seen $VocDone"}, timeout_s=30)
            assert wait_for(lambda: "Gửi thư: Đã gửi 2 thư" in log_path.read_text(), timeout_s=30)
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=60) == 0
        finally:
            if process.poll() is None:
                process.kill()
    out = log_path.read_text()
    assert "Tiến trình thư bắt đầu: DuckDB" in out and "Nhận thư: bật; gửi thư: bật." in out
    assert "Nhận thư khiếu nại: Đã nhận 1 thư: 1 hồ sơ mới" in out
    assert "Nhận tín hiệu SIGTERM: dừng sau lượt đang chạy." in out
    assert out.rstrip().splitlines()[-1].startswith("Đã dừng tiến trình thư sau ")
    assert mailbox.password not in out
    assert any(queued.ticket_code in m.message["Subject"] for m in smtp_server.received)

    db = Database(db_file)
    try:
        with db.cursor() as cur:
            channels = sorted(c for (c,) in cur.execute("SELECT channel FROM cases").fetchall())
            statuses = {s for (s,) in cur.execute("SELECT status FROM mail_outbox").fetchall()}
        assert channels == sorted([make_draft().channel.value, Channel.EMAIL.value])
        assert statuses == {MailStatus.SENT.value}
    finally:
        db.close()


def test_worker_once_runs_one_round_and_exits_1_when_a_pass_fails(tmp_path):
    unreachable = f"imap://khieunai:x@{HOST}:{free_port()}/INBOX"      # nothing listens there
    done = subprocess.run([sys.executable, "-m", "voc", "worker", "--once", "--db", str(tmp_path / "once.duckdb")],
                          cwd=ROOT, env={**os.environ, "VOC_IMAP_URL": unreachable, "VOC_SMTP_URL": ""},
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 1, done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[0].endswith("một vòng. Nhận thư: bật; gửi thư: tắt.")
    assert "Nhận thư khiếu nại: lỗi — " in lines[1] and "lượt sau sẽ thử lại" in lines[1]
    assert "Thông báo cho nhân viên: Đã xếp hàng 0 thư" in lines[2]
    assert "Gửi thư: Gửi thư đang tắt" in lines[3]
    assert lines[4] == "Đã dừng tiến trình thư sau 1 vòng."


def test_a_stop_asked_during_a_pass_lets_it_finish_and_runs_no_other(db):
    started, release, later = threading.Event(), threading.Event(), []

    def slow_pass(db_, settings):
        started.set()
        release.wait(10)
        return "xong"

    running = worker.MailWorker(db, OFF, interval_s=0.01, passes=[slow_pass, lambda db_, s: later.append(1)])
    thread = threading.Thread(target=running.run)
    thread.start()
    assert started.wait(10)
    running.request_stop()          # what SIGTERM does in the worker process
    release.set()
    thread.join(10)
    assert not thread.is_alive()
    assert running.last["slow_pass"].result == "xong" and later == [] and running.rounds == 1


def test_the_setting_says_who_runs_the_worker():
    assert worker_mode({}) is WorkerMode.IN_APP
    assert worker_mode({"VOC_MAIL_WORKER": " External "}) is WorkerMode.EXTERNAL
    with pytest.raises(ValidationError, match="VOC_MAIL_WORKER phải là “app”.*nhận được: “both”"):
        worker_mode({"VOC_MAIL_WORKER": "both"})


@pytest.fixture
def no_worker_left():
    worker.stop_worker()
    yield
    assert worker.stop_worker()


def test_the_app_with_an_external_worker_starts_none(app_env, monkeypatch, no_worker_left):
    monkeypatch.setenv("VOC_MAIL_WORKER", "external")
    app = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    app.run()
    assert not app.exception
    assert worker.current_worker() is None and mail_threads() == []


def test_the_app_keeps_its_worker_when_the_setting_is_unreadable(app_env, monkeypatch, no_worker_left):
    monkeypatch.setenv("VOC_MAIL_WORKER", "both")
    AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    running = worker.current_worker()
    assert running is not None and running.is_alive()


def test_quan_tri_says_who_runs_the_worker(app_env, monkeypatch, no_worker_left):
    from tests.mail.test_pages_admin_mail import open_page, page_text

    monkeypatch.setenv("VOC_MAIL_WORKER", "external")
    assert "tiến trình riêng `python -m voc worker` (VOC_MAIL_WORKER=external)" in page_text(open_page())
    monkeypatch.setenv("VOC_MAIL_WORKER", "both")
    app = open_page()
    warnings = [re.sub(r"\\(.)", r"\1", w.value) for w in app.warning]     # as the user reads them
    assert any("VOC_MAIL_WORKER phải là" in w and "Ứng dụng tự chạy tiến trình thư" in w for w in warnings)
