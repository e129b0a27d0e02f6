"""Each VOC chart query against a small database whose answers are known exactly.

The data set (local Vietnam times; NOW = 2026-12-15 10:00 local):
C1 02/11 hosting HN lan 0901 downtime        reply +24h, resolved +5d
C2 03/11 hosting HN lan 0901 downtime        reply +72h (late), resolved +25d (late)
C3 09/11 05:00 email DN tuan a@x email_deliv reply +10h, round 2 opened 01/12 (not yet due)
C4 16/11 email DN tuan a@x email_delivery    no reply (late), open (late)
C5 24/11 hosting HN lan 0902 downtime+support reply +10h, resolved +2d, follow-up 4/5
C6 20/10 vps HN lan 0903 support             outside November; follow-up 2/5
C7 20/11 hosting HN lan 0901 downtime        no reply (late), open (late) — recurrence of C1
C8 05/11 email DN tuan b@y email_delivery    reply +20h, resolved +3d
C9 01/12 03:00 email DN tuan b@y email_deliv outside November (by local date) — recurrence of C8
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import pytest

from voc.insight import page_charts, process_metrics, replica, reply_queue, themes_trends, timeline, verbatims
from voc.insight.analytics import Filters
from voc.store.db import Database
from voc.plaintext import fold

NOW_LOCAL = datetime(2026, 12, 15, 10, 0)
NOW = NOW_LOCAL - timedelta(hours=7)  # naive UTC, as stored
NOVEMBER = Filters(start=date(2026, 11, 1), end=date(2026, 11, 30))
THEMES = {"downtime": "Gián đoạn dịch vụ", "email_delivery": "Gửi nhận email", "support": "Hỗ trợ chậm"}


def utc(local: datetime) -> datetime:
    return local - timedelta(hours=7)


@dataclass
class Row:
    n: int
    received: datetime  # local
    service: str
    channel: str
    branch: str
    staff: str
    phone: str | None
    email: str | None
    themes: list[str]
    content: str
    reply_h: float | None = None
    resolved_h: float | None = None
    status: str = "received"
    round2_opened: datetime | None = None  # local
    extra: dict = field(default_factory=dict)


ROWS = [
    Row(1, datetime(2026, 11, 2, 10), "hosting", "in_person", "Hà Nội", "lan", "0901000001", None, ["downtime"],
        "Website bị sập từ sáng, mất kết nối hoàn toàn.", 24, 5 * 24, "resolved"),
    Row(2, datetime(2026, 11, 3, 10), "hosting", "hotline", "Hà Nội", "lan", "0901000001", None, ["downtime"],
        "Web lại bị sập, gọi tổng đài không ai nghe máy.", 72, 25 * 24, "resolved"),
    Row(3, datetime(2026, 11, 9, 5), "email", "email", "Đà Nẵng", "tuan", None, "a@x.vn", ["email_delivery"],
        "Mail bị dội, khách hàng của tôi không nhận được thư.", 10, None, "verifying",
        round2_opened=datetime(2026, 12, 1, 9)),
    Row(4, datetime(2026, 11, 16, 8), "email", "email", "Đà Nẵng", "tuan", None, "a@x.vn", ["email_delivery"],
        "Email gửi đi bị trả về liên tục.", None, None, "received"),
    Row(5, datetime(2026, 11, 24, 9), "hosting", "in_person", "Hà Nội", "lan", "0902000002", None,
        ["downtime", "support"], "Hosting chậm và mất kết nối, hỗ trợ phản hồi chậm.", 10, 48, "resolved"),
    Row(6, datetime(2026, 10, 20, 9), "vps", "hotline", "Hà Nội", "lan", "0903000003", None, ["support"],
        "VPS không khởi động được.", 1, 24, "resolved"),
    Row(7, datetime(2026, 11, 20, 9), "hosting", "hotline", "Hà Nội", "lan", "0901000001", None, ["downtime"],
        "Website sập lần thứ ba trong tháng.", None, None, "received"),
    Row(8, datetime(2026, 11, 5, 9), "email", "email", "Đà Nẵng", "tuan", None, "b@y.vn", ["email_delivery"],
        "Không gửi được email ra ngoài.", 20, 3 * 24, "resolved"),
    Row(9, datetime(2026, 12, 1, 3), "email", "email", "Đà Nẵng", "tuan", None, "b@y.vn", ["email_delivery"],
        "Lại không gửi được email.", None, None, "received"),
]


def ensure_theme_tables(cur) -> None:
    """The text engine's migration 002 provides these; create minimal ones if it has not landed yet."""
    cur.execute("CREATE TABLE IF NOT EXISTS themes (code VARCHAR PRIMARY KEY, name_vi VARCHAR NOT NULL)")
    cur.execute("CREATE TABLE IF NOT EXISTS case_themes (case_id BIGINT NOT NULL, theme_code VARCHAR NOT NULL, "
                "score DOUBLE, evidence VARCHAR, source VARCHAR)")


