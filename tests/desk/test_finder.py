"""Finding cases by phone number and e-mail (issue #14, item 23), within the actor's rights."""
from __future__ import annotations

from datetime import timedelta

import pytest

from tests.conftest import MONDAY_0910, make_draft
from voc.desk import cases, finder
from voc.errors import PermissionDenied, ValidationError
from voc.model import Customer
from voc.plaintext import phone_key, phone_query
from voc.store.case_store import CaseFilter


def receive(db, actor, phone=None, email=None, *, hours_before=1, branch="Hà Nội", name="Nguyễn Văn An"):
    draft = make_draft(customer=Customer(name, phone, email, "12 Láng Hạ"), branch=branch)
    return cases.receive(db, actor, draft, received_at=MONDAY_0910 - timedelta(hours=hours_before))


def found(db, actor, text) -> list[str]:
    return [r["ticket_code"] for r in finder.search_cases(db, actor, CaseFilter(text=text), MONDAY_0910).rows]


@pytest.mark.parametrize("typed", ["0912 345 678", "0912.345.678", "+84912345678", "84912345678", "+84 (912) 345-678",
                                   "0912-345-678", "912345678"])
def test_phone_key_is_the_same_however_typed(typed):
    assert phone_key(typed) == "912345678"


def test_a_short_tail_keeps_its_leading_zero_and_too_few_digits_is_no_phone_search():
    assert phone_query("045678") == "045678"
    assert phone_query("45678") is None and phone_query("KN-2026-000123") is None and phone_query("mạng 0912") is None


@pytest.mark.parametrize("stored", ["0912345678", "0912 345 678", "+84 912.345.678", "84912345678"])
@pytest.mark.parametrize("typed", ["0912 345 678", "0912.345.678", "+84912345678", "84912345678", "345678", "2345678"])
def test_staff_find_a_case_by_phone_however_either_side_was_typed(db, staff, stored, typed):
    case = receive(db, staff, stored)
    receive(db, staff, "0987654321")
    assert found(db, staff, typed) == [case.ticket_code]


def test_e_mail_matches_case_insensitively_a_whole_address_exactly(db, staff, manager):
    an = receive(db, staff, email="An.Nguyen@Example.com")
    joan = receive(db, staff, email="joan.nguyen@example.com", hours_before=2)
    assert found(db, staff, "an.nguyen@EXAMPLE.com") == [an.ticket_code]
    assert found(db, manager, "  AN.NGUYEN@example.com ") == [an.ticket_code]
    assert found(db, staff, "@example.com") == [an.ticket_code, joan.ticket_code]


def test_roles_that_may_not_see_contacts_cannot_find_by_them_and_are_told(db, staff, qa, manager):
    case = receive(db, staff, "0912345678", "an@example.com")
    for text in ("0912 345 678", "an@example.com"):
        search = finder.search_cases(db, qa, CaseFilter(text=text), MONDAY_0910)
        assert (search.rows, search.contacts_refused) == ([], True)
        assert found(db, manager, text) == [case.ticket_code]
    by_code = finder.search_cases(db, qa, CaseFilter(text=case.ticket_code), MONDAY_0910)
    assert [r["ticket_code"] for r in by_code.rows] == [case.ticket_code] and not by_code.contacts_refused
    with pytest.raises(PermissionDenied):
        finder.customer_cases(db, qa, "0912345678")


def test_the_search_text_still_matches_content_and_codes(db, staff):
    case = receive(db, staff, "0912345678")
    number = case.ticket_code.split("-")[-1]            # "000001": six digits, also a phone tail
    assert found(db, staff, number) == [case.ticket_code]


def test_lookup_lists_the_customers_cases_open_first_in_the_actors_branch(db, staff, other_branch_staff, admin):
    old = receive(db, staff, "0912 345 678", hours_before=50)
    with db.transaction() as cur:           # finished long ago (the lifecycle's way there is beside the point)
        cur.execute("UPDATE cases SET status = 'closed' WHERE id = ?", [old.id])
    open_older = receive(db, staff, "+84912345678", hours_before=30)
    open_newer = receive(db, staff, email="an@example.com", hours_before=5)
    receive(db, staff, "0987654321")
    elsewhere = receive(db, admin, "0912345678", branch="Đà Nẵng")
    rows = finder.customer_cases(db, staff, "0912.345.678")
    assert [r["ticket_code"] for r in rows] == [open_older.ticket_code, old.ticket_code]
    assert [r["open"] for r in rows] == [True, False]
    assert [r["ticket_code"] for r in finder.customer_cases(db, staff, "AN@example.com")] == [open_newer.ticket_code]
    assert [r["ticket_code"] for r in finder.customer_cases(db, other_branch_staff, "345678")] == [elsewhere.ticket_code]
    with pytest.raises(ValidationError, match="ít nhất 6 chữ số cuối"):
        finder.customer_cases(db, staff, "12")
