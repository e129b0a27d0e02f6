"""portal.py (AppTest): a customer files a complaint and sees its code at once, looks it up with the code
and their e-mail, and a wrong code/contact pair gets the one generic answer."""
from __future__ import annotations

import ast
import re
import subprocess
import sys
from datetime import timedelta

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import BY_EMAIL, ROOT, errors_shown
from ui.session import get_db
from voc.desk import cases, letters
from voc.accounts.access import Actor, Role
from voc.clock import local_date, utcnow
from voc.model import IssueKind, LetterKind, Service
from voc.portal.lookup import NOT_FOUND

PORTAL = str(ROOT / "portal.py")
ADMIN = Actor("admin", Role.ADMIN, None, "Quản trị viên")


def open_portal(page: str | None = None) -> AppTest:
    app = AppTest.from_file(PORTAL, default_timeout=60)
    app.run()
    if page:
        app.switch_page(page).run()
    assert not app.exception, app.exception
    return app


def fill_complaint(app: AppTest, *, email="hoa@example.com", phone="", honeypot="") -> AppTest:
    k = app.session_state["portal_form"]
    app.session_state["portal_started"] = utcnow() - timedelta(minutes=2)      # a person took two minutes
    app.text_input(key=f"name-{k}").set_value("Phạm Thị Hoa")
    app.text_input(key=f"email-{k}").set_value(email)
    app.text_input(key=f"phone-{k}").set_value(phone)
    app.selectbox(key=f"service-{k}").set_value(Service.EMAIL)
    app.radio(key=f"kind-{k}").set_value(IssueKind.QUALITY)
    app.date_input(key=f"event-{k}").set_value(local_date(utcnow()) - timedelta(days=1))
    app.text_area(key=f"content-{k}").set_value("Mail gửi đi bị dội lại từ hôm qua.")
    app.text_area(key=f"request-{k}").set_value("Kiểm tra và khắc phục ngay.")
    app.text_input(key=f"portal-hp-{k}").set_value(honeypot)
    return app


def press(app: AppTest, label: str) -> AppTest:
    next(b for b in app.button if b.label == label).click().run()
    assert not app.exception, app.exception
    return app


def file_complaint(**contacts) -> str:
    app = press(fill_complaint(open_portal(), **contacts), "Gửi khiếu nại")
    code = app.session_state["portal_receipt"].ticket_code
    assert any(code in s.value for s in app.success)
    assert [m.value for m in app.metric if m.label == "Mã hồ sơ"] == [code]
    return code


def shown_fields(app: AppTest) -> dict[str, str]:
    """The label/value table as the customer reads it (Markdown escapes removed)."""
    [table] = app.table
    return {k.strip("*"): re.sub(r"\\(.)", r"\1", v) for k, v in table.value.itertuples(index=False)}


def look_up(code: str, contact: str) -> AppTest:
    app = open_portal("portal_pages/lookup.py")
    app.text_input(key="lookup-code").set_value(code)
    app.text_input(key="lookup-contact").set_value(contact)
    return press(app, "Tra cứu")


def test_submit_shows_the_code_at_once_and_the_mail_note(app_env):
    app = press(fill_complaint(open_portal()), "Gửi khiếu nại")
    code = app.session_state["portal_receipt"].ticket_code
    assert code.startswith("KN-") and any(code in s.value for s in app.success)
    assert any("Chúng tôi đã gửi email xác nhận tới hoa@example" in i.value for i in app.info)
    assert [b.label for b in app.get("download_button")] == ["Tải giấy xác nhận (PDF)"]
    press(app, "Gửi khiếu nại khác")
    assert "portal_receipt" not in app.session_state and app.text_input(key=f"name-{app.session_state['portal_form']}")


def test_without_an_email_no_mail_is_promised(app_env):
    app = press(fill_complaint(open_portal(), email="", phone="0912345678"), "Gửi khiếu nại")
    assert app.session_state["portal_receipt"].ticket_code
    assert not [i for i in app.info if "email xác nhận" in i.value]


