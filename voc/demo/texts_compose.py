"""Composing one customer's complaint and request from the prepared fragments, in one writing style
and length per channel (email and post longer, hotline notes short)."""
from __future__ import annotations

import random

from voc.demo.texts_fragments import (CLOSINGS, DURATIONS, EMOTIONS, IMPACTS, OPENERS, POST_CLOSINGS,
                                      REQUEST_PREFIXES, REQUEST_SUFFIXES, SERVICE_WORDS, SITES, SUPPORT_GRIPES)
from voc.demo.texts_styles import ACCENT, CHAT, FORMAL, N_STYLES, PLAIN, PLAIN_CHAT, Styled, capitalize, styled
from voc.demo.texts_themes import THEMES
from voc.model import Service

MIXED = N_STYLES  # a row style: each sentence accented or not, as autocorrect and habit allow
CHANNEL_STYLES: dict[str, tuple[tuple[int, float], ...]] = {
    "hotline": ((ACCENT, 0.28), (CHAT, 0.20), (PLAIN, 0.26), (PLAIN_CHAT, 0.20), (MIXED, 0.06)),
    "email": ((ACCENT, 0.48), (CHAT, 0.17), (PLAIN, 0.18), (PLAIN_CHAT, 0.10), (MIXED, 0.07)),
    "in_person": ((ACCENT, 0.68), (FORMAL, 0.15), (PLAIN, 0.09), (CHAT, 0.04), (MIXED, 0.04)),
    "post": ((FORMAL, 0.85), (ACCENT, 0.15)),
}
SHORT, MEDIUM, LONG = range(3)
CHANNEL_LENGTHS: dict[str, tuple[float, float, float]] = {
    "hotline": (0.45, 0.45, 0.10), "email": (0.20, 0.45, 0.35), "in_person": (0.25, 0.55, 0.20),
    "post": (0.0, 0.0, 1.0),
}
TYPO_RATE = 0.07
_CHATTY = (CHAT, PLAIN_CHAT)


def _styled_all(texts, rng: random.Random) -> tuple[Styled, ...]:
    return tuple(styled(t, rng) for t in texts)


def _parse_problem(template: str) -> tuple[frozenset[Service] | None, str]:
    head, sep, text = template.partition("|")
    if not sep:
        return None, template
    return frozenset(Service(s) for s in head.split(",")), text


class TextBank:
    """All fragments prepared in every style, and the service-eligible problem templates per theme."""

    def __init__(self, seed: int = 20240601):
        rng = random.Random(seed)
        self.problems, self.eligible = [], {}
        for t_idx, theme in enumerate(THEMES):
            parsed = [_parse_problem(p) for p in theme.problems]
            self.problems.append(_styled_all([text for _, text in parsed], rng))
            for s_idx, service in enumerate(Service):
                ok = [i for i, (only, _) in enumerate(parsed) if only is None or service in only]
                self.eligible[(t_idx, s_idx)] = tuple(ok or range(len(parsed)))
        self.details = [_styled_all(t.details, rng) for t in THEMES]
        self.requests = [_styled_all(t.requests, rng) for t in THEMES]
        self.impacts = _styled_all(IMPACTS, rng)
        self.gripes = _styled_all(SUPPORT_GRIPES, rng)
        self.emotions = _styled_all(EMOTIONS, rng)
        self.closings = _styled_all(CLOSINGS, rng)
        self.openers = {ch: _styled_all(texts, rng) for ch, texts in OPENERS.items()}
        self.post_closings = _styled_all(POST_CLOSINGS, rng)
        self.prefixes = _styled_all(REQUEST_PREFIXES, rng)
        self.suffixes = tuple(styled(s, rng) if s else None for s in REQUEST_SUFFIXES)
        self.service_words = [_styled_all(SERVICE_WORDS[s], rng) for s in Service]
        self.durations = _styled_all(DURATIONS, rng)


_BANK: TextBank | None = None


def bank() -> TextBank:
    global _BANK
    if _BANK is None:
        _BANK = TextBank()
    return _BANK


def pick(items, u: float):
    """The item at uniform position u in [0, 1)."""
    return items[int(u * len(items))]


