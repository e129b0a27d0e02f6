"""Use cases on a real DuckDB file: intake, the whole procedure, audit events, errors that change nothing."""
import re
from datetime import date, timedelta

import pytest

from tests.conftest import BY_EMAIL, MONDAY_0910, make_draft
from voc.store import case_store
from voc.desk import cases, letters
from voc.store.audit import events_for
from voc.errors import ConflictError, InvalidTransition, PermissionDenied, ValidationError
from voc.model import Channel, Customer, IssueKind, LetterKind, ReferralBody, Status


def _events(db, case):
    with db.cursor() as cur:
        return events_for(cur, "case", case.id)


def _count(db, table):
    with db.cursor() as cur:
        return cur.execute(f"SELECT count(*) FROM {table}").fetchall()[0][0]


def test_receive_gives_unique_code_clocks_and_event(db, staff, draft):
    case = cases.receive(db, staff, draft, received_at=MONDAY_0910)
    assert re.fullmatch(r"KN-2026-\d{6}", case.ticket_code)
    assert case.status is Status.RECEIVED and case.round == 1
    assert case.reply_due_at == MONDAY_0910 + timedelta(hours=48)
    assert case.resolution_due_at == MONDAY_0910 + timedelta(days=20)
    assert case.staff == "lan" and case.branch == "Hà Nội"
    [event] = _events(db, case)
    assert (event.actor, event.action, event.after["status"]) == ("lan", "received", "received")
    other = cases.receive(db, staff, draft, received_at=MONDAY_0910)
    assert other.ticket_code != case.ticket_code


def test_ticket_codes_are_never_reused_after_a_failed_intake(db, staff, draft):
    first = cases.receive(db, staff, draft, received_at=MONDAY_0910)

    def boom(cur, case):
        raise RuntimeError("hook failed")

    cases.on_receive(boom)
    try:
        with pytest.raises(RuntimeError):
            cases.receive(db, staff, draft, received_at=MONDAY_0910)
    finally:
        cases._after_receive_hooks.remove(boom)
    second = cases.receive(db, staff, draft, received_at=MONDAY_0910)
    assert int(second.ticket_code[-6:]) > int(first.ticket_code[-6:]) + 1
    assert _count(db, "cases") == 2
    assert _count(db, "events") == 2  # the failed intake left neither a case nor an event


def test_same_intake_key_saves_once(db, staff, draft):
    a = cases.receive(db, staff, draft, intake_key="form-1", received_at=MONDAY_0910)
    b = cases.receive(db, staff, draft, intake_key="form-1", received_at=MONDAY_0910)
    assert a.ticket_code == b.ticket_code
    assert _count(db, "cases") == 1


@pytest.mark.parametrize("changes, field", [
    ({"customer": Customer("")}, "customer_name"),
    ({"customer": Customer("Lê Văn B")}, "contact"),
    ({"customer": Customer("Lê Văn B", email="khong-phai-email")}, "customer_email"),
    ({"content": "   "}, "content"),
    ({"request": ""}, "request"),
    ({"event_date": date(2026, 11, 24)}, "event_date"),   # the day after receipt
    ({"content": "x" * 50_001}, "content"),
])
def test_bad_intake_saves_nothing(db, staff, changes, field):
    with pytest.raises(ValidationError) as error:
        cases.receive(db, staff, make_draft(**changes), received_at=MONDAY_0910)
    assert error.value.field == field
    assert str(error.value)  # a Vietnamese message for the user
    assert _count(db, "cases") == 0 and _count(db, "events") == 0


