"""A realistic, clearly labelled, deterministic demo history: `generate_demo(db, n_cases, seed)`.

Two years or more of complaints ending at `until`, in every channel, about hosting, VPS, domains,
e-mail, SSL and cloud servers, with weekly seasonality, growth, a Tết dip, recurring incidents and
a few spikes (a hosting outage week, a billing spike after a price change, and an e-mail delivery
spike in the last two weeks). Each case follows the state machine of voc.lifecycle with the
policy's clocks; its audit events, letters, rounds and follow-ups are written as the use cases
would have written them. Every case is `is_demo`, and its "received" event says so.

Generation is vectorised (numpy) in chunks and bulk-inserted through DuckDB, so a million cases
take minutes. The same seed and `until` give the same rows.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from typing import Callable, Iterator

import holidays
import numpy as np
import pyarrow as pa

from voc.demo import texts as txt
from voc.accounts.branches import ensure_branches
from voc.store.audit import record_event
from voc.clock import to_db, utcnow
from voc.store.case_store import format_ticket_code
from voc.desk.letters import company, format_doc_number
from voc.model import Channel, IssueKind, LetterKind, ReferralBody, RootCauseCategory, Service, Status
from voc.desk.policy import CalendarMode, Policy, load_policy
from voc.desk.root_causes import RootCause
from voc.desk.sla import is_working_day

CHUNK_CASES = 50_000
HISTORY_DAYS = 2 * 365 + 30
DAY = 86_400
HOUR = 3_600
LOCAL_OFFSET = 7 * HOUR          # Asia/Ho_Chi_Minh has been UTC+7 all year since 1975
NEVER = np.int64(2 ** 62)        # "this step does not happen" in a time array
SETTINGS_KEY = "demo.generated"

CHANNELS = (Channel.IN_PERSON, Channel.HOTLINE, Channel.EMAIL, Channel.POST)
# Channel mix per weekday (Mon..Sun): branches are closed on Sunday, post is not delivered at weekends.
_CHANNEL_MIX = np.array([[0.12, 0.36, 0.44, 0.08]] * 5 + [[0.08, 0.42, 0.48, 0.02], [0.0, 0.52, 0.48, 0.0]])
_WEEKDAY_FACTOR = np.array([1.18, 1.12, 1.06, 1.0, 0.96, 0.62, 0.38])
GROWTH = 1.8                     # volume at the end of the history relative to its start
SERVICES = tuple(Service)
STATUS_CODES = tuple(s.value for s in Status)
_REFERRAL_CODES = np.array([b.value for b in ReferralBody])


@dataclass
class DemoReport:
    """What generate_demo wrote."""

    cases: int = 0
    events: int = 0
    letters: int = 0
    followups: int = 0
    rounds2: int = 0
    referrals: int = 0
    late: int = 0
    open_cases: int = 0
    spikes: list[str] = field(default_factory=list)
    seed: int = 42
    until: datetime | None = None
    first_received: datetime | None = None

    def __str__(self) -> str:
        n = lambda v: f"{v:,}".replace(",", ".")  # noqa: E731 - Vietnamese thousands separator
        lines = [
            f"{n(self.cases)} hồ sơ (từ {self.first_received:%d/%m/%Y} đến {self.until:%d/%m/%Y}), "
            f"{n(self.open_cases)} đang mở; {n(self.events)} sự kiện nhật ký, {n(self.letters)} thư, "
            f"{n(self.followups)} lần theo dõi sau giải quyết; {n(self.rounds2)} hồ sơ giải quyết lần 2, "
            f"{n(self.referrals)} chuyển cơ quan ngoài; {n(self.late)} khiếu nại quá thời hiệu (seed {self.seed})."
            if self.first_received and self.until else f"{n(self.cases)} hồ sơ."
        ]
        lines += [f"- {s}" for s in self.spikes]
        return "\n".join(lines)


# --- time helpers -------------------------------------------------------------------------------

def _epoch(value: datetime) -> int:
    return int((to_db(value) - datetime(1970, 1, 1)).total_seconds())


def _local_day(utc_s: np.ndarray) -> np.ndarray:
    return (utc_s + LOCAL_OFFSET) // DAY


def _day_date(day: int) -> date:
    return date(1970, 1, 1) + timedelta(days=int(day))


@lru_cache(maxsize=8192)
def _fmt_day(day: int) -> str:
    return _day_date(day).strftime("%d/%m/%Y")


_fold_part = lru_cache(maxsize=4096)(txt.fold_piece)


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


# --- the shape of the history: days, themes, spikes -----------------------------------------------

@dataclass(frozen=True)
class Spike:
    start_day: int
    profile: np.ndarray          # multiplier per day of the window
    themes: dict[int, float]     # theme index -> share of the peak applied to it
    service: Service | None
    label: str

    @property
    def end_day(self) -> int:
        return self.start_day + len(self.profile) - 1


def _tet_days(first_day: int, last_day: int) -> list[int]:
    years = range(_day_date(first_day).year, _day_date(last_day).year + 1)
    found = []
    for year in years:
        for day, name in holidays.country_holidays("VN", years=year, language="en_US").items():
            if name == "Lunar New Year":
                found.append((day - date(1970, 1, 1)).days)
    return found


def _base_weights(days: np.ndarray) -> np.ndarray:
    """Expected daily volume: growth over time, fewer on weekends (fewest on Sunday), the Tết dip."""
    span = max(int(days[-1] - days[0]), 1)
    weights = GROWTH ** ((days - days[0]) / span) * _WEEKDAY_FACTOR[(days + 3) % 7]
    for tet in _tet_days(int(days[0]), int(days[-1])):
        offset = days - tet
        weights = weights * np.where((offset >= -3) & (offset <= 5), 0.22,
                                     np.where((offset >= -10) & (offset <= 10), 0.75, 1.0))
    return weights


def _spikes(rng: np.random.Generator, first_day: int, last_day: int) -> list[Spike]:
    t = txt.THEME_INDEX
    outage = last_day - int(rng.integers(240, 300))
    price = last_day - int(rng.integers(400, 460))
    spikes = [
        Spike(outage, 1 + 10 * np.exp(-np.arange(7) / 2.5),
              {t["downtime"]: 1.0, t["slowness"]: 0.4, t["support_responsiveness"]: 0.45, t["data_loss"]: 0.2},
              Service.HOSTING, "Tuần sự cố hosting {start}–{end}: khiếu nại gián đoạn dịch vụ, chậm, "
                               "khó liên hệ hỗ trợ tăng mạnh"),
        Spike(price, 1 + 3 * np.exp(-np.arange(24) / 9.0),
              {t["billing"]: 1.0, t["renewal"]: 0.6, t["refund"]: 0.4, t["contract"]: 0.35},
              None, "Sau đợt điều chỉnh bảng giá ngày {start}: khiếu nại cước phí, gia hạn, hoàn tiền tăng "
                    "trong khoảng 3 tuần"),
        Spike(last_day - 13, np.linspace(2.0, 6.5, 14), {t["email_delivery"]: 1.0}, Service.EMAIL,
              "Email bị trả về / vào spam trong 14 ngày gần nhất ({start}–{end}): khiếu nại gửi nhận email "
              "tăng dần, gấp tới ~6 lần"),
    ]
    return spikes + _recurring_incidents(rng, first_day, last_day - 45)


def _recurring_incidents(rng: np.random.Generator, first_day: int, stop_day: int) -> list[Spike]:
    """Short incidents every month or two: the same kinds of failure coming back."""
    keys = ("downtime", "slowness", "domain_dns", "ssl", "security")
    services = {"downtime": Service.VPS, "slowness": Service.CLOUD, "domain_dns": Service.DOMAIN,
                "ssl": Service.SSL, "security": Service.HOSTING}
    out, day = [], first_day + int(rng.integers(20, 60))
    while day < stop_day:
        key = keys[int(rng.integers(len(keys)))]
        length = int(rng.integers(1, 4))
        peak = float(rng.uniform(2.5, 4.0))
        out.append(Spike(day, np.full(length, peak), {txt.THEME_INDEX[key]: 1.0}, services[key],
                         f"Sự cố lặp lại ({txt.THEMES[txt.THEME_INDEX[key]].label}) {{start}}–{{end}}"))
        day += int(rng.integers(40, 80))
    return out


def _intensity(days: np.ndarray, spikes: list[Spike]) -> tuple[np.ndarray, np.ndarray]:
    """Expected volume per (day, theme) and the service a spike imposes there (-1: none)."""
    shares = np.array([th.share for th in txt.THEMES])
    mult = np.ones((len(days), len(shares)))
    spike_service = np.full(mult.shape, -1, dtype=np.int8)
    for spike in spikes:
        rows = np.arange(len(spike.profile)) + spike.start_day - int(days[0])
        ok = (rows >= 0) & (rows < len(days))
        for theme, share in spike.themes.items():
            mult[rows[ok], theme] *= 1 + (spike.profile[ok] - 1) * share
            if spike.service is not None:
                spike_service[rows[ok], theme] = SERVICES.index(spike.service)
    return _base_weights(days)[:, None] * shares[None, :] * mult, spike_service


# --- arrivals -------------------------------------------------------------------------------------

@dataclass
class Arrivals:
    """One row per case, sorted by receipt time."""

    received: np.ndarray   # UTC epoch seconds
    theme: np.ndarray
    channel: np.ndarray
    service: np.ndarray


def _seconds_of_day(rng: np.random.Generator, channel: np.ndarray) -> np.ndarray:
    """Local time of day by channel: hotline and e-mail around the clock, branches and post in office hours."""
    n = len(channel)
    busy = np.clip(rng.normal(14.0, 3.6, n), 7, 23.5)
    anytime = rng.uniform(0, 24, n)
    hours = np.where(rng.random(n) < np.where(channel == 1, 0.12, 0.22), anytime, busy)
    office = rng.uniform(8, 16.5, n)
    office = np.where((office > 11.75) & (office < 13.25), office + 1.5, office)
    hours = np.where((channel == 0) | (channel == 3), office, hours)
    return (hours * HOUR).astype(np.int64) % DAY


def _arrivals(rng: np.random.Generator, n: int, first_day: int, until_s: int,
              spikes: list[Spike]) -> Arrivals:
    last_day = int(_local_day(np.int64(until_s)))
    days = np.arange(first_day, last_day + 1)
    intensity, spike_service = _intensity(days, spikes)
    counts = rng.multinomial(n, (intensity / intensity.sum()).ravel())
    cell = np.repeat(np.arange(counts.size), counts)
    day_idx, theme = np.divmod(cell, len(txt.THEMES))
    day = days[day_idx]
    mix = _CHANNEL_MIX[(day + 3) % 7]
    channel = (rng.random(n)[:, None] > np.cumsum(mix, axis=1)).sum(axis=1).clip(0, 3)
    received = day * DAY + _seconds_of_day(rng, channel) - LOCAL_OFFSET
    late = received > until_s   # today's cases: keep them before `until`
    day_start = day * DAY - LOCAL_OFFSET
    received = np.where(late, day_start + (rng.random(n) * (until_s - day_start)).astype(np.int64), received)
    service = _services(rng, theme, spike_service[day_idx, theme])
    order = np.argsort(received, kind="stable")
    return Arrivals(received[order], theme[order].astype(np.int8), channel[order].astype(np.int8),
                    service[order].astype(np.int8))


def _services(rng: np.random.Generator, theme: np.ndarray, imposed: np.ndarray) -> np.ndarray:
    table = np.array([[th.services.get(s, 0.0) for s in SERVICES] for th in txt.THEMES])
    cum = np.cumsum(table / table.sum(axis=1, keepdims=True), axis=1)
    drawn = (rng.random(len(theme))[:, None] > cum[theme]).sum(axis=1).clip(0, len(SERVICES) - 1)
    take = (imposed >= 0) & (rng.random(len(theme)) < 0.85)
    return np.where(take, imposed, drawn)


# --- customers ------------------------------------------------------------------------------------

class Customers:
    """A pool of customers (people and companies), some of whom complain several times."""

    def __init__(self, rng: np.random.Generator, n_cases: int):
        size = max(20, int(n_cases * 0.72))
        self.size = size
        self.frequent = max(5, size // 30)
        self.city = rng.choice(len(txt.CITIES), size, p=[c.weight for c in txt.CITIES])
        self.company = rng.random(size) < 0.18
        self.female = rng.random(size) < 0.48
        weights = np.array([w for _, w in txt.SURNAMES])
        self.surname = rng.choice(len(weights), size, p=weights / weights.sum())
        self.middle = rng.integers(0, 1 << 30, size)
        self.given = rng.integers(0, 1 << 30, size)
        self.extra = rng.integers(0, 1 << 30, size)
        offset = int(rng.integers(0, 10 ** 8))
        self.phone = (np.arange(size, dtype=np.int64) * 36_523_771 + offset) % 10 ** 8  # a bijection: unique

    def draw(self, rng: np.random.Generator, n: int) -> np.ndarray:
        regular = rng.integers(0, self.size, n)
        return np.where(rng.random(n) < 0.15, rng.integers(0, self.frequent, n), regular)

    def person(self, i: int) -> tuple[str, str, str]:
        """(name, folded name, e-mail) of customer i."""
        if self.company[i]:
            return self._company(i)
        female = bool(self.female[i])
        middles = txt.MIDDLE_FEMALE if female else txt.MIDDLE_MALE
        givens = txt.GIVEN_FEMALE if female else txt.GIVEN_MALE
        surname = txt.SURNAMES[self.surname[i]][0]
        middle = middles[self.middle[i] % len(middles)]
        given = givens[self.given[i] % len(givens)]
        folded = f"{_fold_part(surname)} {_fold_part(middle)} {_fold_part(given)}"
        return f"{surname} {middle} {given}", folded, self._email(i, surname, middle, given)

    def _company(self, i: int) -> tuple[str, str, str]:
        form = txt.COMPANY_FORMS[self.extra[i] % len(txt.COMPANY_FORMS)]
        trade = txt.COMPANY_TRADES[self.middle[i] % len(txt.COMPANY_TRADES)]
        brand = txt.COMPANY_BRANDS[self.given[i] % len(txt.COMPANY_BRANDS)]
        name = f"{form} {trade} {brand}" if form != "Hộ kinh doanh" else f"{form} {brand}"
        mailbox = txt.COMPANY_MAILBOXES[(self.extra[i] >> 3) % len(txt.COMPANY_MAILBOXES)]
        domain = _fold_part(brand).replace(" ", "") + (".com.vn" if self.extra[i] & 4 else ".vn")
        return name, " ".join(_fold_part(p) for p in name.split(" ")), f"{mailbox}@{domain}"

    def _email(self, i: int, surname: str, middle: str, given: str) -> str:
        s, m, g = _fold_part(surname), _fold_part(middle), _fold_part(given)
        number = int(self.extra[i] % 100)
        local = (f"{g}.{s}{number}", f"{s}{m}{g}", f"{g}{s[0]}{m[0]}{number}", f"{m}{g}.{s}")[self.extra[i] % 4]
        domains = txt.MAIL_DOMAINS
        pick = (self.extra[i] >> 5) % 93
        for domain, weight in domains:
            if pick < weight:
                return f"{local}@{domain}"
            pick -= weight
        return f"{local}@gmail.com"

    def address(self, i: int) -> str:
        city = txt.CITIES[self.city[i]]
        street = city.streets[self.extra[i] % len(city.streets)]
        district = city.districts[self.middle[i] % len(city.districts)]
        return f"{1 + self.given[i] % 300} {street}, {district}, {city.branch}"

    def phone_text(self, i: int) -> str:
        return f"09{int(self.phone[i]):08d}"


# --- the lifecycle of each case ---------------------------------------------------------------------

# Steps of a case's history, in order; the letter event follows its case event at the same moment.
(RECEIVED, VERIFY, LETTER1, LETTER1_DOC, AWAIT1, OUTCOME1, LETTER2, LETTER2_DOC, AWAIT2, OUTCOME2,
 CLOSE, FOLLOWUP, ROOT_CAUSE) = range(13)
N_STEPS = 13
TRANSITIONS = (VERIFY, LETTER1, AWAIT1, OUTCOME1, LETTER2, AWAIT2, OUTCOME2, CLOSE)
BACKLOG_DAYS = 45          # cases this recent to `until` meet a busier, slower desk


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


def _lognormal(rng: np.random.Generator, median_s: float, sigma: float, n: int, low: float, high: float) -> np.ndarray:
    return np.clip(rng.lognormal(np.log(median_s), sigma, n), low, high).astype(np.int64)


@dataclass
class _Round:
    """One round of the procedure, in UTC seconds (NEVER where a step does not happen)."""

    letter: np.ndarray
    invitation: np.ndarray
    meeting: np.ndarray
    awaited: np.ndarray
    outcome: np.ndarray
    outcome_c: np.ndarray      # the outcome on the desk coordinate
    late_reply: np.ndarray
    late_resolution: np.ndarray


def _reply_on_desk(rng: np.random.Generator, ready_c: np.ndarray, due_c: np.ndarray,
                   backlog: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The reply/invitation: mostly before the reply deadline, ~8% late (more in the recent backlog)."""
    n = len(ready_c)
    window = due_c - ready_c - 600
    late = (rng.random(n) < np.where(backlog, 0.3, 0.055)) | (window <= 0)
    on_time = ready_c + 600 + (rng.beta(1.4, 2.8, n) * np.maximum(window, 0)).astype(np.int64)
    lag = np.where(backlog, _lognormal(rng, 2.5 * _Desk.DAY, 0.6, n, HOUR, 8 * _Desk.DAY),
                   _lognormal(rng, 5 * HOUR, 1.0, n, 1800, 5 * _Desk.DAY))
    overdue = np.maximum(due_c, ready_c + 600) + lag
    return np.where(late, overdue, on_time), late


