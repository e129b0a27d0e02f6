"""One raw message (bytes) -> ParsedMail: sender, subject, text, attachments, threading and loop headers.

Pure: no database, no network. The stdlib `email` package with `policy.default` does the MIME work;
everything around it is defensive, because the bytes come from anyone on the internet:

- the message key (Message-ID, else a SHA-256 of the bytes) is read from the raw header block, so
  it is the same on every fetch even when the rest of the message cannot be parsed;
- headers are decoded one at a time from their raw values, cut to a sane length first (the stdlib
  header parser is slow on huge values); 8-bit headers are taken as UTF-8, else windows-1258;
- parts are walked iteratively with limits on depth and count; each text part is decoded with its
  declared charset (unknown or wrong ones fall back to UTF-8, then windows-1258);
- all text is NFC-normalised (windows-1258 writes Vietnamese tones as combining marks).

`MailRefused` carries the Vietnamese reason a message cannot become a case; it goes to quarantine.
"""
from __future__ import annotations

import codecs
import functools
import hashlib
import mimetypes
import re
import unicodedata
from dataclasses import dataclass, field
from email import policy
from email.policy import EmailPolicy
from email.message import EmailMessage
from email.parser import BytesParser

from voc.mail.html_text import html_to_text
from voc.numbers import vn_number

MAX_MESSAGE_BYTES = 20 * 1024 * 1024      # bigger messages are not made into cases (quarantine)
MAX_HEADER_BYTES = 256 * 1024             # the whole header block
MAX_RECIPIENTS = 100                      # To + Cc; more is a mass mailing, not a complaint
MAX_PARTS = 300
MAX_DEPTH = 25
MAX_TEXT_PART_BYTES = 5 * 1024 * 1024     # a text part is cut here before decoding
MAX_IDS = 100                             # Message-IDs kept from In-Reply-To / References
_HEADER_CHARS = {"from": 2_000, "reply-to": 2_000, "subject": 2_000}
_FALLBACK_CHARSETS = ("utf-8", "windows-1258")
_MSGID = re.compile(r"<[^<>\s]{1,500}>")
_RAW_MSGID = re.compile(rb"^message-id:[ \t]*(<[^<>\s]{1,500}>)", re.IGNORECASE | re.MULTILINE)
_FOLD = re.compile(rb"\r?\n[ \t]+")
_LINESEP = re.compile(r"\r\n|\r|\n")
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u200b-\u200f\u202a-\u202e\u2060\ufeff]")
_BLANK_LINES = re.compile(r"\n{3,}")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class _Policy(EmailPolicy):
    """policy.default, except that a header value seen before is not parsed again: the parser and
    every `get_content_type()` ask for Content-Type / Content-Transfer-Encoding / Content-Disposition
    over and over, and most mails carry the same few values. Parsed headers are immutable."""

    def header_fetch_parse(self, name, value):
        if hasattr(value, "name") or len(value) > _CACHED_HEADER_CHARS:
            return super().header_fetch_parse(name, value)
        return _parsed_header(name, value)


_CACHED_HEADER_CHARS = 300


@functools.lru_cache(maxsize=2048)
def _parsed_header(name: str, value: str):
    return policy.default.header_fetch_parse(name, value)


_POLICY = _Policy()


class MailRefused(Exception):
    """The message cannot become a case; `str()` is the Vietnamese reason shown in quarantine."""


@dataclass(frozen=True)
class MailPart:
    """An attached file as found in the message (not yet checked against the intake rules)."""

    filename: str
    content: bytes
    declared_type: str


@dataclass
class ParsedMail:
    key: str                                  # 'mid:<...>' or 'sha256:...'
    message_id: str | None
    from_name: str
    from_address: str | None
    from_text: str                            # the From header as decoded text, even when unusable
    reply_to: str | None
    subject: str
    text: str
    attachments: list[MailPart] = field(default_factory=list)
    in_reply_to: list[str] = field(default_factory=list)
    references: list[str] = field(default_factory=list)
    content_type: str = "text/plain"
    auto_submitted: str | None = None
    x_autoreply: str | None = None
    precedence: str | None = None
    return_path: str | None = None
    failed_recipients: bool = False
    recipients: int = 0
    defects: list[str] = field(default_factory=list)

    @property
    def contact_address(self) -> str | None:
        """Where answers go: Reply-To when it is a valid address, else From."""
        return self.reply_to or self.from_address

    @property
    def thread_ids(self) -> list[str]:
        """Message-IDs this one answers, most specific first."""
        seen, out = set(), []
        for mid in self.in_reply_to + self.references[::-1]:
            if mid not in seen:
                seen.add(mid)
                out.append(mid)
        return out


# --- raw header block ---------------------------------------------------------------------------

