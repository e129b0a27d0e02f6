"""Letters on a real DuckDB file: the outgoing register, superseding, the invitation's meeting lines,
and how an issued letter was sent (issue #14)."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from tests.conftest import BY_EMAIL, MONDAY_0910, make_draft
from voc.desk import cases, documents, letters
from voc.store import db as db_module
from voc.store.audit import events_for
from voc.clock import local_date, utcnow
from voc.store.db import Database
from voc.errors import ConflictError, ValidationError
from voc.model import Delivery, LetterDelivery, LetterKind, Status

BODY = "Cảm ơn Quý khách. Chúng tôi đã thay ổ đĩa và sẽ theo dõi đến 17:00 ngày 30/11/2026."
PLACE = "Phòng tiếp khách, tầng 5, 169 Nguyễn Ngọc Vũ"


def verifying(db, staff, at=MONDAY_0910, **changes):
    case = cases.receive(db, staff, make_draft(**changes), received_at=at)
    return cases.start_verification(db, staff, case.ticket_code, at=at)


def reply(db, staff, case, at, body=BODY, delivery=BY_EMAIL, **kw):
    return letters.issue_letter(db, staff, case.ticket_code, LetterKind.REPLY, "Trả lời khiếu nại", body,
                                delivery=delivery, at=at, **kw)


def invite(db, staff, case, at, meeting_at, body=None, place=PLACE, **kw):
    body = body or letters.draft_letter(case, LetterKind.INVITATION, meeting_at, place).body
    return letters.issue_letter(db, staff, case.ticket_code, LetterKind.INVITATION, "Giấy mời làm việc", body,
                                delivery=BY_EMAIL, meeting_at=meeting_at, meeting_place=place, at=at, **kw)


def count(db, sql, params=()):
    with db.cursor() as cur:
        return cur.execute(sql, list(params)).fetchone()[0]


# --- Item 5: the outgoing register ------------------------------------------------------------

def test_numbers_are_consecutive_per_year_for_both_kinds(db, staff):
    t = MONDAY_0910
    a, b = verifying(db, staff), verifying(db, staff)
    numbers = [reply(db, staff, a, t + timedelta(hours=1)).doc_number,
               invite(db, staff, b, t + timedelta(hours=2), t + timedelta(days=2)).doc_number,
               reply(db, staff, b, t + timedelta(hours=3)).doc_number,
               reply(db, staff, a, t + timedelta(hours=4)).doc_number]
    assert numbers == ["00001/2026/TL-CSKH", "00002/2026/GM-CSKH", "00003/2026/TL-CSKH", "00004/2026/TL-CSKH"]
    # A new year (local time: 31/12 23:30 UTC is already 1 January in Hà Nội) starts again at 1.
    new_year = datetime(2026, 12, 31, 23, 30, tzinfo=timezone.utc)
    c = verifying(db, staff, at=new_year - timedelta(hours=1))
    assert reply(db, staff, c, new_year).doc_number == "00001/2027/TL-CSKH"
    d = verifying(db, staff, at=new_year)
    assert reply(db, staff, d, new_year + timedelta(hours=1)).doc_number == "00002/2027/TL-CSKH"


def test_a_refused_issue_takes_no_number(db, staff):
    case = verifying(db, staff)
    reply(db, staff, case, MONDAY_0910 + timedelta(hours=1))
    with pytest.raises(ValidationError):          # refused inside the transaction, after the case was read
        reply(db, staff, case, MONDAY_0910 + timedelta(hours=2), delivery=Delivery(LetterDelivery.EMAIL, "không-hợp-lệ"))
    assert reply(db, staff, case, MONDAY_0910 + timedelta(hours=3)).doc_number == "00002/2026/TL-CSKH"


def test_counter_continues_from_numbers_issued_before_the_migration(tmp_path, staff, monkeypatch):
    """A file from before migration 007 numbered letters from the row-id sequence: they keep their
    numbers and each year's register goes on after its highest one."""
    every = db_module.available_migrations()
    monkeypatch.setattr(db_module, "available_migrations", lambda: [m for m in every if m[0] != 7])
    old = Database(tmp_path / "old.duckdb")
    with old.transaction() as cur:
        for n, number in enumerate(("00003/2026/TL-CSKH", "00007/2026/GM-CSKH", "00005/2025/TL-CSKH"), 1):
            cur.execute("INSERT INTO letters (case_id, round, kind, doc_number, subject, body, issued_at, issued_by) "
                        "VALUES (99, 1, 'reply', ?, 's', 'b', ?, 'lan')", [number, datetime(2026, 1, n)])
    old.close()
    monkeypatch.undo()
    db = Database(tmp_path / "old.duckdb")
    try:
        with db.cursor() as cur:
            assert cur.execute("SELECT year, last_number FROM letter_counters ORDER BY year").fetchall() == [
                (2025, 5), (2026, 7)]
        case = verifying(db, staff)
        assert reply(db, staff, case, MONDAY_0910 + timedelta(hours=1)).doc_number == "00008/2026/TL-CSKH"
        assert count(db, "SELECT count(*) FROM letters WHERE doc_number = '00003/2026/TL-CSKH'") == 1
    finally:
        db.close()


