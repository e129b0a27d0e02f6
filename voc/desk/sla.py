"""The procedure's clocks: reply (48 h) and resolution (20 days) per round, the statute of
limitations (90/30 days), and the SLA state of an open case at a moment."""
from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from functools import lru_cache

import holidays

from voc.clock import LOCAL_TZ, local, local_date
from voc.model import Case, IssueKind, SlaState
from voc.desk.policy import CalendarMode, Policy

DUE_SOON = timedelta(hours=24)


@lru_cache(maxsize=64)
def _vn_holidays(year: int) -> frozenset[date]:
    """Vietnamese public holidays, lunar Tết included, from the maintained `holidays` library."""
    return frozenset(holidays.country_holidays("VN", years=year).keys())


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and day not in _vn_holidays(day.year)


def add_working_time(start: datetime, duration: timedelta) -> datetime:
    """Add `duration` counting only time that falls on working days (Vietnam local time)."""
    moment = local(start)
    remaining = duration
    while True:
        next_midnight = datetime.combine(moment.date() + timedelta(days=1), datetime.min.time(), LOCAL_TZ)
        if is_working_day(moment.date()):
            available = next_midnight - moment
            if remaining <= available:
                return (moment + remaining).astimezone(timezone.utc)
            remaining -= available
        moment = next_midnight


def add_policy_time(start: datetime, duration: timedelta, policy: Policy) -> datetime:
    if policy.calendar_mode is CalendarMode.WORKING_DAYS:
        return add_working_time(start, duration)
    return (start + duration).astimezone(timezone.utc)


def reply_due_at(round_opened_at: datetime, policy: Policy) -> datetime:
    """R6: the written reply and/or invitation is due this long after the round opens."""
    return add_policy_time(round_opened_at, timedelta(hours=policy.reply_hours), policy)


def resolution_due_at(round_opened_at: datetime, policy: Policy) -> datetime:
    """R7: the case must be resolved within this many days of the round opening."""
    return add_policy_time(round_opened_at, timedelta(days=policy.resolution_days), policy)


def limitation_days(kind: IssueKind, policy: Policy) -> int:
    return policy.quality_limit_days if kind is IssueKind.QUALITY else policy.business_limit_days


def days_since_event(event_date: date, received_at: datetime) -> int:
    return (local_date(received_at) - event_date).days


def is_past_limitation(event_date: date, received_at: datetime, kind: IssueKind, policy: Policy) -> bool:
    """R8: a complaint more than 90 (quality) / 30 (business) days after the event is late."""
    return days_since_event(event_date, received_at) > limitation_days(kind, policy)


def is_on_time(done_at: datetime, due_at: datetime) -> bool:
    return done_at <= due_at


def sla_state(case: Case, at: datetime) -> SlaState | None:
    """The single most urgent SLA state of an open case at `at` (None for a finished case)."""
    if not case.is_open:
        return None
    replied = case.round_replied_at is not None and case.round_replied_at <= at
    if at > case.resolution_due_at:
        return SlaState.RESOLUTION_OVERDUE
    if not replied and at > case.reply_due_at:
        return SlaState.REPLY_OVERDUE
    if case.resolution_due_at - at <= DUE_SOON or (not replied and case.reply_due_at - at <= DUE_SOON):
        return SlaState.DUE_24H
    return SlaState.ON_TIME
