"""SLA: what falls due in the next 24 hours, what is overdue and who holds it; weekly compliance
with the reply (48 h) and resolution (20 days) clocks; the age of the open cases."""
from __future__ import annotations

from datetime import datetime
from typing import Callable

import pandas as pd
import streamlit as st

from ui import sla_charts
from ui.charts import data_version
from ui.session import get_db, page_actor
from ui.tables import table
from ui.widgets import frame, md_escape, open_case, selected_row
from voc.insight import sla_report
from voc.insight.replica import reading
from voc.clock import format_local, utcnow
from voc.model import Status
from voc.numbers import vn_number

BOARD_COLUMNS = ["ticket_code", "customer_name", "escalation", "negativity", "service", "status", "round", "clock",
                 "due_at", "remaining", "branch", "staff"]
WORKLOAD_LABELS = {"branch": "Chi nhánh", "staff": "Nhân viên", "open_cases": "Đang mở",
                   **sla_report.LIST_LABELS}
LIST_TABS_KEY, OPEN_LIST_KEY = "sla_list", "sla_list_open"


# Cached reads keyed on the data version (any write changes it, whoever made it) and reused for at
# most a minute while the data stays the same: the lists depend on the time as well. In server mode they
# read the analytics copy brought up to that version (voc.insight.replica.reading, exact).
@st.cache_data(ttl=60, max_entries=64, show_spinner=False)
def snapshot(db_key: str, version: tuple, scope: str | None) -> sla_report.Board:
    """The counts and the workload; the lists' rows are read per list (`list_rows`), only the open one."""
    with reading(get_db(), exact=True) as cur:
        return sla_report.board(cur, utcnow(), scope, lists=())


@st.cache_data(ttl=60, max_entries=256, show_spinner=False)
def list_rows(db_key: str, version: tuple, scope: str | None, sort: str, key: str, at: datetime) -> list[dict]:
    """One list's rows at the snapshot's instant."""
    with reading(get_db(), exact=True) as cur:
        return sla_report.board_rows(cur, key, at, scope, sort=sla_report.BoardSort(sort))


@st.cache_data(ttl=60, max_entries=64, show_spinner=False)
def compliance(db_key: str, version: tuple, scope: str | None, weeks: int) -> pd.DataFrame:
    with reading(get_db(), exact=True) as cur:
        return sla_charts.compliance_rates(sla_report.weekly_compliance(cur, utcnow(), weeks=weeks, branch_scope=scope))


@st.cache_data(ttl=60, max_entries=64, show_spinner=False)
def aging(db_key: str, version: tuple, scope: str | None) -> pd.DataFrame:
    with reading(get_db(), exact=True) as cur:
        rows = sla_report.aging(cur, utcnow(), branch_scope=scope)
    data = pd.DataFrame(rows, columns=["bucket", "bucket_label", "status", "cases"])
    data["status"] = [Status(s).label for s in data["status"]]
    return data


def board(data: sla_report.Board, rows_of: Callable[[str], list[dict]], version: tuple) -> None:
    now = utcnow()
    counts = data.counts
    cols = st.columns(len(sla_report.LIST_LABELS))
    for col, (key, label) in zip(cols, sla_report.LIST_LABELS.items()):
        col.metric(label, vn_number(counts[key]))
    st.caption("Chọn một dòng để mở hồ sơ.")
    # Only the open list is drawn (on_change). Its label carries the count, so the open list is
    # remembered by its key: a changed count keeps it open.
    labels = {key: f"{label} ({vn_number(counts[key])})" for key, label in sla_report.LIST_LABELS.items()}
    opened = st.session_state.get(OPEN_LIST_KEY, next(iter(labels)))

    def remember() -> None:
        chosen = st.session_state.get(LIST_TABS_KEY)
        st.session_state[OPEN_LIST_KEY] = next((k for k, v in labels.items() if v == chosen), opened)

    tabs = st.tabs(list(labels.values()), key=LIST_TABS_KEY, default=labels[opened], on_change=remember)
    for tab, key in zip(tabs, labels):
        if not tab.open:
            continue
        rows = rows_of(key)
        with tab:
            if not rows:
                st.caption("Không có hồ sơ nào.")
                continue
            event = st.dataframe(frame(rows, BOARD_COLUMNS, now, version), hide_index=True, width="stretch",
                                 key=f"board_{key}", on_select="rerun", selection_mode="single-row")
            picked = selected_row(event)
            if picked is not None:
                open_case(rows[picked]["ticket_code"])
    st.subheader("Theo chi nhánh và nhân viên")
    if data.workload:
        table(pd.DataFrame(data.workload), WORKLOAD_LABELS, version=version, width="stretch", key="workload")
    else:
        st.caption("Không có hồ sơ đang mở.")


def charts(version: tuple, scope: str | None) -> None:
    st.subheader("Tỷ lệ đúng hạn theo tuần")
    weeks = st.select_slider("Số tuần", options=[4, 8, 12, 26, 52], value=12, key="sla_weeks")
    data = compliance(str(get_db().path), version, scope, weeks)
    if data["rate"].notna().any():
        st.plotly_chart(sla_charts.compliance_chart(data), key="compliance_chart")
    else:
        st.caption("Chưa có hồ sơ nào đến hạn trong khoảng thời gian này.")
    st.subheader("Tuổi hồ sơ đang mở")
    ages = aging(str(get_db().path), version, scope)
    if ages.empty:
        st.caption("Không có hồ sơ đang mở.")
        return
    st.plotly_chart(sla_charts.aging_chart(ages), key="aging_chart")


actor = page_actor()
scope = sla_report.branch_scope(actor)
version = data_version(get_db())
st.title("Bảng SLA")
sort = st.radio("Sắp xếp danh sách", list(sla_report.BoardSort), format_func=lambda s: s.label, horizontal=True,
                key="sla_sort", help="Theo rủi ro: hồ sơ có dấu hiệu khiếu nại vượt cấp (dọa báo cơ quan quản lý, "
                                     "kiện, lên báo chí/mạng xã hội, hủy dịch vụ, đòi bồi thường) trước, rồi hồ sơ "
                                     "tiêu cực hơn, rồi theo hạn.")
current = snapshot(str(get_db().path), version, scope)
st.caption(f"Cập nhật lúc {format_local(current.at)}" + (f" — chi nhánh {md_escape(scope)}" if scope else " — tất cả chi nhánh"))
board(current, lambda key: list_rows(str(get_db().path), version, scope, sort.value, key, current.at), version)
charts(version, scope)
