"""Home: what needs attention today, and on an empty database the offer to load demo data."""
import streamlit as st

from ui.session import get_db, page_actor, session_token
from ui.widgets import show_error
from voc.insight import overview
from voc.accounts import users
from voc.accounts.access import Permission
from voc.errors import DomainError
from voc.numbers import vn_number

actor = page_actor()
db = get_db()
st.title("VOC Desk")
st.caption("Tiếp nhận và giải quyết khiếu nại khách hàng theo quy trình; lắng nghe tiếng nói khách hàng (VOC).")

summary = overview.summary(db, actor)
if summary.total_cases == 0:
    st.info("Cơ sở dữ liệu đang trống.")
    if actor.can(Permission.IMPORT_EXPORT):
        st.write("Bạn có thể nạp **dữ liệu mẫu (demo)** — lịch sử khiếu nại hai năm do máy tạo ra, "
                 "được đánh dấu rõ là dữ liệu mẫu — để xem thử mọi màn hình.")
        with st.form("demo"):
            n = st.number_input("Số hồ sơ mẫu", min_value=100, max_value=50_000, value=3_000, step=500)
            if st.form_submit_button("Nạp dữ liệu mẫu", type="primary"):
                bar = st.progress(0.0, text="Đang tạo dữ liệu mẫu…")

                def show(label: str):
                    return lambda d, t: bar.progress(min(d / max(t, 1), 1.0), text=f"{label}… {vn_number(d)}/{vn_number(t)}")

                report, _ = overview.generate_and_tag_demo(db, actor, int(n), progress=show("Đang tạo dữ liệu mẫu"),
                                                           tag_progress=show("Đang gắn chủ đề"))
                st.cache_data.clear()
                st.success(f"Đã nạp {vn_number(report.cases)} hồ sơ mẫu.")
                st.rerun()
    else:
        st.write("Hãy bắt đầu ở trang **Tiếp nhận**.")
else:
    if summary.demo_cases:
        st.warning(f"Đang có {vn_number(summary.demo_cases)} hồ sơ **dữ liệu mẫu (demo)**.")
    cols = st.columns(5)
    cols[0].metric("Hồ sơ đang mở", vn_number(summary.open_cases))
    cols[1].metric("Đến hạn trong 24 giờ", vn_number(summary.sla["due_24h"]))
    cols[2].metric("Quá hạn trả lời", vn_number(summary.sla["reply_overdue"]))
    cols[3].metric("Quá hạn giải quyết", vn_number(summary.sla["resolution_overdue"]))
    cols[4].metric("Tổng số hồ sơ", vn_number(summary.total_cases))
    if actor.can(Permission.HANDLE_CASES):
        st.page_link("pages/intake.py", label="Tiếp nhận khiếu nại mới", icon=":material/edit_note:")
    st.page_link("pages/sla_board.py", label="Xem bảng SLA", icon=":material/timer:")

try:
    account = users.own_account(db, actor)
except DomainError:          # a system actor without an account row has no address to keep
    account = None
if account is not None:
    with st.expander("E-mail của tôi"):
        st.caption("Địa chỉ nhận thông báo của hệ thống (để trống nếu không dùng).")
        with st.form("own_email"):
            email = st.text_input("Địa chỉ e-mail", value=account.email or "")
            if st.form_submit_button("Lưu e-mail"):
                try:
                    users.set_own_email(db, actor, email)
                    st.success("Đã lưu địa chỉ e-mail.")
                except DomainError as error:
                    show_error(error)

with st.expander("Đổi mật khẩu của tôi"):
    with st.form("own_password", clear_on_submit=True):
        current = st.text_input("Mật khẩu hiện tại", type="password")
        new = st.text_input(f"Mật khẩu mới (ít nhất {users.MIN_PASSWORD_CHARS} ký tự)", type="password")
        repeated = st.text_input("Nhập lại mật khẩu mới", type="password")
        if st.form_submit_button("Đổi mật khẩu"):
            try:
                users.change_own_password(db, actor, current, new, repeated, keep_session=session_token())
                st.success("Đã đổi mật khẩu. Các phiên đăng nhập khác của bạn đã kết thúc.")
            except DomainError as error:
                show_error(error)
