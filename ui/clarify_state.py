"""What the tabs of Làm sáng tỏ share: the message kept across the rerun after a change, the revision
that gives the edit forms and tables fresh keys after it, and the themes the forms offer."""
from __future__ import annotations

from dataclasses import dataclass

import streamlit as st

from voc.insight import clarify

FLASH = "clarify_flash"
REVISION = "clarify_rev"


def show_flash() -> None:
    """The message of the last change, in a slot that is always present so the tabs below keep their place."""
    st.session_state.setdefault(REVISION, 0)
    slot = st.empty()
    if flash := st.session_state.pop(FLASH, None):
        slot.success(flash)


def revision() -> int:
    return st.session_state[REVISION]


def done(message: str) -> None:
    """Keep the message (Markdown-safe) across the rerun that shows the change; reset the edit tables."""
    st.session_state[FLASH] = message
    st.session_state[REVISION] += 1
    st.rerun()


@dataclass(frozen=True)
class ThemeChoices:
    """Every theme's name (marked when no longer in use) and the codes of the active ones, in taxonomy order."""

    names: dict[str, str]
    active: list[str]

    @property
    def codes(self) -> list[str]:
        return list(self.names)

    @classmethod
    def load(cls, db) -> ThemeChoices:
        all_themes = clarify.themes(db)
        return cls({t.code: t.name + ("" if t.active else " (ngừng dùng)") for t in all_themes},
                   [t.code for t in all_themes if t.active])