def test_a_year_without_a_counter_starts_after_its_highest_letter(db, staff):
    with db.transaction() as cur:   # e.g. written by another tool without the register
        cur.execute("INSERT INTO letters (case_id, round, kind, doc_number, subject, body, issued_at, issued_by) "
                    "VALUES (99, 1, 'reply', '00041/2026/TL-CSKH', 's', 'b', ?, 'lan')", [datetime(2026, 3, 1)])
    case = verifying(db, staff)
    assert reply(db, staff, case, MONDAY_0910 + timedelta(hours=1)).doc_number == "00042/2026/TL-CSKH"


def test_concurrent_use_of_the_counter_is_a_clear_conflict_and_saves_nothing(db, staff):
    case = verifying(db, staff)
    reply(db, staff, case, MONDAY_0910 + timedelta(hours=1))
    with db.cursor() as other:
        other.begin()
        assert letters.reserve_doc_numbers(other, [2026]) == [2]    # another issue, not yet committed
        with pytest.raises(ConflictError) as error:
            reply(db, staff, case, MONDAY_0910 + timedelta(hours=2))
        other.rollback()
    assert str(error.value) == letters.NUMBER_BUSY_MESSAGE
    assert count(db, "SELECT count(*) FROM letters") == 1
    assert reply(db, staff, case, MONDAY_0910 + timedelta(hours=3)).doc_number == "00002/2026/TL-CSKH"


def test_superseding_names_the_number_and_marks_the_old_letter(db, staff):
    case = verifying(db, staff)
    first = reply(db, staff, case, MONDAY_0910 + timedelta(hours=1))
    second = reply(db, staff, case, MONDAY_0910 + timedelta(hours=2), body=BODY + " Đính chính ngày hoàn tất.",
                   supersedes=first.id)
    assert second.supersedes_number == first.doc_number
    with db.cursor() as cur:
        old, new = letters.letters_of(cur, case.id)
    assert old.is_superseded and old.superseded_by_number == second.doc_number
    assert not new.is_superseded and new.supersedes_number == first.doc_number
    notes = [e.note for e in events_for_case(db, case) if e.action == "issue_letter"]
    assert notes[-1] == f"Thư trả lời số {second.doc_number} (thay thế thư số {first.doc_number})"
    assert all(f"#{first.id}" not in (n or "") for n in notes)
    text = documents.letter_layout(new, case)
    assert text.preface == f"Thư này thay thế thư số {first.doc_number}."
    with pytest.raises(ValidationError) as error:    # replace the newest letter, not one already replaced
        reply(db, staff, case, MONDAY_0910 + timedelta(hours=3), supersedes=first.id)
    assert f"đã bị thay thế bởi thư số {second.doc_number}" in str(error.value)


def events_for_case(db, case):
    with db.cursor() as cur:
        return events_for(cur, "case", case.id)


# --- Item 2: the invitation's meeting lines ----------------------------------------------------

