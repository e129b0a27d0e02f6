"""Inbound mail end to end: a real Dovecot on 127.0.0.1 (fixture `mailbox`), messages APPENDed with
imaplib, fetch passes into a real DuckDB file. No mock of imaplib anywhere."""
from __future__ import annotations

import os
import subprocess
import sys
from datetime import date, datetime, timedelta, timezone
from email.message import EmailMessage

import pytest

from tests.conftest import ROOT
from voc.store import case_store
from voc.desk import cases
from voc.store.audit import events_for
from voc.errors import ConflictError, ValidationError
from voc.mail import inbound, quarantine
from voc.mail.imap import Mailbox, MailServerError
from voc.mail.intake import MAIL_ACTOR
from voc.mail.settings import mail_settings
from voc.model import Channel, IssueKind, Service

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def complaint(i: int = 1, *, subject: str = "Website bị sập, báo lỗi 503", body: str | None = None,
              sender: str = "Nguyễn Văn An <an@example.vn>", **headers) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = "khieunai@voc-desk.local"
    msg["Subject"] = subject
    msg["Message-ID"] = headers.pop("message_id", f"<c{i}@example.vn>")
    for name, value in headers.items():
        msg[name.replace("_", "-")] = value
    msg.set_content(body or f"Website của tôi bị sập từ sáng, khách không truy cập được (thư {i}).")
    return msg


def settings_for(server):
    return mail_settings({"VOC_IMAP_URL": server.url, "VOC_MAIL_FROM": "VOC Desk <khieunai@voc-desk.local>"})


def fetch(db, server) -> inbound.FetchReport:
    return inbound.fetch_once(db, settings_for(server))


def case_count(db) -> int:
    with db.cursor() as cur:
        return case_store.count_cases(cur)


def only_case(db):
    with db.cursor() as cur:
        (code,) = cur.execute("SELECT ticket_code FROM cases").fetchone()
        return case_store.get_case(cur, code)


@pytest.fixture
def received_hook():
    """Every case received, as the confirmation mail's hook would see it."""
    seen = []

    def hook(cur, case):
        seen.append(case.ticket_code)

    cases.on_receive(hook)
    yield seen
    cases._after_receive_hooks.remove(hook)


# --- new cases -----------------------------------------------------------------------------------

def test_a_mail_becomes_an_email_case_flagged_for_its_event_date(db, mailbox, received_hook):
    from voc.setup import ensure_defaults

    ensure_defaults(db)                 # the theme model and tagging at intake, as the app and CLI have
    mailbox.append(complaint(subject="Website bị sập", sender="Nguyễn Văn An <an@example.vn>",
                             reply_to="An (cá nhân) <an.personal@example.vn>").as_bytes())
    report = fetch(db, mailbox)
    assert (report.counts.fetched, report.counts.created) == (1, 1) and report.error is None
    case = only_case(db)
    assert case.channel is Channel.EMAIL and case.service is Service.HOSTING
    assert case.customer.name == "Nguyễn Văn An" and case.customer.email == "an.personal@example.vn"
    assert case.event_date is None and case.event_date_pending and not case.late_complaint
    assert case.branch == "Hà Nội" and case.staff == MAIL_ACTOR.username
    assert "bị sập từ sáng" in case.content
    assert received_hook == [case.ticket_code]
    with db.cursor() as cur:
        received = events_for(cur, "case", case.id)[0]
        themes = cur.execute("SELECT count(*) FROM case_themes WHERE case_id = ?", [case.id]).fetchone()[0]
    assert received.after["details"]["email"]["subject"] == "Website bị sập"
    assert received.after["event_date_pending"] is True
    assert themes > 0                                       # tagged in the same pass
    assert set(mailbox.flags().values()) == {"\\Seen $VocDone"}


def test_mail_branch_comes_from_the_setting(db, mailbox):
    mailbox.append(complaint().as_bytes())
    inbound.fetch_once(db, mail_settings({"VOC_IMAP_URL": mailbox.url, "VOC_MAIL_BRANCH": "Đà Nẵng"}))
    assert only_case(db).branch == "Đà Nẵng"


