"""Masking of customer contact data for roles that do not need it."""
from __future__ import annotations


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