def insert_theme(cur, code: str, name: str) -> None:
    cur.execute("INSERT INTO themes (code, name_vi) VALUES (?, ?) ON CONFLICT DO NOTHING", [code, name])


def insert_case(cur, r: Row) -> int:
    received = utc(r.received)
    reply_at = received + timedelta(hours=r.reply_h) if r.reply_h is not None else None
    resolved_at = received + timedelta(hours=r.resolved_h) if r.resolved_h is not None else None
    round_no, opened = (2, utc(r.round2_opened)) if r.round2_opened else (1, received)
    code = f"KN-2026-{r.n:06d}"
    name = f"Khách hàng {r.n}"
    cur.execute(
        "INSERT INTO cases (id, ticket_code, received_at, channel, issue_kind, service, customer_name, "
        "customer_phone, customer_email, content, request, search_text, status, round, round_opened_at, "
        "reply_due_at, resolution_due_at, round_replied_at, first_reply_at, resolved_at, staff, branch) "
        "VALUES (?, ?, ?, ?, 'quality', ?, ?, ?, ?, ?, 'Xử lý ngay', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [r.n, code, received, r.channel, r.service, name, r.phone, r.email, r.content,
         fold(f"{code} {name} {r.content} Xử lý ngay"), r.status, round_no, opened,
         opened + timedelta(hours=48), opened + timedelta(days=20), None if round_no == 2 else reply_at,
         reply_at, resolved_at, r.staff, r.branch])
    cur.execute("INSERT INTO case_rounds VALUES (?, 1, ?, ?, ?)",
                [r.n, received, received + timedelta(hours=48), received + timedelta(days=20)])
    if round_no == 2:
        cur.execute("INSERT INTO case_rounds VALUES (?, 2, ?, ?, ?)",
                    [r.n, opened, opened + timedelta(hours=48), opened + timedelta(days=20)])
    for theme in r.themes:
        cur.execute("INSERT INTO case_themes (case_id, theme_code, score, source) VALUES (?, ?, 1.0, 'rule')",
                    [r.n, theme])
    return r.n


def add_status_events(cur, case_id: int, start_local: datetime, steps: list[tuple[float, str, str]]) -> None:
    """steps: (hours after start, action, new status)."""
    for hours, action, status in steps:
        cur.execute("INSERT INTO events (occurred_at, actor, entity, entity_id, action, after) "
                    "VALUES (?, 'lan', 'case', ?, ?, ?)",
                    [utc(start_local) + timedelta(hours=hours), str(case_id), action, f'{{"status": "{status}"}}'])


def add_letter(cur, letter_id: int, case_id: int, round_no: int, issued_local: datetime, by: str,
               body: str, score: int | None, kind: str = "reply") -> None:
    cur.execute("INSERT INTO letters (id, case_id, round, kind, doc_number, subject, body, issued_at, issued_by) "
                "VALUES (?, ?, ?, ?, ?, 'Trả lời', ?, ?, ?)",
                [letter_id, case_id, round_no, kind, f"{letter_id:05d}/2026/TL-CSKH", body, utc(issued_local), by])
    if score is not None:
        cur.execute("INSERT INTO reply_checks VALUES (?, ?, ?, '[]', ?, 1)", [letter_id, case_id, score, NOW])