def test_attachments_follow_the_intake_rules_and_refused_ones_are_listed(db, mailbox):
    msg = complaint()
    msg.add_attachment(PNG, maintype="image", subtype="png", filename="man-hinh.png")
    msg.add_attachment(b"MZ\x90\x00binary", maintype="application", subtype="octet-stream", filename="setup.exe")
    msg.add_attachment(b"not a pdf at all", maintype="application", subtype="pdf", filename="hoa-don.pdf")
    msg.add_attachment(b"%PDF" + b"x" * (11 * 1024 * 1024), maintype="application", subtype="pdf", filename="lon.pdf")
    mailbox.append(msg.as_bytes())
    assert fetch(db, mailbox).counts.created == 1
    case = only_case(db)
    with db.cursor() as cur:
        from voc.desk.attachments import list_attachments

        stored = list_attachments(cur, case.id)
    view = inbound.case_mail(db, MAIL_ACTOR, case.ticket_code)
    assert [a.filename for a in stored] == ["man-hinh.png"] and len(stored[0].sha256) == 64
    reasons = {r.filename: r.reason for r in view.refused}
    assert set(reasons) == {"setup.exe", "hoa-don.pdf", "lon.pdf"}
    assert "không thuộc loại được phép" in reasons["setup.exe"]
    assert "không khớp" in reasons["hoa-don.pdf"] and "quá lớn" in reasons["lon.pdf"]
    with db.cursor() as cur:
        kept = cur.execute("SELECT raw IS NOT NULL FROM mail_inbox").fetchone()[0]
    assert kept                                             # the original is kept: nothing is lost


def test_a_very_long_mail_is_cut_on_the_case_and_attached_whole(db, mailbox):
    long_text = "Mạng chập chờn suốt cả tuần. " * 3_000
    mailbox.append(complaint(body=long_text).as_bytes())
    fetch(db, mailbox)
    case = only_case(db)
    assert len(case.content) <= cases.MAX_TEXT_CHARS and "toàn văn trong tệp" in case.content
    with db.cursor() as cur:
        from voc.desk.attachments import attachment_content, list_attachments

        (full,) = list_attachments(cur, case.id)
        assert attachment_content(cur, case.id, full.id).decode("utf-8").strip() == long_text.strip()


# --- replies join their case --------------------------------------------------------------------

def test_reply_with_ticket_code_in_subject_joins_the_case(db, mailbox, received_hook):
    mailbox.append(complaint(1).as_bytes())
    fetch(db, mailbox)
    code = only_case(db).ticket_code
    reply = complaint(2, subject=f"Re: [{code}] Website bị sập", body="Đến giờ vẫn chưa vào được web.")
    reply.add_attachment(PNG, maintype="image", subtype="png", filename="loi-moi.png")
    mailbox.append(reply.as_bytes())
    report = fetch(db, mailbox)
    assert (report.counts.fetched, report.counts.joined, report.counts.created) == (1, 1, 0)
    assert case_count(db) == 1 and received_hook == [code]
    timeline = cases.timeline(db, MAIL_ACTOR, code)
    message = next(e for e in timeline if e.action == "customer_message")
    assert message.note == "Đến giờ vẫn chưa vào được web."
    assert message.after["threaded_by"] == f"mã hồ sơ {code} trong tiêu đề" and message.after["sender_is_customer"]
    assert [e.action for e in timeline].count("attachment_added") == 1
    mails = inbound.case_mail(db, MAIL_ACTOR, code).mails
    assert [m.outcome for m in mails] == [inbound.Outcome.CREATED, inbound.Outcome.JOINED]


