"""Similar earlier complaints: same service, earlier, ranked by Jaccard over folded content words."""
from __future__ import annotations

import time
from datetime import date, timedelta

import pytest

from tests.conftest import MONDAY_0910, make_draft
from voc.desk import cases
from voc.clock import local_date
from voc.model import Service
from voc.text.similar import similar_cases, tokens


def log(db, actor, content: str, request: str, days_before: int = 1, service: Service = Service.HOSTING):
    at = MONDAY_0910 - timedelta(days=days_before)
    draft = make_draft(content=content, request=request, service=service, event_date=local_date(at))
    return cases.receive(db, actor, draft, received_at=at)


@pytest.fixture
def dataset(db, staff):
    query = log(db, staff, "Website bị sập, mạng chậm", "Khôi phục website", days_before=0)
    known = {
        "B": log(db, staff, "mang cham qua", "kiem tra", days_before=3),            # 2 shared / 8 -> 0.25
        "C": log(db, staff, "Website bị sập từ sáng", "Khôi phục website ngay", days_before=2),  # 4/8 -> 0.5
        "D": log(db, staff, "Website bị sập, mạng chậm", "Khôi phục website", service=Service.VPS),  # other service
        "E": log(db, staff, "Hóa đơn sai số tiền", "Xuất lại hóa đơn", days_before=4),  # nothing shared
        "G": log(db, staff, "website sập", "khôi phục", days_before=100),          # 4/6 -> 0.6667
    }
    later = make_draft(content="Website bị sập, mạng chậm", request="Khôi phục website", event_date=date(2026, 11, 23))
    known["F"] = cases.receive(db, staff, later, received_at=MONDAY_0910 + timedelta(hours=1))  # later: excluded
    return query, known


def test_tokens_fold_and_drop_function_words():
    assert tokens("Mạng CHẬM quá, tôi không vào được web!") == ["mang", "cham", "web"]
    assert tokens("mang cham") == tokens("mạng chậm")


def test_ranked_by_jaccard_same_service_earlier_only(db, dataset):
    query, known = dataset
    with db.cursor() as cur:
        found = similar_cases(cur, query)
    assert [(s.ticket_code, s.score) for s in found] == [
        (known["G"].ticket_code, 0.6667), (known["C"].ticket_code, 0.5), (known["B"].ticket_code, 0.25)]
    assert found[1].excerpt == "Website bị sập từ sáng"
    assert found[1].status.value == "received"


def test_recency_window_and_limit(db, dataset):
    query, known = dataset
    with db.cursor() as cur:
        recent = similar_cases(cur, query, within_days=30)
        top = similar_cases(cur, query, limit=1)
    assert [s.ticket_code for s in recent] == [known["C"].ticket_code, known["B"].ticket_code]
    assert [s.ticket_code for s in top] == [known["G"].ticket_code]


def test_nothing_similar_gives_empty_list(db, staff):
    only = log(db, staff, "Chứng chỉ SSL hết hạn", "Gia hạn giúp", service=Service.SSL)
    with db.cursor() as cur:
        assert similar_cases(cur, only) == []


@pytest.mark.slow
def test_fast_on_a_million_cases(db, staff, dataset):
    query, _ = dataset
    with db.transaction() as cur:
        cur.execute("""
            INSERT INTO cases (ticket_code, received_at, channel, issue_kind, service, customer_name, content,
                               request, status, round_opened_at, reply_due_at, resolution_due_at)
            SELECT 'BULK-' || i, TIMESTAMP '2026-11-20 00:00:00' - INTERVAL (i) MINUTE, 'hotline', 'quality',
                   ['hosting','vps','domain','email','ssl','cloud','other'][1 + i % 7], 'Khách ' || i,
                   'Website chạy chậm lúc cao điểm số ' || i, 'Kiểm tra giúp', 'closed',
                   TIMESTAMP '2026-01-01', TIMESTAMP '2026-01-03', TIMESTAMP '2026-01-21'
            FROM range(1000000) t(i)""")
    started = time.perf_counter()
    with db.cursor() as cur:
        found = similar_cases(cur, query)
    assert time.perf_counter() - started < 3.0
    assert len(found) == 5
