"""Staff notifications by e-mail, queued through the outbox and delivered to a real SMTP server
(aiosmtpd): the due digest at most hourly, branch scope, opt-outs, new-case mails, alerts once."""
from __future__ import annotations

import subprocess
import sys
import threading
from datetime import datetime, timedelta, timezone

import pytest

from tests.conftest import BY_EMAIL, ROOT, make_draft
from tests.mail.conftest import SENDER, settings_for
from voc.accounts import users
from voc.accounts.access import Actor, Role
from voc.desk import cases, letters
from voc.mail import notifications
from voc.mail.notifications import NotificationSettings, notify_once
from voc.mail.sender import send_pending
from voc.model import LetterKind
from voc.store.db import Database

T = datetime(2026, 12, 1, 2, 0, tzinfo=timezone.utc)          # 09:00 in Hà Nội
ADMIN = Actor("admin", Role.ADMIN, None, "Quản trị viên")
PASSWORD = "mat-khau-du-dai-1"


@pytest.fixture(autouse=True)
def our_domain(monkeypatch):
    monkeypatch.setenv("VOC_MAIL_FROM", SENDER)
    monkeypatch.setenv("VOC_APP_URL", "https://voc.bkns.vn/")


def account(db, username: str, role: Role, branch: str | None, email: str | None = None, **choices) -> Actor:
    user = users.create_user(db, ADMIN, username, f"Người {username}", role, branch, PASSWORD,
                             email=email if email is not None else f"{username}@bkns.vn")
    if choices:
        notifications.save_own_settings(db, user.actor(), NotificationSettings(**choices))
    return user.actor()


def mails_to(server, address: str) -> list:
    return [m.message for m in server.received if address in m.rcpt_tos]


def due_soon_case(db, staff, branch: str = "Hà Nội"):
    """Received 45 hours before T: its 48-hour reply falls due at T + 3 h."""
    return cases.receive(db, staff, make_draft(branch=branch), received_at=T - timedelta(hours=45))


def test_digest_goes_at_most_hourly_and_again_only_while_something_is_due(db, staff, smtp_server):
    account(db, "hoa", Role.STAFF, "Hà Nội")
    case = due_soon_case(db, staff)
    first = notify_once(db, at=T)
    again = notify_once(db, at=T + timedelta(minutes=10))
    assert (first.digests, again.digests, again.waiting) == (1, 0, 1)
    send_pending(db, settings_for(smtp_server))
    [mail] = mails_to(smtp_server, "hoa@bkns.vn")
    body = mail.get_body(("plain",)).get_content()
    assert mail["Subject"] == "Chi nhánh Hà Nội: 0 hồ sơ quá hạn, 1 hồ sơ đến hạn trong 4 giờ"
    assert f"- {case.ticket_code}: hạn trả lời 01/12/2026 12:00 — Hosting — lan" in body   # 05:00 UTC = 12:00 in Hà Nội
    assert f"https://voc.bkns.vn/cases?ticket={case.ticket_code}" in body
    assert mail["Auto-Submitted"] == "auto-generated"

    assert notify_once(db, at=T + timedelta(minutes=61)).digests == 1             # still due: a new one
    cases.start_verification(db, staff, case.ticket_code, at=T + timedelta(minutes=65))
    letters.issue_letter(db, staff, case.ticket_code, LetterKind.REPLY, "Trả lời khiếu nại",
                         "Cảm ơn Quý khách. Chúng tôi đã khắc phục trước 17:00 ngày 02/12/2026.",
                         delivery=BY_EMAIL, at=T + timedelta(minutes=70))
    assert notify_once(db, at=T + timedelta(minutes=125)).digests == 0            # replied: nothing due
    send_pending(db, settings_for(smtp_server))
    assert len(mails_to(smtp_server, "hoa@bkns.vn")) == 2


def test_overdue_cases_are_listed_as_overdue(db, staff):
    account(db, "hoa", Role.STAFF, "Hà Nội")
    case = cases.receive(db, staff, make_draft(), received_at=T - timedelta(hours=50))
    with db.cursor() as cur:
        [item] = notifications.due_items(cur, "Hà Nội", T, 4)
    assert (item.ticket_code, item.clock, item.overdue) == (case.ticket_code, "reply", True)


