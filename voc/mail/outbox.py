"""The outbox: every mail the desk sends is a row of mail_outbox, written by `queue_mail` inside the
transaction of the change that causes it (a rolled-back change leaves no mail behind). The sender
(voc.mail.sender) delivers queued rows later, with retries.

A mail's Message-ID is ours (`<uuid@domain>`, the domain of VOC_MAIL_FROM) and is fixed when it is
queued, so every attempt sends the same message; mails about one case form a thread (In-Reply-To /
References) and carry the ticket code in the subject, so the customer's answer finds its case.
"""
from __future__ import annotations

import os
import re
import uuid
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from voc.accounts.access import Actor, Permission
from voc.clock import format_local, from_db, to_db, utcnow
from voc.errors import PermissionDenied, ValidationError
from voc.desk.templates import render
from voc.mail.settings import MailSettings
from voc.model import Case, LetterKind
from voc.store.pending import PendingRows, insert

_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")   # as intake checks it: a valid case never fails to queue
MAX_REFERENCES = 20
PDF_TYPE = "application/pdf"


class MailKind(str, Enum):
    CONFIRMATION = "confirmation"   # R3: automatic, on intake
    LETTER = "letter"               # an issued reply letter or invitation, PDF attached
    NOTIFICATION = "notification"   # staff notifications (digests, assignments)

    @property
    def label(self) -> str:
        return _KIND_LABELS[self]

    @property
    def automatic(self) -> bool:
        """Sent by the system without a person writing it: Auto-Submitted: auto-generated."""
        return self is not MailKind.LETTER


class MailStatus(str, Enum):
    QUEUED = "queued"   # waiting for its (next) attempt
    SENT = "sent"       # the server accepted it
    FAILED = "failed"   # given up after the last attempt; an admin may retry it

    @property
    def label(self) -> str:
        return _STATUS_LABELS[self]


_KIND_LABELS = {MailKind.CONFIRMATION: "Xác nhận tiếp nhận", MailKind.LETTER: "Thư / giấy mời",
                MailKind.NOTIFICATION: "Thông báo nội bộ"}
_STATUS_LABELS = {MailStatus.QUEUED: "Đang chờ gửi", MailStatus.SENT: "Đã gửi", MailStatus.FAILED: "Gửi thất bại"}


@dataclass(frozen=True)
class MailAttachment:
    name: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class OutboxMail:
    """One outbox row as the sender and Quản trị see it (the attachment's bytes only when loaded to send)."""

    id: int
    message_id: str
    case_id: int | None
    letter_id: int | None
    kind: MailKind
    to_address: str
    to_name: str | None
    subject: str
    body_text: str
    in_reply_to: str | None
    references: tuple[str, ...]
    auto_submitted: bool
    attachment_name: str | None
    attachment_type: str | None
    status: MailStatus
    attempts: int
    next_attempt_at: datetime
    last_error: str | None
    queued_at: datetime
    queued_by: str
    sent_at: datetime | None
    attachment: bytes | None = None


# The columns of OutboxMail in order; the sender adds `attachment` to load the bytes.
OUTBOX_COLUMNS = ("id, message_id, case_id, letter_id, kind, to_address, to_name, subject, body_text, in_reply_to, "
                  "references_ids, auto_submitted, attachment_name, attachment_type, status, attempts, "
                  "next_attempt_at, last_error, queued_at, queued_by, sent_at")


def row_to_mail(r: tuple) -> OutboxMail:
    return OutboxMail(r[0], r[1], r[2], r[3], MailKind(r[4]), r[5], r[6], r[7], r[8], r[9],
                      tuple((r[10] or "").split()), r[11], r[12], r[13], MailStatus(r[14]), r[15],
                      from_db(r[16]), r[17], from_db(r[18]), r[19], from_db(r[20]),
                      bytes(r[21]) if len(r) > 21 and r[21] is not None else None)


# --- building a mail ---------------------------------------------------------------------------

def default_domain() -> str:
    """Our Message-ID domain from VOC_MAIL_FROM alone: queueing never depends on the SMTP setting."""
    return MailSettings(None, None, (os.environ.get("VOC_MAIL_FROM") or "").strip() or None).domain


def new_message_id(domain: str) -> str:
    return f"<{uuid.uuid4().hex}@{domain}>"


def _one_line(text: str | None) -> str:
    return " ".join((text or "").split())


