"""Letters of the procedure: reply letters and invitations (R6, R9), drafted from the templates in
data/templates, numbered in the outgoing register, issued with how they were delivered.

An issued letter is never changed: a correction is a new letter that names the one it supersedes.
"""
from __future__ import annotations

import re
from collections import Counter
from datetime import datetime
from typing import Callable, Iterator, Sequence

from voc.store import case_store
from voc.text import reply_check
from voc.accounts.access import Actor
from voc.accounts.privacy import letter_for
from voc.store.audit import record_event
from voc.desk.cases import _EMAIL, apply_action
from voc.desk import documents
from voc.desk.templates import Draft, render
from voc.mail import outbox
from voc.clock import format_local, from_db, local, to_db, utcnow
from voc.errors import ConflictError, NotFound, ValidationError
from voc.desk.lifecycle import Action
from voc.model import Case, Delivery, Letter, LetterDelivery, LetterKind, Status
from voc.plaintext import clean_text, fold
from voc.store.dialect import CONFLICT_ERRORS, wait_for_row_locks

MAX_LETTER_CHARS = 20_000


def draft_letter(case: Case, kind: LetterKind, meeting_at: datetime | None = None,
                 meeting_place: str | None = None) -> Draft:
    """A first draft of a reply letter or invitation for staff to edit before issuing."""
    values = _meeting_values(meeting_at, meeting_place)
    return render(kind.value, case, meeting_local=values["thoi gian"], meeting_place=values["dia diem"],
                  complaint_summary=reply_check.SUMMARY_SLOT)


# --- The meeting lines of an invitation --------------------------------------------------------
# The invitation template states the meeting as "- Thời gian: …" and "- Địa điểm: …" lines. They must
# say what the letter records in meeting_at / meeting_place: `with_meeting` rewrites them from the
# fields (keeping every other edit) and issuing refuses a body whose lines disagree.

_LABELLED_LINE = re.compile(r"^(?P<lead>[ \t]*[-•*+]?[ \t]*)(?P<label>[^:\n]{2,20}?)[ \t]*:[ \t]*(?P<value>.*)$",
                            re.MULTILINE)
_MEETING_LINE_LABELS = {"thoi gian": "Thời gian", "dia diem": "Địa điểm"}   # folded label -> as written


def _meeting_values(meeting_at: datetime | None, meeting_place: str | None) -> dict[str, str]:
    return {"thoi gian": format_local(meeting_at) if meeting_at else "[thời gian]",
            "dia diem": clean_text(meeting_place) or "[địa điểm]"}


def with_meeting(body: str, meeting_at: datetime | None, meeting_place: str | None) -> str:
    """`body` with its "Thời gian:" and "Địa điểm:" lines set to the meeting fields; all else unchanged."""
    wanted = _meeting_values(meeting_at, meeting_place)

    def swap(match: re.Match) -> str:
        key = fold(match["label"])
        return f"{match['lead']}{match['label']}: {wanted[key]}" if key in wanted else match[0]

    return _LABELLED_LINE.sub(swap, body or "")


def _same(written: str, wanted: str) -> bool:
    squeeze = lambda text: " ".join(text.split()).rstrip(" .;,").casefold()  # noqa: E731
    return squeeze(written) == squeeze(wanted)


def _meeting_line_problem(body: str, meeting_at: datetime, meeting_place: str) -> ValidationError | None:
    wanted = _meeting_values(meeting_at, meeting_place)
    written: dict[str, list[str]] = {key: [] for key in wanted}
    for match in _LABELLED_LINE.finditer(body):
        key = fold(match["label"])
        if key in written:
            written[key].append(match["value"].strip())
    for key, label in _MEETING_LINE_LABELS.items():
        if not written[key]:
            return ValidationError(f"Nội dung giấy mời cần có dòng “- {label}: {wanted[key]}” đúng với "
                                   "thời gian và địa điểm hẹn đã chọn.", "body")
        for value in written[key]:
            if not _same(value, wanted[key]):
                return ValidationError(
                    f"Nội dung giấy mời ghi {label.lower()} “{value}”, khác với {label.lower()} hẹn đã chọn "
                    f"“{wanted[key]}”. Hãy sửa dòng “{label}:” trong thư (hoặc chọn lại) để hai nơi khớp nhau "
                    "trước khi phát hành.", "body")
    return None


def format_doc_number(number: int, year: int, kind: LetterKind) -> str:
    """Số văn bản: 00012/2026/TL-CSKH for a reply letter, .../GM-CSKH for an invitation."""
    suffix = "TL-CSKH" if kind is LetterKind.REPLY else "GM-CSKH"
    return f"{number:05d}/{year}/{suffix}"


