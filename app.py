"""VOC Desk entry point: the login gate, the navigation for the user's role, the shared sidebar."""
import streamlit as st

from ui import streamlit_text
from ui.mail_outbox import start_mail_worker
from ui.session import (actor_checked_for_this_run, current_actor, go_home, keep_session_cookie, login_form,
                        return_to_requested_page, sign_out)
from ui.widgets import md_escape
from voc.accounts.access import Actor, Permission

st.set_page_config(page_title="VOC Desk", page_icon=":material/inbox:", layout="wide")
streamlit_text.apply()
start_mail_worker()  # the outbox is sent in the background, one worker per server process

# (section, file, title, icon, permission needed to see it; None = every signed-in user)
PAGES = [
    ("", "pages/home.py", "Trang chủ", ":material/home:", None),
    ("Bàn khiếu nại", "pages/intake.py", "Tiếp nhận", ":material/edit_note:", Permission.HANDLE_CASES),
    ("Bàn khiếu nại", "pages/cases.py", "Hồ sơ", ":material/folder_open:", None),
    ("Bàn khiếu nại", "pages/sla_board.py", "SLA", ":material/timer:", None),
    ("VOC", "pages/listen.py", "Lắng nghe", ":material/hearing:", Permission.VIEW_ANALYTICS),
    ("VOC", "pages/monitor.py", "Giám sát", ":material/monitoring:", Permission.VIEW_ANALYTICS),
    ("VOC", "pages/clarify.py", "Làm sáng tỏ", ":material/manage_search:", Permission.EDIT_TAXONOMY),
    ("VOC", "pages/respond.py", "Trả lời", ":material/mail:", None),
    ("VOC", "pages/dictionary.py", "Từ điển khách hàng", ":material/menu_book:", None),
    ("Quản trị", "pages/admin.py", "Quản trị", ":material/settings:", Permission.MANAGE_USERS),
]


def sections_for(actor: Actor | None) -> dict[str, list]:
    """Every page is registered, so a link to any of them opens that page, never Streamlit's English
    "Page not found". The menu lists only the pages the actor may open; a page the role may not open
    is hidden and, opened by its link, says so itself (ui.session.page_actor). Before login every page
    is hidden behind a default login page, so a shared link keeps its page and filters through the
    login; each page and domain call checks the role again."""
    sections: dict[str, list] = {}
    if actor is None:
        sections[""] = [st.Page(login_form, title="Đăng nhập", url_path="dang-nhap", default=True)]
    for section, path, title, icon, permission in PAGES:
        allowed = actor is not None and (permission is None or actor.can(permission))
        sections.setdefault(section, []).append(
            st.Page(path, title=title, icon=icon, default=actor is not None and path == "pages/home.py",
                    visibility="visible" if allowed else "hidden"))
    return sections


actor = current_actor()
if actor is None:
    requested = st.navigation(sections_for(None), position="hidden")
    if requested.url_path == "dang-nhap":
        requested.run()
    else:
        login_form()
    st.stop()
navigation = st.navigation(sections_for(actor))
return_to_requested_page()

with st.sidebar:
    st.caption(f"Đăng nhập: **{md_escape(actor.display_name or actor.username)}** — {actor.role.label}"
               + (f" — {md_escape(actor.branch)}" if actor.branch else ""))
    if st.button("Đăng xuất", key="sign_out"):
        sign_out()
        go_home()
    keep_session_cookie()
with actor_checked_for_this_run(actor):
    navigation.run()