def test_reply_to_one_of_our_sent_mails_joins_by_in_reply_to(db, mailbox, draft, staff):
    case = cases.receive(db, staff, draft)
    with db.transaction() as cur:
        cur.execute("INSERT INTO mail_outbox (message_id, case_id, kind, to_address, subject, body_text, "
                    "auto_submitted, status, next_attempt_at, queued_at, queued_by) "
                    "VALUES ('<ack-1@voc-desk.local>', ?, 'confirmation', 'an@example.com', 'Xác nhận', 'x', true, "
                    "'sent', now()::TIMESTAMP, now()::TIMESTAMP, 'system')", [case.id])
    mailbox.append(complaint(7, subject="Re: Xác nhận", body="Tôi đồng ý với hướng xử lý.",
                             in_reply_to="<ack-1@voc-desk.local>", references="<ack-1@voc-desk.local>").as_bytes())
    assert fetch(db, mailbox).counts.joined == 1
    assert case_count(db) == 1
    event = [e for e in cases.timeline(db, staff, case.ticket_code) if e.action == "customer_message"][0]
    assert event.after["threaded_by"] == "trả lời thư <ack-1@voc-desk.local> của hệ thống"


def test_answer_to_an_earlier_customer_mail_joins_that_case_even_in_the_same_pass(db, mailbox):
    mailbox.append(complaint(1).as_bytes(),
                   complaint(2, subject="Re: Website bị sập", body="Bổ sung ảnh chụp.",
                             in_reply_to="<c1@example.vn>").as_bytes())
    report = fetch(db, mailbox)
    assert (report.counts.created, report.counts.joined) == (1, 1) and case_count(db) == 1


def test_events_of_a_chunk_keep_their_order(db, mailbox, staff):
    """A chunk's events are written at its end: still received, attachment, then the customer's answer."""
    first = complaint(1)
    first.add_attachment(PNG, maintype="image", subtype="png", filename="anh.png")
    mailbox.append(first.as_bytes(), complaint(2, subject="Re: Website bị sập", body="Bổ sung.",
                                               in_reply_to="<c1@example.vn>").as_bytes())
    assert fetch(db, mailbox).counts.joined == 1
    actions = [e.action for e in cases.timeline(db, staff, only_case(db).ticket_code)]
    assert actions == ["received", "attachment_added", "customer_message"]


def test_unknown_ticket_code_in_subject_opens_a_new_case(db, mailbox):
    mailbox.append(complaint(subject="Re: KN-2020-999999 còn lỗi").as_bytes())
    assert fetch(db, mailbox).counts.created == 1


# --- idempotent -----------------------------------------------------------------------------------

def test_fetching_twice_or_after_flags_are_lost_makes_one_case(db, mailbox):
    mailbox.append(complaint(1).as_bytes(), complaint(2).as_bytes())
    assert fetch(db, mailbox).counts.created == 2
    assert fetch(db, mailbox).counts.fetched == 0          # marked done: not fetched again
    mailbox.reset_flags()                                  # as if the marks had never been set
    again = fetch(db, mailbox)
    assert (again.counts.fetched, again.counts.duplicates, again.counts.created) == (2, 2, 0)
    assert case_count(db) == 2


def test_the_same_message_delivered_twice_makes_one_case(db, mailbox):
    mailbox.append(complaint(1).as_bytes(), complaint(1).as_bytes())
    no_id = b"From: a@example.vn\r\nSubject: khong co Message-ID\r\n\r\nmang cham\r\n"
    mailbox.append(no_id, no_id)                           # no Message-ID: the content hash is the key
    report = fetch(db, mailbox)
    assert (report.counts.created, report.counts.duplicates) == (2, 2) and case_count(db) == 2


def test_crash_between_commit_and_server_mark_makes_no_second_case(db, mailbox, monkeypatch):
    mailbox.append(complaint(1).as_bytes(), complaint(2).as_bytes())

    def crash(self, uids):
        raise KeyboardInterrupt("killed after commit, before the server mark")

    with monkeypatch.context() as patch:
        patch.setattr(Mailbox, "mark_done", crash)
        with pytest.raises(KeyboardInterrupt):
            fetch(db, mailbox)
    assert case_count(db) == 2                            # committed...
    assert all("$VocDone" not in f for f in mailbox.flags().values())   # ...but never marked
    report = fetch(db, mailbox)
    assert (report.counts.duplicates, report.counts.created) == (2, 0) and case_count(db) == 2
    assert all("$VocDone" in f for f in mailbox.flags().values())


