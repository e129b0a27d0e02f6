"""Gửi khiếu nại: the customer's complaint form (R2) -> voc.portal.submission -> the ticket code at once (R3)."""
from __future__ import annotations

import uuid

import streamlit as st

from ui.portal import client_address, contact_footer, show_refusal
from ui.session import get_db
from ui.widgets import fields_table, md_escape
from voc.desk import attachments
from voc.clock import format_local, local_date, utcnow
from voc.errors import DomainError
from voc.model import IssueKind, Service
from voc.portal import submission

FORM, STARTED, RECEIPT = "portal_form", "portal_started", "portal_receipt"
HONEYPOT_PREFIX = "portal-hp-"
ISSUE_KIND_TEXT = {
    IssueKind.QUALITY: "Chất lượng dịch vụ (sự cố, lỗi, chậm, gián đoạn…)",
    IssueKind.BUSINESS: "Cước phí, hợp đồng, thanh toán",
}
MAX_MB = attachments.MAX_ATTACHMENT_BYTES // 1024 // 1024


def form_key() -> str:
    """One id per form (a repeated click saves one case), and the moment the form was first shown."""
    if FORM not in st.session_state:
        st.session_state[FORM] = uuid.uuid4().hex
        st.session_state[STARTED] = utcnow()
    return st.session_state[FORM]


def complaint_form() -> None:
    k = form_key()
    st.caption("Quý khách mô tả sự việc và yêu cầu của mình; mã hồ sơ hiện ngay khi gửi. Các trường có dấu * "
               "là bắt buộc. Thông tin chỉ dùng để giải quyết khiếu nại.")
    st.html(f"<style>[class*='st-key-{HONEYPOT_PREFIX}'] {{display: none !important;}}</style>")
    with st.form(f"portal-complaint-{k}"):
        name = st.text_input("Họ và tên *", key=f"name-{k}", max_chars=200)
        c1, c2 = st.columns(2)
        email = c1.text_input("Email", key=f"email-{k}", max_chars=200,
                              help="Chúng tôi gửi xác nhận và thư trả lời tới địa chỉ này.")
        phone = c2.text_input("Số điện thoại", key=f"phone-{k}", max_chars=20)
        st.caption("Vui lòng nhập ít nhất email hoặc số điện thoại: Quý khách dùng nó để tra cứu hồ sơ.")
        c1, c2 = st.columns(2)
        service = c1.selectbox("Dịch vụ *", list(Service), format_func=lambda s: s.label, key=f"service-{k}")
        event_date = c2.date_input("Ngày xảy ra sự việc *", value=None, format="DD/MM/YYYY", key=f"event-{k}",
                                   max_value=local_date(utcnow()))
        kind = st.radio("Vấn đề thuộc về *", list(IssueKind), format_func=ISSUE_KIND_TEXT.get, key=f"kind-{k}",
                        horizontal=True)
        content = st.text_area("Sự việc đã xảy ra *", key=f"content-{k}", height=160,
                               max_chars=submission.MAX_CONTENT_CHARS,
                               placeholder="Điều gì đã xảy ra, từ khi nào, ảnh hưởng tới Quý khách ra sao…")
        request = st.text_area("Quý khách yêu cầu chúng tôi giải quyết như thế nào *", key=f"request-{k}",
                               height=90, max_chars=submission.MAX_REQUEST_CHARS)
        files = st.file_uploader(
            "Tài liệu kèm theo (ảnh chụp màn hình, hóa đơn, hợp đồng…)", accept_multiple_files=True,
            key=f"files-{k}", max_upload_size=MAX_MB, type=attachments.ALLOWED_EXTENSIONS,
            help=f"Tối đa {submission.MAX_FILES} tệp, mỗi tệp {MAX_MB} MB: {', '.join(attachments.ALLOWED_EXTENSIONS)}.")
        honeypot = st.text_input("Để trống ô này", key=f"{HONEYPOT_PREFIX}{k}", autocomplete="off")
        sent = st.form_submit_button("Gửi khiếu nại", type="primary")
    if not sent:
        return
    sub = submission.PortalSubmission(
        name=name, email=email, phone=phone, service=service, issue_kind=kind, event_date=event_date,
        content=content, request=request, honeypot=honeypot,
        files=tuple(attachments.Upload(f.name, f.getvalue()) for f in files or []))
    try:
        receipt = submission.submit(get_db(), sub, client=client_address(), form_started_at=st.session_state[STARTED],
                                    at=utcnow(), intake_key=k)
    except DomainError as error:
        show_refusal(error)
        return
    st.session_state[RECEIPT] = receipt
    for key in (FORM, STARTED):
        st.session_state.pop(key, None)
    st.rerun()


def show_receipt(receipt: submission.Receipt) -> None:
    st.success(f"Đã tiếp nhận khiếu nại của Quý khách. Mã hồ sơ: **{receipt.ticket_code}**",
               icon=":material/check_circle:")
    st.metric("Mã hồ sơ", receipt.ticket_code)
    fields_table([("Trạng thái", receipt.status_label), ("Tiếp nhận lúc", format_local(receipt.received_at)),
                  ("Hạn gửi thư trả lời", format_local(receipt.reply_due_at)),
                  ("Hạn giải quyết", format_local(receipt.resolution_due_at))])
    st.caption("Quý khách vui lòng giữ mã hồ sơ để tra cứu ở mục Tra cứu hồ sơ.")
    if receipt.email:
        st.info(f"Chúng tôi đã gửi email xác nhận tới {md_escape(receipt.email)}.", icon=":material/mail:")
    st.download_button("Tải giấy xác nhận (PDF)", receipt.confirmation_pdf, key="portal_confirmation",
                       file_name=f"xac-nhan-{receipt.ticket_code}.pdf", mime="application/pdf")
    if st.button("Gửi khiếu nại khác", key="portal_new"):
        st.session_state.pop(RECEIPT, None)
        st.rerun()


st.title("Gửi khiếu nại")
if st.session_state.get(RECEIPT) is not None:
    show_receipt(st.session_state[RECEIPT])
else:
    complaint_form()
contact_footer()
