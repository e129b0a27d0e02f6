"""Printed documents keep Vietnamese text intact (PDF via the shipped DejaVu font, and DOCX)."""
from __future__ import annotations

import io
import unicodedata

import pytest
from docx import Document
from pypdf import PdfReader

from tests.conftest import BY_EMAIL, MONDAY_0910, make_draft
from voc.desk import cases, documents, letters
from voc.model import Customer, LetterKind
from voc.text.reply_check import SUMMARY_SLOT

NAME = "Đặng Thị Ngọc Ánh"


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def pdf_text(data: bytes) -> str:
    assert data.startswith(b"%PDF")
    return nfc("\n".join(page.extract_text() or "" for page in PdfReader(io.BytesIO(data)).pages))


def docx_text(data: bytes) -> str:
    doc = Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return nfc("\n".join(parts))


@pytest.fixture
def case(db, staff):
    draft = make_draft(customer=Customer(NAME, "0912345678", "anh@example.com", "12 Láng Hạ, Hà Nội"))
    received = cases.receive(db, staff, draft, received_at=MONDAY_0910)
    return cases.start_verification(db, staff, received.ticket_code, at=MONDAY_0910)


@pytest.fixture
def letter(db, staff, case):
    subject = "Trả lời khiếu nại về sự cố gián đoạn dịch vụ hosting"
    body = f"Kính gửi Quý khách {NAME},\nChúng tôi đã khắc phục sự cố ổ đĩa và sẽ hoàn tất trước ngày 30/11/2026."
    return letters.issue_letter(db, staff, case.ticket_code, LetterKind.REPLY, subject, body, delivery=BY_EMAIL,
                                at=MONDAY_0910)


def test_letter_pdf_keeps_vietnamese_name_and_subject(letter, case):
    text = pdf_text(documents.letter_pdf(letter, case))
    assert nfc(NAME) in text
    assert nfc("Trả lời khiếu nại về sự cố gián đoạn dịch vụ hosting") in text.replace("\n", " ")
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in text
    assert "Độc lập - Tự do - Hạnh phúc" in text
    assert "Hà Nội, ngày 23 tháng 11 năm 2026" in text
    assert letter.doc_number in text


def test_letter_docx_keeps_vietnamese_name_and_subject(letter, case):
    text = docx_text(documents.letter_docx(letter, case))
    assert f"Kính gửi Quý khách {NAME}," in text
    assert "V/v: Trả lời khiếu nại về sự cố gián đoạn dịch vụ hosting" in text
    assert f"Số: {letter.doc_number}" in text
    assert "ổ đĩa" in text


def test_invitation_pdf_has_title(db, staff, case):
    from datetime import timedelta
    meeting = MONDAY_0910 + timedelta(days=2)
    draft = letters.draft_letter(case, LetterKind.INVITATION, meeting, "Phòng họp tầng 5")
    letter = letters.issue_letter(db, staff, case.ticket_code, LetterKind.INVITATION, draft.subject, draft.body, delivery=BY_EMAIL,
                                  meeting_at=meeting, meeting_place="Phòng họp tầng 5", at=MONDAY_0910)
    text = pdf_text(documents.letter_pdf(letter, case))
    assert "GIẤY MỜI" in text
    assert "Phòng họp tầng 5" in text


def test_receipt_pdf_has_facts_and_two_signature_lines(case):
    text = pdf_text(documents.receipt_pdf(case, ["ảnh-chụp-màn-hình.png"], staff_name="Nguyễn Thị Lan"))
    assert "PHIẾU TIẾP NHẬN KHIẾU NẠI" in text
    assert NAME in text
    assert case.ticket_code in text
    assert "KHÁCH HÀNG" in text and "NHÂN VIÊN TIẾP NHẬN" in text
    assert text.count("(Ký, ghi rõ họ tên)") == 2
    assert "Nguyễn Thị Lan" in text
    assert "ảnh-chụp-màn-hình.png" in text


def test_receipt_names_the_staff_member_not_the_username(case):
    layout = documents.receipt_layout(case, [], staff_name="Nguyễn Thị Lan")
    assert case.staff == "lan"
    assert "Nhân viên tiếp nhận: Nguyễn Thị Lan" in layout.body
    assert layout.signatures[1].name == "Nguyễn Thị Lan"


