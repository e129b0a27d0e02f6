"""Masking customers' contacts (voc/accounts/privacy.py), in the contact fields and inside free text."""
from __future__ import annotations

import pytest

from voc.accounts.privacy import mask_contacts_in, text_for, values_for


@pytest.mark.parametrize("written, masked", [
    ("0912 345 678", "•••••••678"),
    ("0912.345.678", "•••••••678"),
    ("0912-345-678", "•••••••678"),
    ("0912345678", "•••••••678"),
    ("+84 912345678", "••••••••678"),
    ("+84912345678", "••••••••678"),
    ("84-912-345-678", "••••••••678"),
    ("0084 912 345 678", "••••••••••678"),
    ("+84 (0) 912 345 678", "•••••••••678"),
    ("(028) 3812 3456", "••••••••456"),
    ("028 3812 3456", "••••••••456"),
    ("+84 28 3812 3456", "•••••••••456"),
])
def test_vietnamese_phone_numbers_in_all_usual_writings(written, masked):
    assert mask_contacts_in(f"KH gọi từ số {written}, hẹn gọi lại.") == f"KH gọi từ số {masked}, hẹn gọi lại."


def test_e_mail_addresses_in_free_text():
    note = "đã gửi thư qua email lan.nguyen@icloud.com. Khách còn dùng 0912345678@gmail.com"
    assert mask_contacts_in(note) == "đã gửi thư qua email l•••@icloud.com. Khách còn dùng 0•••@gmail.com"


def test_several_numbers_in_a_row_are_each_masked():
    assert mask_contacts_in("0912345678 0987654321; 0912 345 678/0987.654.321") == \
        "•••••••678 •••••••321; •••••••678/•••••••321"


@pytest.mark.parametrize("text", [
    "Hồ sơ KN-2026-000123, thư số 12/2026/TL-BKNS", "ngày 08.12.2026 lúc 09:30", "số tiền 1.200.000 đồng",
    "hoàn 84.000.000 đ", "mã đơn hàng 123456789012", "máy chủ 103.28.36.12", "", None,
])
def test_other_numbers_are_left_alone(text):
    assert mask_contacts_in(text) == text


def test_only_roles_that_may_not_see_contacts_get_masked_text(staff, qa, manager, admin):
    note = "gọi lại 0912 345 678"
    assert text_for(qa, note) == "gọi lại •••••••678"
    assert [text_for(a, note) for a in (staff, manager, admin)] == [note] * 3
    after = {"late_reason": note, "details": {"call_time": "2026-12-01T09:00:00+00:00"}, "round": 1,
             "list": [note]}
    assert values_for(qa, after) == {"late_reason": "gọi lại •••••••678",
                                     "details": {"call_time": "2026-12-01T09:00:00+00:00"}, "round": 1,
                                     "list": ["gọi lại •••••••678"]}
    assert values_for(manager, after) is after
