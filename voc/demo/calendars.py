"""Time on the demo's clocks: epoch seconds and local days, the policy's working-day clocks
(vectorised voc.desk.sla), and the office hours in which the complaint desk acts."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from functools import lru_cache

import holidays
import numpy as np

from voc.clock import to_db
from voc.desk.policy import CalendarMode, Policy
from voc.desk.sla import is_working_day

DAY = 86_400
HOUR = 3_600
LOCAL_OFFSET = 7 * HOUR          # Asia/Ho_Chi_Minh has been UTC+7 all year since 1975
NEVER = np.int64(2 ** 62)        # "this step does not happen" in a time array


def _epoch(value: datetime) -> int:
    return int((to_db(value) - datetime(1970, 1, 1)).total_seconds())


def _local_day(utc_s: np.ndarray) -> np.ndarray:
    return (utc_s + LOCAL_OFFSET) // DAY


def _day_date(day: int) -> date:
    return date(1970, 1, 1) + timedelta(days=int(day))


@lru_cache(maxsize=8192)
def _fmt_day(day: int) -> str:
    return _day_date(day).strftime("%d/%m/%Y")


def _fmt_local(utc_s: int, pattern: str = "%H:%M %d/%m/%Y") -> str:
    return (datetime(1970, 1, 1) + timedelta(seconds=int(utc_s) + LOCAL_OFFSET)).strftime(pattern)


def _local_years(utc_s: np.ndarray) -> np.ndarray:
    return _local_day(utc_s).astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970


class _WorkingCalendar:
    """Vectorised voc.sla.add_working_time: working time as a coordinate over the working days."""

    def __init__(self, first_day: int, last_day: int):
        days = np.arange(first_day, last_day + 1)
        self.first = first_day
        self.working = np.array([is_working_day(_day_date(d)) for d in days])
        self.before = np.concatenate([[0], np.cumsum(self.working)[:-1]])  # working days before each day
        self.working_days = days[self.working]

    def add(self, start_utc: np.ndarray, seconds: int) -> np.ndarray:
        local = start_utc + LOCAL_OFFSET
        idx = local // DAY - self.first
        into_day = np.where(self.working[idx], local % DAY, 0)
        target = self.before[idx] * DAY + into_day + seconds
        k, rest = np.divmod(target, DAY)
        at_midnight = (rest == 0) & (seconds > 0)   # the scalar version stops at the end of day k-1
        day = np.where(at_midnight, self.working_days[np.maximum(k - 1, 0)] + 1, self.working_days[k])
        return day * DAY + np.where(at_midnight, 0, rest) - LOCAL_OFFSET


class _Clocks:
    """Reply and resolution due times of rounds opening at given moments, under the policy."""

    def __init__(self, policy: Policy, first_day: int, last_day: int):
        self.reply = policy.reply_hours * HOUR
        self.resolution = policy.resolution_days * DAY
        self.calendar = (_WorkingCalendar(first_day - 2, last_day + 3 * policy.resolution_days + 60)
                         if policy.calendar_mode is CalendarMode.WORKING_DAYS else None)

    def _add(self, start: np.ndarray, seconds: int) -> np.ndarray:
        return start + seconds if self.calendar is None else self.calendar.add(start, seconds)

    def due(self, opened: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return self._add(opened, self.reply), self._add(opened, self.resolution)


class _Desk:
    """Office hours of the complaint desk (08:00-17:30, Monday-Saturday, public holidays off).

    Staff act only in office hours, so staff actions are planned on a coordinate that counts
    office seconds only (`coord`), and mapped back to UTC (`time`).
    """

    OPENS = 8 * HOUR
    LENGTH = 9 * HOUR + 1800
    DAY = LENGTH  # one office day on the coordinate

    def __init__(self, first_day: int, last_day: int):
        days = np.arange(first_day, last_day + 1)
        off = {(d - date(1970, 1, 1)).days for d in _vn_holidays(first_day, last_day)}
        self.first = first_day
        self.open = ((days + 3) % 7 < 6) & ~np.isin(days, list(off))
        self.before = np.concatenate([[0], np.cumsum(self.open)[:-1]])
        self.open_days = days[self.open]

    def coord(self, utc_s: np.ndarray) -> np.ndarray:
        local = utc_s + LOCAL_OFFSET
        idx = np.clip(local // DAY - self.first, 0, len(self.open) - 1)
        inside = np.clip(local % DAY - self.OPENS, 0, self.LENGTH)
        return self.before[idx] * self.LENGTH + np.where(self.open[idx], inside, 0)

    def time(self, coord: np.ndarray) -> np.ndarray:
        k, rest = np.divmod(coord, self.LENGTH)
        k = np.clip(k, 0, len(self.open_days) - 1)
        return self.open_days[k] * DAY + self.OPENS + rest - LOCAL_OFFSET


def _vn_holidays(first_day: int, last_day: int) -> list[date]:
    years = range(_day_date(first_day).year, _day_date(last_day).year + 1)
    return list(holidays.country_holidays("VN", years=years).keys())