GOOD_BODY = ("Kính gửi Quý khách, công ty xin cảm ơn Quý khách đã phản ánh. Chúng tôi xin lỗi vì sự cố. "
             "Máy chủ đã được thay ổ đĩa và chúng tôi sẽ hoàn tất kiểm tra trước ngày 30/11.")
BAD_BODY = "Su co do loi khach quan, khong phai loi cua chung toi."


def fill(database: Database) -> None:
    with database.transaction() as cur:
        for code, name in THEMES.items():
            insert_theme(cur, code, name)
        for row in ROWS:
            insert_case(cur, row)
        cur.execute("INSERT INTO followups VALUES (5, ?, 4, NULL, 'lan'), (6, ?, 2, NULL, 'lan')",
                    [utc(datetime(2026, 11, 30, 9)), utc(datetime(2026, 10, 25, 9))])
        add_status_events(cur, 1, ROWS[0].received, [(0, "received", "received"), (2, "start_verification", "verifying"),
                                                     (24, "issue_letter", "replied"), (30, "await_customer", "awaiting_customer"),
                                                     (120, "customer_agrees", "resolved")])
        add_status_events(cur, 5, ROWS[4].received, [(0, "received", "received"), (1, "start_verification", "verifying"),
                                                     (10, "issue_letter", "replied"), (48, "customer_agrees", "resolved")])
        add_status_events(cur, 6, ROWS[5].received, [(0, "received", "received"), (100, "start_verification", "verifying")])
        add_letter(cur, 1, 1, 1, datetime(2026, 11, 3, 10), "lan", GOOD_BODY, 80)
        add_letter(cur, 2, 5, 1, datetime(2026, 11, 24, 19), "lan", GOOD_BODY, 60)
        add_letter(cur, 3, 3, 1, datetime(2026, 11, 9, 15), "tuan", GOOD_BODY, 100)
        add_letter(cur, 4, 2, 1, datetime(2026, 11, 6, 10), "lan", BAD_BODY, None)
        add_letter(cur, 5, 2, 1, datetime(2026, 11, 6, 11), "lan", "Giấy mời làm việc", None, kind="invitation")


class Charts:
    """A filled database as the charts read it: the DuckDB file itself, or in server mode this process's
    analytics copy (voc.insight.replica), brought up to date with PostgreSQL on each read."""

    def __init__(self, db) -> None:
        self.db = db

    def cursor(self):
        return replica.reading(self.db, exact=True)


@pytest.fixture
def filled(db):
    fill(db)
    return Charts(db)


def records(df, *columns) -> list[tuple]:
    return [tuple(r) for r in df[list(columns)].itertuples(index=False)]


def test_theme_volume_by_local_week_and_month(filled):
    with filled.cursor() as cur:
        weekly = themes_trends.theme_volume(cur, NOVEMBER, "week")
        monthly = themes_trends.theme_volume(cur, NOVEMBER, "month")
    got = sorted((str(p)[:10], t, n) for p, t, n in records(weekly, "period", "theme", "cases"))
    # C3 arrives Monday 09/11 05:00 local = Sunday 22:00 UTC: it belongs to the local week of 09/11.
    assert got == [("2026-11-02", "downtime", 2), ("2026-11-02", "email_delivery", 1),
                   ("2026-11-09", "email_delivery", 1), ("2026-11-16", "downtime", 1),
                   ("2026-11-16", "email_delivery", 1), ("2026-11-23", "downtime", 1), ("2026-11-23", "support", 1)]
    assert sorted(records(monthly, "theme", "cases")) == [("downtime", 4), ("email_delivery", 3), ("support", 1)]
    assert set(weekly["theme_name"]) == {"Gián đoạn dịch vụ", "Gửi nhận email", "Hỗ trợ chậm"}


