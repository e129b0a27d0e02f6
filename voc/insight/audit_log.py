"""The audit log as an admin reads it (R11): who did what, to which object, when, in Vietnamese.

Events are shown with the action's Vietnamese name (the one label map, `timeline.event_label`),
the object by what people know it by (a case, its letters and themes by the ticket code; a branch by
its name; a glossary entry by its term), and before/after as "field: old → new" instead of JSON.
Filters: user, object type, ticket code, local date range and free text (diacritics-insensitive,
matching the Vietnamese action and object names too). Pages of PAGE_SIZE; an export of everything
that matches (up to MAX_EXPORT_ROWS) through voc.desk.csv_excel, itself audited.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta
from typing import Any

import pandas as pd

from voc.accounts.access import SYSTEM, Actor, Permission, Role
from voc.clock import LOCAL_TZ, format_local, from_db
from voc.desk.csv_excel import YES, NO, csv_bytes
from voc.desk.policy import CalendarMode
from voc.insight.analytics import local_midnight_utc
from voc.insight.timeline import event_label, event_labels
from voc.model import Channel, IssueKind, LetterDelivery, LetterKind, ReferralBody, Service, Status
from voc.plaintext import fold
from voc.store.audit import record_event
from voc.store.dialect import CONFLICT_ERRORS

PAGE_SIZE = 100
MAX_EXPORT_ROWS = 100_000
DETAIL_CHARS = 300

ENTITY_LABELS = {
    "case": "Hồ sơ", "letter": "Thư", "case_theme": "Chủ đề của hồ sơ", "case_themes": "Gắn chủ đề hàng loạt",
    "user": "Tài khoản", "branch": "Chi nhánh", "setting": "Cài đặt", "theme": "Chủ đề",
    "glossary": "Từ điển khách hàng", "taxonomy": "Danh mục chủ đề", "theme_model": "Mô hình phân loại",
    "import": "Nhập dữ liệu", "export": "Xuất dữ liệu", "demo": "Dữ liệu mẫu", "mail": "E-mail gửi đi",
}
_ENTITY_IDS = {  # fixed entity ids that have a name
    ("setting", "policy"): "chính sách thời hạn", ("export", "cases"): "hồ sơ", ("export", "events"): "nhật ký",
    ("taxonomy", "default"): "mặc định", ("case_themes", "all"): "toàn bộ hồ sơ",
    ("case_themes", "period"): "một giai đoạn", ("demo", "demo.generated"): "",
}
FIELD_LABELS = {
    "status": "Trạng thái", "round": "Lần giải quyết", "branch": "Chi nhánh", "role": "Vai trò", "active": "Hoạt động",
    "email": "E-mail", "display_name": "Họ tên", "username": "Tên đăng nhập", "name": "Tên",
    "reply_hours": "Hạn trả lời (giờ)", "resolution_days": "Hạn giải quyết (ngày)",
    "quality_limit_days": "Thời hiệu chất lượng (ngày)", "business_limit_days": "Thời hiệu kinh doanh (ngày)",
    "calendar_mode": "Cách tính ngày", "kind": "Loại thư", "doc_number": "Số văn bản", "ticket_code": "Mã hồ sơ",
    "channel": "Kênh", "service": "Dịch vụ", "issue_kind": "Loại khiếu nại", "satisfaction": "Mức hài lòng",
    "filename": "Tệp", "comment": "Nhận xét", "referral_body": "Chuyển đến", "referral_date": "Ngày chuyển",
    "late_complaint": "Quá thời hiệu", "late_reason": "Lý do vẫn nhận", "rows": "Số dòng",
    "contacts_masked": "Ẩn thông tin liên hệ", "read": "Số dòng đọc", "imported": "Đã nhập", "rejected": "Từ chối",
    "already_present": "Đã có sẵn", "n_cases": "Số hồ sơ", "cases": "Số hồ sơ", "theme": "Chủ đề",
    "reason": "Lý do", "cv_score": "Điểm kiểm định", "n_examples": "Số ví dụ",
    "round_opened_at": "Mở lần giải quyết lúc",
    "reply_due_at": "Hạn trả lời", "resolution_due_at": "Hạn giải quyết", "round_replied_at": "Trả lời lúc",
    "first_reply_at": "Trả lời lần đầu lúc", "resolved_at": "Giải quyết xong lúc", "closed_at": "Đóng lúc",
    "from": "Từ", "to": "Đến", "term": "Cụm từ", "company_term": "Thuật ngữ nội bộ", "note": "Ghi chú",
    "description": "Mô tả", "category": "Nhóm nguyên nhân", "cause": "Nguyên nhân", "action": "Biện pháp",
    "owner": "Phụ trách", "due_date": "Hạn khắc phục", "done_at": "Xong lúc", "seed": "Seed", "until": "Đến ngày",
    "failed_attempts": "Số lần nhập sai", "locked": "Bị khóa", "locked_until": "Khóa đến", "themes": "Số chủ đề",
    "glossary_terms": "Số mục từ điển", "tags": "Chủ đề đã gắn", "version": "Phiên bản", "details": "Chi tiết",
    "filters": "Bộ lọc", "attempts": "Số lần gửi", "error": "Lỗi",
    "delivery": "Gửi", "method": "Cách gửi", "recipient": "Người nhận", "at": "Lúc",
}
_VALUE_ENUMS = {"status": Status, "channel": Channel, "service": Service, "issue_kind": IssueKind, "kind": LetterKind,
                "referral_body": ReferralBody, "calendar_mode": CalendarMode, "role": Role,
                "method": LetterDelivery}
_ALWAYS_SHOWN = {"theme"}       # names what an event is about even where it did not change
_HIDDEN = {"id", "params", "generated_at", "counts", "sha256"}
COLUMNS = {"at": "Thời điểm", "who": "Người thực hiện", "object": "Đối tượng", "ticket_code": "Mã hồ sơ",
           "action": "Hành động", "detail": "Thay đổi", "note": "Ghi chú"}


@dataclass(frozen=True)
class AuditFilters:
    actor: str | None = None          # username
    entity: str | None = None         # object type: case, user, branch ... (ENTITY_LABELS)
    ticket_code: str = ""             # a case with its letters and theme corrections
    date_from: date | None = None     # local dates, both included
    date_to: date | None = None
    text: str = ""


def entity_label(entity: str) -> str:
    return ENTITY_LABELS.get(entity, entity)


_SQL = """
WITH ev AS (
    SELECT e.id, e.occurred_at, e.actor, e.entity, e.entity_id, e.action,
           CAST(e.before AS VARCHAR) AS before, CAST(e.after AS VARCHAR) AS after, e.note,
           CASE WHEN e.entity IN ('case', 'case_theme') THEN TRY_CAST(e.entity_id AS BIGINT)
                WHEN e.entity = 'letter' THEN l.case_id END AS case_id,
           COALESCE(l.doc_number, b.name, g.term, t.name_vi) AS entity_name
    FROM events e
    LEFT JOIN letters l ON e.entity = 'letter' AND l.id = TRY_CAST(e.entity_id AS BIGINT)
    LEFT JOIN branches b ON e.entity = 'branch' AND b.id = TRY_CAST(e.entity_id AS BIGINT)
    LEFT JOIN glossary_terms g ON e.entity = 'glossary' AND g.id = TRY_CAST(e.entity_id AS BIGINT)
    LEFT JOIN themes t ON e.entity = 'theme' AND t.code = e.entity_id
)
SELECT ev.id, ev.occurred_at, ev.actor, u.display_name, ev.entity, ev.entity_id, ev.entity_name, c.ticket_code,
       ev.action, ev.before, ev.after, ev.note
