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

A pass takes CHUNK messages at a time: their sizes in one UID FETCH, their bytes in another, one
transaction for all of them (an IntakeBatch: the new cases' rounds, events, mails and the inbox rows
written together at its end, the themes tagged as one batch), then one STORE marking them done. If
anything in a chunk fails, the transaction rolls back and each of its messages is done again in a
transaction of its own, so one faulty message costs only itself.

Cases from mail are received by the mail intake actor into the branch of VOC_MAIL_BRANCH (default
Hà Nội), on the e-mail channel, without an event date (flagged for staff), with the service and
issue kind guessed from the words of the mail (staff confirm the kind with the event date).
"""
from __future__ import annotations

import hashlib
import imaplib
import re
import threading
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime

from voc.accounts.privacy import mask_email, sees_contacts, text_for
from voc.desk import attachments as attachment_store
from voc.store import case_store
from voc.store.audit import record_event
from voc.desk.cases import IntakeBatch, validate_draft
from voc.clock import from_db, to_db, utcnow
from voc.errors import ConflictError, DomainError, ValidationError
from voc.mail.imap import KEEP_LIMIT_BYTES, Mailbox, MailServerError, Meta
from voc.mail.intake import (MAIL_ACTOR, InboxRow, Outcome, check_attachments, draft_from_mail, insert_inbox,
                             insert_refused, known, mail_content, refused_view)
from voc.mail.loops import classify
from voc.mail.outbox import CustomerMail
from voc.mail.parse import MAX_RECIPIENTS, MailRefused, ParsedMail, message_key, parse
from voc.mail.quarantine import record_quarantine
from voc.mail.settings import MailSettings, mail_settings
from voc.model import Case
from voc.numbers import vn_number

_TICKET = re.compile(r"\bKN-\d{4}-\d{6}\b")


FETCH_OFF = "Nhận thư đang tắt: chưa đặt biến môi trường VOC_IMAP_URL."


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

CHUNK = 50                          # messages committed in one transaction (one by one again if any fails)
CHUNK_BYTES = 32 * 1024 * 1024      # ... or fewer, so that a chunk's messages stay small in memory


@dataclass(frozen=True)
class _Known:
    """Keys already in mail_inbox and Message-IDs of ours among those of a chunk: two queries for
    the whole chunk instead of two per message; and the chunk's own messages that went onto a case,
    whose inbox rows are written at its end, for a later message of the chunk that answers one."""

    keys: set[str]
    ours: set[str]
    earlier: dict[str, int] = field(default_factory=dict)   # Message-ID -> case of this chunk's messages so far

    @classmethod
    def load(cls, cur, rows: list[InboxRow]) -> "_Known":
        keys = [r.key for r in rows]
        ids = [r.message_id for r in rows if r.message_id]
        found = {k for (k,) in cur.execute("SELECT message_key FROM mail_inbox WHERE list_contains(?, message_key)",
                                           [keys]).fetchall()}
        ours = {m for (m,) in cur.execute("SELECT message_id FROM mail_outbox WHERE list_contains(?, message_id)",
                                          [ids]).fetchall()} if ids else set()
        return cls(found, ours)


def find_thread(cur, mail: ParsedMail, earlier: dict[str, int] | None = None) -> tuple[Case, str] | None:
    """The case this message answers, and how that was found. `earlier`: Message-ID -> case id of the
    messages of this batch whose inbox rows are not written yet."""
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
        found = dict(cur.execute("SELECT message_id, case_id FROM mail_inbox "
                                 "WHERE case_id IS NOT NULL AND list_contains(?, message_id)", [ids]).fetchall())
        found.update(earlier or {})
        for mid in ids:
            if mid in found:
                return case_store.get_case_by_id(cur, found[mid]), f"trả lời thư {mid} đã có trong hồ sơ"
    return None


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


def _join(cur, row: InboxRow, mail: ParsedMail, raw: bytes, case: Case, how: str, batch: IntakeBatch,
          seen: _Known) -> Outcome:
    """The message as a customer message on the case's timeline, with its files."""
    text, parts = mail_content(mail.text, mail.subject, mail.attachments)
    ok, refused = check_attachments(parts)
    matches = bool(case.customer.email) and mail.from_address == case.customer.email.lower()
    record_event(cur, MAIL_ACTOR.username, "case", case.id, "customer_message", None,
                 {"message_id": mail.message_id, "subject": mail.subject, "from": mail.from_address,
                  "threaded_by": how, "sender_is_customer": matches,
                  "attachments": [c.filename for c in ok], "refused_attachments": refused_view(refused)},
                 text, at=row.received_at, pending=batch.pending)     # in order with the batch's other events
    for checked in ok:
        attachment_store.store(cur, MAIL_ACTOR, case.id, checked, row.received_at, pending=batch.pending)
    _record_on_case(cur, row, Outcome.JOINED, case, mail, raw, refused, batch, seen, reason=how)
    return Outcome.JOINED


