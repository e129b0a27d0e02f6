"""Lists of cases, each a link to its case file: the customer's cases, similar complaints."""
from __future__ import annotations

import streamlit as st

from ui.widgets import case_link, md_escape
from voc.clock import format_local
from voc.model import Service, Status
from voc.text.similar import RECENT_DAYS


def linked_cases(rows: list[dict]) -> None:
    """One line per case: the link (code, status, when; the service or the similarity when given),
    then the start of the complaint as plain text."""
    for row in rows:
        parts = [row["ticket_code"], Status(row["status"]).label, format_local(row["received_at"])]
        if row.get("service"):
            parts.append(Service(row["service"]).label)
        if row.get("score") is not None:
            recent = f" — trong {RECENT_DAYS} ngày qua" if row.get("recent") else ""
            parts.append(f"giống {row['score']:.0%}{recent}")
        case_link(row["ticket_code"], " — ".join(parts))
        st.caption(md_escape(row["excerpt"] or ""))