# --- The outgoing register (sổ công văn đi) -----------------------------------------------------
# One register per year for replies and invitations alike (the suffix tells the kind): numbers run
# 1, 2, 3 ... within a year, taken from letter_counters in the issuing transaction, so a rolled-back
# issue gives its number back. A year's counter starts from the highest number already issued in it.

_SEED_COUNTER = """
INSERT INTO letter_counters (year, last_number)
SELECT $year, coalesce(max(TRY_CAST(split_part(doc_number, '/', 1) AS BIGINT)), 0) FROM letters
WHERE split_part(doc_number, '/', 2) = $year::VARCHAR
ON CONFLICT (year) DO NOTHING
"""


# How long a letter waits for the register while other processes' letters hold it (each holds it to the end
# of its issue, PDF included, well under a second unless the machine is overloaded): a wait, not a conflict.
REGISTER_WAIT_S = 20


def reserve_doc_numbers(cur, years: Sequence[int]) -> list[int]:
    """The register's next numbers, one for each entry of `years` and in that order, inside `cur`'s transaction.

    Every writer of letter_counters goes through here: DuckDB 2.0 reports two transactions updating the
    same row (TransactionException) only when both use the same form of UPDATE, here the one with RETURNING.
    """
    start: dict[int, int] = {}
    wait_for_row_locks(cur, REGISTER_WAIT_S)      # other processes' letters take their numbers in turn
    for year, count in Counter(years).items():
        if not cur.execute("SELECT count(*) FROM letter_counters WHERE year = ?", [year]).fetchone()[0]:
            cur.execute(_SEED_COUNTER, {"year": year})
        last = cur.execute("UPDATE letter_counters SET last_number = last_number + ? WHERE year = ? "
                           "RETURNING last_number", [count, year]).fetchone()[0]
        start[year] = last - count
    numbers = []
    for year in years:
        start[year] += 1
        numbers.append(start[year])
    return numbers


def _doc_number(cur, kind: LetterKind, at: datetime) -> str:
    year = local(at).year
    return format_doc_number(reserve_doc_numbers(cur, [year])[0], year, kind)


def letter_problems(kind: LetterKind, subject: str, body: str, meeting_at: datetime | None,
                    meeting_place: str | None, at: datetime) -> Iterator[ValidationError]:
    """Every reason the letter cannot be issued as it is, most basic first."""
    subject, body = subject or "", body or ""
    if not subject.strip():
        yield ValidationError("Vui lòng nhập trích yếu (tiêu đề) của thư.", "subject")
    if not body.strip():
        yield ValidationError("Nội dung thư không được để trống.", "body")
        return
    if len(body) > MAX_LETTER_CHARS or len(subject) > 500:
        yield ValidationError(f"Thư quá dài (tối đa {MAX_LETTER_CHARS:,} ký tự).".replace(",", "."), "body")
    if "[" in body and "]" in body and any(p in body for p in ("[nêu", "[thời gian]", "[địa điểm]")):
        yield ValidationError("Thư còn chỗ trống của mẫu trong ngoặc vuông [...]: hãy điền trước khi phát hành.", "body")
    if reply_check.unfilled_summary_slot(body):
        yield ValidationError(reply_check.SUMMARY_SLOT_MESSAGE, "body")
    if kind is LetterKind.INVITATION:
        if meeting_at is None or not (meeting_place or "").strip():
            yield ValidationError("Giấy mời cần ghi rõ thời gian và địa điểm làm việc.", "meeting_at")
            return
        if meeting_at <= at:
            yield ValidationError("Thời gian hẹn làm việc phải sau thời điểm phát hành giấy mời.", "meeting_at")
        problem = _meeting_line_problem(body, meeting_at, meeting_place)
        if problem:
            yield problem


def validate_letter(kind: LetterKind, subject: str, body: str, meeting_at: datetime | None,
                    meeting_place: str | None, at: datetime) -> None:
    for problem in letter_problems(kind, subject, body, meeting_at, meeting_place, at):
        raise problem


# Findings of the reply checker that hold for an invitation too (a plan to fix, owning the situation
# and the reply template's wording are a reply's business, not an invitation's).
INVITATION_CHECKS = frozenset({"late", "too_long", "excuse", "no_thanks"})


def check_invitation(db, ticket_code: str, subject: str, body: str, meeting_at: datetime | None,
                     meeting_place: str | None, *, writer: str | None = None) -> list[reply_check.Finding]:
    """"Kiểm tra" on an invitation: what would stop it being issued, then the reply checklist's points
    that apply to any letter to a customer. An empty list means ready to issue."""
    blocking = [reply_check.Finding("cannot_issue", str(p), None, "high")
                for p in letter_problems(LetterKind.INVITATION, subject, body, meeting_at, meeting_place,
                                         utcnow())]
    result = reply_check.check_draft(db, body, ticket_code=ticket_code, writer=writer)
    return blocking + [f for f in result.findings if f.code in INVITATION_CHECKS]


