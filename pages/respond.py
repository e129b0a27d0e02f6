"""Trả lời: the reply checker, and QA's review queue of issued replies with their check scores."""
import streamlit as st

from ui import charts, filters
from ui.reply_view import show_result
from ui.widgets import md_escape, show_error
from ui.session import get_db, page_actor
from voc.insight import analytics
from voc.text import reply_check
from voc.accounts.access import Permission
from voc.errors import DomainError
from voc.model import Service
from voc.numbers import vn_number

PAGE_SIZE = 50
actor = page_actor()
db = get_db()
st.title("Trả lời")
st.caption("Một thư trả lời tốt: không rập khuôn theo mẫu, không trễ hạn 48 giờ, không dài dòng, không viện lý do "
           "hay đổ lỗi, nhận trách nhiệm, nêu kế hoạch khắc phục có thời hạn và cảm ơn khách hàng.")


tab_check, tab_queue = st.tabs(["Kiểm tra thư trả lời", "Hàng đợi duyệt thư"])
with tab_check:
    with st.form("reply_check"):
        code = st.text_input("Mã hồ sơ (không bắt buộc: để kiểm tra hạn 48 giờ và so với các thư khác)", max_chars=40)
        text = st.text_area("Nội dung thư trả lời", height=280, max_chars=20_000, key="respond_text")
        submitted = st.form_submit_button("Kiểm tra", type="primary")
    if submitted:
        try:
            result = reply_check.check_draft(db, text, ticket_code=code.strip() or None, writer=actor.username)
        except DomainError as error:
            show_error(error)
        else:
            show_result(result, "draft")

with tab_queue:
    f = filters.show(db, actor)
    if not actor.can(Permission.VIEW_ANALYTICS) and actor.branch is None:
        st.info("Hàng đợi duyệt thư dành cho giám sát chất lượng và quản lý.")
        st.stop()
    only_low = st.toggle("Chỉ thư có điểm dưới 70", key="respond_low")
    page = st.number_input("Trang", 1, 10_000, 1, key="respond_page")
    queue, total = analytics.review_queue(db, f, PAGE_SIZE, (page - 1) * PAGE_SIZE, 69 if only_low else None)
    st.caption(f"{vn_number(total)} thư trả lời; mới nhất trước. Thư chưa có điểm được chấm khi hiện ra và điểm "
               "được lưu lại.")
    shown = queue.assign(issued_at=queue["issued_at"].dt.strftime("%d/%m/%Y %H:%M"),
                         service=[Service(v).label for v in queue["service"]]).drop(columns=["codes"])
    labels = {"letter_id": "Mã thư", "doc_number": "Số văn bản", "ticket_code": "Mã hồ sơ", "round": "Lần",
              "issued_at": "Phát hành", "issued_by": "Người viết", "service": "Dịch vụ", "branch": "Chi nhánh",
              "score": "Điểm"}
    picked = st.dataframe(shown.rename(columns=labels), hide_index=True, on_select="rerun",
                          selection_mode="single-row", key="respond_queue")
    charts.download(shown, "hang-doi-duyet-thu.csv", "respond_queue", labels)
    rows = picked.selection.rows if picked else []
    if rows:
        letter_id = int(shown.iloc[rows[0]]["letter_id"])
        checked = reply_check.check_stored_letter(db, letter_id)
        if checked:
            body, result = checked
            st.subheader(f"Thư {md_escape(shown.iloc[rows[0]]['doc_number'])}")
            st.text(body)
            show_result(result, "queue")
