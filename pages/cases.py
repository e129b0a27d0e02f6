"""Hồ sơ: the case list (filters shared by link) and the case file with the actions the
procedure allows at the case's state (R5-R11); the file's sections are components in ui/case_file."""
from __future__ import annotations

from datetime import date

import streamlit as st

from ui import mail_case
from ui.case_file import actions, attachment_list, clocks, facts, flash, followup, letter_list, root_cause, timeline
from ui.case_file import risk as risk_line
from ui.session import get_db, page_actor
from ui.tables import person, person_names
from ui.widgets import (CASE_LIST_PARAMS, case_list_params, frame, known_values, md_escape, selected_row, show_error,
                        themes_table)
from voc.insight import sla_report
from voc.insight import timeline as timeline_model
from voc.desk import attachments, cases, finder, letters, root_causes
from voc.store import case_store
from voc.text import risk, tagging
from voc.accounts.access import Actor, Permission
from voc.clock import utcnow
from voc.errors import DomainError
from voc.model import Channel, Service, SlaState, Status
from voc.numbers import vn_number

# A filter left empty means every value; no English "Select all" in the list.
ANY = {"placeholder": "Tất cả", "select_all": False}
PAGE_SIZE = 50
LIST_COLUMNS = ["ticket_code", "received_at", "customer_name", "service", "channel", "status", "round",
                "sla_state", "reply_due_at", "resolution_due_at", "staff", "branch", "event_date_pending", "excerpt"]
# (query parameter, widget key, enum or None for plain strings)
MULTI_FILTERS = (("status", "f_status", Status), ("channel", "f_channel", Channel), ("service", "f_service", Service),
                 ("sla", "f_sla", SlaState), ("branch", "f_branch", None), ("staff", "f_staff", None))


# --- Filters kept in the URL ------------------------------------------------------------------

