"""Root cause and internal fix of a case (SPEC, Respond: "fixing the root cause internally matters
as much as fixing it for the customer"; Monitor: watch processes as well as people).

One record per case: where the fault lay (a `RootCauseCategory`), what caused it, the internal fix,
who owns it and by when, and whether it is done. Staff of the case's branch record and update it;
each change is an audit event of the case with the values before and after (R11).
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, replace
from datetime import date, datetime

from voc.store import case_store
from voc.accounts.access import Actor, Permission
from voc.accounts.privacy import sees_contacts, text_for
from voc.store.audit import record_event
from voc.clock import from_db, local_date, to_db, utcnow
from voc.errors import PermissionDenied, ValidationError
from voc.model import RootCauseCategory
from voc.plaintext import clean_text

MAX_TEXT_CHARS = 2_000
MAX_OWNER_CHARS = 100
_COLUMNS = "case_id, category, cause, action, owner, due_date, done_at, recorded_by, recorded_at"


@dataclass(frozen=True)
class RootCause:
    case_id: int
    category: RootCauseCategory
    cause: str
    action: str | None
    owner: str | None
    due_date: date | None
    done_at: datetime | None
    recorded_by: str
    recorded_at: datetime

    def is_overdue(self, today: date) -> bool:
        """An internal fix not done after its date."""
        return self.done_at is None and self.due_date is not None and self.due_date < today

    def audit_view(self) -> dict:
        view = asdict(self)
        for name in ("case_id", "recorded_by", "recorded_at"):
            view.pop(name)
        view["category"] = self.category.value
        view["due_date"] = self.due_date.isoformat() if self.due_date else None
        view["done_at"] = to_db(self.done_at).isoformat() if self.done_at else None
        return view


def _row(r) -> RootCause:
    return RootCause(r[0], RootCauseCategory(r[1]), r[2], r[3], r[4], r[5], from_db(r[6]), r[7], from_db(r[8]))


def root_cause_of(cur, case_id: int, reader: Actor | None = None) -> RootCause | None:
    """The case's root cause; for a `reader`, its notes as their role may read them (contacts masked)."""
    row = cur.execute(f"SELECT {_COLUMNS} FROM root_causes WHERE case_id = ?", [case_id]).fetchone()
    cause = _row(row) if row else None
    if cause is None or reader is None or sees_contacts(reader):
        return cause
    return replace(cause, cause=text_for(reader, cause.cause), action=text_for(reader, cause.action),
                   owner=text_for(reader, cause.owner))


def _text(value: str | None, limit: int, label: str, field: str, required: bool = False) -> str | None:
    text = clean_text(value)
    if required and not text:
        raise ValidationError(f"Vui lòng nhập {label}.", field)
    if len(text) > limit:
        raise ValidationError(f"{label[:1].upper()}{label[1:]} dài quá {limit} ký tự.", field)
    return text or None


def record_root_cause(db, actor: Actor, ticket_code: str, category: RootCauseCategory | str, cause: str,
                      action: str | None = None, owner: str | None = None, due_date: date | None = None,
                      done: bool = False, now: datetime | None = None) -> RootCause:
    """Record or update a case's root cause and internal fix; audited with before and after."""
    actor.require(Permission.HANDLE_CASES)
    now = now or utcnow()
    try:
        category = RootCauseCategory(category)
    except ValueError:
        raise ValidationError("Vui lòng chọn nhóm nguyên nhân.", "category") from None
    cause = _text(cause, MAX_TEXT_CHARS, "nguyên nhân", "cause", required=True)
    action = _text(action, MAX_TEXT_CHARS, "biện pháp khắc phục", "action")
    owner = _text(owner, MAX_OWNER_CHARS, "người phụ trách", "owner")
    if done and not action:
        raise ValidationError("Chỉ đánh dấu đã khắc phục khi đã ghi biện pháp khắc phục.", "action")
    with db.transaction() as cur:
        case = case_store.get_case(cur, ticket_code)
        if not actor.may_touch_branch(case.branch):
            raise PermissionDenied("Bạn chỉ được xử lý hồ sơ của chi nhánh mình.")
        if due_date is not None and due_date < local_date(case.received_at):
            raise ValidationError("Hạn khắc phục không thể trước ngày tiếp nhận hồ sơ.", "due_date")
        before = root_cause_of(cur, case.id)
        done_at = (before.done_at if before and before.done_at else now) if done else None
        after = RootCause(case.id, category, cause, action, owner, due_date, done_at, actor.username, now)
        if before is not None and before.audit_view() == after.audit_view():
            return before                      # nothing changed: no new event
        cur.execute(
            f"INSERT INTO root_causes ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (case_id) DO UPDATE "
            "SET " + ", ".join(f"{c} = excluded.{c}" for c in _COLUMNS.split(", ")[1:]),
            [case.id, category.value, cause, action, owner, due_date, to_db(done_at) if done_at else None,
             actor.username, to_db(now)])
        record_event(cur, actor.username, "case", case.id, "root_cause_recorded",
                     before.audit_view() if before else None, after.audit_view(), at=now)
    return after
