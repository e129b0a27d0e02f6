"""A complaint's story as Lắng nghe and the case file tell it: the Vietnamese names of audit events,
and the case with its themes, events, letters and follow-ups."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import duckdb

from voc.clock import from_db
from voc.insight.analytics import theme_names
from voc.text.reply_review import EVENT_ACTION as REVIEW_EVENT


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


@dataclass
class CaseStory:
    """A complaint's whole story: the case, its themes, its audit events, letters and follow-ups."""

    case: Any
    themes: list[tuple[str, str, float | None]] = field(default_factory=list)
    events: list = field(default_factory=list)
    letters: list = field(default_factory=list)
    followups: list[dict] = field(default_factory=list)


def case_story(cur, ticket_code: str) -> CaseStory:
    from voc.store.audit import events_for
    from voc.store.case_store import get_case
    from voc.desk.letters import letters_of

    case = get_case(cur, ticket_code)
    names = theme_names(cur)
    try:
        themes = [(code, names.get(code, code), score) for code, score in cur.execute(
            "SELECT theme_code, max(score) FROM case_themes WHERE case_id = ? GROUP BY 1 ORDER BY 2 DESC",
            [case.id]).fetchall()]
    except duckdb.CatalogException:
        themes = []
    followups = [dict(contacted_at=from_db(r[0]), satisfaction=r[1], note=r[2], recorded_by=r[3])
                 for r in cur.execute("SELECT contacted_at, satisfaction, note, recorded_by FROM followups "
                                      "WHERE case_id = ? ORDER BY contacted_at", [case.id]).fetchall()]
    return CaseStory(case, themes, events_for(cur, "case", case.id), letters_of(cur, case.id), followups)
