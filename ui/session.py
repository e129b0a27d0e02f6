"""The one cached database (DuckDB, or PostgreSQL in server mode), the signed-in user and the login gate.

A signed-in user is kept in the tab's session state. The browser also holds the session token in a
cookie (a session cookie: it goes when the browser closes), so a reload or a new tab resumes the
login; every run checks the token against the database, so signing out, a password change or a
deactivated account ends the login in every tab."""
from __future__ import annotations

import json
import os
import sys
import threading
from contextlib import contextmanager
from datetime import timedelta

import streamlit as st
from streamlit.errors import StreamlitAPIException

from voc.accounts import sessions, users
from voc.accounts.access import PERMISSION_MESSAGES, Actor, Permission
from voc.clock import utcnow
from voc.store.db import open_db
from voc.errors import DatabaseUnavailable, DomainError
from voc.insight import replica
from voc.setup import ensure_defaults, ensure_text_engine

_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
_RETURN_KEY = "voc_return_to"
_USER_KEY = "voc_user"
_SEEN_KEY = "voc_last_seen"
_TOKEN_KEY = "voc_session_token"
_LAST_USER_KEY = "voc_expired_user"
_CHECKED_KEY = "voc_actor_checked_this_run"
HOME_PAGE = "pages/home.py"
PAGE_REFUSED = "Bạn không có quyền mở trang này."


def get_db():
    """The process's database (voc.store.db.open_db: the DuckDB file, or PostgreSQL in server mode).
    When the configured database cannot be used the page says why and stops: no silent fallback."""
    try:
        return _shared_db()
    except DatabaseUnavailable as error:
        st.error(str(error))
        st.stop()


@st.cache_resource(show_spinner="Đang mở cơ sở dữ liệu…")
def _shared_db():
    """One connection (a pool in server mode) for the whole server process; each unit of work takes its
    own cursor.

    The text engine (scikit-learn, a first theme model) loads on a background thread, so the first
    page after a start does not wait for it; tagging at intake waits for it if need be."""
    db = open_db()
    ensure_defaults(db, text_engine=False)
    threading.Thread(target=ensure_text_engine, args=(db,), name="voc-text-engine", daemon=True).start()
    replica.start_loading(db)       # server mode: the analytics copy loads meanwhile (voc.insight.replica)
    return db


@st.cache_resource(show_spinner=False)
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
    state = st.session_state
    user = state.get(_USER_KEY)
    if user is None:
        return _resume_from_cookie()
    seen = state.get(_SEEN_KEY)
    if seen is None or utcnow() - seen > timedelta(hours=sessions.SESSION_HOURS):
        sign_out(expired=True)
        return None
    token = state.get(_TOKEN_KEY)
    if token is not None:
        user = sessions.resume_session(get_db(), token)
        if user is None:              # signed out in another tab, password changed, deactivated
            sign_out(expired=True)
            return None
        state[_USER_KEY] = user       # a changed role or branch applies at once
    state[_SEEN_KEY] = utcnow()
    return user


def _cookie_token() -> str | None:
    """The session cookie the browser sent when this tab connected (AppTest has no browser)."""
    token = st.context.cookies.get(sessions.COOKIE_NAME)
    return token if isinstance(token, str) and token else None


def _resume_from_cookie() -> Actor | None:
    token = _cookie_token()
    user = sessions.resume_session(get_db(), token) if token else None
    if user is not None:
        st.session_state.update({_USER_KEY: user, _SEEN_KEY: utcnow(), _TOKEN_KEY: token})
    return user


def session_token() -> str | None:
    return st.session_state.get(_TOKEN_KEY)


def keep_session_cookie() -> None:
    """Hand the session token to the browser as a cookie, for reloads and new tabs."""
    token = session_token()
    if token and _cookie_token() != token:
        _run_in_browser(f"document.cookie = {json.dumps(_cookie(token))} + "
                        "(location.protocol === 'https:' ? '; Secure' : '');")


def _forget_session_cookie() -> None:
    if _cookie_token():
        _run_in_browser(f"document.cookie = {json.dumps(_cookie('') + '; Max-Age=0')};")


