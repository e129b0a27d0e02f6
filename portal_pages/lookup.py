"""Tra cứu hồ sơ: ticket code + e-mail or phone -> voc.portal.lookup -> that case's status, dates and letters."""
from __future__ import annotations

from datetime import datetime

import streamlit as st

from ui.portal import client_address, contact_footer, show_refusal
from ui.widgets import fields_table
from ui.session import get_db
from voc.clock import format_local
from voc.errors import DomainError
from voc.portal import lookup

VIEW = "portal_view"


def lookup_form() -> None:
    st.caption("Nhập mã hồ sơ và email hoặc số điện thoại Quý khách đã khai khi gửi khiếu nại.")
    with st.form("portal-lookup"):
        code = st.text_input("Mã hồ sơ *", key="lookup-code", max_chars=lookup.MAX_CODE_CHARS,
                             placeholder="KN-2026-000123")
        contact = st.text_input("Email hoặc số điện thoại *", key="lookup-contact",
                                max_chars=lookup.MAX_CONTACT_CHARS)
        sent = st.form_submit_button("Tra cứu", type="primary")
    if not sent:
        return
    try:
        st.session_state[VIEW] = lookup.look_up(get_db(), code, contact, client=client_address())
    except DomainError as error:
        show_refusal(error)
        return
    st.rerun()


def _when(value: datetime | None) -> str:
    return format_local(value) if value else "—"


def show_view(view: lookup.PortalView) -> None:
    st.subheader(f"Hồ sơ {view.ticket_code}")
    lines = [("Trạng thái", view.status_label), ("Tiếp nhận lúc", format_local(view.received_at))]
    if view.is_open:
        if view.round > 1:
            lines.append(("Giải quyết", f"Lần {view.round}"))
        if view.reply_due_at:
            lines.append(("Hạn gửi thư trả lời", format_local(view.reply_due_at)))
        lines.append(("Hạn giải quyết", _when(view.resolution_due_at)))
    else:
        lines.append(("Hoàn tất lúc", _when(view.finished_at)))
    fields_table(lines)
    st.subheader(f"Văn bản đã gửi Quý khách ({len(view.letters)})")
    if not view.letters:
        st.caption("Chưa có văn bản nào.")
    for index, letter in enumerate(view.letters):
        st.download_button(f"{letter.kind_label} số {letter.doc_number}, ngày {format_local(letter.issued_at, False)} (PDF)",
                           letter.pdf, file_name=letter.file_name, mime="application/pdf", key=f"portal_letter_{index}",
                           icon=":material/download:")
    if st.button("Tra cứu hồ sơ khác", key="portal_lookup_again"):
        st.session_state.pop(VIEW, None)
        st.rerun()


st.title("Tra cứu hồ sơ")
if st.session_state.get(VIEW) is not None:
    show_view(st.session_state[VIEW])
else:
    lookup_form()
contact_footer()