def test_invitation_whose_text_gives_another_time_is_refused(db, staff):
    case = verifying(db, staff)
    drafted_for = MONDAY_0910 + timedelta(days=1)           # drafted for Tuesday ...
    body = letters.draft_letter(case, LetterKind.INVITATION, drafted_for, PLACE).body
    moved_to = MONDAY_0910 + timedelta(days=3)              # ... then the field moved to Thursday
    with pytest.raises(ValidationError) as error:
        invite(db, staff, case, MONDAY_0910 + timedelta(hours=1), moved_to, body=body)
    message = str(error.value)
    assert "09:10 24/11/2026" in message and "09:10 26/11/2026" in message and "khác với" in message
    assert count(db, "SELECT count(*) FROM letters") == 0
    assert cases.load_case(db, staff, case.ticket_code).status is Status.VERIFYING
    with pytest.raises(ValidationError) as error:           # place changed too
        invite(db, staff, case, MONDAY_0910 + timedelta(hours=1), drafted_for, body=body, place="Chi nhánh Đà Nẵng")
    assert "Chi nhánh Đà Nẵng" in str(error.value)


def test_meeting_lines_follow_the_fields_and_keep_other_edits(db, staff):
    case = verifying(db, staff)
    body = letters.draft_letter(case, LetterKind.INVITATION, None, None).body
    edited = body.replace("Khi đến,", "Quý khách có thể đi cùng kỹ thuật viên của mình. Khi đến,")
    meeting = MONDAY_0910 + timedelta(days=2)
    updated = letters.with_meeting(edited, meeting, PLACE)
    assert "- Thời gian: 09:10 25/11/2026" in updated and f"- Địa điểm: {PLACE}" in updated
    assert "Quý khách có thể đi cùng kỹ thuật viên của mình." in updated
    assert updated.replace("09:10 25/11/2026", "[thời gian]").replace(PLACE, "[địa điểm]") == edited
    letter = invite(db, staff, case, MONDAY_0910 + timedelta(hours=1), meeting, body=updated)
    assert letter.meeting_at == meeting and letter.body == updated.strip()


def test_invitation_without_its_meeting_lines_is_refused(db, staff):
    case = verifying(db, staff)
    with pytest.raises(ValidationError) as error:
        invite(db, staff, case, MONDAY_0910 + timedelta(hours=1), MONDAY_0910 + timedelta(days=2),
               body="Cảm ơn Quý khách. Mời Quý khách đến trao đổi vào tuần tới.")
    assert "Thời gian: 09:10 25/11/2026" in str(error.value)


def test_check_invitation_lists_what_stops_issuing(db, staff):
    now = utcnow()                       # the checker judges the 48 h clock as if issued now
    case = verifying(db, staff, at=now - timedelta(hours=1), event_date=local_date(now - timedelta(hours=1)))  # the day it was received
    meeting = now + timedelta(days=2)
    stale = letters.draft_letter(case, LetterKind.INVITATION, meeting - timedelta(days=1), PLACE).body
    findings = letters.check_invitation(db, case.ticket_code, "Giấy mời", stale, meeting, PLACE)
    assert [f.code for f in findings] == ["cannot_issue"] and "khác với" in findings[0].message_vi
    good = letters.with_meeting(stale, meeting, PLACE)
    assert letters.check_invitation(db, case.ticket_code, "Giấy mời", good, meeting, PLACE) == []
    excuse = good.replace("Khi đến,", "Sự cố do lỗi khách quan. Khi đến,")
    assert [f.code for f in letters.check_invitation(db, case.ticket_code, "Giấy mời", excuse, meeting,
                                                     PLACE)] == ["excuse"]
    late = verifying(db, staff, at=now - timedelta(hours=50), event_date=local_date(now) - timedelta(days=3))
    body = letters.draft_letter(late, LetterKind.INVITATION, meeting, PLACE).body
    assert [f.code for f in letters.check_invitation(db, late.ticket_code, "Giấy mời", body, meeting,
                                                     PLACE)] == ["late"]


# --- Item 11: how the letter was sent, and the case moves on ------------------------------------

