"""Accounts: Argon2id password hashes (argon2-cffi), login with lock-out after repeated failures,
the first admin, and user management for admins. Passwords are never stored or logged in clear.

A staff account always has a branch from the managed list (voc.branches): create, update and
reactivation all refuse a staff account without one, and a corrupt row without one cannot sign in."""
from __future__ import annotations

import os
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from typing import Callable, TypeVar

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from voc.accounts import branches
from voc.accounts.access import STAFF_WITHOUT_BRANCH, SYSTEM, Actor, Permission, Role
from voc.store.audit import record_event
from voc.store.dialect import one_at_a_time
from voc.clock import from_db, to_db, utcnow
from voc.errors import NotFound, ValidationError, ValidationErrors
from voc.accounts.sessions import EndReason, end_user_sessions

_HASHER = PasswordHasher()  # Argon2id with the library's current recommended parameters
MAX_FAILED_ATTEMPTS = 5
LOCK_MINUTES = 15
MIN_PASSWORD_CHARS = 10
MAX_DISPLAY_NAME_CHARS = 100
_USERNAME = re.compile(r"^[a-z0-9._-]{3,32}$")
_EMAIL_LOCAL = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$")
_EMAIL_LABEL = re.compile(r"^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$")
ADMIN_PASSWORD_ENV = "VOC_ADMIN_PASSWORD"
T = TypeVar("T")


class LoginFailed(ValidationError):
    pass


class Keep(Enum):
    """`update_user(..., field=KEEP)`: leave that field as it is."""
    KEEP = "keep"


KEEP = Keep.KEEP


@dataclass(frozen=True)
class User:
    username: str
    display_name: str
    role: Role
    branch: str | None
    active: bool
    failed_attempts: int
    locked_until: datetime | None
    email: str | None = None

    def actor(self) -> Actor:
        return Actor(self.username, self.role, self.branch, self.display_name)

    def locked(self, now: datetime | None = None) -> bool:
        """Locked out after wrong passwords (until `locked_until`)."""
        return self.locked_until is not None and self.locked_until > (now or utcnow())

    @property
    def needs_branch(self) -> bool:
        """A staff account without a branch (only a corrupt row can be one): it cannot sign in."""
        return self.role is Role.STAFF and not self.branch


_COLUMNS = "username, display_name, role, branch, active, failed_attempts, locked_until, email"
_N_COLUMNS = len(_COLUMNS.split(","))


def _row(r) -> User:
    return User(r[0], r[1], Role(r[2]), r[3], r[4], r[5], from_db(r[6]), r[7])


class _Problems:
    """Collects every ValidationError of a form, so the admin sees them all at once."""

    def __init__(self) -> None:
        self.found: list[ValidationError] = []

    def check(self, step: Callable[[], T]) -> T | None:
        try:
            return step()
        except ValidationErrors as error:
            self.found.extend(error.problems)
        except ValidationError as error:
            self.found.append(error)
        return None

    def raise_any(self) -> None:
        if self.found:
            raise ValidationErrors(self.found)


def _clean_username(username: str | None) -> str:
    username = (username or "").strip().lower()
    if not _USERNAME.match(username):
        raise ValidationError("Tên đăng nhập gồm 3–32 ký tự: chữ thường không dấu, số, dấu chấm, gạch.", "username")
    return username


def _clean_display_name(display_name: str | None) -> str:
    text = " ".join((display_name or "").split())
    if not text:
        raise ValidationError("Vui lòng nhập họ tên.", "display_name")
    if len(text) > MAX_DISPLAY_NAME_CHARS:
        raise ValidationError(f"Họ tên tối đa {MAX_DISPLAY_NAME_CHARS} ký tự.", "display_name")
    return text


def normalize_email(email: str | None) -> str | None:
    """An account's e-mail address as stored (domain in lower case, IDN as punycode), None when
    empty; refuses anything that is not one plain address (no names, lists or line breaks)."""
    text = (email or "").strip()
    if not text:
        return None
    invalid = ValidationError(f"Địa chỉ e-mail “{text[:80]}” không hợp lệ (ví dụ đúng: ten@bkns.vn).", "email")
    local, at, domain = text.rpartition("@")
    if not at or len(local) > 64 or not _EMAIL_LOCAL.match(local):
        raise invalid
    try:
        domain = domain.encode("idna").decode("ascii").lower()
    except UnicodeError:
        raise invalid from None
    labels = domain.split(".")
    if len(labels) < 2 or not all(_EMAIL_LABEL.match(label) for label in labels) or labels[-1].isdigit():
        raise invalid
    address = f"{local}@{domain}"
    if len(address) > 254:
        raise invalid
    return address


