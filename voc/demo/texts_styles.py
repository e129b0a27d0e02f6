"""Writing styles of the demo's customer texts, and the fragments prepared in them.

Every fragment is prepared once in several writing styles: accented, accented chat ("ko", "đc",
"j", "mik"), without diacritics, without diacritics + chat, and formal ("tôi", "Quý công ty"), each
also with one typo variant. Each prepared string carries its folded twin (voc.text.fold semantics
without trimming), so a whole text's search key is assembled from pieces instead of folding a
million texts.
"""
from __future__ import annotations

import random
import re
import unicodedata
from dataclasses import dataclass

from voc.plaintext import strip_diacritics

ACCENT, CHAT, PLAIN, PLAIN_CHAT, FORMAL = range(5)
N_STYLES = 5
N_VARIANTS = 2  # 0 = as written, 1 = with one typo

# Chat abbreviations customers use; one replacement is chosen per fragment and style.
_ABBREVIATIONS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("như thế nào", ("ntn",)),
    ("anh em", ("ae",)),
    ("bây giờ", ("bh", "bjo")),
    ("điện thoại", ("đt",)),
    ("khách hàng", ("KH", "khách")),
    ("trả lời", ("tl", "rep")),
    ("không", ("ko", "k", "hok", "kg")),
    ("được", ("đc", "dc")),
    ("gì", ("j",)),
    ("mình", ("mik", "mk")),
    ("với", ("vs",)),
    ("rồi", ("r", "rùi")),
    ("biết", ("bít",)),
    ("vậy", ("v",)),
    ("nhé", ("nha", "nhá")),
    ("thôi", ("thui",)),
    ("quá", ("wá", "quá")),
    ("tại sao", ("sao",)),
)
_ABBREV_RE = re.compile(r"(?<!\w)(" + "|".join(re.escape(k) for k, _ in _ABBREVIATIONS) + r")(?!\w)")
_ABBREV = dict(_ABBREVIATIONS)

# Formal register for letters sent by post and receipts written at a branch.
_FORMAL: tuple[tuple[str, str], ...] = (
    ("bên bạn", "Quý công ty"), ("các bạn", "Quý công ty"), ("mình", "tôi"), ("mik", "tôi"),
    ("ko", "không"), ("k", "không"), ("đc", "được"), ("dc", "được"),
)
_FORMAL_RE = re.compile(r"(?<!\w)(" + "|".join(re.escape(k) for k, _ in _FORMAL) + r")(?!\w)")
_FORMAL_MAP = dict(_FORMAL)


def nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def fold_piece(text: str) -> str:
    """voc.text.fold without collapsing or trimming spaces: folding is then compositional."""
    return strip_diacritics(nfc(text)).lower()


def _chat(text: str, rng: random.Random) -> str:
    def swap(match: re.Match) -> str:
        word = match.group(1)
        return rng.choice(_ABBREV[word]) if rng.random() < 0.8 else word

    return _ABBREV_RE.sub(swap, text)


def _formal(text: str) -> str:
    return _FORMAL_RE.sub(lambda m: _FORMAL_MAP[m.group(1)], text)


_TYPO_WORD = re.compile(r"(?<![{\w])([^\W\d_]{4,})(?![\w}])")


def _typo(text: str, rng: random.Random) -> str:
    """One typing slip in one word: two letters swapped, a letter dropped or doubled."""
    words = list(_TYPO_WORD.finditer(text))
    if not words:
        return text
    match = rng.choice(words)
    word = match.group(1)
    i = rng.randrange(1, len(word) - 1)
    op = rng.randrange(3)
    if op == 0:
        slipped = word[:i] + word[i + 1] + word[i] + word[i + 2:]
    elif op == 1:
        slipped = word[:i] + word[i + 1:]
    else:
        slipped = word[:i] + word[i] + word[i:]
    return text[:match.start(1)] + slipped + text[match.end(1):]


@dataclass(frozen=True)
class Styled:
    """One fragment in every style and variant: display[style][variant], the same in sentence case,
    and the folded twin."""

    display: tuple[tuple[str, ...], ...]
    sentence: tuple[tuple[str, ...], ...]
    folded: tuple[tuple[str, ...], ...]


def styled(text: str, rng: random.Random) -> Styled:
    base = nfc(text.strip())
    chat = _chat(base, rng)
    forms = [base, chat, strip_diacritics(base), strip_diacritics(chat), _formal(base)]
    display = tuple((form, _typo(form, rng)) for form in forms)
    sentence = tuple(tuple(capitalize(v) for v in variants) for variants in display)
    folded = tuple(tuple(fold_piece(v) for v in variants) for variants in display)
    return Styled(display, sentence, folded)


def capitalize(text: str) -> str:
    """Sentence case, leaving words such as "cPanel" or "iPhone" alone."""
    first = text.split(" ", 1)[0]
    if any(ch.isupper() for ch in first):
        return text
    return text[:1].upper() + text[1:]
