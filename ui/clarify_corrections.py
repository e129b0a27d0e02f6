"""Làm sáng tỏ, tab “Sửa chủ đề hồ sơ”: QA corrections of one case's themes, and retraining the model."""
import streamlit as st

from ui.clarify_state import ThemeChoices, done, revision
from ui.widgets import md_escape, show_error, themes_table
from voc.accounts.access import Actor
from voc.errors import DomainError
from voc.insight import clarify
from voc.numbers import vn_number

VERDICTS = {True: "Đúng — xác nhận (hoặc thêm) chủ đề này cho hồ sơ",
            False: "Sai — bỏ chủ đề này khỏi hồ sơ"}


def score_text(score: float | None) -> str:
    return "—" if score is None else vn_number(score, 3)


def show(db, actor: Actor, themes: ThemeChoices) -> None:
    rev = revision()
    ticket = st.text_input("Mã hồ sơ", key="clarify_ticket", max_chars=40, placeholder="ví dụ: KN-2026-000123")
    if ticket.strip():
        try:
            found = clarify.case_themes(db, ticket)
        except DomainError as error:
            show_error(error)
        else:
            st.text(f"{found.ticket_code} — tiếp nhận {found.received}")
            st.text(found.excerpt)
            themes_table(found.tags)
            current = [t.code for t in found.tags if t.code in themes.active]
            with st.form(f"clarify_correct_{found.ticket_code}_{rev}"):
                theme = st.selectbox("Chủ đề", themes.active, format_func=themes.names.get,
                                     index=themes.active.index(current[0]) if current else 0)
                verdict = st.radio("Đánh giá", [True, False], format_func=VERDICTS.get)
                note = st.text_input("Ghi chú (không bắt buộc)", max_chars=500)
                save = st.form_submit_button("Lưu đánh giá", type="primary")
            if save:
                try:
                    clarify.correct(db, actor, found.ticket_code, theme, verdict, note)
                except DomainError as error:
                    show_error(error)
                else:
                    st.cache_data.clear()
                    done(md_escape(f"Đã lưu đánh giá “{themes.names[theme]}” cho hồ sơ {found.ticket_code}."))
    st.divider()
    _retrain(db, actor)


def _retrain(db, actor: Actor) -> None:
    st.subheader("Huấn luyện lại mô hình")
    st.caption("Mô hình học thêm từ các đánh giá của QA. Nếu mô hình mới có điểm kiểm định chéo (macro-F1) "
               "thấp hơn mô hình đang dùng, hệ thống giữ mô hình cũ.")
    if st.button("Huấn luyện lại mô hình", key="clarify_retrain"):
        try:
            with st.spinner("Đang huấn luyện…"):
                report = clarify.retrain(db, actor)
        except DomainError as error:
            show_error(error)
        else:
            (st.warning if report.kept_previous else st.success)(report.message())
            new_col, old_col, examples_col = st.columns(3)
            new_col.metric("Macro-F1 mô hình mới", score_text(report.cv_score))
            old_col.metric("Macro-F1 mô hình trước", score_text(report.previous_score))
            examples_col.metric("Số ví dụ huấn luyện", vn_number(report.n_examples))