def test_late_complaint_needs_a_reason(db, staff):
    late = make_draft(issue_kind=IssueKind.BUSINESS, event_date=date(2026, 10, 23))  # 31 days
    with pytest.raises(cases.LateComplaint) as error:
        cases.receive(db, staff, late, received_at=MONDAY_0910)
    assert error.value.days == 31 and error.value.limit == 30
    assert "quá thời hiệu" in str(error.value)
    assert _count(db, "cases") == 0
    case = cases.receive(db, staff, late, late_reason="Khách ở nước ngoài, có xác nhận", received_at=MONDAY_0910)
    assert case.late_complaint and case.late_reason == "Khách ở nước ngoài, có xác nhận"
    assert _events(db, case)[0].after["late_reason"] == "Khách ở nước ngoài, có xác nhận"
    on_time = cases.receive(db, staff, make_draft(issue_kind=IssueKind.BUSINESS, event_date=date(2026, 10, 24)),
                            received_at=MONDAY_0910)
    assert not on_time.late_complaint


def _reply(db, actor, case, at, kind=LetterKind.REPLY, delivery=BY_EMAIL, **kw):
    return letters.issue_letter(db, actor, case.ticket_code, kind, "Trả lời khiếu nại",
                                "Cảm ơn Quý khách. Chúng tôi đã khắc phục trước 17:00 ngày 25/11/2026.",
                                delivery=delivery, at=at, **kw)


def test_whole_procedure_with_second_round_and_referral(db, staff, draft):
    t = MONDAY_0910
    case = cases.receive(db, staff, draft, received_at=t)
    case = cases.start_verification(db, staff, case.ticket_code, at=t + timedelta(hours=1))
    letter = _reply(db, staff, case, t + timedelta(hours=20))
    case = cases.load_case(db, staff, case.ticket_code)   # sent, so awaiting the customer's answer
    assert case.status is Status.AWAITING_CUSTOMER and case.round_replied_at == t + timedelta(hours=20)
    assert case.first_reply_at == t + timedelta(hours=20)
    assert letter.doc_number.endswith("/2026/TL-CSKH")
    r2 = t + timedelta(days=3)
    case = cases.open_second_round(db, staff, case.ticket_code, at=r2, note="Khách chưa đồng ý mức bồi thường")
    assert (case.status, case.round) == (Status.VERIFYING, 2)
    assert case.reply_due_at == r2 + timedelta(hours=48)          # fresh clocks for round 2
    assert case.resolution_due_at == r2 + timedelta(days=20)
    assert case.round_replied_at is None and case.first_reply_at == t + timedelta(hours=20)
    meeting, place = r2 + timedelta(days=2), "Phòng tiếp khách, tầng 5"
    draft = letters.draft_letter(case, LetterKind.INVITATION, meeting, place)
    invitation = letters.issue_letter(db, staff, case.ticket_code, LetterKind.INVITATION, draft.subject, draft.body,
                                      delivery=BY_EMAIL, meeting_at=meeting, meeting_place=place,
                                      at=r2 + timedelta(hours=5))
    assert invitation.round == 2 and invitation.doc_number.endswith("GM-CSKH")
    case = cases.load_case(db, staff, case.ticket_code)
    with pytest.raises(InvalidTransition):
        cases.open_second_round(db, staff, case.ticket_code, at=r2 + timedelta(days=3))
    case = cases.refer(db, staff, case.ticket_code, ReferralBody.REGULATOR, date(2026, 11, 30),
                       at=r2 + timedelta(days=4))
    assert case.status is Status.REFERRED and case.closed_at is not None
    assert case.referral_body is ReferralBody.REGULATOR
    actions = [e.action for e in _events(db, case)]
    assert actions == ["received", "start_verification", "issue_letter", "await_customer", "open_second_round",
                       "issue_letter", "await_customer", "refer"]
    with db.cursor() as cur:
        rounds = cur.execute("SELECT round FROM case_rounds WHERE case_id = ? ORDER BY round", [case.id]).fetchall()
    assert rounds == [(1,), (2,)]


