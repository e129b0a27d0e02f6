"""Hồ sơ page (AppTest): list filters and search, the case file, and the procedure's actions."""
from __future__ import annotations

from datetime import timedelta

from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT, errors_shown, make_draft, signed_in
from voc.desk import cases, root_causes
from voc.accounts import users
from voc.accounts.access import Actor, Role
from voc.clock import local_date, utcnow
from voc.model import Customer, LetterKind, RootCauseCategory, Service, Status

PAGE = str(ROOT / "pages" / "cases.py")
STAFF = Actor("lan", Role.STAFF, "Hà Nội", "Nguyễn Thị Lan")
QA = Actor("qa1", Role.QA, None, "Giám sát")
CLEAN_BODY = "Kính gửi Quý khách,\nChúng tôi đã thay ổ đĩa máy chủ và sẽ theo dõi đến ngày 30/11."


def db():
    from ui.session import get_db
    return get_db()


def new_case(**changes):
    draft = make_draft(event_date=local_date(utcnow()) - timedelta(days=1), **changes)
    return cases.receive(db(), STAFF, draft)


def open_page(actor: Actor = STAFF, ticket: str | None = None, **params) -> AppTest:
    app = signed_in(AppTest.from_file(PAGE, default_timeout=30), actor)
    if ticket:
        app.query_params["ticket"] = ticket
    for name, value in params.items():
        app.query_params[name] = value
    app.run()
    assert not app.exception, app.exception
    return app


def click(app: AppTest, label: str) -> AppTest:
    next(b for b in app.button if b.label == label).click().run()
    assert not app.exception, app.exception
    return app


def status_of(code: str) -> Status:
    return cases.load_case(db(), STAFF, code).status


def listed_codes(app: AppTest) -> list[str]:
    if not app.dataframe:
        return []
    return list(app.dataframe[0].value["Mã hồ sơ"])


def test_search_ignores_diacritics_and_filters_by_status(app_env):
    slow = new_case(content="Mạng chậm vào buổi tối, không xem được video.")
    down = new_case(content="Website bị sập từ sáng.", service=Service.VPS)
    cases.start_verification(db(), STAFF, down.ticket_code)
    app = open_page()
    assert set(listed_codes(app)) == {slow.ticket_code, down.ticket_code}
    app.text_input(key="f_text").set_value("mang cham").run()
    assert listed_codes(app) == [slow.ticket_code]
    assert app.query_params["q"] == ["mang cham"] or app.query_params["q"] == "mang cham"
    app.text_input(key="f_text").set_value("").run()
    app.multiselect(key="f_status").set_value([Status.VERIFYING]).run()
    assert listed_codes(app) == [down.ticket_code]
    app.multiselect(key="f_status").set_value([]).run()
    app.multiselect(key="f_service").set_value([Service.HOSTING]).run()
    assert listed_codes(app) == [slow.ticket_code]


def test_filters_restored_from_a_shared_link(app_env):
    slow = new_case(content="Mạng chậm vào buổi tối.")
    new_case(content="Hóa đơn sai.")
    app = open_page(q="MẠNG CHẬM", status="received")
    assert app.text_input(key="f_text").value == "MẠNG CHẬM"
    assert listed_codes(app) == [slow.ticket_code]


def test_case_file_shows_facts_clocks_and_timeline(app_env):
    case = new_case(content="<b>Mạng</b> chậm **rất** chậm")
    app = open_page(ticket=case.ticket_code)
    assert app.title[0].value == f"Hồ sơ {case.ticket_code}"
    assert any("<b>Mạng</b> chậm **rất** chậm" == t.value for t in app.text)
    assert all("<b>" not in m.value for m in app.markdown)
    timeline = app.dataframe[-1].value
    assert list(timeline["Hành động"]) == ["Tiếp nhận hồ sơ"]
    assert list(timeline["Người thực hiện"]) == ["lan"]       # not an account: the username
    assert [t.label for t in app.tabs] == ["Bắt đầu xác minh"]


def test_case_file_shows_the_themes_and_their_evidence(app_env):
    case = new_case(content="web bi sap tu sang, goi ko ai nghe may")
    app = open_page(ticket=case.ticket_code)
    [themes] = [d.value for d in app.dataframe if "evidence" in d.value.columns]
    assert {"downtime", "support_responsiveness"} <= set(themes["code"])
    assert all(themes["evidence"].str.len() > 0)


