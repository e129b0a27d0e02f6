"""Widgets shared by the desk pages: safe display of user text, case tables with Vietnamese
headings, the masked customer block, downloads and the jump to a case file.

User text (complaints, names, letters) is never handed to Markdown or HTML unescaped: it goes
through st.text / st.dataframe, or `md_escape` when it has to sit inside Markdown.
"""
from __future__ import annotations

import re
from datetime import datetime
from typing import Iterable
from urllib.parse import urlencode

import pandas as pd
import streamlit as st
from streamlit.errors import StreamlitAPIException

from ui.session import get_db
from ui.tables import enum_label, people
from voc.store import case_store
from voc.accounts.access import Actor, Permission
from voc.clock import format_local, utcnow
from voc.errors import DomainError, ValidationErrors
from voc.model import Channel, Customer, LabelledEnum, Service, SlaState, Status
from voc.accounts.privacy import mask_address, mask_email, mask_phone
from voc.numbers import vn_number, vn_percent

CASES_PAGE = "pages/cases.py"
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|>~<&$:])")

COLUMN_LABELS = {
    "ticket_code": "Mã hồ sơ", "received_at": "Tiếp nhận", "customer_name": "Khách hàng", "service": "Dịch vụ",
    "channel": "Kênh", "status": "Trạng thái", "round": "Lần", "reply_due_at": "Hạn trả lời",
    "resolution_due_at": "Hạn giải quyết", "staff": "Nhân viên", "branch": "Chi nhánh", "sla_state": "SLA",
    "excerpt": "Trích nội dung", "score": "Độ tương đồng", "clock": "Thời hạn", "due_at": "Đến hạn lúc",
    "remaining": "Còn lại / quá hạn", "event_date_pending": "Thiếu ngày sự việc",
    "escalation": "Vượt cấp", "negativity": "Tiêu cực",
}
_ENUMS: dict[str, type[LabelledEnum]] = {"service": Service, "channel": Channel, "status": Status,
                                          "sla_state": SlaState}
_TIME_COLUMNS = ("received_at", "reply_due_at", "resolution_due_at", "due_at")


def md_escape(text: str | None) -> str:
    """User text made inert inside Markdown (no links, HTML, emphasis or headings)."""
    return _MD_SPECIAL.sub(r"\\\1", (text or "").replace("\n", " "))


def show_error(error: DomainError) -> None:
    """A refusal from voc/, shown as text: the message may quote the user's own words. Several
    problems found at once (ValidationErrors) are listed one per line."""
    if isinstance(error, ValidationErrors) and len(error.problems) > 1:
        text = "\n".join(f"- {md_escape(str(problem))}" for problem in error.problems)
    else:
        text = md_escape(str(error))
    st.error(text, icon=":material/error:")


def form_expander(label: str, form_key: str, **options):
    """The expander that holds the form `form_key`. Its key keeps it open across reruns: an expander without
    one is drawn anew, collapsed, whenever an element above it comes or goes (a message shown once, say),
    which hid the form's error from the user who had just pressed its button (issue #14, item 6)."""
    return st.expander(label, key=f"{form_key}_box", **options)



def remaining_text(due: datetime | None, now: datetime | None = None) -> str:
    """'còn 5 giờ 20 phút' or 'quá hạn 2 ngày 3 giờ'."""
    if due is None:
        return ""
    delta = due - (now or utcnow())
    seconds = abs(int(delta.total_seconds()))
    days, rest = divmod(seconds, 86_400)
    hours, rest = divmod(rest, 3_600)
    minutes = rest // 60
    parts = ([f"{days} ngày"] if days else []) + ([f"{hours} giờ"] if hours else [])
    if not days:
        parts.append(f"{minutes} phút")
    text = " ".join(parts)
    return f"còn {text}" if delta.total_seconds() >= 0 else f"quá hạn {text}"


def frame(rows: Iterable[dict], columns: list[str], now: datetime | None = None,
          version: tuple | None = None) -> pd.DataFrame:
    """Rows of plain values as a table with Vietnamese headings, labels and local times (`version`: the data
    version the caller read this run, for the staff names)."""
    data = pd.DataFrame(list(rows), columns=columns)
    for name, enum in _ENUMS.items():
        if name in data:
            data[name] = [enum_label(enum, v) for v in data[name]]
    if "clock" in data:
        data["clock"] = data["clock"].map({"reply": "Trả lời", "resolution": "Giải quyết"})
    if "remaining" in data and "due_at" in data:
        data["remaining"] = [remaining_text(v, now) for v in data["due_at"]]
    for name in _TIME_COLUMNS:
        if name in data:
            data[name] = [format_local(v) for v in data[name]]
    if "score" in data:
        data["score"] = [vn_percent(100 * v, 0) for v in data["score"]]
    if "escalation" in data:
        data["escalation"] = ["Có" if v is not None and not pd.isna(v) and bool(v) else "" for v in data["escalation"]]
    if "negativity" in data:
        data["negativity"] = ["" if v is None or pd.isna(v) else vn_percent(100 * v, 0) for v in data["negativity"]]
    if "staff" in data:
        names = people(version)
        data["staff"] = [names.get(v, v) if v else "" for v in data["staff"]]
    return data.rename(columns=COLUMN_LABELS)


