"""The case's root cause and internal fix, and the form that records them."""
from __future__ import annotations

from datetime import datetime

import streamlit as st

from ui.tables import person
from ui.case_file.flash import run_action
from ui.session import get_db
from ui.widgets import fields_table, form_expander
from voc.accounts.access import Actor, Permission
from voc.clock import LOCAL_TZ, format_local
from voc.desk import root_causes
from voc.model import Case, RootCauseCategory


def show(actor: Actor, case: Case, cause: root_causes.RootCause | None) -> None:
    """The internal side of the resolution: root cause, the internal fix, its owner and date."""
    st.subheader("Nguyên nhân gốc & khắc phục nội bộ")
    if cause is None:
        st.caption("Chưa ghi nhận nguyên nhân gốc. Khắc phục tận gốc trong nội bộ quan trọng không kém việc "
                   "giải quyết cho khách hàng.")
    else:
        today = datetime.now(LOCAL_TZ).date()
        state = (f"Đã khắc phục lúc {format_local(cause.done_at)}" if cause.done_at
                 else "Quá hạn khắc phục" if cause.is_overdue(today) else "Đang thực hiện")
        fields_table([("Nhóm nguyên nhân", cause.category.label), ("Nguyên nhân", cause.cause),
                      ("Biện pháp khắc phục nội bộ", cause.action), ("Người / bộ phận phụ trách", cause.owner),
                      ("Hạn khắc phục", f"{cause.due_date:%d/%m/%Y}" if cause.due_date else None),
                      ("Tình trạng", state if cause.action else None),
                      ("Ghi nhận", f"{person(cause.recorded_by)}, {format_local(cause.recorded_at)}")])
    if not actor.can(Permission.HANDLE_CASES):
        return
    categories = list(RootCauseCategory)
    with form_expander("Cập nhật nguyên nhân gốc" if cause else "Ghi nhận nguyên nhân gốc", "root_cause"):
        with st.form("root_cause"):
            category = st.selectbox("Nhóm nguyên nhân *", categories, format_func=lambda c: c.label,
                                    index=categories.index(cause.category) if cause else None,
                                    placeholder="Chọn nhóm nguyên nhân")
            text = st.text_area("Nguyên nhân *", value=cause.cause if cause else "", height=80,
                                max_chars=root_causes.MAX_TEXT_CHARS)
            action = st.text_area("Biện pháp khắc phục nội bộ", value=(cause.action or "") if cause else "",
                                  height=80, max_chars=root_causes.MAX_TEXT_CHARS)
            c1, c2 = st.columns(2)
            owner = c1.text_input("Người / bộ phận phụ trách", value=(cause.owner or "") if cause else "",
                                  max_chars=root_causes.MAX_OWNER_CHARS)
            due = c2.date_input("Hạn khắc phục", value=cause.due_date if cause else None, format="DD/MM/YYYY")
            done = st.checkbox("Đã khắc phục xong", value=bool(cause and cause.done_at))
            if st.form_submit_button("Lưu nguyên nhân gốc", type="primary"):
                run_action("Lưu nguyên nhân gốc", lambda: root_causes.record_root_cause(
                    get_db(), actor, case.ticket_code, category or "", text, action, owner, due, done))
