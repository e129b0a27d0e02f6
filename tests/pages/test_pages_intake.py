"""Tiếp nhận page (AppTest): a case per channel, late complaints, validation messages, no double save."""
from __future__ import annotations

from datetime import timedelta

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT, errors_shown, signed_in
from voc.accounts.access import Actor, Role
from voc.clock import local_date, utcnow
from voc.model import Channel, IssueKind, Service

PAGE = str(ROOT / "pages" / "intake.py")
STAFF = Actor("lan", Role.STAFF, "Hà Nội", "Nguyễn Thị Lan")
TODAY = local_date(utcnow())


def open_page(actor: Actor = STAFF) -> AppTest:
    app = signed_in(AppTest.from_file(PAGE, default_timeout=30), actor)
    app.run()
    assert not app.exception, app.exception
    return app


def key(app: AppTest) -> str:
    return app.session_state["intake_key"]


def fill(app: AppTest, channel: Channel = Channel.IN_PERSON, *, name="Nguyễn Văn An", event=TODAY - timedelta(days=2),
         content="Website bị sập từ sáng thứ Bảy.", request="Khôi phục website ngay.", **contacts) -> AppTest:
    k = key(app)
    app.radio(key=f"channel-{k}").set_value(channel).run()
    app.text_input(key=f"name-{k}").set_value(name)
    for field, value in contacts.items():
        widget = app.date_input(key=f"{field}-{k}") if field in ("letterdate",) else app.text_input(key=f"{field}-{k}")
        widget.set_value(value)
    app.selectbox(key=f"service-{k}").set_value(Service.HOSTING)
    app.selectbox(key=f"kind-{k}").set_value(IssueKind.QUALITY)
    app.date_input(key=f"event-{k}").set_value(event)
    app.text_area(key=f"content-{k}").set_value(content)
    app.text_area(key=f"request-{k}").set_value(request)
    return app


def submit(app: AppTest) -> AppTest:
    next(b for b in app.button if b.label == "Lưu hồ sơ").click().run()
    assert not app.exception, app.exception
    return app


def saved_code(app: AppTest) -> str:
    code = app.session_state["intake_done"]
    assert code.startswith("KN-")
    return code


def count_cases(app_env) -> int:
    from ui.session import get_db
    with get_db().cursor() as cur:
        return cur.execute("SELECT count(*) FROM cases").fetchone()[0]


def test_in_person_case_gives_code_due_times_confirmation_and_receipt(app_env):
    app = fill(open_page(), phone="0912345678")
    app.file_uploader(key=f"files-{key(app)}").set_value(("anh-chup.png", b"\x89PNG\r\n\x1a\nxxxx", "image/png"))
    submit(app)
    code = saved_code(app)
    assert any(code in s.value for s in app.success)
    labels = [m.label for m in app.metric]
    assert "Hạn gửi thư trả lời" in labels and "Hạn giải quyết" in labels
    downloads = [b.label for b in app.get("download_button")]
    assert "In Phiếu tiếp nhận (PDF)" in downloads and "Tải xác nhận (PDF)" in downloads
    assert any("anh-chup.png" in t.value for t in app.text)


def test_result_page_builds_no_pdf_until_one_is_downloaded(app_env, monkeypatch):
    from voc.desk import documents

    built = []
    for name in ("confirmation_pdf", "receipt_pdf"):
        real = getattr(documents, name)
        monkeypatch.setattr(documents, name, lambda *a, _real=real, _name=name, **kw: built.append(_name) or _real(*a, **kw))
    app = submit(fill(open_page(), phone="0912345678"))
    saved_code(app)
    app.run()       # the result page shown again (any widget change reruns it)
    assert not app.exception, app.exception
    downloads = [b.label for b in app.get("download_button")]
    assert "In Phiếu tiếp nhận (PDF)" in downloads and "Tải xác nhận (PDF)" in downloads
    assert built == []


@pytest.mark.parametrize("channel, contacts", [
    (Channel.HOTLINE, {"phone": "0987654321"}),
    (Channel.EMAIL, {"email": "khach@example.com", "webticket": "WEB-123"}),
    (Channel.POST, {"address": "5 Lê Lợi, Huế", "letterdate": TODAY - timedelta(days=1)}),
])
def test_each_channel_saves_a_case(app_env, channel, contacts):
    app = submit(fill(open_page(), channel, **contacts))
    code = saved_code(app)
    from ui.session import get_db
    from voc.desk.cases import load_case
    case = load_case(get_db(), STAFF, code)
    assert case.channel is channel and case.branch == "Hà Nội"
    downloads = [b.label for b in app.get("download_button")]
    assert "In Phiếu tiếp nhận (PDF)" not in downloads
    if channel is Channel.EMAIL:
        assert any("Nội dung email xác nhận" in c.value for c in app.caption)