FROM ev LEFT JOIN cases c ON c.id = ev.case_id LEFT JOIN users u ON u.username = ev.actor
"""
# Free text (fold()ed) in an event's own words, kept folded in event_search (migration 018), its user and
# its action.
_TEXT_SQL = """(
    ev.id IN (SELECT event_id FROM event_search WHERE contains(text, $text))
    OR contains(voc_fold(ev.actor), $text) OR contains(ev.action, $text)
    OR list_contains($actions, ev.action) OR list_contains($entities, ev.entity){named})"""
_MATCHED_CASES = "SELECT id FROM cases WHERE contains(voc_fold(ticket_code), $text)"
# Or in the current name of what it is about (a name can change after the event): (the names that match, the
# events they name). Each is joined only when some name matches (the join costs tenths of a second at 1M
# cases); a letter, by its case's ticket code (its own number is in its events' words: never renumbered).
_BY_NAME = (
    ("SELECT username FROM users WHERE contains(voc_fold(display_name), $text)", "ev.actor IN ({})"),
    (_MATCHED_CASES, "ev.entity IN ('case', 'case_theme') AND ev.entity_id IN "
                     "(SELECT CAST(id AS VARCHAR) FROM ({}) AS matched)"),
    (_MATCHED_CASES, "ev.entity = 'letter' AND ev.entity_id IN "
                     "(SELECT CAST(id AS VARCHAR) FROM letters WHERE case_id IN ({}))"),
    ("SELECT CAST(id AS VARCHAR) FROM branches WHERE contains(voc_fold(name), $text)",
     "ev.entity = 'branch' AND ev.entity_id IN ({})"),
    ("SELECT CAST(id AS VARCHAR) FROM glossary_terms WHERE contains(voc_fold(term), $text)",
     "ev.entity = 'glossary' AND ev.entity_id IN ({})"),
    ("SELECT code FROM themes WHERE contains(voc_fold(name_vi), $text)",
     "ev.entity = 'theme' AND ev.entity_id IN ({})"),
)
# A case's events, its letters' and its theme corrections', by ticket code.
_TICKET_SQL = """(
    (ev.entity IN ('case', 'case_theme') AND TRY_CAST(ev.entity_id AS BIGINT) IN (
        SELECT id FROM cases WHERE upper(ticket_code) = $ticket))
    OR (ev.entity = 'letter' AND TRY_CAST(ev.entity_id AS BIGINT) IN (
        SELECT l.id FROM letters l JOIN cases c ON c.id = l.case_id WHERE upper(c.ticket_code) = $ticket)))"""
SEARCH_LOOKBACK = 1_000  # events re-checked on each refresh, in case a transaction committed out of id order


def _where(cur, f: AuditFilters, params: dict[str, Any]) -> str:
    """The filters as a condition on the events table alone (`events ev`)."""
    clauses = ["true"]
    if f.actor:
        params["actor"] = f.actor
        clauses.append("ev.actor = $actor")
    if f.entity:
        params["entity"] = f.entity
        clauses.append("ev.entity = $entity")
    if f.ticket_code.strip():
        params["ticket"] = f.ticket_code.strip().upper()
        clauses.append(_TICKET_SQL)
    if f.date_from:
        params["start"] = local_midnight_utc(f.date_from)
        clauses.append("ev.occurred_at >= $start")
    if f.date_to:
        params["end"] = local_midnight_utc(f.date_to + timedelta(days=1))
        clauses.append("ev.occurred_at < $end")
    wanted = fold(f.text)
    if wanted:
        params["text"] = wanted
        # The Vietnamese names are not in the table: match them here and look for their codes.
        params["actions"] = [code for code, label in event_labels().items() if wanted in fold(label)]
        params["entities"] = [code for code, label in ENTITY_LABELS.items() if wanted in fold(label)]
        found = {names: cur.execute(f"SELECT EXISTS ({names})", {"text": wanted}).fetchone()[0]
                 for names in dict.fromkeys(names for names, _ in _BY_NAME)}
        named = "".join(f" OR ({events.format(names)})" for names, events in _BY_NAME if found[names])
        clauses.append(_TEXT_SQL.format(named=named))
    return " AND ".join(clauses)


def refresh_search(cur) -> int:
    """Add the events written since the last refresh to event_search; returns how many were added."""
    mark = cur.execute("SELECT max(event_id) FROM event_search").fetchone()[0]
    since = -1 if mark is None else mark - SEARCH_LOOKBACK
    return cur.execute(
        "INSERT INTO event_search SELECT e.id, voc_event_text(e.entity, e.entity_id, e.note, e.before, e.after) "
        "FROM events e WHERE e.id > $since AND e.id NOT IN (SELECT event_id FROM event_search WHERE event_id > $since)",
        {"since": since}).fetchone()[0]


def _value(key: str, value: Any) -> str:
    """A before/after value as people read it."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return YES if value else NO
    if key in _VALUE_ENUMS:
        try:
            return _VALUE_ENUMS[key](value).label
        except ValueError:
            return str(value)
    if isinstance(value, str) and len(value) >= 16 and value[4:5] == "-" and value[10:11] == "T":
        try:
            return format_local(datetime.fromisoformat(value))
        except ValueError:
            return value
    if isinstance(value, str) and len(value) == 10 and value[4:5] == "-":
        try:
            return date.fromisoformat(value).strftime("%d/%m/%Y")
        except ValueError:
            return value
    if isinstance(value, float):
        return f"{value:.2f}".replace(".", ",")
    if isinstance(value, list) and all(isinstance(v, dict) for v in value):
        return f"{len(value)} mục"
    if isinstance(value, dict):       # e.g. a letter's delivery: "Cách gửi: Bưu điện, Người nhận: …"
        return ", ".join(f"{FIELD_LABELS.get(k, k)}: {_value(k, v)}" for k, v in value.items() if k not in _HIDDEN)
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False)[:80]
    return str(value)


