"""Hồ sơ page (AppTest): list filters and search, the case file, and the procedure's actions."""
from __future__ import annotations

import re
from datetime import time, timedelta

from streamlit.testing.v1 import AppTest

from tests.conftest import BY_EMAIL, ROOT, errors_shown, make_draft, signed_in
from voc.desk import cases, root_causes
from voc.accounts import users
from voc.accounts.access import Actor, Role
from voc.clock import format_local, local_date, utcnow
from voc.model import Channel, Customer, DocumentKind, LetterDelivery, LetterKind, RootCauseCategory, Service, Status

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
    assert all(re.fullmatch(r"[01],\d\d", score) for score in themes["score"])     # "0,97", not "0.97"


def test_case_file_shows_the_escalation_flag_and_the_negativity_with_their_evidence(app_env):
    threat = new_case(content="Web sập ba ngày, quá tệ.", request="Tôi sẽ kiện ra tòa và đăng lên facebook.")
    app = open_page(ticket=threat.ticket_code)
    [flag] = [m.value for m in app.markdown if "vượt cấp" in m.value]
    assert "tòa án, luật sư" in flag and "“kiện”" in flag and "“đăng lên facebook”" in flag
    assert any(c.value.startswith("Mức tiêu cực: ") and "căn cứ: " in c.value for c in app.caption)
    calm = new_case(content="Cho mình hỏi cách trỏ tên miền.", request="Hướng dẫn giúp mình.")
    app = open_page(ticket=calm.ticket_code)
    assert not [m for m in app.markdown if "vượt cấp" in m.value]
    assert any("không có dấu hiệu khiếu nại vượt cấp" in c.value for c in app.caption)


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
    assert status_of(code) is Status.AWAITING_CUSTOMER        # issued and sent by e-mail
    assert {"Tải DOCX", "Tải PDF"} <= {b.label for b in app.get("download_button")}
    click(app, "Khách hàng không đồng ý — mở giải quyết lần 2")
    case = cases.load_case(db(), STAFF, code)
    assert (case.status, case.round) == (Status.VERIFYING, 2)
    # Round 2: an invitation drafted with the meeting filled in.
    app.radio(key=f"lk_{code}").set_value(LetterKind.INVITATION).run()
    tomorrow = local_date(utcnow()) + timedelta(days=2)
    app.date_input(key=f"lmd_{code}").set_value(tomorrow)
    app.text_input(key=f"lmp_{code}").set_value("Phòng họp tầng 5, 169 Nguyễn Ngọc Vũ")
    app.run()
    assert "Phòng họp tầng 5" in app.text_area(key=f"lb_{code}").value
    click(app, "Phát hành thư")
    assert status_of(code) is Status.AWAITING_CUSTOMER
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
    letters.issue_letter(db(), STAFF, code, LetterKind.REPLY, "Trả lời", CLEAN_BODY, delivery=BY_EMAIL)
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
    letters.issue_letter(db(), STAFF, code, LetterKind.REPLY, "Trả lời", CLEAN_BODY, delivery=BY_EMAIL)
    app = open_page(ticket=code)
    # Someone else issues a second letter after this page was rendered.
    letters.issue_letter(db(), STAFF, code, LetterKind.REPLY, "Bổ sung", CLEAN_BODY + " Bổ sung.", delivery=BY_EMAIL)
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
    click(app, "Kiểm tra thư")
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


def verifying_case(**changes) -> str:
    code = new_case(**changes).ticket_code
    cases.start_verification(db(), STAFF, code)
    return code


def issued_letters(code: str):
    from voc.desk import letters
    with db().cursor() as cur:
        return letters.letters_of(cur, cases.load_case(db(), STAFF, code).id)


def test_composer_is_cleared_after_issuing_so_a_second_click_issues_nothing(app_env):
    code = verifying_case()
    app = open_page(ticket=code)
    app.text_input(key=f"ls_{code}").set_value("Trả lời về sự cố website")
    app.text_area(key=f"lb_{code}").set_value(CLEAN_BODY)
    click(app, "Phát hành thư")
    assert len(issued_letters(code)) == 1
    assert app.text_area(key=f"lb_{code}").value != CLEAN_BODY            # a fresh draft from the template
    assert "[nêu rõ nguyên nhân" in app.text_area(key=f"lb_{code}").value
    assert app.text_input(key=f"ls_{code}").value == f"Trả lời khiếu nại số {code}"
    click(app, "Phát hành thư")                                           # the impatient second click
    assert "chỗ trống của mẫu" in errors_shown(app)[0]
    assert len(issued_letters(code)) == 1


