"""The outbox: the R3 confirmation is queued in the intake transaction, imports queue nothing, the
headers and subject, letters by e-mail with their PDF — delivered to a real local SMTP server."""
from __future__ import annotations

from datetime import timedelta

import pytest

from tests.conftest import BY_EMAIL, BY_POST, MONDAY_0910, make_draft
from tests.mail.conftest import SENDER, settings_for
from tests.desk.test_csvio import GOOD, HEADER, write
from voc.store import case_store
from voc.desk import cases, documents, letters
from voc.accounts.access import SYSTEM
from voc.clock import format_local, utcnow
from voc.desk.csvio import import_csv
from voc.errors import PermissionDenied, ValidationError
from voc.mail import outbox
from voc.mail.outbox import MailKind, MailStatus
from voc.mail.sender import send_pending
from voc.model import Channel, Customer, LetterKind


@pytest.fixture(autouse=True)
def our_domain(monkeypatch):
    monkeypatch.setenv("VOC_MAIL_FROM", SENDER)


def outbox_rows(db):
    with db.cursor() as cur:
        return cur.execute("SELECT case_id, kind, to_address, status FROM mail_outbox ORDER BY id").fetchall()


def case_mails(db, case):
    with db.cursor() as cur:
        return outbox.mails_of_case(cur, case.id)


@pytest.mark.parametrize("channel", list(Channel))
def test_confirmation_is_queued_for_every_channel_with_an_email(db, staff, channel):
    case = cases.receive(db, staff, make_draft(channel=channel), received_at=MONDAY_0910)
    [mail] = case_mails(db, case)
    assert (mail.kind, mail.to_address, mail.status, mail.attempts) == (MailKind.CONFIRMATION, "an@example.com",
                                                                        MailStatus.QUEUED, 0)
    assert mail.subject.startswith(f"[{case.ticket_code}] ")
    assert mail.subject.count(case.ticket_code) == 1
    assert mail.message_id.startswith("<") and mail.message_id.endswith("@bkns.vn>")
    assert mail.auto_submitted and mail.queued_by == staff.username
    for text in (case.ticket_code, "Đã tiếp nhận", format_local(case.reply_due_at), format_local(case.resolution_due_at)):
        assert text in mail.body_text


def test_no_email_no_confirmation(db, staff):
    customer = Customer("Trần Văn Bình", "0987654321", None, "Đà Nẵng")
    cases.receive(db, staff, make_draft(customer=customer), received_at=MONDAY_0910)
    assert outbox_rows(db) == []


def test_a_failing_case_save_queues_nothing(db, staff):
    def boom(cur, case):           # runs inside the intake transaction, after the mail was queued
        raise RuntimeError("tagging failed")

    cases.on_receive(boom)
    try:
        with pytest.raises(RuntimeError):
            cases.receive(db, staff, make_draft(), received_at=MONDAY_0910)
    finally:
        cases._after_receive_hooks.remove(boom)
    with db.cursor() as cur:
        assert cur.execute("SELECT count(*) FROM cases").fetchone()[0] == 0
    assert outbox_rows(db) == []


def test_a_repeated_form_submission_confirms_once(db, staff):
    cases.receive(db, staff, make_draft(), intake_key="form-7", received_at=MONDAY_0910)
    cases.receive(db, staff, make_draft(), intake_key="form-7", received_at=MONDAY_0910)
    assert len(outbox_rows(db)) == 1


def test_imports_of_old_tickets_send_nothing(db, tmp_path):
    report = import_csv(db, SYSTEM, write(tmp_path / "old.csv", [HEADER, *GOOD]))
    assert report.imported == 2
    with db.cursor() as cur:
        assert cur.execute("SELECT count(*) FROM cases WHERE customer_email IS NOT NULL").fetchone()[0] == 1
    assert outbox_rows(db) == []


def test_subject_carries_the_ticket_code_once():
    assert outbox.mail_subject("KN-2026-000123", "[BKNS] Xác nhận tiếp nhận khiếu nại KN-2026-000123") == \
        "[KN-2026-000123] [BKNS] Xác nhận tiếp nhận khiếu nại"
    assert outbox.mail_subject("KN-2026-000123", "Re: [KN-2026-000123]  Trả lời\n thư") == "[KN-2026-000123] Re: Trả lời thư"


def test_bad_recipient_is_refused_in_vietnamese(db):
    with db.transaction() as cur, pytest.raises(ValidationError, match="không hợp lệ"):
        outbox.queue_mail(cur, kind=MailKind.NOTIFICATION, to_address="không-phải-email", subject="x", body="y",
                          queued_by="lan", domain="bkns.vn")


def _issued_letter(db, staff, case, kind=LetterKind.REPLY, **extra):
    cases.start_verification(db, staff, case.ticket_code)
    body = "BKNS đã khôi phục dịch vụ lúc 10:00 ngày 23/11/2026 và cảm ơn Quý khách."
    if kind is LetterKind.INVITATION:
        body = letters.with_meeting(body + "\n- Thời gian: \n- Địa điểm: ", extra["meeting_at"], extra["meeting_place"])
    letter = letters.issue_letter(db, staff, case.ticket_code, kind, "Về việc website bị gián đoạn", body,
                                  delivery=BY_POST, **extra)
    with db.cursor() as cur:
        return letter, case_store.get_case(cur, case.ticket_code)


