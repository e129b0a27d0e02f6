"""Attachment checks (R2): type by extension and content, the 10 MB limit, checksums, all-or-nothing."""
import hashlib

import pytest

from tests.conftest import MONDAY_0910
from voc.desk import attachments, cases
from voc.desk.attachments import MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, Upload, validate_upload, validate_uploads
from voc.errors import ValidationError

PDF = b"%PDF-1.4\n"


def test_exactly_ten_megabytes_is_accepted_one_byte_more_is_not():
    ok = validate_upload(Upload("bien-ban.pdf", PDF + b"0" * (MAX_ATTACHMENT_BYTES - len(PDF))))
    assert ok.mime_type == "application/pdf"
    with pytest.raises(ValidationError) as error:
        validate_upload(Upload("bien-ban.pdf", PDF + b"0" * (MAX_ATTACHMENT_BYTES - len(PDF) + 1)))
    assert str(error.value) == "Tệp “bien-ban.pdf” quá lớn (10,0 MB); tối đa 10 MB."


@pytest.mark.parametrize("name, content, message", [
    ("hoa-don.pdf", b"MZ\x90\x00", "không khớp với phần mở rộng .pdf"),
    ("ghi-chu.txt", "ghi chú".encode("cp1258", errors="replace") + b"\xff", "phải mã hóa UTF-8"),
    ("trong.png", b"", "rỗng"),
    ("script.js", b"alert(1)", "không thuộc loại được phép"),
])
def test_refusals_say_why(name, content, message):
    with pytest.raises(ValidationError) as error:
        validate_upload(Upload(name, content))
    assert message in str(error.value)


def test_path_in_the_name_is_dropped_and_checksum_kept():
    checked = validate_upload(Upload("C:\\Users\\an\\..\\anh-chup.PNG", b"\x89PNG\r\n"))
    assert checked.filename == "anh-chup.PNG"
    assert checked.sha256 == hashlib.sha256(b"\x89PNG\r\n").hexdigest()


def test_too_many_files_at_once():
    with pytest.raises(ValidationError, match=f"Tối đa {MAX_ATTACHMENTS}"):
        validate_uploads([Upload(f"{i}.txt", b"x") for i in range(MAX_ATTACHMENTS + 1)])


def test_one_bad_file_adds_none(db, staff, draft):
    case = cases.receive(db, staff, draft, received_at=MONDAY_0910)
    with pytest.raises(ValidationError):
        attachments.add_attachments(db, staff, case.ticket_code,
                                    [Upload("a.pdf", PDF), Upload("b.pdf", b"not a pdf")], MONDAY_0910)
    with db.cursor() as cur:
        assert attachments.list_attachments(cur, case.id) == []
    attachments.add_attachments(db, staff, case.ticket_code, [Upload("a.pdf", PDF)], MONDAY_0910)
    with db.cursor() as cur:
        [stored] = attachments.list_attachments(cur, case.id)
        assert attachments.attachment_content(cur, case.id, stored.id) == PDF
