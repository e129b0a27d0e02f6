"""Abuse controls of the public portal: rate limits per contact and per client address, a lock after
repeated failed lookups, and the client address behind a trusted proxy.

Counts live in the database (migration 012), so they hold across reruns, browser tabs and restarts.
Keys are stored only as HMAC-SHA256 digests under a secret kept in `settings`: the tables never hold
a phone number, an e-mail address or a client address in clear.
"""
from __future__ import annotations

import hashlib
import hmac
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum

from voc.store.audit import record_event
from voc.clock import format_local, from_db, to_db
from voc.errors import DomainError
from voc.store.dialect import CONFLICT_ERRORS

SECRET_KEY = "portal.key_secret"
PORTAL_USER = "portal"
KEEP_HITS = timedelta(days=2)


class Bucket(str, Enum):
    """What a hit counts."""

    SUBMISSION = "submission"
    LOOKUP = "lookup"
    FAILED_LOOKUP = "failed_lookup"


class KeyKind(str, Enum):
    """Whose hit it is."""

    CONTACT = "contact"      # a normalised e-mail address or phone number
    CLIENT = "client"        # the client's network address
    TICKET = "ticket"        # a ticket code as typed in a lookup (existing or not)


@dataclass(frozen=True)
class Limits:
    submissions_per_contact_hour: int = 3
    submissions_per_contact_day: int = 10
    submissions_per_client_hour: int = 5
    submissions_per_client_day: int = 20
    lookups_per_client_hour: int = 30
    failed_lookups_before_lock: int = 5       # within failure_window, per client address or per ticket code
    failure_window: timedelta = timedelta(hours=1)
    lock_for: timedelta = timedelta(minutes=30)
    min_fill_seconds: float = 5.0             # a person takes longer than this to fill the complaint form


DEFAULT_LIMITS = Limits()
HOUR, DAY = timedelta(hours=1), timedelta(days=1)


class TooManyRequests(DomainError):
    """A rate limit was reached; nothing was saved."""


class LookupLocked(DomainError):
    """Too many failed lookups from this address or for this ticket code."""

    def __init__(self, until: datetime):
        super().__init__(
            "Quý khách đã tra cứu không thành công quá nhiều lần. Chức năng tra cứu tạm khóa đến "
            f"{format_local(until)}. Nếu cần gấp, vui lòng gọi hotline.")
        self.until = until


Keys = dict[KeyKind, list[str]]


def normalise_email(email: str | None) -> str:
    return (email or "").strip().casefold()


def normalise_phone(phone: str | None) -> str:
    """Digits only, the country code +84 written as the leading 0: '+84 912-345-678' -> '0912345678'."""
    text = (phone or "").strip()
    digits = re.sub(r"\D", "", text)
    if text.startswith("+84") or (digits.startswith("84") and len(digits) == 11):
        digits = "0" + digits[2:]
    return digits


def client_address(peer: str | None, forwarded_for: str | None, trusted_hops: int) -> str | None:
    """The client's address: the connection's peer, or, behind `trusted_hops` proxies that each append
    to X-Forwarded-For, the address the outermost trusted proxy saw. With no trusted proxy the header
    is ignored (anyone can send it). None when unknown (a local connection)."""
    if trusted_hops > 0 and forwarded_for:
        chain = [part.strip() for part in forwarded_for.split(",") if part.strip()]
        if chain:
            return chain[max(len(chain) - trusted_hops, 0)]
    return peer or None


def _secret(cur) -> bytes:
    row = cur.execute("SELECT value FROM settings WHERE key = ?", [SECRET_KEY]).fetchone()
    return row[0].encode()


def digest(cur, kind: KeyKind, value: str) -> str:
    return hmac.new(_secret(cur), f"{kind.value}\x00{value}".encode(), hashlib.sha256).hexdigest()


def _hashes(cur, keys: Keys) -> list[tuple[KeyKind, str]]:
    return [(kind, digest(cur, kind, value)) for kind, values in keys.items() for value in values if value]