def _parse_date(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def restore_filters() -> None:
    """Seed the filter widgets from the link (plain strings) when they have no state yet."""
    params = st.query_params
    for name, key, enum in MULTI_FILTERS:
        if key not in st.session_state:
            values = [v for v in params.get(name, "").split(",") if v]
            if enum is not None:
                values = [enum(v) for v in values if v in {m.value for m in enum}]
            st.session_state[key] = values
    defaults = {"f_text": params.get("q", ""), "f_open": params.get("open") == "1",
                "f_from": _parse_date(params.get("from")), "f_to": _parse_date(params.get("to"))}
    for key, value in defaults.items():
        st.session_state.setdefault(key, value)
    page = params.get("page", "1")
    st.session_state.setdefault("f_page", max(1, int(page)) if page.isdigit() else 1)


def save_filters(filt: case_store.CaseFilter, page: int) -> None:
    """Write the current view into the link so it can be shared."""
    wanted = case_list_params(filt, page)
    for name in CASE_LIST_PARAMS:
        value = wanted.get(name)
        if value and st.query_params.get(name) != value:
            st.query_params[name] = value
        elif not value and name in st.query_params:
            del st.query_params[name]


def filter_widgets(actor: Actor) -> case_store.CaseFilter:
    restore_filters()
    c1, c2 = st.columns([3, 1])
    text = c1.text_input("Tìm kiếm (mã hồ sơ, khách hàng, số điện thoại, email, nội dung — không cần gõ dấu)",
                         key="f_text", placeholder="KN-2026-000123, 0912 345 678, an@congty.vn, mạng chậm…")
    open_only = c2.checkbox("Chỉ hồ sơ đang mở", key="f_open")
    c1, c2, c3, c4 = st.columns(4)
    statuses = c1.multiselect("Trạng thái", list(Status), format_func=lambda s: s.label, key="f_status", **ANY)
    sla_states = c2.multiselect("Tình trạng SLA", list(SlaState), format_func=lambda s: s.label, key="f_sla", **ANY)
    channels = c3.multiselect("Kênh", list(Channel), format_func=lambda c: c.label, key="f_channel", **ANY)
    services = c4.multiselect("Dịch vụ", list(Service), format_func=lambda s: s.label, key="f_service", **ANY)
    c1, c2, c3, c4 = st.columns(4)
    scope = sla_report.branch_scope(actor)
    if scope:       # a staff member sees their own branch in the filter, never "Tất cả"
        st.session_state["f_branch"] = [scope]
    branch_options = [scope] if scope else sorted(set(known_values("branch")) | set(st.session_state["f_branch"]))
    branches = c1.multiselect("Chi nhánh", branch_options, key="f_branch", disabled=bool(scope), **ANY)
    staff_options = sorted(set(known_values("staff")) | set(st.session_state["f_staff"]))
    staff = c2.multiselect("Nhân viên", staff_options, key="f_staff", format_func=person_names(), **ANY)
    received_from = c3.date_input("Tiếp nhận từ ngày", key="f_from", format="DD/MM/YYYY")
    received_to = c4.date_input("đến ngày", key="f_to", format="DD/MM/YYYY")
    return case_store.CaseFilter(statuses=statuses, channels=channels, services=services, branches=branches,
                                 staff=staff, sla_states=sla_states, received_from=received_from,
                                 received_to=received_to, text=text, open_only=open_only)


# --- The list ---------------------------------------------------------------------------------

def case_list(actor: Actor) -> None:
    st.title("Hồ sơ khiếu nại")
    with st.form("open_by_code", border=False):
        c1, c2 = st.columns([3, 1], vertical_alignment="bottom")
        code = c1.text_input("Mở hồ sơ theo mã", placeholder="KN-2026-000123")
        if c2.form_submit_button("Mở hồ sơ") and code.strip():
            open_ticket(code.strip().upper())
    filt = filter_widgets(actor)
    signature = repr(filt)
    if st.session_state.get("f_signature") not in (None, signature):
        st.session_state["f_page"] = 1
    st.session_state["f_signature"] = signature
    page = st.session_state["f_page"]
    found = finder.search_cases(get_db(), actor, filt, utcnow(), limit=PAGE_SIZE, offset=(page - 1) * PAGE_SIZE)
    rows, total = found.rows, found.total
    pages = max(1, -(-total // PAGE_SIZE))
    save_filters(filt, page)
    if found.contacts_refused:
        st.info(finder.CONTACTS_NOT_SEARCHED, icon=":material/lock:")
    st.caption(f"{vn_number(total)} hồ sơ" + (f" — trang {page}/{pages}" if total else "")
               + ". Chọn một dòng để mở hồ sơ.")
    if not rows:
        st.info("Không có hồ sơ nào khớp bộ lọc.")
    else:
        event = st.dataframe(frame(rows, LIST_COLUMNS), hide_index=True, width="stretch", key="case_list",
                             on_select="rerun", selection_mode="single-row")
        picked = selected_row(event)
        if picked is not None:
            open_ticket(rows[picked]["ticket_code"])
    if pages > 1:
        st.number_input("Trang", min_value=1, max_value=pages, key="f_page", step=1)


def open_ticket(code: str) -> None:
    st.query_params["ticket"] = code
    st.rerun()


def close_ticket() -> None:
    st.query_params.pop("ticket", None)
    st.session_state.pop("case_list", None)


# --- The case file ----------------------------------------------------------------------------

def case_file(actor: Actor, code: str) -> None:
    db = get_db()
    if st.button("← Danh sách hồ sơ", key="back_to_list"):
        close_ticket()
        st.rerun()
    try:
        case = cases.load_case(db, actor, code)
        events = timeline_model.case_timeline(db, actor, code)
    except DomainError as error:
        show_error(error)
        return
    st.title(f"Hồ sơ {case.ticket_code}")
    st.caption(f"{case.status.label} — lần giải quyết {case.round} — {case.channel.label} — {case.service.label}"
               f" — chi nhánh {md_escape(case.branch) or '—'} — nhân viên {md_escape(person(case.staff)) or '—'}")
    flash.show()
    with db.cursor() as cur:
        files = attachments.list_attachments(cur, case.id)
        issued = letters.letters_of(cur, case.id, actor)
        tags = tagging.shown_tags(cur, case)
        case_risk = risk.case_risk(cur, case.id)
        cause = root_causes.root_cause_of(cur, case.id, actor)
        followups = cases.followups_of(cur, case.id, actor)
    left, right = st.columns([3, 2])
    with left:
        facts.show(actor, case)
        mail_case.show(actor, case)
    with right:
        clocks.show(case)
        followup.show(followups)
        attachment_list.show(actor, case, files)
    st.subheader("Chủ đề")
    themes_table(tags)
    risk_line.show(case_risk)
    letter_list.show(case, issued)
    if actor.can(Permission.HANDLE_CASES):
        actions.show(actor, case, issued)
    root_cause.show(actor, case, cause)
    timeline.show(events)


actor = page_actor()
ticket = st.query_params.get("ticket")
if ticket:
    case_file(actor, ticket)
else:
    case_list(actor)
