"""Policy settings: the procedure's numbers (48 h, 20 days, 90/30 days) and the calendar mode.

Defaults follow the procedure; an admin may change them. They are stored in the
settings table and every change is audited.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, fields, replace

from voc.accounts.access import Actor, Permission
from voc.store.audit import record_event
from voc.errors import ValidationError
from voc.model import LabelledEnum


class CalendarMode(LabelledEnum):
    CALENDAR = "calendar", "Ngày lịch"      # calendar days, as the procedure says
    # Monday-Friday, Vietnamese public holidays (Tết included) skipped
    WORKING_DAYS = "working_days", "Ngày làm việc (trừ cuối tuần, ngày lễ, Tết)"


@dataclass(frozen=True)
class Policy:
    reply_hours: int = 48
    resolution_days: int = 20
    quality_limit_days: int = 90
    business_limit_days: int = 30
    calendar_mode: CalendarMode = CalendarMode.CALENDAR


DEFAULT_POLICY = Policy()
_PREFIX = "policy."


def load_policy(cur) -> Policy:
    stored = dict(cur.execute("SELECT key, value FROM settings WHERE key LIKE 'policy.%'").fetchall())
    values = {}
    for f in fields(Policy):
        raw = stored.get(_PREFIX + f.name)
        if raw is None:
            continue
        values[f.name] = CalendarMode(raw) if f.name == "calendar_mode" else int(raw)
    return replace(DEFAULT_POLICY, **values)


def validate_policy(policy: Policy) -> None:
    limits = {
        "reply_hours": (1, 24 * 30, "Thời hạn trả lời phải từ 1 giờ đến 720 giờ."),
        "resolution_days": (1, 365, "Thời hạn giải quyết phải từ 1 đến 365 ngày."),
        "quality_limit_days": (1, 3650, "Thời hiệu khiếu nại chất lượng phải từ 1 đến 3650 ngày."),
        "business_limit_days": (1, 3650, "Thời hiệu khiếu nại kinh doanh phải từ 1 đến 3650 ngày."),
    }
    for name, (low, high, message) in limits.items():
        value = getattr(policy, name)
        if not isinstance(value, int) or not low <= value <= high:
            raise ValidationError(message, name)
    if policy.reply_hours > policy.resolution_days * 24:
        raise ValidationError("Thời hạn trả lời không được dài hơn thời hạn giải quyết.", "reply_hours")


def save_policy(db, actor: Actor, policy: Policy) -> Policy:
    actor.require(Permission.MANAGE_POLICY)
    validate_policy(policy)
    with db.transaction() as cur:
        before = load_policy(cur)
        for name, value in asdict(policy).items():
            text = value.value if isinstance(value, CalendarMode) else str(value)
            cur.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value", [_PREFIX + name, text]
            )
        record_event(cur, actor.username, "setting", "policy", "policy_changed", asdict(before), asdict(policy))
    return policy
