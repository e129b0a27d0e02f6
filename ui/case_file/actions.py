"""The actions the procedure allows at the case's state, one tab each (R5-R11).

A click is answered for the state the page was drawn with: the rerun the click causes draws the same
forms again (even when someone else moved the case on meanwhile), so the click reaches voc/, whose
version check refuses it with the conflict message. What the user typed into a refused action stays in
its field, and is offered for copying once the case has moved on and that form is gone."""
from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

import streamlit as st

from ui.case_file import composer
from ui.case_file.flash import KEPT, run_action
from ui.case_file.followup import form as followup_form
from ui.session import get_db
from voc.accounts.access import Actor
from voc.clock import LOCAL_TZ
from voc.desk import cases
from voc.desk.lifecycle import Action, allowed_actions
from voc.model import Case, ReferralBody, Status

DRAWN = "case_file_drawn"


@dataclass(frozen=True)
class Drawn:
    """The state the action forms on screen were drawn for, and the version of the case the user has seen."""
    ticket_code: str
    status: Status
    round: int
    version: int

    @classmethod
    def of(cls, case: Case) -> Drawn:
        return cls(case.ticket_code, case.status, case.round, case.version)

    @property
    def actions(self) -> list[Action]:
        return allowed_actions(self.status, self.round)


@dataclass(frozen=True)
class Kept:
    """What the user typed into an action that was refused."""
    ticket_code: str
    action: Action
    text: str


def submit_key(code: str, action: Action) -> str:
    return composer.issue_key(code) if action is Action.ISSUE_LETTER else f"act_{action.value}_submit"


def drawn_for(case: Case) -> Drawn:
    """The forms of the last run when this run answers a click on one of them, else those of the case as it is."""
    last, now = st.session_state.get(DRAWN), Drawn.of(case)
    clicked = (isinstance(last, Drawn) and last.ticket_code == case.ticket_code and last != now
               and any(st.session_state.get(submit_key(case.ticket_code, a)) for a in last.actions))
    drawn = last if clicked else now
    # The page shows the case as it is now: a second click on the same form is made knowing that.
    st.session_state[DRAWN] = replace(drawn, version=case.version)
    return drawn


def show(actor: Actor, case: Case, issued: list) -> None:
    drawn = drawn_for(case)
    allowed = drawn.actions
    followup = drawn.status in (Status.RESOLVED, Status.CLOSED)
    kept = kept_for(drawn)
    if not allowed and not followup and kept is None:
        return
    st.subheader("Xử lý hồ sơ")
    if (drawn.status, drawn.round) != (case.status, case.round):
        st.info(f"Hồ sơ vừa chuyển sang trạng thái “{case.status.label}” (lần giải quyết {case.round}) trong lúc "
                "bạn thao tác; các thao tác dưới đây là của trạng thái trước.", icon=":material/sync:")
        st.button("Tải lại hồ sơ", key="case_file_reload")      # any rerun without an action draws the new state
    if kept is not None:
        show_kept(kept, drawn)
    tabs = [a.label for a in allowed] + (["Ghi nhận theo dõi sau giải quyết"] if followup else [])
    for tab, action in zip(st.tabs(tabs) if tabs else [], allowed + ([None] if followup else [])):
        with tab:
            if action is Action.ISSUE_LETTER:
                composer.show(actor, case, issued, drawn.version, on_refused=lambda body: keep(case, action, body))
            elif action is Action.REFER:
                referral_form(actor, case, drawn.version)
            elif action is None:
                followup_form(actor, case)
            else:
                simple_action(actor, case, action, drawn.version)


def keep(case: Case, action: Action, text: str) -> None:
    if text.strip():
        st.session_state[KEPT] = Kept(case.ticket_code, action, text)


def kept_for(drawn: Drawn) -> Kept | None:
    """The text of a refused action on this case whose form the state drawn no longer offers."""
    kept = st.session_state.get(KEPT)
    if not isinstance(kept, Kept) or kept.ticket_code != drawn.ticket_code or kept.action in drawn.actions:
        return None
    return kept


def show_kept(kept: Kept, drawn: Drawn) -> None:
    with st.container(border=True):
        st.warning(f"“{kept.action.label}” chưa được thực hiện vì hồ sơ đã chuyển sang trạng thái "
                   f"“{drawn.status.label}”. Nội dung bạn đã nhập chưa được lưu; hãy sao chép nếu cần:",
                   icon=":material/content_paste:")
        st.code(kept.text, language=None, wrap_lines=True, height="content" if len(kept.text) < 1_500 else 400)
        if st.button("Bỏ nội dung này", key="kept_dismiss"):
            st.session_state.pop(KEPT, None)
            st.rerun()


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
        if st.form_submit_button(action.label, type="primary", key=submit_key(case.ticket_code, action)):
            run_action(action.label, lambda: SIMPLE_CALLS[action](
                get_db(), actor, case.ticket_code, expected_version=version, note=note))
            keep(case, action, note)          # reached only when refused: a success reloads the page


def referral_form(actor: Actor, case: Case, version: int) -> None:
    with st.form("act_refer"):
        body = st.radio("Khách hàng chuyển đến", list(ReferralBody), format_func=lambda b: b.label, horizontal=True)
        when = st.date_input("Ngày chuyển", value=datetime.now(LOCAL_TZ).date(), format="DD/MM/YYYY")
        note = st.text_area("Ghi chú", height=80, key="note_refer")
        if st.form_submit_button(Action.REFER.label, type="primary", key=submit_key(case.ticket_code, Action.REFER)):
            run_action(Action.REFER.label, lambda: cases.refer(
                get_db(), actor, case.ticket_code, body, when, expected_version=version, note=note))
            keep(case, Action.REFER, note)
