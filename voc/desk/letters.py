"""Written documents of the procedure: reply letters and invitations (R6, R9), the customer's
confirmation (R3) and the in-person receipt form (R4), drafted from templates in data/templates.

An issued letter is never changed: a correction is a new letter that names the one it supersedes.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from string import Template

from voc.store import case_store
from voc.text import reply_check
from voc.accounts.access import Actor
from voc.store.audit import record_event
from voc.desk.cases import apply_action
from voc.clock import format_local, from_db, local, to_db, utcnow
from voc.errors import ConflictError, NotFound, ValidationError
from voc.desk.lifecycle import Action
from voc.model import Case, Channel, LetterKind

DATA_DIR = Path(__file__).resolve().parents[2] / "data"
TEMPLATES_DIR = DATA_DIR / "templates"
MAX_LETTER_CHARS = 20_000


@dataclass(frozen=True)
class Company:
    name: str
    short_name: str
    department: str
    address: str
    hotline: str
    email: str
    city: str
    signatory_title: str


@lru_cache(maxsize=1)
def company() -> Company:
    return Company(**json.loads((DATA_DIR / "company.json").read_text(encoding="utf-8")))


@dataclass(frozen=True)
class Draft:
    subject: str
    body: str


@dataclass(frozen=True)
class Letter:
    id: int
    case_id: int
    round: int
    kind: LetterKind
    doc_number: str
    subject: str
    body: str
    meeting_at: datetime | None
    meeting_place: str | None
    issued_at: datetime
    issued_by: str
    supersedes: int | None


def _template(name: str) -> tuple[Template, Template]:
    text = (TEMPLATES_DIR / f"{name}.txt").read_text(encoding="utf-8")
    first, _, rest = text.partition("\n")
    if not first.startswith("subject:"):
        raise ValueError(f"template {name} must start with a subject line")
    return Template(first[len("subject:"):].strip()), Template(rest.strip())


def _fields(case: Case, **extra) -> dict[str, str]:
    co = company()
    content = case.content or ""
    values = {
        "ticket_code": case.ticket_code, "customer_name": case.customer.name,
        "customer_phone": case.customer.phone or "", "customer_email": case.customer.email or "",
        "customer_address": case.customer.address or "", "service_label": case.service.label,
        "channel_label": case.channel.label, "issue_kind_label": case.issue_kind.label,
        "status_label": case.status.label, "content": content,
        "content_short": content if len(content) <= 120 else content[:117].rstrip() + "…",
        "request": case.request or "", "received_local": format_local(case.received_at),
        "reply_due_local": format_local(case.reply_due_at), "resolution_due_local": format_local(case.resolution_due_at),
        "event_date": case.event_date.strftime("%d/%m/%Y") if case.event_date else "",
        "branch": case.branch or "", "staff": case.staff or "",
        "company_name": co.name, "company_short_name": co.short_name, "company_hotline": co.hotline,
        "company_email": co.email, "company_department": co.department,
    }
    values.update({k: v for k, v in extra.items() if v is not None})
    return values


def render(name: str, case: Case, **extra) -> Draft:
    subject, body = _template(name)
    values = _fields(case, **extra)
    return Draft(subject.safe_substitute(values), body.safe_substitute(values))


def draft_letter(case: Case, kind: LetterKind, meeting_at: datetime | None = None,
                 meeting_place: str | None = None) -> Draft:
    """A first draft of a reply letter or invitation for staff to edit before issuing."""
    extra = {"meeting_local": format_local(meeting_at) if meeting_at else "[thời gian]",
             "meeting_place": meeting_place or "[địa điểm]"}
    return render(kind.value, case, **extra)


def confirmation(case: Case) -> Draft:
    """R3: the confirmation for the customer: the e-mail text for the web channel, a printable note otherwise."""
    return render("confirmation_email" if case.channel is Channel.EMAIL else "confirmation_note", case)


def receipt_form(case: Case, attachment_names: list[str]) -> Draft:
    """R4: the "Phiếu tiếp nhận" of an in-person complaint."""
    listed = "\n".join(f"- {n}" for n in attachment_names) or "(không có)"
    return render("receipt_form", case, attachments=listed)


def format_doc_number(number: int, year: int, kind: LetterKind) -> str:
    """Số văn bản: 00012/2026/TL-CSKH for a reply letter, .../GM-CSKH for an invitation."""
    suffix = "TL-CSKH" if kind is LetterKind.REPLY else "GM-CSKH"
    return f"{number:05d}/{year}/{suffix}"


def _doc_number(cur, kind: LetterKind, at: datetime) -> str:
    number = cur.execute("SELECT nextval('letter_id_seq')").fetchall()[0][0]
    return format_doc_number(number, local(at).year, kind)


def validate_letter(kind: LetterKind, subject: str, body: str, meeting_at: datetime | None,
                    meeting_place: str | None, at: datetime) -> None:
    if not (subject or "").strip():
        raise ValidationError("Vui lòng nhập trích yếu (tiêu đề) của thư.", "subject")
    if not (body or "").strip():
        raise ValidationError("Nội dung thư không được để trống.", "body")
    if len(body) > MAX_LETTER_CHARS or len(subject) > 500:
        raise ValidationError(f"Thư quá dài (tối đa {MAX_LETTER_CHARS:,} ký tự).".replace(",", "."), "body")
    if "[" in body and "]" in body and any(p in body for p in ("[nêu", "[thời gian]", "[địa điểm]")):
        raise ValidationError("Thư còn chỗ trống của mẫu trong ngoặc vuông [...]: hãy điền trước khi phát hành.", "body")
    if kind is LetterKind.INVITATION:
        if meeting_at is None or not (meeting_place or "").strip():
            raise ValidationError("Giấy mời cần ghi rõ thời gian và địa điểm làm việc.", "meeting_at")
        if meeting_at <= at:
            raise ValidationError("Thời gian hẹn làm việc phải sau thời điểm phát hành giấy mời.", "meeting_at")


def issue_letter(db, actor: Actor, ticket_code: str, kind: LetterKind, subject: str, body: str, *,
                 meeting_at: datetime | None = None, meeting_place: str | None = None,
                 supersedes: int | None = None, expected_version: int | None = None,
                 at: datetime | None = None) -> Letter:
    """R6/R9: issue a reply letter or invitation; the first one of a round stops its reply clock."""
    at = at or utcnow()
    validate_letter(kind, subject, body, meeting_at, meeting_place, at)
    with db.transaction() as cur:
        case = case_store.get_case(cur, ticket_code)
        if expected_version is not None and case.version != expected_version:
            raise ConflictError(case_store.CONFLICT_MESSAGE)
        if supersedes is not None and _get(cur, supersedes, case.id) is None:
            raise NotFound("Không tìm thấy thư cần thay thế trong hồ sơ này.")
        changes: dict = {}
        if case.round_replied_at is None:
            changes["round_replied_at"] = at
        if case.round == 1 and case.first_reply_at is None:
            changes["first_reply_at"] = at
        doc_number = _doc_number(cur, kind, at)
        letter_id = cur.execute(
            "INSERT INTO letters (case_id, round, kind, doc_number, subject, body, meeting_at, meeting_place, "
            "issued_at, issued_by, supersedes) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            [case.id, case.round, kind.value, doc_number, subject.strip(), body.strip(), to_db(meeting_at),
             (meeting_place or "").strip() or None, to_db(at), actor.username, supersedes],
        ).fetchone()[0]
        apply_action(cur, actor, case, Action.ISSUE_LETTER, at, changes,
                     note=f"{kind.label} số {doc_number}" + (f" (thay thế thư #{supersedes})" if supersedes else ""))
        record_event(cur, actor.username, "letter", letter_id, "issued", None,
                     {"case_id": case.id, "kind": kind, "doc_number": doc_number, "round": case.round}, at=at)
        if kind is LetterKind.REPLY:
            reply_check.score_letters(cur, [letter_id])  # the QA queue and staff metrics read this score
        return _get(cur, letter_id, case.id)


_LETTER_COLUMNS = ("id, case_id, round, kind, doc_number, subject, body, meeting_at, meeting_place, "
                   "issued_at, issued_by, supersedes")


def _row_to_letter(r: tuple) -> Letter:
    return Letter(r[0], r[1], r[2], LetterKind(r[3]), r[4], r[5], r[6], from_db(r[7]), r[8], from_db(r[9]),
                  r[10], r[11])


def _get(cur, letter_id: int, case_id: int) -> Letter | None:
    row = cur.execute(f"SELECT {_LETTER_COLUMNS} FROM letters WHERE id = ? AND case_id = ?",
                      [letter_id, case_id]).fetchone()
    return _row_to_letter(row) if row else None


def letters_of(cur, case_id: int) -> list[Letter]:
    rows = cur.execute(f"SELECT {_LETTER_COLUMNS} FROM letters WHERE case_id = ? ORDER BY issued_at, id",
                       [case_id]).fetchall()
    return [_row_to_letter(r) for r in rows]