def test_nothing_is_marked_when_the_database_write_fails(db, mailbox, monkeypatch):
    """Commit first, mark second: a message whose outcome could not be recorded stays unmarked."""
    mailbox.append(complaint(1).as_bytes())

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    with monkeypatch.context() as patch:
        patch.setattr(inbound, "_apply", broken)
        patch.setattr(inbound, "record_quarantine", broken)
        report = fetch(db, mailbox)
    assert report.counts.failed == 1 and case_count(db) == 0
    assert "$VocDone" not in mailbox.flags()[min(mailbox.flags())]
    assert fetch(db, mailbox).counts.created == 1        # the next pass picks it up


# --- loops and noise -----------------------------------------------------------------------------

def test_auto_replies_bounces_and_our_own_mail_never_open_a_case(db, mailbox, received_hook):
    with db.transaction() as cur:
        cur.execute("INSERT INTO mail_outbox (message_id, kind, to_address, subject, body_text, auto_submitted, "
                    "status, next_attempt_at, queued_at, queued_by) VALUES ('<ours-1@voc-desk.local>', "
                    "'notification', 'staff@x.vn', 's', 'b', true, 'sent', now()::TIMESTAMP, now()::TIMESTAMP, 'x')")
    bounce = (b"From: Mail Delivery System <MAILER-DAEMON@mx.example.vn>\r\nSubject: Undelivered\r\n"
              b"Message-ID: <b1@mx>\r\nContent-Type: multipart/report; report-type=delivery-status; boundary=r\r\n"
              b"\r\n--r\r\nContent-Type: text/plain\r\n\r\nfailed\r\n--r--\r\n")
    mailbox.append(complaint(1, auto_submitted="auto-replied", subject="Out of office").as_bytes(),
                   complaint(2, x_autoreply="yes").as_bytes(),
                   complaint(3, precedence="bulk").as_bytes(),
                   complaint(4, precedence="junk").as_bytes(),
                   complaint(5, precedence="list").as_bytes(),
                   complaint(6, sender="postmaster@example.vn").as_bytes(),
                   bounce,
                   complaint(8, message_id="<ours-1@voc-desk.local>").as_bytes(),
                   complaint(9, sender="VOC Desk <khieunai@voc-desk.local>").as_bytes(),
                   complaint(10, return_path="<>").as_bytes())
    report = fetch(db, mailbox)
    assert (report.counts.fetched, report.counts.ignored, report.counts.created) == (10, 10, 0)
    assert case_count(db) == 0 and received_hook == []
    with db.cursor() as cur:
        reasons = [r for (r,) in cur.execute("SELECT reason FROM mail_inbox ORDER BY id").fetchall()]
    assert "Auto-Submitted: auto-replied" in reasons[0] and "bounce" in reasons[6] and "hộp thư đi" in reasons[7]


def test_an_auto_reply_to_our_confirmation_does_not_join_the_case(db, mailbox):
    mailbox.append(complaint(1).as_bytes())
    fetch(db, mailbox)
    code = only_case(db).ticket_code
    mailbox.append(complaint(2, subject=f"Tự động trả lời: {code}", auto_submitted="auto-replied").as_bytes())
    assert fetch(db, mailbox).counts.ignored == 1
    assert not [e for e in cases.timeline(db, MAIL_ACTOR, code) if e.action == "customer_message"]


# --- bad input -----------------------------------------------------------------------------------

