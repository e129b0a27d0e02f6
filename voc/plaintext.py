"""Vietnamese text normalisation shared by search and the theme engine."""
from __future__ import annotations

import re
import unicodedata

_SPACES = re.compile(r"\s+")
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2060\ufeff]")


def strip_diacritics(text: str) -> str:
    """Remove Vietnamese tone and vowel marks, mapping đ/Đ to d/D (which NFD does not split)."""
    decomposed = unicodedata.normalize("NFD", text)
    bare = "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn")
    return unicodedata.normalize("NFC", bare.replace("đ", "d").replace("Đ", "D"))


def fold(text: str | None) -> str:
    """Search key: lower-case, diacritics-free, single spaces. "Mạng CHẬM" -> "mang cham"."""
    if not text:
        return ""
    text = _CONTROLS.sub("", text)
    return _SPACES.sub(" ", strip_diacritics(unicodedata.normalize("NFC", text)).lower()).strip()


def clean_text(text: str | None) -> str:
    """Typed text as stored: NUL bytes removed (DuckDB and exports choke on them), ends trimmed."""
    return (text or "").replace("\x00", "").strip()