def test_channel_requires_its_contact(app_env):
    app = submit(fill(open_page(), Channel.EMAIL, phone="0912345678"))
    assert errors_shown(app) == ["Kênh email / web ticket: vui lòng nhập email của khách hàng."]
    assert count_cases(app_env) == 0


def test_missing_required_field(app_env):
    app = submit(fill(open_page(), request="", phone="0912345678"))
    assert errors_shown(app) == ["Vui lòng nhập yêu cầu cần giải quyết."]
    assert "intake_done" not in app.session_state
    assert count_cases(app_env) == 0


def test_future_event_date(app_env):
    app = submit(fill(open_page(), event=TODAY + timedelta(days=3), phone="0912345678"))
    assert errors_shown(app) == ["Ngày xảy ra sự việc không thể sau ngày tiếp nhận."]
    assert count_cases(app_env) == 0


def test_forbidden_attachment_type(app_env):
    app = fill(open_page(), phone="0912345678")
    app.file_uploader(key=f"files-{key(app)}").set_value(("virus.exe", b"MZ\x90\x00", "application/octet-stream"))
    submit(app)
    assert len(app.error) == 1 and "virus.exe" in errors_shown(app)[0] and "không thuộc loại được phép" in errors_shown(app)[0]
    assert count_cases(app_env) == 0


def test_error_quoting_a_file_name_shows_it_as_text(app_env):
    app = fill(open_page(), phone="0912345678")
    hostile = "[bấm](javascript:alert(1))**x**.exe"
    app.file_uploader(key=f"files-{key(app)}").set_value((hostile, b"MZ", "application/octet-stream"))
    submit(app)
    assert hostile in errors_shown(app)[0]
    assert "\\[bấm\\]\\(javascript" in app.error[0].value and "\\*\\*x" in app.error[0].value
    assert count_cases(app_env) == 0


def test_late_complaint_needs_a_reason(app_env):
    app = submit(fill(open_page(), event=TODAY - timedelta(days=120), phone="0912345678"))
    assert "intake_done" not in app.session_state
    assert any("quá thời hiệu" in w.value for w in app.warning)
    app.text_area(key=f"late-{key(app)}").set_value("Khách hàng ở nước ngoài, có giấy xác nhận.")
    submit(app)
    code = saved_code(app)
    from ui.session import get_db
    from voc.desk.cases import load_case
    assert load_case(get_db(), STAFF, code).late_complaint


def test_same_form_submitted_twice_saves_once(app_env):
    app = fill(open_page(), phone="0912345678")
    k = key(app)
    submit(app)
    first = saved_code(app)
    # A second submit of the same form instance (e.g. a double click) reuses its intake key.
    from ui.session import get_db
    from voc.desk import cases
    from voc.model import CaseDraft, Customer
    draft = CaseDraft(Customer("Nguyễn Văn An", "0912345678"), Channel.IN_PERSON, Service.HOSTING,
                      IssueKind.QUALITY, TODAY, "x", "y", branch="Hà Nội")
    again = cases.receive(get_db(), STAFF, draft, intake_key=k)
    assert again.ticket_code == first
    assert count_cases(app_env) == 1
    assert key(app) != k


def test_user_text_is_not_rendered(app_env):
    app = submit(fill(open_page(), content="<script>alert(1)</script> **đậm** [link](http://x)", phone="0912345678"))
    saved_code(app)
    assert all("<script>" not in m.value for m in app.markdown)
    assert any("<script>alert(1)</script>" in t.value for t in app.text)


def test_roles_without_handle_cases_are_stopped(app_env):
    app = open_page(Actor("ql1", Role.MANAGER))
    assert app.error[0].value == "Bạn không có quyền mở trang này."
    assert any("Chỉ nhân viên CSKH" in c.value for c in app.caption)


