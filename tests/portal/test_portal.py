"""The customers' portal on a real DuckDB file: the web form becomes a case, its abuse controls, and a
status lookup that tells a wrong code/contact pair nothing."""
from __future__ import annotations

import dataclasses
import io
from contextlib import contextmanager
from datetime import date, timedelta

import pytest
from pypdf import PdfReader

from tests.conftest import BY_EMAIL, MONDAY_0910
from voc.desk import cases, letters
from voc.accounts.access import Actor, Role
from voc.desk.attachments import Upload
from voc.store.audit import events_for
from voc.store.db import Database
from voc.errors import ValidationError
from voc.model import Channel, IssueKind, LetterKind, Service, Status
from voc.portal import abuse, lookup, submission
from voc.portal.abuse import Limits, LookupLocked, TooManyRequests
from voc.portal.lookup import LookupFailed
from voc.portal.submission import BotSuspected, PortalSubmission, TooFast

BOTH_BACKENDS = True     # the `db` tests run on DuckDB and on PostgreSQL (tests/conftest.py)

T = MONDAY_0910
PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 64
ADMIN = Actor("admin", Role.ADMIN, None, "Quản trị viên")


def form(**changes) -> PortalSubmission:
    sub = PortalSubmission(
        name="Trần Thị Bình", email="Binh.Tran@Example.com", phone="0912 345 678", service=Service.HOSTING,
        issue_kind=IssueKind.QUALITY, event_date=date(2026, 11, 21),
        content="Website của tôi bị lỗi 503 từ tối Chủ nhật.", request="Khôi phục website và giải thích nguyên nhân.")
    return dataclasses.replace(sub, **changes)


_keys = iter(range(10**6))


def send(db, sub: PortalSubmission | None = None, *, at=T, client: str | None = "203.0.113.7", filled_in=60.0,
         limits: Limits = abuse.DEFAULT_LIMITS, key: str | None = None) -> submission.Receipt:
    return submission.submit(db, sub or form(), client=client, form_started_at=at - timedelta(seconds=filled_in),
                             at=at, intake_key=key or f"portal-test-{next(_keys)}", limits=limits)


def count(db, table: str) -> int:
    with db.cursor() as cur:
        return cur.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages)


# --- the form becomes a case -----------------------------------------------------------------------

def test_submission_is_a_web_case_of_the_portal_branch_with_code_clocks_and_confirmation(db):
    receipt = send(db, form(files=(Upload("loi-503.png", PNG),)))
    with db.cursor() as cur:
        case = cases.case_store.get_case(cur, receipt.ticket_code)
        [event] = [e for e in events_for(cur, "case", case.id) if e.action == "received"]
    assert case.channel is Channel.EMAIL and case.status is Status.RECEIVED
    assert (case.branch, case.staff) == ("Hà Nội", "portal")
    assert case.customer.email == "Binh.Tran@Example.com" and case.customer.phone == "0912 345 678"
    assert (receipt.reply_due_at, receipt.resolution_due_at) == (T + timedelta(hours=48), T + timedelta(days=20))
    assert receipt.email == "Binh.Tran@Example.com" and receipt.status_label == "Đã tiếp nhận"
    assert event.actor == "portal" and event.after["details"] == {"source": "portal"}
    assert count(db, "attachments") == 1
    assert receipt.ticket_code in pdf_text(receipt.confirmation_pdf)


def test_portal_branch_comes_from_the_environment(db, monkeypatch):
    monkeypatch.setenv(submission.BRANCH_ENV, "Đà Nẵng")
    receipt = send(db)
    with db.cursor() as cur:
        assert cases.case_store.get_case(cur, receipt.ticket_code).branch == "Đà Nẵng"


def test_a_late_complaint_is_accepted_and_flagged_for_staff(db):
    receipt = send(db, form(issue_kind=IssueKind.BUSINESS, event_date=date(2026, 9, 1)))
    with db.cursor() as cur:
        case = cases.case_store.get_case(cur, receipt.ticket_code)
    assert case.late_complaint and case.late_reason == submission.LATE_REASON
    on_time = send(db, form(email="khac@example.com", phone=""))
    with db.cursor() as cur:
        case = cases.case_store.get_case(cur, on_time.ticket_code)
    assert not case.late_complaint and case.late_reason is None


