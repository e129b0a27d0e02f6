"""Inbound mail: one fetch pass over the complaints mailbox turns each new message into a case, a
customer message on an existing case, an ignored loop/noise message, or a quarantine entry.

Rules (issue #11):
- every message gets one row in mail_inbox under its key (Message-ID, else SHA-256 of the bytes),
  written in the same transaction as its case; a message already there is a duplicate and makes
  nothing, however often it is fetched;
- a message is marked done on the server only after that transaction has committed; a crash in
  between leaves it unmarked, and the next pass finds its key and only marks it;
- auto-replies, bounces and our own mail are recorded as ignored: no case, so no confirmation;
- a message answering one of our sent mails (In-Reply-To / References in mail_outbox), naming an
  existing ticket code in its subject, or answering a mail that already made a case joins that
  case as a customer message on its timeline;
- anything else that cannot become a case goes to quarantine with its reason and its bytes;
  an error in one message never stops the pass.

Cases from mail are received by the mail intake actor into the branch of VOC_MAIL_BRANCH (default
Hà Nội), on the e-mail channel, without an event date (flagged for staff), with the service and
issue kind guessed from the words of the mail (staff confirm the kind with the event date).
"""
from __future__ import annotations

import hashlib
import imaplib
import re
import threading
from dataclasses import dataclass, field
from datetime import datetime

import duckdb

from voc import attachments as attachment_store
from voc import case_store
from voc.audit import record_event
from voc.cases import receive
from voc.clock import from_db, to_db, utcnow
from voc.errors import ConflictError, DomainError, ValidationError
from voc.mail.imap import Mailbox, MailServerError
from voc.mail.intake import (MAIL_ACTOR, InboxRow, Outcome, check_attachments, draft_from_mail, insert_inbox,
                             insert_refused, known, mail_content, refused_view)
from voc.mail.loops import classify
from voc.mail.parse import MAX_RECIPIENTS, MailRefused, ParsedMail, message_key, parse
from voc.mail.quarantine import record_quarantine
from voc.mail.settings import MailSettings, mail_settings
from voc.model import Case
from voc.numbers import vn_number

_TICKET = re.compile(r"\bKN-\d{4}-\d{6}\b")


class MailOff(DomainError):
    """VOC_IMAP_URL is not set: fetching is off."""


@dataclass(frozen=True)
class Incoming:
    """One message as fetched."""

    raw: bytes
    received_at: datetime | None = None      # arrival at the mailbox; None = now
    size: int | None = None                  # the server's size (may exceed len(raw) if not complete)
    complete: bool = True                    # False: only the header was fetched


@dataclass
class FetchCounts:
    fetched: int = 0
    created: int = 0
    joined: int = 0
    ignored: int = 0
    quarantined: int = 0
    duplicates: int = 0
    failed: int = 0

    def add(self, outcome: Outcome) -> None:
        name = "duplicates" if outcome is Outcome.DUPLICATE else outcome.value
        setattr(self, name, getattr(self, name) + 1)


@dataclass
class FetchReport:
    run_id: int | None
    counts: FetchCounts = field(default_factory=FetchCounts)
    error: str | None = None

    def line(self) -> str:
        c = self.counts
        return (f"fetched={c.fetched} created={c.created} joined={c.joined} ignored={c.ignored} "
                f"quarantined={c.quarantined} duplicates={c.duplicates} failed={c.failed}")

    def summary(self) -> str:
        c = self.counts
        text = (f"Đã nhận {vn_number(c.fetched)} thư: {vn_number(c.created)} hồ sơ mới, {vn_number(c.joined)} thư "
                f"thêm vào hồ sơ đã có, {vn_number(c.ignored)} bỏ qua (tự động / báo lỗi / thư của hệ thống), "
                f"{vn_number(c.quarantined)} cách ly, {vn_number(c.duplicates)} đã xử lý trước đó")
        text += f", {vn_number(c.failed)} lỗi (để lại cho lượt sau)." if c.failed else "."
        return text + (f" Lượt nhận thư dừng sớm: {self.error}" if self.error else "")


@dataclass(frozen=True)
class FetchRun:
    id: int
    started_at: datetime
    finished_at: datetime | None
    mailbox: str
    counts: FetchCounts
    error: str | None


