"""The shared VOC filters: period, service, channel, branch, theme — in the sidebar and in the URL.

The filters live in `st.query_params` as plain strings (dates as YYYY-MM-DD, lists as repeated
keys), so a view can be shared as a link; values read from a link are validated and unknown ones
dropped. Nothing is ever decoded with pickle.
"""
from __future__ import annotations

from datetime import date, timedelta

import streamlit as st

from ui import charts
from ui.widgets import md_escape
from voc.accounts.access import Actor, Permission
from voc.insight.analytics import Filters
from voc.clock import local_date, utcnow
from voc.model import Channel, Service

DEFAULT_DAYS = 180
_LISTS = {"service": "services", "channel": "channels", "branch": "branches", "theme": "themes"}
MAX_PARAM_CHARS = 200


def _parse_day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text and len(text) == 10 else None
    except ValueError:
        return None


def _from_url(allowed: dict[str, set[str]]) -> dict:
    """The filter values present in the URL, validated against the allowed values."""
    params = st.query_params
    values: dict = {"start": _parse_day(params.get("from")), "end": _parse_day(params.get("to"))}
    for param, name in _LISTS.items():
        values[name] = [v for v in params.get_all(param) if len(v) <= MAX_PARAM_CHARS and v in allowed[name]]
    return values


def link_params(f: Filters) -> dict[str, str | list[str]]:
    """The query parameters of a VOC page showing the view `f` (for st.page_link and the URL)."""
    wanted: dict[str, str | list[str]] = {}
    if f.start:
        wanted["from"] = f.start.isoformat()
    if f.end:
        wanted["to"] = f.end.isoformat()
    for param, name in _LISTS.items():
        if getattr(f, name):
            wanted[param] = list(getattr(f, name))
    return wanted


def _to_url(f: Filters, extra: dict[str, str] | None = None) -> None:
    wanted = link_params(f)
    for k, v in (extra or {}).items():
        if v:
            wanted[k] = v
    current = {k: (st.query_params.get_all(k) if isinstance(wanted.get(k), list) else st.query_params.get(k))
               for k in st.query_params.keys()}
    if current != wanted:
        st.query_params.from_dict(wanted)


def url_value(name: str) -> str:
    """A plain extra value of the shared view (e.g. the search text), capped in length."""
    return (st.query_params.get(name) or "")[:MAX_PARAM_CHARS]


def show(db, actor: Actor, key: str = "voc_filters", extra_url: dict[str, str] | None = None) -> Filters:
    """Draw the filters in the sidebar and return them; keeps the URL in step."""
    options = charts.filter_options(db)
    allowed = {"services": {s.value for s in Service}, "channels": {c.value for c in Channel},
               "branches": set(options["branches"]), "themes": set(options["themes"])}
    state = st.session_state
    url = _url_filters()
    if f"{key}_start" not in state or (url and url != state.get(f"{key}_url")):
        # first run, widgets cleaned up on another page, or a link (an alert's, say) brought other filters
        _restore(state, key, allowed)
    with st.sidebar:
        st.subheader("Bộ lọc VOC")
        # Two single dates, not one range picker: a day picked in either calendar applies at once (a range
        # picker applies its first click as a one-day period and closes before the second).
        start = st.date_input("Tiếp nhận từ ngày", key=f"{key}_start", format="DD/MM/YYYY")
        end = st.date_input("đến ngày", key=f"{key}_end", format="DD/MM/YYYY")
        if start and end and start > end:
            st.caption("“Từ ngày” sau “đến ngày”: đang xem khoảng giữa hai ngày này.")
            start, end = end, start
        services = st.multiselect("Dịch vụ", [s.value for s in Service], key=f"{key}_services",
                                  format_func=lambda v: Service(v).label, placeholder="Tất cả",
                                  select_all=False)
        channels = st.multiselect("Kênh", [c.value for c in Channel], key=f"{key}_channels",
                                  format_func=lambda v: Channel(v).label, placeholder="Tất cả",
                                  select_all=False)
        scope = None if actor.can(Permission.READ_ALL_CASES) else actor.branch
        if scope is None:
            branches = st.multiselect("Chi nhánh", options["branches"], key=f"{key}_branches", placeholder="Tất cả",
                                      select_all=False)
        else:
            st.caption(f"Chi nhánh: {md_escape(scope)}")
            branches = []
        names = options["themes"]
        themes = st.multiselect("Chủ đề", list(names), key=f"{key}_themes",
                                format_func=lambda c: names.get(c, c), placeholder="Tất cả",
                                select_all=False)
    filters = Filters(start=start, end=end, services=tuple(services), channels=tuple(channels),
                      branches=tuple(branches), themes=tuple(themes), branch_scope=scope)
    state[f"{key}_saved"] = filters.to_json()
    _to_url(filters, extra_url)
    state[f"{key}_url"] = _url_filters()
    return filters


def _url_filters() -> dict[str, list[str]]:
    """The filter parameters in the URL as they stand (to tell a link's filters from the ones written here)."""
    return {param: st.query_params.get_all(param) for param in ("from", "to", *_LISTS) if param in st.query_params}


def _restore(state, key: str, allowed: dict[str, set[str]]) -> None:
    """Fill the widgets from the URL when it carries filters (a shared link, an alert's link), else from
    the copy kept when they were last shown on another VOC page."""
    saved = state.get(f"{key}_saved")
    if saved and not _url_filters():
        f = Filters.from_json(saved)
        values = {"start": f.start, "end": f.end, **{name: [v for v in getattr(f, name) if v in allowed[name]]
                                                      for name in _LISTS.values()}}
    else:
        values = _from_url(allowed)
    end = values["end"] or local_date(utcnow())
    start = values["start"] or end - timedelta(days=DEFAULT_DAYS)
    state[f"{key}_start"], state[f"{key}_end"] = min(start, end), end
    for name in _LISTS.values():
        state[f"{key}_{name}"] = values[name]