def suggested_delivery(case: Case, method: LetterDelivery | None = None) -> Delivery:
    """What the composer offers: by e-mail when the customer gave an address, else by post, else in person;
    the recipient from the case's contacts."""
    c = case.customer
    method = method or (LetterDelivery.EMAIL if c.email else LetterDelivery.POST if c.address
                        else LetterDelivery.IN_PERSON)
    recipient = {LetterDelivery.EMAIL: c.email, LetterDelivery.POST: c.address, LetterDelivery.IN_PERSON: c.name}
    return Delivery(method, recipient[method] or "")


def validate_delivery(delivery: Delivery | None, case: Case, at: datetime) -> Delivery:
    """The delivery as stored: recipient trimmed, time filled in (the issue moment unless given)."""
    if delivery is None or not isinstance(delivery.method, LetterDelivery):
        raise ValidationError("Vui lòng chọn cách gửi thư cho khách hàng (email, bưu điện hoặc trao tận tay).",
                              "delivery_method")
    recipient = clean_text(delivery.recipient)
    if not recipient:
        raise ValidationError(f"Vui lòng nhập {delivery.method.recipient_label.lower()}.", "delivery_recipient")
    if len(recipient) > 500:
        raise ValidationError("Thông tin người nhận quá dài (tối đa 500 ký tự).", "delivery_recipient")
    if delivery.method is LetterDelivery.EMAIL and not _EMAIL.match(recipient):
        raise ValidationError(f"Địa chỉ email nhận thư không hợp lệ: “{recipient}”.", "delivery_recipient")
    when = delivery.at or at
    if delivery.method is LetterDelivery.EMAIL and when != at:
        raise ValidationError("Thư gửi qua email được chuyển vào hộp thư đi ngay khi phát hành; "
                              "không nhập thời điểm gửi.", "delivery_at")
    if when > at:
        raise ValidationError("Thời điểm gửi thư không thể sau thời điểm phát hành (ghi nhận sau khi đã gửi).",
                              "delivery_at")
    if when < case.round_opened_at:
        raise ValidationError(f"Thời điểm gửi thư không thể trước khi mở lần giải quyết này "
                              f"({format_local(case.round_opened_at)}).", "delivery_at")
    return Delivery(delivery.method, recipient, when)


# Hooks run inside the issuing transaction after the letter row exists and the case has moved on,
# each as hook(cur, case, letter): e.g. the outbox queueing an e-mail letter with its PDF (issue #11).
_after_issue_hooks: list[Callable] = []


def letter_file_name(letter: Letter) -> str:
    """The PDF's file name as the customer receives it: "Thu-tra-loi-00012-2026.pdf"."""
    kind = "Thu-tra-loi" if letter.kind is LetterKind.REPLY else "Giay-moi"
    return f"{kind}-{letter.doc_number.split('/')[0]}-{letter.issued_at.year}.pdf"


def on_issue(hook: Callable) -> Callable:
    _after_issue_hooks.append(hook)
    return hook


def _after_issue(cur, actor: Actor, case: Case, letter: Letter, at: datetime) -> None:
    """The letter has left (or, by e-mail, is handed to the outbox): the case waits for the customer's answer.

    This is the one place where a sent letter has consequences. For LetterDelivery.EMAIL the mail with
    the letter's PDF is queued in the outbox here, in this same transaction: if issuing fails, no mail.
    """
    if letter.delivery.method is LetterDelivery.EMAIL:
        outbox.queue_letter_mail(cur, case, letter, documents.letter_pdf(letter, case), letter_file_name(letter),
                                 letter.delivery.recipient, outbox.default_domain(), actor, at=at)
    if case.status is Status.REPLIED:
        case = apply_action(cur, actor, case, Action.AWAIT_CUSTOMER, at,
                            note=f"{letter.kind.label} số {letter.doc_number} đã gửi: {letter.delivery.method.label}")
    for hook in _after_issue_hooks:
        hook(cur, case, letter)


ISSUE_ATTEMPTS = 3
NUMBER_BUSY_MESSAGE = ("Sổ công văn đi đang được cấp số cho thư khác cùng lúc nên thư chưa được phát hành. "
                       "Vui lòng bấm phát hành lại.")


def issue_letter(db, actor: Actor, ticket_code: str, kind: LetterKind, subject: str, body: str, *,
                 delivery: Delivery, meeting_at: datetime | None = None, meeting_place: str | None = None,
                 supersedes: int | None = None, expected_version: int | None = None,
                 at: datetime | None = None) -> Letter:
    """R6/R9: issue a reply letter or invitation with its number in the outgoing register, record how it
    was sent, and move the case on: the first letter of a round stops its reply clock (verifying ->
    replied) and, the letter being sent, the case awaits the customer's answer. One transaction."""
    at = at or utcnow()
    validate_letter(kind, subject, body, meeting_at, meeting_place, at)
    attempts = ISSUE_ATTEMPTS
    while True:
        try:
            return _issue(db, actor, ticket_code, kind, subject, body, delivery, meeting_at, meeting_place,
                          supersedes, expected_version, at)
        except CONFLICT_ERRORS as error:   # two issues took the year's counter at once
            attempts -= 1
            if not attempts:
                raise ConflictError(NUMBER_BUSY_MESSAGE) from error


