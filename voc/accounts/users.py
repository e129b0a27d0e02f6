"""Accounts: Argon2id password hashes (argon2-cffi), login with lock-out after repeated failures,
the first admin, and user management for admins. Passwords are never stored or logged in clear."""
from __future__ import annotations

import os
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from voc.accounts.access import Actor, Permission, Role
from voc.store.audit import record_event
from voc.clock import from_db, to_db, utcnow
from voc.errors import NotFound, ValidationError
from voc.accounts.sessions import EndReason, end_user_sessions

_HASHER = PasswordHasher()  # Argon2id with the library's current recommended parameters
MAX_FAILED_ATTEMPTS = 5
LOCK_MINUTES = 15
MIN_PASSWORD_CHARS = 10
_USERNAME = re.compile(r"^[a-z0-9._-]{3,32}$")
ADMIN_PASSWORD_ENV = "VOC_ADMIN_PASSWORD"


class LoginFailed(ValidationError):
    pass


@dataclass(frozen=True)
class User:
    username: str
    display_name: str
    role: Role
    branch: str | None
    active: bool
    failed_attempts: int
    locked_until: datetime | None

    def actor(self) -> Actor:
        return Actor(self.username, self.role, self.branch, self.display_name)


_COLUMNS = "username, display_name, role, branch, active, failed_attempts, locked_until"


def _row(r) -> User:
    return User(r[0], r[1], Role(r[2]), r[3], r[4], r[5], from_db(r[6]))


def validate_password(password: str) -> None:
    if len(password or "") < MIN_PASSWORD_CHARS:
        raise ValidationError(f"Mật khẩu phải có ít nhất {MIN_PASSWORD_CHARS} ký tự.", "password")
    if len(password) > 256:
        raise ValidationError("Mật khẩu quá dài (tối đa 256 ký tự).", "password")


def count_users(cur) -> int:
    return cur.execute("SELECT count(*) FROM users").fetchall()[0][0]


def get_user(cur, username: str) -> User:
    row = cur.execute(f"SELECT {_COLUMNS} FROM users WHERE username = ?", [username]).fetchone()
    if row is None:
        raise NotFound(f"Không có tài khoản “{username}”.")
    return _row(row)


def list_users(db, actor: Actor) -> list[User]:
    actor.require(Permission.MANAGE_USERS)
    with db.cursor() as cur:
        return [_row(r) for r in cur.execute(f"SELECT {_COLUMNS} FROM users ORDER BY username").fetchall()]


def _insert(cur, actor_name: str, username: str, display_name: str, role: Role, branch: str | None,
            password: str, now: datetime) -> None:
    cur.execute(
        "INSERT INTO users (username, display_name, role, branch, password_hash, created_at, password_changed_at) "
        "VALUES (?, ?, ?, ?, ?, ?, ?)",
        [username, display_name, role.value, branch, _HASHER.hash(password), to_db(now), to_db(now)],
    )
    record_event(cur, actor_name, "user", username, "user_created", None,
                 {"username": username, "role": role, "branch": branch}, at=now)


def create_user(db, actor: Actor, username: str, display_name: str, role: Role, branch: str | None,
                password: str, now: datetime | None = None) -> User:
    actor.require(Permission.MANAGE_USERS)
    username = (username or "").strip().lower()
    if not _USERNAME.match(username):
        raise ValidationError("Tên đăng nhập gồm 3–32 ký tự: chữ thường không dấu, số, dấu chấm, gạch.", "username")
    if not (display_name or "").strip():
        raise ValidationError("Vui lòng nhập họ tên.", "display_name")
    if role is Role.STAFF and not (branch or "").strip():
        raise ValidationError("Nhân viên CSKH phải thuộc một chi nhánh.", "branch")
    validate_password(password)
    now = now or utcnow()
    with db.transaction() as cur:
        if cur.execute("SELECT count(*) FROM users WHERE username = ?", [username]).fetchall()[0][0]:
            raise ValidationError(f"Tên đăng nhập “{username}” đã tồn tại.", "username")
        _insert(cur, actor.username, username, display_name.strip(), role, (branch or "").strip() or None, password, now)
        return get_user(cur, username)


def ensure_first_admin(db, now: datetime | None = None) -> str | None:
    """On first start create `admin`; return the generated password (to show once) if none was given."""
    with db.transaction() as cur:
        if count_users(cur):
            return None
        given = os.environ.get(ADMIN_PASSWORD_ENV)
        if given:
            validate_password(given)
        password = given or secrets.token_urlsafe(12)
        _insert(cur, "system", "admin", "Quản trị viên", Role.ADMIN, None, password, now or utcnow())
    return None if given else password


