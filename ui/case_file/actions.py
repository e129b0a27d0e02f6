"""The actions the procedure allows at the case's state, one tab each (R5-R11)."""
from __future__ import annotations

from datetime import datetime

import streamlit as st

from ui.case_file import composer
from ui.case_file.flash import run_action
from ui.case_file.followup import form as followup_form
from ui.session import get_db
from voc.accounts.access import Actor
from voc.clock import LOCAL_TZ
from voc.desk import cases
from voc.desk.lifecycle import Action, allowed_actions
from voc.model import Case, ReferralBody, Status


def show(actor: Actor, case: Case, issued: list, version: int) -> None:
    allowed = allowed_actions(case.status, case.round)
    followup = case.status in (Status.RESOLVED, Status.CLOSED)
    if not allowed and not followup:
        return
    st.subheader("Xử lý hồ sơ")
    tabs = [a.label for a in allowed] + (["Ghi nhận theo dõi sau giải quyết"] if followup else [])
    for tab, action in zip(st.tabs(tabs), allowed + ([None] if followup else [])):
        with tab:
            if action is Action.ISSUE_LETTER:
                composer.show(actor, case, issued, version)
            elif action is Action.REFER:
                referral_form(actor, case, version)
            elif action is None:
                followup_form(actor, case)
            else:
                simple_action(actor, case, action, version)


SIMPLE_CALLS = {
    Action.START_VERIFICATION: cases.start_verification,
    Action.AWAIT_CUSTOMER: cases.mark_awaiting_customer,
    Action.CUSTOMER_AGREES: cases.record_agreement,
    Action.OPEN_SECOND_ROUND: cases.open_second_round,
    Action.CLOSE: cases.close,
}


def simple_action(actor: Actor, case: Case, action: Action, version: int) -> None:
    with st.form(f"act_{action.value}"):
        note = st.text_area("Ghi chú", key=f"note_{action.value}", height=80)
        if st.form_submit_button(action.label, type="primary"):
            run_action(action.label, lambda: SIMPLE_CALLS[action](
                get_db(), actor, case.ticket_code, expected_version=version, note=note.strip() or None))


def referral_form(actor: Actor, case: Case, version: int) -> None:
    with st.form("act_refer"):
        body = st.radio("Khách hàng chuyển đến", list(ReferralBody), format_func=lambda b: b.label, horizontal=True)
        when = st.date_input("Ngày chuyển", value=datetime.now(LOCAL_TZ).date(), format="DD/MM/YYYY")
        note = st.text_area("Ghi chú", height=80, key="note_refer")
        if st.form_submit_button(Action.REFER.label, type="primary"):
            run_action(Action.REFER.label, lambda: cases.refer(
                get_db(), actor, case.ticket_code, body, when, expected_version=version, note=note.strip() or None))
