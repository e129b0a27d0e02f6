"""Home figures (#14, 27): each KPI is the total of the case list it links to; Việc của tôi by due time."""
from datetime import timedelta

from tests.conftest import make_draft
from voc.clock import local_date, utcnow
from voc.desk import cases
from voc.insight import overview
from voc.model import SlaState
from voc.store import case_store


def received(db, actor, ago: timedelta, **changes):
    at = utcnow() - ago
    return cases.receive(db, actor, make_draft(event_date=local_date(at) - timedelta(days=1), **changes),
                         received_at=at)


def desk(db, staff, other_branch_staff):
    """Lan (Hà Nội): one case in each SLA state; Tuấn (Đà Nẵng): one on time."""
    return {SlaState.RESOLUTION_OVERDUE: received(db, staff, timedelta(days=21)),
            SlaState.REPLY_OVERDUE: received(db, staff, timedelta(days=3)),
            SlaState.DUE_24H: received(db, staff, timedelta(hours=30)),
            SlaState.ON_TIME: received(db, staff, timedelta(hours=1)),
            "other": received(db, other_branch_staff, timedelta(hours=2), branch="Đà Nẵng")}


def test_each_kpi_counts_exactly_the_cases_its_list_shows(db, staff, other_branch_staff, manager):
    made = desk(db, staff, other_branch_staff)
    for actor, open_cases in ((manager, 5), (staff, 4)):       # staff read their own branch only
        summary = overview.summary(db, actor)
        values = {k.label: k.value for k in summary.kpis}
        assert values == {"Hồ sơ đang mở": open_cases, "Đến hạn trong 24 giờ": 1, "Quá hạn trả lời": 1,
                          "Quá hạn giải quyết": 1, "Tổng số hồ sơ": open_cases}
        for kpi in summary.kpis:
            with db.cursor() as cur:
                rows, total = case_store.list_cases(cur, kpi.cases, utcnow(),
                                                    branch_scope=None if actor is manager else "Hà Nội")
            assert total == kpi.value
        due = next(k for k in summary.kpis if k.label == "Đến hạn trong 24 giờ")
    with db.cursor() as cur:
        rows, _ = case_store.list_cases(cur, due.cases, utcnow())
    assert [r["ticket_code"] for r in rows] == [made[SlaState.DUE_24H].ticket_code]


def test_my_work_lists_my_open_cases_most_pressing_deadline_first(db, staff, other_branch_staff):
    made = desk(db, staff, other_branch_staff)
    work = overview.my_work(db, staff)
    assert work.total == 4
    assert [r["ticket_code"] for r in work.rows] == [made[s].ticket_code for s in (
        SlaState.RESOLUTION_OVERDUE, SlaState.REPLY_OVERDUE, SlaState.DUE_24H, SlaState.ON_TIME)]
    assert work.cases.staff == ["lan"] and work.cases.open_only
    assert overview.my_work(db, other_branch_staff).total == 1
