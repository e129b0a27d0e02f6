"""Likely duplicates at intake (#14, 29): same customer, near-identical text, minutes apart."""
from dataclasses import replace
from datetime import timedelta

from tests.conftest import MONDAY_0910, make_draft
from voc.desk import cases
from voc.desk.duplicates import likely_duplicates
from voc.model import Channel, Customer


def _found(db, draft, at, **options):
    with db.cursor() as cur:
        return [d.ticket_code for d in likely_duplicates(cur, draft, at, **options)]


def test_a_retyped_complaint_minutes_later_is_a_likely_duplicate(db, staff, draft):
    saved = cases.receive(db, staff, draft, received_at=MONDAY_0910, intake_key="form-1")
    retyped = replace(draft, customer=Customer("nguyen van an", "0912 345 678", None, None),
                      content=draft.content.replace("Website", "website") + " ")
    assert _found(db, retyped, MONDAY_0910 + timedelta(minutes=4)) == [saved.ticket_code]
    by_email = replace(draft, customer=Customer("An", None, "AN@example.com", None))
    assert _found(db, by_email, MONDAY_0910 + timedelta(minutes=4)) == [saved.ticket_code]


def test_another_customer_another_story_or_another_hour_is_not(db, staff, draft):
    cases.receive(db, staff, draft, received_at=MONDAY_0910)
    later = MONDAY_0910 + timedelta(minutes=5)
    other_customer = replace(draft, customer=Customer("Trần Thị Bình", "0987000111", "binh@example.com", None))
    other_story = replace(draft, content="Email gửi đi bị trả về, không gửi được cho đối tác.",
                          request="Kiểm tra máy chủ thư.")
    assert _found(db, other_customer, later) == []
    assert _found(db, other_story, later) == []
    assert _found(db, draft, MONDAY_0910 + timedelta(hours=2)) == []


def test_customers_without_phone_or_email_match_by_name(db, staff):
    by_post = make_draft(channel=Channel.POST, customer=Customer("Lê Văn Cường", None, None, "5 Lê Lợi, Huế"))
    saved = cases.receive(db, staff, by_post, received_at=MONDAY_0910)
    assert _found(db, by_post, MONDAY_0910 + timedelta(minutes=3)) == [saved.ticket_code]
    stranger = replace(by_post, customer=Customer("Phạm Thị Dung", None, None, "5 Lê Lợi, Huế"))
    assert _found(db, stranger, MONDAY_0910 + timedelta(minutes=3)) == []


def test_the_same_form_saved_again_is_not_a_duplicate_and_other_branches_are_hidden(db, staff, other_branch_staff,
                                                                                    draft):
    cases.receive(db, staff, draft, received_at=MONDAY_0910, intake_key="form-1")
    later = MONDAY_0910 + timedelta(minutes=1)
    assert _found(db, draft, later, intake_key="form-1") == []      # receive returns the saved case itself
    assert len(_found(db, draft, later, intake_key="form-2")) == 1
    assert _found(db, draft, later, actor=other_branch_staff) == []
