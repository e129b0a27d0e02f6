"""Làm sáng tỏ and Từ điển khách hàng (AppTest) on an empty and on a filled database."""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT, signed_in
from tests.insight.test_clarify import add_cases
from voc.accounts.access import Actor

CLARIFY = str(ROOT / "pages" / "clarify.py")
DICTIONARY = str(ROOT / "pages" / "dictionary.py")


def get_db():
    from ui.session import get_db as shared
    return shared()


@pytest.fixture
def empty(app_env):
    get_db()            # migrations, default taxonomy and glossary, the first model
    return app_env


@pytest.fixture
def filled(app_env):
    add_cases(get_db())
    return app_env


def open_page(path: str, actor: Actor) -> AppTest:
    app = signed_in(AppTest.from_file(path, default_timeout=60), actor)
    app.run()
    assert not app.exception, app.exception
    return app


def open_tab(app: AppTest, label: str) -> AppTest:
    """Choose a tab of Làm sáng tỏ (a keyed tab set: only the open tab's content runs)."""
    app.session_state["clarify_tab"] = label
    app.run()
    assert not app.exception, app.exception
    return app


def click(app: AppTest, label: str, index: int = 0) -> AppTest:
    [b for b in app.button if b.label == label][index].click().run()
    assert not app.exception, app.exception
    return app


def texts(app: AppTest) -> str:
    return "\n".join(t.value for t in app.text)


def dictionary_terms(app: AppTest) -> set[str]:
    return {term for frame in app.dataframe for term in frame.value["Khách hàng nói"]}


@pytest.mark.parametrize("fixture", ["empty", "filled"])
def test_both_pages_run(request, fixture, qa):
    request.getfixturevalue(fixture)
    app = open_page(CLARIFY, qa)
    assert app.title[0].value == "Làm sáng tỏ" and not app.error
    assert [t.label for t in app.tabs] == ["Cụm từ mới", "Từ điển", "Chủ đề", "Gắn lại chủ đề", "Sửa chủ đề hồ sơ"]
    app = open_page(DICTIONARY, qa)
    assert app.title[0].value == "Từ điển khách hàng"
    assert "web sập" in dictionary_terms(app)          # shipped defaults


def test_staff_may_read_the_dictionary_but_not_clarify(filled, staff):
    app = open_page(CLARIFY, staff)
    assert [e.value for e in app.error] == ["Bạn không có quyền mở trang này."]
    assert [c.value for c in app.caption] == ["Chỉ giám sát chất lượng (QA) hoặc quản trị mới được sửa chủ đề và từ điển."]
    assert not app.button and not app.text_input
    app = open_page(DICTIONARY, staff)
    assert not app.error and app.dataframe
    assert [d.label for d in app.get("download_button")] == ["Tải CSV (Excel)", "Tải PDF"]


def test_qa_adds_a_glossary_term_through_the_form_and_staff_sees_it(filled, qa, staff):
    app = open_tab(open_page(CLARIFY, qa), "Từ điển")
    app.text_input(key="clarify_new_term_0").input("mail bị dội")
    app.selectbox(key="clarify_new_theme_0").select("email_delivery")
    app.text_input(key="clarify_new_company_0").input("Email bị trả về")
    click(app, "Thêm vào từ điển")
    assert "mail bị dội" in app.success[0].value and not app.error
    # a second add of the same words, typed without accents, is refused
    app.text_input(key="clarify_new_term_1").input("Mail bi doi")
    app.selectbox(key="clarify_new_theme_1").select("email_delivery")
    click(app, "Thêm vào từ điển")
    assert "đã có trong từ điển" in app.error[0].value

    reader = open_page(DICTIONARY, staff)
    reader.text_input(key="dictionary_q").input("mail bi doi").run()
    assert dictionary_terms(reader) == {"mail bị dội"}
    assert reader.metric[0].value == "1"


def test_discovery_lists_the_phrase_and_adds_it_in_one_click(filled, qa):
    app = open_page(CLARIFY, qa)
    click(app, "Tìm cụm từ mới")
    assert any("mail bị dội" in m.value.replace("\\", "") for m in app.markdown)
    assert "KN-2026-900004: Từ hôm qua mail bị dội về hết, mất đơn hàng" in texts(app)
    app.text_input(key="clarify_phrase_q").input("bi doi").run()
    phrase = next(s for s in app.selectbox if s.key and s.key.startswith("clarify_add_theme_mail bi doi"))
    assert phrase.value == "email_delivery"                 # the tagger's suggestion
    term_key = phrase.key.replace("clarify_add_theme_", "clarify_add_term_")
    app.text_input(key=term_key).input("mail bị dội")
    add_buttons = [b for b in app.button if b.label == "Thêm vào từ điển"]
    add_buttons[0].click().run()
    assert not app.exception and "mail bị dội" in app.success[0].value.replace("\\", "")
    assert not any("mail bi doi" in (s.key or "") for s in app.selectbox)   # it left the list


def test_retag_from_the_page_and_correct_one_case(filled, qa):
    app = open_tab(open_page(CLARIFY, qa), "Gắn lại chủ đề")
    app.radio(key="clarify_retag_scope").set_value("all").run()
    click(app, "Gắn lại chủ đề")
    assert any("Đã gắn chủ đề cho 6 hồ sơ" in s.value for s in app.success)

    open_tab(app, "Sửa chủ đề hồ sơ")
    app.text_input(key="clarify_ticket").input("KN-2026-900001").run()
    assert "Mail bị dội liên tục" in texts(app)
    tags = next(d.value for d in app.dataframe if "evidence" in d.value.columns)
    assert len(tags) >= 1
    form_theme = next(s for s in app.selectbox if s.label == "Chủ đề" and not (s.key or "").startswith("clarify_new"))
    form_theme.select("support_responsiveness")
    click(app, "Lưu đánh giá")
    assert "Phản hồi hỗ trợ chậm" in app.success[0].value
    tags = next(d.value for d in app.dataframe if "evidence" in d.value.columns)
    assert "QA" in set(tags["source"])


