"""The case's audit trail (Diễn biến hồ sơ): one line per event, then in full the notes that line cuts short."""
from __future__ import annotations

from datetime import date

import streamlit as st

from ui.widgets import enum_label, md_escape
from voc.clock import format_local
from voc.insight import timeline
from voc.model import ReferralBody, Status
from voc.store.audit import Event


RECORDED = "Ghi nhận vào hệ thống"
EXCERPT_CHARS = 80
SCROLL_FROM_CHARS = 1_500        # a longer note scrolls in a box of its own


def show(entries: list[timeline.TimelineEntry]) -> None:
    st.subheader("Diễn biến hồ sơ")
    entered_later = any(e.recorded for e in entries)
    rows = [{"Thời điểm": format_local(e.happened_at), **({RECORDED: e.recorded} if entered_later else {}),
             "Người thực hiện": e.who, "Hành động": e.label, "Ghi chú": excerpt(e.event.note),
             "Chi tiết": describe(e.event)} for e in entries]
    st.dataframe(rows, hide_index=True, width="stretch",
                 column_config={RECORDED: st.column_config.TextColumn(width=280)})
    if entered_later:
        st.caption(f"“{RECORDED}”: việc được nhập sau thời điểm xảy ra (ví dụ cuộc gọi hotline nhập lại sau) "
                   "ghi thêm lúc nhập và người nhập.")
    notes(entries)


def excerpt(note: str | None) -> str:
    """A note on the table's one line: all of it if it fits, else its start (in full under the table)."""
    line = " ".join((note or "").split())
    return line if len(line) <= EXCERPT_CHARS else line[:EXCERPT_CHARS].rstrip() + "…"


def notes(entries: list[timeline.TimelineEntry]) -> None:
    """The notes the table's line cuts short, in full and wrapped, in the table's order."""
    long = [e for e in entries if e.event.note and excerpt(e.event.note) != e.event.note]
    if not long:
        return
    st.markdown("**Ghi chú đầy đủ**")
    for entry in long:
        with st.container(border=True):
            st.caption(f"{format_local(entry.happened_at)} — {md_escape(entry.who)} — {entry.label}")
            box = st.container(height=320) if len(entry.event.note) > SCROLL_FROM_CHARS else st.container()
            box.text(entry.event.note)


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
