"""SLA board queries on a small desk whose answers are known exactly.

"Now" is Monday 23/11/2026 09:10 in Hà Nội; the policy defaults apply (48 h reply, 20-day resolution).
"""
from __future__ import annotations

from datetime import date, timedelta

import pytest

from tests.conftest import BY_EMAIL, MONDAY_0910 as NOW, make_draft
from voc.desk import cases, letters
from voc.insight import sla_report
from voc.insight.replica import reading
from voc.accounts.access import Actor, Role
from voc.clock import local_date
from voc.model import LetterKind

H = timedelta(hours=1)
D = timedelta(days=1)


def receive(db, actor, code_name: str, branch: str, staff: str, received):
    draft = make_draft(branch=branch, staff=staff, event_date=local_date(received),
                       content=f"Hồ sơ {code_name}: website chậm")
    return cases.receive(db, actor, draft, received_at=received)


def reply(db, actor, case, at):
    cases.start_verification(db, actor, case.ticket_code, at=at - H)
    letters.issue_letter(db, actor, case.ticket_code, LetterKind.REPLY, "Trả lời khiếu nại",
                         "Chúng tôi đã khắc phục sự cố.", delivery=BY_EMAIL, at=at)


@pytest.fixture
def desk(db, admin):
    c = {
        "A": receive(db, admin, "A", "Hà Nội", "lan", NOW - 30 * H),       # reply due in 18 h
        "B": receive(db, admin, "B", "Hà Nội", "lan", NOW - 50 * H),       # reply 2 h overdue
        "C": receive(db, admin, "C", "Hà Nội", "minh", NOW - 50 * H),      # replied on time
        "D": receive(db, admin, "D", "Đà Nẵng", "tuan", NOW - 21 * D),     # reply and resolution overdue
        "E": receive(db, admin, "E", "Đà Nẵng", "tuan", NOW - 19 * D - 12 * H),  # resolution due in 12 h
        "F": receive(db, admin, "F", "Hà Nội", "lan", NOW - 10 * D),       # resolved on time
    }
    reply(db, admin, c["C"], NOW - 48 * H)
    reply(db, admin, c["E"], NOW - 19 * D)
    reply(db, admin, c["F"], NOW - 9 * D)
    cases.record_agreement(db, admin, c["F"].ticket_code, at=NOW - 8 * D)
    return {k: v.ticket_code for k, v in c.items()}


def codes(rows):
    return [r["ticket_code"] for r in rows]


def test_board_lists(db, desk):
    with reading(db, exact=True) as cur:
        due = sla_report.board_rows(cur, "due_24h", NOW)
        late_replies = sla_report.board_rows(cur, "reply_overdue", NOW)
        late_resolutions = sla_report.board_rows(cur, "resolution_overdue", NOW)
        counts = sla_report.board(cur, NOW, lists=()).counts
        hanoi_counts = sla_report.board(cur, NOW, "Hà Nội", lists=()).counts
        on_time = sla_report.board_rows(cur, "on_time", NOW)
    assert codes(due) == [desk["E"], desk["A"]]
    assert [r["clock"] for r in due] == ["resolution", "reply"]
    assert due[1]["due_at"] == NOW + 18 * H
    assert codes(late_replies) == [desk["D"], desk["B"]]
    assert codes(late_resolutions) == [desk["D"]]
    assert counts == {"due_24h": 2, "reply_overdue": 2, "resolution_overdue": 1, "on_time": 1}
    assert hanoi_counts == {"due_24h": 1, "reply_overdue": 1, "resolution_overdue": 0, "on_time": 1}
    assert codes(on_time) == [desk["C"]] and on_time[0]["clock"] == "resolution"


def test_workload_grouped_by_branch_and_staff(db, desk):
    with reading(db, exact=True) as cur:
        rows = sla_report.workload(cur, NOW)
        hanoi = sla_report.workload(cur, NOW, branch_scope="Hà Nội")
    table = {(r["branch"], r["staff"]): (r["open_cases"], r["due_24h"], r["reply_overdue"], r["resolution_overdue"],
                                         r["on_time"]) for r in rows}
    assert table == {("Đà Nẵng", "tuan"): (2, 1, 1, 1, 0), ("Hà Nội", "lan"): (2, 1, 1, 0, 0),
                     ("Hà Nội", "minh"): (1, 0, 0, 0, 1)}
    assert [(r["branch"], r["staff"]) for r in rows][0] == ("Đà Nẵng", "tuan")
    assert {(r["branch"], r["staff"]) for r in hanoi} == {("Hà Nội", "lan"), ("Hà Nội", "minh")}


def test_staff_see_their_branch_only(db, desk):
    staff = Actor("lan", Role.STAFF, "Hà Nội")
    scope = sla_report.branch_scope(staff)
    assert scope == "Hà Nội"
    assert sla_report.branch_scope(Actor("ql", Role.MANAGER)) is None
    with reading(db, exact=True) as cur:
        assert codes(sla_report.board_rows(cur, "reply_overdue", NOW, scope)) == [desk["B"]]
        assert sla_report.board_rows(cur, "resolution_overdue", NOW, scope) == []


def test_weekly_compliance(db, desk):
    with reading(db, exact=True) as cur:
        weeks = sla_report.weekly_compliance(cur, NOW, weeks=4)
    by_week = {w["week"]: (w["reply_decided"], w["reply_on_time"], w["resolution_decided"], w["resolution_on_time"])
               for w in weeks}
    assert by_week == {
        date(2026, 10, 26): (0, 0, 0, 0),
        date(2026, 11, 2): (2, 1, 1, 0),    # D late, E on time; D past its resolution due
        date(2026, 11, 9): (1, 1, 1, 1),    # F replied and resolved on time
        date(2026, 11, 16): (2, 1, 0, 0),   # B late, C on time, A not yet due
        date(2026, 11, 23): (0, 0, 0, 0),
    }
    rates = {w["week"]: (w["reply_rate"], w["resolution_rate"]) for w in weeks}
    assert rates[date(2026, 11, 2)] == (0.5, 0.0)
    assert rates[date(2026, 11, 16)] == (0.5, None)


def test_aging_buckets(db, desk):
    with reading(db, exact=True) as cur:
        rows = sla_report.aging(cur, NOW)
    assert [(r["bucket"], r["status"], r["cases"]) for r in rows] == [
        ("0-2", "awaiting_customer", 1), ("0-2", "received", 2), ("15-20", "awaiting_customer", 1),
        ("21+", "received", 1)]
    assert rows[-1]["bucket_label"] == "Trên 20 ngày"
