"""Quản trị: accounts and roles, policy values, CSV import/export, the mail inbox and quarantine, the audit log."""
import streamlit as st

from ui import mail_inbox
from ui.session import get_db, page_actor, session_token
from ui.widgets import md_escape, show_error
from voc.desk import admin_ops
from voc.accounts import users
from voc.accounts.access import Permission, Role
from voc.errors import DomainError
from voc.desk.policy import CalendarMode, Policy

actor = page_actor(Permission.MANAGE_USERS)
db = get_db()
st.title("Quản trị")

tab_users, tab_policy, tab_import, tab_mail, tab_audit = st.tabs(
    ["Tài khoản", "Chính sách thời hạn", "Nhập / xuất CSV", "Hộp thư", "Nhật ký"])

with tab_users:
    try:
        st.dataframe(admin_ops.users_table(db, actor), hide_index=True, width="stretch")
    except DomainError as error:
        show_error(error)
    roles = list(Role)
    with st.form("new_user", clear_on_submit=True):
        st.subheader("Tạo tài khoản")
        c1, c2 = st.columns(2)
        username = c1.text_input("Tên đăng nhập")
        display = c2.text_input("Họ tên")
        role = c1.selectbox("Vai trò", roles, format_func=lambda r: r.label)
        branch = c2.text_input("Chi nhánh (bắt buộc với nhân viên CSKH)")
        password = st.text_input("Mật khẩu ban đầu (ít nhất 10 ký tự)", type="password")
        if st.form_submit_button("Tạo tài khoản", type="primary"):
            try:
                users.create_user(db, actor, username, display, role, branch or None, password)
                st.success(f"Đã tạo tài khoản {md_escape(username.strip().lower())}.")
            except DomainError as error:
                show_error(error)
    with st.form("change_password", clear_on_submit=True):
        st.subheader("Đặt lại mật khẩu")
        who = st.text_input("Tên đăng nhập", value=actor.username)
        new = st.text_input("Mật khẩu mới", type="password")
        if st.form_submit_button("Đổi mật khẩu"):
            try:
                users.set_password(db, actor, who.strip().lower(), new, keep_session=session_token())
                st.success("Đã đổi mật khẩu.")
            except DomainError as error:
                show_error(error)
    with st.form("update_user"):
        st.subheader("Đổi vai trò / khóa tài khoản")
        who = st.text_input("Tên đăng nhập ", key="upd_user")
        new_role = st.selectbox("Vai trò mới", roles, format_func=lambda r: r.label, key="upd_role")
        new_branch = st.text_input("Chi nhánh", key="upd_branch")
        active = st.checkbox("Đang hoạt động", value=True)
        if st.form_submit_button("Cập nhật"):
            try:
                users.update_user(db, actor, who.strip().lower(), role=new_role, branch=new_branch, active=active)
                st.success("Đã cập nhật tài khoản.")
            except DomainError as error:
                show_error(error)

with tab_policy:
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

with tab_import:
    st.subheader("Nhập hồ sơ từ CSV chuẩn")
    st.caption("UTF-8, một dòng tiêu đề. Dòng lỗi không được nhập và được liệt kê trong tệp các dòng bị từ chối; "
               "hồ sơ đã có (cùng mã) không bị thay đổi.")
    upload = st.file_uploader("Tệp CSV", type=["csv"], key="import_csv")
    if upload is not None and st.button("Nhập dữ liệu", type="primary"):
        bar = st.progress(0.0, text="Đang nhập…")
        try:
            report, rejects = admin_ops.import_upload(
                db, actor, upload.name, upload.getvalue(),
                progress=lambda done, total: bar.progress(min(done / max(total, 1), 1.0), text=f"Đã đọc {done} dòng…"))
        except DomainError as error:
            show_error(error)
        else:
            bar.progress(1.0, text="Hoàn tất")
            st.cache_data.clear()
            (st.warning if report.rejected else st.success)(report.summary())
            if rejects:
                st.download_button("Tải tệp các dòng bị từ chối", rejects, file_name="rejects.csv", mime="text/csv")
    st.subheader("Xuất toàn bộ hồ sơ")
    if st.button("Chuẩn bị tệp xuất"):
        st.download_button("Tải CSV", admin_ops.export_bytes(db, actor), file_name="voc-desk-export.csv",
                           mime="text/csv")

with tab_mail:
    mail_inbox.show(db, actor)

with tab_audit:
    st.caption("Nhật ký chỉ được ghi thêm, không bao giờ sửa hoặc xóa.")
    st.dataframe(admin_ops.recent_events(db, actor), hide_index=True, width="stretch")