def header_block(raw: bytes) -> bytes:
    """The header lines, unfolded (one header per line)."""
    end = len(raw)
    for sep in (b"\r\n\r\n", b"\n\n"):
        at = raw.find(sep, 0, MAX_HEADER_BYTES + 4)
        if at != -1:
            end = min(end, at)
    return _FOLD.sub(b" ", raw[:min(end, MAX_HEADER_BYTES)])


def message_key(raw: bytes) -> tuple[str, str | None]:
    """(key, Message-ID): the same for the same message on every fetch, parseable or not."""
    match = _RAW_MSGID.search(header_block(raw))
    if match:
        mid = match.group(1).decode("ascii", "replace")
        return f"mid:{mid}", mid
    return f"sha256:{hashlib.sha256(raw).hexdigest()}", None


def count_recipients(block: bytes) -> int:
    """Addresses in To and Cc, counted on the raw lines (never parsed: there may be thousands)."""
    total = 0
    for line in block.splitlines():
        name = line.split(b":", 1)[0].strip().lower()
        if name in (b"to", b"cc"):
            total += line.count(b"@")
    return total


# --- decoding -----------------------------------------------------------------------------------

def nfc(text: str) -> str:
    """Display text: NFC, no control characters except newline and tab, at most one blank line."""
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = _CONTROLS.sub("", text)
    lines = [line.rstrip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def decode_bytes(data: bytes, charset: str | None) -> str:
    """Bytes in the declared charset; an unknown charset, or undeclared 8-bit text, falls back
    to UTF-8 and then windows-1258 (the Vietnamese Windows code page)."""
    name = (charset or "").strip().strip('"').lower()
    try:
        codec = codecs.lookup(name).name if name else None
    except LookupError:
        codec = None
    if codec in (None, "ascii") and not data.isascii():
        codec = None
    if codec:
        return data.decode(codec, errors="replace")
    for fallback in _FALLBACK_CHARSETS:
        try:
            return data.decode(fallback)
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", errors="replace")


def _raw_headers(msg: EmailMessage) -> dict[str, str]:
    """The first raw value of each header (name lower-cased)."""
    found: dict[str, str] = {}
    for name, value in msg.raw_items():
        found.setdefault(name.lower(), value)
    return found


def _undo_8bit(value: str) -> str:
    """An undeclared 8-bit header value (kept by the parser as surrogate escapes) decoded as text."""
    if not any("\udc80" <= ch <= "\udcff" for ch in value):
        return value
    return decode_bytes(value.encode("ascii", "surrogateescape"), None)


def _header(raw: dict[str, str], name: str):
    """The header object for `name` from its raw value, or None; never raises."""
    value = raw.get(name)
    if value is None:
        return None
    value = _undo_8bit(_LINESEP.sub("", value[:_HEADER_CHARS.get(name, 4_000)]))    # unfold, as the stdlib does
    try:
        return policy.default.header_factory(name, value)
    except Exception:       # a header the stdlib cannot make sense of: keep its text as is
        return value


def _text_header(raw: dict[str, str], name: str, header=None) -> str:
    header = _header(raw, name) if header is None else header
    return nfc(str(header)).replace("\n", " ") if header is not None else ""


def _address(raw: dict[str, str], name: str, header=None) -> tuple[str, str | None]:
    """(display name, address) of the first usable address in header `name` (or the given parsed one)."""
    header = _header(raw, name) if header is None else header
    for addr in getattr(header, "addresses", ()):
        spec = f"{addr.username}@{addr.domain}" if addr.username and addr.domain else ""
        spec = nfc(_undo_8bit(spec))
        if _EMAIL.match(spec):
            return nfc(_undo_8bit(addr.display_name or "")), spec.lower()
    return "", None


def _ids(raw: dict[str, str], name: str) -> list[str]:
    value = raw.get(name) or ""
    return _MSGID.findall(value[-64_000:])[-MAX_IDS:]


def _flag(raw: dict[str, str], name: str) -> str | None:
    value = raw.get(name)
    return value.strip().lower()[:200] if value is not None else None


# --- body ---------------------------------------------------------------------------------------

def _part_text(part: EmailMessage) -> str:
    payload = part.get_payload(decode=True) or b""
    if isinstance(payload, str):
        payload = payload.encode("utf-8", "surrogateescape")
    return decode_bytes(payload[:MAX_TEXT_PART_BYTES], part.get_content_charset())


def _filename(part: EmailMessage) -> str | None:
    try:
        name = part.get_filename()
    except Exception:
        name = None
    if name:
        return nfc(_undo_8bit(str(name))).replace("\n", " ")[:200] or None
    return None


def _default_name(index: int, ctype: str) -> str:
    ext = {"image/jpeg": ".jpg", "text/plain": ".txt"}.get(ctype) or mimetypes.guess_extension(ctype) or ".bin"
    return f"tep-dinh-kem-{index}{ext}"


def _walk(msg: EmailMessage):
    """Leaf parts in document order, iteratively, within MAX_DEPTH and MAX_PARTS."""
    stack = [(msg, 0)]
    seen = 0
    while stack:
        part, depth = stack.pop()
        seen += 1
        if seen > MAX_PARTS:
            raise MailRefused(f"Thư có quá nhiều phần MIME (hơn {MAX_PARTS}).")
        if depth > MAX_DEPTH:
            raise MailRefused(f"Cấu trúc MIME lồng nhau quá sâu (hơn {MAX_DEPTH} mức).")
        if part.is_multipart():
            children = part.get_payload()
            if isinstance(children, list):
                stack.extend((child, depth + 1) for child in reversed(children))
            continue
        yield part


def _body(msg: EmailMessage) -> tuple[str, list[MailPart]]:
    plain: list[str] = []
    html: list[str] = []
    files: list[MailPart] = []
    for part in _walk(msg):
        ctype = part.get_content_type()
        try:
            disposition = part.get_content_disposition()
        except Exception:
            disposition = None
        name = _filename(part)
        if ctype in ("text/plain", "text/html") and disposition != "attachment" and not name:
            (plain if ctype == "text/plain" else html).append(_part_text(part))
            continue
        try:
            content = part.get_payload(decode=True) or b""
        except Exception:
            content = b""
        if isinstance(content, str):
            content = content.encode("utf-8", "surrogateescape")
        files.append(MailPart(name or _default_name(len(files) + 1, ctype), content, ctype))
    if plain:
        text = "\n\n".join(plain)
    else:
        text = "\n\n".join(html_to_text(h) for h in html)
    return nfc(text), files


# --- the whole message --------------------------------------------------------------------------

def parse(raw: bytes, max_bytes: int | None = MAX_MESSAGE_BYTES) -> ParsedMail:
    """Parse a message; raises MailRefused when it cannot be read at all or is over `max_bytes`."""
    key, message_id = message_key(raw)
    if max_bytes is not None and len(raw) > max_bytes:
        raise MailRefused(f"Thư quá lớn ({vn_number(len(raw) / 1024 / 1024, 1)} MB; tối đa "
                          f"{MAX_MESSAGE_BYTES // 1024 // 1024} MB).")
    block = header_block(raw)
    if len(block) >= MAX_HEADER_BYTES:
        raise MailRefused(f"Phần đầu thư (header) quá lớn (hơn {MAX_HEADER_BYTES // 1024} KB).")
    try:
        msg = BytesParser(policy=_POLICY).parsebytes(raw)
    except Exception as error:      # the stdlib parser is lenient; this is the truly unreadable
        raise MailRefused(f"Không phân tích được cấu trúc MIME của thư ({type(error).__name__}).") from None
    raw_headers = _raw_headers(msg)
    from_header = _header(raw_headers, "from")         # parsed once for the address and the text
    from_name, from_address = _address(raw_headers, "from", from_header)
    _, reply_to = _address(raw_headers, "reply-to")
    try:
        text, files = _body(msg)
        content_type = msg.get_content_type()
    except MailRefused:
        raise
    except RecursionError:
        raise MailRefused("Cấu trúc MIME lồng nhau quá sâu.") from None
    except Exception as error:
        raise MailRefused(f"Không đọc được nội dung thư ({type(error).__name__}).") from None
    return ParsedMail(
        key=key, message_id=message_id, from_name=from_name, from_address=from_address,
        from_text=_text_header(raw_headers, "from", from_header)[:500], reply_to=reply_to,
        subject=_text_header(raw_headers, "subject"), text=text, attachments=files,
        in_reply_to=_ids(raw_headers, "in-reply-to"), references=_ids(raw_headers, "references"),
        content_type=content_type, auto_submitted=_flag(raw_headers, "auto-submitted"),
        x_autoreply=_flag(raw_headers, "x-autoreply") or _flag(raw_headers, "x-autorespond"),
        precedence=_flag(raw_headers, "precedence"), return_path=_flag(raw_headers, "return-path"),
        failed_recipients="x-failed-recipients" in raw_headers, recipients=count_recipients(block),
        defects=[type(d).__name__ for d in msg.defects][:20],
    )


def headers_summary(raw: bytes) -> tuple[str, str]:
    """(From, Subject) as text for the quarantine list, from any bytes at all."""
    try:
        msg = BytesParser(policy=policy.default).parsebytes(header_block(raw) + b"\r\n\r\n", headersonly=True)
        raw_headers = _raw_headers(msg)
        return _text_header(raw_headers, "from")[:300], _text_header(raw_headers, "subject")[:300]
    except Exception:
        return "", ""
