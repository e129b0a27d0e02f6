"""Finding cases for an actor: the Hồ sơ list and the customer lookup by phone or e-mail, the
hotline's first question (issue #14, item 23).

A phone number matches however it was typed (0912 345 678, 0912.345.678, +84912345678,
84912345678 are one number) and by its last 6+ digits; an e-mail address case-insensitively, a
whole address exactly, a part of one ("@congty.vn") as a part.

Contacts are private (voc.accounts.privacy): a role that may not see them (QA) cannot find a case
by them either, since a hit would tell whose number it is. For such roles the list search matches
ticket code, customer name and content only, and says so; the lookup is refused."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from voc.accounts.access import Actor, Permission
from voc.errors import ValidationError
from voc.insight.sla_report import branch_scope
from voc.plaintext import MIN_PHONE_DIGITS, email_query, phone_query
from voc.store import case_store

CONTACTS_NOT_SEARCHED = ("Vai trò của bạn không được xem thông tin liên hệ nên không tìm được theo số điện thoại "
                         "hay email; kết quả chỉ khớp mã hồ sơ, tên khách hàng và nội dung.")


@dataclass(frozen=True)
class CaseSearch:
    rows: list[dict]
    total: int
    contacts_refused: bool      # the text was a phone number or e-mail the actor may not search by


def looks_like_contact(text: str | None) -> bool:
    return bool(phone_query(text) or email_query(text))


def search_cases(db, actor: Actor, filt: case_store.CaseFilter, at: datetime, *, limit: int = 200,
                 offset: int = 0) -> CaseSearch:
    """A page of the case list as `actor` may see it: their branch only unless they read all cases,
    contacts searched only when they may see contacts."""
    contacts = actor.can(Permission.SEE_CONTACTS)
    with db.cursor() as cur:
        rows, total = case_store.list_cases(cur, filt, at, branch_scope=branch_scope(actor), limit=limit,
                                            offset=offset, contacts=contacts)
    return CaseSearch(rows, total, not contacts and looks_like_contact(filt.text))


def customer_cases(db, actor: Actor, contact: str, *, limit: int = 20) -> list[dict]:
    """The cases of the customer with this phone number (or its last digits) or e-mail, open ones
    first, within the actor's branch scope."""
    actor.require(Permission.SEE_CONTACTS)
    phone, email = phone_query(contact), email_query(contact)
    if not (phone or email):
        raise ValidationError(f"Nhập số điện thoại (ít nhất {MIN_PHONE_DIGITS} chữ số cuối) hoặc email của khách hàng.",
                              "contact")
    with db.cursor() as cur:
        return case_store.cases_of_contact(cur, phone, email, branch_scope=branch_scope(actor), limit=limit)