def mail_subject(ticket_code: str | None, text: str) -> str:
    """'[KN-2026-000123] …': the ticket code in brackets first, not repeated after it."""
    text = _one_line(text)
    if not ticket_code:
        return text
    rest = _one_line(text.replace(f"[{ticket_code}]", " ").replace(ticket_code, " "))
    return f"[{ticket_code}] {rest}".strip()


_REPLY_PREFIX = re.compile(r"^\s*(re|aw|tl|tr)\s*:\s*", re.IGNORECASE)


@dataclass(frozen=True)
class CustomerMail:
    """The customer's own mail that a case came from: our confirmation answers it in its thread."""

    message_id: str | None
    subject: str


def reply_subject(subject: str, ticket_code: str) -> str:
    """'Re: <their subject> [KN-2026-000123]': their subject once prefixed, the code once, at the end."""
    text = _one_line(subject.replace(f"[{ticket_code}]", " ").replace(ticket_code, " "))
    while _REPLY_PREFIX.match(text):
        text = _REPLY_PREFIX.sub("", text, count=1)
    return _one_line(f"Re: {text} [{ticket_code}]")


def valid_address(address: str | None) -> str:
    value = (address or "").strip()
    if not _EMAIL.match(value):
        raise ValidationError(f"Địa chỉ email người nhận không hợp lệ: {value or '(trống)'}.", "to_address")
    return value


def thread_of(cur, case_id: int) -> tuple[str | None, tuple[str, ...]]:
    """(In-Reply-To, References) for the next mail about a case: the earlier mails of its thread."""
    rows = cur.execute(
        "SELECT message_id FROM (SELECT message_id, queued_at, id FROM mail_outbox WHERE case_id = ? "
        "ORDER BY queued_at DESC, id DESC LIMIT ?) AS recent ORDER BY queued_at, id", [case_id, MAX_REFERENCES]).fetchall()
    ids = tuple(r[0] for r in rows)
    return (ids[-1] if ids else None), ids


_QUEUE_COLUMNS = ("message_id", "case_id", "letter_id", "kind", "to_address", "to_name", "subject", "body_text",
                  "in_reply_to", "references_ids", "auto_submitted", "attachment_name", "attachment_type", "attachment",
                  "status", "attempts", "next_attempt_at", "queued_at", "queued_by")


def queue_mail(cur, *, kind: MailKind, to_address: str, subject: str, body: str, queued_by: str, domain: str,
               case_id: int | None = None, ticket_code: str | None = None, letter_id: int | None = None,
               to_name: str | None = None, in_reply_to: str | None = None, references: tuple[str, ...] = (),
               attachment: MailAttachment | None = None, at: datetime | None = None, new_case: bool = False,
               pending: PendingRows | None = None) -> str:
    """Insert one mail into the outbox inside the caller's transaction; return its Message-ID.

    A mail about a case continues that case's thread unless `in_reply_to`/`references` are given
    (e.g. the customer's own Message-ID when answering an e-mail) or the case was opened in this
    transaction (`new_case`: it has no earlier mail to look up). With `ticket_code` the subject
    starts with the code (`mail_subject`); without it the subject is kept as given (on one line).
    `pending`: the row is written at the end of the caller's batch (voc.store.pending).
    """
    to_address = valid_address(to_address)
    if not body.strip():
        raise ValidationError("Nội dung email không được để trống.", "body")
    at = at or utcnow()
    if case_id is not None and in_reply_to is None and not references and not new_case:
        in_reply_to, references = thread_of(cur, case_id)
    elif in_reply_to and in_reply_to not in references:
        references = (*references, in_reply_to)
    message_id = new_message_id(domain)
    # The row itself is the record of the mail (who queued it when, to whom, its Message-ID, when it
    # was sent); the sender's give-ups and an admin's retries also go to the audit log.
    insert(cur, pending, "mail_outbox", _QUEUE_COLUMNS,
           [message_id, case_id, letter_id, kind.value, to_address, _one_line(to_name) or None,
            mail_subject(ticket_code, subject), body, in_reply_to, " ".join(references) or None, kind.automatic,
            attachment.name if attachment else None, attachment.content_type if attachment else None,
            attachment.data if attachment else None, MailStatus.QUEUED.value, 0, to_db(at), to_db(at), queued_by])
    return message_id


# --- the mails of the procedure ----------------------------------------------------------------

