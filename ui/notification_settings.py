"""The home page's "Thông báo qua e-mail": which staff notifications the signed-in user gets."""
from __future__ import annotations

import streamlit as st

from ui.widgets import form_expander, show_error
from voc.accounts.access import Actor
from voc.errors import DomainError
from voc.mail import notifications
from voc.mail.notifications import ALERT_ROLES, MAX_DUE_HOURS, MIN_DUE_HOURS, NotificationSettings


def show(db, actor: Actor, email: str | None, key: str = "notification_settings") -> None:
    """The settings form; the kinds that cannot reach this user (no branch, not QA/manager) are not offered."""
    current = notifications.own_settings(db, actor)
    with form_expander("Thông báo qua e-mail", key):
        if not actor.branch and actor.role not in ALERT_ROLES:
            st.caption("Tài khoản không thuộc chi nhánh nào và không nhận cảnh báo: chưa có thông báo cho bạn.")
            return
        if not email:
            st.caption("Bạn chưa có địa chỉ e-mail nên chưa nhận thông báo nào; hãy nhập địa chỉ ở mục trên.")
        with st.form(key):
            digest, hours, new_case = current.due_digest, current.due_hours, current.new_case
            if actor.branch:
                digest = st.checkbox(f"Hồ sơ của chi nhánh {actor.branch} sắp đến hạn trả lời / giải quyết và "
                                     "hồ sơ quá hạn (thư tổng hợp, tối đa một lần mỗi giờ)", value=current.due_digest)
                hours = st.number_input("Báo trước (giờ)", min_value=MIN_DUE_HOURS, max_value=MAX_DUE_HOURS,
                                        value=current.due_hours, step=1)
                new_case = st.checkbox(f"Mỗi hồ sơ mới của chi nhánh {actor.branch}", value=current.new_case)
            alerts = current.alerts
            if actor.role in ALERT_ROLES:
                alerts = st.checkbox("Cảnh báo vấn đề nổi lên (chủ đề tăng bất thường)", value=current.alerts)
            if st.form_submit_button("Lưu cài đặt thông báo"):
                try:
                    notifications.save_own_settings(db, actor, NotificationSettings(
                        bool(digest), int(hours), bool(new_case), bool(alerts)))
                    st.success("Đã lưu cài đặt thông báo.")
                except DomainError as error:
                    show_error(error)