def test_period_uses_local_days(filled):
    """C9 arrives 01/12 03:00 local (30/11 20:00 UTC): outside November."""
    with filled.cursor() as cur:
        assert process_metrics.kpis(cur, NOVEMBER, at=NOW)["cases"] == 7
        december = Filters(start=date(2026, 12, 1), end=date(2026, 12, 31))
        assert process_metrics.kpis(cur, december, at=NOW)["cases"] == 1


def test_filters_by_service_branch_channel_theme(filled):
    with filled.cursor() as cur:
        assert process_metrics.kpis(cur, Filters(services=("email",)), at=NOW)["cases"] == 4
        assert process_metrics.kpis(cur, Filters(branches=("Hà Nội",)), at=NOW)["cases"] == 5
        assert process_metrics.kpis(cur, Filters(channels=("hotline",)), at=NOW)["cases"] == 3
        assert process_metrics.kpis(cur, Filters(themes=("support",)), at=NOW)["cases"] == 2
        assert process_metrics.kpis(cur, Filters(branch_scope="Đà Nẵng"), at=NOW)["cases"] == 4
        monthly = themes_trends.theme_volume(cur, Filters(themes=("support",)), "month")
    assert records(monthly, "theme", "cases") == [("support", 1), ("support", 1)]


def test_top_issues(filled):
    with filled.cursor() as cur:
        df = themes_trends.top_issues(cur, NOVEMBER)
    assert records(df, "theme", "cases", "share_pct", "customers", "repeat_customers") == [
        ("downtime", 4, 57.1, 2, 1), ("email_delivery", 3, 42.9, 2, 1), ("support", 1, 14.3, 1, 0)]


def test_recurrence_same_customer_same_theme_within_30_days(filled):
    with filled.cursor() as cur:
        df = themes_trends.recurrence(cur, NOVEMBER)
    # downtime: C1 recurs through C7 (same phone, 13 days after); C2 and C5 do not.
    # email_delivery: C8 recurs through C9 (same e-mail, outside the period but within 30 days).
    assert sorted(records(df, "theme", "resolved", "recurred")) == [
        ("downtime", 3, 1), ("email_delivery", 1, 1), ("support", 1, 0)]
    with filled.cursor() as cur:
        shorter = themes_trends.recurrence(cur, NOVEMBER, days=10)
    assert sorted(records(shorter, "theme", "recurred")) == [("downtime", 0), ("email_delivery", 0), ("support", 0)]


def test_followup_outcomes(filled):
    with filled.cursor() as cur:
        df = themes_trends.followup_outcomes(cur, NOVEMBER).set_index("theme")
    assert df.loc["downtime", ["resolved", "followed_up", "mean_satisfaction", "followup_pct"]].tolist() == [
        3, 1, 4.0, 33.3]
    assert df.loc["support", ["resolved", "followed_up", "mean_satisfaction"]].tolist() == [1, 1, 4.0]
    assert df.loc["email_delivery", "followed_up"] == 0


def test_state_durations_from_events(filled):
    assert process_metrics.prepare(replica.source(filled.db))
    with filled.cursor() as cur:
        df = process_metrics.state_durations(cur, NOVEMBER).set_index("status")
        everything = process_metrics.state_durations(cur, Filters()).set_index("status")
    assert df["median_hours"].fillna(-1).to_dict() == {"received": 1.5, "verifying": 15.5, "replied": 22.0,
                                                       "awaiting_customer": 90.0, "resolved": -1}
    assert everything.loc["received", "median_hours"] == 2.0  # C6 waited 100 h; median of 1, 2, 100


