"""Làm sáng tỏ, tab “Gắn lại chủ đề”: apply the current glossary, themes and model to all cases or a period."""
from datetime import timedelta

import pandas as pd
import streamlit as st

from ui.widgets import show_error
from voc.accounts.access import Actor
from voc.clock import local_date, utcnow
from voc.errors import DomainError
from voc.insight import clarify
from voc.numbers import vn_number

REPORT = "clarify_retag_report"


def show(db, actor: Actor) -> None:
    st.caption("Gắn lại chủ đề cho hồ sơ theo từ điển, danh mục chủ đề và mô hình hiện tại. "
               "Đánh giá của QA trên từng hồ sơ luôn được giữ.")
    scope = st.radio("Hồ sơ cần gắn lại", ["period", "all"], horizontal=True, key="clarify_retag_scope",
                     format_func={"all": "Tất cả hồ sơ", "period": "Hồ sơ tiếp nhận trong khoảng thời gian"}.get)
    today = local_date(utcnow())
    period = st.date_input("Thời gian tiếp nhận", (today - timedelta(days=30), today), format="DD/MM/YYYY",
                           key="clarify_retag_period", disabled=scope == "all")
    if st.button("Gắn lại chủ đề", type="primary", key="clarify_retag"):
        bar = st.progress(0.0, text="Đang chuẩn bị…")

        def progress(done_cases: int, total: int) -> None:
            bar.progress(done_cases / total if total else 1.0, text=f"Đã gắn {vn_number(done_cases)}/{vn_number(total)} hồ sơ")

        start, end = (None, None)
        if scope == "period":
            start, end = (tuple(period) + (None, None))[:2]
            end = end or start
        try:
            report = clarify.retag(db, actor, start=start, end=end, progress=progress)
        except DomainError as error:
            show_error(error)
        else:
            st.cache_data.clear()
            st.session_state[REPORT] = report
    report = st.session_state.get(REPORT)
    if report is not None:
        st.success(report.message() if report.cases else "Không có hồ sơ nào trong khoảng thời gian đã chọn.")
        if report.changes:
            st.dataframe(pd.DataFrame([{
                "Chủ đề": c.theme_name, "Thêm": len(c.gained), "Bớt": len(c.lost),
                "Hồ sơ được thêm chủ đề": ", ".join(c.gained), "Hồ sơ mất chủ đề": ", ".join(c.lost)}
                for c in report.changes]), hide_index=True, width="stretch")
