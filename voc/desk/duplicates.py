"""Likely duplicates at intake: the same customer with the same story, saved minutes earlier.

The intake form's own key stops a repeated click from saving twice, but not a save that was
committed while the server died: the user never saw the ticket code, the new session has a new
form, and retyping the complaint would save it again. Before saving, intake asks for the cases
received within `within` of the new one from the same contact (phone digits or e-mail; the name
when the customer gave neither) whose text is near-identical, so staff can open the one that is
already there, or still save deliberately.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from difflib import SequenceMatcher

from voc.accounts.access import Actor
from voc.model import Case, CaseDraft, Customer
from voc.plaintext import fold
from voc.store import case_store

DUPLICATE_WITHIN = timedelta(minutes=30)
SAME_TEXT = 0.85        # SequenceMatcher ratio of the folded texts from which two stories are "the same"
_NON_DIGITS = re.compile(r"\D")


@dataclass(frozen=True)
class LikelyDuplicate:
    ticket_code: str
    received_at: datetime
    similarity: float        # 0..1 over the folded content and request


def _digits(phone: str | None) -> str:
    return _NON_DIGITS.sub("", phone or "")


def same_customer(a: Customer, b: Customer) -> bool:
    """Same phone (digits only) or same e-mail (any case); by name only when neither side gave either."""
    if _digits(a.phone) and _digits(a.phone) == _digits(b.phone):
        return True
    if (a.email or "").strip() and (a.email or "").strip().lower() == (b.email or "").strip().lower():
        return True
    no_contact = not any(_digits(c.phone) or (c.email or "").strip() for c in (a, b))
    return no_contact and bool(fold(a.name)) and fold(a.name) == fold(b.name)


def text_similarity(draft: CaseDraft, case: Case) -> float:
    return SequenceMatcher(None, fold(f"{draft.content} {draft.request}"),
                           fold(f"{case.content} {case.request or ''}"), autojunk=False).ratio()


def likely_duplicates(cur, draft: CaseDraft, received_at: datetime, *, within: timedelta = DUPLICATE_WITHIN,
                      actor: Actor | None = None, intake_key: str | None = None) -> list[LikelyDuplicate]:
    """Cases received within `within` of `received_at` from the same customer with a near-identical
    text, most similar first; only those `actor` may open when given. None when the form of
    `intake_key` is already saved: saving it again returns that case (a repeated click), not a copy."""
    if intake_key and case_store.find_by_intake_key(cur, intake_key) is not None:
        return []
    found = []
    for case in case_store.received_between(cur, received_at - within, received_at + within):
        if actor is not None and not actor.may_touch_branch(case.branch):
            continue
        if not same_customer(draft.customer, case.customer):
            continue
        similarity = text_similarity(draft, case)
        if similarity >= SAME_TEXT:
            found.append(LikelyDuplicate(case.ticket_code, case.received_at, round(similarity, 2)))
    return sorted(found, key=lambda d: (-d.similarity, d.ticket_code))