def test_state_hours_refresh_is_incremental(tmp_path):
    filled = Database(tmp_path / "analytics.duckdb")
    fill(filled)
    with filled.transaction() as cur:
        assert process_metrics.refresh_state_hours(cur) == 3
        assert process_metrics.refresh_state_hours(cur) == 0
        add_status_events(cur, 7, ROWS[6].received, [(0, "received", "received"), (5, "start_verification", "verifying")])
        assert process_metrics.refresh_state_hours(cur) == 4  # the lookback re-reads recent cases too
        hours = cur.execute("SELECT received FROM case_state_hours WHERE case_id = 7").fetchone()[0]
    assert hours == 5.0
    filled.close()


def test_state_hours_follow_new_status_events(filled):
    """Written to the database (PostgreSQL in server mode), seen by the charts' state hours."""
    assert process_metrics.prepare(replica.source(filled.db))
    with filled.db.transaction() as cur:
        add_status_events(cur, 7, ROWS[6].received, [(0, "received", "received"), (5, "start_verification", "verifying")])
    with filled.cursor() as cur:
        assert process_metrics.prepare(replica.source(filled.db))
        hours = cur.execute("SELECT received FROM case_state_hours WHERE case_id = 7").fetchone()[0]
    assert hours == 5.0


def test_sla_compliance_by_week_and_branch(filled):
    with filled.cursor() as cur:
        weekly = process_metrics.sla_compliance(cur, NOVEMBER, "week", at=NOW)
        branch = process_metrics.sla_compliance(cur, NOVEMBER, "branch", at=NOW)
    assert [(str(b)[:10], *rest) for b, *rest in records(
        weekly, "bucket", "reply_due", "reply_on_time", "resolution_due", "resolution_on_time")] == [
        ("2026-11-02", 3, 2, 3, 2), ("2026-11-09", 1, 1, 0, 0), ("2026-11-16", 2, 0, 2, 0), ("2026-11-23", 1, 1, 1, 1)]
    assert records(branch, "bucket", "reply_due", "reply_on_time", "resolution_due", "resolution_on_time") == [
        ("Hà Nội", 4, 2, 4, 2), ("Đà Nẵng", 3, 2, 2, 1)]
    assert branch["reply_pct"].tolist() == [50.0, 66.7]


def test_sla_compliance_by_branch_and_week_together(filled):
    with filled.cursor() as cur:
        weekly = process_metrics.sla_compliance(cur, NOVEMBER, "week", at=NOW)
        branch = process_metrics.sla_compliance(cur, NOVEMBER, "branch", at=NOW)
        both = process_metrics.sla_compliance(cur, NOVEMBER, "branch_week", at=NOW)
    counts = ["reply_due", "reply_on_time", "resolution_due", "resolution_on_time"]
    assert [(str(b)[:10], br, *rest) for b, br, *rest in records(both, "bucket", "branch", *counts)] == [
        ("2026-11-02", "Hà Nội", 2, 1, 2, 1), ("2026-11-02", "Đà Nẵng", 1, 1, 1, 1),
        ("2026-11-09", "Đà Nẵng", 1, 1, 0, 0), ("2026-11-16", "Hà Nội", 1, 0, 1, 0),
        ("2026-11-16", "Đà Nẵng", 1, 0, 1, 0), ("2026-11-23", "Hà Nội", 1, 1, 1, 1)]
    # the same cases as the two single groupings
    assert both.groupby("bucket")[counts].sum().reset_index()[counts].values.tolist() == weekly[counts].values.tolist()
    assert both.groupby("branch", sort=False)[counts].sum().loc[list(branch["bucket"])].values.tolist() == \
        branch[counts].values.tolist()
    assert both["reply_pct"].tolist() == [50.0, 100.0, 100.0, 0.0, 0.0, 100.0]


def test_kpis(filled):
    with filled.cursor() as cur:
        k = process_metrics.kpis(cur, NOVEMBER, at=NOW)
    assert (k["cases"], k["open"]) == (7, 3)
    assert k["reply_on_time"] == pytest.approx(4 / 7)
    assert k["resolution_on_time"] == pytest.approx(0.5)
    assert k["round2_rate"] == pytest.approx(1 / 7)
    assert k["mean_satisfaction"] == 4.0


