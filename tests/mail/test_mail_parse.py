"""Parsing mail (pure, no server): charsets, encoded words, HTML, attachments, hostile structure, loops."""
from __future__ import annotations

import base64
import time
import unicodedata
from email.message import EmailMessage

import pytest

from voc.mail.bench_fetch import windows_1258
from voc.mail.html_text import html_to_text
from voc.mail.loops import NoiseKind, classify
from voc.mail.parse import MAX_MESSAGE_BYTES, MailRefused, message_key, parse

COMPLAINT = "Khiếu nại: website bị sập, báo lỗi 503 từ sáng thứ Bảy"


def raw(headers: str, body: bytes | str = b"hello\r\n") -> bytes:
    body = body.encode("utf-8") if isinstance(body, str) else body
    return headers.replace("\n", "\r\n").encode("utf-8") + b"\r\n\r\n" + body


def simple(**headers) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = headers.pop("From", "Nguyễn Văn An <an@example.vn>")
    msg["To"] = "khieunai@voc-desk.local"
    msg["Subject"] = headers.pop("Subject", "Web bị sập")
    for name, value in headers.items():
        msg[name.replace("_", "-")] = value
    msg.set_content("Nội dung thư")
    return msg


def test_windows_1258_body_and_encoded_word_subject_come_out_nfc():
    cp = windows_1258(COMPLAINT)
    assert cp != COMPLAINT.encode("utf-8")           # tones really are combining marks in cp1258
    subject = "=?windows-1258?B?" + base64.b64encode(cp).decode() + "?="
    name = "=?windows-1258?Q?" + "".join(f"={b:02X}" for b in windows_1258("Nguyễn Thị Lan")) + "?="
    mail = parse(raw(f"From: {name} <lan@example.vn>\nSubject: {subject}\nMessage-ID: <w1@example.vn>\n"
                     "Content-Type: text/plain; charset=windows-1258\nContent-Transfer-Encoding: 8bit", cp))
    assert mail.subject == COMPLAINT and unicodedata.is_normalized("NFC", mail.subject)
    assert mail.text == COMPLAINT and unicodedata.is_normalized("NFC", mail.text)
    assert mail.from_name == "Nguyễn Thị Lan" and mail.from_address == "lan@example.vn"


def test_utf8_encoded_word_quoted_printable_and_8bit_headers():
    msg = simple(Subject=COMPLAINT)
    assert "=?utf-8?" in msg.as_string()               # the stdlib wrote RFC 2047 encoded words
    assert parse(msg.as_bytes()).subject == COMPLAINT
    eight_bit = raw("From: Trần Văn Tuấn <tuan@example.vn>\nSubject: Mạng chậm quá")
    mail = parse(eight_bit)
    assert (mail.from_name, mail.subject) == ("Trần Văn Tuấn", "Mạng chậm quá")


def test_broken_encoded_words_and_unknown_charsets_do_not_crash():
    mail = parse(raw("From: =?utf-8?B?!!!notbase64?= <a@example.vn>\n"
                     "Subject: =?x-no-such-charset?Q?abc?= =?utf-8?Q?caf=C3?= =?utf-8?B?4bqh\n"
                     "Content-Type: text/plain; charset=x-no-such-charset", "Tiền cước sai".encode("utf-8")))
    assert mail.from_address == "a@example.vn"
    assert isinstance(mail.subject, str)
    assert mail.text == "Tiền cước sai"                 # unknown charset: UTF-8 tried first


def test_html_part_becomes_plain_text_without_any_script():
    html = ("<html><head><title>T</title><style>p{color:red}</style><script>alert('x')</script></head><body>"
            "<p>Web <b>bị</b> sập&nbsp;&amp; chậm</p><img src=x onerror=alert(1)>"
            "<a href=\"javascript:alert(2)\">bấm vào đây</a><ul><li>một</li><li>hai</li></ul>"
            "<script type='text/javascript'>document.write('evil')</script><noscript>nos</noscript>"
            "<iframe src='http://x'>frame</iframe><!-- comment --></body></html>")
    msg = simple()
    msg.set_content(html, subtype="html")
    text = parse(msg.as_bytes()).text
    assert "Web bị sập & chậm" in text and "bấm vào đây" in text and "- một" in text and "- hai" in text
    for bad in ("alert", "<", ">", "javascript", "evil", "color", "onerror", "nos", "frame", "comment"):
        assert bad not in text, bad


def test_plain_part_preferred_over_html_alternative():
    msg = simple()
    msg.set_content("Bản văn bản")
    msg.add_alternative("<p>Bản HTML</p>", subtype="html")
    assert parse(msg.as_bytes()).text == "Bản văn bản"


def test_deeply_nested_html_is_linear_and_kept_as_text():
    html = "<div>" * 100_000 + "sâu" + "</div>" * 100_000
    started = time.perf_counter()
    assert html_to_text(html) == "sâu"
    assert time.perf_counter() - started < 10


def test_unclosed_head_and_script_never_leak():
    assert html_to_text("<head><title>x</title><body>nội dung") == "nội dung"
    assert html_to_text("<p>trước</p><script>var a = '<p>sau</p>'") == "trước"