def _run_round(rng: np.random.Generator, desk: _Desk, ready_c: np.ndarray, reply_due: np.ndarray,
               resolution_due: np.ndarray, backlog: np.ndarray, p_invitation: np.ndarray | float) -> _Round:
    """Reply within 48 h (mostly), maybe an invitation to a meeting, then the customer's answer
    (mostly within the resolution deadline), all recorded by staff in office hours."""
    n = len(ready_c)
    letter_c, late_reply = _reply_on_desk(rng, ready_c, desk.coord(reply_due), backlog)
    invitation = rng.random(n) < p_invitation
    slots = np.array([1, 2, 6, 7.5]) * HOUR   # 09:00, 10:00, 14:00, 15:30
    meeting_c = ((letter_c // desk.DAY + rng.integers(2, 6, n)) * desk.DAY
                 + slots[rng.integers(0, len(slots), n)].astype(np.int64))
    sent = rng.random(n) < np.where(backlog, 0.7, 0.85)
    awaited_c = letter_c + _lognormal(rng, 30 * 60, 0.8, n, 120, 3 * HOUR)
    floor_c = np.maximum(np.where(sent, awaited_c, letter_c) + 600, np.where(invitation, meeting_c + HOUR, 0))
    res_c = desk.coord(resolution_due)
    late_resolution = rng.random(n) < np.where(backlog, 0.3, 0.045)
    quick = floor_c + (rng.beta(1.3, 3.5, n) * np.maximum(res_c - floor_c, HOUR)).astype(np.int64)
    slow = np.maximum(floor_c, res_c) + np.where(
        backlog, _lognormal(rng, 6 * desk.DAY, 0.6, n, HOUR, 30 * desk.DAY),
        _lognormal(rng, 2 * desk.DAY, 0.8, n, HOUR, 20 * desk.DAY))
    outcome_c = np.where(late_resolution, slow, quick)
    return _Round(
        letter=desk.time(letter_c), invitation=invitation, meeting=np.where(invitation, desk.time(meeting_c), NEVER),
        awaited=np.where(sent, desk.time(awaited_c), NEVER), outcome=desk.time(outcome_c), outcome_c=outcome_c,
        late_reply=late_reply, late_resolution=late_resolution,
    )


@dataclass
class Plan:
    """The planned history of a chunk of cases: step times (NEVER if a step does not happen)."""

    times: np.ndarray              # (n, N_STEPS) int64 UTC seconds
    agree1: np.ndarray
    agree2: np.ndarray
    r1: _Round
    r2: _Round
    due: dict[str, np.ndarray]     # reply1, resolution1, reply2, resolution2
    referral_body: np.ndarray      # index into ReferralBody
    referral_day: np.ndarray       # local day number
    satisfaction: np.ndarray
    event_day: np.ndarray          # local day number
    late_complaint: np.ndarray
    root_causes: _RootCausePlan | None = None


@dataclass
class _RootCausePlan:
    """The root cause staff record after resolving about half of the cases (SPEC, Respond)."""

    category: np.ndarray           # index into RootCauseCategory
    pick: np.ndarray               # which of the theme's cause and fix texts
    due_day: np.ndarray            # local day number of the internal fix's deadline
    done: np.ndarray               # recorded once the fix was done (else while still in progress)


# Where the fault usually lay for each demo theme; some cases turn out to be on the customer's side.
_THEME_CAUSE = {"downtime": RootCauseCategory.INFRASTRUCTURE, "slowness": RootCauseCategory.INFRASTRUCTURE,
                "email_delivery": RootCauseCategory.THIRD_PARTY, "domain_dns": RootCauseCategory.THIRD_PARTY,
                "ssl": RootCauseCategory.SOFTWARE, "data_loss": RootCauseCategory.INFRASTRUCTURE,
                "security": RootCauseCategory.SOFTWARE, "control_panel": RootCauseCategory.SOFTWARE}
_CAUSE_OWNERS = {RootCauseCategory.INFRASTRUCTURE: "Phòng hạ tầng", RootCauseCategory.SOFTWARE: "Nhóm phát triển",
                 RootCauseCategory.PROCESS: "Phòng CSKH", RootCauseCategory.THIRD_PARTY: "Nhóm đối tác",
                 RootCauseCategory.CUSTOMER_SIDE: "Phòng CSKH", RootCauseCategory.OTHER: "Ban chất lượng"}
_CUSTOMER_SIDE = (("khách hàng cấu hình sai trên phía mình", "hướng dẫn khách cấu hình lại và bổ sung bài hướng dẫn"),
                  ("khách hàng dùng vượt giới hạn của gói dịch vụ", "tư vấn gói phù hợp và cảnh báo sớm khi sắp vượt"))


def _plan_root_causes(plan: Plan, arr: Arrivals, desk: _Desk, until_s: int) -> None:
    """Add the ROOT_CAUSE step. Its own random stream (seeded from the arrivals), so the rest of the
    demo stays as it was: staff find the cause within two office days of resolving. A fix done soon
    after (70% of recent cases, every older one) is recorded once done; the others are recorded as
    in progress with a deadline, some of which have passed."""
    n = len(arr.received)
    if n == 0:
        return
    rng = np.random.default_rng([int(arr.received[0]), n, 11])
    t = plan.times
    resolved_at = np.where(plan.agree1, t[:, OUTCOME1], np.where(plan.agree2, t[:, OUTCOME2], NEVER))
    has = (resolved_at < NEVER) & (rng.random(n) < 0.5)
    done = (rng.random(n) < 0.7) | (resolved_at < until_s - BACKLOG_DAYS * DAY)   # old fixes are all done
    found_c = desk.coord(np.where(has, resolved_at, 0)) + rng.integers(HOUR, 2 * desk.DAY, n)
    recorded_c = found_c + np.where(done, rng.integers(desk.DAY, 10 * desk.DAY, n), 0)
    t[:, ROOT_CAUSE] = np.where(has, desk.time(recorded_c), NEVER)
    by_theme = np.array([list(RootCauseCategory).index(_THEME_CAUSE.get(th.key, RootCauseCategory.PROCESS))
                         for th in txt.THEMES], dtype=np.int8)[arr.theme]
    roll = rng.random(n)
    category = np.where(roll < 0.12, list(RootCauseCategory).index(RootCauseCategory.CUSTOMER_SIDE),
                        np.where(roll < 0.15, list(RootCauseCategory).index(RootCauseCategory.OTHER), by_theme))
    plan.root_causes = _RootCausePlan(category.astype(np.int8), rng.integers(0, 1_000, n),
                                      _local_day(desk.time(found_c)) + rng.integers(3, 30, n), done)


def _verification(rng: np.random.Generator, desk: _Desk, received: np.ndarray, backlog: np.ndarray) -> np.ndarray:
    """Verification starts soon after receipt in office hours; the recent backlog waits longer."""
    n = len(received)
    delay = _lognormal(rng, 1.2 * HOUR, 1.0, n, 300, 2 * desk.DAY)
    stalled = backlog & (rng.random(n) < 0.15)
    delay = delay + np.where(stalled, rng.integers(desk.DAY // 2, 3 * desk.DAY, n), 0)
    return desk.coord(received) + delay


def _plan(rng: np.random.Generator, arr: Arrivals, kind_business: np.ndarray, clocks: _Clocks, desk: _Desk,
          until_s: int, limits: tuple[int, int]) -> Plan:
    n = len(arr.received)
    recv = arr.received
    backlog = recv > until_s - BACKLOG_DAYS * DAY
    times = np.full((n, N_STEPS), NEVER, dtype=np.int64)
    times[:, RECEIVED] = recv
    verify_c = _verification(rng, desk, recv, backlog)
    times[:, VERIFY] = desk.time(verify_c)
    reply1, res1 = clocks.due(recv)
    p_inv = np.where(arr.channel == 0, 0.16, np.where(kind_business, 0.12, 0.08))
    r1 = _run_round(rng, desk, verify_c, reply1, res1, backlog, p_inv)
    times[:, LETTER1] = times[:, LETTER1_DOC] = r1.letter
    times[:, AWAIT1] = r1.awaited
    times[:, OUTCOME1] = r1.outcome
    agree1 = rng.random(n) >= np.where(kind_business, 0.1, 0.07)
    second = ~agree1
    reply2, res2 = clocks.due(r1.outcome)
    r2 = _run_round(rng, desk, r1.outcome_c, reply2, res2, backlog, 0.4)
    times[:, LETTER2] = times[:, LETTER2_DOC] = np.where(second, r2.letter, NEVER)
    times[:, AWAIT2] = np.where(second, r2.awaited, NEVER)
    times[:, OUTCOME2] = np.where(second, r2.outcome, NEVER)
    agree2 = second & (rng.random(n) >= 0.25)
    resolved_c = np.where(agree1, r1.outcome_c, r2.outcome_c)
    resolved = agree1 | agree2
    closed = resolved & (rng.random(n) >= 0.02)
    times[:, CLOSE] = np.where(closed, desk.time(resolved_c + _lognormal(rng, desk.DAY, 0.9, n, 1800, 10 * desk.DAY)),
                               NEVER)
    follow = resolved & (rng.random(n) < 0.4)
    times[:, FOLLOWUP] = np.where(follow, desk.time(resolved_c + rng.integers(2 * desk.DAY, 7 * desk.DAY, n)), NEVER)
    event_day, late = _event_days(rng, recv, kind_business, limits)
    return Plan(
        times=times, agree1=agree1, agree2=agree2, r1=r1, r2=r2,
        due={"reply1": reply1, "resolution1": res1, "reply2": reply2, "resolution2": res2},
        referral_body=(rng.random(n) < 0.25).astype(np.int8),
        referral_day=np.maximum(_local_day(r2.outcome) - rng.integers(0, 4, n), _local_day(r2.letter)),
        satisfaction=_satisfaction(rng, r1.late_reply | r1.late_resolution | second),
        event_day=event_day, late_complaint=late,
    )


def _satisfaction(rng: np.random.Generator, unhappy: np.ndarray) -> np.ndarray:
    happy_p = np.cumsum([0.05, 0.08, 0.15, 0.37, 0.35])
    unhappy_p = np.cumsum([0.15, 0.22, 0.3, 0.23, 0.10])
    u = rng.random(len(unhappy))
    return np.where(unhappy, (u[:, None] > unhappy_p).sum(1), (u[:, None] > happy_p).sum(1)).clip(0, 4) + 1


def _event_days(rng: np.random.Generator, recv: np.ndarray, business: np.ndarray,
                limits: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """The event date a few days before receipt; a few % beyond the statute of limitations."""
    n = len(recv)
    limit = np.where(business, limits[1], limits[0])
    usual = np.minimum(rng.geometric(0.3, n) - 1 + np.where(rng.random(n) < 0.06, rng.integers(5, 45, n), 0), limit)
    late = rng.random(n) < 0.03
    days_before = np.where(late, limit + rng.integers(1, 75, n), usual)
    return _local_day(recv) - days_before, late


# --- state at `until` -------------------------------------------------------------------------------

@dataclass
class State:
    """What the plan looks like at `until`: which steps happened and the case columns they imply."""

    kept: np.ndarray               # (n, N_STEPS) bool
    status: np.ndarray             # index into Status
    round: np.ndarray
    columns: dict[str, np.ndarray]  # time columns in UTC seconds, NEVER for NULL
    version: np.ndarray


def _state(plan: Plan, until_s: int) -> State:
    t, kept = plan.times, plan.times <= until_s
    second = kept[:, OUTCOME1] & ~plan.agree1
    status = np.zeros(len(t), dtype=np.int8)
    s = {st: STATUS_CODES.index(st.value) for st in Status}
    for step, value in ((VERIFY, s[Status.VERIFYING]), (LETTER1, s[Status.REPLIED]),
                        (AWAIT1, s[Status.AWAITING_CUSTOMER])):
        status[kept[:, step]] = value
    status[kept[:, OUTCOME1]] = np.where(plan.agree1, s[Status.RESOLVED], s[Status.VERIFYING])[kept[:, OUTCOME1]]
    status[kept[:, LETTER2]] = s[Status.REPLIED]
    status[kept[:, AWAIT2]] = s[Status.AWAITING_CUSTOMER]
    status[kept[:, OUTCOME2]] = np.where(plan.agree2, s[Status.RESOLVED], s[Status.REFERRED])[kept[:, OUTCOME2]]
    status[kept[:, CLOSE]] = s[Status.CLOSED]
    referred = kept[:, OUTCOME2] & ~plan.agree2
    resolved_at = np.where(kept[:, OUTCOME1] & plan.agree1, t[:, OUTCOME1],
                           np.where(kept[:, OUTCOME2] & plan.agree2, t[:, OUTCOME2], NEVER))
    transitions = kept[:, list(TRANSITIONS)]
    last = np.where(transitions, t[:, list(TRANSITIONS)], -1).max(axis=1)
    columns = {
        "round_opened_at": np.where(second, t[:, OUTCOME1], t[:, RECEIVED]),
        "reply_due_at": np.where(second, plan.due["reply2"], plan.due["reply1"]),
        "resolution_due_at": np.where(second, plan.due["resolution2"], plan.due["resolution1"]),
        "round_replied_at": np.where(second, np.where(kept[:, LETTER2], t[:, LETTER2], NEVER),
                                     np.where(kept[:, LETTER1], t[:, LETTER1], NEVER)),
        "first_reply_at": np.where(kept[:, LETTER1], t[:, LETTER1], NEVER),
        "resolved_at": resolved_at,
        "closed_at": np.where(kept[:, CLOSE], t[:, CLOSE], np.where(referred, t[:, OUTCOME2], NEVER)),
        "updated_at": np.where(last >= 0, last, NEVER),
    }
    return State(kept, status, np.where(second, 2, 1), columns, 1 + transitions.sum(axis=1))


# --- Arrow columns ------------------------------------------------------------------------------------

def _ts(values: np.ndarray) -> pa.Array:
    mask = values >= NEVER
    return pa.array(np.where(mask, 0, values) * 1_000_000, type=pa.timestamp("us"), mask=mask)


def _dates(days: np.ndarray, mask: np.ndarray | None = None) -> pa.Array:
    return pa.array(days.astype(np.int32), type=pa.date32(), mask=mask)


def _strings(values, mask: np.ndarray | None = None) -> pa.Array:
    return pa.array(values, type=pa.string(), mask=mask)


def _codes(table: tuple[str, ...], idx: np.ndarray) -> pa.Array:
    """Strings from a small table by index, as a dictionary array decoded to plain strings."""
    return pa.DictionaryArray.from_arrays(pa.array(idx.astype(np.int32)), pa.array(table)).cast(pa.string())


# --- staff ----------------------------------------------------------------------------------------------

STAFF: tuple[tuple[str, str], ...] = tuple((user, city.branch) for city in txt.CITIES for user in city.staff)
_BRANCH_STAFF = [np.array([i for i, (_, b) in enumerate(STAFF) if b == city.branch]) for city in txt.CITIES]
# How each staff member writes replies, in STAFF order: the share of letters with an excuse, with a
# plan without a date, without an apology (so reply-check scores differ between people).
_WRITING = (
    (0.02, 0.05, 0.10), (0.12, 0.20, 0.40), (0.04, 0.08, 0.15), (0.00, 0.03, 0.05), (0.08, 0.25, 0.30),
    (0.03, 0.10, 0.20), (0.15, 0.30, 0.45), (0.02, 0.05, 0.10), (0.05, 0.12, 0.25),
    (0.06, 0.15, 0.20), (0.01, 0.04, 0.08), (0.10, 0.22, 0.35),
)


def _pick_staff(rng: np.random.Generator, city: np.ndarray) -> np.ndarray:
    out = np.empty(len(city), dtype=np.int64)
    for c, members in enumerate(_BRANCH_STAFF):
        rows = city == c
        out[rows] = members[rng.integers(0, len(members), rows.sum())]
    return out


# --- texts per chunk ----------------------------------------------------------------------------------------

def _uniforms(rng: np.random.Generator) -> Iterator[float]:
    while True:
        yield from rng.random(1 << 16).tolist()


def _draw_table(rng: np.random.Generator, keys: np.ndarray, table: list[list[tuple[int, float]]]) -> np.ndarray:
    """For each row, an outcome drawn from the weighted options of its key."""
    u = rng.random(len(keys))
    out = np.zeros(len(keys), dtype=np.int64)
    for key, options in enumerate(table):
        rows = keys == key
        values = np.array([v for v, _ in options])
        cum = np.cumsum([p for _, p in options])
        out[rows] = values[(u[rows, None] > cum / cum[-1]).sum(axis=1).clip(0, len(values) - 1)]
    return out


_CHANNEL_NAMES = tuple(c.value for c in CHANNELS)
_STYLE_TABLE = [list(txt.CHANNEL_STYLES[c]) for c in _CHANNEL_NAMES]
_LENGTH_TABLE = [list(enumerate(txt.CHANNEL_LENGTHS[c])) for c in _CHANNEL_NAMES]


@dataclass
class _Texts:
    content: list[str]
    request: list[str]
    search: list[str]
    name: list[str]
    phone: list[str | None]
    email: list[str | None]
    address: list[str | None]


def _texts(rng: np.random.Generator, arr: Arrivals, who: np.ndarray, customers: Customers,
           codes: list[str]) -> _Texts:
    style = _draw_table(rng, arr.channel, _STYLE_TABLE)
    length = _draw_table(rng, arr.channel, _LENGTH_TABLE)
    contact = rng.random((len(who), 3))
    rolls = _uniforms(rng)
    out = _Texts([], [], [], [], [], [], [])
    people: dict[int, tuple[str, str, str]] = {}
    theme, service, channel = arr.theme.tolist(), arr.service.tolist(), arr.channel.tolist()
    for i, c in enumerate(who.tolist()):
        ch = _CHANNEL_NAMES[channel[i]]
        content, content_f = txt.compose_complaint(theme[i], service[i], ch, int(style[i]), int(length[i]), rolls)
        request, request_f = txt.compose_request(theme[i], int(style[i]), rolls)
        person = people.get(c) or people.setdefault(c, customers.person(c))
        out.content.append(content)
        out.request.append(request)
        out.name.append(person[0])
        out.search.append(" ".join(f"{codes[i].lower()} {person[1]} {content_f} {request_f}".split()))
        u = contact[i]
        has_phone = not ((ch == "post" and u[0] < 0.3) or (ch == "email" and u[0] < 0.35))
        out.phone.append(customers.phone_text(c) if has_phone else None)
        out.email.append(person[2] if ch == "email" or u[1] < (0.2 if ch == "post" else 0.5) else None)
        out.address.append(customers.address(c) if ch == "post" or u[2] < (0.6 if ch == "in_person" else 0.1)
                           else None)
    return out


# --- letters --------------------------------------------------------------------------------------------------

def _local_years(utc_s: np.ndarray) -> np.ndarray:
    return _local_day(utc_s).astype("datetime64[D]").astype("datetime64[Y]").astype(np.int64) + 1970


def _fmt_local(utc_s: int, pattern: str = "%H:%M %d/%m/%Y") -> str:
    return (datetime(1970, 1, 1) + timedelta(seconds=int(utc_s) + LOCAL_OFFSET)).strftime(pattern)


@dataclass
class _LetterRows:
    case_row: np.ndarray   # index into the chunk
    round: np.ndarray
    issued: np.ndarray
    invitation: np.ndarray
    meeting: np.ndarray
    ids: np.ndarray
    doc: list[str]


def _letter_rows(cur, plan: Plan, state: State) -> _LetterRows:
    rows1 = np.flatnonzero(state.kept[:, LETTER1])
    rows2 = np.flatnonzero(state.kept[:, LETTER2])
    case_row = np.concatenate([rows1, rows2])
    rnd = np.concatenate([np.ones(len(rows1), np.int64), np.full(len(rows2), 2)])
    issued = np.concatenate([plan.r1.letter[rows1], plan.r2.letter[rows2]])
    invitation = np.concatenate([plan.r1.invitation[rows1], plan.r2.invitation[rows2]])
    meeting = np.concatenate([plan.r1.meeting[rows1], plan.r2.meeting[rows2]])
    order = np.lexsort((rnd, case_row, issued))
    case_row, rnd, issued, invitation, meeting = (a[order] for a in (case_row, rnd, issued, invitation, meeting))
    ids = _reserve(cur, "letter_id_seq", len(case_row))
    years = _local_years(issued).tolist()
    doc = [format_doc_number(i, y, LetterKind.INVITATION if inv else LetterKind.REPLY)
           for i, y, inv in zip(ids.tolist(), years, invitation.tolist())]
    return _LetterRows(case_row, rnd, issued, invitation, meeting, ids, doc)


def _reply_body(rng_u: Iterator[float], name: str, ticket: str, service: str, theme: txt.Theme, round_no: int,
                event_day: int, issued: int, writing: tuple[float, float, float]) -> str:
    """A reply letter: cause, what was done, the plan; some staff add excuses or leave out dates."""
    co = company()
    topic = theme.label[:1].lower() + theme.label[1:]
    opening = txt.pick(txt.LETTER_OPENINGS, next(rng_u)).format(
        short=co.short_name, service=service, ticket=ticket, theme=topic)
    cause = txt.pick(theme.causes, next(rng_u)).replace("{time}", f"ngày {_fmt_day(event_day)}")
    fix = txt.pick(theme.fixes, next(rng_u))
    deadline = _fmt_local(issued + int(3 + next(rng_u) * 5) * DAY, "%d/%m/%Y")
    excuse, vague, no_sorry = (next(rng_u) < p for p in writing)
    plans = txt.LETTER_VAGUE_PLANS if vague else txt.LETTER_PLANS
    plan = txt.pick(plans, next(rng_u)).format(deadline=deadline)
    lines = [f"Kính gửi Quý khách {name},", "", opening]
    if round_no == 2:
        lines.append(txt.ROUND2_LINE)
    lines += ["", "Sau khi xác minh, chúng tôi xin trả lời như sau:", f"- Nguyên nhân: {cause}.",
              f"- Chúng tôi đã thực hiện: {fix}.", f"- Kế hoạch tiếp theo: {plan}", ""]
    if excuse:
        lines.append(txt.pick(txt.LETTER_EXCUSES, next(rng_u)))
    if not no_sorry:
        lines.append(txt.pick(txt.LETTER_OWNERSHIP, next(rng_u)))
    lines.append(txt.pick(txt.LETTER_CLOSINGS, next(rng_u)).format(hotline=co.hotline))
    return "\n".join(lines)


def _invitation_body(name: str, ticket: str, service: str, meeting: int, place: str, content: str) -> str:
    co = company()
    short = content if len(content) <= 120 else content[:117].rstrip() + "…"
    return "\n".join([
        f"Kính gửi Quý khách {name},", "",
        f"{co.short_name} trân trọng cảm ơn Quý khách đã phản ánh về dịch vụ {service} (hồ sơ {ticket}). "
        "Để cùng Quý khách làm rõ và thống nhất hướng giải quyết, chúng tôi trân trọng kính mời Quý khách "
        "đến làm việc trực tiếp:",
        "", f"- Thời gian: {_fmt_local(meeting)}", f"- Địa điểm: {place}",
        f"- Nội dung: trao đổi, giải quyết khiếu nại “{short}”.", "",
        "Khi đến, Quý khách vui lòng mang theo giấy tờ tùy thân và các tài liệu liên quan đến dịch vụ. Nếu thời gian "
        f"trên chưa thuận tiện, Quý khách vui lòng liên hệ hotline {co.hotline} để sắp xếp lại.", "",
        "Trân trọng cảm ơn Quý khách.",
    ])


def _letters_table(rng: np.random.Generator, rows: _LetterRows, chunk: "_Chunk") -> pa.Table:
    u = _uniforms(rng)
    subjects, bodies, places = [], [], []
    rows_of = zip(rows.case_row.tolist(), rows.round.tolist(), rows.invitation.tolist())
    for k, (i, rnd, inv) in enumerate(rows_of):
        ticket, name = chunk.codes[i], chunk.texts.name[i]
        service = SERVICES[chunk.arr.service[i]].label
        second = " (lần 2)" if rnd == 2 else ""
        if inv:
            place = txt.CITIES[chunk.city[i]].office
            subjects.append(f"Giấy mời làm việc về khiếu nại số {ticket}{second}")
            bodies.append(_invitation_body(name, ticket, service, int(rows.meeting[k]), place, chunk.texts.content[i]))
            places.append(place)
        else:
            subjects.append(f"Trả lời khiếu nại số {ticket}{second}")
            bodies.append(_reply_body(u, name, ticket, service, txt.THEMES[chunk.arr.theme[i]], rnd,
                                      int(chunk.plan.event_day[i]), int(rows.issued[k]), _WRITING[chunk.staff[i]]))
            places.append(None)
    kinds = (LetterKind.REPLY.value, LetterKind.INVITATION.value)
    return pa.table({
        "id": rows.ids, "case_id": chunk.ids[rows.case_row], "round": rows.round.astype(np.int32),
        "kind": _codes(kinds, rows.invitation.astype(np.int8)), "doc_number": _strings(rows.doc),
        "subject": _strings(subjects), "body": _strings(bodies),
        "meeting_at": _ts(np.where(rows.invitation, rows.meeting, NEVER)), "meeting_place": _strings(places),
        "issued_at": _ts(rows.issued), "issued_by": _codes(tuple(u for u, _ in STAFF), chunk.staff[rows.case_row]),
    })


# --- sequences --------------------------------------------------------------------------------------------------

def _reserve(cur, sequence: str, n: int) -> np.ndarray:
    """A block of n values from a sequence, ascending, so the sequence stays ahead of what we insert."""
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    values = cur.execute(f"SELECT nextval('{sequence}') AS v FROM range({int(n)})").fetchnumpy()["v"]
    return np.sort(np.asarray(values, dtype=np.int64))


def _taken(cur, column: str, values: list) -> set:
    cur.register("demo_probe", pa.table({"v": values}))
    try:
        sql = f"SELECT v FROM demo_probe WHERE v IN (SELECT {column} FROM cases)"
        return {r[0] for r in cur.execute(sql).fetchall()}
    finally:
        cur.unregister("demo_probe")


def _case_ids(cur, n: int) -> np.ndarray:
    ids = _reserve(cur, "case_id_seq", n)
    while taken := _taken(cur, "id", ids.tolist()):
        ids = np.sort(np.concatenate([ids[~np.isin(ids, list(taken))], _reserve(cur, "case_id_seq", len(taken))]))
    return ids


def _ticket_codes(cur, received: np.ndarray) -> list[str]:
    """KN-YYYY-NNNNNN in order of receipt, skipping codes already in the desk (e.g. imported ones)."""
    numbers = _reserve(cur, "ticket_no_seq", len(received))
    years = _local_years(received).tolist()
    codes = [format_ticket_code(y, n) for y, n in zip(years, numbers.tolist())]
    while taken := _taken(cur, "ticket_code", codes):
        bad = [i for i, c in enumerate(codes) if c in taken]
        for i, n in zip(bad, _reserve(cur, "ticket_no_seq", len(bad)).tolist()):
            codes[i] = format_ticket_code(years[i], n)
    return codes


# --- one chunk ------------------------------------------------------------------------------------------------------

@dataclass
class _Chunk:
    arr: Arrivals
    ids: np.ndarray
    codes: list[str]
    city: np.ndarray
    staff: np.ndarray
    follow_staff: np.ndarray
    kind: np.ndarray
    plan: Plan
    state: State
    texts: _Texts
    late_reason: list[str | None]


def _build_chunk(cur, rng: np.random.Generator, arr: Arrivals, customers: Customers, who: np.ndarray,
                 clocks: _Clocks, desk: _Desk, until_s: int, policy: Policy) -> _Chunk:
    kind = np.array([t.kind is IssueKind.BUSINESS for t in txt.THEMES])[arr.theme]
    plan = _plan(rng, arr, kind, clocks, desk, until_s, (policy.quality_limit_days, policy.business_limit_days))
    _plan_root_causes(plan, arr, desk, until_s)
    state = _state(plan, until_s)
    ids = _case_ids(cur, len(who))
    codes = _ticket_codes(cur, arr.received)
    city = customers.city[who]
    reasons = rng.integers(0, len(txt.LATE_REASONS), len(who))
    late_reason = [txt.LATE_REASONS[r] if late else None
                   for r, late in zip(reasons.tolist(), plan.late_complaint.tolist())]
    return _Chunk(arr, ids, codes, city, _pick_staff(rng, city), _pick_staff(rng, city), kind, plan, state,
                  _texts(rng, arr, who, customers, codes), late_reason)


def _cases_table(c: _Chunk) -> pa.Table:
    p, s = c.plan, c.state
    referred = s.status == STATUS_CODES.index(Status.REFERRED.value)
    cols = s.columns
    return pa.table({
        "id": c.ids, "ticket_code": _strings(c.codes), "received_at": _ts(c.arr.received),
        "channel": _codes(_CHANNEL_NAMES, c.arr.channel),
        "issue_kind": _codes(tuple(k.value for k in IssueKind), c.kind.astype(np.int8)),
        "service": _codes(tuple(sv.value for sv in SERVICES), c.arr.service),
        "customer_name": _strings(c.texts.name), "customer_phone": _strings(c.texts.phone),
        "customer_email": _strings(c.texts.email), "customer_address": _strings(c.texts.address),
        "event_date": _dates(p.event_day), "content": _strings(c.texts.content),
        "request": _strings(c.texts.request),
        "search_text": _strings(c.texts.search), "status": _codes(STATUS_CODES, s.status),
        "round": s.round.astype(np.int32),
        **{name: _ts(cols[name]) for name in ("round_opened_at", "reply_due_at", "resolution_due_at",
                                              "round_replied_at", "first_reply_at", "resolved_at", "closed_at")},
        "late_complaint": pa.array(p.late_complaint), "late_reason": _strings(c.late_reason),
        "referral_body": _strings(_REFERRAL_CODES[p.referral_body].tolist(), ~referred),
        "referral_date": _dates(p.referral_day, ~referred),
        "staff": _codes(tuple(u for u, _ in STAFF), c.staff),
        "branch": _codes(tuple(city.branch for city in txt.CITIES), c.city),
        "is_demo": pa.array(np.ones(len(c.ids), dtype=bool)), "version": s.version.astype(np.int32),
        "updated_at": _ts(cols["updated_at"]),
    })


# --- audit events, rounds, follow-ups: SQL over a per-case plan table ------------------------------------------

_STEP_COLUMNS = {RECEIVED: "t_recv", VERIFY: "t_verify", LETTER1: "t_letter1", AWAIT1: "t_await1",
                 OUTCOME1: "t_out1", LETTER2: "t_letter2", AWAIT2: "t_await2", OUTCOME2: "t_out2",
                 CLOSE: "t_close", FOLLOWUP: "t_follow", ROOT_CAUSE: "t_cause"}


def _plan_table(rng: np.random.Generator, c: _Chunk, letters: _LetterRows) -> pa.Table:
    p, kept = c.plan, c.state.kept
    n = len(c.ids)
    doc = [[None] * n, [None] * n]
    kind = [[None] * n, [None] * n]
    letter_id = [np.zeros(n, np.int64), np.zeros(n, np.int64)]
    for i, rnd, inv, lid, number in zip(letters.case_row.tolist(), letters.round.tolist(),
                                        letters.invitation.tolist(), letters.ids.tolist(), letters.doc):
        doc[rnd - 1][i], kind[rnd - 1][i], letter_id[rnd - 1][i] = number, ("invitation" if inv else "reply"), lid
    notes_u = rng.integers(0, 2, n)
    follow_note = [txt.FOLLOWUP_NOTES[int(s)][k] if k or s <= 2 else None
                   for s, k in zip(p.satisfaction.tolist(), notes_u.tolist())]
    columns = {
        "case_id": c.ids, "ticket": _strings(c.codes), "channel": _codes(_CHANNEL_NAMES, c.arr.channel),
        "staff": _codes(tuple(u for u, _ in STAFF), c.staff),
        "follow_staff": _codes(tuple(u for u, _ in STAFF), c.follow_staff),
        "late": pa.array(p.late_complaint), "late_reason": _strings(c.late_reason),
        "agree1": pa.array(p.agree1), "agree2": pa.array(p.agree2),
        "prev1": _codes(("replied", "awaiting_customer"), (p.r1.awaited < NEVER).astype(np.int8)),
        "prev2": _codes(("replied", "awaiting_customer"), (p.r2.awaited < NEVER).astype(np.int8)),
        "due_r1": _ts(p.due["reply1"]), "due_res1": _ts(p.due["resolution1"]),
        "due_r2": _ts(p.due["reply2"]), "due_res2": _ts(p.due["resolution2"]),
        "referral_body": _codes(tuple(_REFERRAL_CODES), p.referral_body), "referral_date": _dates(p.referral_day),
        "doc1": _strings(doc[0]), "doc2": _strings(doc[1]), "kind1": _strings(kind[0]), "kind2": _strings(kind[1]),
        "letter1_id": letter_id[0], "letter2_id": letter_id[1],
        "satisfaction": p.satisfaction.astype(np.int32), "follow_note": _strings(follow_note),
        **_root_cause_columns(c),
    }
    for step, name in _STEP_COLUMNS.items():
        columns[name] = _ts(np.where(kept[:, step], p.times[:, step], NEVER))
    return pa.table(columns)


def _root_cause_columns(c: _Chunk) -> dict[str, pa.Array]:
    """The recorded root causes of a chunk, with the audit event's `after` as voc.root_causes writes it."""
    p, kept = c.plan, c.state.kept[:, ROOT_CAUSE]
    out: dict[str, list] = {name: [None] * len(c.ids) for name in ("rc_category", "rc_cause", "rc_action",
                                                                    "rc_owner", "rc_after")}
    categories = list(RootCauseCategory)
    rc = p.root_causes
    for i in np.flatnonzero(kept).tolist():
        theme = txt.THEMES[int(c.arr.theme[i])]
        category = categories[int(rc.category[i])]
        k = int(rc.pick[i])
        if category is RootCauseCategory.CUSTOMER_SIDE:
            cause, fix = _CUSTOMER_SIDE[k % len(_CUSTOMER_SIDE)]
        else:
            cause = theme.causes[k % len(theme.causes)].replace("{time}", f"ngày {_fmt_day(p.event_day[i])}")
            fix = theme.fixes[k % len(theme.fixes)]
        cause, fix = cause[:1].upper() + cause[1:], fix[:1].upper() + fix[1:]
        recorded = datetime.fromtimestamp(int(p.times[i, ROOT_CAUSE]), timezone.utc)
        record = RootCause(int(c.ids[i]), category, cause, fix, _CAUSE_OWNERS[category], _day_date(rc.due_day[i]),
                           recorded if rc.done[i] else None, "", recorded)
        for name, value in (("rc_category", category.value), ("rc_cause", cause), ("rc_action", fix),
                            ("rc_owner", record.owner),
                            ("rc_after", json.dumps(record.audit_view(), ensure_ascii=False))):
            out[name][i] = value
    return {**{name: _strings(values) for name, values in out.items()},
            "rc_due": _dates(rc.due_day, mask=~kept),
            "rc_done_at": _ts(np.where(kept & rc.done, p.times[:, ROOT_CAUSE], NEVER))}


def _js(*pairs: tuple[str, str]) -> str:
    """SQL building the JSON text json.dumps would write for these (key, SQL JSON value) pairs."""
    return "'{' || " + " || ', ' || ".join(f"'\"{key}\": ' || {value}" for key, value in pairs) + " || '}'"


def _s(column: str) -> str:
    return f"coalesce('\"' || {column} || '\"', 'null')"


def _t(column: str) -> str:
    return f"coalesce('\"' || strftime({column}, '%Y-%m-%dT%H:%M:%S') || '+00:00\"', 'null')"


def _lit(value: str) -> str:
    return f"'\"{value}\"'"


_NULL = "'null'"
_KIND_LABEL = "CASE WHEN {k} = 'invitation' THEN 'Giấy mời' ELSE 'Thư trả lời' END"


def _event_selects() -> list[str]:
    """One SELECT per step: (case_id, step, at, actor, entity, entity_id, action, before, after, note)."""
    def sel(step: int, column: str, action: str, before: str, after: str, note: str = "NULL",
            where: str = "", actor: str = "staff", entity: str = "'case'", entity_id: str = "case_id::VARCHAR") -> str:
        cond = f"{column} IS NOT NULL" + (f" AND {where}" if where else "")
        return (f"SELECT case_id, {step} AS step, {column} AS occurred_at, {actor} AS actor, {entity} AS entity, "
                f"{entity_id} AS entity_id, '{action}' AS action, {before} AS before, {after} AS after, "
                f"{note} AS note FROM demo_plan WHERE {cond}")

    status = lambda value: _js(("status", _lit(value)))  # noqa: E731
    agreed = lambda prev, col: (_js(("resolved_at", _NULL), ("status", _s(prev))),  # noqa: E731
                                _js(("resolved_at", _t(col)), ("status", _lit("resolved"))))
    letter_event = lambda step, col, rnd: sel(  # noqa: E731
        step, col, "issued", "NULL",
        _js(("case_id", "case_id::VARCHAR"), ("kind", _s(f"kind{rnd}")), ("doc_number", _s(f"doc{rnd}")),
            ("round", f"'{rnd}'")), actor="staff", entity="'letter'", entity_id=f"letter{rnd}_id::VARCHAR")
    demo_note = f"'{txt.NOTE_DEMO}'"
    return [
        sel(RECEIVED, "t_recv", "received", "NULL",
            _js(("ticket_code", _s("ticket")), ("status", _lit("received")), ("channel", _s("channel")),
                ("late_complaint", "CASE WHEN late THEN 'true' ELSE 'false' END"), ("late_reason", _s("late_reason"))),
            demo_note),
        sel(VERIFY, "t_verify", "start_verification", status("received"), status("verifying")),
        sel(LETTER1, "t_letter1", "issue_letter",
            _js(("round_replied_at", _NULL), ("first_reply_at", _NULL), ("status", _lit("verifying"))),
            _js(("round_replied_at", _t("t_letter1")), ("first_reply_at", _t("t_letter1")),
                ("status", _lit("replied"))),
            f"{_KIND_LABEL.format(k='kind1')} || ' số ' || doc1"),
        letter_event(LETTER1_DOC, "t_letter1", 1),
        sel(AWAIT1, "t_await1", "await_customer", status("replied"), status("awaiting_customer")),
        sel(OUTCOME1, "t_out1", "customer_agrees", *agreed("prev1", "t_out1"),
            "'Khách hàng đồng ý với phương án giải quyết'", "agree1"),
        sel(OUTCOME1, "t_out1", "open_second_round",
            _js(("round", "'1'"), ("round_opened_at", _t("t_recv")), ("reply_due_at", _t("due_r1")),
                ("resolution_due_at", _t("due_res1")), ("round_replied_at", _t("t_letter1")), ("status", _s("prev1"))),
            _js(("round", "'2'"), ("round_opened_at", _t("t_out1")), ("reply_due_at", _t("due_r2")),
                ("resolution_due_at", _t("due_res2")), ("round_replied_at", _NULL), ("status", _lit("verifying"))),
            "'Khách hàng không đồng ý với kết quả giải quyết lần 1'", "NOT agree1"),
        sel(LETTER2, "t_letter2", "issue_letter",
            _js(("round_replied_at", _NULL), ("status", _lit("verifying"))),
            _js(("round_replied_at", _t("t_letter2")), ("status", _lit("replied"))),
            f"{_KIND_LABEL.format(k='kind2')} || ' số ' || doc2"),
        letter_event(LETTER2_DOC, "t_letter2", 2),
        sel(AWAIT2, "t_await2", "await_customer", status("replied"), status("awaiting_customer")),
        sel(OUTCOME2, "t_out2", "customer_agrees", *agreed("prev2", "t_out2"),
            "'Khách hàng đồng ý với phương án giải quyết lần 2'", "agree2"),
        sel(OUTCOME2, "t_out2", "refer",
            _js(("referral_body", _NULL), ("referral_date", _NULL), ("closed_at", _NULL), ("status", _s("prev2"))),
            _js(("referral_body", _s("referral_body")), ("referral_date", _s("strftime(referral_date, '%Y-%m-%d')")),
                ("closed_at", _t("t_out2")), ("status", _lit("referred"))),
            "CASE WHEN referral_body = 'court' THEN 'Khách hàng khởi kiện tại Tòa án' "
            "ELSE 'Khách hàng khiếu nại lên cơ quan quản lý' END", "NOT agree2"),
        sel(CLOSE, "t_close", "close", _js(("closed_at", _NULL), ("status", _lit("resolved"))),
            _js(("closed_at", _t("t_close")), ("status", _lit("closed")))),
        sel(FOLLOWUP, "t_follow", "followup", "NULL", _js(("satisfaction", "satisfaction::VARCHAR")),
            "follow_note", actor="follow_staff"),
        sel(ROOT_CAUSE, "t_cause", "root_cause_recorded", "NULL", "rc_after"),
    ]


_EVENTS_SQL = (
    "INSERT INTO events (id, occurred_at, actor, entity, entity_id, action, before, after, note) "
    "SELECT i.id, e.occurred_at, e.actor, e.entity, e.entity_id, e.action, e.before, e.after, e.note FROM ("
    "SELECT *, row_number() OVER (ORDER BY occurred_at, case_id, step) AS rn FROM ("
    + " UNION ALL ".join(_event_selects()) +
    ")) e JOIN demo_event_ids i USING (rn)"
)
_ROUNDS_SQL = (
    "INSERT INTO case_rounds (case_id, round, opened_at, reply_due_at, resolution_due_at) "
    "SELECT case_id, 1, t_recv, due_r1, due_res1 FROM demo_plan UNION ALL "
    "SELECT case_id, 2, t_out1, due_r2, due_res2 FROM demo_plan WHERE t_out1 IS NOT NULL AND NOT agree1"
)
_ROOT_CAUSES_SQL = (
    "INSERT INTO root_causes (case_id, category, cause, action, owner, due_date, done_at, recorded_by, recorded_at) "
    "SELECT case_id, rc_category, rc_cause, rc_action, rc_owner, rc_due, rc_done_at, staff, t_cause "
    "FROM demo_plan WHERE t_cause IS NOT NULL"
)
_FOLLOWUPS_SQL = (
    "INSERT INTO followups (case_id, contacted_at, satisfaction, note, recorded_by) "
    "SELECT case_id, t_follow, satisfaction, follow_note, follow_staff FROM demo_plan WHERE t_follow IS NOT NULL"
)


def _count_events(c: _Chunk) -> int:
    kept = c.state.kept
    return int(kept.sum())


def _insert(cur, name: str, table: pa.Table, sql: str) -> None:
    cur.register(name, table)
    try:
        cur.execute(sql)
    finally:
        cur.unregister(name)


def _write_chunk(cur, rng: np.random.Generator, c: _Chunk, report: DemoReport) -> None:
    letters = _letter_rows(cur, c.plan, c.state)
    cases = _cases_table(c)
    _insert(cur, "demo_cases", cases, f"INSERT INTO cases ({', '.join(cases.column_names)}) "
                                      f"SELECT {', '.join(cases.column_names)} FROM demo_cases")
    _insert(cur, "demo_letters", _letters_table(rng, letters, c),
            "INSERT INTO letters (id, case_id, round, kind, doc_number, subject, body, meeting_at, meeting_place, "
            "issued_at, issued_by) SELECT * FROM demo_letters")
    n_events = _count_events(c)
    ids = _reserve(cur, "event_id_seq", n_events)
    cur.register("demo_event_ids", pa.table({"rn": np.arange(1, n_events + 1, dtype=np.int64), "id": ids}))
    try:
        _insert(cur, "demo_plan", _plan_table(rng, c, letters), "; ".join((_EVENTS_SQL, _ROUNDS_SQL, _FOLLOWUPS_SQL,
                                                                         _ROOT_CAUSES_SQL)))
    finally:
        cur.unregister("demo_event_ids")
    _tally(report, c, n_events, len(letters.ids))


def _tally(report: DemoReport, c: _Chunk, n_events: int, n_letters: int) -> None:
    s = c.state
    open_codes = [STATUS_CODES.index(st.value) for st in Status if st.is_open]
    report.cases += len(c.ids)
    report.events += n_events
    report.letters += n_letters
    report.followups += int(s.kept[:, FOLLOWUP].sum())
    report.rounds2 += int((s.round == 2).sum())
    report.referrals += int((s.status == STATUS_CODES.index(Status.REFERRED.value)).sum())
    report.late += int(c.plan.late_complaint.sum())
    report.open_cases += int(np.isin(s.status, open_codes).sum())


# --- the public function ---------------------------------------------------------------------------------------

def _describe(spikes: list[Spike], arr: Arrivals) -> list[str]:
    days = _local_day(arr.received)
    out = []
    for spike in spikes[:3]:
        inside = (days >= spike.start_day) & (days <= spike.end_day) & np.isin(arr.theme, list(spike.themes))
        out.append(spike.label.format(start=_fmt_day(spike.start_day), end=_fmt_day(spike.end_day))
                   + f" ({int(inside.sum())} hồ sơ).")
    recurring = spikes[3:]
    if recurring:
        labels = sorted({txt.THEMES[next(iter(s.themes))].label for s in recurring})
        last = recurring[-1]
        out.append(f"Sự cố lặp lại: {len(recurring)} đợt ngắn 1–3 ngày ({', '.join(labels)}), "
                   f"đợt gần nhất {_fmt_day(last.start_day)}–{_fmt_day(last.end_day)}.")
    return out


def _record_generation(cur, report: DemoReport, n_cases: int, actor_name: str) -> None:
    meta = {"seed": report.seed, "n_cases": n_cases, "until": report.until.isoformat(),
            "generated_at": utcnow().replace(microsecond=0).isoformat(),
            "counts": {k: v for k, v in asdict(report).items() if isinstance(v, int) and k != "seed"}}
    cur.execute("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)",
                [SETTINGS_KEY, json.dumps(meta, ensure_ascii=False)])
    record_event(cur, actor_name, "demo", SETTINGS_KEY, "generated", None, meta,
                 f"Tạo dữ liệu mẫu (demo): {report.cases} hồ sơ, seed {report.seed}")


def generate_demo(db, n_cases: int, seed: int = 42, *, until: datetime | None = None,
                  progress: Callable[[int, int], None] | None = None, actor_name: str = "system") -> DemoReport:
    """Add `n_cases` labelled demo cases with their whole history up to `until` (default: now; a naive
    datetime is Vietnam local time, as everywhere in voc.clock).

    Existing rows are never touched; ids, ticket codes and letter numbers come from the sequences.
    The same seed and `until` (to the second) give the same data on an empty database. Cases are
    written in chunks of CHUNK_CASES, each chunk (cases with all their rows) in its own transaction
    so memory stays bounded; an interrupted run keeps the chunks it had committed. The load (and the
    branches it adds) is audited under `actor_name`: the admin who clicked, or "system" for the CLI.
    """
    if n_cases < 0:
        raise ValueError("n_cases must be >= 0")
    until_s = _epoch(until or utcnow())
    last_day = int(_local_day(np.int64(until_s)))
    first_day = last_day - HISTORY_DAYS
    rng = np.random.default_rng([seed, 1])
    spikes = _spikes(rng, first_day, last_day)
    arrivals = _arrivals(rng, n_cases, first_day, until_s, spikes)
    customers = Customers(rng, n_cases)
    who = customers.draw(rng, n_cases)
    report = DemoReport(seed=seed, until=datetime.fromtimestamp(until_s, timezone.utc),
                        spikes=_describe(spikes, arrivals) if n_cases else [])
    if n_cases:
        report.first_received = datetime.fromtimestamp(int(arrivals.received[0]), timezone.utc)
    with db.transaction() as cur:
        policy = load_policy(cur)
        ensure_branches(cur, [city.branch for city in txt.CITIES], actor_name, "Chi nhánh của dữ liệu mẫu (demo)")
    clocks = _Clocks(policy, first_day, last_day)
    desk = _Desk(first_day - 2, last_day + 400)
    progress = progress or (lambda done, total: None)
    progress(0, n_cases)
    for k, start in enumerate(range(0, n_cases, CHUNK_CASES)):
        part = slice(start, min(start + CHUNK_CASES, n_cases))
        chunk_arr = Arrivals(arrivals.received[part], arrivals.theme[part], arrivals.channel[part],
                             arrivals.service[part])
        chunk_rng = np.random.default_rng([seed, 2, k])
        with db.transaction() as cur:
            chunk = _build_chunk(cur, chunk_rng, chunk_arr, customers, who[part], clocks, desk, until_s, policy)
            _write_chunk(cur, chunk_rng, chunk, report)
        progress(part.stop, n_cases)
    with db.transaction() as cur:
        _record_generation(cur, report, n_cases, actor_name)
    return report