def describe_change(before: dict | None, after: dict | None) -> str:
    """{"status": "received"} → {"status": "verifying"} as "Trạng thái: Tiếp nhận → Đang xác minh"; only the
    fields that changed; internal ids left out."""
    before = before if isinstance(before, dict) else {}
    after = after if isinstance(after, dict) else {}
    parts = []
    for key in dict.fromkeys([*before, *after]):
        if key in _HIDDEN or key.endswith("_id"):
            continue
        label = FIELD_LABELS.get(key, key)
        if before.get(key) == after.get(key):
            if key in _ALWAYS_SHOWN:
                parts.append(f"{label}: {_value(key, after[key])}")
        elif key in before and key in after:
            parts.append(f"{label}: {_value(key, before[key])} → {_value(key, after[key])}")
        elif key in after:
            parts.append(f"{label}: {_value(key, after[key])}")
        else:
            parts.append(f"{label}: {_value(key, before[key])} → —")
    text = "; ".join(parts)
    return text if len(text) <= DETAIL_CHARS else text[:DETAIL_CHARS - 1] + "…"


def _object(entity: str, entity_id: str, name: str | None, ticket_code: str | None) -> str:
    """The object in words; a case-linked event's ticket code has its own column."""
    label = entity_label(entity)
    if entity in ("case", "case_theme"):
        return label if ticket_code else f"{label} (đã xóa: #{entity_id})"
    if entity == "letter":
        return f"{label} {name}" if name else label
    if entity == "import":
        return f"{label}: {entity_id}"
    if entity == "glossary":
        return f"{label}: “{name}”" if name else f"{label} #{entity_id}"
    if entity == "theme":
        return f"{label} {name} ({entity_id})" if name else f"{label} {entity_id}"
    if entity == "theme_model":
        return f"{label} #{entity_id}"
    if (entity, entity_id) in _ENTITY_IDS:
        extra = _ENTITY_IDS[(entity, entity_id)]
        return f"{label}: {extra}" if extra else label
    return f"{label} {name or entity_id}"