def _account_branch(cur, role: Role, branch: str | None, active: bool, current: str | None = None) -> str | None:
    """The managed branch an account gets: staff must have one; any branch must be in the list, and
    an active one when it is newly given or the account is active staff."""
    if not branches.branch_key(branch):
        if role is Role.STAFF:
            raise ValidationError("Nhân viên CSKH phải thuộc một chi nhánh.", "branch")
        return None
    name = branches.resolve(cur, branch, require_active=False)
    if name != current or (role is Role.STAFF and active):
        branches.resolve(cur, name)
    return name


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


def display_names(cur) -> dict[str, str]:
    """Username -> display name of every account (the system account too), for tables and documents
    that name the person behind a username."""
    names = dict(cur.execute("SELECT username, display_name FROM users").fetchall())
    return {SYSTEM.username: SYSTEM.display_name, **names}


def own_account(db, actor: Actor) -> User:
    """The signed-in user's own account, read afresh."""
    with db.cursor() as cur:
        return get_user(cur, actor.username)


def list_users(db, actor: Actor) -> list[User]:
    actor.require(Permission.MANAGE_USERS)
    with db.cursor() as cur:
        return [_row(r) for r in cur.execute(f"SELECT {_COLUMNS} FROM users ORDER BY username").fetchall()]


def _insert(cur, actor_name: str, username: str, display_name: str, role: Role, branch: str | None,
            password: str, now: datetime, email: str | None = None) -> None:
    cur.execute(
        "INSERT INTO users (username, display_name, role, branch, email, password_hash, created_at, "
        "password_changed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        [username, display_name, role.value, branch, email, _HASHER.hash(password), to_db(now), to_db(now)],
    )
    record_event(cur, actor_name, "user", username, "user_created", None,
                 {"username": username, "display_name": display_name, "role": role, "branch": branch,
                  "email": email, "active": True}, at=now)


def create_user(db, actor: Actor, username: str, display_name: str, role: Role, branch: str | None,
                password: str, now: datetime | None = None, *, email: str | None = None) -> User:
    """Create an account; every problem with the input is reported at once (ValidationErrors)."""
    actor.require(Permission.MANAGE_USERS)
    problems = _Problems()
    clean_username = problems.check(lambda: _clean_username(username))
    clean_display = problems.check(lambda: _clean_display_name(display_name))
    clean_email = problems.check(lambda: normalize_email(email))
    problems.check(lambda: validate_password(password))
    now = now or utcnow()
    with db.transaction() as cur:
        clean_branch = problems.check(lambda: _account_branch(cur, role, branch, active=True))
        if clean_username and cur.execute("SELECT count(*) FROM users WHERE username = ?",
                                          [clean_username]).fetchall()[0][0]:
            problems.found.insert(0, ValidationError(f"Tên đăng nhập “{clean_username}” đã tồn tại.", "username"))
        problems.raise_any()
        _insert(cur, actor.username, clean_username, clean_display, role, clean_branch, password, now, clean_email)
        return get_user(cur, clean_username)


def ensure_first_admin(db, now: datetime | None = None) -> str | None:
    """On first start create `admin`; return the generated password (to show once) if none was given."""
    with db.transaction() as cur:
        one_at_a_time(cur, "first_admin")
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
        user = get_user(cur, username)
        if user.needs_branch:
            record_event(cur, username, "user", username, "login_refused", None, {"reason": "staff_without_branch"},
                         at=now)
        else:
            if _HASHER.check_needs_rehash(stored):
                cur.execute("UPDATE users SET password_hash = ? WHERE username = ?", [_HASHER.hash(password), username])
            cur.execute("UPDATE users SET failed_attempts = 0, locked_until = NULL WHERE username = ?", [username])
            record_event(cur, username, "user", username, "login", None, None, at=now)
            user = get_user(cur, username)
    if user.needs_branch:
        raise LoginFailed(STAFF_WITHOUT_BRANCH)
    return user


