"""The sender against a real SMTP server on 127.0.0.1 (aiosmtpd): headers, a server that is down
then up (nothing lost, nothing twice), a refusing server (5xx: backoff, give up after N tries,
shown, retried by an admin), a pass that died mid-way, TLS and login, sending off, the CLI."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from datetime import timedelta

import pytest

from tests.conftest import ROOT, make_draft
from tests.mail.conftest import SENDER, self_signed, settings_for
from voc.desk import cases
from voc.store.audit import events_for
from voc.clock import format_local, utcnow
from voc.store.db import Database
from voc.errors import PermissionDenied
from voc.mail import outbox, sender
from voc.mail.local_smtp import LocalSmtpServer
from voc.mail.outbox import MailKind, MailStatus
from voc.mail.sender import RetryPolicy, send_pending
from voc.mail.settings import MailSettings


@pytest.fixture(autouse=True)
def our_domain(monkeypatch):
    monkeypatch.setenv("VOC_MAIL_FROM", SENDER)


def queue(db, n: int, domain: str = "bkns.vn") -> list[str]:
    with db.transaction() as cur:
        return [outbox.queue_mail(cur, kind=MailKind.NOTIFICATION, to_address=f"khach{i}@example.com",
                                  subject=f"Thông báo {i}", body=f"Nội dung {i}", queued_by="lan", domain=domain,
                                  ticket_code=f"KN-2026-{i:06d}") for i in range(n)]


def about(actual: timedelta, expected: timedelta) -> bool:
    return abs(actual - expected) < timedelta(seconds=5)


def rows(db):
    with db.cursor() as cur:
        return {m.message_id: m for m in
                (outbox.row_to_mail(r) for r in cur.execute(f"SELECT {outbox.OUTBOX_COLUMNS} FROM mail_outbox").fetchall())}


def test_confirmation_headers_as_received(db, staff, smtp_server):
    case = cases.receive(db, staff, make_draft())
    report = send_pending(db, settings_for(smtp_server))
    assert (report.sent, report.failed, report.queued) == (1, 0, 0)
    [captured] = smtp_server.received
    msg = captured.message
    [row] = rows(db).values()
    assert captured.mail_from == "cskh@bkns.vn" and captured.rcpt_tos == ("an@example.com",)
    assert msg["Message-ID"] == row.message_id and row.message_id.endswith("@bkns.vn>")
    assert msg["Subject"].startswith(f"[{case.ticket_code}] ")
    assert f"[{case.ticket_code}]".encode() in captured.data       # readable in the raw header, not encoded
    assert msg["Auto-Submitted"] == "auto-generated"
    assert msg["From"] == SENDER and msg["To"] == "Nguyễn Văn An <an@example.com>"
    assert msg["In-Reply-To"] is None and msg["Date"] is not None
    body = msg.get_body(("plain",)).get_content()
    assert case.ticket_code in body and "Trạng thái: Đã tiếp nhận" in body
    assert f"Hạn gửi thư trả lời: {format_local(case.reply_due_at)}" in body
    assert f"Hạn giải quyết: {format_local(case.resolution_due_at)}" in body
    assert row.status is MailStatus.SENT and row.attempts == 1 and row.sent_at is not None


def test_server_down_then_up_nothing_lost_nothing_twice(db):
    server = LocalSmtpServer()            # not started: the port refuses connections
    settings = settings_for(server)
    ids = queue(db, 3)
    t0 = utcnow()
    down = send_pending(db, settings, now=t0)
    assert (down.sent, down.failed, down.queued) == (0, 3, 3)
    waiting = rows(db)
    assert all(m.status is MailStatus.QUEUED and m.attempts == 1 and "ConnectionRefused" in m.last_error
               for m in waiting.values())
    assert all(about(m.next_attempt_at - t0, timedelta(minutes=1)) for m in waiting.values())
    assert send_pending(db, settings, now=t0 + timedelta(seconds=30)).failed == 0   # backoff: not due yet
    with server:
        up = send_pending(db, settings, now=t0 + timedelta(minutes=2))
        again = send_pending(db, settings, now=t0 + timedelta(hours=5))
    assert (up.sent, up.failed, up.queued) == (3, 0, 0)
    assert again.sent == 0
    assert sorted(c.message["Message-ID"] for c in server.received) == sorted(ids)
    assert all(m.status is MailStatus.SENT and m.attempts == 2 and m.last_error is None for m in rows(db).values())


@pytest.mark.parametrize("where, reply", [("data", "554 5.7.1 Rejected by policy"), ("rcpt", "550 5.1.1 No such user")])
def test_refusing_server_backs_off_then_gives_up(db, admin, smtp_server, where, reply):
    smtp_server.refuse(**{where: reply})
    settings, policy = settings_for(smtp_server), RetryPolicy(max_attempts=3)
    [mid] = queue(db, 1)
    t0 = utcnow()
    first = send_pending(db, settings, now=t0, policy=policy)
    mail = rows(db)[mid]
    assert (first.failed, mail.attempts, mail.status) == (1, 1, MailStatus.QUEUED)
    assert reply.split()[0] in mail.last_error
    assert about(mail.next_attempt_at - t0, timedelta(minutes=1))
    send_pending(db, settings, now=t0 + timedelta(minutes=1, seconds=5), policy=policy)
    mail = rows(db)[mid]
    assert mail.attempts == 2
    assert about(mail.next_attempt_at - t0, timedelta(minutes=3, seconds=5))   # 2 minutes after the 2nd try
    last = send_pending(db, settings, now=t0 + timedelta(minutes=4), policy=policy)
    assert (last.failed, last.gave_up, last.queued) == (1, 1, 0)
    assert send_pending(db, settings, now=t0 + timedelta(days=1), policy=policy).failed == 0   # given up stays put
    shown = outbox.outbox_mails(db, admin, MailStatus.FAILED)
    assert [(m.message_id, m.attempts) for m in shown] == [(mid, 3)] and reply.split()[0] in shown[0].last_error
    assert outbox.outbox_counts(db, admin)[MailStatus.FAILED] == 1
    assert smtp_server.received == []
    # The admin retries once the server accepts again: sent once, the history kept in the audit log.
    smtp_server.refuse()
    assert sender.retry_now(db, admin, [shown[0].id]) == 1
    assert send_pending(db, settings, policy=policy).sent == 1
    assert [c.message["Message-ID"] for c in smtp_server.received] == [mid]
    with db.cursor() as cur:
        assert [e.action for e in events_for(cur, "mail", shown[0].id)] == ["gave_up", "retry_requested"]


def test_retry_now_is_for_admins_and_never_touches_sent_mail(db, admin, staff, smtp_server):
    queue(db, 1)
    send_pending(db, settings_for(smtp_server))
    [mail] = rows(db).values()
    with pytest.raises(PermissionDenied):
        sender.retry_now(db, staff, [mail.id])
    assert sender.retry_now(db, admin, [mail.id]) == 0
    assert send_pending(db, settings_for(smtp_server)).sent == 0
    assert len(smtp_server.received) == 1


def test_backoff_doubles_and_is_capped():
    policy = RetryPolicy(first_delay=timedelta(minutes=1), max_delay=timedelta(minutes=30))
    assert [policy.delay(n).total_seconds() / 60 for n in range(1, 8)] == [1, 2, 4, 8, 16, 30, 30]


def test_a_pass_that_died_after_claiming_loses_nothing(db, smtp_server):
    """The claim is committed before sending; if the process dies there, the lease ends and the mail goes."""
    [mid] = queue(db, 1)
    t0 = utcnow()
    assert [m.message_id for m in sender._claim(db, t0, 10, sender.DEFAULT_POLICY)] == [mid]   # ... and then died
    settings = settings_for(smtp_server)
    assert send_pending(db, settings, now=t0 + timedelta(minutes=1)).sent == 0      # still held by the dead pass
    assert send_pending(db, settings, now=t0 + sender.DEFAULT_POLICY.lease + timedelta(seconds=1)).sent == 1
    assert [c.message["Message-ID"] for c in smtp_server.received] == [mid]


def test_sending_off_only_counts_and_keeps_the_mail(db, smtp_server):
    queue(db, 2)
    off = MailSettings(None, None, None)
    report = send_pending(db, off)
    assert (report.sending, report.sent, report.failed, report.queued) == (False, 0, 0, 2)
    assert "Gửi thư đang tắt" in report.summary()
    assert all(m.attempts == 0 for m in rows(db).values())
    assert send_pending(db, settings_for(smtp_server)).sent == 2       # turned on later: nothing was lost


def test_starttls_with_login(db, admin, tmp_path, monkeypatch):
    context, cert = self_signed(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))   # the client trusts our self-signed certificate
    [mid] = queue(db, 1)
    with LocalSmtpServer(starttls=context, login=("cskh", "Mat-khau-1")) as server:
        for wrong_login, words in (("cskh:sai-mat-khau@", "535"), ("cskh:m%E1%BA%ADt-kh%E1%BA%A9u@", "ASCII")):
            wrong = send_pending(db, settings_for(server, "smtp+starttls", wrong_login))
            assert (wrong.sent, wrong.failed) == (0, 1)
            error = rows(db)[mid].last_error
            assert words in error and "sai-mat-khau" not in error and "mật-khẩu" not in error
            sender.retry_now(db, admin, [rows(db)[mid].id])
        ok = send_pending(db, settings_for(server, "smtp+starttls", "cskh:Mat-khau-1@"))
    assert ok.sent == 1 and [c.message["Message-ID"] for c in server.received] == [mid]


def test_implicit_tls(db, tmp_path, monkeypatch):
    context, cert = self_signed(tmp_path)
    monkeypatch.setenv("SSL_CERT_FILE", str(cert))
    queue(db, 1)
    with LocalSmtpServer(implicit_tls=context) as server:
        assert send_pending(db, settings_for(server, "smtps")).sent == 1
    assert len(server.received) == 1


def run_cli(*args, env_extra: dict[str, str]):
    env = {k: v for k, v in os.environ.items() if not k.startswith("VOC_")} | env_extra
    return subprocess.run([sys.executable, "-m", "voc", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, env=env)


def test_cli_send_once(tmp_path, smtp_server):
    path = tmp_path / "cli.duckdb"
    db = Database(path)
    ids = queue(db, 2)
    db.close()
    off = run_cli("mail", "send", "--once", "--db", str(path), env_extra={})
    assert off.returncode == 0, off.stderr
    assert "sent=0 failed=0 queued=2" in off.stdout and "Gửi thư đang tắt" in off.stdout
    on = run_cli("mail", "send", "--once", "--db", str(path),
                 env_extra={"VOC_SMTP_URL": f"smtp://127.0.0.1:{smtp_server.port}", "VOC_MAIL_FROM": SENDER})
    assert on.returncode == 0, on.stderr
    assert "sent=2 failed=0 queued=0" in on.stdout
    assert sorted(c.message["Message-ID"] for c in smtp_server.received) == sorted(ids)
    bad = run_cli("mail", "send", "--once", "--db", str(path), env_extra={"VOC_SMTP_URL": "http://x"})
    assert bad.returncode == 1 and "VOC_SMTP_URL" in bad.stderr


def test_bench_send_delivers_every_mail():
    from voc.mail.bench_send import bench_send

    result = bench_send(50)
    assert (result.sent, result.received) == (50, 50)
    assert result.per_second > 0 and any(line.startswith("send_rate:") for line in result.lines())


def test_killed_between_acceptance_and_mark_sends_once_more_with_the_same_message_id(tmp_path, smtp_server):
    """The README's window, for real: the server takes the mail, the sender process dies before it
    hears the 250 (so before any mark). Nothing is lost; the mail goes once more, same Message-ID."""
    path = tmp_path / "killed.duckdb"
    db = Database(path)
    [mid] = queue(db, 1)
    db.close()
    env = {k: v for k, v in os.environ.items() if not k.startswith("VOC_")}
    env |= {"VOC_SMTP_URL": f"smtp://127.0.0.1:{smtp_server.port}", "VOC_MAIL_FROM": SENDER}
    child = subprocess.Popen([sys.executable, "-m", "voc", "mail", "send", "--once", "--db", str(path)],
                             cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    smtp_server.handler.on_accept = lambda: os.kill(child.pid, signal.SIGKILL)
    child.wait(timeout=120)
    assert child.returncode == -signal.SIGKILL
    smtp_server.handler.on_accept = None
    db = Database(path)
    try:
        [held] = rows(db).values()
        assert (held.status, held.attempts) == (MailStatus.QUEUED, 1)        # claimed, never marked
        settings = settings_for(smtp_server)
        assert send_pending(db, settings).sent == 0                           # still within its lease
        later = send_pending(db, settings, now=utcnow() + sender.DEFAULT_POLICY.lease + timedelta(seconds=1))
        assert later.sent == 1 and send_pending(db, settings, now=utcnow() + timedelta(days=1)).sent == 0
    finally:
        db.close()
    assert [c.message["Message-ID"] for c in smtp_server.received] == [mid, mid]
