"""The customers' texts and contact details of a chunk of demo cases: a writing style and length
per channel, the complaint and request composed in them, and the search key built alongside."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Iterator

import numpy as np

from voc.demo.arrivals import _CHANNEL_NAMES, Arrivals
from voc.demo.people import Customers
from voc.demo.texts_compose import CHANNEL_LENGTHS, CHANNEL_STYLES, compose_complaint, compose_request


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


_STYLE_TABLE = [list(CHANNEL_STYLES[c]) for c in _CHANNEL_NAMES]
_LENGTH_TABLE = [list(enumerate(CHANNEL_LENGTHS[c])) for c in _CHANNEL_NAMES]


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
        content, content_f = compose_complaint(theme[i], service[i], ch, int(style[i]), int(length[i]), rolls)
        request, request_f = compose_request(theme[i], int(style[i]), rolls)
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
