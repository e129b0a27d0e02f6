"""Quản trị: accounts and roles, branches, policy values, CSV import/export, the mailbox and quarantine,
the mail outbox, the audit log."""
import streamlit as st

from ui import audit_log, import_panel, mail_inbox, mail_outbox, tables
from ui.session import get_db, page_actor, session_token
from ui.widgets import md_escape, show_error
from voc.desk import admin_ops
from voc.accounts import branches, users
from voc.accounts.access import Permission, Role
from voc.clock import format_local
from voc.errors import DomainError
from voc.desk.policy import CalendarMode, Policy

FLASH = "admin_flash"
TAB_KEY = "admin_tab"       # the open tab
FORMS = "admin_forms"          # bumped after every saved change: the forms start again from what is stored
ROLES = list(Role)

actor = page_actor(Permission.MANAGE_USERS)
db = get_db()
st.title("Quản trị")
if flash := st.session_state.pop(FLASH, None):
    st.success(flash, icon=":material/check_circle:")
n = st.session_state.setdefault(FORMS, 0)


def saved(message: str) -> None:
    """After a change: say so, and draw the page again from the stored data (tables, forms)."""
    st.session_state[FLASH] = message
    st.session_state[FORMS] = n + 1
    st.rerun()


def branch_label(branch: str | None) -> str:
    return branch or "— không thuộc chi nhánh —"


def users_tab() -> None:
    accounts = users.list_users(db, actor)
    tables.table(admin_ops.users_table(accounts), width="stretch")
    for account in accounts:
        if account.needs_branch:
            st.warning(f"Tài khoản nhân viên CSKH {md_escape(account.username)} chưa có chi nhánh nên không đăng nhập "
                       "được: hãy chọn chi nhánh hoặc đổi vai trò ở mục Sửa tài khoản.", icon=":material/warning:")
    open_branches = [None, *branches.branch_names(db)]
    with st.form(f"new_user_{n}"):
        st.subheader("Tạo tài khoản")
        c1, c2 = st.columns(2)
        username = c1.text_input("Tên đăng nhập")
        display = c2.text_input("Họ tên")
        role = c1.selectbox("Vai trò", ROLES, format_func=lambda r: r.label)
        branch = c2.selectbox("Chi nhánh (bắt buộc với nhân viên CSKH)", open_branches, format_func=branch_label)
        email = c1.text_input("E-mail (không bắt buộc)")
        password = c2.text_input(f"Mật khẩu ban đầu (ít nhất {users.MIN_PASSWORD_CHARS} ký tự)", type="password")
        if st.form_submit_button("Tạo tài khoản", type="primary"):
            try:
                created = users.create_user(db, actor, username, display, role, branch, password, email=email)
            except DomainError as error:
                show_error(error)
            else:
                saved(f"Đã tạo tài khoản {md_escape(created.username)}.")

    st.subheader("Sửa tài khoản")
    by_name = {a.username: a for a in accounts}
    who = st.selectbox("Tài khoản", list(by_name), key="edit_user",
                       format_func=lambda u: f"{u} — {by_name[u].display_name} ({by_name[u].role.label})")
    if who is not None:
        user = by_name[who]
        k = f"{who}_{n}"
        choices = open_branches + ([user.branch] if user.branch not in open_branches else [])
        with st.form(f"edit_user_{k}"):
            c1, c2 = st.columns(2)
            new_display = c1.text_input("Họ tên", value=user.display_name)
            new_email = c2.text_input("E-mail", value=user.email or "")
            new_role = c1.selectbox("Vai trò", ROLES, index=ROLES.index(user.role), format_func=lambda r: r.label)
            new_branch = c2.selectbox("Chi nhánh", choices, index=choices.index(user.branch), format_func=branch_label)
            active = st.checkbox("Đang hoạt động", value=user.active)
            if st.form_submit_button("Cập nhật"):
                try:
                    users.update_user(db, actor, who, display_name=new_display, role=new_role, branch=new_branch,
                                      active=active, email=new_email)
                except DomainError as error:
                    show_error(error)
                else:
                    saved(f"Đã cập nhật tài khoản {md_escape(who)}.")
        if user.locked():
            st.warning(f"Tài khoản đang tạm khóa đến {format_local(user.locked_until)} do đăng nhập sai nhiều lần.",
                       icon=":material/lock:")
            if st.button("Mở khóa tài khoản", key=f"unlock_{k}"):
                try:
                    users.unlock_user(db, actor, who)
                except DomainError as error:
                    show_error(error)
                else:
                    saved(f"Đã mở khóa tài khoản {md_escape(who)}.")
        with st.form(f"reset_password_{k}"):
            new_password = st.text_input(f"Đặt lại mật khẩu cho {who}", type="password")
            if st.form_submit_button("Đặt lại mật khẩu"):
                try:
                    users.set_password(db, actor, who, new_password, keep_session=session_token())
                except DomainError as error:
                    show_error(error)
                else:
                    saved(f"Đã đặt lại mật khẩu của {md_escape(who)}; các phiên đăng nhập của tài khoản này đã kết thúc.")

