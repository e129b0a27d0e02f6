"""Home: what needs attention today, and on an empty database the offer to load demo data."""
import streamlit as st

from ui import notification_settings
from ui.session import get_db, page_actor, session_token
from ui.widgets import case_list_link, form_expander, frame, open_case, selected_row, show_error
from voc.insight import overview
from voc.accounts import users
from voc.accounts.access import Permission
from voc.errors import DomainError
from voc.numbers import vn_number

MY_WORK_COLUMNS = ["ticket_code", "sla_state", "reply_due_at", "resolution_due_at", "customer_name", "status",
                   "received_at", "excerpt"]
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
    for col, kpi in zip(st.columns(len(summary.kpis)), summary.kpis):
        with col:
            st.metric(kpi.label, vn_number(kpi.value))
            case_list_link("Xem danh sách", kpi.cases, ":material/list:")
    if actor.can(Permission.HANDLE_CASES):
        work = overview.my_work(db, actor)
        st.subheader(f"Việc của tôi ({vn_number(work.total)} hồ sơ đang mở)")
        if work.rows:
            st.caption("Hồ sơ bạn phụ trách, hạn gần nhất lên trước. Chọn một dòng để mở hồ sơ.")
            event = st.dataframe(frame(work.rows, MY_WORK_COLUMNS), hide_index=True, width="stretch", key="my_work",
                                 on_select="rerun", selection_mode="single-row")
            if (picked := selected_row(event)) is not None:
                open_case(work.rows[picked]["ticket_code"])
            if work.total > len(work.rows):
                case_list_link(f"Xem cả {vn_number(work.total)} hồ sơ của tôi", work.cases)
        else:
            st.caption("Bạn không có hồ sơ nào đang mở.")
        st.page_link("pages/intake.py", label="Tiếp nhận khiếu nại mới", icon=":material/edit_note:")
    st.page_link("pages/sla_board.py", label="Xem bảng SLA", icon=":material/timer:")

try:
    account = users.own_account(db, actor)
except DomainError:          # a system actor without an account row has no address to keep
    account = None
if account is not None:
    with form_expander("E-mail của tôi", "own_email"):
        st.caption("Địa chỉ nhận thông báo của hệ thống (để trống nếu không dùng).")
        with st.form("own_email"):
            email = st.text_input("Địa chỉ e-mail", value=account.email or "")
            if st.form_submit_button("Lưu e-mail"):
                try:
                    users.set_own_email(db, actor, email)
                    st.success("Đã lưu địa chỉ e-mail.")
                except DomainError as error:
                    show_error(error)
    notification_settings.show(db, actor, account.email)

with form_expander("Đổi mật khẩu của tôi", "own_password"):
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
