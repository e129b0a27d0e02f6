"""Mail on the pages (AppTest): the case file of a case from mail (event date to fill in, the mails,
refused attachments) and Quản trị → Hộp thư (fetching off/on, never a password, quarantine)."""
from __future__ import annotations

import re
from datetime import timedelta
from email.message import EmailMessage

from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT, errors_shown, signed_in
from voc.desk import cases
from voc.accounts.access import Actor, Role
from voc.clock import local_date
from voc.mail import inbound, quarantine
from voc.mail.settings import mail_settings

CASES = str(ROOT / "pages" / "cases.py")
ADMIN = str(ROOT / "pages" / "admin.py")
STAFF = Actor("lan", Role.STAFF, "Hà Nội", "Nguyễn Thị Lan")
ADMIN_ACTOR = Actor("admin", Role.ADMIN, None, "Quản trị viên")
SECRET = "Mat-Khau-Hop-Thu-42"


def db():
    from ui.session import get_db
    return get_db()


def deliver(msg: EmailMessage | bytes) -> inbound.Outcome:
    raw = msg if isinstance(msg, bytes) else msg.as_bytes()
    return inbound.process_message(db(), mail_settings({}), inbound.Incoming(raw))


def complaint(subject: str = "Hóa đơn tính cước sai", body: str = "Tháng này bị trừ tiền hai lần.") -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = "Nguyễn Văn An <an@example.vn>"
    msg["Subject"] = subject
    msg["Message-ID"] = "<p1@example.vn>"
    msg.set_content(body)
    msg.add_attachment(b"MZ\x90", maintype="application", subtype="octet-stream", filename="setup.exe")
    return msg


def run(page: str, actor: Actor, ticket: str | None = None) -> AppTest:
    app = signed_in(AppTest.from_file(page, default_timeout=60), actor)
    if ticket:
        app.query_params["ticket"] = ticket
    if page == ADMIN:
        app.session_state["admin_tab"] = "Hộp thư"                # as a click on the tab
    app.run()
    assert not app.exception, app.exception
    return app


def submit(app: AppTest, label: str) -> AppTest:
    next(b for b in app.button if b.label == label).click().run()
    assert not app.exception, app.exception
    return app


def successes(app: AppTest) -> list[str]:
    return [re.sub(r"\\(.)", r"\1", s.value) for s in app.success]


def only_code() -> str:
    with db().cursor() as cur:
        return cur.execute("SELECT ticket_code FROM cases").fetchone()[0]


def test_case_file_asks_for_the_event_date_and_runs_r8_then(app_env):
    assert deliver(complaint()) is inbound.Outcome.CREATED
    code = only_code()
    listing = run(CASES, STAFF)
    assert list(listing.dataframe[0].value["Thiếu ngày sự việc"]) == [True]
    app = run(CASES, STAFF, code)
    assert any("chưa có ngày xảy ra sự việc" in w.value for w in app.warning)
    assert any("Hóa đơn tính cước sai" in e.label for e in app.expander)
    assert "setup.exe" in list(app.dataframe[0].value["Tệp"])
    received = local_date(cases.load_case(db(), STAFF, code).received_at)
    app.date_input(key=f"ev_day_{code}").set_value(received - timedelta(days=40))
    submit(app, "Lưu ngày xảy ra sự việc")
    assert any("quá thời hiệu" in w.value for w in app.warning)       # business: 30 days
    assert cases.load_case(db(), STAFF, code).event_date is None         # nothing saved without a reason
    app.date_input(key=f"ev_day_{code}").set_value(received - timedelta(days=40))
    app.text_area(key=f"ev_reason_{code}").set_value("Khách mới nhận hóa đơn")
    submit(app, "Lưu ngày xảy ra sự việc")
    case = cases.load_case(db(), STAFF, code)
    assert case.event_date == received - timedelta(days=40) and case.late_complaint and not case.event_date_pending
    assert any("Đã lưu ngày xảy ra sự việc" in s.value for s in app.success)
    assert not any("chưa có ngày xảy ra sự việc" in w.value for w in app.warning)
    assert "Bổ sung ngày xảy ra sự việc" in list(app.dataframe[-1].value["Hành động"])


