"""Tiếp nhận → the documents for the customer after a save: the R3 confirmation (text, PDF) and the R4
receipt form for an in-person complaint."""
from __future__ import annotations

from datetime import datetime

import streamlit as st

from voc.accounts.access import Actor
from voc.clock import utcnow
from voc.desk import templates
from voc.model import Case, Channel


def show(actor: Actor, case: Case, files: list) -> None:
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
        staff_name = actor.display_name if case.staff == actor.username else None
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
