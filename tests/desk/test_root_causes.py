"""Root cause and internal fix of a case: validation, branch scope, audit before/after, Monitor counts."""
from datetime import date, timedelta

import pytest

from tests.conftest import MONDAY_0910, make_draft
from voc.insight import root_cause_report
from voc.desk import cases, root_causes
from voc.insight.analytics import Filters
from voc.store.audit import events_for
from voc.errors import PermissionDenied, ValidationError
from voc.model import RootCauseCategory

RECEIVED_DAY = date(2026, 11, 23)      # MONDAY_0910 as a local date


@pytest.fixture
def case(db, staff, draft):
    return cases.receive(db, staff, draft, received_at=MONDAY_0910)


def record(db, actor, code, **changes):
    values = dict(category=RootCauseCategory.INFRASTRUCTURE, cause="Ổ đĩa máy chủ web03 hỏng",
                  action="Thay ổ đĩa, bật cảnh báo SMART", owner="Phòng hạ tầng", due_date=RECEIVED_DAY,
                  done=False, now=MONDAY_0910 + timedelta(hours=2))
    values.update(changes)
    return root_causes.record_root_cause(db, actor, code, **values)


def test_recorded_then_updated_each_change_audited_with_before_and_after(db, staff, case):
    first = record(db, staff, case.ticket_code)
    assert (first.category, first.owner, first.done_at) == (RootCauseCategory.INFRASTRUCTURE, "Phòng hạ tầng", None)
    done_at = MONDAY_0910 + timedelta(days=1)
    second = record(db, staff, case.ticket_code, done=True, now=done_at)
    assert second.done_at == done_at
    again = record(db, staff, case.ticket_code, done=True, now=done_at + timedelta(hours=5))
    assert again.done_at == done_at                  # unchanged: the first "done" time stays, no new event
    with db.cursor() as cur:
        assert root_causes.root_cause_of(cur, case.id).done_at == done_at
        events = [e for e in events_for(cur, "case", case.id) if e.action == "root_cause_recorded"]
    assert len(events) == 2
    assert events[0].before is None and events[0].after["cause"] == "Ổ đĩa máy chủ web03 hỏng"
    assert events[1].before["done_at"] is None and events[1].after["done_at"] is not None


@pytest.mark.parametrize("changes, message", [
    ({"category": ""}, "chọn nhóm nguyên nhân"),
    ({"cause": "   \x00 "}, "Vui lòng nhập nguyên nhân"),
    ({"cause": "x" * (root_causes.MAX_TEXT_CHARS + 1)}, "dài quá"),
    ({"owner": "y" * (root_causes.MAX_OWNER_CHARS + 1)}, "dài quá"),
    ({"due_date": RECEIVED_DAY - timedelta(days=1)}, "trước ngày tiếp nhận"),
    ({"action": "", "done": True}, "khi đã ghi biện pháp"),
])
def test_bad_input_is_refused_and_keeps_what_was_saved(db, staff, case, changes, message):
    saved = record(db, staff, case.ticket_code)
    with pytest.raises(ValidationError, match=message):
        record(db, staff, case.ticket_code, **changes)
    with db.cursor() as cur:
        assert root_causes.root_cause_of(cur, case.id) == saved


def test_due_on_the_day_of_receipt_is_accepted(db, staff, case):
    assert record(db, staff, case.ticket_code, due_date=RECEIVED_DAY).due_date == RECEIVED_DAY


def test_only_staff_of_the_branch(db, staff, other_branch_staff, qa, case):
    with pytest.raises(PermissionDenied):
        record(db, other_branch_staff, case.ticket_code)
    with pytest.raises(PermissionDenied):
        record(db, qa, case.ticket_code)


def test_monitor_counts_fixes_by_category_and_lists_open_ones(db, staff):
    codes = [cases.receive(db, staff, make_draft(), received_at=MONDAY_0910).ticket_code for _ in range(4)]
    record(db, staff, codes[0], due_date=RECEIVED_DAY + timedelta(days=2))                  # open, overdue on day 4
    record(db, staff, codes[1], due_date=RECEIVED_DAY + timedelta(days=5))                  # open, not yet due
    record(db, staff, codes[2], done=True)                                                  # fixed
    record(db, staff, codes[3], category=RootCauseCategory.THIRD_PARTY, action=None)        # cause only
    today = RECEIVED_DAY + timedelta(days=3)
    with db.cursor() as cur:
        summary = root_cause_report.root_cause_summary(cur, Filters(), today=today).set_index("category")
        fixes = root_cause_report.open_fixes(cur, Filters(), today=today)
    infra = summary.loc["infrastructure"]
    assert (infra["cases"], infra["fixed"], infra["in_progress"], infra["overdue_fixes"]) == (3, 1, 1, 1)
    third = summary.loc["third_party"]
    assert (third["cases"], third["fixed"], third["in_progress"], third["overdue_fixes"]) == (1, 0, 0, 0)
    assert summary.loc["infrastructure", "category_name"] == "Hạ tầng / máy chủ / mạng"
    assert fixes["ticket_code"].tolist() == [codes[0], codes[1]]
    assert fixes["overdue"].tolist() == [True, False]
    with db.cursor() as cur:       # the filters apply: another branch sees nothing
        assert root_cause_report.root_cause_summary(cur, Filters(branches=("Đà Nẵng",)), today=today).empty


def test_hostile_text_is_stored_verbatim(db, staff, case):
    hostile = "<script>alert(1)</script> '; DROP TABLE cases; -- [x](javascript:alert(1))"
    saved = record(db, staff, case.ticket_code, cause=hostile, owner="<b>Nhóm</b>")
    with db.cursor() as cur:
        assert root_causes.root_cause_of(cur, case.id).cause == hostile == saved.cause
        assert cur.execute("SELECT count(*) FROM cases").fetchone()[0] == 1