def _cookie(value: str) -> str:
    return f"{sessions.COOKIE_NAME}={value}; Path=/; SameSite=Strict"


def _run_in_browser(script: str) -> None:
    st.html(f"<script>{script}</script>", unsafe_allow_javascript=True)


@contextmanager
def actor_checked_for_this_run(actor: Actor):
    """app.py's check of the session holds for the page it runs now: page_actor takes it instead of
    reading the session from the database a second time in the same run."""
    st.session_state[_CHECKED_KEY] = actor
    try:
        yield
    finally:
        st.session_state.pop(_CHECKED_KEY, None)


def page_actor(permission: Permission | None = None) -> Actor:
    """The signed-in user of a page, or stop it.

    A page file opened by its URL as the very first request after the server starts runs without
    app.py (Streamlit's pages/ folder); such a visitor is sent through app.py and its login gate."""
    actor = st.session_state.pop(_CHECKED_KEY, None) or current_actor()
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
        st.error(PAGE_REFUSED)
        st.caption(PERMISSION_MESSAGES[permission])
        st.stop()
    return actor


def return_to_requested_page() -> None:
    """After login, open the page a visitor asked for before app.py had run (see page_actor)."""
    target = st.session_state.pop(_RETURN_KEY, None)
    if target:
        st.switch_page(target[0], query_params=target[1])


def sign_in(user: users.User) -> bool:
    """Keep `user` in this tab's session. True when what a previous user left in the tab (their page,
    open case, filters) was cleared first: they were timed out here and someone else signs in."""
    state = st.session_state
    cleared = state.get(_LAST_USER_KEY) not in (None, user.username)
    if cleared:
        _forget_page_and_filters()
    state.pop("voc_first_admin_password", None)
    state.pop(_LAST_USER_KEY, None)
    state[_USER_KEY] = user.actor()
    state[_SEEN_KEY] = utcnow()
    state[_TOKEN_KEY] = sessions.open_session(get_db(), user.username)
    return cleared


def sign_out(expired: bool = False) -> None:
    """End the login. Signing out also clears the tab (the page's state, open case and filters, in the
    session and in the URL) so the next person starts afresh; an expired login keeps them for the
    same user's return (a different user clears them at sign-in)."""
    state = st.session_state
    token, user = state.get(_TOKEN_KEY), state.get(_USER_KEY)
    for key in (_USER_KEY, _SEEN_KEY, _TOKEN_KEY):
        state.pop(key, None)
    if token and not expired:
        sessions.end_session(get_db(), token)
    if expired:
        state["voc_expired"] = True
        if user is not None:
            state[_LAST_USER_KEY] = user.username
    else:
        _forget_page_and_filters()


def _forget_page_and_filters() -> None:
    st.session_state.clear()
    st.query_params.clear()


def login_form() -> None:
    """The login gate: shown instead of the app until a user signs in."""
    st.title("VOC Desk — Đăng nhập")
    generated = _first_admin_password()
    if generated:
        st.warning(
            "Lần khởi động đầu tiên: đã tạo tài khoản quản trị **admin** với mật khẩu "
            f"`{generated}`. Mật khẩu này chỉ hiện một lần — hãy ghi lại và đổi ngay sau khi đăng nhập."
        )
    _forget_session_cookie()
    if st.session_state.pop("voc_expired", False):
        st.info("Phiên làm việc đã hết hạn, vui lòng đăng nhập lại.")
    with st.form("login"):
        username = st.text_input("Tên đăng nhập")
        password = st.text_input("Mật khẩu", type="password")
        submitted = st.form_submit_button("Đăng nhập", type="primary")
    if submitted:
        try:
            cleared = sign_in(users.authenticate(get_db(), username, password))
        except DomainError as error:
            st.error(str(error))      # fixed messages: they never quote what was typed
        else:
            if cleared:
                go_home()
            st.rerun()


def go_home() -> None:
    """Open the home page with nothing in the URL (after sign-out, the login gate shows there)."""
    try:
        st.switch_page(HOME_PAGE)
    except StreamlitAPIException:     # a page run on its own, without app.py's navigation
        st.rerun()