def customer_lines(actor: Actor, customer: Customer) -> list[tuple[str, str]]:
    """The customer's details, contacts masked for roles that may not see them."""
    see = actor.can(Permission.SEE_CONTACTS)
    return [
        ("Họ và tên", customer.name),
        ("Điện thoại", customer.phone if see else mask_phone(customer.phone)),
        ("Email", customer.email if see else mask_email(customer.email)),
        ("Địa chỉ", customer.address if see else mask_address(customer.address)),
    ]


def fields_table(lines: list[tuple[str, str | None]]) -> None:
    """Label/value pairs as a static table. st.table renders Markdown, so values are escaped."""
    data = pd.DataFrame({"field": [f"**{k}**" for k, _ in lines], "value": [md_escape(v) or "—" for _, v in lines]})
    st.table(data, hide_header=True, hide_index=True, border="horizontal")


def themes_table(tags) -> None:
    """A case's themes: name, score, where it came from (glossary, model, QA) and the evidence."""
    from voc.insight.clarify import tag_rows     # here, so that pages without themes do not load scikit-learn

    if not tags:
        st.caption("Hồ sơ này chưa có chủ đề nào.")
        return
    rows = pd.DataFrame(tag_rows(tags))
    st.dataframe(rows.assign(score=[vn_number(v, 2) for v in rows["score"]]), hide_index=True, width="stretch",
                 column_order=["theme", "score", "source", "evidence"], column_config={
                     "theme": "Chủ đề", "score": "Điểm", "source": "Nguồn", "evidence": "Bằng chứng (từ ngữ của khách)"})


def labelled_text(label: str, text: str | None) -> None:
    st.markdown(f"**{label}**")
    st.text(text or "—")


def open_case(ticket_code: str) -> None:
    """Go to the case file of `ticket_code` (falls back to a link when the page is run standalone)."""
    try:
        st.switch_page(CASES_PAGE, query_params={"ticket": ticket_code})
    except StreamlitAPIException:
        case_link(ticket_code)


def case_link(ticket_code: str, label: str | None = None) -> None:
    label = label or f"Mở hồ sơ {ticket_code}"
    page_link(CASES_PAGE, label, ":material/folder_open:", {"ticket": ticket_code},
              fallback=f"{label}: mở ở trang Hồ sơ.")


CASE_LIST_PARAMS = ("status", "channel", "service", "sla", "branch", "staff", "q", "open", "from", "to", "page")


def case_list_params(filt: case_store.CaseFilter, page: int = 1) -> dict[str, str]:
    """The query parameters of the case list (Hồ sơ) showing `filt`: plain strings, lists joined by
    commas, empty ones left out. The list page writes them into its URL and reads them back."""
    lists = {"status": filt.statuses, "channel": filt.channels, "service": filt.services, "sla": filt.sla_states,
             "branch": filt.branches, "staff": filt.staff}
    params = {name: ",".join(v.value if hasattr(v, "value") else v for v in values) for name, values in lists.items()}
    params |= {"q": filt.text.strip(), "open": "1" if filt.open_only else "",
               "from": filt.received_from.isoformat() if filt.received_from else "",
               "to": filt.received_to.isoformat() if filt.received_to else "", "page": str(page) if page > 1 else ""}
    return {name: value for name, value in params.items() if value}


def case_list_link(label: str, filt: case_store.CaseFilter, icon: str = ":material/folder_open:") -> None:
    page_link(CASES_PAGE, label, icon, case_list_params(filt))


def page_link(page: str, label: str, icon: str, query_params: dict, *, fallback: str | None = None) -> None:
    """A link to a page of the app with its filters in the URL; a caption when the page runs on its own
    (a page file opened without app.py's navigation, as in page tests)."""
    try:
        st.page_link(page, label=label, icon=icon, query_params=query_params)
    except StreamlitAPIException:
        st.caption(fallback or f"{label}: {page}?{urlencode(query_params, doseq=True)}")


def selected_row(event) -> int | None:
    """The index of the row picked in an st.dataframe selection event, if any."""
    try:
        rows = event.selection.rows
    except AttributeError:
        return None
    return rows[0] if rows else None


def known_values(column: str) -> list[str]:
    """Branches or staff names present in the cases: a cached read keyed on the data version."""
    from ui.charts import data_version      # here, so that pages without it do not load the chart helpers

    db = get_db()
    return _known_values(str(db.path), data_version(db), column)


@st.cache_data(ttl=600, max_entries=64, show_spinner=False)
def _known_values(db_key: str, version: tuple, column: str) -> list[str]:
    with get_db().cursor() as cur:
        return case_store.distinct_values(cur, column)

