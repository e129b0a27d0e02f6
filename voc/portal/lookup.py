"""Status lookup for customers: a ticket code plus the e-mail or phone given at intake.

A match returns a `PortalView`: the public facts of that one case (status, received time, the
current clocks, the letters issued to the customer with their PDF), never its notes, staff, branch,
content or anything of another customer. Anything else returns the one generic `LookupFailed`,
after the same queries and the same counting whether the code exists or not, so the answer tells
nothing about which codes exist.
"""
from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import datetime

from voc.desk import documents, letters
from voc.store.case_store import get_case_by_id
from voc.clock import local, utcnow
from voc.errors import DomainError, ValidationError
from voc.portal import abuse
from voc.portal.abuse import Bucket, KeyKind, Limits
from voc.plaintext import clean_text

MAX_CODE_CHARS = 64
MAX_CONTACT_CHARS = 200
NOT_FOUND = ("Không tìm thấy hồ sơ khớp với mã hồ sơ và email / số điện thoại đã nhập. Vui lòng kiểm tra "
             "lại mã trong email hoặc giấy xác nhận, và dùng đúng email hoặc số điện thoại đã khai khi gửi khiếu nại.")
# Compared against when no case has the code, so both failures do the same work.
_NO_CASE = ("\x00no-case-phone", "\x00no-case-email")


class LookupFailed(DomainError):
    def __init__(self) -> None:
        super().__init__(NOT_FOUND)


@dataclass(frozen=True)
class PortalLetter:
    doc_number: str
    kind_label: str
    issued_at: datetime
    file_name: str
    pdf: bytes


@dataclass(frozen=True)
class PortalView:
    """The public face of one case."""

    ticket_code: str
    status_label: str
    is_open: bool
    round: int
    received_at: datetime
    reply_due_at: datetime | None        # None once the current round has its written reply
    resolution_due_at: datetime | None   # None once the case is finished
    finished_at: datetime | None
    letters: tuple[PortalLetter, ...]


def normalise_code(code: str | None) -> str:
    return clean_text(code).upper()


def _matches(contact: str, phone: str | None, email: str | None) -> bool:
    """Constant-time comparison of the typed contact with the case's phone or e-mail."""
    typed_email, typed_phone = abuse.normalise_email(contact), abuse.normalise_phone(contact)
    by_email = hmac.compare_digest(typed_email.encode(), abuse.normalise_email(email).encode())
    by_phone = hmac.compare_digest(typed_phone.encode(), abuse.normalise_phone(phone).encode())
    return ("@" in typed_email and bool(email) and by_email) or (len(typed_phone) >= 8 and bool(phone) and by_phone)


def _inputs(code: str | None, contact: str | None) -> tuple[str, str]:
    code, contact = normalise_code(code), clean_text(contact)
    if not code:
        raise ValidationError("Vui lòng nhập mã hồ sơ (ví dụ KN-2026-000123).", "ticket_code")
    if not contact:
        raise ValidationError("Vui lòng nhập email hoặc số điện thoại đã khai khi gửi khiếu nại.", "contact")
    if len(code) > MAX_CODE_CHARS or len(contact) > MAX_CONTACT_CHARS:
        raise LookupFailed()
    return code, contact


def look_up(db, ticket_code: str, contact: str, *, client: str | None, at: datetime | None = None,
            limits: Limits = abuse.DEFAULT_LIMITS) -> PortalView:
    at = at or utcnow()
    code, contact = _inputs(ticket_code, contact)
    keys = {KeyKind.CLIENT: [client] if client else [], KeyKind.TICKET: [code]}
    with db.transaction() as cur:
        abuse.check_lookup(cur, keys, at, limits)
        abuse.record_hits(cur, Bucket.LOOKUP, keys, at)
        row = cur.execute("SELECT id, customer_phone, customer_email FROM cases WHERE ticket_code = ?",
                          [code]).fetchone()
        case_id, phone, email = row if row is not None else (None, *_NO_CASE)
        matched = _matches(contact, phone, email) and case_id is not None
        if not matched:
            abuse.record_failed_lookup(cur, keys, at, limits)
    if not matched:
        raise LookupFailed()
    return _view(db, case_id)


def _view(db, case_id: int) -> PortalView:
    with db.cursor() as cur:
        case = get_case_by_id(cur, case_id)
        issued = letters.letters_of(cur, case_id)
    finished = case.resolved_at or case.closed_at
    return PortalView(
        ticket_code=case.ticket_code, status_label=case.status.label, is_open=case.is_open, round=case.round,
        received_at=case.received_at,
        reply_due_at=case.reply_due_at if case.is_open and case.round_replied_at is None else None,
        resolution_due_at=case.resolution_due_at if case.is_open else None,
        finished_at=None if case.is_open else finished,
        letters=tuple(
            PortalLetter(letter.doc_number, letter.kind.label, letter.issued_at,
                         f"{letter.kind.value}-{letter.doc_number.replace('/', '-')}-{local(letter.issued_at):%Y%m%d}.pdf",
                         documents.letter_pdf(letter, case))
            for letter in issued),
    )
