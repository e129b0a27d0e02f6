"""Làm sáng tỏ, tab “Cụm từ mới”: uncovered customer phrases, ranked, each one click away from the glossary."""
import streamlit as st

from ui.clarify_state import ThemeChoices, done, revision
from ui.widgets import md_escape, show_error
from voc.accounts.access import Actor
from voc.clock import format_local
from voc.errors import DomainError
from voc.insight import clarify
from voc.numbers import vn_number

PHRASES_PER_PAGE = 10
PHRASES = "clarify_phrases"


def show(db, actor: Actor, themes: ThemeChoices) -> None:
    rev = revision()
    st.caption("Những cụm từ khách hàng hay dùng trong các hồ sơ chưa được gắn chủ đề rõ ràng "
               "và chưa có trong từ điển, xếp theo mức độ đáng chú ý.")
    with st.form("clarify_discover"):
        left, middle, right = st.columns(3)
        coverage = left.slider("Hồ sơ “chưa rõ chủ đề” khi điểm cao nhất dưới", 0.3, 0.95, 0.6, 0.05)
        min_cases = middle.number_input("Xuất hiện trong ít nhất (hồ sơ)", 2, 100, 3)
        max_cases = right.selectbox("Xét tối đa (hồ sơ gần nhất)", [1000, 3000, 10000], index=1)
        run = st.form_submit_button("Tìm cụm từ mới", type="primary")
    if run:
        with st.spinner("Đang phân tích lời khách hàng…"):
            st.session_state[PHRASES] = clarify.find_phrases(
                db, coverage=coverage, min_cases=int(min_cases), max_cases=max_cases, limit=200)
    _dismissed(db, actor)
    phrases = st.session_state.get(PHRASES)
    if phrases is None:
        st.info("Bấm “Tìm cụm từ mới” để bắt đầu (lần đầu khoảng 10–20 giây với vài nghìn hồ sơ; "
                "các lần sau chỉ xử lý hồ sơ mới nên nhanh hơn).")
    elif not phrases:
        st.info("Không tìm thấy cụm từ nào chưa có trong từ điển.")
    else:
        filter_col, page_col = st.columns([3, 1])
        query = filter_col.text_input("Lọc cụm từ (gõ có dấu hoặc không dấu)", key="clarify_phrase_q", max_chars=80,
                                      placeholder="ví dụ: mail bi doi")
        shown = clarify.filter_phrases(phrases, query)
        pages = max(1, -(-len(shown) // PHRASES_PER_PAGE))
        page = page_col.number_input(f"Trang (tổng {vn_number(len(shown))} cụm từ)", 1, pages, 1,
                                     key=f"clarify_phrase_page_{query}")
        start = (page - 1) * PHRASES_PER_PAGE
        if not shown:
            st.info("Không có cụm từ nào khớp với từ khóa lọc.")
        for phrase in shown[start:start + PHRASES_PER_PAGE]:
            _phrase(db, actor, themes, phrases, phrase, rev)


def _phrase(db, actor: Actor, themes: ThemeChoices, phrases: list[clarify.Phrase], phrase: clarify.Phrase,
            rev: int) -> None:
    """One phrase with its examples and the form that adds it to the glossary under the suggested theme."""
    with st.container(border=True):
        st.markdown(f"**{md_escape(phrase.phrase)}**")
        st.caption(f"{vn_number(phrase.cases)} hồ sơ chưa rõ chủ đề · {vn_number(phrase.covered_cases)} hồ sơ đã rõ chủ đề · "
                   f"điểm {vn_number(phrase.score, 1)}")
        for example in phrase.examples:
            st.text(f"{example.ticket_code}: {example.excerpt}")
        if st.button("Bỏ qua cụm từ này (không hiện lại)", key=f"clarify_dismiss_{phrase.key}_{rev}",
                     help="Cụm từ không có nghĩa riêng (lời chung chung): lưu lại để mọi lần tìm sau không hiện nữa."):
            try:
                clarify.dismiss_phrase(db, actor, phrase.phrase)
            except DomainError as error:
                show_error(error)
            else:
                st.session_state[PHRASES] = clarify.without_phrase(phrases, phrase.key)
                done(md_escape(f"Đã bỏ qua “{phrase.phrase}”: các lần tìm sau không hiện cụm từ này nữa."))
        suggested = clarify.suggest_theme(db, phrase.phrase)
        with st.form(f"clarify_add_{phrase.key}_{rev}"):
            term_col, theme_col, company_col, button_col = st.columns([3, 3, 3, 2], vertical_alignment="bottom")
            term = term_col.text_input("Khách hàng nói", phrase.phrase, max_chars=120,
                                      key=f"clarify_add_term_{phrase.key}_{rev}")
            theme = theme_col.selectbox("Chủ đề", themes.active, format_func=themes.names.get,
                                        index=themes.active.index(suggested) if suggested in themes.active else 0,
                                        key=f"clarify_add_theme_{phrase.key}_{rev}")
            company = company_col.text_input("Thuật ngữ nội bộ (không bắt buộc)", max_chars=120,
                                            key=f"clarify_add_company_{phrase.key}_{rev}")
            add = button_col.form_submit_button("Thêm vào từ điển", type="primary")
        if add:
            try:
                added = clarify.add_phrase(db, actor, term, theme, company)
            except DomainError as error:
                show_error(error)
            else:
                st.session_state[PHRASES] = clarify.without_term(phrases, added.term)
                done(md_escape(f"Đã thêm “{added.term}” vào từ điển (chủ đề {themes.names[added.theme_code]}).")
                     + " Gắn lại chủ đề để áp dụng cho các hồ sơ đã có.")


def _dismissed(db, actor: Actor) -> None:
    """The phrases QA dismissed, each one click from coming back."""
    dismissed = clarify.dismissed_phrases(db)
    if not dismissed:
        return
    with st.expander(f"Cụm từ đã bỏ qua ({len(dismissed)})"):
        by_key = {d.key: d for d in dismissed}
        left, right = st.columns([3, 1], vertical_alignment="bottom")
        key = left.selectbox("Cụm từ", list(by_key), key="clarify_dismissed_pick",
                             format_func=lambda k: f"{by_key[k].phrase} — {by_key[k].dismissed_by}, "
                                                   f"{format_local(by_key[k].dismissed_at)}")
        if right.button("Hiện lại trong tìm kiếm", key="clarify_restore"):
            try:
                clarify.restore_phrase(db, actor, key)
            except DomainError as error:
                show_error(error)
            else:
                done(md_escape(f"“{by_key[key].phrase}” sẽ hiện lại ở lần tìm cụm từ sau."))