def test_an_invalid_form_is_refused_in_vietnamese_and_keeps_what_was_typed(app_env):
    app = fill_complaint(open_portal(), email="", phone="")
    k = app.session_state["portal_form"]
    press(app, "Gửi khiếu nại")
    assert errors_shown(app) == ["Vui lòng nhập email hoặc số điện thoại để nhận xác nhận và tra cứu hồ sơ."]
    assert app.text_area(key=f"content-{k}").value == "Mail gửi đi bị dội lại từ hôm qua."
    assert "portal_receipt" not in app.session_state


def test_a_refused_file_is_named_with_its_reason(app_env):
    app = fill_complaint(open_portal())
    k = app.session_state["portal_form"]
    app.file_uploader(key=f"files-{k}").set_value(("hoa-don.pdf", b"MZ\x90\x00", "application/pdf"))
    press(app, "Gửi khiếu nại")
    [error] = errors_shown(app)
    assert "hoa-don.pdf" in error and "không khớp với phần mở rộng .pdf" in error
    assert "portal_receipt" not in app.session_state


def test_filled_honeypot_gets_no_case(app_env):
    app = press(fill_complaint(open_portal(), honeypot="http://spam.example"), "Gửi khiếu nại")
    assert errors_shown(app) and "portal_receipt" not in app.session_state


def test_lookup_with_code_and_email_shows_the_status_and_the_letters(app_env):
    code = file_complaint()
    app = look_up(code, "HOA@example.com")
    assert not app.error
    assert any(code in h.value for h in app.subheader)
    fields = shown_fields(app)
    assert fields["Trạng thái"] == "Đã tiếp nhận" and {"Tiếp nhận lúc", "Hạn gửi thư trả lời", "Hạn giải quyết"} <= set(fields)
    assert any("Chưa có văn bản nào" in c.value for c in app.caption)

    cases.start_verification(get_db(), ADMIN, code)
    letter = letters.issue_letter(get_db(), ADMIN, code, LetterKind.REPLY, "Trả lời khiếu nại",
                                  "Cảm ơn Quý khách. Chúng tôi đã khắc phục lỗi dội thư trước 17:00 hôm nay.",
                                  delivery=BY_EMAIL)
    app = look_up(code, "hoa@example.com")
    assert shown_fields(app)["Trạng thái"] == "Chờ khách hàng phản hồi" and "Hạn gửi thư trả lời" not in shown_fields(app)
    [download] = app.get("download_button")
    assert letter.doc_number in download.label and "Thư trả lời" in download.label
    press(app, "Tra cứu hồ sơ khác")
    assert app.text_input(key="lookup-code")


def test_wrong_pairs_get_the_same_generic_answer(app_env):
    code = file_complaint()
    answers = []
    for ticket, contact in ((code, "nguoi-khac@example.com"), ("KN-2000-000001", "hoa@example.com"),
                            (code, "0999999999")):
        app = look_up(ticket, contact)
        assert not app.table and not app.subheader and "portal_view" not in app.session_state
        answers.append(errors_shown(app))
    assert answers == [[NOT_FOUND]] * 3


def test_staff_pages_are_not_pages_of_the_portal(app_env):
    app = open_portal()
    staff_pages = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "pages").glob("*.py"))
    assert staff_pages
    for page in staff_pages + ["app.py"]:
        with pytest.raises(ValueError, match="Could not find a navigation page"):
            app.switch_page(page)


def test_portal_code_imports_nothing_of_the_staff_side():
    files = [ROOT / "portal.py", ROOT / "ui" / "portal.py", *sorted((ROOT / "portal_pages").glob("*.py"))]
    for path in files:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            for name in names:
                assert name != "app" and not name.startswith("pages"), (path.name, name)


def test_streamlit_run_serves_portal_as_an_app_that_switches_the_pages_folder_off():
    """`streamlit run portal.py` finds the ASGI app and imports the module at start-up, before any visitor;
    that import must turn off Streamlit's pages/ folder (which holds the staff pages) for the process."""
    from streamlit.web.server.app_discovery import discover_asgi_app

    found = discover_asgi_app(ROOT / "portal.py")
    assert found.is_asgi_app and found.import_string == "portal:app"
    probe = ("import portal, streamlit as st; from streamlit import config; "
             "from streamlit.runtime.pages_manager import PagesManager as P; "
             "print(isinstance(portal.app, st.App), P.uses_pages_directory, config.get_option('server.maxUploadSize'))")
    out = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.stdout.split() == ["True", "False", "11"], out.stderr