def test_issuing_records_the_delivery_and_shows_it_on_the_case(app_env):
    code = verifying_case()
    app = open_page(ticket=code)
    assert app.radio(key=f"ldm_{code}").value is LetterDelivery.EMAIL      # the customer gave an e-mail
    assert app.text_input(key=f"ldr_{code}").value == "an@example.com"
    app.radio(key=f"ldm_{code}").set_value(LetterDelivery.POST).run()
    assert app.text_input(key=f"ldr_{code}").value == "12 Láng Hạ, Hà Nội"   # follows the chosen way
    app.text_area(key=f"lb_{code}").set_value(CLEAN_BODY)
    click(app, "Phát hành thư")
    [letter] = issued_letters(code)
    assert (letter.delivery.method, letter.delivery.recipient) == (LetterDelivery.POST, "12 Láng Hạ, Hà Nội")
    assert status_of(code) is Status.AWAITING_CUSTOMER
    shown = [t.value for t in app.text]
    assert any(t.startswith("Gửi: Bưu điện — 12 Láng Hạ, Hà Nội — lúc ") for t in shown)
    qa_view = [t.value for t in open_page(QA, ticket=code).text]
    assert not any("12 Láng Hạ" in t for t in qa_view) and any(t.startswith("Gửi: Bưu điện — ") for t in qa_view)


def test_superseded_letter_is_marked_and_the_new_one_names_its_number(app_env):
    from voc.desk import letters
    code = verifying_case()
    first = letters.issue_letter(db(), STAFF, code, LetterKind.REPLY, "Trả lời", CLEAN_BODY, delivery=BY_EMAIL)
    app = open_page(ticket=code)
    app.text_area(key=f"lb_{code}").set_value(CLEAN_BODY + " Đính chính ngày hoàn tất.")
    app.selectbox(key=f"lsup_{code}").set_value(first.id)
    click(app, "Phát hành thư")
    old, new = issued_letters(code)
    labels = [e.label for e in app.expander]
    assert any(label.startswith(f"Thư trả lời số {old.doc_number}") and
               label.endswith(f"đã bị thay thế bởi thư số {new.doc_number}") for label in labels)
    assert f"Thay thế thư số {old.doc_number}." in [c.value for c in app.caption]
    assert all(f"#{old.id}" not in c.value for c in app.caption)
    assert app.selectbox(key=f"lsup_{code}").options == ["(Không — thư mới)", f"Đính chính / thay thế thư số {new.doc_number}"]


def invitation_composer(code: str) -> AppTest:
    app = open_page(ticket=code)
    app.radio(key=f"lk_{code}").set_value(LetterKind.INVITATION).run()
    return app


def test_check_works_on_invitations(app_env):
    code = verifying_case()
    app = invitation_composer(code)
    click(app, "Kiểm tra thư")
    [panel] = [e for e in app.expander if e.label == "Kiểm tra giấy mời"]
    problems = " ".join(panel.dataframe[0].value["Vấn đề"])
    assert "thời gian và địa điểm" in problems
    app.date_input(key=f"lmd_{code}").set_value(local_date(utcnow()) + timedelta(days=2)).run()
    app.text_input(key=f"lmp_{code}").set_value("Phòng họp tầng 5").run()
    click(app, "Kiểm tra thư")
    [panel] = [e for e in app.expander if e.label == "Kiểm tra giấy mời"]
    assert [s.value for s in panel.success] == ["Giấy mời sẵn sàng phát hành: thời gian, địa điểm khớp với nội dung thư."]
    assert status_of(code) is Status.VERIFYING            # checking issues nothing