def test_timeline_names_account_holders(app_env):
    users.create_user(db(), Actor("root", Role.ADMIN), "lan", "Nguyễn Thị Lan", Role.STAFF, "Hà Nội",
                      "mat-khau-dai-123")
    case = new_case()
    cases.start_verification(db(), STAFF, case.ticket_code)
    timeline = open_page(ticket=case.ticket_code).dataframe[-1].value
    assert list(timeline["Người thực hiện"]) == ["Nguyễn Thị Lan (lan)"] * 2


def test_markdown_in_customer_name_is_escaped_in_tables(app_env):
    case = new_case(customer=Customer("[Nhấn vào](http://evil) **An**", "0912345678"))
    app = open_page(ticket=case.ticket_code)
    shown = app.table[0].value.to_string()
    assert r"\[Nhấn vào\]\(http\:\/\/evil\)" in shown or r"\[Nhấn vào\]\(http\://evil\)" in shown
    assert r"\*\*An\*\*" in shown


def test_contacts_masked_for_qa_and_no_actions(app_env):
    case = new_case()
    app = open_page(QA, ticket=case.ticket_code)
    shown = app.table[0].value.to_string()
    assert "0912345678" not in shown and "•••••••678" in shown
    assert not app.tabs


def test_round_one_reply_then_round_two_invitation_then_referral(app_env):
    code = new_case().ticket_code
    app = click(open_page(ticket=code), "Bắt đầu xác minh")
    assert status_of(code) is Status.VERIFYING
    assert app.success[0].value.startswith("Đã thực hiện")
    # The template draft still has [placeholders]: issuing is refused with a clear message.
    click(app, "Phát hành thư")
    assert "chỗ trống của mẫu" in app.error[0].value
    app.text_area(key=f"lb_{code}").set_value(CLEAN_BODY)
    click(app, "Phát hành thư")
    assert status_of(code) is Status.REPLIED
    assert {"Tải DOCX", "Tải PDF"} <= {b.label for b in app.get("download_button")}
    click(app, "Đã gửi, chờ khách hàng phản hồi")
    assert status_of(code) is Status.AWAITING_CUSTOMER
    click(app, "Khách hàng không đồng ý — mở giải quyết lần 2")
    case = cases.load_case(db(), STAFF, code)
    assert (case.status, case.round) == (Status.VERIFYING, 2)
    # Round 2: an invitation drafted with the meeting filled in.
    app.radio(key=f"lk_{code}").set_value(LetterKind.INVITATION).run()
    tomorrow = local_date(utcnow()) + timedelta(days=2)
    app.date_input(key=f"lmd_{code}").set_value(tomorrow)
    app.text_input(key=f"lmp_{code}").set_value("Phòng họp tầng 5, 169 Nguyễn Ngọc Vũ")
    click(app, "Tạo lại bản nháp từ mẫu")
    assert "Phòng họp tầng 5" in app.text_area(key=f"lb_{code}").value
    click(app, "Phát hành thư")
    assert status_of(code) is Status.REPLIED
    assert "Khách hàng không đồng ý — mở giải quyết lần 2" not in [t.label for t in app.tabs]
    click(app, "Khách hàng không đồng ý lần 2 — chuyển cơ quan quản lý / Tòa án")
    case = cases.load_case(db(), STAFF, code)
    assert case.status is Status.REFERRED and case.referral_body is not None
    actions = list(app.dataframe[-1].value["Hành động"])
    assert actions.count("Phát hành thư trả lời / giấy mời") == 2


def test_agreement_close_and_followup(app_env):
    code = new_case().ticket_code
    cases.start_verification(db(), STAFF, code)
    from voc.desk import letters
    letters.issue_letter(db(), STAFF, code, LetterKind.REPLY, "Trả lời", CLEAN_BODY)
    app = click(open_page(ticket=code), "Khách hàng đồng ý")
    assert status_of(code) is Status.RESOLVED
    click(app, "Đóng hồ sơ")
    assert status_of(code) is Status.CLOSED
    app.slider(key="followup_score").set_value(4)
    click(app, "Ghi nhận theo dõi")
    assert "mức hài lòng 4/5" in list(app.dataframe[-1].value["Chi tiết"])


