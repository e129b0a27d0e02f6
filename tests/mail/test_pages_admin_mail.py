"""Quản trị → Thư điện tử (AppTest): sending off is said, the outbox rows with their attempts and last
error are listed, "retry now" makes a failed mail due again, and the SMTP password never shows."""
from __future__ import annotations

import re

from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT, make_draft, signed_in
from tests.mail.conftest import SENDER
from voc.desk import cases
from voc.accounts.access import Actor, Role
from voc.mail.local_smtp import LocalSmtpServer
from voc.mail.sender import RetryPolicy, send_pending
from voc.mail.settings import mail_settings

PAGE = str(ROOT / "pages" / "admin.py")
ADMIN = Actor("admin", Role.ADMIN, None, "Quản trị viên")
STAFF = Actor("lan", Role.STAFF, "Hà Nội", "Nguyễn Thị Lan")


def open_page() -> AppTest:
    app = signed_in(AppTest.from_file(PAGE, default_timeout=60), ADMIN)
    app.session_state["admin_tab"] = "Thư điện tử"             # as a click on the tab
    app.run()
    assert not app.exception, app.exception
    return app


def outbox_table(app: AppTest):
    return next(d.value for d in app.dataframe if "Message-ID" in d.value.columns)


def page_text(app: AppTest) -> str:
    parts = [e.value for kind in ("info", "success", "error", "caption", "markdown") for e in app.get(kind)]
    return re.sub(r"\\(.)", r"\1", "\n".join(str(p) for p in parts))   # as the user reads it


def test_sending_off_is_said_and_queued_mail_listed(app_env, monkeypatch):
    from ui.session import get_db

    monkeypatch.delenv("VOC_SMTP_URL", raising=False)
    monkeypatch.delenv("VOC_MAIL_FROM", raising=False)
    case = cases.receive(get_db(), STAFF, make_draft())
    app = open_page()
    [notice] = [i.value for i in app.info if "Gửi thư đang tắt" in i.value]
    assert "không thư nào bị mất" in notice and "khi bật gửi thư" in notice
    assert [m.value for m in app.metric][:3] == ["1", "0", "0"]
    [row] = outbox_table(app).to_dict("records")
    assert row["Trạng thái"] == "Đang chờ gửi" and row["Người nhận"] == "an@example.com"
    assert row["Tiêu đề"].startswith(f"[{case.ticket_code}]") and row["Số lần thử"] == 0


def test_failed_mail_shown_and_retried_password_never_shown(app_env, monkeypatch):
    from ui.session import get_db

    with LocalSmtpServer() as server:
        server.refuse(data="554 5.7.1 Rejected by policy")
        url = f"smtp://cskh:Bi-Mat-Lam-123@127.0.0.1:{server.port}"
        monkeypatch.setenv("VOC_SMTP_URL", url.replace("cskh:Bi-Mat-Lam-123@", ""))
        monkeypatch.setenv("VOC_MAIL_FROM", SENDER)
        db = get_db()
        cases.receive(db, STAFF, make_draft())
        settings = mail_settings()
        assert send_pending(db, settings, policy=RetryPolicy(max_attempts=1)).gave_up == 1
    monkeypatch.setenv("VOC_SMTP_URL", url)   # the page reads the setting with its password
    app = open_page()
    text = page_text(app)
    assert "Gửi thư đang bật" in text and f"smtp://cskh@127.0.0.1:{server.port}" in text
    assert "Bi-Mat-Lam-123" not in text and all("Bi-Mat-Lam-123" not in str(d.value.to_dict()) for d in app.dataframe)
    [row] = outbox_table(app).to_dict("records")
    assert row["Trạng thái"] == "Gửi thất bại" and row["Số lần thử"] == 1 and "554" in row["Lỗi gần nhất"]
    picker = app.multiselect[0]
    picker.select(picker.options[0])          # inside the form: sent with the submit below
    next(b for b in app.button if b.label == "Gửi lại ngay").click().run()
    assert not app.exception, app.exception
    assert any("Đã đặt 1 thư gửi lại ngay" in s.value for s in app.success)
    [row] = outbox_table(app).to_dict("records")
    assert row["Trạng thái"] == "Đang chờ gửi lại" and row["Số lần thử"] == 0


def test_invalid_setting_is_shown_not_raised(app_env, monkeypatch):
    monkeypatch.setenv("VOC_SMTP_URL", "http://mail.bkns.vn")
    app = open_page()
    assert any("Cấu hình gửi thư không hợp lệ" in e.value and "không thư nào bị mất" in e.value for e in app.error)