def test_digest_and_new_case_mails_stay_in_their_branch(db, staff, smtp_server):
    account(db, "tuan", Role.STAFF, "Đà Nẵng", new_case=True)
    account(db, "hoa", Role.STAFF, "Hà Nội", new_case=True)
    due_soon_case(db, staff)
    assert notify_once(db, at=T).digests == 1
    send_pending(db, settings_for(smtp_server))
    assert mails_to(smtp_server, "tuan@bkns.vn") == []
    assert len(mails_to(smtp_server, "hoa@bkns.vn")) == 2      # the new case and the digest


def test_opt_outs_no_address_and_deactivated_accounts_get_nothing(db, staff, smtp_server):
    account(db, "hoa", Role.STAFF, "Hà Nội", due_digest=False, new_case=False)
    account(db, "minh", Role.STAFF, "Hà Nội", email="")
    gone = account(db, "binh", Role.STAFF, "Hà Nội", new_case=True)
    users.update_user(db, ADMIN, gone.username, active=False)
    due_soon_case(db, staff)
    assert notify_once(db, at=T).digests == 0
    send_pending(db, settings_for(smtp_server))
    assert [m.rcpt_tos for m in smtp_server.received] == [("an@example.com",)]   # the customer's confirmation only


def test_new_case_mail_goes_to_opted_in_branch_staff_but_not_to_who_received_it(db, smtp_server):
    receiver = account(db, "lan", Role.STAFF, "Hà Nội", new_case=True)
    account(db, "hoa", Role.STAFF, "Hà Nội", new_case=True)
    case = cases.receive(db, receiver, make_draft())
    send_pending(db, settings_for(smtp_server))
    assert mails_to(smtp_server, "lan@bkns.vn") == []
    [mail] = mails_to(smtp_server, "hoa@bkns.vn")
    body = mail.get_body(("plain",)).get_content()
    assert mail["Subject"] == f"[{case.ticket_code}] Hồ sơ mới tại chi nhánh Hà Nội"
    assert "Hạn gửi thư trả lời: " in body and f"https://voc.bkns.vn/cases?ticket={case.ticket_code}" in body
    assert "0912345678" not in body and "an@example.com" not in body       # no customer contacts in staff mail


def test_new_case_mail_is_part_of_the_intake_transaction(db, staff):
    account(db, "hoa", Role.STAFF, "Hà Nội", new_case=True)
    with pytest.raises(RuntimeError):
        with db.transaction() as cur:
            cases.receive_in(cur, staff, make_draft())
            raise RuntimeError("the intake fails after the case was written")
    with db.cursor() as cur:
        assert cur.execute("SELECT count(*) FROM mail_outbox").fetchone()[0] == 0
        assert cur.execute("SELECT count(*) FROM notifications_sent").fetchone()[0] == 0


def _theme_jump(db, staff, n: int = 6) -> str:
    """n cases of one theme in the last days, none in the weeks before: an emerging issue."""
    theme = "downtime"
    for i in range(n):
        case = cases.receive(db, staff, make_draft(), received_at=T - timedelta(days=1, hours=i))
        with db.transaction() as cur:
            cur.execute("INSERT INTO case_themes (case_id, theme_code, score, source) VALUES (?, ?, 0.9, 'rule')",
                        [case.id, theme])
    return theme


def test_alert_mails_go_to_qa_and_managers_once(db, staff, smtp_server):
    account(db, "qa1", Role.QA, None)
    account(db, "ql1", Role.MANAGER, None)
    account(db, "ql2", Role.MANAGER, None, alerts=False)
    account(db, "hoa", Role.STAFF, "Hà Nội", due_digest=False)
    _theme_jump(db, staff)
    first = notify_once(db, at=T)
    again = notify_once(db, at=T + timedelta(hours=3))
    assert (first.alerts, first.alert_mails, again.alerts) == (2, 2, 0)
    send_pending(db, settings_for(smtp_server))
    [mail] = mails_to(smtp_server, "qa1@bkns.vn")
    assert mail["Subject"] == "Cảnh báo vấn đề nổi lên: downtime"      # the code: no taxonomy loaded here
    body = mail.get_body(("plain",)).get_content()
    assert "6 hồ sơ trong 7 ngày qua" in body and "Kiểm định Poisson" in body
    assert len(mails_to(smtp_server, "ql1@bkns.vn")) == 1
    assert mails_to(smtp_server, "ql2@bkns.vn") == [] and mails_to(smtp_server, "hoa@bkns.vn") == []