def _issue(db, actor: Actor, ticket_code: str, kind: LetterKind, subject: str, body: str, delivery: Delivery,
           meeting_at: datetime | None, meeting_place: str | None, supersedes: int | None,
           expected_version: int | None, at: datetime) -> Letter:
    with db.transaction() as cur:
        case = case_store.get_case(cur, ticket_code)
        if expected_version is not None and case.version != expected_version:
            raise ConflictError(case_store.CONFLICT_MESSAGE)
        delivery = validate_delivery(delivery, case, at)
        replaced = None
        if supersedes is not None:
            replaced = _get(cur, supersedes, case.id)
            if replaced is None:
                raise NotFound("Không tìm thấy thư cần thay thế trong hồ sơ này.")
            if replaced.is_superseded:
                raise ValidationError(f"Thư số {replaced.doc_number} đã bị thay thế bởi thư số "
                                      f"{replaced.superseded_by_number}; hãy chọn thư thay thế mới nhất.", "supersedes")
        changes: dict = {}
        if case.round_replied_at is None:
            changes["round_replied_at"] = at
        if case.round == 1 and case.first_reply_at is None:
            changes["first_reply_at"] = at
        doc_number = _doc_number(cur, kind, at)
        letter_id = cur.execute(
            "INSERT INTO letters (case_id, round, kind, doc_number, subject, body, meeting_at, meeting_place, "
            "issued_at, issued_by, supersedes, delivery_method, delivery_recipient, delivered_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            [case.id, case.round, kind.value, doc_number, subject.strip(), body.strip(), to_db(meeting_at),
             (meeting_place or "").strip() or None, to_db(at), actor.username, supersedes,
             delivery.method.value, delivery.recipient, to_db(delivery.at)],
        ).fetchone()[0]
        replaces = f" (thay thế thư số {replaced.doc_number})" if replaced else ""
        case = apply_action(cur, actor, case, Action.ISSUE_LETTER, at, changes,
                            note=f"{kind.label} số {doc_number}{replaces}")
        record_event(cur, actor.username, "letter", letter_id, "issued", None,
                     {"case_id": case.id, "kind": kind, "doc_number": doc_number, "round": case.round,
                      "supersedes": replaced.doc_number if replaced else None,
                      "delivery": {"method": delivery.method, "recipient": delivery.recipient,
                                   "at": delivery.at.isoformat()}}, at=at)
        if kind is LetterKind.REPLY:
            reply_check.score_letters(cur, [letter_id])  # the QA queue and staff metrics read this score
        letter = _get(cur, letter_id, case.id)
        _after_issue(cur, actor, case, letter, at)
        return letter


_LETTER_COLUMNS = ("l.id, l.case_id, l.round, l.kind, l.doc_number, l.subject, l.body, l.meeting_at, "
                   "l.meeting_place, l.issued_at, l.issued_by, l.supersedes, "
                   "(SELECT o.doc_number FROM letters o WHERE o.id = l.supersedes), "
                   "(SELECT n.doc_number FROM letters n WHERE n.supersedes = l.id ORDER BY n.issued_at, n.id LIMIT 1), "
                   "l.delivery_method, l.delivery_recipient, l.delivered_at")


def _row_to_letter(r: tuple) -> Letter:
    delivery = Delivery(LetterDelivery(r[14]), r[15], from_db(r[16])) if r[14] else None
    return Letter(r[0], r[1], r[2], LetterKind(r[3]), r[4], r[5], r[6], from_db(r[7]), r[8], from_db(r[9]),
                  r[10], r[11], r[12], r[13], delivery)


def _get(cur, letter_id: int, case_id: int) -> Letter | None:
    row = cur.execute(f"SELECT {_LETTER_COLUMNS} FROM letters l WHERE l.id = ? AND l.case_id = ?",
                      [letter_id, case_id]).fetchone()
    return _row_to_letter(row) if row else None


def letters_of(cur, case_id: int, reader: Actor | None = None) -> list[Letter]:
    """The case's letters, oldest first; for a `reader`, as their role may read them (contacts masked)."""
    rows = cur.execute(f"SELECT {_LETTER_COLUMNS} FROM letters l WHERE l.case_id = ? ORDER BY l.issued_at, l.id",
                       [case_id]).fetchall()
    return [letter_for(reader, _row_to_letter(r)) if reader else _row_to_letter(r) for r in rows]
