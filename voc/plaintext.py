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


_PHONE_TYPED = re.compile(r"^[0-9+ .()\-]+$")
MIN_PHONE_DIGITS = 6


def phone_key(text: str | None) -> str:
    """A phone number however it was written, as its national digits: "0912 345 678",
    "0912.345.678", "+84912345678" and "84912345678" all give "912345678". The leading 84 or 0
    goes only from a whole number (11+ or 10+ digits), so a typed tail such as "045678" stays as is.
    A stored number matches when its digits end with the key (voc.store.case_store)."""
    digits = re.sub(r"[^0-9]", "", text or "")
    if digits.startswith("84") and len(digits) >= 11:
        return digits[2:]
    if digits.startswith("0") and len(digits) >= 10:
        return digits[1:]
    return digits


def phone_query(text: str | None) -> str | None:
    """The phone key of a search that is a phone number or its last digits (6+), else None."""
    text = (text or "").strip()
    if not text or not _PHONE_TYPED.match(text):
        return None
    key = phone_key(text)
    return key if len(key) >= MIN_PHONE_DIGITS else None


def email_query(text: str | None) -> str | None:
    """A search containing "@" looks for an e-mail address (lower-cased; a part of one will do)."""
    text = (text or "").strip().lower()
    return text if "@" in text and " " not in text else None
