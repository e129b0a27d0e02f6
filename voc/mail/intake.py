"""What a mail becomes on the desk, shared by the fetch pass and the quarantine: the mail intake
actor, the case draft from a mail (content, guessed service and issue kind), attachments checked
against the intake rules, and the mail_inbox rows that record every message under its key.

The branch of a mail case is VOC_MAIL_BRANCH (default Hà Nội, see voc.mail.settings). A mail has no
event date: the case is flagged `event_date_pending` and staff fill it in (voc.cases.set_event_date),
confirming the guessed issue kind, and R8 runs then.
"""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from voc.desk import attachments as attachment_store
from voc.accounts.access import Actor, Role
from voc.desk.cases import MAX_NAME_CHARS, MAX_TEXT_CHARS
from voc.clock import to_db
from voc.errors import ValidationError
from voc.mail.parse import MailPart, ParsedMail
from voc.model import CaseDraft, Channel, Customer, IssueKind, Service
from voc.numbers import vn_number
from voc.plaintext import fold
from voc.store.pending import PendingRows

# A username no account can have (accounts are [a-z0-9._-]), shown as "Hộp thư khiếu nại".
MAIL_ACTOR = Actor("system:mail", Role.ADMIN, None, "Hộp thư khiếu nại")
MAIL_REQUEST = "(Gửi qua email: khách hàng không nêu riêng yêu cầu — xem nội dung phản ánh.)"
EMPTY_CONTENT = "(Thư không có nội dung văn bản — xem tài liệu kèm theo.)"
FULL_TEXT_NAME = "noi-dung-email-day-du.txt"
MAX_BODY_STORED = 1_000_000

# Words (folded: lower case, no diacritics) that point to a service or to a business complaint.
_SERVICE_WORDS: dict[Service, tuple[str, ...]] = {
    Service.VPS: ("vps", "may chu ao"),
    Service.CLOUD: ("cloud",),
    Service.DOMAIN: ("ten mien", "domain", "dns"),
    Service.SSL: ("ssl", "chung chi", "https"),
    Service.EMAIL: ("email doanh nghiep", "hop thu", "webmail", "gui mail", "nhan mail", "mail bi", "mail server"),
    Service.HOSTING: ("hosting", "website", "trang web", "web bi", "web khong"),
}
_BUSINESS_WORDS = ("cuoc", "hoa don", "thanh toan", "hop dong", "gia han", "hoan tien", "tru tien", "bang gia",
                   "khuyen mai", "chuyen khoan", "tinh phi", "thu phi")


class Outcome(str, Enum):
    CREATED = "created"
    JOINED = "joined"
    IGNORED = "ignored"
    QUARANTINED = "quarantined"
    DUPLICATE = "duplicate"       # already processed: nothing new, only marked on the server
    FAILED = "failed"             # could not even be recorded: left on the server for the next pass

    @property
    def label(self) -> str:
        return {Outcome.CREATED: "Mở hồ sơ mới", Outcome.JOINED: "Thêm vào hồ sơ đã có",
                Outcome.IGNORED: "Bỏ qua", Outcome.QUARANTINED: "Cách ly", Outcome.DUPLICATE: "Đã xử lý trước đó",
                Outcome.FAILED: "Lỗi, để lại trên máy chủ"}[self]


# --- the draft ----------------------------------------------------------------------------------

def guess_service(folded: str) -> Service:
    """The service the (folded) words of a mail point to most often."""
    hits = {service: sum(folded.count(w) for w in words) for service, words in _SERVICE_WORDS.items()}
    best = max(hits, key=lambda s: hits[s])
    return best if hits[best] else Service.OTHER


def guess_issue_kind(folded: str) -> IssueKind:
    return IssueKind.BUSINESS if any(w in folded for w in _BUSINESS_WORDS) else IssueKind.QUALITY