def _count(cur, key_hash: str, bucket: Bucket, since: datetime) -> int:
    return cur.execute("SELECT count(*) FROM portal_hits WHERE key_hash = ? AND bucket = ? AND hit_at > ?",
                       [key_hash, bucket.value, to_db(since)]).fetchone()[0]


def record_hits(cur, bucket: Bucket, keys: Keys, at: datetime) -> None:
    for _, key_hash in _hashes(cur, keys):
        cur.execute("INSERT INTO portal_hits (bucket, key_hash, hit_at) VALUES (?, ?, ?)",
                    [bucket.value, key_hash, to_db(at)])


def check_submission(cur, keys: Keys, at: datetime, limits: Limits = DEFAULT_LIMITS) -> None:
    """Refuse a complaint when its contact or the client address has sent too many lately."""
    caps = {KeyKind.CONTACT: ((HOUR, limits.submissions_per_contact_hour), (DAY, limits.submissions_per_contact_day)),
            KeyKind.CLIENT: ((HOUR, limits.submissions_per_client_hour), (DAY, limits.submissions_per_client_day))}
    for kind, key_hash in _hashes(cur, keys):
        for window, cap in caps.get(kind, ()):
            if _count(cur, key_hash, Bucket.SUBMISSION, at - window) >= cap:
                later = "sau một giờ" if window == HOUR else "vào ngày mai"
                raise TooManyRequests(
                    "Quý khách đã gửi nhiều khiếu nại trong thời gian ngắn. Vui lòng thử lại "
                    f"{later}, hoặc gọi hotline nếu cần hỗ trợ gấp. Các khiếu nại đã gửi vẫn được giữ nguyên.")


def check_lookup(cur, keys: Keys, at: datetime, limits: Limits = DEFAULT_LIMITS) -> None:
    """Refuse a lookup while its client address or ticket code is locked, or past the hourly limit."""
    hashes = _hashes(cur, keys)
    if hashes:
        until = cur.execute(
            "SELECT max(locked_until) FROM portal_locks WHERE list_contains(?, key_hash)",
            [[h for _, h in hashes]]).fetchone()[0]
        if until is not None and from_db(until) > at:
            raise LookupLocked(from_db(until))
    for kind, key_hash in hashes:
        if kind is KeyKind.CLIENT and _count(cur, key_hash, Bucket.LOOKUP, at - HOUR) >= limits.lookups_per_client_hour:
            raise TooManyRequests("Quý khách đã tra cứu quá nhiều lần trong một giờ. Vui lòng thử lại sau.")


def record_failed_lookup(cur, keys: Keys, at: datetime, limits: Limits = DEFAULT_LIMITS) -> None:
    """Count a failed lookup; lock a key that has failed too often within the window."""
    record_hits(cur, Bucket.FAILED_LOOKUP, keys, at)
    for kind, key_hash in _hashes(cur, keys):
        if _count(cur, key_hash, Bucket.FAILED_LOOKUP, at - limits.failure_window) >= limits.failed_lookups_before_lock:
            until = at + limits.lock_for
            cur.execute("INSERT INTO portal_locks (key_hash, locked_at, locked_until) VALUES (?, ?, ?)",
                        [key_hash, to_db(at), to_db(until)])
            record_event(cur, PORTAL_USER, "portal", key_hash[:16], "lookup_locked", None,
                         {"key_kind": kind, "locked_until": until}, at=at)


def prune(db, at: datetime) -> None:
    """Forget hits older than the longest window and expired locks (best effort: a concurrent prune
    of the same rows simply wins)."""
    try:
        with db.transaction() as cur:
            cur.execute("DELETE FROM portal_hits WHERE hit_at < ?", [to_db(at - KEEP_HITS)])
            cur.execute("DELETE FROM portal_locks WHERE locked_until < ?", [to_db(at)])
    except CONFLICT_ERRORS:
        pass
