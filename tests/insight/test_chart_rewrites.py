"""Giám sát's charts rewritten for speed (issue #13: every chart fast at 1M cases) give exactly what their
earlier definitions gave: each old query is kept here verbatim and both run on data built to catch a
changed number (customers known by phone, e-mail or name only; coming back exactly at the resolution
and exactly `days` later; cases resolved in round 2 or resolved before they were received; a case tagged
twice with one theme; cases on the period's first instant; returns through another branch, channel or
service), under every kind of filter. On PostgreSQL both read the process's analytics copy (like every
chart in server mode)."""
from __future__ import annotations

import random
from datetime import date, datetime, timedelta
from typing import Any

import pandas as pd
import pytest

from tests.insight.test_analytics import Row, insert_case, insert_theme
from voc.insight import replica, themes_trends
from voc.insight.analytics import Filters, fetch_df, filter_clause, theme_clause, with_theme_names

THEMES = {"downtime": "Gián đoạn dịch vụ", "email_delivery": "Gửi nhận email", "support": "Hỗ trợ chậm",
          "billing": "Hoá đơn"}
SERVICES = ("hosting", "email", "vps")
CHANNELS = ("in_person", "hotline", "email", "post")
BRANCHES = ("Hà Nội", "Đà Nẵng", "TP. Hồ Chí Minh")
PHONES = tuple(f"09010000{i:02d}" for i in range(8)) + (None, None)
EMAILS = tuple(f"kh{i}@x.vn" for i in range(6)) + (None, None, None)
START = datetime(2026, 9, 1, 8)            # local
BOUNDARY = "Cần Thơ"
PERIOD = Filters(start=date(2026, 9, 15), end=date(2026, 11, 10))


def old_recurrence(cur, f: Filters, days: int = 30) -> pd.DataFrame:
    """themes_trends.recurrence as it was before the rewrite."""
    params: dict[str, Any] = {"days": days}
    where = filter_clause(f, params, theme_semijoin=False)
    in_scope = f"{where} AND {theme_clause(f, params)}"
    since = "c.received_at >= $from_ts" if "from_ts" in params else "true"
    df = fetch_df(cur, f"""
        WITH b AS MATERIALIZED (
            SELECT c.id, c.received_at, c.resolved_at, t.theme_code AS theme, ({in_scope}) AS in_scope,
                   CASE WHEN c.customer_phone IS NOT NULL THEN hash(c.customer_phone) END AS ph,
                   CASE WHEN c.customer_email IS NOT NULL THEN hash(c.customer_email) END AS em
            FROM cases c JOIN case_themes t ON t.case_id = c.id WHERE {since}),
        res AS (SELECT id, theme, resolved_at, ph, em FROM b WHERE in_scope AND resolved_at IS NOT NULL),
        keyed AS (
            SELECT id, theme, resolved_at, ph AS k FROM res WHERE ph IS NOT NULL
            UNION ALL SELECT id, theme, resolved_at, em FROM res WHERE em IS NOT NULL),
        arrivals AS (
            SELECT ph AS k, theme, received_at FROM b WHERE ph IS NOT NULL
            UNION ALL SELECT em, theme, received_at FROM b WHERE em IS NOT NULL),
        hit AS (
            SELECT r.id, r.theme FROM keyed r SEMI JOIN arrivals a ON a.k = r.k AND a.theme = r.theme
             AND a.received_at > r.resolved_at AND a.received_at <= r.resolved_at + to_days($days))
        SELECT r.theme, count(*) AS resolved, count(h.id) AS recurred
        FROM res r LEFT JOIN (SELECT DISTINCT id, theme FROM hit) h ON h.id = r.id AND h.theme = r.theme
        GROUP BY r.theme ORDER BY resolved DESC, r.theme""", params)
    df["recurrence_pct"] = (100.0 * df["recurred"] / df["resolved"].clip(lower=1)).round(1)
    return with_theme_names(cur, df)


def old_top_issues(cur, f: Filters, limit: int = 10) -> pd.DataFrame:
    """themes_trends.top_issues as it was before the rewrite."""
    params: dict[str, Any] = {"limit": limit}
    where = filter_clause(f, params, theme_semijoin=False)
    df = fetch_df(cur, f"""
        WITH per AS (
            SELECT t.theme_code AS theme,
                   coalesce(c.customer_phone, c.customer_email, c.customer_name) AS customer, count(*) AS n
            FROM cases c JOIN case_themes t ON t.case_id = c.id
            WHERE {where} AND {theme_clause(f, params)}
            GROUP BY ALL),
        total AS (SELECT count(*) AS total_cases FROM cases c WHERE {where})
        SELECT theme, sum(per.n)::BIGINT AS cases,
               round(100.0 * sum(per.n) / greatest(any_value(total_cases), 1), 1) AS share_pct,
               count(*) AS customers, count(*) FILTER (WHERE per.n >= 2) AS repeat_customers
        FROM per, total GROUP BY theme ORDER BY cases DESC, theme LIMIT $limit""", params)
    return with_theme_names(cur, df)


