"""A complaint's story as Lắng nghe and the case file tell it: the Vietnamese names of audit events,
and the case with its themes, events, letters and follow-ups."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import duckdb

from voc.clock import from_db
from voc.insight.analytics import theme_names
from voc.text.reply_review import EVENT_ACTION as REVIEW_EVENT


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
}


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