def test_delivery_is_recorded_and_the_case_awaits_the_customer(db, staff):
    case = verifying(db, staff)
    at = MONDAY_0910 + timedelta(hours=3)
    letter = reply(db, staff, case, at, delivery=Delivery(LetterDelivery.EMAIL, "  an@example.com "))
    assert letter.delivery == Delivery(LetterDelivery.EMAIL, "an@example.com", at)
    after = cases.load_case(db, staff, case.ticket_code)
    assert after.status is Status.AWAITING_CUSTOMER and after.round_replied_at == at
    events = events_for_case(db, case)
    assert [e.action for e in events][-2:] == ["issue_letter", "await_customer"]
    assert events[-1].after == {"status": "awaiting_customer"} and events[-1].at == at
    with db.cursor() as cur:
        [issued] = events_for(cur, "letter", letter.id)
    assert issued.after["delivery"] == {"method": "email", "recipient": "an@example.com", "at": at.isoformat()}
    # A second letter of the round, handed over at the branch a little before it was recorded.
    handed = at + timedelta(hours=1)
    second = reply(db, staff, case, at + timedelta(hours=2), body=BODY + " Bổ sung.",
                   delivery=Delivery(LetterDelivery.IN_PERSON, "Nguyễn Văn An", handed))
    assert second.delivery == Delivery(LetterDelivery.IN_PERSON, "Nguyễn Văn An", handed)
    assert cases.load_case(db, staff, case.ticket_code).status is Status.AWAITING_CUSTOMER
    with db.cursor() as cur:
        assert [l.delivery.method for l in letters.letters_of(cur, case.id)] == [LetterDelivery.EMAIL,
                                                                                 LetterDelivery.IN_PERSON]


@pytest.mark.parametrize("delivery, words", [
    (None, "cách gửi thư"),
    (Delivery(LetterDelivery.POST, "  "), "địa chỉ nhận thư"),
    (Delivery(LetterDelivery.EMAIL, "an@"), "không hợp lệ"),
    (Delivery(LetterDelivery.EMAIL, "an@example.com", MONDAY_0910 + timedelta(minutes=30)), "ngay khi phát hành"),
    (Delivery(LetterDelivery.POST, "12 Láng Hạ", MONDAY_0910 + timedelta(hours=2)), "sau thời điểm phát hành"),
    (Delivery(LetterDelivery.POST, "12 Láng Hạ", MONDAY_0910 - timedelta(hours=1)), "trước khi mở lần"),
])
def test_bad_delivery_is_refused_and_changes_nothing(db, staff, delivery, words):
    case = verifying(db, staff)
    with pytest.raises(ValidationError) as error:
        reply(db, staff, case, MONDAY_0910 + timedelta(hours=1), delivery=delivery)
    assert words in str(error.value)
    assert count(db, "SELECT count(*) FROM letters") == 0
    after = cases.load_case(db, staff, case.ticket_code)
    assert (after.status, after.version) == (Status.VERIFYING, case.version)


def test_after_issue_hooks_run_in_the_issuing_transaction(db, staff, monkeypatch):
    """The one place where the outbox will queue an e-mail letter: a failing hook undoes the whole issue."""
    seen = []

    def hook(cur, case, letter):
        seen.append((case.status, letter.delivery.method,
                     cur.execute("SELECT count(*) FROM letters WHERE id = ?", [letter.id]).fetchone()[0]))
        raise RuntimeError("outbox unavailable")

    monkeypatch.setattr(letters, "_after_issue_hooks", [hook])
    case = verifying(db, staff)
    with pytest.raises(RuntimeError):
        reply(db, staff, case, MONDAY_0910 + timedelta(hours=1))
    assert seen == [(Status.AWAITING_CUSTOMER, LetterDelivery.EMAIL, 1)]
    assert count(db, "SELECT count(*) FROM letters") == 0
    assert cases.load_case(db, staff, case.ticket_code).status is Status.VERIFYING


def test_suggested_delivery_uses_the_case_contacts(db, staff):
    from voc.model import Customer
    with_email = verifying(db, staff)
    assert letters.suggested_delivery(with_email) == Delivery(LetterDelivery.EMAIL, "an@example.com")
    assert letters.suggested_delivery(with_email, LetterDelivery.POST) == Delivery(LetterDelivery.POST,
                                                                                    "12 Láng Hạ, Hà Nội")
    phone_only = verifying(db, staff, customer=Customer("Lê Thị Bình", "0987654321"))
    assert letters.suggested_delivery(phone_only) == Delivery(LetterDelivery.IN_PERSON, "Lê Thị Bình")
