"""The complaints mailbox over IMAP (stdlib imaplib): list what is new, fetch it, mark it done.

"Done" is the keyword $VocDone (plus \\Seen, so people reading the mailbox see it was handled).
The pass looks for messages without $VocDone, so a person opening a message in their mail client
does not hide it from the desk. A server that does not allow keywords gets \\Seen alone, and the
pass then looks for UNSEEN messages. Fetching uses BODY.PEEK, which changes no flag: nothing is
marked before its case is committed.
"""
from __future__ import annotations

import imaplib
import re
import socket
import time
from dataclasses import dataclass
from datetime import datetime, timezone

from voc.errors import DomainError
from voc.mail.settings import ImapSecurity, ImapSettings

DONE_KEYWORD = "$VocDone"
TIMEOUT_SECONDS = 60
KEEP_LIMIT_BYTES = 40 * 1024 * 1024     # larger messages: only the header is fetched and kept
_FETCH_ITEM = re.compile(rb"RFC822\.SIZE (\d+)")
_UID = re.compile(rb"UID (\d+)")


class MailServerError(DomainError):
    """The mailbox could not be reached or read; the message never contains the password."""


@dataclass(frozen=True)
class Fetched:
    uid: int
    raw: bytes
    size: int
    received_at: datetime | None      # INTERNALDATE: arrival at the mailbox
    complete: bool                    # False: only the header was fetched (over KEEP_LIMIT_BYTES)


@dataclass(frozen=True)
class Meta:
    """What the server says of a message before it is fetched."""

    uid: int
    size: int
    received_at: datetime | None


def uid_set(uids: list[int]) -> str:
    """An IMAP UID set, runs of consecutive UIDs as ranges: [3, 4, 5, 9] -> '3:5,9'."""
    runs: list[list[int]] = []
    for uid in sorted(set(uids)):
        if runs and uid == runs[-1][1] + 1:
            runs[-1][1] = uid
        else:
            runs.append([uid, uid])
    return ",".join(str(a) if a == b else f"{a}:{b}" for a, b in runs)


def _internaldate(response: bytes) -> datetime | None:
    parsed = imaplib.Internaldate2tuple(response)
    if parsed is None:
        return None
    return datetime.fromtimestamp(time.mktime(parsed), timezone.utc)