def test_changing_the_meeting_keeps_the_users_edits(app_env):
    code = verifying_case()
    app = invitation_composer(code)
    own_words = "Kỹ thuật viên phụ trách máy chủ của Quý khách sẽ cùng tham dự."
    body = app.text_area(key=f"lb_{code}").value
    app.text_area(key=f"lb_{code}").set_value(body.replace("Khi đến,", own_words + " Khi đến,")).run()
    day = local_date(utcnow()) + timedelta(days=3)
    app.date_input(key=f"lmd_{code}").set_value(day).run()
    app.text_input(key=f"lmp_{code}").set_value("Chi nhánh Hà Nội, 12 Láng Hạ").run()
    body = app.text_area(key=f"lb_{code}").value
    assert own_words in body
    assert f"- Thời gian: 09:00 {day:%d/%m/%Y}" in body and "- Địa điểm: Chi nhánh Hà Nội, 12 Láng Hạ" in body
    app.time_input(key=f"lmt_{code}").set_value(time(14, 30)).run()       # moved again: the line follows
    body = app.text_area(key=f"lb_{code}").value
    assert f"- Thời gian: 14:30 {day:%d/%m/%Y}" in body and own_words in body
    click(app, "Phát hành thư")
    [letter] = issued_letters(code)
    assert own_words in letter.body and f"14:30 {day:%d/%m/%Y}" in letter.body
    assert format_local(letter.meeting_at) == f"14:30 {day:%d/%m/%Y}"


def test_followup_form_is_cleared_and_the_satisfaction_shown_on_the_case(app_env):
    from voc.desk import letters
    code = verifying_case()
    letters.issue_letter(db(), STAFF, code, LetterKind.REPLY, "Trả lời", CLEAN_BODY, delivery=BY_EMAIL)
    cases.record_agreement(db(), STAFF, code)
    app = open_page(ticket=code)
    assert not [m for m in app.metric if m.label.startswith("Mức độ hài lòng")]
    app.slider(key="followup_score").set_value(2)
    app.text_area(key="followup_note").set_value("Khách chưa hài lòng về tốc độ hỗ trợ")
    click(app, "Ghi nhận theo dõi")
    assert app.slider(key="followup_score").value == 4 and app.text_area(key="followup_note").value == ""
    [metric] = [m for m in app.metric if m.label.startswith("Mức độ hài lòng")]
    assert metric.value == "2/5"
    assert "Khách chưa hài lòng về tốc độ hỗ trợ" in [t.value for t in app.text]


def page_text(app: AppTest) -> str:
    """Everything the case file shows as text: texts, captions, tables, data frames, expander titles."""
    parts = [e.value for e in (*app.text, *app.caption, *app.markdown)] + [e.label for e in app.expander]
    parts += [t.value.to_string() for t in app.table] + [d.value.to_string() for d in app.dataframe]
    return "\n".join(str(p) for p in parts)


def test_a_back_dated_hotline_call_shows_the_call_time_and_when_and_by_whom_it_was_entered(app_env):
    call = utcnow().replace(second=0, microsecond=0) - timedelta(hours=5)
    entered_from = utcnow()
    case = cases.receive(db(), STAFF, make_draft(channel=Channel.HOTLINE, event_date=local_date(call)),
                         received_at=call, details={"call_time": call.isoformat()})
    entered = {format_local(entered_from), format_local(utcnow())}
    cases.start_verification(db(), STAFF, case.ticket_code)
    app = open_page(ticket=case.ticket_code)
    trail = app.dataframe[-1].value
    received = trail[trail["Hành động"] == "Tiếp nhận hồ sơ"].iloc[0]
    assert received["Thời điểm"] == format_local(call)                       # when the call happened
    when, _, who = received["Ghi nhận vào hệ thống"].partition(" — ")        # when and by whom it was entered
    assert when in entered and who == "lan"
    verifying = trail[trail["Hành động"] != "Tiếp nhận hồ sơ"].iloc[0]
    assert verifying["Thời điểm"] in entered and verifying["Ghi nhận vào hệ thống"] == ""
    assert any("Ghi nhận vào hệ thống" in c.value for c in app.caption)


