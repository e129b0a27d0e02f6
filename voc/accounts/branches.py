"""The managed list of branches (chi nhánh). Every account's and case's branch is one of them, so a
branch scope exists only when an admin adds it: a typed "Ha Noi" resolves to "Hà Nội" or is refused,
never becomes a scope of its own. Admins add, rename (or merge) and deactivate branches; each change
is audited, and a rename also records, per account and per case, the branch it moved from."""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Iterable

from voc.accounts.access import Actor, Permission, Role
from voc.store.audit import record_event
from voc.clock import to_db, utcnow
from voc.errors import ConflictError, NotFound, ValidationError
from voc.plaintext import clean_text, fold
from voc.store.dialect import CONFLICT_ERRORS

MAX_NAME_CHARS = 60
_NOT_KEY = re.compile(r"[^a-z0-9]+")
_SPACES = re.compile(r"\s+")


@dataclass(frozen=True)
class Branch:
    id: int
    name: str
    active: bool
    accounts: int = 0        # accounts assigned to it (active or not)
    cases: int = 0


def branch_key(name: str | None) -> str:
    """What makes two names the same branch: case, diacritics, spaces and punctuation ignored
    ("TP. Hồ Chí Minh" = "tp ho chi minh")."""
    return _NOT_KEY.sub("", fold(name))


def _clean_name(name: str | None) -> str:
    text = _SPACES.sub(" ", clean_text(name))
    if not branch_key(text):
        raise ValidationError("Vui lòng nhập tên chi nhánh.", "branch")
    if len(text) > MAX_NAME_CHARS:
        raise ValidationError(f"Tên chi nhánh tối đa {MAX_NAME_CHARS} ký tự.", "branch")
    return text


def list_branches(cur, *, active_only: bool = False) -> list[Branch]:
    """The branches by name, with how many accounts and cases each holds."""
    rows = cur.execute(
        "SELECT b.id, b.name, b.active, "
        "(SELECT count(*) FROM users u WHERE u.branch = b.name), (SELECT count(*) FROM cases c WHERE c.branch = b.name) "
        "FROM branches b WHERE b.active OR NOT ? ORDER BY b.name", [active_only]).fetchall()
    return [Branch(*r) for r in rows]


def branch_names(db, *, active_only: bool = True) -> list[str]:
    """Names to offer in a form: the active branches unless told otherwise."""
    with db.cursor() as cur:
        rows = cur.execute("SELECT name FROM branches WHERE active OR NOT ? ORDER BY name", [active_only]).fetchall()
    return [r[0] for r in rows]


def _find(cur, name: str | None) -> tuple[int, str, bool] | None:
    """The branch `name` means: the exact name, else the only one with the same key."""
    text = _SPACES.sub(" ", clean_text(name))
    row = cur.execute("SELECT id, name, active FROM branches WHERE name = ?", [text]).fetchone()
    if row is not None:
        return row
    key = branch_key(text)
    same = [r for r in cur.execute("SELECT id, name, active FROM branches").fetchall() if branch_key(r[1]) == key]
    return same[0] if len(same) == 1 else None


def _get(cur, name: str | None) -> tuple[int, str, bool]:
    if not branch_key(name):
        raise ValidationError("Vui lòng chọn chi nhánh.", "branch")
    found = _find(cur, name)
    if found is None:
        raise NotFound(f"Không có chi nhánh “{clean_text(name)[:MAX_NAME_CHARS]}”.")
    return found


def resolve(cur, name: str | None, *, require_active: bool = True) -> str | None:
    """The managed branch's exact name for `name` (None for no branch); a name that is not in the
    list, or (with `require_active`) one that is deactivated, is refused."""
    if not branch_key(name):
        return None
    found = _find(cur, name)
    if found is None:
        raise ValidationError(f"Chi nhánh “{clean_text(name)[:MAX_NAME_CHARS]}” không có trong danh sách chi nhánh. "
                              "Quản trị thêm chi nhánh ở trang Quản trị.", "branch")
    if require_active and not found[2]:
        raise ValidationError(f"Chi nhánh “{found[1]}” đã ngừng hoạt động.", "branch")
    return found[1]


def _refuse_same_key(cur, name: str, except_id: int | None = None) -> None:
    key = branch_key(name)
    for bid, other, _ in cur.execute("SELECT id, name, active FROM branches").fetchall():
        if bid != except_id and branch_key(other) == key:
            raise ValidationError(f"Đã có chi nhánh “{other}”.", "branch")


def _insert(cur, actor_name: str, name: str, now: datetime, note: str | None = None) -> int:
    bid = cur.execute("INSERT INTO branches (name, active, created_at) VALUES (?, true, ?) RETURNING id",
                      [name, to_db(now)]).fetchone()[0]
    record_event(cur, actor_name, "branch", bid, "branch_created", None, {"name": name, "active": True}, note, at=now)
    return bid


def _branch(cur, bid: int) -> Branch:
    return next(b for b in list_branches(cur) if b.id == bid)


