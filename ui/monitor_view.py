"""Giám sát's view in the address: the open tab, the trend period and the SLA grouping.

The page shows one tab at a time (only the open tab's charts are queried), so the tab and the
choices inside tabs are part of the shared link beside the filters (ui.filters): `tab`, `grain`
and `sla` in st.query_params, as short plain words; a value a link does not know is ignored.
A choice at its default stays out of the address."""
from __future__ import annotations

import streamlit as st

# Tab label -> its word in the address; the first tab is the default.
TABS = {"Xu hướng chủ đề": "xu-huong", "Vấn đề lặp lại & theo dõi": "lap-lai", "Quy trình & SLA": "quy-trinh",
        "Nhân sự": "nhan-su", "Cảm xúc & rủi ro": "rui-ro"}
GRAINS = {"week": "Theo tuần", "month": "Theo tháng"}
# SLA grouping -> its label in the radio and, lower case, in the chart title ("Tuân thủ SLA theo …").
SLA_GROUPS = {"week": "Tuần", "month": "Tháng", "branch": "Chi nhánh", "branch_week": "Chi nhánh và tuần",
              "channel": "Kênh", "service": "Dịch vụ"}

TAB_KEY, GRAIN_KEY, SLA_KEY = "monitor_tab", "monitor_grain", "monitor_sla_by"
# session key -> (address parameter, the widget's value -> its word in the address, the default value)
_PARAMS = {TAB_KEY: ("tab", TABS, next(iter(TABS))),
           GRAIN_KEY: ("grain", {g: g for g in GRAINS}, "week"),
           SLA_KEY: ("sla", {g: g for g in SLA_GROUPS}, "week")}


def restore() -> None:
    """On the page's first run, set the tab and the choices from the address. Later runs keep the
    widgets' own values, also those of a closed tab (whose widgets are not drawn)."""
    state = st.session_state
    for key, (param, words, _) in _PARAMS.items():
        if key in state:
            state[key] = state[key]       # a closed tab keeps its widgets' choices
        else:
            by_word = {word: value for value, word in words.items()}
            if st.query_params.get(param) in by_word:
                state[key] = by_word[st.query_params[param]]


def url_values() -> dict[str, str]:
    """The view's parameters for the address (ui.filters.show(extra_url=…)); defaults left out."""
    values = {}
    for key, (param, words, default) in _PARAMS.items():
        value = st.session_state.get(key, default)
        values[param] = words.get(value, "") if value != default else ""
    return values


def sla_title(by: str) -> str:
    return f"Tuân thủ SLA theo {SLA_GROUPS[by].lower()}"