def test_contacts_in_notes_letters_and_the_timeline_are_masked_for_qa(app_env):
    code = new_case().ticket_code
    cases.start_verification(db(), STAFF, code, note="đã gửi thư qua email an.nguyen@icloud.com")
    from voc.desk import letters
    letters.issue_letter(db(), STAFF, code, LetterKind.REPLY, "Trả lời", CLEAN_BODY + " Hotline: 0912.345.678.",
                         delivery=BY_EMAIL)
    cases.record_agreement(db(), STAFF, code)
    cases.record_followup(db(), STAFF, code, 5, "Gọi +84 912 345 678, khách hài lòng")
    cases.record_followup(db(), STAFF, code, 4, "Khách nhắn qua 84-912-345-678")
    staff_view = page_text(open_page(STAFF, ticket=code))
    qa_view = page_text(open_page(QA, ticket=code))
    for contact in ("an.nguyen@icloud.com", "0912.345.678", "+84 912 345 678", "84-912-345-678"):
        assert contact in staff_view
        assert contact not in qa_view
    assert "a•••@icloud.com" in qa_view and "Hotline: •••••••678." in qa_view
    assert "Gọi ••••••••678, khách hài lòng" in qa_view and "Khách nhắn qua ••••••••678" in qa_view


def test_two_staff_acting_at_once_one_wins_the_other_is_told_why_and_keeps_the_note(app_env):
    """Issue #14 item 28: the second click used to vanish with the first click's state change (its form was
    gone on the rerun); it now reaches voc/, is refused with the conflict message and keeps the note."""
    code = new_case().ticket_code
    hoa = Actor("hoa", Role.STAFF, "Hà Nội", "Trần Thị Hoa")
    first, second = open_page(ticket=code), open_page(hoa, ticket=code)
    first.text_area(key="note_start_verification").input("Đã gọi khách lúc 9h.")
    click(first, "Bắt đầu xác minh")
    assert first.success[0].value == "Đã thực hiện: Bắt đầu xác minh."
    second.text_area(key="note_start_verification").input("Khách gửi thêm ảnh chụp màn hình.")
    click(second, "Bắt đầu xác minh")
    assert errors_shown(second) == [
        "Hồ sơ vừa được người khác cập nhật nên thay đổi của bạn chưa được lưu. "
        "Vui lòng tải lại hồ sơ và thực hiện lại."]
    assert second.text_area(key="note_start_verification").value == "Khách gửi thêm ảnh chụp màn hình."
    started = [e for e in cases.timeline(db(), STAFF, code) if e.action == "start_verification"]
    assert [(e.actor, e.note) for e in started] == [("lan", "Đã gọi khách lúc 9h.")]
    assert status_of(code) is Status.VERIFYING
    assert "Hồ sơ vừa chuyển sang trạng thái “Đang xác minh”" in second.info[0].value
    click(second, "Bắt đầu xác minh")                              # again, on the form still shown: told why
    assert errors_shown(second) == ["Không thể thực hiện “Bắt đầu xác minh” khi hồ sơ đang ở trạng thái “Đang xác minh”."]
    assert len([e for e in cases.timeline(db(), STAFF, code) if e.action == "start_verification"]) == 1
    # Reloaded, the file offers the new state's actions, and the note (no field for it now) to copy.
    click(second, "Tải lại hồ sơ")
    assert [t.label for t in second.tabs] == ["Phát hành thư trả lời / giấy mời"]
    assert "“Bắt đầu xác minh” chưa được thực hiện" in second.warning[0].value
    assert [c.value for c in second.code] == ["Khách gửi thêm ảnh chụp màn hình."]
    click(second, "Bỏ nội dung này")
    assert not second.code


def test_a_click_on_a_form_the_case_has_left_is_answered(app_env):
    """The case moved on (closed by someone else) while the composer was open: issuing is refused, and the
    letter's text is kept."""
    from voc.desk import letters
    code = new_case().ticket_code
    cases.start_verification(db(), STAFF, code)
    app = open_page(ticket=code)
    app.text_area(key=f"lb_{code}").set_value(CLEAN_BODY)
    letters.issue_letter(db(), STAFF, code, LetterKind.REPLY, "Trả lời", CLEAN_BODY, delivery=BY_EMAIL)
    cases.record_agreement(db(), STAFF, code)
    click(app, "Phát hành thư")
    assert "người khác cập nhật" in errors_shown(app)[0]
    with db().cursor() as cur:
        assert len(letters.letters_of(cur, cases.load_case(db(), STAFF, code).id)) == 1
    app.run()
    assert [c.value for c in app.code] == [CLEAN_BODY]