def test_staff_performance(filled):
    with filled.cursor() as cur:
        df = process_metrics.staff_performance(cur, NOVEMBER, at=NOW)
    assert records(df, "staff", "cases", "reply_due", "reply_on_time", "reply_on_time_pct", "round2_pct",
                   "mean_check_score", "checked_replies") == [
        ("lan", 4, 4, 2, 50.0, 0.0, 70.0, 2), ("tuan", 3, 3, 2, 66.7, 33.3, 100.0, 1)]


def test_emerging_issues_runs_on_real_tables(filled):
    with filled.cursor() as cur:
        df = themes_trends.emerging_issues(cur, Filters(end=date(2026, 11, 30)), now=NOW)
    assert set(df["theme"]) == {"downtime", "email_delivery", "support"}
    assert not df["alert"].any()
    # the last 7 days before 01/12 00:00 local: C5 (downtime, support) on 24/11
    assert df.set_index("theme").loc["downtime", "current"] == 1


def test_search_ignores_diacritics(filled):
    with filled.cursor() as cur:
        accented, n1 = verbatims.search_verbatims(cur, Filters(), "mất kết nối")
        plain, n2 = verbatims.search_verbatims(cur, Filters(), "MAT KET NOI")
        dd, n3 = verbatims.search_verbatims(cur, Filters(), "mail bi doi")
        volume = verbatims.search_volume(cur, Filters(), "mat ket noi")
    assert n1 == n2 == 2
    assert accented["ticket_code"].tolist() == ["KN-2026-000005", "KN-2026-000001"]  # newest first
    assert plain["ticket_code"].tolist() == accented["ticket_code"].tolist()
    assert dd["ticket_code"].tolist() == ["KN-2026-000003"] and n3 == 1
    assert accented.loc[0, "themes"] == "Gián đoạn dịch vụ, Hỗ trợ chậm"
    assert volume["cases"].sum() == 2


def test_search_with_filters_and_paging(filled):
    with filled.cursor() as cur:
        page, total = verbatims.search_verbatims(cur, Filters(services=("email",)), "", limit=2, offset=2)
    assert total == 4
    assert page["ticket_code"].tolist() == ["KN-2026-000003", "KN-2026-000008"]


def test_case_story(filled, manager):
    with filled.db.cursor() as cur:          # a case file reads the database itself, in server mode too
        story = timeline.case_story(cur, "KN-2026-000001", manager)
    assert story.case.id == 1
    assert [e.event.action for e in story.events] == ["received", "start_verification", "issue_letter",
                                                "await_customer", "customer_agrees"]
    assert [t[0] for t in story.themes] == ["downtime"]
    assert [l.id for l in story.letters] == [1]


def test_reply_queue_newest_first_and_scores_missing(filled):
    with filled.cursor() as cur:
        df, total = reply_queue.reply_queue(cur, NOVEMBER)
    assert total == 4  # the invitation is not a reply
    assert df["letter_id"].tolist() == [2, 3, 4, 1]
    assert df["score"].isna().tolist() == [False, False, True, False]
    df, _ = reply_queue.review_queue(filled.db, NOVEMBER)
    assert not df["score"].isna().any()
    assert df.set_index("letter_id").loc[4, "score"] < 50  # excuses, no thanks, no plan, late
    with filled.cursor() as cur:
        low, n = reply_queue.reply_queue(cur, NOVEMBER, max_score=60)
    assert sorted(low["letter_id"].tolist()) == [2, 4] and n == 2


def test_empty_database_gives_empty_frames(db):
    process_metrics.prepare(replica.source(db))
    with replica.reading(db, exact=True) as cur:
        for page in page_charts.PAGE_CHARTS.values():
            for name, (fn, kwargs) in page.items():
                result = fn(cur, NOVEMBER, **kwargs)
                if isinstance(result, tuple):
                    result = result[0]
                if name == "kpis":
                    assert result["cases"] == 0
                elif name == "state_durations":
                    assert result["cases"].sum() == 0
                else:
                    assert len(result) == 0, name