def test_bad_input_never_stops_the_pass_and_nothing_is_lost(db, mailbox):
    deep = b"".join(f"--b{i}\r\nContent-Type: multipart/mixed; boundary=\"b{i + 1}\"\r\n\r\n".encode()
                    for i in range(60))
    bad = [
        b"From: a@example.vn\r\nSubject: x\r\nContent-Type: multipart/mixed; boundary=\"b0\"\r\n\r\n" + deep,
        b"Subject: =?utf-8?B?!!broken?= =?nope?Q?x?=\r\nFrom: =?utf-8?Q?caf=C3?= <b@example.vn>\r\n\r\nnoi dung\r\n",
        b"Subject: khong co nguoi gui\r\nMessage-ID: <nofrom@x>\r\n\r\nnoi dung\r\n",
        b"From: c@example.vn\r\nSubject: rat lon\r\nMessage-ID: <big@x>\r\n\r\n" + b"x" * (25 * 1024 * 1024),
        ("From: d@example.vn\r\nSubject: spam\r\nTo: " + ", ".join(f"u{i}@example.vn" for i in range(3000))
         + "\r\n\r\nmua ngay\r\n").encode(),
        complaint(90, body="x").as_bytes().replace(b"text/plain", b"text/html", 1)
        .replace(b"\n\nx", b"\n\n" + b"<div>" * 50_000 + "Lỗi DNS".encode() + b"</div>" * 50_000),
        b"\xff\xfe\x00garbage \x00\x01 not a mail at all",
        b"From: e@example.vn\r\nContent-Type: multipart/alternative\r\nSubject: khong co boundary\r\n\r\nnoi dung\r\n",
    ]
    mailbox.append(*bad, complaint(99, subject="Thư hợp lệ sau cùng").as_bytes())
    report = fetch(db, mailbox)
    c = report.counts
    assert report.error is None and c.fetched == len(bad) + 1 and c.failed == 0
    assert c.created + c.quarantined + c.ignored == len(bad) + 1
    with db.cursor() as cur:
        by_subject = dict(cur.execute("SELECT subject, outcome FROM mail_inbox").fetchall())
        quarantined = dict(cur.execute("SELECT subject, reason FROM mail_quarantine").fetchall())
        kept = cur.execute("SELECT count(*) FROM mail_quarantine WHERE octet_length(raw) > 0").fetchone()[0]
    assert by_subject["Thư hợp lệ sau cùng"] == "created"
    assert "lồng nhau" in quarantined["x"]
    assert "người gửi" in quarantined["khong co nguoi gui"]
    assert "quá lớn" in quarantined["rat lon"]
    assert "người nhận" in quarantined["spam"]
    assert kept == len(quarantined)
    with db.cursor() as cur:
        texts = [t for (t,) in cur.execute("SELECT content FROM cases").fetchall()]
    assert any(t == "Lỗi DNS" for t in texts)               # deeply nested HTML became its text
    assert set(mailbox.flags().values()) == {"\\Seen $VocDone"}    # all done on the server


def test_wrong_password_is_an_error_without_the_password(db, mailbox):
    wrong = mailbox.url.replace(mailbox.password, "Sai-Mat-Khau-123")
    with pytest.raises(MailServerError) as raised:
        inbound.fetch_once(db, mail_settings({"VOC_IMAP_URL": wrong}))
    assert "Sai-Mat-Khau-123" not in str(raised.value)
    with db.cursor() as cur:
        run = inbound.last_run(cur)
    assert run.error and "Sai-Mat-Khau-123" not in run.error and "Sai-Mat-Khau-123" not in run.mailbox


def test_fetching_is_off_without_the_setting(db):
    with pytest.raises(inbound.MailOff):
        inbound.fetch_once(db, mail_settings({}))
    assert inbound.mail_status(db, MAIL_ACTOR, {}).fetching is False


# --- quarantine -> case / discard ----------------------------------------------------------------

def _quarantined(db, mailbox, *messages: bytes) -> list[int]:
    mailbox.append(*messages)
    fetch(db, mailbox)
    return [i.id for i in quarantine.list_items(db, MAIL_ACTOR)][::-1]


