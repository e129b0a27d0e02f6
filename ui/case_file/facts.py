"""The customer and the complaint as received."""
from __future__ import annotations

import streamlit as st

from ui.widgets import customer_lines, fields_table, labelled_text
from voc.accounts.access import Actor
from voc.clock import format_local
from voc.model import Case


def show(actor: Actor, case: Case) -> None:
    st.subheader("Khách hàng")
    fields_table(customer_lines(actor, case.customer))
    st.subheader("Sự việc")
    fields_table([("Dịch vụ", case.service.label), ("Loại khiếu nại", case.issue_kind.label),
                  ("Ngày xảy ra sự việc", case.event_date.strftime("%d/%m/%Y") if case.event_date else None),
                  ("Tiếp nhận lúc", format_local(case.received_at)), ("Kênh", case.channel.label)])
    labelled_text("Nội dung phản ánh", case.content)
    labelled_text("Yêu cầu cần giải quyết", case.request)
    if case.late_complaint:
        st.warning("Khiếu nại quá thời hiệu, được chấp nhận với lý do:", icon=":material/hourglass_bottom:")
        st.text(case.late_reason or "")
    if case.referral_body:
        st.info(f"Đã chuyển {case.referral_body.label} ngày {case.referral_date:%d/%m/%Y}.")
