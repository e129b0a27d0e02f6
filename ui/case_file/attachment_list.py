"""The case's attachments, each a download."""
from __future__ import annotations

import streamlit as st

from ui.session import get_db
from ui.widgets import md_escape
from voc.desk import attachments
from voc.model import Case
from voc.numbers import vn_number


def show(case: Case, files: list) -> None:
    st.subheader(f"Tài liệu kèm theo ({len(files)})")
    if not files:
        st.caption("Không có tài liệu kèm theo.")
    with get_db().cursor() as cur:
        for f in files:
            st.download_button(f"{md_escape(f.filename)} ({vn_number(f.size_bytes / 1024)} KB)",
                               attachments.attachment_content(cur, case.id, f.id), file_name=f.filename,
                               mime=f.mime_type, key=f"att_{f.id}", help=f"SHA-256: {f.sha256}",
                               icon=":material/download:")
