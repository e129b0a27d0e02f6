"""Mail that must never open a case nor get a confirmation: auto-replies, bounces, our own mail.

Pure: the caller says which Message-IDs and addresses are ours. Answering any of these would
start a mail loop (our confirmation answered by an out-of-office, answered by us, ...).
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Callable

from voc.mail.parse import ParsedMail

_BULK_PRECEDENCE = frozenset({"bulk", "junk", "list"})
_BOUNCE_SENDERS = frozenset({"mailer-daemon", "postmaster"})


class NoiseKind(str, Enum):
    AUTO_REPLY = "auto_reply"
    BOUNCE = "bounce"
    OWN_MAIL = "own_mail"

    @property
    def label(self) -> str:
        return {NoiseKind.AUTO_REPLY: "Thư trả lời tự động",
                NoiseKind.BOUNCE: "Thư báo lỗi gửi thư (bounce)",
                NoiseKind.OWN_MAIL: "Thư do chính hệ thống gửi"}[self]


@dataclass(frozen=True)
class Noise:
    kind: NoiseKind
    why: str          # the header that gave it away

    @property
    def reason(self) -> str:
        return f"{self.kind.label}: {self.why}"


def classify(mail: ParsedMail, *, is_our_message_id: Callable[[str], bool],
             our_addresses: frozenset[str] = frozenset()) -> Noise | None:
    """Why `mail` is noise, or None when it is a customer's message."""
    if mail.message_id and is_our_message_id(mail.message_id):
        return Noise(NoiseKind.OWN_MAIL, f"Message-ID {mail.message_id} có trong hộp thư đi")
    if mail.from_address and mail.from_address in our_addresses:
        return Noise(NoiseKind.OWN_MAIL, f"người gửi là địa chỉ của hệ thống ({mail.from_address})")
    local = (mail.from_address or "").split("@", 1)[0]
    if local in _BOUNCE_SENDERS or (not mail.from_address and "mailer-daemon" in mail.from_text.lower()):
        return Noise(NoiseKind.BOUNCE, f"người gửi {mail.from_address or mail.from_text}")
    if mail.content_type == "multipart/report":
        return Noise(NoiseKind.BOUNCE, "Content-Type: multipart/report")
    if mail.failed_recipients:
        return Noise(NoiseKind.BOUNCE, "có header X-Failed-Recipients")
    if mail.return_path is not None and mail.return_path.strip("<> ") == "":
        return Noise(NoiseKind.BOUNCE, "Return-Path rỗng (<>)")
    if mail.auto_submitted is not None and mail.auto_submitted.split(";")[0].strip() != "no":
        return Noise(NoiseKind.AUTO_REPLY, f"Auto-Submitted: {mail.auto_submitted}")
    if mail.x_autoreply is not None and mail.x_autoreply != "no":
        return Noise(NoiseKind.AUTO_REPLY, "có header X-Autoreply")
    if mail.precedence in _BULK_PRECEDENCE:
        return Noise(NoiseKind.AUTO_REPLY, f"Precedence: {mail.precedence}")
    return None