class Mailbox:
    """One IMAP session on the configured mailbox; use as a context manager."""

    def __init__(self, settings: ImapSettings):
        self.settings = settings
        self._imap: imaplib.IMAP4 | None = None
        self.keywords = False

    def __enter__(self) -> "Mailbox":
        s = self.settings
        try:
            cls = imaplib.IMAP4_SSL if s.security is ImapSecurity.TLS else imaplib.IMAP4
            self._imap = cls(s.host, s.port, timeout=TIMEOUT_SECONDS)
            self._imap.login(s.user, s.password)
            status, _ = self._imap.select(_quote(s.mailbox))
            if status != "OK":
                raise MailServerError(f"Không mở được hộp thư “{s.mailbox}” trên {s.host}:{s.port}.")
            flags = self._imap.response("PERMANENTFLAGS")[1]
            self.keywords = bool(flags and flags[0] and b"\\*" in flags[0])
        except MailServerError:
            self._close()
            raise
        except imaplib.IMAP4.error as error:
            self._close()
            raise MailServerError(f"Máy chủ thư {s.host}:{s.port} từ chối: {_text(error)}") from None
        except (OSError, socket.timeout) as error:
            self._close()
            raise MailServerError(f"Không kết nối được máy chủ thư {s.host}:{s.port} "
                                  f"({type(error).__name__}: {_text(error)}).") from None
        return self

    def __exit__(self, *exc) -> None:
        self._close()

    def _close(self) -> None:
        if self._imap is None:
            return
        try:
            self._imap.logout()
        except Exception:       # the session is over either way
            pass
        self._imap = None

    def pending(self) -> list[int]:
        """UIDs of messages not yet done, oldest first."""
        criteria = ("UNKEYWORD", DONE_KEYWORD) if self.keywords else ("UNSEEN",)
        try:
            status, data = self._imap.uid("SEARCH", None, *criteria)
        except (imaplib.IMAP4.error, OSError) as error:
            raise MailServerError(f"Máy chủ thư không trả lời lệnh tìm thư mới ({type(error).__name__}).") from None
        if status != "OK":
            raise MailServerError("Máy chủ thư không trả lời lệnh tìm thư mới.")
        return sorted(int(x) for x in (data[0] or b"").split())

    def sizes(self, uids: list[int]) -> list[Meta]:
        """Size and arrival of each message of `uids` that is still there, in one round trip."""
        if not uids:
            return []
        status, data = self._imap.uid("FETCH", uid_set(uids), "(RFC822.SIZE INTERNALDATE)")
        if status != "OK":
            raise imaplib.IMAP4.error(f"FETCH {status}")
        found: dict[int, Meta] = {}
        for item in data:
            line = item[0] if isinstance(item, tuple) else item
            uid = _UID.search(line) if isinstance(line, bytes) else None
            size = _FETCH_ITEM.search(line) if uid else None
            if uid and size:
                found[int(uid.group(1))] = Meta(int(uid.group(1)), int(size.group(1)), _internaldate(line))
        return [found[u] for u in uids if u in found]

    def fetch_many(self, metas: list[Meta]) -> list[Fetched]:
        """The messages of `metas` (from `sizes`) in one round trip (two if some are over the keep
        limit: only their header is fetched). Never sets a flag; a message gone meanwhile is left out."""
        bodies: dict[int, bytes] = {}
        for complete in (True, False):
            uids = [m.uid for m in metas if (m.size <= KEEP_LIMIT_BYTES) is complete]
            if not uids:
                continue
            item = "BODY.PEEK[]" if complete else "BODY.PEEK[HEADER]"
            status, data = self._imap.uid("FETCH", uid_set(uids), f"({item})")
            if status != "OK":
                raise imaplib.IMAP4.error(f"FETCH {status}")
            for part in data:
                uid = _UID.search(part[0]) if isinstance(part, tuple) and len(part) == 2 else None
                if uid:
                    bodies[int(uid.group(1))] = bytes(part[1])
        return [Fetched(m.uid, bodies[m.uid], m.size or len(bodies[m.uid]), m.received_at, m.size <= KEEP_LIMIT_BYTES)
                for m in metas if m.uid in bodies]

    def fetch(self, uid: int) -> Fetched | None:
        """The message with its arrival time, or None if it is gone. Never sets a flag."""
        status, data = self._imap.uid("FETCH", str(uid), "(RFC822.SIZE INTERNALDATE)")
        meta = next((d for d in data if isinstance(d, bytes) and _UID.search(d)), None) if status == "OK" else None
        if meta is None:
            return None
        size_match = _FETCH_ITEM.search(meta)
        size = int(size_match.group(1)) if size_match else 0
        complete = size <= KEEP_LIMIT_BYTES
        item = "BODY.PEEK[]" if complete else "BODY.PEEK[HEADER]"
        status, data = self._imap.uid("FETCH", str(uid), f"({item})")
        body = next((d[1] for d in data if isinstance(d, tuple) and len(d) == 2), None) if status == "OK" else None
        if body is None:
            return None
        return Fetched(uid, bytes(body), size or len(body), _internaldate(meta), complete)

    def mark_done(self, uids: list[int]) -> None:
        if not uids:
            return
        flags = f"({DONE_KEYWORD} \\Seen)" if self.keywords else "(\\Seen)"
        try:
            status, _ = self._imap.uid("STORE", uid_set(uids), "+FLAGS.SILENT", flags)
        except (imaplib.IMAP4.error, OSError) as error:
            raise MailServerError(f"Không đánh dấu được thư đã xử lý ({type(error).__name__}).") from None
        if status != "OK":
            raise MailServerError("Máy chủ thư không đánh dấu được các thư đã xử lý.")


def _quote(mailbox: str) -> str:
    return '"' + mailbox.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _text(error: Exception) -> str:
    text = error.args[0] if error.args else str(error)
    if isinstance(text, bytes):
        text = text.decode("utf-8", "replace")
    return str(text)[:300]
