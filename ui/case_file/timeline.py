"""The case's audit trail (Diễn biến hồ sơ)."""
from __future__ import annotations

from datetime import date

import streamlit as st

from ui.widgets import enum_label
from voc.clock import format_local
from voc.insight import timeline
from voc.model import ReferralBody, Status
from voc.store.audit import Event


RECORDED = "Ghi nhận vào hệ thống"


def show(entries: list[timeline.TimelineEntry]) -> None:
    st.subheader("Diễn biến hồ sơ")
    entered_later = any(e.recorded for e in entries)
    rows = [{"Thời điểm": format_local(e.happened_at), **({RECORDED: e.recorded} if entered_later else {}),
             "Người thực hiện": e.who, "Hành động": e.label, "Ghi chú": e.event.note or "",
             "Chi tiết": describe(e.event)} for e in entries]
    st.dataframe(rows, hide_index=True, width="stretch",
                 column_config={RECORDED: st.column_config.TextColumn(width=280)})
    if entered_later:
        st.caption(f"“{RECORDED}”: việc được nhập sau thời điểm xảy ra (ví dụ cuộc gọi hotline nhập lại sau) "
                   "ghi thêm lúc nhập và người nhập.")


def describe(event: Event) -> str:
    after = event.after or {}
    parts = []
    if "status" in after:
        parts.append(f"trạng thái → {enum_label(Status, after['status'])}")
    if "round" in after:
        parts.append(f"lần giải quyết → {after['round']}")
    if "filename" in after:
        parts.append(after["filename"])
    if "satisfaction" in after:
        parts.append(f"mức hài lòng {after['satisfaction']}/5")
    if "referral_body" in after:
        parts.append(enum_label(ReferralBody, after["referral_body"]))
    if after.get("late_complaint"):
        parts.append("quá thời hiệu — lý do: " + str(after.get("late_reason") or ""))
    if "event_date" in after:
        parts.append(f"ngày xảy ra sự việc → {date.fromisoformat(after['event_date']):%d/%m/%Y}")
    if event.action == "customer_message":
        parts.append(f"thư “{after.get('subject') or ''}” — {after.get('threaded_by') or ''}")
    return "; ".join(parts)