def test_a_note_over_the_limit_is_refused_and_kept_and_notes_read_in_full(app_env):
    """Issue #14 item 13: a note of 125.004 characters was accepted and read as one grid line."""
    code = new_case().ticket_code
    app = open_page(ticket=code)
    too_long = "Khách gọi lại nhiều lần. " * 5_000 + "Hết."
    app.text_area(key="note_start_verification").input(too_long)
    click(app, "Bắt đầu xác minh")
    assert errors_shown(app) == ["Ghi chú quá dài (125.004 ký tự; tối đa 50.000). "
                                 "Hãy rút gọn và đính kèm phần còn lại dưới dạng tệp."]
    assert app.text_area(key="note_start_verification").value == too_long
    assert status_of(code) is Status.RECEIVED
    note = "Đã gọi khách lúc 9h, khách xác nhận website vẫn lỗi 503. " * 60 + "\nHẹn gọi lại 14h."
    app.text_area(key="note_start_verification").input(note)
    click(app, "Bắt đầu xác minh")
    assert status_of(code) is Status.VERIFYING
    assert note in [t.value for t in app.text]                 # in full, wrapped text under the table
    [cell] = [n for n in app.dataframe[-1].value["Ghi chú"] if n]
    assert cell.startswith("Đã gọi khách lúc 9h") and cell.endswith("…") and len(cell) <= 81


def test_documents_added_to_the_case_file_with_their_kind_and_duplicates_refused(app_env):
    """Issue #14, item 22: the signed receipt scan and later evidence go into the file from the case page."""
    code = new_case().ticket_code
    app = open_page(ticket=code)
    app.selectbox(key="doc_kind").set_value(DocumentKind.SIGNED_RECEIPT)
    app.file_uploader(key="doc_files_0").set_value(("phieu-da-ky.pdf", b"%PDF-1.4 scan", "application/pdf"))
    click(app, "Thêm tài liệu")
    assert not app.error
    assert any(s.value == "Đã thực hiện: thêm 1 tài liệu (Phiếu tiếp nhận đã ký)." for s in app.success)
    assert [b.label.replace("\\", "") for b in app.get("download_button")] == ["phieu-da-ky.pdf (0 KB)"]
    assert any(c.value.startswith("Phiếu tiếp nhận đã ký — lan") for c in app.caption)
    assert "Thêm tài liệu kèm theo" in list(app.dataframe[-1].value["Hành động"])
    app.file_uploader(key="doc_files_1").set_value(("ban-sao.pdf", b"%PDF-1.4 scan", "application/pdf"))
    click(app, "Thêm tài liệu")
    assert len(errors_shown(app)) == 1 and "Tệp “ban-sao.pdf” đã có trong hồ sơ" in errors_shown(app)[0]
    app.file_uploader(key="doc_files_1").set_value(("anh.png", b"%PDF-1.4 other", "image/png"))
    click(app, "Thêm tài liệu")
    assert "không khớp với phần mở rộng .png" in errors_shown(app)[0]


def test_roles_that_do_not_handle_cases_get_no_upload_form(app_env):
    code = new_case().ticket_code
    app = open_page(QA, ticket=code)
    assert not any(b.label == "Thêm tài liệu" for b in app.button)


def test_hotline_finds_the_case_by_the_phone_however_typed_and_by_e_mail(app_env):
    """Issue #14, item 23: the search box takes a phone number (any spelling, or its last digits) or an e-mail."""
    an = new_case(customer=Customer("Nguyễn Văn An", "0912 345 678", "An.Nguyen@Example.com"))
    new_case(customer=Customer("Trần Bình", "0987654321", "binh@example.com"))
    app = open_page()
    for typed in ("+84912345678", "0912.345.678", "345678", "an.nguyen@example.COM"):
        app.text_input(key="f_text").set_value(typed).run()
        assert listed_codes(app) == [an.ticket_code], typed
    assert app.query_params["q"] in (["an.nguyen@example.COM"], "an.nguyen@example.COM")   # kept in the link
    assert not app.info


def test_qa_cannot_find_cases_by_contact_and_is_told_why(app_env):
    new_case(customer=Customer("Nguyễn Văn An", "0912345678"))
    app = open_page(QA, q="0912345678")
    assert listed_codes(app) == []
    assert any("không tìm được theo số điện thoại hay email" in i.value for i in app.info)