def _record_on_case(cur, row: InboxRow, outcome: Outcome, case: Case, mail: ParsedMail, raw: bytes, refused: list,
                    batch: IntakeBatch, seen: _Known, reason: str | None = None) -> None:
    """The inbox row of a message that went onto a case: held to the batch's end (and known to later
    messages of the batch by its Message-ID) unless refused attachments need its id now."""
    if refused:
        inbox_id = insert_inbox(cur, row, outcome, reason=reason, case_id=case.id, mail=mail, body=mail.text, raw=raw)
        insert_refused(cur, case.id, inbox_id, refused, row.processed_at)
    else:
        insert_inbox(cur, row, outcome, reason=reason, case_id=case.id, mail=mail, body=mail.text,
                     pending=batch.pending)
    if mail.message_id:
        seen.earlier.setdefault(mail.message_id, case.id)


def _create(cur, settings: MailSettings, row: InboxRow, mail: ParsedMail, incoming: Incoming,
            batch: IntakeBatch, seen: _Known) -> Outcome:
    content, parts = mail_content(mail.text, mail.subject, mail.attachments)
    ok, refused = check_attachments(parts)
    draft = draft_from_mail(mail.from_name, mail.contact_address, mail.subject, content, settings.intake_branch)
    try:
        validate_draft(draft, row.received_at, require_event_date=False)
    except ValidationError as error:        # refused before anything is written
        record_quarantine(cur, row, f"Không tạo được hồ sơ: {error}", incoming.raw, incoming.complete, mail)
        return Outcome.QUARANTINED
    details = {"email": {"message_id": mail.message_id, "subject": mail.subject, "from": mail.from_address,
                         "reply_to": mail.reply_to}}
    if refused:
        details["refused_attachments"] = refused_view(refused)
    case = batch.receive(MAIL_ACTOR, draft, received_at=row.received_at, details=details,
                         attachments=[attachment_store.Upload(c.filename, c.content) for c in ok],
                         allow_missing_event_date=True, answering=CustomerMail(mail.message_id, mail.subject))
    _record_on_case(cur, row, Outcome.CREATED, case, mail, incoming.raw, refused, batch, seen)
    return Outcome.CREATED


def _apply(cur, settings: MailSettings, incoming: Incoming, row: InboxRow, seen: _Known,
           batch: IntakeBatch) -> Outcome:
    """Inside the caller's transaction: record what becomes of one message. A message that cannot
    become a case is quarantined here; an exception means a database fault or a bug (the caller
    rolls back)."""
    if row.key in seen.keys:
        return Outcome.DUPLICATE
    seen.keys.add(row.key)
    try:
        if not incoming.complete:
            raise MailRefused(f"Thư quá lớn ({vn_number(row.size / 1024 / 1024, 1)} MB): chỉ lưu phần đầu thư; "
                              "bản đầy đủ vẫn nằm trên máy chủ thư.")
        mail = parse(incoming.raw)
    except MailRefused as refusal:
        record_quarantine(cur, row, str(refusal), incoming.raw, incoming.complete)
        return Outcome.QUARANTINED
    noise = classify(mail, is_our_message_id=seen.ours.__contains__, our_addresses=settings.our_addresses)
    if noise is not None:
        insert_inbox(cur, row, Outcome.IGNORED, reason=noise.reason, mail=mail, pending=batch.pending)
        return Outcome.IGNORED
    problem = _unusable(mail)
    if problem:
        record_quarantine(cur, row, problem, incoming.raw, incoming.complete, mail)
        return Outcome.QUARANTINED
    thread = find_thread(cur, mail, seen.earlier)
    if thread is not None:
        return _join(cur, row, mail, incoming.raw, *thread, batch, seen)
    return _create(cur, settings, row, mail, incoming, batch, seen)


def _inbox_row(incoming: Incoming, run_id: int | None) -> InboxRow:
    now = utcnow()
    key, message_id = message_key(incoming.raw)
    return InboxRow(key, message_id, incoming.size or len(incoming.raw), hashlib.sha256(incoming.raw).hexdigest(),
                    min(incoming.received_at or now, now), now, run_id)


def process_message(db, settings: MailSettings, incoming: Incoming, *, run_id: int | None = None) -> Outcome:
    """One message to its outcome in its own transaction. Never raises: a fault goes to quarantine
    with its reason, and what cannot even be quarantined is FAILED (left on the server for the next
    pass)."""
    row = _inbox_row(incoming, run_id)
    try:
        with db.transaction() as cur:
            batch = IntakeBatch(cur)
            outcome = _apply(cur, settings, incoming, row, _Known.load(cur, [row]), batch)
            batch.finish()
            return outcome
    except Exception as error:      # a bug or a database fault on this message must not stop the pass
        reason = f"Lỗi khi xử lý thư ({type(error).__name__}: {str(error)[:200]})."
    try:
        with db.transaction() as cur:
            if known(cur, row.key):     # a concurrent pass recorded it first (the key is unique)
                return Outcome.DUPLICATE
            record_quarantine(cur, row, reason, incoming.raw, incoming.complete)
        return Outcome.QUARANTINED
    except Exception:
        return Outcome.FAILED