def test_admin_makes_a_case_from_a_quarantined_mail_audited(db, mailbox, admin, staff):
    msg = complaint(5, subject="Thư không người gửi", body="Tên miền hết hạn mà không được báo.")
    del msg["From"]
    msg.add_attachment(PNG, maintype="image", subtype="png", filename="anh.png")
    msg.add_attachment(b"MZ", maintype="application", subtype="octet-stream", filename="x.exe")
    (item_id,) = _quarantined(db, mailbox, msg.as_bytes())
    with pytest.raises(Exception):
        quarantine.list_items(db, staff)
    filled = quarantine.prefill(db, admin, item_id)
    assert filled.content == "Tên miền hết hạn mà không được báo." and filled.attachments == 2
    with pytest.raises(ValidationError):          # the intake rules still apply
        quarantine.make_case(db, admin, item_id, name="", email="", service=Service.DOMAIN,
                             issue_kind=IssueKind.QUALITY, content=filled.content, branch="Hà Nội")
    case = quarantine.make_case(db, admin, item_id, name="Lê Thị Hoa", email="hoa@example.vn",
                                service=Service.DOMAIN, issue_kind=IssueKind.BUSINESS, content=filled.content,
                                branch="Hà Nội", note="Khách gọi điện xác nhận địa chỉ")
    assert case.channel is Channel.EMAIL and case.event_date_pending
    view = inbound.case_mail(db, admin, case.ticket_code)
    assert [r.filename for r in view.refused] == ["x.exe"]
    (item,) = quarantine.list_items(db, admin, None)
    assert item.status is quarantine.QuarantineStatus.CASE_MADE and item.ticket_code == case.ticket_code
    assert item.resolved_by == admin.username
    with db.cursor() as cur:
        (event,) = events_for(cur, "mail_quarantine", item_id)
    assert event.actor == admin.username and event.after == {"status": "case_made", "ticket_code": case.ticket_code}
    with pytest.raises(ConflictError):
        quarantine.discard(db, admin, item_id, "trễ")


def test_admin_discards_a_quarantined_mail_with_a_reason_and_it_stays_stored(db, mailbox, admin):
    spam = ("From: d@example.vn\r\nSubject: quang cao\r\nTo: " + ", ".join(f"u{i}@x.vn" for i in range(500))
            + "\r\n\r\nmua ngay\r\n").encode()
    (item_id,) = _quarantined(db, mailbox, spam)
    with pytest.raises(ValidationError):
        quarantine.discard(db, admin, item_id, "  ")
    quarantine.discard(db, admin, item_id, "Thư quảng cáo")
    assert quarantine.list_items(db, admin) == []
    (item,) = quarantine.list_items(db, admin, None)
    assert item.status is quarantine.QuarantineStatus.DISCARDED and item.resolution_note == "Thư quảng cáo"
    assert quarantine.raw_message(db, admin, item_id) == spam.replace(b"\r\n", b"\r\n")
    with db.cursor() as cur:
        (event,) = events_for(cur, "mail_quarantine", item_id)
    assert event.action == "discarded" and event.note == "Thư quảng cáo"
    assert case_count(db) == 0


# --- the event date, filled in later --------------------------------------------------------------

def test_staff_fill_in_the_event_date_and_r8_runs_then(db, mailbox, staff):
    mailbox.append(complaint(1, subject="Tính cước sai", body="Hóa đơn tháng này bị tính cước hai lần.").as_bytes())
    fetch(db, mailbox)
    case = only_case(db)
    assert case.issue_kind is IssueKind.BUSINESS                      # guessed from the words
    received = case.received_at.astimezone(timezone.utc).date()
    with pytest.raises(ValidationError, match="sau ngày tiếp nhận"):
        cases.set_event_date(db, staff, case.ticket_code, received + timedelta(days=3))
    with pytest.raises(cases.LateComplaint):
        cases.set_event_date(db, staff, case.ticket_code, received - timedelta(days=45))
    updated = cases.set_event_date(db, staff, case.ticket_code, received - timedelta(days=45), IssueKind.BUSINESS,
                                   late_reason="Khách ở nước ngoài, mới đọc được hóa đơn")
    assert updated.event_date == received - timedelta(days=45) and not updated.event_date_pending
    assert updated.late_complaint and updated.late_reason.startswith("Khách ở nước ngoài")
    event = cases.timeline(db, staff, case.ticket_code)[-1]
    assert event.action == "event_date_set" and event.actor == staff.username
    assert event.before["event_date_pending"] is True and event.after["late_complaint"] is True
    with pytest.raises(ValidationError, match="đã có ngày"):
        cases.set_event_date(db, staff, case.ticket_code, date(2026, 1, 1))