def add_branch(db, actor: Actor, name: str, now: datetime | None = None) -> Branch:
    actor.require(Permission.MANAGE_USERS)
    name = _clean_name(name)
    now = now or utcnow()
    with db.transaction() as cur:
        _refuse_same_key(cur, name)
        return _branch(cur, _insert(cur, actor.username, name, now))


def ensure_branches(cur, names: Iterable[str], actor_name: str, note: str, now: datetime | None = None) -> None:
    """Add those of `names` the list lacks (inside the caller's transaction); for system jobs."""
    for name in names:
        if _find(cur, name) is None:
            _insert(cur, actor_name, _clean_name(name), now or utcnow(), note)


def _move_rows(cur, actor_name: str, old: str, new: str, now: datetime, note: str) -> None:
    """Every account and case on branch `old` moves to `new`, each with its own audit event."""
    for entity, table, key in (("user", "users", "username"), ("case", "cases", "CAST(id AS VARCHAR)")):
        cur.execute(
            f"INSERT INTO events (occurred_at, actor, entity, entity_id, action, before, after, note, recorded_at) "
            f"SELECT ?, ?, ?, {key}, 'branch_renamed', json_object('branch', ?), json_object('branch', ?), ?, ? "
            f"FROM {table} WHERE branch = ? ORDER BY {key}",
            [to_db(now), actor_name, entity, old, new, note, to_db(utcnow()), old])
    cur.execute("UPDATE users SET branch = ? WHERE branch = ?", [new, old])
    cur.execute("UPDATE cases SET branch = ?, version = version + 1, updated_at = ? WHERE branch = ?",
                [new, to_db(now), old])


def rename_branch(db, actor: Actor, name: str, new_name: str, *, merge: bool = False,
                  now: datetime | None = None) -> Branch:
    """Rename a branch; its accounts and cases follow. When `new_name` is another branch already in
    the list, `merge` moves everything into that one and removes this one from the list (e.g. a typed
    "Ha Noi" into "Hà Nội"; the audit log keeps its history); without `merge` that is refused."""
    actor.require(Permission.MANAGE_USERS)
    new_name = _clean_name(new_name)
    now = now or utcnow()
    try:
        with db.transaction() as cur:
            bid, old, active = _get(cur, name)
            if new_name == old:
                raise ValidationError("Tên mới trùng tên hiện tại.", "branch")
            target = _find(cur, new_name)
            if target is not None and target[0] != bid:
                if not merge:
                    raise ValidationError(f"Đã có chi nhánh “{target[1]}”. Chọn gộp để chuyển các tài khoản và "
                                          f"hồ sơ của “{old}” sang đó.", "branch")
                note = f"Gộp chi nhánh “{old}” vào “{target[1]}”"
                _move_rows(cur, actor.username, old, target[1], now, note)
                cur.execute("DELETE FROM branches WHERE id = ?", [bid])
                record_event(cur, actor.username, "branch", bid, "branch_merged", {"name": old, "active": active},
                             {"merged_into": target[1]}, note, at=now)
                return _branch(cur, target[0])
            _refuse_same_key(cur, new_name, except_id=bid)
            note = f"Đổi tên chi nhánh “{old}” thành “{new_name}”"
            _move_rows(cur, actor.username, old, new_name, now, note)
            cur.execute("UPDATE branches SET name = ? WHERE id = ?", [new_name, bid])
            record_event(cur, actor.username, "branch", bid, "branch_renamed", {"name": old}, {"name": new_name},
                         note, at=now)
            return _branch(cur, bid)
    except CONFLICT_ERRORS as error:
        raise ConflictError("Có người khác đang sửa các hồ sơ của chi nhánh này; vui lòng thử lại.") from error


def set_branch_active(db, actor: Actor, name: str, active: bool, now: datetime | None = None) -> Branch:
    """Deactivate (no new accounts or cases on it; history keeps it) or reactivate a branch. A branch
    with active staff accounts cannot be deactivated: move them first."""
    actor.require(Permission.MANAGE_USERS)
    now = now or utcnow()
    with db.transaction() as cur:
        bid, branch, before = _get(cur, name)
        if before == active:
            raise ValidationError(f"Chi nhánh “{branch}” đã {'đang hoạt động' if active else 'ngừng hoạt động'}.",
                                  "branch")
        if not active:
            staff = [r[0] for r in cur.execute(
                "SELECT username FROM users WHERE branch = ? AND role = ? AND active ORDER BY username",
                [branch, Role.STAFF.value]).fetchall()]
            if staff:
                raise ValidationError(f"Chi nhánh “{branch}” còn nhân viên CSKH đang hoạt động ({', '.join(staff)}); "
                                      "hãy chuyển họ sang chi nhánh khác trước.", "branch")
        cur.execute("UPDATE branches SET active = ? WHERE id = ?", [active, bid])
        record_event(cur, actor.username, "branch", bid, "branch_activated" if active else "branch_deactivated",
                     {"name": branch, "active": before}, {"name": branch, "active": active}, at=now)
        return _branch(cur, bid)
