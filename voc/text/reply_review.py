"""QA's review of issued reply letters (Trả lời → Hàng đợi duyệt thư).

A reviewer opens a reply from the queue, reads it with its check result, and marks it reviewed with
an optional comment to its writer. Each review is a row of `reply_reviews` (migration 013), never
changed afterwards (R11), and an audit event on the letter's case, so the writer also reads the
comment in the case file's timeline. Nobody reviews their own letter.
"""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime
from enum import Enum

from voc.text import reply_check
from voc.accounts.access import Actor, Permission
from voc.accounts.privacy import sees_contacts, text_for
from voc.store.audit import record_event
from voc.clock import from_db, to_db, utcnow
from voc.errors import NotFound, PermissionDenied, ValidationError
from voc.model import LetterKind

MAX_COMMENT_CHARS = 2_000
EVENT_ACTION = "reply_reviewed"


class ReviewState(str, Enum):
    """The review queue's filter."""

    ALL = "all"
    UNREVIEWED = "unreviewed"
    REVIEWED = "reviewed"

    @property
    def label(self) -> str:
        return REVIEW_STATE_LABELS[self]


REVIEW_STATE_LABELS = {ReviewState.ALL: "Tất cả", ReviewState.UNREVIEWED: "Chưa duyệt",
                       ReviewState.REVIEWED: "Đã duyệt"}


@dataclass(frozen=True)
class Review:
    id: int
    letter_id: int
    reviewer: str
    reviewed_at: datetime
    comment: str | None


@dataclass(frozen=True)
class LetterUnderReview:
    """An issued reply as its reviewer (or its writer) reads it in the queue."""

    letter_id: int
    doc_number: str
    ticket_code: str
    issued_by: str
    issued_at: datetime
    body: str
    check: reply_check.ReplyCheck
    reviews: list[Review]
    may_review: bool  # the reader may add a review


@dataclass(frozen=True)
class _Reply:
    letter_id: int
    case_id: int
    doc_number: str
    issued_by: str
    issued_at: datetime
    body: str
    ticket_code: str
    branch: str | None


def may_review(actor: Actor, issued_by: str) -> bool:
    return actor.can(Permission.REVIEW_REPLIES) and actor.username != issued_by


def _reply(cur, actor: Actor, letter_id: int) -> _Reply:
    row = cur.execute(
        "SELECT l.id, l.case_id, l.doc_number, l.issued_by, l.issued_at, l.body, c.ticket_code, c.branch "
        "FROM letters l JOIN cases c ON c.id = l.case_id WHERE l.id = ? AND l.kind = ?",
        [letter_id, LetterKind.REPLY.value]).fetchone()
    if row is None:
        raise NotFound("Không tìm thấy thư trả lời này.")
    reply = _Reply(row[0], row[1], row[2], row[3], from_db(row[4]), row[5], row[6], row[7])
    if not actor.may_touch_branch(reply.branch):
        raise PermissionDenied("Bạn chỉ được xem thư trả lời của chi nhánh mình.")
    return reply


def reviews_of(cur, letter_id: int) -> list[Review]:
    return [Review(r[0], r[1], r[2], from_db(r[3]), r[4]) for r in cur.execute(
        "SELECT id, letter_id, reviewer, reviewed_at, comment FROM reply_reviews WHERE letter_id = ? ORDER BY id",
        [letter_id]).fetchall()]


def open_letter(db, actor: Actor, letter_id: int) -> LetterUnderReview:
    """A reply of the queue with its check result and its reviews so far."""
    with db.cursor() as cur:
        reply = _reply(cur, actor, letter_id)
        reviews = reviews_of(cur, letter_id)
    _, check = reply_check.check_stored_letter(db, letter_id)  # found: letters are never deleted
    if not sees_contacts(actor):  # the letter's text, the sentences the check quotes and the comments, masked
        check = replace(check, findings=[replace(f, sentence=text_for(actor, f.sentence)) for f in check.findings])
        reviews = [replace(r, comment=text_for(actor, r.comment)) for r in reviews]
    return LetterUnderReview(reply.letter_id, reply.doc_number, reply.ticket_code, reply.issued_by, reply.issued_at,
                             text_for(actor, reply.body), check, reviews, may_review(actor, reply.issued_by))


def mark_reviewed(db, actor: Actor, letter_id: int, comment: str = "", *, at: datetime | None = None) -> Review:
    """Record that `actor` reviewed the reply, with an optional comment to its writer; audited on its case."""
    actor.require(Permission.REVIEW_REPLIES)
    text = (comment or "").strip()
    if len(text) > MAX_COMMENT_CHARS:
        raise ValidationError(f"Nhận xét quá dài (tối đa {MAX_COMMENT_CHARS:,} ký tự).".replace(",", "."), "comment")
    at = at or utcnow()
    with db.transaction() as cur:
        reply = _reply(cur, actor, letter_id)
        if reply.issued_by == actor.username:
            raise ValidationError("Bạn không thể tự duyệt thư do chính mình viết: hãy để người khác duyệt.")
        review_id = cur.execute(
            "INSERT INTO reply_reviews (letter_id, case_id, reviewer, reviewed_at, comment) VALUES (?, ?, ?, ?, ?) "
            "RETURNING id", [letter_id, reply.case_id, actor.username, to_db(at), text or None]).fetchone()[0]
        record_event(cur, actor.username, "case", reply.case_id, EVENT_ACTION, None,
                     {"letter_id": letter_id, "doc_number": reply.doc_number, "review_id": review_id,
                      "comment": text or None},
                     note=f"Thư số {reply.doc_number}" + (f" — nhận xét cho {reply.issued_by}: {text}" if text else ""),
                     at=at)
    return Review(review_id, letter_id, actor.username, from_db(to_db(at)), text or None)
