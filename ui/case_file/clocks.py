"""The deadlines of the case's current round and where it stands against them."""
from __future__ import annotations

import streamlit as st

from ui.widgets import fields_table, remaining_text
from voc.clock import format_local, utcnow
from voc.desk.sla import sla_state
from voc.model import Case, SlaState


def show(case: Case) -> None:
    now = utcnow()
    st.subheader(f"Thời hạn lần {case.round}")
    state = sla_state(case, now)
    if state is not None:
        {SlaState.ON_TIME: st.success, SlaState.DUE_24H: st.warning}.get(state, st.error)(state.label)
    replied = case.round_replied_at
    reply_text = (f"đã trả lời lúc {format_local(replied)}" if replied else remaining_text(case.reply_due_at, now))
    done = case.resolved_at or case.closed_at
    resolution_text = (f"hoàn tất lúc {format_local(done)}" if done else remaining_text(case.resolution_due_at, now))
    fields_table([("Mở lần này lúc", format_local(case.round_opened_at)),
                  ("Hạn trả lời", format_local(case.reply_due_at)), ("Trả lời", reply_text),
                  ("Hạn giải quyết", format_local(case.resolution_due_at)), ("Giải quyết", resolution_text)])
