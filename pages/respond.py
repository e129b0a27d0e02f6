"""Trả lời: the reply checker, and the review queue of issued replies: QA mark them reviewed with a comment
to the writer, and writers read the comments on their own replies."""
import streamlit as st

from ui import charts, filters, tables
from ui.reply_view import FLASH, show_result, show_under_review
from ui.widgets import show_error
from ui.session import get_db, page_actor
from voc.insight import reply_queue
from voc.text import reply_check
from voc.accounts.access import Permission
from voc.errors import DomainError
from voc.model import Service
from voc.numbers import vn_number
from voc.text.reply_review import ReviewState

PAGE_SIZE = 50
TAB_CHECK, TAB_QUEUE = "Kiểm tra thư trả lời", "Hàng đợi duyệt thư"
actor = page_actor()
db = get_db()
reviewer = actor.can(Permission.REVIEW_REPLIES)
st.title("Trả lời")
st.caption("Một thư trả lời tốt: không rập khuôn theo mẫu, không trễ hạn 48 giờ, không dài dòng, không viện lý do "
           "hay đổ lỗi, nhận trách nhiệm, nêu kế hoạch khắc phục có thời hạn và cảm ơn khách hàng.")

# Only the open tab runs, so the VOC filters (in the sidebar) show only beside the queue they filter.
tab_check, tab_queue = st.tabs([TAB_CHECK, TAB_QUEUE], key="respond_tab", on_change="rerun",
                               default=TAB_QUEUE if reviewer else TAB_CHECK)
if tab_check.open:
    with tab_check:
        with st.form("reply_check"):
            code = st.text_input("Mã hồ sơ (không bắt buộc: để kiểm tra hạn 48 giờ và so với các thư khác)",
                                 max_chars=40)
            text = st.text_area("Nội dung thư trả lời", height=280, max_chars=20_000, key="respond_text")
            submitted = st.form_submit_button("Kiểm tra", type="primary")
        if submitted:
            try:
                result = reply_check.check_draft(db, text, ticket_code=code.strip() or None, writer=actor.username)
            except DomainError as error:
                show_error(error)
            else:
                show_result(result, "draft")

if tab_queue.open:
    with tab_queue:
        f = filters.show(db, actor)
        if not actor.can(Permission.VIEW_ANALYTICS) and actor.branch is None:
            st.info("Hàng đợi duyệt thư dành cho giám sát chất lượng và quản lý.")
            st.stop()
        if flash := st.session_state.pop(FLASH, None):
            st.success(flash, icon=":material/check_circle:")
        c1, c2, c3 = st.columns(3)
        states = list(ReviewState)
        review = c1.selectbox("Tình trạng duyệt", states, format_func=lambda s: s.label, key="respond_review",
                              index=states.index(ReviewState.UNREVIEWED if reviewer else ReviewState.ALL))
        mine = actor.can(Permission.HANDLE_CASES) and c2.toggle("Chỉ thư của tôi", value=not reviewer,
                                                                 key="respond_mine")
        only_low = c3.toggle("Chỉ thư có điểm dưới 70", key="respond_low")
        page = st.number_input("Trang", 1, 10_000, 1, key="respond_page")
        queue, total = reply_queue.review_queue(db, f, PAGE_SIZE, (page - 1) * PAGE_SIZE, 69 if only_low else None,
                                              review=review, writer=actor.username if mine else None,
                                              reader=actor)
        st.caption(f"{vn_number(total)} thư trả lời; mới nhất trước. Thư chưa có điểm được chấm khi hiện ra và điểm "
                   "được lưu lại.")
        shown = queue.assign(issued_at=queue["issued_at"].dt.strftime("%d/%m/%Y %H:%M"),
                             reviewed_at=queue["reviewed_at"].dt.strftime("%d/%m/%Y %H:%M"),
                             service=[Service(v).label for v in queue["service"]]).drop(columns=["codes"])
        labels = {"letter_id": "Mã thư", "doc_number": "Số văn bản", "ticket_code": "Mã hồ sơ", "round": "Lần",
                  "issued_at": "Phát hành", "issued_by": "Người viết", "service": "Dịch vụ", "branch": "Chi nhánh",
                  "score": "Điểm", "reviews": "Số lần duyệt", "reviewer": "Người duyệt gần nhất",
                  "reviewed_at": "Duyệt lúc", "comment": "Nhận xét gần nhất"}
        tables.table(queue.drop(columns=["codes"]), labels)
        charts.download(shown, "hang-doi-duyet-thu.csv", "respond_queue", labels)
        writers = tables.people()
        names = {int(r.letter_id): f"{r.doc_number} — {r.ticket_code} — {writers.get(r.issued_by, r.issued_by)}"
                 for r in shown.itertuples()}
        if st.session_state.get("respond_letter") not in names:  # e.g. just reviewed and left the filter
            st.session_state["respond_letter"] = None
        letter_id = st.selectbox("Mở thư để đọc" + (" và duyệt" if reviewer else " và xem nhận xét"), list(names),
                                 format_func=names.get, index=None, key="respond_letter",
                                 placeholder="Chọn một thư trong hàng đợi")
        if letter_id is not None:
            show_under_review(db, actor, letter_id)
