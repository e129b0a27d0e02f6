"""Quản trị → Nhật ký: the audit log in Vietnamese, filtered by user, object, ticket code, dates and text,
page by page, with a CSV export of everything that matches."""
from __future__ import annotations

import streamlit as st

from voc.accounts.access import Actor
from voc.clock import format_local, local_date, utcnow
from voc.desk.csv_excel import file_name
from voc.insight import audit_log
from voc.insight.audit_log import AuditFilters
from voc.numbers import vn_number


def show(db, actor: Actor, key: str = "audit") -> None:
    st.caption("Nhật ký chỉ được ghi thêm, không bao giờ sửa hoặc xóa. Mới nhất ở trên.")
    actors = audit_log.actor_options(db, actor)
    entities = audit_log.entity_options(db, actor)
    c1, c2, c3 = st.columns(3)
    who = c1.selectbox("Người thực hiện", list(actors), index=None, format_func=actors.get, placeholder="Tất cả",
                       key=f"{key}_actor")
    entity = c2.selectbox("Đối tượng", list(entities), index=None, format_func=entities.get, placeholder="Tất cả",
                          key=f"{key}_entity")
    ticket = c3.text_input("Mã hồ sơ", placeholder="KN-2026-000123", max_chars=40, key=f"{key}_ticket")
    c4, c5, c6 = st.columns([1, 1, 2])
    start = c4.date_input("Từ ngày", value=None, format="DD/MM/YYYY", key=f"{key}_from")
    end = c5.date_input("Đến ngày", value=None, format="DD/MM/YYYY", key=f"{key}_to")
    text = c6.text_input("Tìm trong nhật ký (không cần gõ dấu)", max_chars=120, key=f"{key}_text")
    filters = AuditFilters(who, entity, ticket, start, end, text)

    page = st.session_state.get(f"{key}_page", 1)
    rows, total = audit_log.search(db, actor, filters, offset=(page - 1) * audit_log.PAGE_SIZE)
    if rows.empty and page > 1:                               # the filters changed: back to the first page
        page = st.session_state[f"{key}_page"] = 1
        rows, total = audit_log.search(db, actor, filters)
    pages = max(1, -(-total // audit_log.PAGE_SIZE))
    st.number_input(f"Trang (tổng {vn_number(total)} sự kiện, {pages} trang)", 1, pages, key=f"{key}_page")
    if rows.empty:
        st.info("Không có sự kiện nào khớp với bộ lọc.")
    else:
        shown = rows.assign(at=[format_local(v) for v in rows["at"]]).rename(columns=audit_log.COLUMNS)
        st.dataframe(shown, hide_index=True, width="stretch", key=f"{key}_table", column_config={
            audit_log.COLUMNS["ticket_code"]: st.column_config.TextColumn(width="medium"),
            audit_log.COLUMNS["detail"]: st.column_config.TextColumn(width="large")})
    exported = min(total, audit_log.MAX_EXPORT_ROWS)
    st.download_button(f"Tải CSV ({vn_number(exported)} sự kiện khớp bộ lọc)",
                       lambda: audit_log.export_csv(db, actor, filters),
                       file_name=file_name("Nhật ký hệ thống", day=local_date(utcnow())), mime="text/csv",
                       key=f"{key}_export", icon=":material/download:", on_click="ignore", disabled=not total)
    if total > audit_log.MAX_EXPORT_ROWS:
        st.caption(f"Tệp xuất có tối đa {vn_number(audit_log.MAX_EXPORT_ROWS)} sự kiện mới nhất: lọc hẹp hơn để "
                   "xuất phần còn lại.")