def test_attachments_are_collected_with_their_names():
    msg = simple()
    msg.add_attachment(b"\x89PNG\r\n\x1a\nrest", maintype="image", subtype="png", filename="ảnh màn hình.png")
    msg.add_attachment(b"MZ\x90\x00", maintype="application", subtype="octet-stream", filename="virus.exe")
    mail = parse(msg.as_bytes())
    assert [a.filename for a in mail.attachments] == ["ảnh màn hình.png", "virus.exe"]
    assert mail.attachments[0].content.startswith(b"\x89PNG")


def test_malformed_mime_without_boundary_does_not_crash():
    mail = parse(raw("From: a@example.vn\nSubject: x\nContent-Type: multipart/mixed; boundary=\"nope\"",
                     b"--other\r\nContent-Type: text/plain\r\n\r\nkhong co ranh gioi\r\n"))
    assert mail.from_address == "a@example.vn"


def test_deep_mime_nesting_is_refused_not_a_crash():
    body = b""
    depth = 60
    for i in range(depth):
        body += f"--b{i}\r\nContent-Type: multipart/mixed; boundary=\"b{i + 1}\"\r\n\r\n".encode()
    body += b"--b60\r\nContent-Type: text/plain\r\n\r\ndeep\r\n"
    with pytest.raises(MailRefused, match="lồng nhau"):
        parse(raw("From: a@example.vn\nSubject: x\nContent-Type: multipart/mixed; boundary=\"b0\"", body))


def test_missing_from_parses_with_no_address():
    mail = parse(raw("Subject: không có người gửi"))
    assert mail.from_address is None and mail.subject == "không có người gửi"
    assert parse(raw("From: <<<>>> \"unterminated\nSubject: x")).from_address is None


def test_thousands_of_recipients_are_counted_on_raw_lines_quickly():
    to = ", ".join(f"u{i}@example.vn" for i in range(5_000))
    started = time.perf_counter()
    mail = parse(raw(f"From: a@example.vn\nTo: {to}\nCc: x@example.vn\nSubject: spam"))
    assert mail.recipients == 5_001
    assert time.perf_counter() - started < 5


def test_too_big_message_is_refused_with_its_size():
    big = raw("From: a@example.vn\nSubject: to", b"x" * (25 * 1024 * 1024))
    assert len(big) > MAX_MESSAGE_BYTES
    with pytest.raises(MailRefused, match="Thư quá lớn"):
        parse(big)


def test_message_key_is_message_id_else_content_hash_and_stable():
    with_id = raw("From: a@example.vn\nMessage-ID:\n <abc@example.vn>\nSubject: x")
    assert message_key(with_id) == ("mid:<abc@example.vn>", "<abc@example.vn>")
    without = raw("From: a@example.vn\nSubject: x")
    key, mid = message_key(without)
    assert mid is None and key.startswith("sha256:") and message_key(without)[0] == key
    assert message_key(b"\xff\xfe garbage without headers")[0].startswith("sha256:")


def test_references_and_in_reply_to_give_thread_ids_most_specific_first():
    mail = parse(simple(In_Reply_To="<c@x>", References="<a@x> <b@x> <c@x>").as_bytes())
    assert mail.thread_ids == ["<c@x>", "<b@x>", "<a@x>"]


def _noise(message: EmailMessage | bytes, ours=frozenset(), addresses=frozenset()):
    data = message if isinstance(message, bytes) else message.as_bytes()
    return classify(parse(data), is_our_message_id=ours.__contains__, our_addresses=addresses)


@pytest.mark.parametrize("headers, kind", [
    ({"Auto_Submitted": "auto-replied"}, NoiseKind.AUTO_REPLY),
    ({"Auto_Submitted": "auto-generated; owner-email=x@y"}, NoiseKind.AUTO_REPLY),
    ({"X_Autoreply": "yes"}, NoiseKind.AUTO_REPLY),
    ({"Precedence": "bulk"}, NoiseKind.AUTO_REPLY),
    ({"Precedence": "junk"}, NoiseKind.AUTO_REPLY),
    ({"Precedence": "list"}, NoiseKind.AUTO_REPLY),
    ({"From": "MAILER-DAEMON@mx.example.vn"}, NoiseKind.BOUNCE),
    ({"From": "Mail Delivery <postmaster@example.vn>"}, NoiseKind.BOUNCE),
    ({"Return_Path": "<>"}, NoiseKind.BOUNCE),
    ({"X_Failed_Recipients": "a@b.vn"}, NoiseKind.BOUNCE),
])
def test_auto_replies_and_bounces_are_noise(headers, kind):
    assert _noise(simple(**headers)).kind is kind


def test_multipart_report_is_a_bounce_and_auto_submitted_no_is_not_noise():
    report = raw("From: mx@example.vn\nSubject: Delivery Status\n"
                 "Content-Type: multipart/report; report-type=delivery-status; boundary=\"r\"",
                 b"--r\r\nContent-Type: text/plain\r\n\r\nfailed\r\n--r--\r\n")
    assert _noise(report).kind is NoiseKind.BOUNCE
    assert _noise(simple(Auto_Submitted="no")) is None
    assert _noise(simple()) is None


def test_our_own_mail_is_noise_by_message_id_or_sender():
    msg = simple(Message_ID="<sent-1@voc-desk.local>")
    assert _noise(msg, ours=frozenset({"<sent-1@voc-desk.local>"})).kind is NoiseKind.OWN_MAIL
    assert _noise(simple(From="khieunai@voc-desk.local"),
                  addresses=frozenset({"khieunai@voc-desk.local"})).kind is NoiseKind.OWN_MAIL
