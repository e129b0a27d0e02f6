"""Masking of customer contact data for roles that do not need it: the contact fields themselves, and the
phone numbers and e-mail addresses written into free text (notes, letters, mails, the audit trail)."""
from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from voc.accounts.access import Actor, Permission
from voc.model import Letter, LetterDelivery


def mask_phone(phone: str | None) -> str:
    if not phone:
        return ""
    digits = [c for c in phone if c.isdigit()]
    if len(digits) <= 4:
        return "•" * len(digits)
    return "•" * (len(digits) - 3) + "".join(digits[-3:])


def mask_email(email: str | None) -> str:
    if not email:
        return ""
    user, _, domain = email.partition("@")
    return (user[:1] + "•••") + ("@" + domain if domain else "")


def mask_address(address: str | None) -> str:
    if not address:
        return ""
    parts = [p.strip() for p in address.split(",") if p.strip()]
    return "•••, " + parts[-1] if len(parts) > 1 else "•••"


_EMAIL = re.compile(r"[\w.%+\-]+@[\w\-]+(?:\.[\w\-]+)*\.[^\W\d_]{2,}")
# Vietnamese numbers as people write them: a mobile is 0 + 3/5/7/8/9 + 8 digits, a landline 02x + 8 digits
# (11 digits); internationally +84 / 84 / 0084 replaces the leading 0, sometimes "(0)" is kept.
# Digits may be grouped by one space, dot or dash; the area code may sit in brackets.
_SEP = r"[ .\-]?"
_SUBSCRIBER = rf"(?:[35789](?:{_SEP}\d){{8}}|2(?:{_SEP}\d){{9}})"
_PHONE = re.compile(
    rf"(?<![\d+])(?:(?:\+|00)?84{_SEP}(?:\(0\){_SEP})?|\(?0){_SUBSCRIBER}(?!\d)"
    rf"|(?<![\d+])\(0?2\d{{1,2}}\){_SEP}\d(?:{_SEP}\d){{6,7}}(?!\d)")


def mask_contacts_in(text: str | None) -> str | None:
    """`text` with every e-mail address and Vietnamese phone number in it masked as the header masks them."""
    if not text:
        return text
    text = _EMAIL.sub(lambda m: mask_email(m.group()), text)
    return _PHONE.sub(lambda m: mask_phone(m.group()), text)


def sees_contacts(actor: Actor) -> bool:
    return actor.can(Permission.SEE_CONTACTS)


def text_for(actor: Actor, text: str | None) -> str | None:
    """Free text as `actor` may read it: with contacts masked unless their role may see contacts."""
    return text if sees_contacts(actor) else mask_contacts_in(text)


def values_for(actor: Actor, value: Any) -> Any:
    """`text_for` applied to every string inside a JSON-like value (an audit event's before/after)."""
    if sees_contacts(actor):
        return value
    if isinstance(value, str):
        return mask_contacts_in(value)
    if isinstance(value, dict):
        return {k: values_for(actor, v) for k, v in value.items()}
    if isinstance(value, list):
        return [values_for(actor, v) for v in value]
    return value


def letter_for(actor: Actor, letter: Letter) -> Letter:
    """An issued letter as `actor` may read it: its text and its recipient masked unless they may see contacts."""
    if sees_contacts(actor):
        return letter
    delivery = letter.delivery
    if delivery is not None:
        mask = {LetterDelivery.EMAIL: mask_email, LetterDelivery.POST: mask_address}.get(
            delivery.method, mask_contacts_in)
        delivery = replace(delivery, recipient=mask(delivery.recipient))
    return replace(letter, subject=mask_contacts_in(letter.subject), body=mask_contacts_in(letter.body),
                   meeting_place=mask_contacts_in(letter.meeting_place), delivery=delivery)