@pytest.mark.parametrize("changes, field", [
    ({"email": "", "phone": ""}, "contact"),
    ({"name": "  "}, "customer_name"),
    ({"email": "khong-phai-email"}, "customer_email"),
    ({"content": ""}, "content"),
    ({"request": ""}, "request"),
    ({"content": "x" * (submission.MAX_CONTENT_CHARS + 1)}, "content"),
    ({"request": "x" * (submission.MAX_REQUEST_CHARS + 1)}, "request"),
    ({"event_date": None}, "event_date"),
    ({"event_date": date(2026, 11, 24)}, "event_date"),
    ({"files": tuple(Upload(f"{i}.png", PNG) for i in range(submission.MAX_FILES + 1))}, "attachments"),
])
def test_invalid_forms_are_refused_with_a_reason_and_save_nothing(db, changes, field):
    with pytest.raises(ValidationError) as refused:
        send(db, form(**changes))
    assert refused.value.field == field and str(refused.value)
    assert count(db, "cases") == count(db, "portal_hits") == 0


def test_every_refused_file_is_named_with_its_reason(db):
    files = (Upload("anh.png", PNG), Upload("virus.exe", b"MZ\x90\x00"), Upload("hoa-don.pdf", b"not a pdf"),
             Upload("lon.jpg", b"\xff\xd8\xff" + b"0" * (10 * 1024 * 1024)))
    with pytest.raises(ValidationError) as refused:
        send(db, form(files=files))
    message = str(refused.value)
    assert "virus.exe" in message and "không thuộc loại được phép" in message
    assert "hoa-don.pdf" in message and "không khớp" in message
    assert "lon.jpg" in message and "quá lớn" in message
    assert "anh.png" not in message
    assert count(db, "cases") == count(db, "attachments") == 0


def test_filled_honeypot_saves_nothing_but_counts_against_the_client(db):
    limits = Limits(submissions_per_client_hour=2)
    for _ in range(2):
        with pytest.raises(BotSuspected):
            send(db, form(honeypot="http://spam.example"), limits=limits)
    assert count(db, "cases") == 0
    with pytest.raises(TooManyRequests):
        send(db, limits=limits)
    send(db, client="198.51.100.1", limits=limits)


def test_a_form_sent_faster_than_a_person_types_is_refused(db):
    with pytest.raises(TooFast):
        send(db, filled_in=abuse.DEFAULT_LIMITS.min_fill_seconds - 1)
    assert count(db, "cases") == 0
    send(db, filled_in=abuse.DEFAULT_LIMITS.min_fill_seconds + 1)
    assert count(db, "cases") == 1


def test_same_form_sent_twice_saves_one_case(db):
    first = send(db, key="portal-one-form")
    assert send(db, key="portal-one-form").ticket_code == first.ticket_code
    assert count(db, "cases") == 1


# --- rate limits ------------------------------------------------------------------------------------

def test_contact_limit_per_hour_and_day_whatever_the_phone_spelling_or_address(db):
    limits = Limits(submissions_per_contact_hour=2, submissions_per_contact_day=3, submissions_per_client_hour=99,
                    submissions_per_client_day=99)
    phone_only = dict(email="")
    send(db, form(**phone_only, phone="0912345678"), client="192.0.2.1", limits=limits)
    send(db, form(**phone_only, phone="+84 912-345-678"), client="192.0.2.2", limits=limits)
    with pytest.raises(TooManyRequests, match="sau một giờ"):
        send(db, form(**phone_only, phone="(0912) 345.678"), client="192.0.2.3", limits=limits)
    send(db, form(**phone_only), at=T + timedelta(minutes=61), limits=limits)
    with pytest.raises(TooManyRequests, match="ngày mai"):
        send(db, form(**phone_only), at=T + timedelta(hours=3), limits=limits)
    send(db, form(**phone_only), at=T + timedelta(hours=25), limits=limits)
    assert count(db, "cases") == 4
    # e-mail and phone count separately: a fresh phone does not clear a used e-mail
    later = T + timedelta(days=3)
    send(db, form(phone="0987000111"), at=later, limits=limits)
    send(db, form(phone="0987000222"), at=later, limits=limits)
    with pytest.raises(TooManyRequests):
        send(db, form(phone="0987000333"), at=later, limits=limits)
    assert count(db, "cases") == 6


def test_client_limit_across_contacts_and_none_when_the_address_is_unknown(db):
    limits = Limits(submissions_per_client_hour=2, submissions_per_client_day=3)
    for i in range(2):
        send(db, form(email=f"k{i}@example.com", phone=""), limits=limits)
    with pytest.raises(TooManyRequests):
        send(db, form(email="k9@example.com", phone=""), limits=limits)
    send(db, form(email="k9@example.com", phone=""), client="198.51.100.20", limits=limits)
    for i in range(4):
        send(db, form(email=f"local{i}@example.com", phone=""), client=None, limits=limits)