def test_other_branch_staff_cannot_fill_in_the_date(db, mailbox, other_branch_staff):
    mailbox.append(complaint().as_bytes())
    fetch(db, mailbox)
    with pytest.raises(Exception, match="chi nhánh"):
        cases.set_event_date(db, other_branch_staff, only_case(db).ticket_code, date(2026, 1, 1))


# --- the command line ----------------------------------------------------------------------------

def _cli(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "voc", *args], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, **env}, timeout=300)


def test_cli_fetch_once_prints_counts_and_exits_0_even_with_refusals(tmp_path, mailbox):
    mailbox.append(complaint(1).as_bytes(), b"Subject: no sender\r\n\r\nx\r\n",
                   complaint(2, auto_submitted="auto-replied").as_bytes())
    path = str(tmp_path / "cli.duckdb")
    done = _cli(["mail", "fetch", "--once", "--db", path], {"VOC_IMAP_URL": mailbox.url})
    assert done.returncode == 0, done.stderr
    assert "fetched=3 created=1 joined=0 ignored=1 quarantined=1" in done.stdout
    assert mailbox.password not in done.stdout + done.stderr
    off = _cli(["mail", "fetch", "--once", "--db", path], {"VOC_IMAP_URL": ""})
    assert off.returncode == 0 and "Nhận thư đang tắt" in off.stdout
    wrong = _cli(["mail", "fetch", "--once", "--db", path],
                 {"VOC_IMAP_URL": mailbox.url.replace(mailbox.password, "wrong-pass-xyz")})
    assert wrong.returncode == 1 and "wrong-pass-xyz" not in wrong.stdout + wrong.stderr


def test_bench_fetch_reports_its_figures(mailbox):
    from voc.mail.bench_fetch import bench_fetch

    result = bench_fetch(40)
    assert result.messages == 40 and result.report.counts.created >= 30 and result.report.counts.ignored == 2
    assert result.per_second > 0 and result.peak_rss_mb > 0
    assert any(line.startswith("mail_fetch_rate:") for line in result.lines())


def test_received_time_is_the_arrival_at_the_mailbox(db, mailbox):
    imap = mailbox.client()
    try:
        imap.append("INBOX", None, datetime(2026, 11, 22, 15, 40, tzinfo=timezone.utc), complaint().as_bytes())
    finally:
        imap.logout()
    fetch(db, mailbox)
    assert only_case(db).received_at == datetime(2026, 11, 22, 15, 40, tzinfo=timezone.utc)


def test_a_fault_in_one_message_of_a_chunk_spares_the_others(db, mailbox, monkeypatch):
    """The chunk's transaction rolls back, each message is done again on its own: the faulty one
    goes to quarantine with the error, the others become cases; nothing is half-written."""
    import voc.desk.attachments as attachment_store

    real_store = attachment_store.store

    def store(cur, actor, case_id, upload, at, **options):
        if upload.filename == "boom.png":
            raise OSError("disk error while writing the attachment")
        return real_store(cur, actor, case_id, upload, at, **options)

    monkeypatch.setattr(attachment_store, "store", store)
    faulty = complaint(2, subject="Thư có tệp lỗi")
    faulty.add_attachment(PNG, maintype="image", subtype="png", filename="boom.png")
    mailbox.append(complaint(1).as_bytes(), faulty.as_bytes(), complaint(3).as_bytes())
    report = fetch(db, mailbox)
    assert (report.counts.created, report.counts.quarantined, report.counts.failed) == (2, 1, 0)
    with db.cursor() as cur:
        (reason,) = cur.execute("SELECT reason FROM mail_quarantine").fetchone()
        orphans = cur.execute("SELECT count(*) FROM cases WHERE id NOT IN "
                              "(SELECT case_id FROM mail_inbox WHERE case_id IS NOT NULL)").fetchone()[0]
    assert "OSError" in reason and orphans == 0
    assert set(mailbox.flags().values()) == {"\\Seen $VocDone"}


