"""The quarantine: messages that could not become a case, kept whole with their reason, until an
admin makes a case from one or discards it. Both decisions are audited; nothing is deleted."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from voc.accounts.access import Actor, Permission
from voc.desk.attachments import Upload
from voc.store.audit import record_event
from voc.desk.cases import receive_in
from voc.clock import from_db, to_db, utcnow
from voc.errors import ConflictError, NotFound, ValidationError
from voc.mail.intake import (MAIL_REQUEST, InboxRow, Outcome, check_attachments, insert_inbox, insert_refused,
                             mail_content, refused_view)
from voc.mail.parse import MailRefused, ParsedMail, headers_summary, parse
from voc.mail.outbox import CustomerMail
from voc.model import Case, CaseDraft, Channel, Customer, IssueKind, Service
from voc.plaintext import clean_text


class QuarantineStatus(str, Enum):
    PENDING = "pending"
    CASE_MADE = "case_made"
    DISCARDED = "discarded"

    @property
    def label(self) -> str:
        return {QuarantineStatus.PENDING: "Chờ xử lý", QuarantineStatus.CASE_MADE: "Đã tạo hồ sơ",
                QuarantineStatus.DISCARDED: "Đã loại bỏ"}[self]


@dataclass(frozen=True)
class QuarantineItem:
    id: int
    reason: str
    from_text: str | None
    subject: str | None
    size_bytes: int
    raw_complete: bool
    status: QuarantineStatus
    quarantined_at: datetime
    received_at: datetime
    ticket_code: str | None = None
    resolved_at: datetime | None = None
    resolved_by: str | None = None
    resolution_note: str | None = None


@dataclass(frozen=True)
class Prefill:
    """What the message offers for the admin's case form (any of it may be empty)."""

    name: str
    email: str
    subject: str
    content: str
    attachments: int


def record_quarantine(cur, row: InboxRow, reason: str, raw: bytes, complete: bool,
                      mail: ParsedMail | None = None) -> int:
    """In the caller's transaction: the message's inbox row and its quarantine entry."""
    inbox_id = insert_inbox(cur, row, Outcome.QUARANTINED, reason=reason, mail=mail)
    from_text, subject = (mail.from_text, mail.subject) if mail is not None else headers_summary(raw)
    cur.execute(
        "INSERT INTO mail_quarantine (inbox_id, reason, from_text, subject, size_bytes, raw, raw_complete, status, "
        "quarantined_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [inbox_id, reason, from_text or None, subject or None, row.size, raw, complete,
         QuarantineStatus.PENDING.value, to_db(row.processed_at)])
    return inbox_id


_SELECT = ("SELECT q.id, q.reason, q.from_text, q.subject, q.size_bytes, q.raw_complete, q.status, q.quarantined_at, "
           "i.received_at, c.ticket_code, q.resolved_at, q.resolved_by, q.resolution_note "
           "FROM mail_quarantine q JOIN mail_inbox i ON i.id = q.inbox_id LEFT JOIN cases c ON c.id = q.case_id")


def _item(row: tuple) -> QuarantineItem:
    return QuarantineItem(row[0], row[1], row[2], row[3], row[4], row[5], QuarantineStatus(row[6]), from_db(row[7]),
                          from_db(row[8]), row[9], from_db(row[10]), row[11], row[12])


def list_items(db, actor: Actor, status: QuarantineStatus | None = QuarantineStatus.PENDING,
               limit: int = 200) -> list[QuarantineItem]:
    """Newest first; `status=None` lists every entry."""
    actor.require(Permission.MANAGE_MAIL)
    with db.cursor() as cur:
        rows = cur.execute(_SELECT + " WHERE CAST(? AS VARCHAR) IS NULL OR q.status = ? ORDER BY q.id DESC LIMIT ?",
                           [status and status.value, status and status.value, limit]).fetchall()
    return [_item(r) for r in rows]


def count_pending(cur) -> int:
    return cur.execute("SELECT count(*) FROM mail_quarantine WHERE status = ?",
                       [QuarantineStatus.PENDING.value]).fetchone()[0]


def _get(cur, item_id: int) -> tuple[QuarantineItem, bytes, int]:
    row = cur.execute(_SELECT + " WHERE q.id = ?", [item_id]).fetchone()
    if row is None:
        raise NotFound(f"Không tìm thấy thư cách ly số {item_id}.")
    raw, inbox_id = cur.execute("SELECT raw, inbox_id FROM mail_quarantine WHERE id = ?", [item_id]).fetchone()
    return _item(row), bytes(raw), inbox_id


