"""Attachment checks (R2): type by extension and content, the 10 MB limit, checksums, all-or-nothing."""
import hashlib

import pytest

from tests.conftest import MONDAY_0910
from voc.desk import attachments, cases
from voc.desk.attachments import MAX_ATTACHMENT_BYTES, MAX_ATTACHMENTS, Upload, validate_upload, validate_uploads
from voc.errors import PermissionDenied, ValidationError
from voc.model import DocumentKind

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
        cases.add_attachments(db, staff, case.ticket_code,
                                    [Upload("a.pdf", PDF), Upload("b.pdf", b"not a pdf")], MONDAY_0910)
    with db.cursor() as cur:
        assert attachments.list_attachments(cur, case.id) == []
    cases.add_attachments(db, staff, case.ticket_code, [Upload("a.pdf", PDF)], MONDAY_0910)
    with db.cursor() as cur:
        [stored] = attachments.list_attachments(cur, case.id)
        assert attachments.attachment_content(cur, case.id, stored.id) == PDF


# --- Documents added after intake (issue #14, item 22) ------------------------------------------

def events_of(db, case, action: str) -> list:
    from voc.store.audit import events_for
    with db.cursor() as cur:
        return [e for e in events_for(cur, "case", case.id) if e.action == action]


def test_a_document_added_after_intake_keeps_its_kind_is_audited_and_moves_the_version(db, staff, draft):
    case = cases.receive(db, staff, draft, received_at=MONDAY_0910)
    cases.add_attachments(db, staff, case.ticket_code, [Upload("phieu-da-ky.pdf", PDF)], MONDAY_0910,
                          kind=DocumentKind.SIGNED_RECEIPT)
    with db.cursor() as cur:
        [stored] = attachments.list_attachments(cur, case.id)
    assert (stored.filename, stored.kind, stored.uploaded_by) == ("phieu-da-ky.pdf", DocumentKind.SIGNED_RECEIPT, "lan")
    assert stored.sha256 == hashlib.sha256(PDF).hexdigest()
    [event] = events_of(db, case, "attachment_added")
    assert event.after["kind"] == "signed_receipt" and event.after["filename"] == "phieu-da-ky.pdf"
    assert cases.load_case(db, staff, case.ticket_code).version == case.version + 1


def test_files_kept_at_intake_have_no_kind(db, staff, draft):
    case = cases.receive(db, staff, draft, received_at=MONDAY_0910, attachments=[Upload("a.pdf", PDF)])
    with db.cursor() as cur:
        assert [f.kind for f in attachments.list_attachments(cur, case.id)] == [None]


def test_the_same_content_twice_on_one_case_is_refused_in_vietnamese(db, staff, draft):
    case = cases.receive(db, staff, draft, received_at=MONDAY_0910, attachments=[Upload("bien-ban.pdf", PDF)])
    with pytest.raises(ValidationError) as error:
        cases.add_attachments(db, staff, case.ticket_code, [Upload("ban-sao.pdf", PDF)], MONDAY_0910,
                              kind=DocumentKind.MEETING_MINUTES)
    assert "Tệp “ban-sao.pdf” đã có trong hồ sơ (cùng nội dung với “bien-ban.pdf”" in str(error.value)
    with pytest.raises(ValidationError, match="trùng nội dung với tệp “x.pdf” được chọn cùng lúc"):
        cases.add_attachments(db, staff, case.ticket_code, [Upload("x.pdf", PDF + b"1"), Upload("y.pdf", PDF + b"1")],
                              MONDAY_0910)
    with db.cursor() as cur:
        assert [f.filename for f in attachments.list_attachments(cur, case.id)] == ["bien-ban.pdf"]
    other = cases.receive(db, staff, draft, received_at=MONDAY_0910)
    cases.add_attachments(db, staff, other.ticket_code, [Upload("bien-ban.pdf", PDF)], MONDAY_0910)  # another case: fine


@pytest.mark.parametrize("upload, message", [
    (Upload("anh.png", b"%PDF-1.4"), "không khớp với phần mở rộng .png"),
    (Upload("trong.pdf", b""), "rỗng"),
    (Upload("lon.pdf", PDF + b"0" * MAX_ATTACHMENT_BYTES), "quá lớn"),
    (Upload("macro.exe", b"MZ"), "không thuộc loại được phép"),
])
def test_after_intake_the_intake_file_rules_apply(db, staff, draft, upload, message):
    case = cases.receive(db, staff, draft, received_at=MONDAY_0910)
    with pytest.raises(ValidationError, match=message):
        cases.add_attachments(db, staff, case.ticket_code, [upload], MONDAY_0910, kind=DocumentKind.CUSTOMER_EVIDENCE)
    with pytest.raises(ValidationError, match="chọn ít nhất một tệp"):
        cases.add_attachments(db, staff, case.ticket_code, [], MONDAY_0910)
    assert events_of(db, case, "attachment_added") == []
    assert cases.load_case(db, staff, case.ticket_code).version == case.version


def test_only_case_handlers_of_the_cases_branch_add_documents(db, staff, other_branch_staff, qa, draft):
    case = cases.receive(db, staff, draft, received_at=MONDAY_0910)
    for outsider in (other_branch_staff, qa):
        with pytest.raises(PermissionDenied):
            cases.add_attachments(db, outsider, case.ticket_code, [Upload("a.pdf", PDF)], MONDAY_0910)
    assert events_of(db, case, "attachment_added") == []