def process_chunk(db, settings: MailSettings, items: list[Incoming], *, run_id: int | None = None) -> list[Outcome]:
    """Several messages in one transaction, the theme tagging of their new cases done as one batch;
    if anything in it fails, each message again on its own (process_message)."""
    if not items:
        return []
    rows = [_inbox_row(incoming, run_id) for incoming in items]
    try:
        with db.transaction() as cur:
            seen, batch = _Known.load(cur, rows), IntakeBatch(cur)
            outcomes = [_apply(cur, settings, incoming, row, seen, batch) for incoming, row in zip(items, rows)]
            batch.finish()
        return outcomes
    except Exception:
        return [process_message(db, settings, incoming, run_id=run_id) for incoming in items]


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
        raise MailOff(FETCH_OFF)
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
    """CHUNK messages at a time: their sizes in one round trip, their bytes in one more (in groups of
    at most CHUNK_BYTES), one transaction, then one STORE marking them done."""
    for start in range(0, len(uids), CHUNK):
        chunk = uids[start:start + CHUNK]
        try:
            with _connection_lost():
                metas = box.sizes(chunk)
        except imaplib.IMAP4.error:         # the server refused the batch: one message at a time
            _one_by_one(db, settings, box, chunk, report)
            continue
        for group in _by_bytes(metas):
            try:
                with _connection_lost():
                    fetched = box.fetch_many(group)
            except imaplib.IMAP4.error:
                _one_by_one(db, settings, box, [m.uid for m in group], report)
                continue
            if fetched:
                _commit_chunk(db, settings, box, fetched, report)


def _by_bytes(metas: list[Meta]) -> list[list[Meta]]:
    """Consecutive groups of at most CHUNK_BYTES (a larger message alone), so a chunk stays small in memory."""
    groups: list[list[Meta]] = []
    total = 0
    for meta in metas:
        size = min(meta.size, KEEP_LIMIT_BYTES)
        if not groups or total + size > CHUNK_BYTES:
            groups.append([])
            total = 0
        groups[-1].append(meta)
        total += size
    return groups


def _one_by_one(db, settings: MailSettings, box: Mailbox, uids: list[int], report: FetchReport) -> None:
    """The slow path: a message the server refuses to give is counted failed and left for the next pass."""
    for uid in uids:
        try:
            with _connection_lost():
                message = box.fetch(uid)
        except imaplib.IMAP4.error:
            report.counts.failed += 1
            continue
        if message is not None:
            _commit_chunk(db, settings, box, [message], report)


@contextmanager
def _connection_lost():
    try:
        yield
    except (imaplib.IMAP4.abort, OSError) as error:
        raise MailServerError(f"Mất kết nối với máy chủ thư ({type(error).__name__}).") from None


def _commit_chunk(db, settings: MailSettings, box: Mailbox, fetched: list, report: FetchReport) -> None:
    report.counts.fetched += len(fetched)
    outcomes = process_chunk(db, settings, [Incoming(f.raw, f.received_at, f.size, f.complete) for f in fetched],
                             run_id=report.run_id)
    for outcome in outcomes:
        report.counts.add(outcome)
    # Only now, with the outcomes committed, does the server learn they are done.
    box.mark_done([f.uid for f, o in zip(fetched, outcomes) if o is not Outcome.FAILED])


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


@dataclass(frozen=True)
class CaseMailView:
    mails: list[CaseMail]
    refused: list[RefusedAttachment]


def case_mail(db, actor, ticket_code: str) -> CaseMailView:
    """The mails of a case and the attachments refused from them (the case's branch scope applies); the
    sender and the mail's text masked for a role that may not see customers' contacts."""
    from voc.desk.cases import load_case

    case = load_case(db, actor, ticket_code)
    with db.cursor() as cur:
        mails = mails_of(cur, case.id)
        refused = refused_attachments_of(cur, case.id)
    if not sees_contacts(actor):
        mails = [replace(m, from_address=mask_email(m.from_address) or None, subject=text_for(actor, m.subject),
                         text=text_for(actor, m.text), reason=text_for(actor, m.reason)) for m in mails]
    return CaseMailView(mails, refused)


@dataclass(frozen=True)
class MailStatus:
    """What Quản trị shows: whether fetching is on, the mailbox (never its password), the last pass."""

    fetching: bool
    mailbox: str | None
    intake_branch: str | None
    last_run: FetchRun | None
    quarantine_pending: int
    problem: str | None = None      # the settings could not be read


def mail_status(db, actor, environ: dict[str, str] | None = None) -> MailStatus:
    from voc.accounts.access import Permission
    from voc.mail.quarantine import count_pending

    actor.require(Permission.MANAGE_MAIL)
    with db.cursor() as cur:
        run, pending = last_run(cur), count_pending(cur)
    try:
        settings = mail_settings(environ)
    except ValidationError as error:
        return MailStatus(False, None, None, run, pending, str(error))
    return MailStatus(settings.fetching, settings.imap.describe() if settings.imap else None,
                      settings.intake_branch, run, pending)


def fetch_now(db, actor) -> FetchReport:
    """A pass started by an admin from Quản trị."""
    from voc.accounts.access import Permission

    actor.require(Permission.MANAGE_MAIL)
    return fetch_once(db)
