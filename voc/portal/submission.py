"""A complaint from the public web form (R1 "email / web ticket", R2, R3).

The form's case is received by `voc.cases.receive` like any other, acting as the portal's own
intake account (`PORTAL_ACTOR`), so every rule of intake, its audit event, theme tagging and the
confirmation mail (queued by a receive hook) apply unchanged.

Branch: the portal's cases go to the branch named by $VOC_PORTAL_BRANCH, by default the head
office (the city in data/company.json, Hà Nội), which also answers the complaints mailbox; staff
there may pass a case on.

Late complaints (R8): a customer cannot be asked to argue the statute of limitations, so the portal
never refuses one. It accepts it with a recorded reason, and the case carries the late flag for
staff to weigh while verifying (R5).
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import date, datetime

from voc.desk import attachments, cases, documents
from voc.accounts.access import Actor, Role
from voc.errors import DomainError, ValidationError
from voc.desk.templates import company
from voc.model import CaseDraft, Channel, Customer, IssueKind, Service
from voc.portal import abuse
from voc.portal.abuse import Bucket, KeyKind, Limits
from voc.plaintext import clean_text

BRANCH_ENV = "VOC_PORTAL_BRANCH"
MAX_CONTENT_CHARS = 10_000
MAX_REQUEST_CHARS = 4_000
MAX_FILES = 5
MAX_TOTAL_BYTES = 25 * 1024 * 1024
LATE_REASON = ("Khiếu nại gửi qua cổng khách hàng trực tuyến: cổng tiếp nhận mọi khiếu nại, "
               "nhân viên xem xét thời hiệu khi xác minh.")
REFUSED = ("Không thể gửi khiếu nại lúc này. Vui lòng tải lại trang và thử lại, hoặc gọi hotline "
           "để được hỗ trợ.")


def portal_branch() -> str:
    return (os.environ.get(BRANCH_ENV) or "").strip() or company().city


def portal_actor() -> Actor:
    """The portal's intake account: a staff member of the portal branch, nothing more."""
    return Actor(abuse.PORTAL_USER, Role.STAFF, portal_branch(), "Cổng khách hàng")


class BotSuspected(DomainError):
    """The hidden field was filled in: a program, not a person, sent the form."""

    def __init__(self) -> None:
        super().__init__(REFUSED)


class TooFast(DomainError):
    def __init__(self) -> None:
        super().__init__("Biểu mẫu được gửi quá nhanh. Vui lòng kiểm tra lại thông tin rồi bấm Gửi khiếu nại "
                         "một lần nữa.")


@dataclass(frozen=True)
class PortalSubmission:
    """What the customer typed into the form."""

    name: str
    email: str
    phone: str
    service: Service
    issue_kind: IssueKind
    event_date: date | None
    content: str
    request: str
    files: tuple[attachments.Upload, ...] = field(default_factory=tuple)
    honeypot: str = ""


@dataclass(frozen=True)
class Receipt:
    """What the customer is shown at once: the ticket code, status and clocks, the confirmation."""

    ticket_code: str
    status_label: str
    received_at: datetime
    reply_due_at: datetime
    resolution_due_at: datetime
    email: str | None
    confirmation_pdf: bytes


def contact_keys(email: str | None, phone: str | None) -> list[str]:
    """The customer's contacts as rate-limit keys (e-mail and phone count separately)."""
    return [k for k in (abuse.normalise_email(email), abuse.normalise_phone(phone)) if k]


def _draft(sub: PortalSubmission) -> CaseDraft:
    return CaseDraft(
        customer=Customer(sub.name, clean_text(sub.phone) or None, clean_text(sub.email) or None),
        channel=Channel.EMAIL, service=sub.service, issue_kind=sub.issue_kind, event_date=sub.event_date,
        content=sub.content, request=sub.request, branch=portal_branch())


def validate(sub: PortalSubmission, at: datetime) -> list[attachments.CheckedUpload]:
    """The intake rules plus the portal's own: an e-mail or phone to look the case up by, shorter texts,
    at most MAX_FILES files. Every refused file is named with its reason, all at once."""
    if not (clean_text(sub.email) or clean_text(sub.phone)):
        raise ValidationError("Vui lòng nhập email hoặc số điện thoại để nhận xác nhận và tra cứu hồ sơ.", "contact")
    for text, cap, name, label in ((sub.content, MAX_CONTENT_CHARS, "content", "Nội dung sự việc"),
                                   (sub.request, MAX_REQUEST_CHARS, "request", "Yêu cầu")):
        if len(text or "") > cap:
            raise ValidationError(f"{label} quá dài ({len(text):,} ký tự; tối đa {cap:,}). Hãy rút gọn hoặc "
                                  "đính kèm phần còn lại dưới dạng tệp.".replace(",", "."), name)
    cases.validate_draft(_draft(sub), at)
    if len(sub.files) > MAX_FILES:
        raise ValidationError(f"Tối đa {MAX_FILES} tệp đính kèm mỗi khiếu nại.", "attachments")
    checked, refused = [], []
    for upload in sub.files:
        try:
            checked.append(attachments.validate_upload(upload))
        except ValidationError as error:
            refused.append(str(error))
    if refused:
        raise ValidationError("Chưa gửi được vì có tệp không hợp lệ (hãy bỏ các tệp này rồi gửi lại):\n"
                              + "\n".join(f"- {reason}" for reason in refused), "attachments")
    if sum(len(u.content) for u in checked) > MAX_TOTAL_BYTES:
        raise ValidationError(f"Tổng dung lượng tệp đính kèm vượt {MAX_TOTAL_BYTES // 1024 // 1024} MB.", "attachments")
    return checked


def submit(db, sub: PortalSubmission, *, client: str | None, form_started_at: datetime, at: datetime,
           intake_key: str, limits: Limits = abuse.DEFAULT_LIMITS) -> Receipt:
    """Check the form against bots and floods, then receive it as a case on the web channel."""
    client_keys = {KeyKind.CLIENT: [client] if client else []}
    if clean_text(sub.honeypot):
        with db.transaction() as cur:
            abuse.record_hits(cur, Bucket.SUBMISSION, client_keys, at)
        raise BotSuspected()
    if (at - form_started_at).total_seconds() < limits.min_fill_seconds:
        raise TooFast()
    validate(sub, at)
    keys = {KeyKind.CONTACT: contact_keys(sub.email, sub.phone), **client_keys}
    with db.cursor() as cur:
        abuse.check_submission(cur, keys, at, limits)
    case = cases.receive(db, portal_actor(), _draft(sub), late_reason=LATE_REASON, received_at=at,
                         intake_key=intake_key, attachments=list(sub.files), details={"source": "portal"})
    with db.transaction() as cur:
        abuse.record_hits(cur, Bucket.SUBMISSION, keys, at)
    abuse.prune(db, at)
    return Receipt(case.ticket_code, case.status.label, case.received_at, case.reply_due_at,
                   case.resolution_due_at, case.customer.email, documents.confirmation_pdf(case, at))
