"""Trả lời: the QA review queue of issued replies, with their stored check scores and latest reviews."""
from __future__ import annotations

from datetime import timedelta
from typing import Any

import pandas as pd

from voc.accounts.access import Actor
from voc.accounts.privacy import sees_contacts, text_for
from voc.clock import LOCAL_TZ
from voc.insight import replica
from voc.insight.analytics import Filters, fetch_df, filter_clause, local_midnight_utc
from voc.text.reply_review import ReviewState
from voc.store.dialect import CONFLICT_ERRORS


def reply_queue(cur, f: Filters, limit: int = 50, offset: int = 0, max_score: int | None = None, *,
                review: ReviewState = ReviewState.ALL, writer: str | None = None) -> tuple[pd.DataFrame, int]:
    """Issued reply letters, newest first, with their stored check score (NULL = not checked yet) and their
    latest review (reviews = how many, 0 = not reviewed yet).

    The period applies to the issue date; the other filters to the letter's case; `writer` keeps the
    replies one person issued.
    """
    params: dict[str, Any] = {}
    case_where = filter_clause(f.without_period(), params)
    where = "l.kind = 'reply'"
    if case_where != "true":
        where += f" AND l.case_id IN (SELECT c.id FROM cases c WHERE {case_where})"
    if f.start:
        params["l_from"] = local_midnight_utc(f.start)
        where += " AND l.issued_at >= $l_from"
    if f.end:
        params["l_to"] = local_midnight_utc(f.end + timedelta(days=1))
        where += " AND l.issued_at < $l_to"
    if review is not ReviewState.ALL:
        negate = "NOT " if review is ReviewState.UNREVIEWED else ""
        where += f" AND {negate}EXISTS (SELECT 1 FROM reply_reviews rr WHERE rr.letter_id = l.id)"
    if writer is not None:
        params["writer"] = writer
        where += " AND l.issued_by = $writer"
    scored = ""
    if max_score is not None:
        params["max_score"] = max_score
        scored = "JOIN reply_checks rs ON rs.letter_id = l.id AND rs.score <= $max_score"
    total, newest = cur.execute(
        f"SELECT count(*), max_by(l.id, l.issued_at, $n) FROM letters l {scored} WHERE {where}",
        {**params, "n": offset + limit}).fetchone()
    ids = (newest or [])[offset:offset + limit]
    df = fetch_df(cur, """
        SELECT l.id AS letter_id, l.doc_number, c.ticket_code, l.round, l.issued_at, l.issued_by, c.service,
               c.branch, rc.score, rc.codes, coalesce(rv.reviews, 0) AS reviews, rv.reviewer, rv.reviewed_at,
               rv.comment
        FROM letters l JOIN cases c ON c.id = l.case_id LEFT JOIN reply_checks rc ON rc.letter_id = l.id
        LEFT JOIN (SELECT letter_id, count(*) AS reviews, arg_max(reviewer, id) AS reviewer,
                          max(reviewed_at) AS reviewed_at, arg_max(comment, id) AS comment  -- latest non-empty
                   FROM reply_reviews WHERE list_contains($ids, letter_id) GROUP BY letter_id) rv
               ON rv.letter_id = l.id
        WHERE list_contains($ids, l.id) ORDER BY l.issued_at DESC, l.id DESC""", {"ids": ids})
    for column in ("issued_at", "reviewed_at"):
        df[column] = pd.to_datetime(df[column]).dt.tz_localize("UTC").dt.tz_convert(LOCAL_TZ)
    return df, total


def review_queue(db, f: Filters, limit: int = 50, offset: int = 0, max_score: int | None = None, *,
                 review: ReviewState = ReviewState.ALL, writer: str | None = None,
                 reader: Actor | None = None) -> tuple[pd.DataFrame, int]:
    """The review queue with a score for every letter shown: unchecked ones are checked and stored now.
    For a `reader`, the review comments as their role may read them (contacts masked)."""
    from voc.text import reply_check

    def query():
        with replica.reading(db, exact=True) as cur:     # a work list: what was just written shows
            return reply_queue(cur, f, limit, offset, max_score, review=review, writer=writer)

    df, total = query()
    missing = [int(i) for i in df.loc[df["score"].isna(), "letter_id"]]
    if missing:
        try:
            with db.transaction() as cur:
                reply_check.score_letters(cur, missing)
        except CONFLICT_ERRORS:
            pass  # another session stored them meanwhile
        df, total = query()
    if reader is not None and not sees_contacts(reader):
        df["comment"] = [text_for(reader, c) if isinstance(c, str) else c for c in df["comment"]]
    return df, total