def test_unknown_ticket_and_empty_period_give_clear_messages(empty, qa):
    app = open_tab(open_page(CLARIFY, qa), "Sửa chủ đề hồ sơ")
    app.text_input(key="clarify_ticket").input("KN-0000-000000").run()
    assert "Không tìm thấy hồ sơ" in app.error[0].value
    open_tab(app, "Gắn lại chủ đề")
    click(app, "Gắn lại chủ đề")
    assert any("Không có hồ sơ nào" in s.value for s in app.success)
    open_tab(app, "Cụm từ mới")
    click(app, "Tìm cụm từ mới")
    assert any("Không tìm thấy cụm từ" in i.value for i in app.info)


def test_retrain_shows_the_report(empty, qa):
    app = open_tab(open_page(CLARIFY, qa), "Sửa chủ đề hồ sơ")
    [b for b in app.button if b.label == "Huấn luyện lại mô hình"][0].click().run(timeout=300)   # a real fit
    assert not app.exception, app.exception
    message = (app.success or app.warning)[0].value
    assert "macro-F1" in message
    assert [m.label for m in app.metric] == ["Macro-F1 mô hình mới", "Macro-F1 mô hình trước", "Số ví dụ huấn luyện"]
    assert "," in app.metric[0].value                      # Vietnamese decimal comma


def test_user_words_are_shown_as_text_not_markdown(empty, qa):
    app = open_tab(open_page(CLARIFY, qa), "Từ điển")
    app.text_input(key="clarify_new_term_0").input("**mail** [dội](javascript:alert(1))")
    click(app, "Thêm vào từ điển")
    assert app.error[0].value == "Vui lòng chọn chủ đề cho cụm từ\\."     # no silent default theme
    app.selectbox(key="clarify_new_theme_0").select("email_delivery")
    click(app, "Thêm vào từ điển")
    assert "\\*\\*mail\\*\\* \\[dội\\]\\(javascript" in app.success[0].value
    reader = open_page(DICTIONARY, qa)
    reader.text_input(key="dictionary_q").input("javascript").run()
    assert dictionary_terms(reader) == {"**mail** [dội](javascript:alert(1))"}


def test_a_theme_no_longer_in_use_stays_findable_but_is_not_offered(empty, qa):
    from voc.insight import clarify
    ssl = next(t.name for t in clarify.themes(get_db()) if t.code == "ssl")
    rows = [dict(row, active=row["code"] != "ssl") for row in clarify.theme_rows(get_db())]
    assert clarify.save_theme_rows(get_db(), qa, rows) == 1
    app = open_tab(open_page(CLARIFY, qa), "Từ điển")
    offered = app.selectbox(key="clarify_new_theme_0").options               # new terms: active themes only
    assert len(offered) == len(rows) - 1 and not [o for o in offered if o.startswith(ssl)]
    only = app.selectbox(key="clarify_glossary_theme").options              # the filter: every theme
    assert only[0] == "Tất cả chủ đề" and f"{ssl} (ngừng dùng)" in only
    assert [o for o in only if o.endswith("(ngừng dùng)")] == [f"{ssl} (ngừng dùng)"]


def test_a_dismissed_phrase_leaves_the_list_for_good_and_can_come_back(filled, qa):
    app = open_page(CLARIFY, qa)
    click(app, "Tìm cụm từ mới")
    app.text_input(key="clarify_phrase_q").input("bi doi").run()
    dismiss = next(b for b in app.button if (b.key or "").startswith("clarify_dismiss_mail bi doi"))
    phrase = dismiss.key.removeprefix("clarify_dismiss_").rsplit("_", 1)[0]
    dismiss.click().run()
    assert not app.exception and "các lần tìm sau không hiện" in app.success[0].value
    assert not any((b.key or "").startswith(f"clarify_dismiss_{phrase}_") for b in app.button)
    # a new search, in a new session, does not bring it back
    again = open_page(CLARIFY, qa)
    click(again, "Tìm cụm từ mới")
    assert not any((b.key or "").startswith(f"clarify_dismiss_{phrase}_") for b in again.button)
    assert again.selectbox(key="clarify_dismissed_pick").value == phrase
    click(again, "Hiện lại trong tìm kiếm")
    click(again, "Tìm cụm từ mới")
    assert any((b.key or "").startswith(f"clarify_dismiss_{phrase}_") for b in again.button)


def test_retag_on_the_page_lists_the_cases_that_gained_and_lost_each_theme(filled, qa):
    from voc.insight import clarify
    from voc.setup import ensure_text_engine

    ensure_text_engine(get_db())          # the theme model the page's retag will use (the app loads it on a thread)
    clarify.retag(get_db(), qa, workers=1)
    clarify.add_phrase(get_db(), qa, "mất đơn hàng", "contract")
    app = open_tab(open_page(CLARIFY, qa), "Gắn lại chủ đề")
    app.radio(key="clarify_retag_scope").set_value("all").run()
    click(app, "Gắn lại chủ đề")
    assert any("1 hồ sơ đổi chủ đề" in s.value for s in app.success)
    table = next(d.value for d in app.dataframe if "Hồ sơ mất chủ đề" in d.value.columns)
    assert table.to_dict("records") == [{"Chủ đề": "Hợp đồng và chính sách", "Thêm": 1, "Bớt": 0,
                                         "Hồ sơ được thêm chủ đề": "KN-2026-900004", "Hồ sơ mất chủ đề": ""}]
