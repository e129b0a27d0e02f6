"""The procedure's clocks at their boundaries (R6, R7, R8) and the working-day calendar."""
from datetime import date, datetime, timedelta, timezone

import pytest

from voc.clock import LOCAL_TZ
from voc.model import Case, Channel, Customer, IssueKind, Service, SlaState, Status
from voc.desk.policy import CalendarMode, Policy
from voc.desk.sla import (add_working_time, is_on_time, is_past_limitation, is_working_day, reply_due_at,
                     resolution_due_at, sla_state)

CALENDAR = Policy()
WORKING = Policy(calendar_mode=CalendarMode.WORKING_DAYS)
OPENED = datetime(2026, 11, 23, 9, 10, tzinfo=LOCAL_TZ)


def test_reply_due_48_hours_after_round_opens():
    due = reply_due_at(OPENED, CALENDAR)
    assert due == OPENED + timedelta(hours=48)
    assert is_on_time(OPENED + timedelta(hours=47, minutes=59), due)
    assert is_on_time(OPENED + timedelta(hours=48), due)
    assert not is_on_time(OPENED + timedelta(hours=48, minutes=1), due)


def test_resolution_day_20_on_time_day_21_late():
    due = resolution_due_at(OPENED, CALENDAR)
    assert due == OPENED + timedelta(days=20)
    assert is_on_time(OPENED + timedelta(days=19, hours=23), due)  # during day 20
    assert is_on_time(OPENED + timedelta(days=20), due)
    assert not is_on_time(OPENED + timedelta(days=20, hours=1), due)  # day 21


@pytest.mark.parametrize("kind, days, late", [
    (IssueKind.QUALITY, 90, False), (IssueKind.QUALITY, 91, True),
    (IssueKind.BUSINESS, 30, False), (IssueKind.BUSINESS, 31, True),
])
def test_statute_of_limitations(kind, days, late):
    received = datetime(2026, 11, 23, 9, 0, tzinfo=LOCAL_TZ)
    event = received.date() - timedelta(days=days)
    assert is_past_limitation(event, received, kind, CALENDAR) is late


def test_limitation_uses_local_date_of_receipt():
    # 23:30 UTC on 22 Nov is 06:30 on 23 Nov in Hà Nội: the local date counts.
    received = datetime(2026, 11, 22, 23, 30, tzinfo=timezone.utc)
    assert not is_past_limitation(date(2026, 8, 25), received, IssueKind.QUALITY, CALENDAR)  # 90 days
    assert is_past_limitation(date(2026, 8, 24), received, IssueKind.QUALITY, CALENDAR)  # 91 days


def test_policy_values_change_the_clocks():
    custom = Policy(reply_hours=24, resolution_days=10, quality_limit_days=60)
    assert reply_due_at(OPENED, custom) == OPENED + timedelta(hours=24)
    assert resolution_due_at(OPENED, custom) == OPENED + timedelta(days=10)
    assert is_past_limitation(OPENED.date() - timedelta(days=61), OPENED, IssueKind.QUALITY, custom)


def test_tet_2027_is_not_a_working_day():
    # Lunar New Year 2027 falls on 6 February; the holiday runs 4-10 February (from the holidays library).
    for day in range(4, 11):
        assert not is_working_day(date(2027, 2, day))
    assert is_working_day(date(2027, 2, 11))  # Thursday after Tết
    assert not is_working_day(date(2027, 2, 13))  # Saturday


def test_working_day_mode_skips_tet():
    # Received Wednesday 3 Feb 2027 at 10:00; Tết holidays from Thursday 4 to Wednesday 10 February.
    received = datetime(2027, 2, 3, 10, 0, tzinfo=LOCAL_TZ)
    due = reply_due_at(received, WORKING)
    # 14 h remain on 3 Feb, then nothing until Thursday 11 Feb (24 h), then 10 h on Friday 12 Feb.
    assert due == datetime(2027, 2, 12, 10, 0, tzinfo=LOCAL_TZ)
    assert reply_due_at(received, CALENDAR) == datetime(2027, 2, 5, 10, 0, tzinfo=LOCAL_TZ)


def test_working_day_mode_skips_weekend():
    friday = datetime(2026, 11, 27, 16, 0, tzinfo=LOCAL_TZ)
    assert add_working_time(friday, timedelta(hours=48)) == datetime(2026, 12, 1, 16, 0, tzinfo=LOCAL_TZ)


def test_received_on_a_holiday_starts_counting_next_working_day():
    saturday = datetime(2026, 11, 28, 9, 0, tzinfo=LOCAL_TZ)
    assert add_working_time(saturday, timedelta(hours=24)) == datetime(2026, 12, 1, 0, 0, tzinfo=LOCAL_TZ)


def _open_case(opened: datetime, replied: datetime | None = None, status=Status.VERIFYING) -> Case:
    return Case(1, "KN-2026-000001", opened, Channel.HOTLINE, IssueKind.QUALITY, Service.HOSTING,
                Customer("A"), None, "x", "y", status, 1, opened, reply_due_at(opened, CALENDAR),
                resolution_due_at(opened, CALENDAR), round_replied_at=replied)


@pytest.mark.parametrize("hours_after, replied, expected", [
    (1, False, SlaState.ON_TIME),
    (24, False, SlaState.DUE_24H),            # reply due in exactly 24 h
    (47, False, SlaState.DUE_24H),
    (48, False, SlaState.DUE_24H),            # exactly at the deadline: not yet overdue
    (49, False, SlaState.REPLY_OVERDUE),
    (49, True, SlaState.ON_TIME),             # replied in time: only the resolution clock runs
    (20 * 24 - 23, True, SlaState.DUE_24H),
    (20 * 24 + 1, True, SlaState.RESOLUTION_OVERDUE),
    (20 * 24 + 1, False, SlaState.RESOLUTION_OVERDUE),  # the most urgent state wins
])
def test_sla_state(hours_after, replied, expected):
    case = _open_case(OPENED, replied=OPENED + timedelta(hours=1) if replied else None)
    assert sla_state(case, OPENED + timedelta(hours=hours_after)) is expected


def test_finished_case_has_no_sla_state():
    assert sla_state(_open_case(OPENED, status=Status.RESOLVED), OPENED + timedelta(days=30)) is None