def mail_content(text: str, subject: str, files: list[MailPart]) -> tuple[str, list[MailPart]]:
    """The case's content and the files to attach; a text over the case limit is cut and attached whole."""
    text = text or subject or (EMPTY_CONTENT if files else "")
    files = list(files)
    if len(text) > MAX_TEXT_CHARS:
        files.insert(0, MailPart(FULL_TEXT_NAME, text.encode("utf-8"), "text/plain"))
        text = (text[:MAX_TEXT_CHARS - 300].rstrip()
                + f"\n\n[…] Thư dài {vn_number(len(text))} ký tự; toàn văn trong tệp đính kèm {FULL_TEXT_NAME}.")
    return text, files


def draft_from_mail(name: str, address: str | None, subject: str, content: str, branch: str) -> CaseDraft:
    name = (name or (address or "").split("@", 1)[0]).strip()[:MAX_NAME_CHARS]
    words = fold(f"{subject}\n{content[:5_000]}")
    return CaseDraft(customer=Customer(name, None, address, None), channel=Channel.EMAIL,
                     service=guess_service(words), issue_kind=guess_issue_kind(words), event_date=None,
                     content=content, request=MAIL_REQUEST, branch=branch)


# --- attachments --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Refused:
    part: MailPart
    reason: str


def check_attachments(parts: list[MailPart]) -> tuple[list[attachment_store.CheckedUpload], list[Refused]]:
    """The intake rules (type by magic bytes, 10 MB, at most 10 files) on each attached file."""
    ok: list[attachment_store.CheckedUpload] = []
    refused: list[Refused] = []
    for part in parts:
        if len(ok) >= attachment_store.MAX_ATTACHMENTS:
            refused.append(Refused(part, f"Vượt quá {attachment_store.MAX_ATTACHMENTS} tệp đính kèm mỗi thư."))
            continue
        try:
            ok.append(attachment_store.validate_upload(attachment_store.Upload(part.filename, part.content)))
        except ValidationError as error:
            refused.append(Refused(part, str(error)))
    return ok, refused


def refused_view(refused: list[Refused]) -> list[dict]:
    return [{"filename": r.part.filename, "reason": r.reason} for r in refused]


def insert_refused(cur, case_id: int, inbox_id: int, refused: list[Refused], at: datetime) -> None:
    for r in refused:
        cur.execute(
            "INSERT INTO mail_refused_attachments (case_id, inbox_id, filename, declared_type, size_bytes, sha256, "
            "reason, refused_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [case_id, inbox_id, r.part.filename, r.part.declared_type, len(r.part.content),
             hashlib.sha256(r.part.content).hexdigest(), r.reason, to_db(at)])


# --- mail_inbox ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class InboxRow:
    """What every mail_inbox row of one message records besides its outcome."""

    key: str
    message_id: str | None
    size: int
    sha256: str
    received_at: datetime
    processed_at: datetime
    run_id: int | None = None


def known(cur, key: str) -> bool:
    return cur.execute("SELECT count(*) FROM mail_inbox WHERE message_key = ?", [key]).fetchone()[0] > 0


_INBOX_COLUMNS = ("message_key", "message_id", "outcome", "reason", "case_id", "from_address", "from_name", "subject",
                  "body_text", "size_bytes", "sha256", "raw", "received_at", "processed_at", "fetch_run_id")


def insert_inbox(cur, row: InboxRow, outcome: Outcome, *, reason: str | None = None, case_id: int | None = None,
                 mail: ParsedMail | None = None, body: str | None = None, raw: bytes | None = None,
                 pending: PendingRows | None = None) -> int | None:
    """The message's row under its key; its id, or None when held in `pending` for the batch's end."""
    values = [row.key, row.message_id, outcome.value, reason, case_id, mail.from_address if mail else None,
              (mail.from_name or None) if mail else None, (mail.subject or None) if mail else None,
              body[:MAX_BODY_STORED] if body else None, row.size, row.sha256, raw, to_db(row.received_at),
              to_db(row.processed_at), row.run_id]
    if pending is not None:
        pending.add("mail_inbox", _INBOX_COLUMNS, values)
        return None
    return cur.execute(f"INSERT INTO mail_inbox ({', '.join(_INBOX_COLUMNS)}) "
                       f"VALUES ({', '.join('?' for _ in _INBOX_COLUMNS)}) RETURNING id", values).fetchone()[0]
