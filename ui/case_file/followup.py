"""The follow-up after resolution: the customer's satisfaction shown, and the form that records a call."""
from __future__ import annotations

import streamlit as st

from ui.tables import person
from ui.case_file.flash import run_action
from ui.session import get_db
from ui.widgets import md_escape
from voc.accounts.access import Actor
from voc.clock import format_local
from voc.desk import cases
from voc.model import Case


def show(followups: list[cases.Followup]) -> None:
    """The customer's satisfaction after resolution, on the case itself (not only in the timeline)."""
    if not followups:
        return
    st.subheader("Theo dõi sau giải quyết")
    latest = followups[0]
    st.metric("Mức độ hài lòng (lần theo dõi gần nhất)", f"{latest.satisfaction}/5",
              help=f"{len(followups)} lần theo dõi" if len(followups) > 1 else None)
    st.caption(f"{format_local(latest.contacted_at)} — {md_escape(person(latest.recorded_by))}")
    if latest.note:
        st.text(latest.note)
    if len(followups) > 1:
        st.dataframe([{"Thời điểm": format_local(f.contacted_at), "Hài lòng": f"{f.satisfaction}/5",
                       "Ghi chú": f.note or "", "Người ghi nhận": person(f.recorded_by)} for f in followups],
                     hide_index=True, width="stretch", key="followups")


def form(actor: Actor, case: Case) -> None:
    with st.form("act_followup"):
        satisfaction = st.slider("Mức độ hài lòng của khách hàng", 1, 5, 4, key="followup_score")
        note = st.text_area("Ghi chú cuộc gọi theo dõi", height=80, key="followup_note")
        if st.form_submit_button("Ghi nhận theo dõi", type="primary"):
            run_action("Ghi nhận theo dõi", lambda: cases.record_followup(
                get_db(), actor, case.ticket_code, int(satisfaction), note=note),
                clear=("followup_score", "followup_note"))