def test_retyping_a_save_the_server_committed_before_dying_warns_and_links_to_it(app_env):
    # The first save was committed but its session died with the server (its ticket code never shown).
    from ui.session import get_db
    from voc.desk import cases
    from voc.model import CaseDraft, Customer
    lost = cases.receive(get_db(), STAFF, CaseDraft(
        Customer("Nguyễn Văn An", "0912345678"), Channel.IN_PERSON, Service.HOSTING, IssueKind.QUALITY,
        TODAY - timedelta(days=2), "Website bị sập từ sáng thứ Bảy.", "Khôi phục website ngay.", branch="Hà Nội"),
        intake_key="the-session-that-died")
    app = submit(fill(open_page(), phone="0912 345 678", content="website bị sập từ sáng thứ bảy"))
    assert "intake_done" not in app.session_state and count_cases(app_env) == 1
    [warning] = [w.value for w in app.warning if "Có thể hồ sơ này đã được lưu" in w.value]
    assert lost.ticket_code in warning
    assert any(lost.ticket_code in c.value for c in app.caption)      # the link (a caption when run alone)
    app.checkbox(key=f"dupok-{key(app)}").check()
    submit(app)
    assert saved_code(app) != lost.ticket_code and count_cases(app_env) == 2
# --- Links from intake (issue #14, items 23-24): run through app.py, whose navigation the links use ----

APP = str(ROOT / "app.py")


def open_in_app(actor: Actor = STAFF) -> AppTest:
    app = signed_in(AppTest.from_file(APP, default_timeout=60), actor).run()
    app.switch_page("pages/intake.py").run()
    assert not app.exception, app.exception
    return app


def linked_tickets(app: AppTest) -> list[str]:
    return [link.proto.query_string.removeprefix("ticket=") for link in app.get("page_link")
            if link.proto.query_string.startswith("ticket=")]


def earlier_case(phone: str, content: str, request: str, days_ago: int = 1):
    from ui.session import get_db
    from tests.conftest import make_draft
    from voc.desk import cases
    from voc.model import Customer
    draft = make_draft(customer=Customer("Nguyễn Văn An", phone), content=content, request=request,
                       event_date=TODAY - timedelta(days=days_ago))
    return cases.receive(get_db(), STAFF, draft, received_at=utcnow() - timedelta(days=days_ago))


def test_result_links_the_new_case_the_customers_open_cases_and_similar_ones(app_env):
    billing = earlier_case("0912.345.678", "Hóa đơn tính sai tiền gia hạn.", "Xuất lại hóa đơn.")
    alike = earlier_case("0987 654 321", "Website bị sập từ sáng, khách không vào được.", "Khôi phục website.")
    barely = earlier_case("0987 000 111", "Website chạy chậm vào buổi tối.", "Kiểm tra máy chủ.")
    app = submit(fill(open_in_app(), phone="+84 912 345 678"))
    code = saved_code(app)
    links = linked_tickets(app)
    assert links[0] == code                                   # "Mở hồ sơ KN-…" right under the success message
    assert set(links[1:]) == {billing.ticket_code, alike.ticket_code}
    assert barely.ticket_code not in links                    # shares "website" only: not similar
    assert [h.value for h in app.subheader if h.value.startswith("Khiếu nại tương tự")] == [
        "Khiếu nại tương tự về Hosting (1)"]


def test_lookup_by_phone_or_e_mail_lists_the_customers_cases_with_links(app_env):
    first = earlier_case("0912 345 678", "Hóa đơn tính sai tiền gia hạn.", "Xuất lại hóa đơn.", days_ago=3)
    second = earlier_case("84912345678", "Website bị sập từ sáng.", "Khôi phục website.", days_ago=1)
    earlier_case("0987 654 321", "Mạng chậm.", "Kiểm tra.")
    app = open_in_app()
    app.text_input(key="intake_lookup_contact").set_value("+84 912.345.678")
    next(b for b in app.button if b.label == "Tra cứu").click().run()
    assert not app.exception, app.exception
    assert linked_tickets(app) == [second.ticket_code, first.ticket_code]
    assert any(c.value == "2 hồ sơ của khách hàng, 2 đang mở (đang mở xếp trước):" for c in app.caption)
    app.text_input(key="intake_lookup_contact").set_value("12")
    next(b for b in app.button if b.label == "Tra cứu").click().run()
    assert errors_shown(app) == ["Nhập số điện thoại (ít nhất 6 chữ số cuối) hoặc email của khách hàng."]
