"""Time handling: UTC in the database, Asia/Ho_Chi_Minh on screen and in CSV without offset."""
from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

LOCAL_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def aware(value: datetime) -> datetime:
    """A naive datetime is taken as Vietnam local time."""
    return value.replace(tzinfo=LOCAL_TZ) if value.tzinfo is None else value


def to_db(value: datetime | None) -> datetime | None:
    """Aware (or local naive) datetime -> naive UTC for a DuckDB TIMESTAMP column."""
    if value is None:
        return None
    return aware(value).astimezone(timezone.utc).replace(tzinfo=None)


def from_db(value: datetime | None) -> datetime | None:
    """Naive UTC from DuckDB -> aware UTC."""
    if value is None:
        return None
    return value.replace(tzinfo=timezone.utc)


def local(value: datetime) -> datetime:
    return aware(value).astimezone(LOCAL_TZ)


def local_date(value: datetime) -> date:
    return local(value).date()


def format_local(value: datetime | None, with_time: bool = True) -> str:
    """Vietnamese display format: 14:05 26/11/2026."""
    if value is None:
        return ""
    v = local(value)
    return v.strftime("%H:%M %d/%m/%Y") if with_time else v.strftime("%d/%m/%Y")


def parse_iso(text: str) -> datetime:
    """ISO 8601 timestamp; a value without offset is Vietnam local time. Returns aware UTC."""
    value = datetime.fromisoformat(text.strip())
    return aware(value).astimezone(timezone.utc)