def test_agreement_resolves_then_close_and_followup(db, staff, draft):
    t = MONDAY_0910
    case = cases.receive(db, staff, draft, received_at=t)
    cases.start_verification(db, staff, case.ticket_code, at=t)
    _reply(db, staff, case, t + timedelta(hours=2))
    with pytest.raises(ValidationError):
        cases.record_followup(db, staff, case.ticket_code, 4, at=t + timedelta(hours=3))
    case = cases.record_agreement(db, staff, case.ticket_code, at=t + timedelta(days=1))
    assert case.status is Status.RESOLVED and case.resolved_at == t + timedelta(days=1)
    case = cases.close(db, staff, case.ticket_code, at=t + timedelta(days=2))
    assert case.status is Status.CLOSED
    cases.record_followup(db, staff, case.ticket_code, 4, "Khách hài lòng", at=t + timedelta(days=8))
    with pytest.raises(ValidationError):
        cases.record_followup(db, staff, case.ticket_code, 6)
    assert _events(db, case)[-1].after == {"satisfaction": 4}


def test_illegal_action_changes_nothing_and_writes_no_event(db, staff, draft):
    case = cases.receive(db, staff, draft, received_at=MONDAY_0910)
    with pytest.raises(InvalidTransition) as error:
        cases.close(db, staff, case.ticket_code)
    assert "Đã tiếp nhận" in str(error.value)
    with pytest.raises(InvalidTransition):
        _reply(db, staff, case, MONDAY_0910 + timedelta(hours=1))  # verify first
    after = cases.load_case(db, staff, case.ticket_code)
    assert (after.status, after.version) == (Status.RECEIVED, case.version)
    assert len(_events(db, case)) == 1
    assert _count(db, "letters") == 0