def test_confirmation_pdf_states_code_and_status(case):
    text = pdf_text(documents.confirmation_pdf(case, at=MONDAY_0910))
    assert case.ticket_code in text
    assert case.status.label in text
    assert NAME in text


def test_decomposed_input_is_normalised(db, staff):
    decomposed = unicodedata.normalize("NFD", "Phạm Văn Đức")
    draft = make_draft(customer=Customer(decomposed, "0912345678"))
    case = cases.receive(db, staff, draft, received_at=MONDAY_0910)
    assert "Phạm Văn Đức" in pdf_text(documents.confirmation_pdf(case, at=MONDAY_0910))


def _filled_reply(case) -> str:
    draft = letters.draft_letter(case, LetterKind.REPLY)
    return (draft.body.replace(SUMMARY_SLOT, "website của Quý khách không truy cập được từ sáng thứ Bảy")
            .replace("[nêu rõ nguyên nhân đã xác minh]", "ổ đĩa máy chủ bị hỏng")
            .replace("[nêu biện pháp đã khắc phục]", "thay ổ đĩa và khôi phục dữ liệu")
            .replace("[nêu việc sẽ làm và thời hạn, ví dụ: hoàn tất trước ngày ...]", "theo dõi đến ngày 30/11/2026"))


def _issued_from_templates(db, staff, case):
    from datetime import timedelta
    reply = letters.issue_letter(db, staff, case.ticket_code, LetterKind.REPLY, "Trả lời khiếu nại",
                                 _filled_reply(case), delivery=BY_EMAIL, at=MONDAY_0910)
    meeting = MONDAY_0910 + timedelta(days=2)
    draft = letters.draft_letter(case, LetterKind.INVITATION, meeting, "Phòng họp tầng 5")
    invitation = letters.issue_letter(db, staff, case.ticket_code, LetterKind.INVITATION, draft.subject, draft.body,
                                      delivery=BY_EMAIL, meeting_at=meeting, meeting_place="Phòng họp tầng 5",
                                      at=MONDAY_0910)
    return reply, invitation


def test_letters_from_the_templates_greet_the_customer_once(db, staff, case):
    for letter in _issued_from_templates(db, staff, case):
        for text in (pdf_text(documents.letter_pdf(letter, case)), docx_text(documents.letter_docx(letter, case))):
            assert text.count("Kính gửi") == 1, text
            assert f"Kính gửi Quý khách {NAME}," in text


def test_a_body_without_salutation_gets_the_addressee_line(db, staff, case):
    body = "Chúng tôi đã khắc phục sự cố ổ đĩa và sẽ hoàn tất trước ngày 30/11/2026. Cảm ơn Quý khách."
    letter = letters.issue_letter(db, staff, case.ticket_code, LetterKind.REPLY, "Trả lời", body,
                                  delivery=BY_EMAIL, at=MONDAY_0910)
    for text in (pdf_text(documents.letter_pdf(letter, case)), docx_text(documents.letter_docx(letter, case))):
        assert text.count("Kính gửi") == 1
        assert f"Kính gửi: Quý khách {NAME}" in text


def test_email_confirmation_greets_once(db, staff):
    from voc.model import Channel
    case = cases.receive(db, staff, make_draft(channel=Channel.EMAIL, customer=Customer(NAME, None, "anh@example.com")),
                         received_at=MONDAY_0910)
    assert pdf_text(documents.confirmation_pdf(case, at=MONDAY_0910)).count("Kính gửi") == 1


def test_superseding_letter_names_the_number_it_replaces(db, staff, case, letter):
    from datetime import timedelta
    second = letters.issue_letter(db, staff, case.ticket_code, LetterKind.REPLY, "Đính chính", letter.body + " Đính chính.",
                                  delivery=BY_EMAIL, supersedes=letter.id, at=MONDAY_0910 + timedelta(hours=1))
    phrase = f"Thư này thay thế thư số {letter.doc_number}."
    assert phrase in pdf_text(documents.letter_pdf(second, case)).replace("\n", " ")
    assert phrase in docx_text(documents.letter_docx(second, case))


def test_an_issued_letter_renders_to_the_same_bytes_every_time(letter, case):
    """The PDF mailed to the customer and the one downloaded later are one document, dated by the letter."""
    first = documents.letter_pdf(letter, case)
    assert documents.letter_pdf(letter, case) == first
    assert letter.issued_at.strftime("D:%Y%m%d%H%M%S").encode() in first
