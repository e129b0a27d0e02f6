"""The case's timeline and story (voc/insight/timeline.py): when each thing happened and when and by whom it was
entered (R11, issue #14 item 8), and customers' contacts in the free text masked for roles that may not see them
(item 14)."""
from __future__ import annotations

from datetime import timedelta

from tests.conftest import BY_EMAIL, make_draft
from voc.clock import format_local, local_date, utcnow
from voc.desk import cases, letters, root_causes
from voc.insight import timeline
from voc.model import Channel, LetterKind, RootCauseCategory

REACHED = "KH báo đã gửi thư qua email an.nguyen@icloud.com, gọi lại số 0912.345.678 giúp"
BODY = ("Kính gửi Quý khách,\nChúng tôi đã thay ổ đĩa máy chủ và sẽ theo dõi đến ngày 30/11. "
        "Mọi thắc mắc xin gọi 0987 654 321 hoặc viết cho an.nguyen@icloud.com.")


def hotline_case(db, staff, hours_ago: float = 3):
    """A hotline call taken `hours_ago` and entered now (the form's call time, back-dated)."""
    call = utcnow().replace(microsecond=0) - timedelta(hours=hours_ago)
    draft = make_draft(channel=Channel.HOTLINE, event_date=local_date(call) - timedelta(days=1))
    return cases.receive(db, staff, draft, received_at=call, details={"call_time": call.isoformat()}), call


def test_a_back_dated_call_shows_the_call_time_and_when_and_by_whom_it_was_entered(db, staff):
    case, call = hotline_case(db, staff)
    before = utcnow()
    cases.start_verification(db, staff, case.ticket_code)
    received, verifying = timeline.case_timeline(db, staff, case.ticket_code)
    assert received.event.action == "received"
    assert received.happened_at == call
    assert received.recorded_at is not None and received.recorded_at - call > timedelta(hours=2)
    assert received.recorded == f"{format_local(received.recorded_at)} — lan"   # the one who entered it
    # an action recorded as it happens shows one time only
    assert verifying.happened_at >= before and verifying.recorded_at is None and verifying.recorded == ""


def test_events_from_before_the_recorded_column_show_one_time(db, staff):
    case, call = hotline_case(db, staff)
    with db.transaction() as cur:
        cur.execute("UPDATE events SET recorded_at = NULL")   # as migration 014 leaves older events
    [received] = timeline.case_timeline(db, staff, case.ticket_code)
    assert received.happened_at == call and received.recorded_at is None


def resolved_case_with_notes(db, staff):
    case, _ = hotline_case(db, staff)
    code = case.ticket_code
    cases.start_verification(db, staff, code, note=REACHED)
    letters.issue_letter(db, staff, code, LetterKind.REPLY, "Trả lời khiếu nại — KH 0912345678", BODY,
                         delivery=BY_EMAIL)
    cases.record_agreement(db, staff, code)
    cases.record_followup(db, staff, code, 4, "Đã gọi +84 912 345 678, khách hài lòng")
    root_causes.record_root_cause(db, staff, code, RootCauseCategory.PROCESS, "Không gọi lại 84-912-345-678 kịp")
    return code


def story_text(story: timeline.CaseStory) -> str:
    parts = [f"{e.event.note} {e.event.after}" for e in story.events]
    parts += [f"{l.subject} {l.body} {l.delivery.recipient}" for l in story.letters]
    parts += [f.note or "" for f in story.followups]
    return "\n".join(parts)


def test_the_story_masks_contacts_in_free_text_for_qa_only(db, staff, qa, manager):
    code = resolved_case_with_notes(db, staff)
    with db.cursor() as cur:
        for_qa = story_text(timeline.case_story(cur, code, qa))
        for_manager = story_text(timeline.case_story(cur, code, manager))
    for contact in ("an.nguyen@icloud.com", "0912.345.678", "0987 654 321", "0912345678", "+84 912 345 678",
                    "an@example.com"):
        assert contact not in for_qa
        assert contact in for_manager
    assert "a•••@icloud.com" in for_qa and "•••••••678" in for_qa and "•••••••321" in for_qa
    assert "khách hài lòng" in for_qa and "Chúng tôi đã thay ổ đĩa máy chủ" in for_qa   # the rest is kept


def test_the_case_file_reads_masked_for_qa(db, staff, qa):
    code = resolved_case_with_notes(db, staff)
    entries = timeline.case_timeline(db, qa, code)
    shown = " ".join(f"{e.event.note} {e.event.after}" for e in entries)
    assert "an.nguyen@icloud.com" not in shown and "0912.345.678" not in shown and "a•••@icloud.com" in shown
    case = cases.load_case(db, qa, code)
    with db.cursor() as cur:
        [followup] = cases.followups_of(cur, case.id, qa)
        [letter] = letters.letters_of(cur, case.id, qa)
        cause = root_causes.root_cause_of(cur, case.id, qa)
        [raw_letter] = letters.letters_of(cur, case.id)
    assert followup.note == "Đã gọi ••••••••678, khách hài lòng"
    assert "0987 654 321" not in letter.body and letter.delivery.recipient == "a•••@example.com"
    assert cause.cause == "Không gọi lại ••••••••678 kịp"
    assert raw_letter.body == BODY   # the stored letter itself is unchanged
