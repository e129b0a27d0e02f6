"""Running one use case from the case file and the message shown on the reloaded file."""
from __future__ import annotations

from typing import Sequence

import streamlit as st

from ui.widgets import show_error
from voc.errors import DomainError

FLASH = "cases_flash"
KEPT = "case_file_kept"       # what the user typed into an action that was refused


def show() -> None:
    """The message of the last action that succeeded, once."""
    if flash := st.session_state.pop(FLASH, None):
        st.success(flash, icon=":material/check_circle:")


def run_action(label: str, call, clear: Sequence[str] = ()) -> None:
    """Run one use case; on success empty the widgets in `clear`, drop the text kept from an earlier refusal
    and reload the file with a message, else show the Vietnamese error (the user's input stays)."""
    try:
        call()
    except DomainError as error:
        show_error(error)
        return
    for key in (*clear, KEPT):
        st.session_state.pop(key, None)
    st.session_state[FLASH] = f"Đã thực hiện: {label}."
    st.rerun()