def test_rate_limit_tables_hold_no_contact_or_address_in_clear(db):
    send(db)
    with pytest.raises(LookupFailed):
        lookup.look_up(db, "KN-2026-999999", "binh.tran@example.com", client="203.0.113.7", at=T)
    with db.cursor() as cur:
        stored = " ".join(str(v) for row in cur.execute("SELECT * FROM portal_hits").fetchall() for v in row)
    assert stored and not any(s in stored.lower() for s in ("binh", "0912", "912345678", "203.0.113", "kn-2026"))


def test_client_address_believes_forwarded_for_only_behind_configured_proxies():
    chain = "6.6.6.6, 198.51.100.9, 10.0.0.2"     # spoofed by the client, then added by two proxies
    assert abuse.client_address("10.0.0.3", chain, 0) == "10.0.0.3"
    assert abuse.client_address("10.0.0.3", chain, 1) == "10.0.0.2"
    assert abuse.client_address(None, chain, 2) == "198.51.100.9"
    assert abuse.client_address(None, "198.51.100.9", 5) == "198.51.100.9"
    assert abuse.client_address(None, None, 1) is None
    assert abuse.client_address(None, "", 0) is None


# --- lookup -----------------------------------------------------------------------------------------

@pytest.fixture
def filed(db):
    """A portal case with one reply letter issued, and another customer's case."""
    receipt = send(db)
    other = send(db, form(name="Lê Văn Cường", email="cuong@example.com", phone="0988111222"))
    cases.start_verification(db, ADMIN, receipt.ticket_code, at=T + timedelta(hours=1), note="Ghi chú nội bộ XYZ")
    letters.issue_letter(db, ADMIN, receipt.ticket_code, LetterKind.REPLY, "Trả lời khiếu nại",
                         "Cảm ơn Quý khách. Chúng tôi đã khắc phục trước 17:00 ngày 25/11/2026.", at=T + timedelta(hours=20),
                         delivery=BY_EMAIL)
    return receipt.ticket_code, other.ticket_code


@pytest.mark.parametrize("contact", ["binh.tran@example.com", "  BINH.TRAN@EXAMPLE.COM ", "0912345678",
                                     "+84 912 345 678"])
def test_code_and_contact_show_status_dates_and_letters(db, filed, contact):
    code, _ = filed
    view = lookup.look_up(db, f" {code.lower()} ", contact, client="203.0.113.7", at=T + timedelta(days=1))
    assert view.ticket_code == code and view.status_label == "Chờ khách hàng phản hồi" and view.is_open
    assert view.received_at == T and view.reply_due_at is None           # the round has its reply
    assert view.resolution_due_at == T + timedelta(days=20) and view.finished_at is None
    [letter] = view.letters
    assert letter.kind_label == "Thư trả lời" and letter.file_name.endswith(".pdf")
    assert letter.doc_number in pdf_text(letter.pdf)


def test_the_view_carries_only_public_fields(db, filed):
    code, _ = filed
    view = lookup.look_up(db, code, "0912345678", client=None, at=T + timedelta(days=1))
    assert {f.name for f in dataclasses.fields(view)} == {
        "ticket_code", "status_label", "is_open", "round", "received_at", "reply_due_at", "resolution_due_at",
        "finished_at", "letters"}
    shown = repr(dataclasses.replace(view, letters=tuple(dataclasses.replace(l, pdf=b"") for l in view.letters)))
    for secret in ("Ghi chú nội bộ", "503", "Hà Nội", "portal", "admin", "Trần Thị Bình", "0912", "example.com"):
        assert secret not in shown


def test_finished_case_shows_when_it_finished(db, filed):
    code, _ = filed
    cases.record_agreement(db, ADMIN, code, at=T + timedelta(days=3))
    view = lookup.look_up(db, code, "binh.tran@example.com", client=None, at=T + timedelta(days=4))
    assert not view.is_open and view.finished_at == T + timedelta(days=3)
    assert view.reply_due_at is None and view.resolution_due_at is None


class RecordingDatabase(Database):
    """A real database that notes every SQL statement run on it."""

    def __init__(self, path):
        self.statements: list[str] = []
        super().__init__(path)

    @contextmanager
    def cursor(self):
        with super().cursor() as cur:
            yield _Recorder(cur, self.statements)


class _Recorder:
    def __init__(self, cur, log: list[str]):
        self._cur, self._log = cur, log

    def execute(self, sql, *args):
        self._log.append(sql)
        return self._cur.execute(sql, *args)

    def __getattr__(self, name):
        return getattr(self._cur, name)


