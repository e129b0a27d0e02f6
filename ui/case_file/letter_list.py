"""The letters issued on the case: text, how each was sent, DOCX and PDF downloads."""
from __future__ import annotations

import streamlit as st

from ui.tables import person
from voc.clock import format_local
from voc.desk import documents, letters
from voc.model import Case


def delivery_text(letter: letters.Letter) -> str:
    """How the letter was sent (the address comes masked from `letters_of` for roles that may not see it)."""
    d = letter.delivery
    if d is None:
        return "Chưa ghi nhận cách gửi (thư phát hành trước khi có mục này)."
    return f"Gửi: {d.method.label} — {d.recipient} — lúc {format_local(d.at)}"


def show(case: Case, issued: list[letters.Letter]) -> None:
    st.subheader(f"Thư đã phát hành ({len(issued)})")
    if not issued:
        st.caption("Chưa có thư trả lời hay giấy mời nào.")
    for letter in issued:
        replaced = f" — đã bị thay thế bởi thư số {letter.superseded_by_number}" if letter.is_superseded else ""
        # A key keeps the expander open across reruns; downloads do not rerun and build the file on click.
        with st.expander(f"{letter.kind.label} số {letter.doc_number} — lần {letter.round} — "
                         f"{format_local(letter.issued_at)} — {person(letter.issued_by)}{replaced}", key=f"letter_{letter.id}"):
            if letter.is_superseded:
                st.warning(f"Thư này đã bị thay thế bởi thư số {letter.superseded_by_number}.",
                           icon=":material/history:")
            st.text(f"V/v: {letter.subject}")
            if letter.supersedes_number:
                st.caption(f"Thay thế thư số {letter.supersedes_number}.")
            st.text(delivery_text(letter))
            if letter.meeting_at:
                st.text(f"Hẹn làm việc: {format_local(letter.meeting_at)} tại {letter.meeting_place or ''}")
            st.text(letter.body)
            c1, c2 = st.columns(2)
            stem = letter.doc_number.replace("/", "-")
            c1.download_button("Tải DOCX", lambda letter=letter: documents.letter_docx(letter, case),
                               file_name=f"{stem}.docx", key=f"docx_{letter.id}", on_click="ignore",
                               mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
            c2.download_button("Tải PDF", lambda letter=letter: documents.letter_pdf(letter, case),
                               file_name=f"{stem}.pdf", mime="application/pdf", key=f"pdf_{letter.id}",
                               on_click="ignore")