def raw_message(db, actor: Actor, item_id: int) -> bytes:
    """The message as fetched (an .eml file), for the admin to look at."""
    actor.require(Permission.MANAGE_MAIL)
    with db.cursor() as cur:
        return _get(cur, item_id)[1]


def _parsed(raw: bytes, complete: bool) -> ParsedMail | None:
    if not complete:
        return None
    try:
        return parse(raw, max_bytes=None)
    except MailRefused:
        return None


def prefill(db, actor: Actor, item_id: int) -> Prefill:
    actor.require(Permission.MANAGE_MAIL)
    with db.cursor() as cur:
        item, raw, _ = _get(cur, item_id)
    mail = _parsed(raw, item.raw_complete)
    if mail is None:
        return Prefill("", "", item.subject or "", "", 0)
    return Prefill(mail.from_name, mail.contact_address or "", mail.subject, mail.text, len(mail.attachments))


def _resolve(cur, actor: Actor, item: QuarantineItem, status: QuarantineStatus, note: str | None,
             case_id: int | None = None, ticket_code: str | None = None) -> None:
    at = utcnow()
    updated = cur.execute(
        "UPDATE mail_quarantine SET status = ?, case_id = ?, resolved_at = ?, resolved_by = ?, resolution_note = ? "
        "WHERE id = ? AND status = ?",
        [status.value, case_id, to_db(at), actor.username, note, item.id, QuarantineStatus.PENDING.value],
    ).fetchone()[0]
    if updated != 1:
        raise ConflictError("Thư cách ly này vừa được người khác xử lý.")
    record_event(cur, actor.username, "mail_quarantine", item.id, status.value,
                 {"status": QuarantineStatus.PENDING.value},
                 {"status": status.value, **({"ticket_code": ticket_code} if ticket_code else {})}, note, at=at)


def _pending(db, item_id: int) -> tuple[QuarantineItem, bytes, int]:
    with db.cursor() as cur:
        found = _get(cur, item_id)
    if found[0].status is not QuarantineStatus.PENDING:
        raise ConflictError(f"Thư cách ly này đã được xử lý ({found[0].status.label.lower()}).")
    return found


def make_case(db, actor: Actor, item_id: int, *, name: str, email: str, phone: str = "", service: Service,
              issue_kind: IssueKind, content: str, request: str = "", branch: str, note: str | None = None) -> Case:
    """Open a case from a quarantined message with what the admin filled in. The message's files go
    through the intake rules (refused ones are listed on the case); the case has no event date yet."""
    actor.require(Permission.MANAGE_MAIL)
    item, raw, inbox_id = _pending(db, item_id)
    mail = _parsed(raw, item.raw_complete)
    text, files = mail_content(clean_text(content), item.subject or "", mail.attachments if mail else [])
    ok, refused = check_attachments(files)
    draft = CaseDraft(customer=Customer(name, phone or None, email or None, None), channel=Channel.EMAIL,
                      service=service, issue_kind=issue_kind, event_date=None, content=text,
                      request=request or MAIL_REQUEST, branch=clean_text(branch) or None)
    note = clean_text(note) or None
    details = {"email": {"subject": item.subject, "from": item.from_text}, "from_quarantine": item.id}
    if refused:
        details["refused_attachments"] = refused_view(refused)
    with db.transaction() as cur:
        case = receive_in(cur, actor, draft, received_at=item.received_at, details=details,
                          attachments=[Upload(c.filename, c.content) for c in ok], allow_missing_event_date=True,
                          answering=CustomerMail(mail.message_id, item.subject or "") if mail else None)
        _resolve(cur, actor, item, QuarantineStatus.CASE_MADE, note, case.id, case.ticket_code)
        cur.execute("UPDATE mail_inbox SET case_id = ? WHERE id = ?", [case.id, inbox_id])
        insert_refused(cur, case.id, inbox_id, refused, utcnow())
    return case


def discard(db, actor: Actor, item_id: int, note: str) -> None:
    """Set a quarantined message aside for good (it stays stored); the reason is required."""
    actor.require(Permission.MANAGE_MAIL)
    note = clean_text(note)
    if not note:
        raise ValidationError("Vui lòng ghi lý do loại bỏ thư.", "note")
    item, _, _ = _pending(db, item_id)
    with db.transaction() as cur:
        _resolve(cur, actor, item, QuarantineStatus.DISCARDED, note)
