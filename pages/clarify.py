"""Làm sáng tỏ: map the customers' own words to the company's themes and terms (QA and admin)."""
import streamlit as st

from ui import clarify_corrections, clarify_discovery, clarify_glossary, clarify_retag, clarify_themes
from ui.clarify_state import ThemeChoices, show_flash
from ui.session import get_db, page_actor
from voc.accounts.access import Permission

st.title("Làm sáng tỏ")
actor = page_actor(Permission.EDIT_TAXONOMY)
db = get_db()
st.caption("Khách hàng dùng từ của họ; ở đây QA gắn những cách nói đó với chủ đề và thuật ngữ của công ty, "
           "rồi chia sẻ cho mọi nhân viên qua “Từ điển khách hàng”.")
show_flash()
themes = ThemeChoices.load(db)

# a keyed tab set reruns when another tab is chosen, and only the open tab's content runs
TABS = {"Cụm từ mới": lambda: clarify_discovery.show(db, actor, themes),
        "Từ điển": lambda: clarify_glossary.show(db, actor, themes),
        "Chủ đề": lambda: clarify_themes.show(db, actor),
        "Gắn lại chủ đề": lambda: clarify_retag.show(db, actor),
        "Sửa chủ đề hồ sơ": lambda: clarify_corrections.show(db, actor, themes)}
for tab, show in zip(st.tabs(list(TABS), key="clarify_tab", on_change="rerun"), TABS.values()):
    if tab.open:
        with tab:
            show()