def test_concurrent_change_gives_conflict_message(app_env):
    from voc.desk import letters
    code = new_case().ticket_code
    cases.start_verification(db(), STAFF, code)
    letters.issue_letter(db(), STAFF, code, LetterKind.REPLY, "Trả lời", CLEAN_BODY)
    app = open_page(ticket=code)
    # Someone else marks it sent after this page was rendered; "agrees" is still offered in both states.
    cases.mark_awaiting_customer(db(), STAFF, code)
    click(app, "Khách hàng đồng ý")
    assert errors_shown(app) == [
        "Hồ sơ vừa được người khác cập nhật nên thay đổi của bạn chưa được lưu. "
        "Vui lòng tải lại hồ sơ và thực hiện lại."]
    assert status_of(code) is Status.AWAITING_CUSTOMER
    # Having now seen the latest version, the user can retry.
    click(app, "Khách hàng đồng ý")
    assert status_of(code) is Status.RESOLVED


def test_unknown_ticket(app_env):
    app = open_page(ticket="KN-2099-999999")
    assert "Không tìm thấy hồ sơ" in app.error[0].value


def test_reply_checker_in_the_case_file_flags_excuse_and_missing_fix_date(app_env):
    code = new_case().ticket_code
    app = click(open_page(ticket=code), "Bắt đầu xác minh")
    app.text_area(key=f"lb_{code}").set_value(
        "Kính gửi Quý khách. Sự cố do lỗi khách quan từ nhà cung cấp điện. Chúng tôi sẽ xử lý sớm.")
    click(app, "Kiểm tra thư trả lời")
    [panel] = [e for e in app.expander if e.label.startswith("Kiểm tra thư trả lời")]
    problems = " ".join(panel.dataframe[0].value["Vấn đề"])
    assert "lý do" in problems or "đổ lỗi" in problems
    assert "thời hạn" in problems or "thời gian" in problems
    assert status_of(code) is Status.VERIFYING  # checking issues nothing


def test_root_cause_recorded_from_the_case_file(app_env):
    case = new_case()
    app = open_page(ticket=case.ticket_code)
    assert any("Chưa ghi nhận nguyên nhân gốc" in c.value for c in app.caption)
    click(app, "Lưu nguyên nhân gốc")                      # nothing chosen yet
    assert errors_shown(app) == ["Vui lòng chọn nhóm nguyên nhân."]
    [category] = [s for s in app.selectbox if s.label == "Nhóm nguyên nhân *"]
    category.set_value(RootCauseCategory.SOFTWARE)
    [cause] = [t for t in app.text_area if t.label == "Nguyên nhân *"]
    cause.input("Bản cập nhật PHP 8.3 làm hỏng plugin bộ nhớ đệm")
    [fix] = [t for t in app.text_area if t.label == "Biện pháp khắc phục nội bộ"]
    fix.input("Kiểm thử plugin trước mỗi lần nâng cấp PHP")
    click(app, "Lưu nguyên nhân gốc")
    assert any("Lưu nguyên nhân gốc" in s.value for s in app.success)
    tables = [t.value for t in app.table]
    facts = next(t for t in tables if any("Nhóm nguyên nhân" in str(v) for v in t.iloc[:, 0]))
    assert "Phần mềm / cấu hình" in facts.iloc[:, 1].tolist()
    assert "Đang thực hiện" in facts.iloc[:, 1].tolist()
    timeline = app.dataframe[-1].value
    assert "Ghi nhận nguyên nhân gốc / khắc phục nội bộ" in list(timeline["Hành động"])


def test_qa_reads_the_root_cause_but_cannot_edit_it(app_env):
    case = new_case()
    root_causes.record_root_cause(db(), STAFF, case.ticket_code, RootCauseCategory.PROCESS, "Thiếu bước kiểm tra",
                                  owner="[Nhóm](javascript:alert(1))")
    app = open_page(QA, ticket=case.ticket_code)
    assert not [b for b in app.button if b.label == "Lưu nguyên nhân gốc"]
    facts = next(t.value for t in app.table if "Thiếu bước kiểm tra" in t.value.iloc[:, 1].tolist())
    assert "\\[Nhóm\\]\\(javascript\\:alert\\(1\\)\\)" in facts.iloc[:, 1].tolist()    # shown as text