def test_two_passes_at_once_queue_one_digest(db, staff):
    account(db, "hoa", Role.STAFF, "Hà Nội")
    due_soon_case(db, staff)
    reports = []
    threads = [threading.Thread(target=lambda: reports.append(notify_once(db, at=T, alerts=False))) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    with db.cursor() as cur:
        assert cur.execute("SELECT count(*) FROM mail_outbox WHERE kind = 'notification'").fetchone()[0] == 1
    assert sum(r.digests for r in reports) == 1


def test_settings_are_validated_audited_and_default_when_unset(db, staff):
    hoa = account(db, "hoa", Role.STAFF, "Hà Nội")
    assert notifications.own_settings(db, hoa) == NotificationSettings(True, 4, False, True)
    with pytest.raises(Exception, match="Số giờ báo trước"):
        notifications.save_own_settings(db, hoa, NotificationSettings(due_hours=0))
    saved = notifications.save_own_settings(db, hoa, NotificationSettings(due_hours=8, new_case=True))
    assert saved == NotificationSettings(True, 8, True, True)
    with db.cursor() as cur:
        (after,) = cur.execute("SELECT after FROM events WHERE action = 'notification_settings_changed'").fetchone()
    assert '"due_hours": 8' in after


def test_cli_notify_once_prints_its_counts(tmp_path, staff):
    db = Database(tmp_path / "cli.duckdb")
    try:
        account(db, "hoa", Role.STAFF, "Hà Nội")
        cases.receive(db, staff, make_draft(), received_at=datetime.now(timezone.utc) - timedelta(hours=45))
    finally:
        db.close()
    command = [sys.executable, "-m", "voc", "mail", "notify", "--once", "--db", str(tmp_path / "cli.duckdb")]
    run = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stderr
    assert run.stdout.splitlines()[0] == "digests=1 waiting=0 alerts=0 alert_mails=0 collisions=0"
    assert "Đã xếp hàng 1 thư tổng hợp" in run.stdout


def test_cases_fetched_from_the_mailbox_notify_the_intake_branch(db, mailbox, smtp_server):
    """The fetch pass receives a chunk of mails in one transaction; each case still gets its mails."""
    from email.message import EmailMessage

    from voc.mail import inbound
    from voc.mail.settings import mail_settings

    account(db, "hoa", Role.STAFF, "Hà Nội", new_case=True)
    account(db, "tuan", Role.STAFF, "Đà Nẵng", new_case=True)
    for i in range(3):
        msg = EmailMessage()
        msg["From"], msg["To"], msg["Subject"] = f"Khách {i} <kh{i}@example.vn>", "khieunai@voc-desk.local", f"Lỗi {i}"
        msg["Message-ID"] = f"<n{i}@example.vn>"
        msg.set_content(f"Website bị sập lần {i}.")
        mailbox.append(msg.as_bytes())
    settings = mail_settings({"VOC_IMAP_URL": mailbox.url, "VOC_SMTP_URL": f"smtp://127.0.0.1:{smtp_server.port}",
                              "VOC_MAIL_FROM": SENDER})
    assert inbound.fetch_once(db, settings).counts.created == 3
    send_pending(db, settings)
    assert len(mails_to(smtp_server, "hoa@bkns.vn")) == 3 and mails_to(smtp_server, "tuan@bkns.vn") == []
    with db.cursor() as cur:
        assert cur.execute("SELECT count(*) FROM notifications_sent WHERE kind = 'new_case'").fetchone()[0] == 3
        assert cur.execute("SELECT count(*) FROM case_rounds").fetchone()[0] == 3
