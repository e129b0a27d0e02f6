"""The desk's texts from data/templates: the company header, a template rendered for a case, the customer's
confirmation (R3) and the in-person receipt form (R4)."""
from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from string import Template

from voc.clock import format_local
from voc.model import Case, Channel
from voc.paths import DATA_DIR, TEMPLATES_DIR


@dataclass(frozen=True)
class Company:
    name: str
    short_name: str
    department: str
    address: str
    hotline: str
    email: str
    city: str
    signatory_title: str


@lru_cache(maxsize=1)
def company() -> Company:
    return Company(**json.loads((DATA_DIR / "company.json").read_text(encoding="utf-8")))


@dataclass(frozen=True)
class Draft:
    subject: str
    body: str


def _template(name: str) -> tuple[Template, Template]:
    text = (TEMPLATES_DIR / f"{name}.txt").read_text(encoding="utf-8")
    first, _, rest = text.partition("\n")
    if not first.startswith("subject:"):
        raise ValueError(f"template {name} must start with a subject line")
    return Template(first[len("subject:"):].strip()), Template(rest.strip())


def _fields(case: Case, **extra) -> dict[str, str]:
    co = company()
    content = case.content or ""
    values = {
        "ticket_code": case.ticket_code, "customer_name": case.customer.name,
        "customer_phone": case.customer.phone or "", "customer_email": case.customer.email or "",
        "customer_address": case.customer.address or "", "service_label": case.service.label,
        "channel_label": case.channel.label, "issue_kind_label": case.issue_kind.label,
        "status_label": case.status.label, "content": content,
        "content_short": content if len(content) <= 120 else content[:117].rstrip() + "…",
        "request": case.request or "", "received_local": format_local(case.received_at),
        "reply_due_local": format_local(case.reply_due_at), "resolution_due_local": format_local(case.resolution_due_at),
        "event_date": case.event_date.strftime("%d/%m/%Y") if case.event_date else "",
        "branch": case.branch or "", "staff": case.staff or "",
        "company_name": co.name, "company_short_name": co.short_name, "company_hotline": co.hotline,
        "company_email": co.email, "company_department": co.department,
    }
    values.update({k: v for k, v in extra.items() if v is not None})
    return values


def render(name: str, case: Case, **extra) -> Draft:
    subject, body = _template(name)
    values = _fields(case, **extra)
    return Draft(subject.safe_substitute(values), body.safe_substitute(values))


def confirmation(case: Case) -> Draft:
    """R3: the confirmation for the customer: the e-mail text for the web channel, a printable note otherwise."""
    return render("confirmation_email" if case.channel is Channel.EMAIL else "confirmation_note", case)


def receipt_form(case: Case, attachment_names: list[str], staff_name: str | None = None) -> Draft:
    """R4: the "Phiếu tiếp nhận" of an in-person complaint; `staff_name` is the receiving staff member's
    display name (the case keeps only the username)."""
    listed = "\n".join(f"- {n}" for n in attachment_names) or "(không có)"
    return render("receipt_form", case, attachments=listed, staff=staff_name)