# --- one message ---------------------------------------------------------------------------------

def _is_our_message_id(db, message_id: str) -> bool:
    with db.cursor() as cur:
        return cur.execute("SELECT count(*) FROM mail_outbox WHERE message_id = ?", [message_id]).fetchone()[0] > 0


def find_thread(cur, mail: ParsedMail) -> tuple[Case, str] | None:
    """The case this message answers, and how that was found."""
    ids = mail.thread_ids
    if ids:
        ours = dict(cur.execute("SELECT message_id, case_id FROM mail_outbox "
                                "WHERE case_id IS NOT NULL AND list_contains(?, message_id)", [ids]).fetchall())
        for mid in ids:
            if mid in ours:
                return case_store.get_case_by_id(cur, ours[mid]), f"trả lời thư {mid} của hệ thống"
    for code in _TICKET.findall(mail.subject.upper()):
        if case_store.ticket_exists(cur, code):
            return case_store.get_case(cur, code), f"mã hồ sơ {code} trong tiêu đề"
    if ids:
        earlier = dict(cur.execute("SELECT message_id, case_id FROM mail_inbox "
                                   "WHERE case_id IS NOT NULL AND list_contains(?, message_id)", [ids]).fetchall())
        for mid in ids:
            if mid in earlier:
                return case_store.get_case_by_id(cur, earlier[mid]), f"trả lời thư {mid} đã có trong hồ sơ"
    return None


def _quarantine(db, row: InboxRow, reason: str, incoming: Incoming, mail: ParsedMail | None = None) -> Outcome:
    with db.transaction() as cur:
        if known(cur, row.key):
            return Outcome.DUPLICATE
        record_quarantine(cur, row, reason, incoming.raw, incoming.complete, mail)
    return Outcome.QUARANTINED


def _unusable(mail: ParsedMail) -> str | None:
    if not mail.from_address:
        return ("Thư không có địa chỉ người gửi (From) hợp lệ"
                + (f": “{mail.from_text[:200]}”." if mail.from_text else "."))
    if mail.recipients > MAX_RECIPIENTS:
        return (f"Thư gửi tới {vn_number(mail.recipients)} người nhận (tối đa {MAX_RECIPIENTS}) — "
                "thư hàng loạt, không phải khiếu nại.")
    if not (mail.text or mail.subject or mail.attachments):
        return "Thư không có tiêu đề, nội dung hay tệp đính kèm."
    return None


def _join(db, row: InboxRow, mail: ParsedMail, incoming_raw: bytes, case: Case, how: str) -> Outcome:
    text, parts = mail_content(mail.text, mail.subject, mail.attachments)
    ok, refused = check_attachments(parts)
    with db.transaction() as cur:
        if known(cur, row.key):
            return Outcome.DUPLICATE
        matches = bool(case.customer.email) and mail.from_address == case.customer.email.lower()
        record_event(cur, MAIL_ACTOR.username, "case", case.id, "customer_message", None,
                     {"message_id": mail.message_id, "subject": mail.subject, "from": mail.from_address,
                      "threaded_by": how, "sender_is_customer": matches,
                      "attachments": [c.filename for c in ok], "refused_attachments": refused_view(refused)},
                     text, at=row.received_at)
        for checked in ok:
            attachment_store.store(cur, MAIL_ACTOR, case.id, checked, row.received_at)
        inbox_id = insert_inbox(cur, row, Outcome.JOINED, reason=how, case_id=case.id, mail=mail, body=mail.text,
                                raw=incoming_raw if refused else None)
        insert_refused(cur, case.id, inbox_id, refused, row.processed_at)
    return Outcome.JOINED


