"""The one cached DuckDB connection, the signed-in user and the login gate."""
from __future__ import annotations

import os
import sys
from datetime import timedelta

import streamlit as st

from voc import users
from streamlit.errors import StreamlitAPIException

from voc.access import PERMISSION_MESSAGES, Actor, Permission
from voc.clock import utcnow
from voc.db import Database
from voc.errors import DomainError
from voc.setup import ensure_defaults

_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_RETURN_KEY = "voc_return_to"
_USER_KEY = "voc_user"
_SEEN_KEY = "voc_last_seen"


@st.cache_resource(show_spinner="Đang mở cơ sở dữ liệu…")
def get_db() -> Database:
    """One connection for the whole server process; each unit of work takes its own cursor."""
    db = Database()
    ensure_defaults(db)
    return db


@st.cache_resource
def _first_admin_password_holder() -> list[str]:
    """The generated first-admin password, if this start created one; handed to one session only."""
    password = users.ensure_first_admin(get_db())
    return [password] if password else []


def _first_admin_password() -> str | None:
    """Shown once: the first browser session to open the login page keeps it until it signs in."""
    if "voc_first_admin_password" not in st.session_state:
        holder = _first_admin_password_holder()
        st.session_state["voc_first_admin_password"] = holder.pop() if holder else None
    return st.session_state["voc_first_admin_password"]


def current_actor() -> Actor | None:
    user = st.session_state.get(_USER_KEY)
    seen = st.session_state.get(_SEEN_KEY)
    if user is None:
        return None
    if seen is None or utcnow() - seen > timedelta(hours=users.SESSION_HOURS):
        sign_out(expired=True)
        return None
    st.session_state[_SEEN_KEY] = utcnow()
    return user


def page_actor(permission: Permission | None = None) -> Actor:
    """The signed-in user of a page, or stop it.

    A page file opened by its URL as the very first request after the server starts runs without
    app.py (Streamlit's pages/ folder); such a visitor is sent through app.py and its login gate."""
    actor = current_actor()
    if actor is None:
        page_file = sys._getframe(1).f_globals.get("__file__")
        if page_file:
            st.session_state[_RETURN_KEY] = (os.path.relpath(page_file, _ROOT), st.query_params.to_dict())
        try:
            st.switch_page("app.py")
        except StreamlitAPIException:
            st.error("Vui lòng đăng nhập.")
        st.stop()
    if permission is not None and not actor.can(permission):
        st.error(PERMISSION_MESSAGES[permission])
        st.stop()
    return actor


def return_to_requested_page() -> None:
    """After login, open the page a visitor asked for before app.py had run (see page_actor)."""
    target = st.session_state.pop(_RETURN_KEY, None)
    if target:
        st.switch_page(target[0], query_params=target[1])


def sign_in(user: users.User) -> None:
    st.session_state.pop("voc_first_admin_password", None)
    st.session_state[_USER_KEY] = user.actor()
    st.session_state[_SEEN_KEY] = utcnow()


def sign_out(expired: bool = False) -> None:
    for key in (_USER_KEY, _SEEN_KEY):
        st.session_state.pop(key, None)
    if expired:
        st.session_state["voc_expired"] = True


def login_form() -> None:
    """The login gate: shown instead of the app until a user signs in."""
    st.title("VOC Desk — Đăng nhập")
    generated = _first_admin_password()
    if generated:
        st.warning(
            "Lần khởi động đầu tiên: đã tạo tài khoản quản trị **admin** với mật khẩu "
            f"`{generated}`. Mật khẩu này chỉ hiện một lần — hãy ghi lại và đổi ngay sau khi đăng nhập."
        )
    if st.session_state.pop("voc_expired", False):
        st.info("Phiên làm việc đã hết hạn, vui lòng đăng nhập lại.")
    with st.form("login"):
        username = st.text_input("Tên đăng nhập")
        password = st.text_input("Mật khẩu", type="password")
        submitted = st.form_submit_button("Đăng nhập", type="primary")
    if submitted:
        try:
            sign_in(users.authenticate(get_db(), username, password))
        except DomainError as error:
            st.error(str(error))
        else:
            st.rerun()
