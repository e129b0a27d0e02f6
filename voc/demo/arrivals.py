"""When and about what the demo's complaints arrive: daily volume with growth, weekdays and the
Tết dip, spikes and recurring incidents, then one receipt time, theme, channel and service per case."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import holidays
import numpy as np

from voc.demo.calendars import DAY, HOUR, LOCAL_OFFSET, _day_date, _fmt_day, _local_day
from voc.demo.texts_themes import THEME_INDEX, THEMES
from voc.model import Channel, Service

CHANNELS = (Channel.IN_PERSON, Channel.HOTLINE, Channel.EMAIL, Channel.POST)
# Channel mix per weekday (Mon..Sun): branches are closed on Sunday, post is not delivered at weekends.
_CHANNEL_MIX = np.array([[0.12, 0.36, 0.44, 0.08]] * 5 + [[0.08, 0.42, 0.48, 0.02], [0.0, 0.52, 0.48, 0.0]])
_WEEKDAY_FACTOR = np.array([1.18, 1.12, 1.06, 1.0, 0.96, 0.62, 0.38])
GROWTH = 1.8                     # volume at the end of the history relative to its start
SERVICES = tuple(Service)
_CHANNEL_NAMES = tuple(c.value for c in CHANNELS)


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
    t = THEME_INDEX
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
        out.append(Spike(day, np.full(length, peak), {THEME_INDEX[key]: 1.0}, services[key],
                         f"Sự cố lặp lại ({THEMES[THEME_INDEX[key]].label}) {{start}}–{{end}}"))
        day += int(rng.integers(40, 80))
    return out


def _intensity(days: np.ndarray, spikes: list[Spike]) -> tuple[np.ndarray, np.ndarray]:
    """Expected volume per (day, theme) and the service a spike imposes there (-1: none)."""
    shares = np.array([th.share for th in THEMES])
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
    day_idx, theme = np.divmod(cell, len(THEMES))
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
    table = np.array([[th.services.get(s, 0.0) for s in SERVICES] for th in THEMES])
    cum = np.cumsum(table / table.sum(axis=1, keepdims=True), axis=1)
    drawn = (rng.random(len(theme))[:, None] > cum[theme]).sum(axis=1).clip(0, len(SERVICES) - 1)
    take = (imposed >= 0) & (rng.random(len(theme)) < 0.85)
    return np.where(take, imposed, drawn)


def _describe(spikes: list[Spike], arr: Arrivals) -> list[str]:
    days = _local_day(arr.received)
    out = []
    for spike in spikes[:3]:
        inside = (days >= spike.start_day) & (days <= spike.end_day) & np.isin(arr.theme, list(spike.themes))
        out.append(spike.label.format(start=_fmt_day(spike.start_day), end=_fmt_day(spike.end_day))
                   + f" ({int(inside.sum())} hồ sơ).")
    recurring = spikes[3:]
    if recurring:
        labels = sorted({THEMES[next(iter(s.themes))].label for s in recurring})
        last = recurring[-1]
        out.append(f"Sự cố lặp lại: {len(recurring)} đợt ngắn 1–3 ngày ({', '.join(labels)}), "
                   f"đợt gần nhất {_fmt_day(last.start_day)}–{_fmt_day(last.end_day)}.")
    return out