def _create(db, settings: MailSettings, row: InboxRow, mail: ParsedMail, raw: bytes) -> Outcome:
    content, parts = mail_content(mail.text, mail.subject, mail.attachments)
    ok, refused = check_attachments(parts)
    draft = draft_from_mail(mail.from_name, mail.contact_address, mail.subject, content, settings.intake_branch)
    details = {"email": {"message_id": mail.message_id, "subject": mail.subject, "from": mail.from_address,
                         "reply_to": mail.reply_to}}
    if refused:
        details["refused_attachments"] = refused_view(refused)

    def record(cur, case: Case) -> None:
        inbox_id = insert_inbox(cur, row, Outcome.CREATED, case_id=case.id, mail=mail, body=mail.text,
                                raw=raw if refused else None)
        insert_refused(cur, case.id, inbox_id, refused, row.processed_at)

    with db.cursor() as cur:
        if known(cur, row.key):
            return Outcome.DUPLICATE
    receive(db, MAIL_ACTOR, draft, received_at=row.received_at, details=details,
            attachments=[attachment_store.Upload(c.filename, c.content) for c in ok],
            allow_missing_event_date=True, in_transaction=record)
    return Outcome.CREATED


def process_message(db, settings: MailSettings, incoming: Incoming, *, run_id: int | None = None) -> Outcome:
    """One message to its outcome, committed. Never raises: what fails goes to quarantine, and what
    cannot even be quarantined is FAILED (left unmarked on the server for the next pass)."""
    now = utcnow()
    key, message_id = message_key(incoming.raw)
    received = min(incoming.received_at or now, now)
    row = InboxRow(key, message_id, incoming.size or len(incoming.raw), hashlib.sha256(incoming.raw).hexdigest(),
                   received, now, run_id)
    mail: ParsedMail | None = None
    try:
        with db.cursor() as cur:
            if known(cur, key):
                return Outcome.DUPLICATE
        if not incoming.complete:
            raise MailRefused(f"Thư quá lớn ({vn_number(row.size / 1024 / 1024, 1)} MB): chỉ lưu phần đầu thư; "
                              "bản đầy đủ vẫn nằm trên máy chủ thư.")
        mail = parse(incoming.raw)
        noise = classify(mail, is_our_message_id=lambda mid: _is_our_message_id(db, mid),
                         our_addresses=settings.our_addresses)
        if noise is not None:
            with db.transaction() as cur:
                if known(cur, key):
                    return Outcome.DUPLICATE
                insert_inbox(cur, row, Outcome.IGNORED, reason=noise.reason, mail=mail)
            return Outcome.IGNORED
        problem = _unusable(mail)
        if problem:
            return _quarantine(db, row, problem, incoming, mail)
        with db.cursor() as cur:
            thread = find_thread(cur, mail)
        if thread is not None:
            return _join(db, row, mail, incoming.raw, *thread)
        return _create(db, settings, row, mail, incoming.raw)
    except MailRefused as refusal:
        return _safe_quarantine(db, row, str(refusal), incoming, mail)
    except ValidationError as error:        # the intake rules refused the draft
        return _safe_quarantine(db, row, f"Không tạo được hồ sơ: {error}", incoming, mail)
    except (duckdb.ConstraintException, duckdb.TransactionException, ConflictError):
        return _settle_race(db, row, incoming, mail)
    except Exception as error:      # a bug or a database fault on this message must not stop the pass
        return _safe_quarantine(db, row, f"Lỗi khi xử lý thư ({type(error).__name__}: {str(error)[:200]}).",
                                incoming, mail)


def _settle_race(db, row: InboxRow, incoming: Incoming, mail: ParsedMail | None) -> Outcome:
    """A concurrent pass recorded the same message first (its key is unique): a duplicate."""
    with db.cursor() as cur:
        if known(cur, row.key):
            return Outcome.DUPLICATE
    return _safe_quarantine(db, row, "Xung đột khi ghi thư vào cơ sở dữ liệu.", incoming, mail)


def _safe_quarantine(db, row: InboxRow, reason: str, incoming: Incoming, mail: ParsedMail | None) -> Outcome:
    try:
        return _quarantine(db, row, reason, incoming, mail)
    except Exception:
        return Outcome.FAILED


# --- the pass -----------------------------------------------------------------------------------

_pass_lock = threading.Lock()


def _start_run(db, mailbox: str) -> int:
    with db.transaction() as cur:
        return cur.execute("INSERT INTO mail_fetch_runs (started_at, mailbox) VALUES (?, ?) RETURNING id",
                           [to_db(utcnow()), mailbox]).fetchone()[0]


