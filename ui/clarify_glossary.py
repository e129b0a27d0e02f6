"""Làm sáng tỏ, tab “Từ điển”: customer term → theme + company term + note; add, edit, remove."""
import pandas as pd
import streamlit as st

from ui.clarify_state import ThemeChoices, done, revision
from ui.widgets import md_escape, show_error
from voc.accounts.access import Actor
from voc.errors import DomainError
from voc.insight import clarify
from voc.numbers import vn_number


def show(db, actor: Actor, themes: ThemeChoices) -> None:
    rev = revision()
    with st.form(f"clarify_term_add_{rev}"):
        st.markdown("**Thêm cách nói của khách hàng**")
        term_col, theme_col = st.columns(2)
        term = term_col.text_input("Khách hàng nói", max_chars=120, placeholder="ví dụ: mail bị dội",
                                   key=f"clarify_new_term_{rev}")
        theme = theme_col.selectbox("Chủ đề", themes.active, format_func=themes.names.get,
                                    key=f"clarify_new_theme_{rev}", index=None, placeholder="Chọn chủ đề")
        company_col, note_col = st.columns(2)
        company = company_col.text_input("Thuật ngữ nội bộ (không bắt buộc)", max_chars=120,
                                         key=f"clarify_new_company_{rev}")
        note = note_col.text_input("Ghi chú (không bắt buộc)", max_chars=1000, key=f"clarify_new_note_{rev}")
        add = st.form_submit_button("Thêm vào từ điển", type="primary")
    if add:
        try:
            added = clarify.add_phrase(db, actor, term, theme, company, note)
        except DomainError as error:
            show_error(error)
        else:
            done(md_escape(f"Đã thêm “{added.term}” vào từ điển (chủ đề {themes.names[added.theme_code]})."))

    only = st.selectbox("Lọc theo chủ đề", [""] + themes.codes, key="clarify_glossary_theme",
                        format_func=lambda code: themes.names.get(code, "Tất cả chủ đề"))
    rows = pd.DataFrame(clarify.glossary_rows(db, only or None),
                        columns=["id", "term", "theme_code", "company_term", "note", "remove"])
    st.caption(f"{vn_number(len(rows))} mục. Sửa trực tiếp trong bảng, đánh dấu “Xoá” để bỏ một mục, rồi bấm “Lưu thay đổi”.")
    edited = st.data_editor(rows, key=f"clarify_glossary_{rev}_{only}", hide_index=True, disabled=["id"],
                            width="stretch", height=min(38 + 35 * max(len(rows), 1), 560), column_config={
                                "id": None,
                                "term": st.column_config.TextColumn("Khách hàng nói", required=True, max_chars=120,
                                                                    width="medium"),
                                "theme_code": st.column_config.SelectboxColumn(
                                    "Chủ đề", options=themes.codes, format_func=themes.names.get, required=True,
                                    width="medium"),
                                "company_term": st.column_config.TextColumn("Thuật ngữ nội bộ", max_chars=120,
                                                                            width="medium"),
                                "note": st.column_config.TextColumn("Ghi chú", max_chars=1000),
                                "remove": st.column_config.CheckboxColumn("Xoá", width="small"),
                            })
    if st.button("Lưu thay đổi", key="clarify_glossary_save"):
        try:
            changed = clarify.save_glossary_rows(db, actor, edited.to_dict("records"))
        except DomainError as error:
            show_error(error)
        else:
            done(f"Đã lưu {changed} thay đổi trong từ điển." if changed else "Không có thay đổi nào.")