def branches_tab() -> None:
    st.caption("Mỗi tài khoản và hồ sơ thuộc một chi nhánh trong danh sách này. Chi nhánh ngừng hoạt động vẫn giữ "
               "hồ sơ cũ nhưng không nhận hồ sơ hay tài khoản mới.")
    tables.table(admin_ops.branches_table(db, actor), width="stretch")
    every_branch = branches.branch_names(db, active_only=False)
    with st.form(f"add_branch_{n}"):
        st.subheader("Thêm chi nhánh")
        name = st.text_input("Tên chi nhánh")
        if st.form_submit_button("Thêm chi nhánh", type="primary"):
            try:
                added = branches.add_branch(db, actor, name)
            except DomainError as error:
                show_error(error)
            else:
                saved(f"Đã thêm chi nhánh {md_escape(added.name)}.")
    with st.form(f"rename_branch_{n}"):
        st.subheader("Đổi tên / gộp chi nhánh")
        c1, c2 = st.columns(2)
        old_name = c1.selectbox("Chi nhánh", every_branch, index=None, placeholder="Chọn chi nhánh")
        new_name = c2.text_input("Tên mới")
        merge = st.checkbox("Nếu tên mới là một chi nhánh đã có: gộp vào đó (chuyển tài khoản và hồ sơ sang)")
        if st.form_submit_button("Đổi tên"):
            try:
                renamed = branches.rename_branch(db, actor, old_name, new_name, merge=merge)
            except DomainError as error:
                show_error(error)
            else:
                saved(f"Đã chuyển chi nhánh {md_escape(old_name)} thành {md_escape(renamed.name)}.")
    with st.form(f"branch_active_{n}"):
        st.subheader("Ngừng / mở lại chi nhánh")
        which = st.selectbox("Chi nhánh ", every_branch, index=None, placeholder="Chọn chi nhánh")
        c1, c2 = st.columns(2)
        stop = c1.form_submit_button("Ngừng hoạt động")
        restart = c2.form_submit_button("Hoạt động trở lại")
        if stop or restart:
            try:
                changed = branches.set_branch_active(db, actor, which, restart)
            except DomainError as error:
                show_error(error)
            else:
                saved(f"Chi nhánh {md_escape(changed.name)} {'đã hoạt động trở lại' if restart else 'đã ngừng hoạt động'}.")

def policy_tab() -> None:
    current = admin_ops.current_policy(db)
    st.caption("Các thời hạn của quy trình. Thay đổi chỉ áp dụng cho các lần giải quyết mở sau khi lưu.")
    with st.form("policy"):
        c1, c2 = st.columns(2)
        reply_hours = c1.number_input("Hạn gửi thư trả lời (giờ)", 1, 720, current.reply_hours)
        resolution_days = c2.number_input("Hạn giải quyết (ngày)", 1, 365, current.resolution_days)
        quality_days = c1.number_input("Thời hiệu khiếu nại chất lượng (ngày)", 1, 3650, current.quality_limit_days)
        business_days = c2.number_input("Thời hiệu khiếu nại kinh doanh (ngày)", 1, 3650, current.business_limit_days)
        modes = list(CalendarMode)
        mode = st.radio("Cách tính ngày", modes, index=modes.index(current.calendar_mode), format_func=lambda m: m.label)
        if st.form_submit_button("Lưu chính sách", type="primary"):
            try:
                admin_ops.change_policy(db, actor, Policy(int(reply_hours), int(resolution_days), int(quality_days),
                                                         int(business_days), mode))
                st.success("Đã lưu chính sách.")
            except DomainError as error:
                show_error(error)


TABS = {"Tài khoản": users_tab, "Chi nhánh": branches_tab, "Chính sách thời hạn": policy_tab,
        "Nhập / xuất CSV": lambda: import_panel.show(db, actor), "Hộp thư": lambda: mail_inbox.show(db, actor),
        "Thư điện tử": lambda: mail_outbox.show(db, actor), "Nhật ký": lambda: audit_log.show(db, actor)}
# Only the open tab runs (on_change="rerun"): its data (the audit log: millions of events at scale, the
# branches' case counts, the mailbox and the outbox) is read when it is opened.
for tab, body in zip(st.tabs(list(TABS), key=TAB_KEY, on_change="rerun"), TABS.values()):
    if tab.open:
        with tab:
            body()
