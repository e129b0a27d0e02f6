"""QA's review of issued replies (issue #14, item 26): marked reviewed with the reviewer, the time and a
comment to the writer; audited on the case; the queue filters reviewed / unreviewed and by writer.

Letters of tests.test_analytics.fill: 1 (case 1, lan, Hà Nội), 2 (case 5, lan), 3 (case 3, tuan, Đà Nẵng),
4 (case 2, lan); 5 is an invitation.
"""
from __future__ import annotations

from datetime import datetime, timezone

import pandas as pd
import pytest

from tests.insight.test_analytics import NOVEMBER, fill
from voc.insight import reply_queue
from voc.insight.timeline import event_label
from voc.desk import cases
from voc.text import reply_review
from voc.accounts.access import Actor, Role
from voc.store.audit import events_for
from voc.store.db import Database
from voc.errors import NotFound, PermissionDenied, ValidationError
from voc.text.reply_review import ReviewState

LAN = Actor("lan", Role.STAFF, "Hà Nội", "Nguyễn Thị Lan")
TUAN = Actor("tuan", Role.STAFF, "Đà Nẵng", "Trần Văn Tuấn")
AT = datetime(2026, 11, 25, 3, 0, tzinfo=timezone.utc)
COMMENT = "Nêu rõ ngày hoàn tất việc thay ổ đĩa; bỏ câu “do lỗi khách quan”."


@pytest.fixture
def filled(tmp_path):
    database = Database(tmp_path / "reviews.duckdb")
    fill(database)
    yield database
    database.close()


def queue(db, **kw) -> list[int]:
    with db.cursor() as cur:
        df, total = reply_queue.reply_queue(cur, NOVEMBER, **kw)
    assert total == len(df)
    return df["letter_id"].tolist()


def count(db, table: str) -> int:
    with db.cursor() as cur:
        return cur.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_mark_reviewed_records_reviewer_time_comment_and_audits_the_case(filled, qa):
    review = reply_review.mark_reviewed(filled, qa, 4, f"  {COMMENT}  ", at=AT)
    assert (review.letter_id, review.reviewer, review.comment) == (4, "qa1", COMMENT)
    with filled.cursor() as cur:
        row = cur.execute("SELECT letter_id, case_id, reviewer, reviewed_at, comment FROM reply_reviews").fetchall()
    assert row == [(4, 2, "qa1", AT.replace(tzinfo=None), COMMENT)]
    with filled.cursor() as cur:
        [event] = [e for e in events_for(cur, "case", 2) if e.action == reply_review.EVENT_ACTION]
    assert event.actor == "qa1" and event.after["letter_id"] == 4 and event.after["comment"] == COMMENT
    assert COMMENT in event.note and "00004/2026/TL-CSKH" in event.note
    # The writer reads it in the case file's timeline, named in Vietnamese.
    timeline = cases.timeline(filled, LAN, "KN-2026-000002")
    assert [event_label(e.action) for e in timeline if COMMENT in (e.note or "")] == ["Duyệt thư trả lời"]


def test_queue_filters_reviewed_unreviewed_and_writer(filled, qa, manager):
    assert queue(filled, review=ReviewState.UNREVIEWED) == [2, 3, 4, 1]
    reply_review.mark_reviewed(filled, qa, 4, COMMENT, at=AT)
    reply_review.mark_reviewed(filled, manager, 3, "", at=AT)
    assert queue(filled, review=ReviewState.UNREVIEWED) == [2, 1]
    assert queue(filled, review=ReviewState.REVIEWED) == [3, 4]
    assert queue(filled) == [2, 3, 4, 1]
    assert queue(filled, writer="lan") == [2, 4, 1]
    assert queue(filled, writer="lan", review=ReviewState.REVIEWED) == [4]
    with filled.cursor() as cur:
        df, _ = reply_queue.reply_queue(cur, NOVEMBER)
    shown = df.set_index("letter_id")
    assert shown.loc[4, ["reviews", "reviewer", "comment"]].tolist() == [1, "qa1", COMMENT]
    assert shown.loc[3, ["reviews", "reviewer"]].tolist() == [1, "ql1"] and pd.isna(shown.loc[3, "comment"])
    assert shown.loc[2, "reviews"] == 0 and shown.loc[4, "reviewed_at"].hour == 10  # shown in local time