def _who(username: str, display_name: str | None) -> str:
    if username == SYSTEM.username and not display_name:
        display_name = SYSTEM.display_name
    return f"{display_name} ({username})" if display_name else username


def _row(r: tuple) -> dict[str, Any]:
    (_, at, actor, display_name, entity, entity_id, name, ticket_code, action, before, after, note) = r
    return {
        "at": from_db(at).astimezone(LOCAL_TZ),
        "who": _who(actor, display_name),
        "object": _object(entity, entity_id, name, ticket_code),
        "ticket_code": ticket_code or "",
        "action": event_label(action),
        "detail": describe_change(json.loads(before) if before else None, json.loads(after) if after else None),
        "note": note or "",
    }


def _frame(rows: list[tuple]) -> pd.DataFrame:
    return pd.DataFrame([_row(r) for r in rows], columns=list(COLUMNS))


def search(db, actor: Actor, f: AuditFilters, *, limit: int = PAGE_SIZE, offset: int = 0) -> tuple[pd.DataFrame, int]:
    """One page of the events matching `f` (COLUMNS), newest first, and how many match in all. A page past
    the end comes back empty, with a total of 0.

    Every filter is a condition on the events table alone (millions of rows): count and pick the page
    there, then name the page's objects. Two plain scans beat one with count(*) OVER (), which
    materialises every matching row (0,2 s against 0,7 s at 7,8 M events); free text, whose condition
    costs the most, is evaluated once into the matching ids and times."""
    actor.require(Permission.MANAGE_USERS)
    params: dict[str, Any] = {}
    if fold(f.text):
        try:
            with db.transaction() as cur:
                refresh_search(cur)
        except CONFLICT_ERRORS:         # another session is adding the same events
            pass
    with db.cursor() as cur:
        where = _where(cur, f, params)
        if "text" in params:    # the text's condition is the costly part: evaluate it once
            total, ids = cur.execute(
                f"WITH m AS MATERIALIZED (SELECT id, occurred_at FROM events ev WHERE {where}) "
                "SELECT (SELECT count(*) FROM m), (SELECT list(id) FROM (SELECT id FROM m "
                f"ORDER BY occurred_at DESC, id DESC LIMIT {int(limit)} OFFSET {int(offset)}) AS page)", params).fetchone()
        else:
            total = cur.execute(f"SELECT count(*) FROM events ev WHERE {where}", params).fetchone()[0]
            ids = [r[0] for r in cur.execute(
                f"SELECT id FROM events ev WHERE {where} ORDER BY occurred_at DESC, id DESC "
                f"LIMIT {int(limit)} OFFSET {int(offset)}", params).fetchall()]
        rows = cur.execute(f"SELECT * FROM ({_SQL} WHERE list_contains($ids, ev.id)) AS page_rows "
                           "ORDER BY occurred_at DESC, id DESC", {"ids": ids}).fetchall()
    return _frame(rows), total if rows else 0


