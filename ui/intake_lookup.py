"""Tiếp nhận: the hotline's first question, "has this customer complained before?": their cases by
the phone number or e-mail typed, open ones first, each a link to its file (issue #14, item 23)."""
from __future__ import annotations

import streamlit as st

from ui.case_links import linked_cases
from ui.session import get_db
from ui.widgets import show_error
from voc.accounts.access import Actor
from voc.desk import finder
from voc.errors import DomainError

ASKED = "intake_lookup"          # the contact last looked up
FIELD = "intake_lookup_contact"


def show(actor: Actor) -> None:
    with st.form("customer_lookup"):
        c1, c2 = st.columns([4, 1], vertical_alignment="bottom")
        typed = c1.text_input("Tra cứu hồ sơ của khách hàng theo SĐT hoặc email", key=FIELD,
                              placeholder="0912 345 678, +84912345678, 6 số cuối, an@congty.vn")
        if c2.form_submit_button("Tra cứu", icon=":material/search:"):
            st.session_state[ASKED] = typed.strip()
    asked = st.session_state.get(ASKED)
    if not asked:
        return
    try:
        rows = finder.customer_cases(get_db(), actor, asked)
    except DomainError as error:
        show_error(error)
        return
    if not rows:
        scope = finder.branch_scope(actor)
        st.caption("Chưa có hồ sơ nào của khách hàng này" + (f" ở chi nhánh {scope}." if scope else "."))
        return
    still_open = sum(1 for r in rows if r["open"])
    st.caption(f"{len(rows)} hồ sơ của khách hàng, {still_open} đang mở (đang mở xếp trước):")
    linked_cases(rows)


def forget() -> None:
    """A new intake starts with an empty lookup."""
    st.session_state.pop(ASKED, None)
    st.session_state.pop(FIELD, None)
