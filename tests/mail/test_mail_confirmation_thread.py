"""The R3 confirmation of a case that came in by e-mail answers the customer's own mail, end to end
with the real servers: a message into Dovecot -> fetch pass -> send pass to aiosmtpd -> the captured
mail's headers. Its answer threads back to the same case."""
from __future__ import annotations

from email.message import EmailMessage

from tests.mail.conftest import SENDER
from voc.mail import inbound, outbox
from voc.mail.sender import send_pending
from voc.mail.settings import mail_settings
from voc.store import case_store


def both(imap, smtp):
    return mail_settings({"VOC_IMAP_URL": imap.url, "VOC_SMTP_URL": f"smtp://127.0.0.1:{smtp.port}",
                          "VOC_MAIL_FROM": SENDER})


def customer_mail(subject: str, message_id: str = "<abc-123@khach.example.vn>") -> bytes:
    msg = EmailMessage()
    msg["From"] = "Trần Thị Bình <binh@khach.example.vn>"
    msg["To"] = "khieunai@voc-desk.local"
    msg["Subject"] = subject
    msg["Message-ID"] = message_id
    msg.set_content("Website của tôi báo lỗi 503 từ tối qua, khách hàng không vào được.")
    return msg.as_bytes()


def test_confirmation_of_a_mail_case_threads_on_the_customers_mail(db, mailbox, smtp_server, monkeypatch):
    monkeypatch.setenv("VOC_MAIL_FROM", SENDER)
    settings = both(mailbox, smtp_server)
    mailbox.append(customer_mail("Website bị sập, báo lỗi 503"))
    assert inbound.fetch_once(db, settings).counts.created == 1
    assert send_pending(db, settings).sent == 1

    [captured] = smtp_server.received
    msg = captured.message
    with db.cursor() as cur:
        (code,) = cur.execute("SELECT ticket_code FROM cases").fetchone()
    assert captured.rcpt_tos == ("binh@khach.example.vn",)
    assert msg["In-Reply-To"] == "<abc-123@khach.example.vn>"
    assert msg["References"] == "<abc-123@khach.example.vn>"
    assert msg["Subject"] == f"Re: Website bị sập, báo lỗi 503 [{code}]"
    assert msg["Auto-Submitted"] == "auto-generated"
    assert code in msg.get_body(("plain",)).get_content()

    # The customer answers the confirmation: it joins the same case by our Message-ID.
    answer = EmailMessage()
    answer["From"] = "Trần Thị Bình <binh@khach.example.vn>"
    answer["To"] = "khieunai@voc-desk.local"
    answer["Subject"] = msg["Subject"].replace("Re: ", "Re: Re: ", 1)
    answer["Message-ID"] = "<abc-124@khach.example.vn>"
    answer["In-Reply-To"] = msg["Message-ID"]
    answer["References"] = f"<abc-123@khach.example.vn> {msg['Message-ID']}"
    answer.set_content("Cảm ơn, tôi chờ phản hồi.")
    mailbox.append(answer.as_bytes())
    report = inbound.fetch_once(db, settings)
    assert (report.counts.created, report.counts.joined) == (0, 1)
    with db.cursor() as cur:
        assert case_store.count_cases(cur) == 1


def test_a_customer_subject_already_answered_or_carrying_the_code_is_not_doubled():
    assert outbox.reply_subject("RE: re:  Lỗi\n mail", "KN-2026-000001") == "Re: Lỗi mail [KN-2026-000001]"
    assert outbox.reply_subject("Lỗi [KN-2026-000001] tiếp", "KN-2026-000001") == "Re: Lỗi tiếp [KN-2026-000001]"


def test_a_subjectless_mail_gets_the_usual_confirmation_subject_in_its_thread(db, mailbox, smtp_server, monkeypatch):
    monkeypatch.setenv("VOC_MAIL_FROM", SENDER)
    settings = both(mailbox, smtp_server)
    mailbox.append(customer_mail("", "<no-subject@khach.example.vn>"))
    inbound.fetch_once(db, settings)
    send_pending(db, settings)
    [captured] = smtp_server.received
    with db.cursor() as cur:
        (code,) = cur.execute("SELECT ticket_code FROM cases").fetchone()
    assert captured.message["Subject"].startswith(f"[{code}] ")
    assert captured.message["In-Reply-To"] == "<no-subject@khach.example.vn>"