def test_a_pass_fetches_in_batches_a_few_round_trips_per_chunk(db, mailbox):
    """120 messages: per chunk of 50 one FETCH of sizes, one of bodies, one STORE (not two FETCHes a message)."""
    from voc.mail.imap import uid_set

    mailbox.append(*(complaint(i).as_bytes() for i in range(120)))
    settings = settings_for(mailbox)
    report = inbound.FetchReport(None)
    with Mailbox(settings.imap) as box:
        uids = box.pending()
        before = box._imap.tagnum            # imaplib numbers every command it sends
        inbound._run(db, settings, box, uids, report)
        commands = box._imap.tagnum - before
    assert report.counts.created == 120 and case_count(db) == 120
    assert commands <= 3 * 3
    assert set(mailbox.flags().values()) == {"\\Seen $VocDone"}
    assert uid_set([9, 3, 4, 5, 11, 12]) == "3:5,9,11:12"


def test_a_message_over_the_keep_limit_is_fetched_as_its_header_beside_whole_ones(db, mailbox, monkeypatch):
    import voc.mail.imap as imap

    monkeypatch.setattr(imap, "KEEP_LIMIT_BYTES", 4000)
    mailbox.append(complaint(1).as_bytes(), complaint(2, body="Rất dài. " * 1000).as_bytes(), complaint(3).as_bytes())
    report = fetch(db, mailbox)
    assert (report.counts.created, report.counts.quarantined) == (2, 1)
    with db.cursor() as cur:
        reason, complete, raw = cur.execute("SELECT reason, raw_complete, raw FROM mail_quarantine").fetchone()
    assert reason.startswith("Thư quá lớn") and not complete and b"Message-ID: <c2@example.vn>" in raw
    assert len(raw) < 4000


def test_batch_tagging_of_a_chunk_matches_tagging_case_by_case(db, draft, staff):
    from voc.setup import ensure_defaults
    from voc.text.tagging import case_tags

    ensure_defaults(db)
    texts = ["Website bị sập, báo lỗi 503 cả ngày", "Tổng đài gọi mãi không ai nghe máy", "Bị trừ tiền hai lần"]
    one_by_one = [cases.receive(db, staff, replace_content(draft, t)) for t in texts]
    with db.transaction() as cur:
        intake = cases.IntakeBatch(cur)
        batched = [intake.receive(staff, replace_content(draft, t)) for t in texts]
        assert intake.received == batched
        intake.finish()
    with db.cursor() as cur:
        for single, batch in zip(one_by_one, batched):
            assert [(t.code, round(t.score, 6)) for t in case_tags(cur, single.id)] == \
                   [(t.code, round(t.score, 6)) for t in case_tags(cur, batch.id)]
            assert case_tags(cur, batch.id)


def replace_content(draft, text):
    from dataclasses import replace

    return replace(draft, content=text)


def test_qa_read_the_customer_mails_and_their_timeline_entries_with_contacts_masked(db, qa, manager):
    from voc.insight.timeline import case_timeline

    def deliver(msg):
        return inbound.process_message(db, mail_settings({}), inbound.Incoming(msg.as_bytes()))

    deliver(complaint(1, body="Web sập từ sáng. Gọi tôi: 0912.345.678 hoặc an.nguyen@icloud.com"))
    code = only_case(db).ticket_code
    deliver(complaint(2, subject=f"Re: [{code}] gọi +84 912 345 678", body="Vẫn lỗi, gọi 0912 345 678",
                      in_reply_to="<c1@example.vn>"))
    mails = inbound.case_mail(db, qa, code).mails
    shown = " ".join(f"{m.from_address} {m.subject} {m.text}" for m in mails)
    for contact in ("0912.345.678", "an.nguyen@icloud.com", "+84 912 345 678", "0912 345 678", "an@example.vn"):
        assert contact not in shown
    assert "a•••@example.vn" in shown and "a•••@icloud.com" in shown and "•••••••678" in shown
    assert "0912.345.678" in " ".join(m.text for m in inbound.case_mail(db, manager, code).mails)
    [message] = [e.event for e in case_timeline(db, qa, code) if e.event.action == "customer_message"]
    assert "0912 345 678" not in f"{message.note} {message.after}" and "•••••••678" in message.note