def authenticate(db, username: str, password: str, now: datetime | None = None) -> User:
    """Check a password; 5 failures lock the account for 15 minutes. Errors never say which part was wrong."""
    now = now or utcnow()
    username = (username or "").strip().lower()
    stored = _verified_hash(db, username, password, now, LoginFailed("Tên đăng nhập hoặc mật khẩu không đúng."))
    with db.transaction() as cur:
        if _HASHER.check_needs_rehash(stored):
            cur.execute("UPDATE users SET password_hash = ? WHERE username = ?", [_HASHER.hash(password), username])
        cur.execute("UPDATE users SET failed_attempts = 0, locked_until = NULL WHERE username = ?", [username])
        record_event(cur, username, "user", username, "login", None, None, at=now)
        return get_user(cur, username)


def _verified_hash(db, username: str, password: str, now: datetime, wrong: LoginFailed) -> str:
    """The stored hash when `password` is the account's; raises `wrong` otherwise (counting the failure
    towards the lock-out), or LoginFailed when the account is deactivated or locked."""
    with db.cursor() as cur:
        row = cur.execute(f"SELECT {_COLUMNS}, password_hash FROM users WHERE username = ?", [username]).fetchone()
    if row is None:
        _HASHER.hash(password or "x")  # same cost as a real check, so timing does not reveal usernames
        raise wrong
    user, stored = _row(row[:7]), row[7]
    if not user.active:
        raise LoginFailed("Tài khoản đã bị vô hiệu hóa. Liên hệ quản trị.")
    if user.locked_until and user.locked_until > now:
        minutes = max(1, int((user.locked_until - now).total_seconds() // 60) + 1)
        raise LoginFailed(f"Tài khoản tạm khóa do đăng nhập sai nhiều lần. Thử lại sau {minutes} phút.")
    try:
        _HASHER.verify(stored, password or "")
    except (VerificationError, InvalidHashError):
        _record_failure(db, user, now)
        raise wrong from None
    return stored


def _record_failure(db, user: User, now: datetime) -> None:
    failures = user.failed_attempts + 1
    locked = to_db(now + timedelta(minutes=LOCK_MINUTES)) if failures >= MAX_FAILED_ATTEMPTS else None
    with db.transaction() as cur:
        cur.execute("UPDATE users SET failed_attempts = ?, locked_until = ? WHERE username = ?",
                    [0 if locked else failures, locked, user.username])
        record_event(cur, user.username, "user", user.username, "login_failed", None,
                     {"failed_attempts": failures, "locked": bool(locked)}, at=now)


def set_password(db, actor: Actor, username: str, new_password: str, now: datetime | None = None,
                 keep_session: str | None = None) -> None:
    """Change a password; every session of that user ends, except `keep_session` (the session of a
    user changing their own password)."""
    if actor.username != username:
        actor.require(Permission.MANAGE_USERS)
    validate_password(new_password)
    now = now or utcnow()
    with db.transaction() as cur:
        get_user(cur, username)
        cur.execute("UPDATE users SET password_hash = ?, password_changed_at = ?, failed_attempts = 0, "
                    "locked_until = NULL WHERE username = ?", [_HASHER.hash(new_password), to_db(now), username])
        end_user_sessions(cur, username, EndReason.PASSWORD_CHANGED, now, keep_token=keep_session)
        record_event(cur, actor.username, "user", username, "password_changed", None, None, at=now)


def change_own_password(db, actor: Actor, current_password: str, new_password: str, repeated: str,
                        keep_session: str | None = None, now: datetime | None = None) -> None:
    """A user changes their own password: the current one must be right (a wrong one counts towards
    the lock-out like a failed login, and a locked account cannot); their other sessions end."""
    now = now or utcnow()
    if new_password != repeated:
        raise ValidationError("Hai lần nhập mật khẩu mới không khớp.", "password")
    _verified_hash(db, actor.username, current_password, now, LoginFailed("Mật khẩu hiện tại không đúng."))
    if new_password == current_password:
        raise ValidationError("Mật khẩu mới phải khác mật khẩu hiện tại.", "password")
    set_password(db, actor, actor.username, new_password, now, keep_session=keep_session)


def update_user(db, actor: Actor, username: str, *, role: Role | None = None, branch: str | None = None,
                active: bool | None = None, now: datetime | None = None) -> User:
    actor.require(Permission.MANAGE_USERS)
    now = now or utcnow()
    with db.transaction() as cur:
        before = get_user(cur, username)
        after = {"role": role or before.role, "branch": branch if branch is not None else before.branch,
                 "active": before.active if active is None else active}
        if username == actor.username and (after["role"] is not Role.ADMIN or not after["active"]):
            raise ValidationError("Không thể tự bỏ quyền quản trị hoặc tự vô hiệu hóa tài khoản của mình.", "role")
        cur.execute("UPDATE users SET role = ?, branch = ?, active = ? WHERE username = ?",
                    [after["role"].value, after["branch"] or None, after["active"], username])
        if not after["active"]:
            end_user_sessions(cur, username, EndReason.DEACTIVATED, now)
        record_event(cur, actor.username, "user", username, "user_updated",
                     {"role": before.role, "branch": before.branch, "active": before.active}, after, at=now)
        return get_user(cur, username)