def tricky_rows() -> list[Row]:
    """Random cases of a few customers (seeded), then the boundaries, each next to a resolved case."""
    rnd = random.Random(13)
    rows: list[Row] = []

    def add(received: datetime, phone: str | None, email: str | None, themes: list[str],
            resolved_h: float | None, **kw) -> Row:
        row = Row(len(rows) + 1, received, kw.pop("service", rnd.choice(SERVICES)),
                  kw.pop("channel", rnd.choice(CHANNELS)), kw.pop("branch", rnd.choice(BRANCHES)), "lan",
                  phone, email, themes, "Khách hàng phản ánh sự cố.", resolved_h=resolved_h,
                  status="resolved" if resolved_h is not None else "received", **kw)
        rows.append(row)
        return row

    for _ in range(260):
        received = START + timedelta(hours=rnd.randrange(0, 24 * 100))
        resolved = rnd.choice((None, rnd.randrange(1, 24 * 40)))
        extra = {"round2_opened": received + timedelta(days=3)} if resolved and rnd.random() < 0.15 else {}
        add(received, rnd.choice(PHONES), rnd.choice(EMAILS), rnd.sample(sorted(THEMES), rnd.choice((1, 1, 2, 3))),
            resolved, **extra)
    base = datetime(2026, 10, 1, 9)        # the boundaries' resolved cases are Cần Thơ's, their returns not
    first = add(base, "0988000001", None, ["support"], 48, branch=BOUNDARY, channel="hotline", service="vps")
    resolved_at = first.received + timedelta(hours=48)
    add(resolved_at, "0988000001", None, ["support"], None)                       # at the resolution: no
    add(resolved_at + timedelta(days=30), "0988000001", None, ["support"], None,  # exactly 30 days: yes
        branch="Đà Nẵng", channel="post", service="email")
    second = add(base, None, "mot@x.vn", ["billing"], 24, branch=BOUNDARY)
    add(second.received + timedelta(hours=24, days=30, seconds=1), None, "mot@x.vn", ["billing"], None)  # just after
    add(second.received + timedelta(hours=24), None, "mot@x.vn", ["downtime"], None)  # another theme
    add(base, "0988000002", "hai@x.vn", ["downtime"], -5)                         # resolved before received
    add(datetime(2026, 9, 15, 0), "0988000003", None, ["downtime"], 1)             # the period's first instant
    add(datetime(2026, 9, 14, 23, 59, 59), "0988000003", None, ["downtime"], 1)    # the instant before
    add(datetime(2026, 9, 14, 23), "0988000003", None, ["downtime"], None)         # comes back before the period
    return rows


@pytest.fixture
def tricky(db):
    with db.transaction() as cur:
        for code, name in THEMES.items():
            insert_theme(cur, code, name)
        rows = tricky_rows()
        for row in rows:
            insert_case(cur, row)
        twice = next(r for r in rows if r.resolved_h and r.phone)      # one case tagged twice with one theme
        cur.execute("INSERT INTO case_themes (case_id, theme_code, score, source) VALUES (?, ?, 1.0, 'qa')",
                    [twice.n, twice.themes[0]])
    return db


FILTERS = [
    Filters(), PERIOD, Filters(start=PERIOD.start), Filters(end=PERIOD.end),
    Filters(start=PERIOD.start, end=PERIOD.end, services=("hosting",), themes=("downtime",)),
    Filters(services=("email", "vps")), Filters(channels=("hotline",)), Filters(branches=("Đà Nẵng", "Hà Nội")),
    Filters(themes=("support",)), Filters(themes=("billing", "downtime")), Filters(branch_scope="Hà Nội"),
    Filters(start=PERIOD.start, end=PERIOD.end, channels=("email", "post"), branch_scope="TP. Hồ Chí Minh"),
]


@pytest.mark.parametrize("days", [30, 10, 0])
def test_recurrence_gives_what_the_old_definition_gave(tricky, days):
    recurred = 0
    with replica.reading(tricky, exact=True) as cur:
        for f in FILTERS:
            new, old = themes_trends.recurrence(cur, f, days), old_recurrence(cur, f, days)
            pd.testing.assert_frame_equal(new, old, obj=f"recurrence {f} days={days}")
            recurred += old["recurred"].sum()
    assert (recurred > 0) == (days > 0)


@pytest.mark.parametrize("limit", [10, 2])
def test_top_issues_give_what_the_old_definition_gave(tricky, limit):
    with replica.reading(tricky, exact=True) as cur:
        for f in FILTERS:
            new, old = themes_trends.top_issues(cur, f, limit), old_top_issues(cur, f, limit)
            pd.testing.assert_frame_equal(new, old, obj=f"top_issues {f} limit={limit}")
        repeats = old_top_issues(cur, Filters())["repeat_customers"].sum()
    assert repeats > 0


def test_the_tricky_data_reaches_the_boundaries(tricky):
    """The data holds what the comparison must catch: a return exactly `days` after the resolution counts
    (through another branch, channel and service), one at the resolution or a second after `days` does
    not; and one case is tagged twice with one theme."""
    def recurred(days: int) -> dict[str, int]:
        df = themes_trends.recurrence(cur, Filters(branches=(BOUNDARY,)), days)
        return dict(zip(df["theme"], df["recurred"]))

    with replica.reading(tricky, exact=True) as cur:
        assert recurred(30) == {"support": 1, "billing": 0}
        assert recurred(29) == {"support": 0, "billing": 0}
        assert recurred(31) == {"support": 1, "billing": 1}
        twice = cur.execute("SELECT count(*) - count(DISTINCT (case_id, theme_code)) FROM case_themes").fetchone()[0]
    assert twice == 1