def export_csv(db, actor: Actor, f: AuditFilters) -> bytes:
    """Every event matching `f` (newest first, at most MAX_EXPORT_ROWS) as a CSV for Excel; the export is
    itself written to the audit log."""
    events, _ = search(db, actor, f, limit=MAX_EXPORT_ROWS)
    rows = ([r.at.strftime("%Y-%m-%d %H:%M:%S"), r.who, r.object, r.ticket_code, r.action, r.detail, r.note]
            for r in events.itertuples())
    data = csv_bytes(list(COLUMNS.values()), rows)
    with db.transaction() as cur:
        record_event(cur, actor.username, "export", "events", "exported", None,
                     {"rows": len(events), "filters": {k: v for k, v in asdict(f).items() if v}})
    return data


def actor_options(db, actor: Actor) -> dict[str, str]:
    """username → "Display Name (username)" of everyone who appears in the log."""
    actor.require(Permission.MANAGE_USERS)
    with db.cursor() as cur:
        rows = cur.execute("SELECT e.actor, max(u.display_name) FROM events e "
                           "LEFT JOIN users u ON u.username = e.actor GROUP BY 1 ORDER BY 1").fetchall()
    return {name: _who(name, display) for name, display in rows}


def entity_options(db, actor: Actor) -> dict[str, str]:
    """Object types present in the log → their Vietnamese name."""
    actor.require(Permission.MANAGE_USERS)
    with db.cursor() as cur:
        found = [r[0] for r in cur.execute("SELECT DISTINCT entity FROM events").fetchall()]
    return dict(sorted(((e, entity_label(e)) for e in found), key=lambda item: fold(item[1])))
