"""The case file's risk line: the escalation flag (R10) and the negativity, each with its evidence."""
from __future__ import annotations

import streamlit as st

from ui.widgets import md_escape
from voc.numbers import vn_percent
from voc.text.risk import CaseRisk


def show(risk: CaseRisk | None) -> None:
    if risk is None:
        return
    if risk.escalation:
        kinds = ", ".join(c.label.lower() for c in risk.categories)
        words = ", ".join(f"“{md_escape(w)}”" for w in risk.escalation_words)
        st.markdown(f":orange[:material/gavel: **Dấu hiệu khiếu nại vượt cấp** ({kinds}): {words}.]")
    evidence = ", ".join(f"“{md_escape(w)}”" for w in risk.negativity_evidence)
    st.caption(f"Mức tiêu cực: {vn_percent(100 * risk.negativity, 0)}" + (f" — căn cứ: {evidence}" if evidence else "")
               + ("" if risk.escalation else " — không có dấu hiệu khiếu nại vượt cấp."))