def test_audit_event_is_atomic_with_the_change(db, staff, draft, monkeypatch):
    case = cases.receive(db, staff, draft, received_at=MONDAY_0910)
    import voc.desk.cases as module

    def failing_record_event(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(module, "record_event", failing_record_event)
    with pytest.raises(RuntimeError):
        cases.start_verification(db, staff, case.ticket_code)
    monkeypatch.undo()
    assert cases.load_case(db, staff, case.ticket_code).status is Status.RECEIVED  # change rolled back too
    assert len(_events(db, case)) == 1


def test_stale_version_is_a_conflict(db, staff, draft):
    case = cases.receive(db, staff, draft, received_at=MONDAY_0910)
    cases.start_verification(db, staff, case.ticket_code, expected_version=case.version)
    with pytest.raises(ConflictError) as error:
        cases.start_verification(db, staff, case.ticket_code, expected_version=case.version)
    assert "người khác" in str(error.value)


def test_staff_cannot_touch_another_branch(db, staff, other_branch_staff, draft, qa):
    case = cases.receive(db, staff, draft, received_at=MONDAY_0910)
    with pytest.raises(PermissionDenied):
        cases.start_verification(db, other_branch_staff, case.ticket_code)
    with pytest.raises(PermissionDenied):
        cases.load_case(db, other_branch_staff, case.ticket_code)
    with pytest.raises(PermissionDenied):
        cases.start_verification(db, qa, case.ticket_code)   # QA reads but does not handle cases
    assert cases.load_case(db, qa, case.ticket_code).ticket_code == case.ticket_code


def test_customer_open_cases_and_sla_counts(db, staff, draft):
    a = cases.receive(db, staff, draft, received_at=MONDAY_0910)
    b = cases.receive(db, staff, make_draft(channel=Channel.HOTLINE), received_at=MONDAY_0910 + timedelta(hours=1))
    with db.cursor() as cur:
        others = case_store.open_cases_of_customer(cur, a)
        assert [o["ticket_code"] for o in others] == [b.ticket_code]
        assert case_store.sla_counts(cur, MONDAY_0910 + timedelta(hours=2)) == {
            "on_time": 2, "due_24h": 0, "reply_overdue": 0, "resolution_overdue": 0}
        assert case_store.sla_counts(cur, MONDAY_0910 + timedelta(hours=48, minutes=30)) == {
            "on_time": 0, "due_24h": 1, "reply_overdue": 1, "resolution_overdue": 0}
        assert case_store.sla_counts(cur, MONDAY_0910 - timedelta(hours=1))["on_time"] == 0


def test_diacritics_insensitive_search(db, staff):
    cases.receive(db, staff, make_draft(content="Mạng chậm, đường truyền chập chờn"), received_at=MONDAY_0910)
    cases.receive(db, staff, make_draft(content="Bị trừ tiền hai lần"), received_at=MONDAY_0910)
    with db.cursor() as cur:
        for query in ("mang cham", "MẠNG CHẬM", "duong truyen"):
            rows, total = case_store.list_cases(cur, case_store.CaseFilter(text=query), MONDAY_0910)
            assert total == 1 and "chậm" in rows[0]["excerpt"]


def test_second_letter_from_a_stale_view_is_a_conflict(db, staff, draft):
    case = cases.receive(db, staff, draft, received_at=MONDAY_0910)
    case = cases.start_verification(db, staff, case.ticket_code, at=MONDAY_0910)
    case = cases.load_case(db, staff, _reply(db, staff, case, MONDAY_0910 + timedelta(hours=1)) and case.ticket_code)
    seen = case.version
    _reply(db, staff, case, MONDAY_0910 + timedelta(hours=2), expected_version=seen)
    with pytest.raises(ConflictError):
        _reply(db, staff, case, MONDAY_0910 + timedelta(hours=3), expected_version=seen)
    with db.cursor() as cur:
        assert cur.execute("SELECT count(*) FROM letters").fetchall()[0][0] == 2


def test_issued_reply_gets_its_check_score(db, staff, draft):
    case = cases.receive(db, staff, draft, received_at=MONDAY_0910)
    cases.start_verification(db, staff, case.ticket_code, at=MONDAY_0910)
    letter = _reply(db, staff, case, MONDAY_0910 + timedelta(hours=3))
    with db.cursor() as cur:
        [(score,)] = cur.execute("SELECT score FROM reply_checks WHERE letter_id = ?", [letter.id]).fetchall()
    assert 0 <= score <= 100


def test_action_notes_have_the_intake_text_limit(db, staff, draft):
    """Issue #14 item 13: a 128,000-character note was accepted; now the intake's limit applies, and a refused
    note changes nothing."""
    case = cases.receive(db, staff, draft, received_at=MONDAY_0910)
    with pytest.raises(ValidationError, match=r"Ghi chú quá dài \(128\.000 ký tự; tối đa 50\.000\)") as refused:
        cases.start_verification(db, staff, case.ticket_code, at=MONDAY_0910 + timedelta(hours=1), note="x" * 128_000)
    assert refused.value.field == "note"
    assert case_store_status(db, case) is Status.RECEIVED and len(_events(db, case)) == 1
    assert cases.MAX_NOTE_CHARS == cases.MAX_TEXT_CHARS == 50_000
    longest = "Đã gọi khách. " * (cases.MAX_NOTE_CHARS // 14)
    cases.start_verification(db, staff, case.ticket_code, at=MONDAY_0910 + timedelta(hours=1), note=longest)
    assert _events(db, case)[-1].note == longest.strip()


def test_followup_notes_have_the_same_limit(db, staff, draft):
    case = cases.receive(db, staff, draft, received_at=MONDAY_0910)
    with db.transaction() as cur:
        case_store.update_case(cur, case, {"status": Status.RESOLVED}, MONDAY_0910)
    with pytest.raises(ValidationError, match="Ghi chú quá dài"):
        cases.record_followup(db, staff, case.ticket_code, 4, note="y" * 50_001)
    assert _count(db, "followups") == 0 and [e.action for e in _events(db, case)] == ["received"]


def case_store_status(db, case) -> Status:
    with db.cursor() as cur:
        return case_store.get_case(cur, case.ticket_code).status