class _Writer:
    """Builds one text and its folded twin sentence by sentence in one writing style."""

    def __init__(self, style: int, rolls, slots: dict[str, tuple[str, str]] | None = None):
        self.style, self.rolls, self.slots = style, rolls, slots or {}
        self.parts: list[str] = []
        self.folded: list[str] = []
        self.raw_last = False  # the previous part keeps its own punctuation

    def _append(self, text: str, folded: str, raw: bool) -> None:
        sep = " " if self.raw_last or self.style not in _CHATTY else ", "
        if self.parts:
            text, folded = sep + text, sep + folded
        self.parts.append(text)
        self.folded.append(folded)
        self.raw_last = raw

    def _sentence_style(self) -> int:
        if self.style == MIXED:
            return ACCENT if next(self.rolls) < 0.5 else PLAIN
        return self.style

    def add(self, piece: Styled, end: str = ".") -> None:
        style = self._sentence_style()
        variant = 1 if next(self.rolls) < TYPO_RATE else 0
        chatty = self.style in _CHATTY
        text = (piece.display if chatty else piece.sentence)[style][variant]
        folded = piece.folded[style][variant]
        if "{" in text:
            for name, (value, value_folded) in self.slots.items():
                slot = "{" + name + "}"
                if slot in text:
                    text, folded = text.replace(slot, value), folded.replace(slot, value_folded)
            if not chatty:
                text = capitalize(text)
        if not chatty:
            text, folded = text + end, folded + end
        self._append(text, folded, False)

    def add_raw(self, piece: Styled) -> None:
        """An opener or formula that keeps its own punctuation."""
        style = ACCENT if self.style == MIXED else self.style
        self._append(piece.display[style][0], piece.folded[style][0], True)

    def result(self) -> tuple[str, str]:
        return "".join(self.parts), "".join(self.folded)


def _slot_values(b: TextBank, service_idx: int, style: int, rolls) -> dict[str, tuple[str, str]]:
    style = ACCENT if style == MIXED else style
    svc = pick(b.service_words[service_idx], next(rolls))
    dur = pick(b.durations, next(rolls))
    site = pick(SITES, next(rolls))
    return {"svc": (svc.display[style][0], svc.folded[style][0]),
            "dur": (dur.display[style][0], dur.folded[style][0]), "site": (site, site)}


def compose_complaint(theme_idx: int, service_idx: int, channel: str, style: int, length: int,
                      rolls) -> tuple[str, str]:
    """One complaint text (and its folded twin); `rolls` yields uniform numbers in [0, 1)."""
    b = bank()
    w = _Writer(style, rolls, _slot_values(b, service_idx, style, rolls))
    problem = b.problems[theme_idx][pick(b.eligible[(theme_idx, service_idx)], next(rolls))]
    details = b.details[theme_idx]
    if channel == "post":
        w.add_raw(pick(b.openers["post"], next(rolls)))
        w.add(problem)
        w.add(pick(details, next(rolls)))
        w.add(pick(b.impacts, next(rolls)))
        w.add_raw(pick(b.post_closings, next(rolls)))
        return w.result()
    if length == SHORT:
        w.add(problem)
        if next(rolls) < 0.3:
            w.add(pick(b.emotions, next(rolls)), "!")
        return w.result()
    if next(rolls) < (0.8 if channel == "email" or length == LONG else 0.4):
        w.add_raw(pick(b.openers[channel], next(rolls)))
    w.add(problem)
    if length == MEDIUM:
        extra = next(rolls)
        w.add(pick(details if extra < 0.5 else b.impacts, next(rolls)))
        if next(rolls) < 0.5:
            w.add(pick(b.closings, next(rolls)))
        return w.result()
    if next(rolls) < 0.3:
        w.add(b.problems[theme_idx][pick(b.eligible[(theme_idx, service_idx)], next(rolls))])
    w.add(pick(details, next(rolls)))
    w.add(pick(b.impacts, next(rolls)))
    if next(rolls) < 0.5:
        w.add(pick(b.gripes, next(rolls)))
    if next(rolls) < 0.6:
        w.add(pick(b.emotions, next(rolls)), "!" if next(rolls) < 0.5 else "...")
    w.add(pick(b.closings, next(rolls)))
    return w.result()


def compose_request(theme_idx: int, style: int, rolls) -> tuple[str, str]:
    """What the customer asks, in the same writing style as the complaint."""
    b = bank()
    style = (ACCENT if next(rolls) < 0.5 else PLAIN) if style == MIXED else style
    parts = [pick(b.prefixes, next(rolls)), pick(b.requests[theme_idx], next(rolls))]
    suffix = pick(b.suffixes, next(rolls))
    if suffix is not None:
        parts.append(suffix)
    chatty = style in _CHATTY
    text = " ".join([parts[0].display[style][0] if chatty else parts[0].sentence[style][0]]
                    + [p.display[style][0] for p in parts[1:]])
    return text, " ".join(p.folded[style][0] for p in parts)
