"""Login sessions that outlive one browser tab: a random token kept in a browser cookie, only its
SHA-256 stored in DuckDB.

A session ends when its user signs out, after `SESSION_HOURS` without activity, when the user's
password changes (their other sessions), or when the account is deactivated. Resuming re-reads
the account, so a changed role or branch applies at once.
"""
from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta
from enum import Enum
from typing import TYPE_CHECKING

from voc.accounts.access import Actor, Role
from voc.store.audit import record_event
from voc.clock import from_db, to_db, utcnow

if TYPE_CHECKING:
    from voc.accounts.users import User

SESSION_HOURS = 8                    # a session idle this long ends
COOKIE_NAME = "voc_session"
TOUCH_EVERY = timedelta(minutes=5)   # last activity is written at most this often
MAX_TOKEN_CHARS = 100


class EndReason(str, Enum):
    SIGNED_OUT = "signed_out"
    IDLE = "idle"
    PASSWORD_CHANGED = "password_changed"
    DEACTIVATED = "deactivated"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def open_session(db, user: User, now: datetime | None = None) -> str:
    """Start a session for a user who has just authenticated; returns the token for the cookie."""
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    with db.transaction() as cur:
        cur.execute("INSERT INTO user_sessions (token_hash, username, created_at, last_seen_at) VALUES (?, ?, ?, ?)",
                    [_hash(token), user.username, to_db(now), to_db(now)])
    return token


def resume_session(db, token: str | None, now: datetime | None = None) -> Actor | None:
    """The account behind a live session token, read afresh; None when the token is unknown or the
    session has ended, been idle longer than SESSION_HOURS, or belongs to a deactivated account
    (a lock-out after wrong passwords stops new logins, not the owner's open sessions).
    Records activity at most every TOUCH_EVERY."""
    if not token or len(token) > MAX_TOKEN_CHARS:
        return None
    now = now or utcnow()
    key = _hash(token)
    with db.cursor() as cur:       # one query: this runs on every rerun of a signed-in page
        row = cur.execute(
            "SELECT s.last_seen_at, u.username, u.display_name, u.role, u.branch, u.active FROM user_sessions s "
            "LEFT JOIN users u ON u.username = s.username WHERE s.token_hash = ? AND s.ended_at IS NULL",
            [key]).fetchone()
    if row is None:
        return None
    last_seen, username, display_name, role, branch, active = row
    if now - from_db(last_seen) > timedelta(hours=SESSION_HOURS):
        _end(db, key, now, EndReason.IDLE)
        return None
    if username is None or not active:
        _end(db, key, now, EndReason.DEACTIVATED)
        return None
    if now - from_db(last_seen) >= TOUCH_EVERY:
        with db.transaction() as cur:
            cur.execute("UPDATE user_sessions SET last_seen_at = ? WHERE token_hash = ?", [to_db(now), key])
    return Actor(username, Role(role), branch, display_name)


def _end(db, key: str, now: datetime, reason: EndReason) -> bool:
    with db.transaction() as cur:
        ended = cur.execute(
            "UPDATE user_sessions SET ended_at = ?, end_reason = ? WHERE token_hash = ? AND ended_at IS NULL "
            "RETURNING username", [to_db(now), reason.value, key]).fetchone()
        if ended and reason is EndReason.SIGNED_OUT:
            record_event(cur, ended[0], "user", ended[0], "logout", None, None, at=now)
    return ended is not None


def end_session(db, token: str | None, now: datetime | None = None) -> bool:
    """Sign out: the token stops working in every tab that shares it. Audited."""
    if not token or len(token) > MAX_TOKEN_CHARS:
        return False
    return _end(db, _hash(token), now or utcnow(), EndReason.SIGNED_OUT)


def end_user_sessions(cur, username: str, reason: EndReason, now: datetime, keep_token: str | None = None) -> int:
    """End every live session of a user (inside the caller's transaction), except `keep_token`'s."""
    keep = _hash(keep_token) if keep_token else ""
    rows = cur.execute(
        "UPDATE user_sessions SET ended_at = ?, end_reason = ? WHERE username = ? AND ended_at IS NULL "
        "AND token_hash <> ? RETURNING token_hash", [to_db(now), reason.value, username, keep]).fetchall()
    return len(rows)