def test_letter_by_email_with_pdf_threads_after_the_confirmation(db, staff, smtp_server):
    settings = settings_for(smtp_server)
    case = cases.receive(db, staff, make_draft(channel=Channel.EMAIL))
    letter, case = _issued_letter(db, staff, case)
    pdf = documents.letter_pdf(letter, case)
    with db.transaction() as cur:
        message_id = outbox.queue_letter_mail(cur, case, letter, pdf, f"Thư trả lời {case.ticket_code}.pdf",
                                              "an.nguyen@example.com", settings.domain, staff)
    report = send_pending(db, settings)
    assert (report.sent, report.failed, report.queued) == (2, 0, 0)
    confirmation, letter_mail = (m.message for m in smtp_server.received)
    assert letter_mail["Message-ID"] == message_id and message_id.endswith("@bkns.vn>")
    assert letter_mail["Subject"] == f"[{case.ticket_code}] Thư trả lời số {letter.doc_number}: {letter.subject}"
    assert letter_mail["In-Reply-To"] == confirmation["Message-ID"]
    assert confirmation["Message-ID"] in letter_mail["References"].split()
    assert letter_mail["Auto-Submitted"] is None and confirmation["Auto-Submitted"] == "auto-generated"
    assert smtp_server.received[1].rcpt_tos == ("an.nguyen@example.com",)
    [attached] = list(letter_mail.iter_attachments())
    assert attached.get_content_type() == "application/pdf"
    assert attached.get_filename() == f"Thư trả lời {case.ticket_code}.pdf"
    assert attached.get_content() == pdf
    cover = letter_mail.get_body(("plain",)).get_content()
    assert letter.doc_number in cover and case.ticket_code in cover and "PDF" in cover
    # The case records how, when and to whom each letter went, with its Message-ID.
    rows = case_mails(db, case)
    assert [(m.kind, m.letter_id, m.to_address, m.message_id, m.status) for m in rows] == [
        (MailKind.CONFIRMATION, None, "an@example.com", confirmation["Message-ID"], MailStatus.SENT),
        (MailKind.LETTER, letter.id, "an.nguyen@example.com", message_id, MailStatus.SENT)]
    assert all(m.sent_at is not None for m in rows)


def test_issuing_a_letter_by_email_queues_it_with_its_pdf_in_the_same_transaction(db, staff, smtp_server):
    settings = settings_for(smtp_server)
    case = cases.receive(db, staff, make_draft())
    cases.start_verification(db, staff, case.ticket_code)
    letter = letters.issue_letter(db, staff, case.ticket_code, LetterKind.REPLY, "Về việc website bị gián đoạn",
                                  "BKNS đã khôi phục dịch vụ lúc 10:00 ngày 23/11/2026 và cảm ơn Quý khách.",
                                  delivery=BY_EMAIL)
    with db.cursor() as cur:
        case = case_store.get_case(cur, case.ticket_code)
    [mail] = [m for m in case_mails(db, case) if m.kind is MailKind.LETTER]
    assert (mail.letter_id, mail.to_address) == (letter.id, BY_EMAIL.recipient)
    send_pending(db, settings)
    letter_mail = smtp_server.received[-1].message
    [attached] = list(letter_mail.iter_attachments())
    assert attached.get_content() == documents.letter_pdf(letter, case)
    assert attached.get_filename() == letters.letter_file_name(letter)
    # Refused issue (nothing to say): no letter and no mail.
    with pytest.raises(ValidationError):
        letters.issue_letter(db, staff, case.ticket_code, LetterKind.REPLY, "Lần hai", " ", delivery=BY_EMAIL)
    assert len([m for m in case_mails(db, case) if m.kind is MailKind.LETTER]) == 1


def test_invitation_cover_states_the_meeting(db, staff, smtp_server):
    settings = settings_for(smtp_server)
    case = cases.receive(db, staff, make_draft())
    meeting = utcnow() + timedelta(days=2)
    letter, case = _issued_letter(db, staff, case, LetterKind.INVITATION, meeting_at=meeting,
                                  meeting_place="169 Nguyễn Ngọc Vũ, Hà Nội")
    with db.transaction() as cur:
        outbox.queue_letter_mail(cur, case, letter, documents.letter_pdf(letter, case), "giay-moi.pdf",
                                 case.customer.email, settings.domain, staff)
    send_pending(db, settings)
    cover = smtp_server.received[-1].message.get_body(("plain",)).get_content()
    assert format_local(meeting) in cover and "169 Nguyễn Ngọc Vũ" in cover and "giấy mời" in cover


def test_letter_mail_checks_rights_letter_and_pdf(db, staff, other_branch_staff):
    case = cases.receive(db, staff, make_draft())
    other = cases.receive(db, staff, make_draft())
    letter, case = _issued_letter(db, staff, case)
    pdf = documents.letter_pdf(letter, case)
    with db.transaction() as cur:
        with pytest.raises(PermissionDenied):
            outbox.queue_letter_mail(cur, case, letter, pdf, "a.pdf", "an@example.com", "bkns.vn", other_branch_staff)
        with pytest.raises(ValidationError, match="không thuộc hồ sơ"):
            outbox.queue_letter_mail(cur, other, letter, pdf, "a.pdf", "an@example.com", "bkns.vn", staff)
        with pytest.raises(ValidationError, match="PDF"):
            outbox.queue_letter_mail(cur, case, letter, b"not a pdf", "a.pdf", "an@example.com", "bkns.vn", staff)
        with pytest.raises(ValidationError, match="không hợp lệ"):
            outbox.queue_letter_mail(cur, case, letter, pdf, "a.pdf", "an@", "bkns.vn", staff)
    assert [k for (_, k, _, _) in outbox_rows(db)] == ["confirmation", "confirmation"]