def _finish_run(db, report: FetchReport) -> None:
    c = report.counts
    with db.transaction() as cur:
        cur.execute("UPDATE mail_fetch_runs SET finished_at = ?, fetched = ?, created = ?, joined = ?, ignored = ?, "
                    "quarantined = ?, duplicates = ?, failed = ?, error = ? WHERE id = ?",
                    [to_db(utcnow()), c.fetched, c.created, c.joined, c.ignored, c.quarantined, c.duplicates,
                     c.failed, report.error, report.run_id])


def fetch_once(db, settings: MailSettings | None = None, *, limit: int | None = None) -> FetchReport:
    """One pass over the mailbox. Raises MailOff when fetching is off, MailServerError when the
    mailbox cannot be opened (the run is recorded with that error); a pass cut short by a lost
    connection returns its report with `error` set."""
    settings = settings or mail_settings()
    if not settings.fetching:
        raise MailOff("Nhận thư đang tắt: chưa đặt biến môi trường VOC_IMAP_URL.")
    if not _pass_lock.acquire(blocking=False):
        raise ConflictError("Một lượt nhận thư khác đang chạy; vui lòng chờ lượt đó xong.")
    try:
        report = FetchReport(_start_run(db, settings.imap.describe()))
        try:
            with Mailbox(settings.imap) as box:
                uids = box.pending()
                try:
                    _run(db, settings, box, uids[:limit] if limit else uids, report)
                except MailServerError as error:     # cut short: what was done is committed
                    report.error = str(error)
        except MailServerError as error:             # the mailbox could not be opened or listed
            report.error = str(error)
            _finish_run(db, report)
            raise
        _finish_run(db, report)
        return report
    finally:
        _pass_lock.release()


def _run(db, settings: MailSettings, box: Mailbox, uids: list[int], report: FetchReport) -> None:
    for uid in uids:
        try:
            fetched = box.fetch(uid)
        except (imaplib.IMAP4.abort, OSError) as error:
            raise MailServerError(f"Mất kết nối với máy chủ thư ({type(error).__name__}).") from None
        except imaplib.IMAP4.error:
            report.counts.failed += 1
            continue
        if fetched is None:
            continue
        report.counts.fetched += 1
        outcome = process_message(db, settings, Incoming(fetched.raw, fetched.received_at, fetched.size,
                                                         fetched.complete), run_id=report.run_id)
        report.counts.add(outcome)
        if outcome is not Outcome.FAILED:
            box.mark_done(uid)      # only now: the outcome is committed


def last_run(cur) -> FetchRun | None:
    row = cur.execute("SELECT id, started_at, finished_at, mailbox, fetched, created, joined, ignored, quarantined, "
                      "duplicates, failed, error FROM mail_fetch_runs ORDER BY id DESC LIMIT 1").fetchone()
    if row is None:
        return None
    return FetchRun(row[0], from_db(row[1]), from_db(row[2]), row[3], FetchCounts(*row[4:11]), row[11])


# --- what the case file shows -------------------------------------------------------------------

@dataclass(frozen=True)
class CaseMail:
    outcome: Outcome
    from_address: str | None
    subject: str | None
    text: str | None
    received_at: datetime
    reason: str | None


@dataclass(frozen=True)
class RefusedAttachment:
    filename: str
    declared_type: str | None
    size_bytes: int
    sha256: str
    reason: str
    refused_at: datetime


def mails_of(cur, case_id: int) -> list[CaseMail]:
    rows = cur.execute("SELECT outcome, from_address, subject, body_text, received_at, reason FROM mail_inbox "
                       "WHERE case_id = ? ORDER BY received_at, id", [case_id]).fetchall()
    return [CaseMail(Outcome(r[0]), r[1], r[2], r[3], from_db(r[4]), r[5]) for r in rows]


def refused_attachments_of(cur, case_id: int) -> list[RefusedAttachment]:
    rows = cur.execute("SELECT filename, declared_type, size_bytes, sha256, reason, refused_at "
                       "FROM mail_refused_attachments WHERE case_id = ? ORDER BY id", [case_id]).fetchall()
    return [RefusedAttachment(r[0], r[1], r[2], r[3], r[4], from_db(r[5])) for r in rows]