def test_a_later_review_adds_to_the_history(filled, qa, manager):
    reply_review.mark_reviewed(filled, qa, 4, COMMENT, at=AT)
    reply_review.mark_reviewed(filled, manager, 4, "Đã xem lại, đồng ý với nhận xét trên.", at=AT)
    with filled.cursor() as cur:
        history = reply_review.reviews_of(cur, 4)
        df, _ = reply_queue.reply_queue(cur, NOVEMBER)
    assert [(r.reviewer, r.comment) for r in history] == [("qa1", COMMENT),
                                                          ("ql1", "Đã xem lại, đồng ý với nhận xét trên.")]
    assert df.set_index("letter_id").loc[4, ["reviews", "reviewer"]].tolist() == [2, "ql1"]


@pytest.mark.parametrize("who, letter, comment, error", [
    (LAN, 3, "", PermissionDenied),                      # staff do not review
    (Actor("lan", Role.ADMIN, None), 4, "", ValidationError),  # nobody reviews their own letter
    ("qa", 4, "x" * (reply_review.MAX_COMMENT_CHARS + 1), ValidationError),
    ("qa", 5, "", NotFound),                             # an invitation is not in the reply queue
    ("qa", 999, "", NotFound),
])
def test_refusals_save_nothing(filled, qa, who, letter, comment, error):
    actor = qa if who == "qa" else who
    events = count(filled, "events")
    with pytest.raises(error) as raised:
        reply_review.mark_reviewed(filled, actor, letter, comment, at=AT)
    assert str(raised.value)  # a Vietnamese message for the user
    assert count(filled, "reply_reviews") == 0 and count(filled, "events") == events


def test_open_letter_for_its_reviewer_and_its_writer(filled, qa):
    opened = reply_review.open_letter(filled, qa, 4)
    assert opened.may_review and opened.reviews == [] and opened.issued_by == "lan"
    assert "excuse" in opened.check.codes
    reply_review.mark_reviewed(filled, qa, 4, COMMENT, at=AT)
    seen_by_writer = reply_review.open_letter(filled, LAN, 4)
    assert not seen_by_writer.may_review
    assert [r.comment for r in seen_by_writer.reviews] == [COMMENT]
    with pytest.raises(PermissionDenied):
        reply_review.open_letter(filled, TUAN, 4)  # another branch's letter


def test_qa_read_the_reply_its_checked_sentences_and_comments_with_contacts_masked(db, staff, qa, manager):
    from tests.conftest import BY_EMAIL, make_draft
    from voc.clock import local_date, utcnow
    from voc.desk import letters
    from voc.insight.analytics import Filters
    from voc.model import LetterKind

    case = cases.receive(db, staff, make_draft(event_date=local_date(utcnow())))
    cases.start_verification(db, staff, case.ticket_code)
    body = ("Kính gửi Quý khách,\nDo lỗi khách quan nên website bị gián đoạn, chúng tôi đã gọi số 0912 345 678 "
            "và gửi thư tới an.nguyen@icloud.com.")
    letter = letters.issue_letter(db, staff, case.ticket_code, LetterKind.REPLY, "Trả lời", body, delivery=BY_EMAIL)
    reply_review.mark_reviewed(db, manager, letter.id, "Bỏ số 0912.345.678 khỏi thư")
    for_qa = reply_review.open_letter(db, qa, letter.id)
    quoted = [f.sentence for f in for_qa.check.findings if f.sentence and "lỗi khách quan" in f.sentence]
    assert quoted and all("0912 345 678" not in s for s in quoted)
    assert "0912 345 678" not in for_qa.body and "an.nguyen@icloud.com" not in for_qa.body
    assert "•••••••678" in for_qa.body and "a•••@icloud.com" in for_qa.body
    assert [r.comment for r in for_qa.reviews] == ["Bỏ số •••••••678 khỏi thư"]
    assert reply_review.open_letter(db, manager, letter.id).body == body
    df, _ = reply_queue.review_queue(db, Filters(), reader=qa)
    assert df["comment"].tolist() == ["Bỏ số •••••••678 khỏi thư"]
