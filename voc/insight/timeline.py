"""A complaint's story as Lắng nghe and the case file tell it: the Vietnamese names of audit events,
each event's entry (when it happened, and when and by whom it was recorded if that was later: R11), and the
case with its themes, events, letters and follow-ups. Free text comes masked for a reader who may not see
customers' contacts."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from voc.accounts.access import Actor
from voc.accounts.privacy import sees_contacts, text_for, values_for
from voc.clock import format_local, parse_iso
from voc.insight.analytics import theme_names
from voc.store.audit import Event, events_for
from voc.text.reply_review import EVENT_ACTION as REVIEW_EVENT
from voc.store.dialect import CATALOG_ERRORS

# An event written within this long of the moment it happened counts as recorded then.
RECORDED_SAME_WITHIN = timedelta(minutes=1)


# The one map of audit actions to Vietnamese (with the lifecycle's ACTION_LABELS): the case timeline
# and the audit log (voc.insight.audit_log) both read it through event_label.
_OTHER_EVENT_LABELS = {
    "received": "Tiếp nhận hồ sơ",
    "imported": "Nhập từ tệp CSV",
    "followup": "Ghi nhận theo dõi sau giải quyết",
    "attachment_added": "Thêm tài liệu kèm theo",
    "root_cause_recorded": "Ghi nhận nguyên nhân gốc / khắc phục nội bộ",
    "branch_renamed": "Chuyển chi nhánh (đổi tên / gộp chi nhánh)",
    REVIEW_EVENT: "Duyệt thư trả lời",
    "customer_message": "Thư của khách hàng",
    "event_date_set": "Bổ sung ngày xảy ra sự việc",
    "issued": "Phát hành thư",
    "confirmed": "Xác nhận chủ đề",
    "rejected": "Bỏ chủ đề",
    "retagged": "Gắn lại chủ đề",
    "trained": "Huấn luyện mô hình phân loại",
    "kept_previous": "Giữ mô hình cũ (mô hình mới kém hơn)",
    "seeded": "Nạp danh mục mặc định",
    "created": "Tạo mới",
    "updated": "Cập nhật",
    "activated": "Đưa vào sử dụng",
    "retired": "Ngừng sử dụng",
    "removed": "Xóa",
    "restored": "Khôi phục",
    "policy_changed": "Thay đổi chính sách thời hạn",
    "exported": "Xuất dữ liệu",
    "csv_imported": "Nhập tệp CSV",
    "generated": "Nạp dữ liệu mẫu (demo)",
    "user_created": "Tạo tài khoản",
    "user_updated": "Sửa tài khoản",
    "user_unlocked": "Mở khóa tài khoản",
    "password_changed": "Đổi mật khẩu",
    "email_changed": "Đổi e-mail",
    "login": "Đăng nhập",
    "login_failed": "Đăng nhập sai mật khẩu",
    "login_refused": "Từ chối đăng nhập",
    "logout": "Đăng xuất",
    "branch_created": "Thêm chi nhánh",
    "branch_merged": "Gộp chi nhánh",
    "branch_activated": "Mở lại chi nhánh",
    "branch_deactivated": "Ngừng hoạt động chi nhánh",
    "gave_up": "Ngừng gửi e-mail (gửi không được)",
    "retry_requested": "Yêu cầu gửi lại e-mail",
}


def event_labels() -> dict[str, str]:
    """Every known action code and its Vietnamese name."""
    from voc.desk.lifecycle import ACTION_LABELS

    return {**_OTHER_EVENT_LABELS, **{a.value: label for a, label in ACTION_LABELS.items()}}


def event_label(action: str) -> str:
    """The Vietnamese name of an audit event's action."""
    from voc.desk.lifecycle import ACTION_LABELS, Action

    try:
        return ACTION_LABELS[Action(action)]
    except ValueError:
        return _OTHER_EVENT_LABELS.get(action, action)


@dataclass(frozen=True)
class TimelineEntry:
    """One audit event as the timeline shows it. `event` carries its free text as the reader may read it."""

    event: Event
    happened_at: datetime
    recorded_at: datetime | None     # when it was entered, only when that differs from `happened_at`

    @property
    def who(self) -> str:
        return self.event.who

    @property
    def label(self) -> str:
        return event_label(self.event.action)

    @property
    def recorded(self) -> str:
        """"14:05 01/12/2026 — Name (user)" when the event was entered later than it happened, else ""."""
        return f"{format_local(self.recorded_at)} — {self.who}" if self.recorded_at else ""


def happened_at(event: Event) -> datetime:
    """When the thing happened: the call time an intake gives, otherwise the event's own time."""
    call_time = ((event.after or {}).get("details") or {}).get("call_time") if event.action == "received" else None
    return parse_iso(call_time) if call_time else event.at


def entry(event: Event, reader: Actor) -> TimelineEntry:
    if not sees_contacts(reader):
        event = replace(event, note=text_for(reader, event.note), before=values_for(reader, event.before),
                        after=values_for(reader, event.after))
    at = happened_at(event)
    recorded = event.recorded_at
    late = recorded is not None and abs(recorded - at) >= RECORDED_SAME_WITHIN
    return TimelineEntry(event, at, recorded if late else None)


def case_timeline(db, actor: Actor, ticket_code: str) -> list[TimelineEntry]:
    """The case file's Diễn biến hồ sơ: every audit event of the case, oldest first, as `actor` may read it."""
    from voc.desk.cases import timeline

    return [entry(e, actor) for e in timeline(db, actor, ticket_code)]


@dataclass
class CaseStory:
    """A complaint's whole story: the case, its themes, its audit events, letters and follow-ups (oldest
    first), the free text in them as the reader may read it."""

    case: Any
    themes: list[tuple[str, str, float | None]] = field(default_factory=list)
    events: list[TimelineEntry] = field(default_factory=list)
    letters: list = field(default_factory=list)
    followups: list = field(default_factory=list)


def case_story(cur, ticket_code: str, reader: Actor) -> CaseStory:
    from voc.store.case_store import get_case
    from voc.desk.cases import followups_of
    from voc.desk.letters import letters_of

    case = get_case(cur, ticket_code)
    names = theme_names(cur)
    try:
        themes = [(code, names.get(code, code), score) for code, score in cur.execute(
            "SELECT theme_code, max(score) FROM case_themes WHERE case_id = ? GROUP BY 1 ORDER BY 2 DESC",
            [case.id]).fetchall()]
    except CATALOG_ERRORS:
        themes = []
    return CaseStory(case, themes, [entry(e, reader) for e in events_for(cur, "case", case.id)],
                     letters_of(cur, case.id, reader), followups_of(cur, case.id, reader)[::-1])
