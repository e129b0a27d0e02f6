"""VOC Desk entry point: the login gate, the navigation for the user's role, the shared sidebar."""
import streamlit as st

from ui.session import current_actor, login_form, sign_out
from voc.access import Permission

st.set_page_config(page_title="VOC Desk", page_icon="📮", layout="wide")

actor = current_actor()
if actor is None:
    # Before login the navigation holds only the login page, so no other page is listed or reachable.
    st.navigation([st.Page(login_form, title="Đăng nhập", url_path="dang-nhap")], position="hidden").run()
    st.stop()

home = st.Page("pages/home.py", title="Trang chủ", icon="🏠", default=True)
desk = []
if actor.can(Permission.HANDLE_CASES):
    desk.append(st.Page("pages/intake.py", title="Tiếp nhận", icon="📝"))
desk += [
    st.Page("pages/cases.py", title="Hồ sơ", icon="📁"),
    st.Page("pages/sla_board.py", title="SLA", icon="⏱️"),
]
sections = {"": [home], "Bàn khiếu nại": desk}

# --- VOC: analytics pages for QA, managers and admin; the reply checker for everyone ---
voc_pages = []
if actor.can(Permission.VIEW_ANALYTICS):
    voc_pages += [
        st.Page("pages/listen.py", title="Lắng nghe", icon="👂"),
        st.Page("pages/monitor.py", title="Giám sát", icon="📈"),
    ]
voc_pages.append(st.Page("pages/respond.py", title="Trả lời", icon="✉️"))
sections["VOC"] = voc_pages
# --- end VOC ---
if actor.can(Permission.MANAGE_USERS):
    sections["Quản trị"] = [st.Page("pages/admin.py", title="Quản trị", icon="⚙️")]

navigation = st.navigation(sections)
with st.sidebar:
    st.caption(f"Đăng nhập: **{actor.display_name or actor.username}** — {actor.role.label}"
               + (f" — {actor.branch}" if actor.branch else ""))
    if st.button("Đăng xuất", key="sign_out"):
        sign_out()
        st.rerun()
navigation.run()