def test_qa_read_the_customer_mail_on_the_case_file_with_contacts_masked(app_env):
    deliver(complaint(body="Tháng này bị trừ tiền hai lần. Gọi tôi: 0912 345 678 hoặc an.nguyen@icloud.com"))
    app = run(CASES, Actor("qa1", Role.QA, None, "Giám sát"), only_code())
    [mail] = [e for e in app.expander if "Hóa đơn tính cước sai" in e.label]
    shown = "\n".join([mail.label] + [t.value for t in mail.text])
    assert "an@example" not in shown and "a•••@example" in mail.label
    assert "Gọi tôi: •••••••678 hoặc a•••@icloud.com" in shown and "0912 345 678" not in shown


def test_admin_mail_tab_says_fetching_is_off_without_the_setting(app_env, monkeypatch):
    monkeypatch.delenv("VOC_IMAP_URL", raising=False)
    app = run(ADMIN, ADMIN_ACTOR)
    assert any("Nhận thư đang tắt" in i.value for i in app.info)
    assert not app.error


def _all_text(app: AppTest) -> str:
    parts = [e.value for kind in ("markdown", "caption", "info", "success", "warning", "error", "text")
             for e in getattr(app, kind)]
    parts += [t.value.to_string() for t in app.table] + [d.value.to_string() for d in app.dataframe]
    return "\n".join(str(p) for p in parts)


def test_admin_mail_tab_shows_the_mailbox_and_last_fetch_never_the_password(app_env, monkeypatch):
    url = f"imaps://khieunai%40bkns.vn:{SECRET}@mail.example.vn:993/INBOX"
    monkeypatch.setenv("VOC_IMAP_URL", url)
    with db().transaction() as cur:
        cur.execute("INSERT INTO mail_fetch_runs (started_at, finished_at, mailbox, fetched, created, error) "
                    "VALUES (now()::TIMESTAMP, now()::TIMESTAMP, ?, 3, 2, NULL)",
                    [mail_settings({"VOC_IMAP_URL": url}).imap.describe()])
    app = run(ADMIN, ADMIN_ACTOR)
    shown = _all_text(app)
    assert "imaps://khieunai@bkns.vn@mail.example.vn:993/INBOX" in shown.replace("\\", "")
    assert "3 nhận — 2 hồ sơ mới" in shown
    assert SECRET not in shown
    assert any(b.label == "Nhận thư ngay" for b in app.button)


def test_admin_makes_a_case_from_quarantine_and_discards_another(app_env):
    nobody = complaint(subject="Thư không người gửi", body="Tên miền hết hạn.")
    del nobody["From"]
    spam = (b"From: d@example.vn\r\nSubject: quang cao\r\nTo: " + b", ".join(b"u%d@x.vn" % i for i in range(300))
            + b"\r\n\r\nmua ngay\r\n")
    assert deliver(nobody) is inbound.Outcome.QUARANTINED and deliver(spam) is inbound.Outcome.QUARANTINED
    app = run(ADMIN, ADMIN_ACTOR)
    assert any(s.value.startswith("Thư cách ly chờ xử lý (2)") for s in app.subheader)
    first = max(i.id for i in quarantine.list_items(db(), ADMIN_ACTOR))
    assert app.selectbox(key="mail_q_pick").value == first                # newest first: the spam
    submit(app, "Loại bỏ thư")
    assert "Vui lòng ghi lý do loại bỏ thư." in errors_shown(app)
    next(t for t in app.text_input if t.label == "Lý do loại bỏ *").set_value("Thư quảng cáo")
    submit(app, "Loại bỏ thư")
    assert any("Đã loại bỏ thư cách ly" in s for s in successes(app))
    (left,) = quarantine.list_items(db(), ADMIN_ACTOR)
    assert next(t for t in app.text_area if t.label == "Nội dung phản ánh *").value == "Tên miền hết hạn."
    next(t for t in app.text_input if t.label == "Họ tên khách hàng *").set_value("Lê Thị Hoa")
    next(t for t in app.text_input if t.label == "Email của khách hàng").set_value("hoa@example.vn")
    submit(app, "Tạo hồ sơ")
    assert any("Đã tạo hồ sơ KN-" in s for s in successes(app)), errors_shown(app)
    assert quarantine.list_items(db(), ADMIN_ACTOR) == []
    case = cases.load_case(db(), ADMIN_ACTOR, only_code())
    assert case.customer.name == "Lê Thị Hoa" and case.event_date_pending
    assert left.id != first


def test_staff_cannot_open_the_admin_page(app_env):
    app = run(ADMIN, STAFF)
    assert not any(b.label == "Nhận thư ngay" for b in app.button)