def _verified_hash(db, username: str, password: str, now: datetime, wrong: LoginFailed) -> str:
    """The stored hash when `password` is the account's; raises `wrong` otherwise (counting the failure
    towards the lock-out), or LoginFailed when the account is deactivated or locked."""
    with db.cursor() as cur:
        row = cur.execute(f"SELECT {_COLUMNS}, password_hash FROM users WHERE username = ?", [username]).fetchone()
    if row is None:
        _HASHER.hash(password or "x")  # same cost as a real check, so timing does not reveal usernames
        raise wrong
    user, stored = _row(row[:_N_COLUMNS]), row[_N_COLUMNS]
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


def update_user(db, actor: Actor, username: str, *, display_name: str | Keep = KEEP, role: Role | Keep | None = KEEP,
                branch: str | None | Keep = KEEP, active: bool | Keep | None = KEEP, email: str | None | Keep = KEEP,
                now: datetime | None = None) -> User:
    """Change an account; a field left at KEEP (or role/active at None) stays as it is, so
    deactivating touches neither role nor branch. The result obeys the same rules as a new account
    (a staff account keeps an active managed branch, also when reactivated); every problem is
    reported at once. Deactivating ends the account's sessions."""
    actor.require(Permission.MANAGE_USERS)
    now = now or utcnow()
    problems = _Problems()
    with db.transaction() as cur:
        before = get_user(cur, username)
        new_role = before.role if role is KEEP or role is None else Role(role)
        new_active = before.active if active is KEEP or active is None else bool(active)
        after = {
            "display_name": before.display_name if display_name is KEEP
            else problems.check(lambda: _clean_display_name(display_name)),
            "role": new_role,
            "branch": problems.check(lambda: _account_branch(
                cur, new_role, before.branch if branch is KEEP else branch, new_active, current=before.branch)),
            "active": new_active,
            "email": before.email if email is KEEP else problems.check(lambda: normalize_email(email)),
        }
        if username == actor.username and (new_role is not Role.ADMIN or not new_active):
            problems.found.append(ValidationError(
                "Không thể tự bỏ quyền quản trị hoặc tự vô hiệu hóa tài khoản của mình.", "role"))
        problems.raise_any()
        old = {name: getattr(before, name) for name in after}
        if after == old:
            raise ValidationError("Không có thay đổi nào so với tài khoản hiện tại.")
        cur.execute("UPDATE users SET display_name = ?, role = ?, branch = ?, active = ?, email = ? WHERE username = ?",
                    [after["display_name"], new_role.value, after["branch"], new_active, after["email"], username])
        if not new_active:
            end_user_sessions(cur, username, EndReason.DEACTIVATED, now)
        changed = [name for name in after if after[name] != old[name]]
        record_event(cur, actor.username, "user", username, "user_updated", {n: old[n] for n in changed},
                     {n: after[n] for n in changed}, at=now)
        return get_user(cur, username)


def set_own_email(db, actor: Actor, email: str | None, now: datetime | None = None) -> User:
    """A user sets (or clears, with an empty value) their own e-mail address. Audited."""
    address = normalize_email(email)
    now = now or utcnow()
    with db.transaction() as cur:
        before = get_user(cur, actor.username)
        if address == before.email:
            raise ValidationError("Địa chỉ e-mail không thay đổi.", "email")
        cur.execute("UPDATE users SET email = ? WHERE username = ?", [address, actor.username])
        record_event(cur, actor.username, "user", actor.username, "email_changed", {"email": before.email},
                     {"email": address}, at=now)
        return get_user(cur, actor.username)


def unlock_user(db, actor: Actor, username: str, now: datetime | None = None) -> User:
    """An admin lifts the lock-out after wrong passwords (and clears the failure count). Audited."""
    actor.require(Permission.MANAGE_USERS)
    now = now or utcnow()
    with db.transaction() as cur:
        before = get_user(cur, username)
        if not before.locked(now) and not before.failed_attempts:
            raise ValidationError(f"Tài khoản “{username}” không bị khóa.")
        cur.execute("UPDATE users SET failed_attempts = 0, locked_until = NULL WHERE username = ?", [username])
        record_event(cur, actor.username, "user", username, "user_unlocked",
                     {"failed_attempts": before.failed_attempts, "locked_until": before.locked_until},
                     {"failed_attempts": 0, "locked_until": None}, at=now)
        return get_user(cur, username)
