"""The case's attachments, each a download, and the form that adds documents after intake."""
from __future__ import annotations

import streamlit as st

from ui.case_file.flash import run_action
from ui.session import get_db
from ui.widgets import md_escape
from voc.accounts.access import Actor, Permission
from voc.clock import format_local
from voc.desk import attachments, cases
from voc.model import Case, DocumentKind
from voc.numbers import vn_number

AT_INTAKE = "Kèm khi tiếp nhận"
UPLOADS = "doc_upload_round"       # bumped after a successful upload: a fresh, empty file picker


def show(actor: Actor, case: Case, files: list) -> None:
    st.subheader(f"Tài liệu kèm theo ({len(files)})")
    if not files:
        st.caption("Không có tài liệu kèm theo.")
    with get_db().cursor() as cur:
        for f in files:
            st.download_button(f"{md_escape(f.filename)} ({vn_number(f.size_bytes / 1024)} KB)",
                               attachments.attachment_content(cur, case.id, f.id), file_name=f.filename,
                               mime=f.mime_type, key=f"att_{f.id}", help=f"SHA-256: {f.sha256}",
                               icon=":material/download:")
            kind = f.kind.label if f.kind else AT_INTAKE
            st.caption(f"{kind} — {md_escape(f.uploaded_by)} — {format_local(f.uploaded_at)}")
    if actor.can(Permission.HANDLE_CASES):
        add_form(actor, case)


def add_form(actor: Actor, case: Case) -> None:
    n = st.session_state.get(UPLOADS, 0)
    # A form, not an expander: an expander may fold up on the rerun and hide the error it holds.
    with st.form("add_documents"):
        st.markdown("**Thêm tài liệu vào hồ sơ**")
        kind = st.selectbox("Loại tài liệu", list(DocumentKind), format_func=lambda k: k.label, key="doc_kind")
        files = st.file_uploader(
            "Tệp", accept_multiple_files=True, key=f"doc_files_{n}",
            max_upload_size=attachments.MAX_ATTACHMENT_BYTES // 1024 // 1024,
            help=f"{', '.join(attachments.ALLOWED_EXTENSIONS)}; "
                 f"tối đa {attachments.MAX_ATTACHMENT_BYTES // 1024 // 1024} MB mỗi tệp.")
        if st.form_submit_button("Thêm tài liệu", type="primary", icon=":material/upload_file:"):
            uploads = [attachments.Upload(f.name, f.getvalue()) for f in files or []]

            def add() -> None:
                cases.add_attachments(get_db(), actor, case.ticket_code, uploads, kind=kind)
                st.session_state[UPLOADS] = n + 1

            run_action(f"thêm {len(uploads)} tài liệu ({kind.label})", add)
