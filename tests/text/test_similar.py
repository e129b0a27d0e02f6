"""Similar earlier complaints: same service, earlier, open or closed, the last week first, ranked by
Jaccard over folded content words, and only those a person would call similar (issue #14, item 24)."""
from __future__ import annotations

import time
from datetime import date, timedelta

import pytest

from tests.conftest import MONDAY_0910, make_draft
from voc.desk import cases
from voc.clock import local_date
from voc.model import Service
from voc.text.similar import MIN_SIMILARITY, pool_tokens, similar_cases, tokens

BOTH_BACKENDS = True     # the `db` tests run on DuckDB and on PostgreSQL (tests/conftest.py)


def log(db, actor, content: str, request: str, days_before: int = 1, service: Service = Service.HOSTING):
    at = MONDAY_0910 - timedelta(days=days_before)
    draft = make_draft(content=content, request=request, service=service, event_date=local_date(at))
    return cases.receive(db, actor, draft, received_at=at)


@pytest.fixture
def dataset(db, staff):
    query = log(db, staff, "Website bị sập, mạng chậm", "Khôi phục website", days_before=0)
    known = {
        "B": log(db, staff, "mang cham qua", "kiem tra", days_before=3),            # 2 shared / 7 -> 0.2857
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


def test_the_last_week_first_then_by_jaccard_same_service_earlier_only(db, dataset):
    query, known = dataset
    with db.cursor() as cur:
        found = similar_cases(cur, query, min_score=0)
    assert [(s.ticket_code, s.score, s.recent) for s in found] == [
        (known["C"].ticket_code, 0.5, True), (known["B"].ticket_code, 0.2857, True),
        (known["G"].ticket_code, 0.6667, False)]
    assert found[0].excerpt == "Website bị sập từ sáng"
    assert found[0].status.value == "received"


def test_below_the_threshold_is_not_similar_and_closed_cases_count(db, dataset):
    query, known = dataset
    with db.transaction() as cur:      # G was finished long ago (how it got there is beside the point)
        cur.execute("UPDATE cases SET status = 'closed' WHERE id = ?", [known["G"].id])
    with db.cursor() as cur:
        found = similar_cases(cur, query)
    assert MIN_SIMILARITY == 0.30
    assert [(s.ticket_code, s.status.value) for s in found] == [
        (known["C"].ticket_code, "received"), (known["G"].ticket_code, "closed")]


def test_recency_window_and_limit(db, dataset):
    query, known = dataset
    with db.cursor() as cur:
        recent = similar_cases(cur, query, within_days=30)
        top = similar_cases(cur, query, limit=1)
    assert [s.ticket_code for s in recent] == [known["C"].ticket_code]
    assert [s.ticket_code for s in top] == [known["C"].ticket_code]       # this week's before a better older one


# Pairs from the demo history (python -m voc demo --cases 3000 --seed 7) on either side of the threshold.
@pytest.mark.parametrize("earlier, later, similar", [
    ("Chứng chỉ SSL hết hạn, web báo không an toàn.",
     "Gửi BKNS, Chứng chỉ SSL hết hạn, web báo không an toàn. Google Ads bị từ chối vì web không có https.", True),
    ("Mail đến chậm cả tiếng mới nhận được. Khách bên Gmail và Outlook đều báo vậy. Mong Quý công ty xử lý sớm.",
     "Khách hàng đến chi nhánh, trình bày như sau: Mail đến chậm cả tiếng mới nhận được. Xin cảm ơn.", True),
    ("Gọi hotline không ai nghe máy. Khách hàng của mình không đặt hàng được. Đề nghị kiểm tra và phản hồi gấp.",
     "Gửi BKNS, Gọi hotline không ai nghe máy. Ticket để ở trạng thái đang xử lý mãi.", True),
    ("Thanh toán qua thẻ bị trừ tiền nhưng đơn hàng vẫn chờ.", "Chuyển khoản rồi mà hệ thống vẫn báo chưa thanh toán.",
     False),
    ("Tốc độ web quá chậm so với gói đã đăng ký.", "Web cafesaomai.vn không truy cập được hơn 3 tiếng.", False),
    ("Kính gửi Quý công ty, chưa nhận được bản hợp đồng có đóng dấu. Mong nhận được phản hồi sớm.",
     "Kính gửi Quý công ty, trang web sập mấy lần trong ngày. Mong nhận được phản hồi sớm.", False),
])
def test_what_a_person_calls_similar(db, staff, earlier, later, similar):
    log(db, staff, earlier, "Giải quyết giúp", days_before=2)
    case = log(db, staff, later, "Giải quyết giúp", days_before=0)
    with db.cursor() as cur:
        assert bool(similar_cases(cur, case)) is similar


def test_on_postgresql_each_pooled_text_is_folded_once(pg_db, staff):
    """PostgreSQL's pool is scored in Python: the next intake's look-up reuses the pooled cases' words
    instead of folding every one of them again."""
    query = log(pg_db, staff, "Website bị sập, mạng chậm", "Khôi phục website", days_before=0)
    log(pg_db, staff, "Website bị sập từ sáng", "Khôi phục website ngay", days_before=2)
    log(pg_db, staff, "Hóa đơn sai số tiền", "Xuất lại hóa đơn", days_before=4)
    with pg_db.cursor() as cur:
        first = similar_cases(cur, query)
        folded = pool_tokens.cache_info().misses
        assert similar_cases(cur, query) == first and [s.excerpt for s in first] == ["Website bị sập từ sáng"]
    assert pool_tokens.cache_info().misses == folded


def test_nothing_similar_gives_empty_list(db, staff):
    only = log(db, staff, "Chứng chỉ SSL hết hạn", "Gia hạn giúp", service=Service.SSL)
    with db.cursor() as cur:
        assert similar_cases(cur, only) == []


@pytest.mark.slow
@pytest.mark.duckdb_only
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
        found = similar_cases(cur, query, min_score=0)     # every pooled case scored and ranked
    assert time.perf_counter() - started < 3.0
    assert len(found) == 5
