"""Làm sáng tỏ, tab “Chủ đề”: the taxonomy (name, description, group, in use) and new themes."""
import pandas as pd
import streamlit as st

from ui.clarify_state import done, revision
from ui.widgets import md_escape, show_error
from voc.accounts.access import Actor
from voc.errors import DomainError
from voc.insight import clarify


def show(db, actor: Actor) -> None:
    rev = revision()
    st.caption("Tên, mô tả và nhóm của từng chủ đề. Bỏ đánh dấu “Đang dùng” để ngừng gắn chủ đề đó cho hồ sơ mới "
               "(các nhãn cũ vẫn giữ).")
    theme_rows = pd.DataFrame(clarify.theme_rows(db), columns=["code", "name", "description", "group", "active"])
    edited_themes = st.data_editor(theme_rows, key=f"clarify_themes_{rev}", hide_index=True, disabled=["code"],
                                   width="stretch", column_config={
                                       "code": st.column_config.TextColumn("Mã"),
                                       "name": st.column_config.TextColumn("Tên chủ đề", required=True, max_chars=120),
                                       "description": st.column_config.TextColumn("Mô tả", max_chars=1000),
                                       "group": st.column_config.TextColumn("Nhóm", max_chars=120),
                                       "active": st.column_config.CheckboxColumn("Đang dùng"),
                                   })
    if st.button("Lưu thay đổi", key="clarify_themes_save"):
        try:
            changed = clarify.save_theme_rows(db, actor, edited_themes.to_dict("records"))
        except DomainError as error:
            show_error(error)
        else:
            done(f"Đã lưu {changed} thay đổi chủ đề." if changed else "Không có thay đổi nào.")
    with st.form(f"clarify_theme_add_{rev}"):
        st.markdown("**Thêm chủ đề mới**")
        code_col, name_col, group_col = st.columns(3)
        code = code_col.text_input("Mã (chữ không dấu, số, dấu gạch dưới)", max_chars=40, placeholder="vi_du_chu_de")
        name = name_col.text_input("Tên chủ đề", max_chars=120)
        group = group_col.text_input("Nhóm", max_chars=120)
        description = st.text_area("Mô tả", max_chars=1000, height=80)
        add_theme = st.form_submit_button("Thêm chủ đề")
    if add_theme:
        try:
            theme = clarify.add_theme(db, actor, code, name, description, group)
        except DomainError as error:
            show_error(error)
        else:
            done(md_escape(f"Đã thêm chủ đề “{theme.name}”."))
