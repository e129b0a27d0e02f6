"""The intake result: the new case's code and clocks with a link to its file, the customer's
confirmation and receipt form, the customer's other open cases and similar complaints, each a link."""
from __future__ import annotations

from datetime import datetime

import streamlit as st

from ui.case_links import linked_cases
from ui.session import get_db
from ui.tables import person
from ui.widgets import case_link, customer_lines, fields_table, labelled_text
from voc.accounts.access import Actor
from voc.clock import format_local, utcnow
from voc.desk import attachments, cases, templates
from voc.model import Case, Channel
from voc.store import case_store
from voc.text import similar

SIMILAR_WITHIN_DAYS = 90


def show(actor: Actor, ticket_code: str) -> None:
    db = get_db()
    case = cases.load_case(db, actor, ticket_code)
    with db.cursor() as cur:
        files = attachments.list_attachments(cur, case.id)
        others = case_store.open_cases_of_customer(cur, case)
        alike = similar.similar_cases(cur, case, limit=5, within_days=SIMILAR_WITHIN_DAYS)
    st.success(f"Đã lưu hồ sơ **{case.ticket_code}** — {case.status.label}.", icon=":material/check_circle:")
    case_link(case.ticket_code)
    c1, c2, c3 = st.columns(3)
    c1.metric("Mã hồ sơ", case.ticket_code)
    c2.metric("Hạn gửi thư trả lời", format_local(case.reply_due_at))
    c3.metric("Hạn giải quyết", format_local(case.resolution_due_at))
    if case.late_complaint:
        st.warning("Khiếu nại quá thời hiệu, được tiếp nhận với lý do:", icon=":material/hourglass_bottom:")
        st.text(case.late_reason or "")
    documents_for_customer(actor, case, files)
    st.subheader(f"Hồ sơ khác đang mở của khách hàng ({len(others)})")
    if others:
        linked_cases(others)
    else:
        st.caption("Khách hàng không có hồ sơ nào khác đang mở.")
    st.subheader(f"Khiếu nại tương tự về {case.service.label} ({len(alike)})")
    if alike:
        st.caption(f"Cùng dịch vụ, đang mở hoặc đã đóng, giống từ {similar.MIN_SIMILARITY:.0%} trở lên; "
                   f"hồ sơ trong {similar.RECENT_DAYS} ngày qua trước.")
        linked_cases([vars(s) for s in alike])
    else:
        st.caption(f"Chưa có khiếu nại tương tự trong {SIMILAR_WITHIN_DAYS} ngày qua.")
    with st.expander("Thông tin đã ghi nhận"):
        fields_table(customer_lines(actor, case.customer))
        labelled_text("Nội dung phản ánh", case.content)
        labelled_text("Yêu cầu cần giải quyết", case.request)
        st.text("Tài liệu kèm theo: " + (", ".join(f.filename for f in files) or "(không có)"))


def documents_for_customer(actor: Actor, case: Case, files: list) -> None:
    """R3 confirmation (e-mail text for the web channel, a printable note otherwise); R4 receipt form."""
    note = templates.confirmation(case)
    st.subheader("Xác nhận gửi khách hàng")
    if case.channel is Channel.EMAIL:
        st.caption("Nội dung email xác nhận (sao chép để gửi cho khách hàng):")
        st.text(f"Tiêu đề: {note.subject}")
        st.code(note.body, language=None, wrap_lines=True)
    else:
        st.text(note.subject)
        st.code(note.body, language=None, wrap_lines=True)
    c1, c2, c3 = st.columns(3)
    c1.download_button("Tải xác nhận (.txt)", f"{note.subject}\n\n{note.body}\n".encode("utf-8"),
                       file_name=f"xac-nhan-{case.ticket_code}.txt", mime="text/plain", key="dl_confirm_txt",
                       on_click="ignore")
    shown_at = utcnow()
    c2.download_button("Tải xác nhận (PDF)", lambda: confirmation_pdf(case, shown_at), key="dl_confirm_pdf",
                       file_name=f"xac-nhan-{case.ticket_code}.pdf", mime="application/pdf", on_click="ignore")
    if case.channel is Channel.IN_PERSON:
        staff_name = (actor.display_name if case.staff == actor.username else None) or person(case.staff) or None
        c3.download_button("In Phiếu tiếp nhận (PDF)", lambda: receipt_pdf(case, files, staff_name),
                           file_name=f"phieu-tiep-nhan-{case.ticket_code}.pdf", mime="application/pdf",
                           type="primary", key="dl_receipt", on_click="ignore")


# The PDFs are built when a download button is clicked (Streamlit calls these then, on its own
# thread), not on every display of the result page; the PDF library loads with the first one. A
# click does not rerun the page (on_click="ignore").
def confirmation_pdf(case: Case, at: datetime) -> bytes:
    from voc.desk import documents

    return documents.confirmation_pdf(case, at)


def receipt_pdf(case: Case, files: list, staff_name: str | None) -> bytes:
    from voc.desk import documents

    return documents.receipt_pdf(case, files, staff_name=staff_name)