def test_wrong_pairs_fail_alike_whether_the_code_exists_or_not(tmp_path):
    rdb = RecordingDatabase(tmp_path / "rec.duckdb")
    try:
        code = send(rdb).ticket_code
        other = send(rdb, form(name="Lê Văn Cường", email="cuong@example.com", phone="0988111222")).ticket_code
        attempts = {
            "unknown code": ("KN-2026-424242", "binh.tran@example.com"),
            "right code, wrong e-mail": (code, "ai-do@example.com"),
            "right code, other customer's contact": (code, "cuong@example.com"),
            "right code, wrong phone": (code, "0900000000"),
            "other's code, my phone": (other, "0912345678"),
        }
        outcomes = {}
        for label, (ticket, contact) in attempts.items():
            rdb.statements.clear()
            with pytest.raises(LookupFailed) as failed:
                lookup.look_up(rdb, ticket, contact, client=f"192.0.2.{len(outcomes)}", at=T)
            outcomes[label] = (type(failed.value), str(failed.value), tuple(rdb.statements))
        assert len(set(outcomes.values())) == 1, outcomes       # same error, same message, same queries
        with rdb.cursor() as cur:
            per_attempt = cur.execute("SELECT bucket, count(*) FROM portal_hits WHERE bucket <> 'submission' "
                                      "GROUP BY ALL ORDER BY ALL").fetchall()
        # each attempt: one lookup and one failure for its client and for its ticket code
        assert per_attempt == [("failed_lookup", 2 * len(attempts)), ("lookup", 2 * len(attempts))]
    finally:
        rdb.close()


def test_lookup_inputs_are_required(db):
    with pytest.raises(ValidationError, match="mã hồ sơ"):
        lookup.look_up(db, " ", "0912345678", client=None, at=T)
    with pytest.raises(ValidationError, match="email hoặc số điện thoại"):
        lookup.look_up(db, "KN-2026-000001", "", client=None, at=T)


def fail(db, code: str, client: str | None, at=T) -> None:
    with pytest.raises(LookupFailed):
        lookup.look_up(db, code, "sai@example.com", client=client, at=at)


def test_a_client_is_locked_after_repeated_failures_even_for_the_right_pair(db, filed):
    code, _ = filed
    n = abuse.DEFAULT_LIMITS.failed_lookups_before_lock
    for i in range(n):
        fail(db, f"KN-2026-9000{i:02d}", "203.0.113.50")
    with pytest.raises(LookupLocked) as locked:
        lookup.look_up(db, code, "0912345678", client="203.0.113.50", at=T + timedelta(minutes=1))
    assert locked.value.until == T + abuse.DEFAULT_LIMITS.lock_for
    assert lookup.look_up(db, code, "0912345678", client="203.0.113.51", at=T).ticket_code == code
    later = T + abuse.DEFAULT_LIMITS.failure_window + timedelta(minutes=1)
    assert lookup.look_up(db, code, "0912345678", client="203.0.113.50", at=later).ticket_code == code
    with db.cursor() as cur:
        [event] = events_for(cur, "portal", cur.execute("SELECT entity_id FROM events WHERE action = 'lookup_locked'")
                             .fetchone()[0])
    assert event.after["key_kind"] == "client"


@pytest.mark.parametrize("exists", [True, False])
def test_a_ticket_code_is_locked_after_failures_from_many_addresses_existing_or_not(db, filed, exists):
    code = filed[0] if exists else "KN-2026-777777"
    for i in range(abuse.DEFAULT_LIMITS.failed_lookups_before_lock):
        fail(db, code, f"198.51.100.{i}")
    with pytest.raises(LookupLocked):
        lookup.look_up(db, code, "0912345678", client="198.51.100.200", at=T + timedelta(minutes=2))
    with pytest.raises(LookupLocked):
        lookup.look_up(db, code, "0912345678", client=None, at=T + timedelta(minutes=2))


def test_lookups_per_client_are_limited_per_hour(db, filed):
    code, _ = filed
    limits = Limits(lookups_per_client_hour=3)
    for _ in range(3):
        lookup.look_up(db, code, "0912345678", client="203.0.113.9", at=T, limits=limits)
    with pytest.raises(TooManyRequests):
        lookup.look_up(db, code, "0912345678", client="203.0.113.9", at=T, limits=limits)
    lookup.look_up(db, code, "0912345678", client="203.0.113.9", at=T + timedelta(minutes=61), limits=limits)


def test_prune_forgets_old_hits_and_expired_locks(db):
    for i in range(abuse.DEFAULT_LIMITS.failed_lookups_before_lock):
        fail(db, "KN-2026-000777", f"192.0.2.{i}")
    assert count(db, "portal_hits") and count(db, "portal_locks")
    abuse.prune(db, T + abuse.KEEP_HITS + timedelta(minutes=1))
    assert count(db, "portal_hits") == count(db, "portal_locks") == 0