def queue_confirmation(cur, case: Case, queued_by: str, *, answering: CustomerMail | None = None,
                       at: datetime | None = None, pending: PendingRows | None = None) -> str | None:
    """R3: the confirmation e-mail (ticket code, status, due dates) for a case just received with an
    e-mail address, whatever its channel. Returns the Message-ID, or None when the customer has no e-mail.

    `answering`: the customer's mail the case came from; the confirmation then threads on it
    (In-Reply-To and References = their Message-ID, subject "Re: <their subject> [code]")."""
    if not case.customer.email:
        return None
    draft = render("confirmation_email", case)
    subject, code = draft.subject, case.ticket_code
    if answering is not None and answering.subject.strip():
        subject, code = reply_subject(answering.subject, case.ticket_code), None
    in_reply_to = answering.message_id if answering is not None else None
    return queue_mail(cur, kind=MailKind.CONFIRMATION, to_address=case.customer.email, to_name=case.customer.name,
                      subject=subject, body=draft.body, queued_by=queued_by, domain=default_domain(),
                      case_id=case.id, ticket_code=code, in_reply_to=in_reply_to, at=at, new_case=True,
                      pending=pending)


def queue_letter_mail(cur, case: Case, letter, pdf_bytes: bytes, pdf_name: str, to_address: str,
                      settings_domain: str, actor: Actor, *, at: datetime | None = None) -> str:
    """Send an issued letter (voc.letters.Letter) by e-mail: a short cover text, the PDF attached.

    Runs in the caller's transaction (the one recording the letter's delivery); returns the Message-ID.
    """
    actor.require(Permission.HANDLE_CASES)
    if not actor.may_touch_branch(case.branch):
        raise PermissionDenied("Bạn chỉ được xử lý hồ sơ của chi nhánh mình.")
    if letter.case_id != case.id:
        raise ValidationError("Thư này không thuộc hồ sơ đang gửi.", "letter")
    if not pdf_bytes or not pdf_bytes.startswith(b"%PDF"):
        raise ValidationError("Tệp đính kèm phải là bản PDF của thư.", "pdf")
    name = (pdf_name or "").strip() or f"{case.ticket_code}.pdf"
    meeting = ""
    if letter.kind is LetterKind.INVITATION and letter.meeting_at:
        meeting = f"Thời gian làm việc: {format_local(letter.meeting_at)}, tại {letter.meeting_place or ''}.\n\n"
    draft = render("letter_email", case, letter_label=letter.kind.label, letter_label_lower=letter.kind.label.lower(),
                   doc_number=letter.doc_number, letter_subject=letter.subject, pdf_name=name, meeting=meeting)
    return queue_mail(cur, kind=MailKind.LETTER, to_address=to_address, to_name=case.customer.name,
                      subject=draft.subject, body=draft.body, queued_by=actor.username, domain=settings_domain,
                      case_id=case.id, ticket_code=case.ticket_code, letter_id=letter.id,
                      attachment=MailAttachment(name, PDF_TYPE, pdf_bytes), at=at)


# --- reading (Quản trị, the case file) ---------------------------------------------------------

def mails_of_case(cur, case_id: int) -> list[OutboxMail]:
    """How, when and to whom each mail of a case went (oldest first)."""
    rows = cur.execute(f"SELECT {OUTBOX_COLUMNS} FROM mail_outbox WHERE case_id = ? ORDER BY queued_at, id",
                       [case_id]).fetchall()
    return [row_to_mail(r) for r in rows]


def outbox_counts(db, actor: Actor) -> dict[MailStatus, int]:
    actor.require(Permission.MANAGE_USERS)
    with db.cursor() as cur:
        found = dict(cur.execute("SELECT status, count(*) FROM mail_outbox GROUP BY status").fetchall())
    return {s: int(found.get(s.value, 0)) for s in MailStatus}


def outbox_mails(db, actor: Actor, status: MailStatus | None = None, limit: int = 200) -> list[OutboxMail]:
    """The newest outbox rows (optionally of one status), for Quản trị."""
    actor.require(Permission.MANAGE_USERS)
    where, params = ("WHERE status = ?", [status.value]) if status else ("", [])
    with db.cursor() as cur:
        rows = cur.execute(f"SELECT {OUTBOX_COLUMNS} FROM mail_outbox {where} ORDER BY id DESC LIMIT ?",
                           [*params, limit]).fetchall()
    return [row_to_mail(r) for r in rows]

