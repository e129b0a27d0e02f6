"""Giám sát's process metrics: hours spent in each status (pre-aggregated from the audit log), SLA
compliance, the headline figures and per-staff performance."""
from __future__ import annotations

from datetime import datetime
from typing import Any

import pandas as pd

from voc.clock import to_db, utcnow
from voc.insight.analytics import GRAINS, LOCAL_OFFSET, Filters, fetch_df, filter_clause
from voc.store.dialect import CONFLICT_ERRORS


OPEN_STATUSES = ("received", "verifying", "replied", "awaiting_customer")
STATE_COLUMNS = ("received", "verifying", "replied", "awaiting_customer", "resolved")
SLA_DIMENSIONS = {"week": "week", "month": "month", "branch": "branch", "channel": "channel", "service": "service",
                  "branch_week": "week"}   # by branch and by week together: one row per branch and week


_STATE_SPANS_SQL = """
    WITH s AS (
        SELECT CAST(entity_id AS BIGINT) AS case_id, id, occurred_at,
               json_extract_string(after, '$.status') AS status
        FROM events
        WHERE entity = 'case' AND json_extract_string(after, '$.status') IS NOT NULL {scope}),
    spans AS (
        SELECT case_id, status,
               epoch(lead(occurred_at) OVER (PARTITION BY case_id ORDER BY occurred_at, id) - occurred_at) / 3600.0
                   AS hours
        FROM s)
    SELECT case_id,
           sum(hours) FILTER (WHERE status = 'received'), sum(hours) FILTER (WHERE status = 'verifying'),
           sum(hours) FILTER (WHERE status = 'replied'), sum(hours) FILTER (WHERE status = 'awaiting_customer'),
           sum(hours) FILTER (WHERE status = 'resolved')
    FROM spans GROUP BY case_id"""
STATE_HOURS_LOOKBACK = 1_000  # events re-read on each refresh, in case a transaction committed out of id order


def refresh_state_hours(cur, case_ids: list[str] | None = None) -> int:
    """Bring `case_state_hours` up to date with the events log; returns the number of cases recomputed.

    The first run builds it from the whole log; later runs recompute only the cases with new
    status events. Cheap (one max(id) lookup) when nothing changed. A caller that knows exactly which
    cases' status events changed (the server mode's analytics copy) names them in `case_ids`.
    """
    row = cur.execute("SELECT value FROM analytics_watermarks WHERE name = 'state_hours'").fetchone()
    mark = row[0] if row else None
    latest = cur.execute("SELECT coalesce(max(id), 0) FROM events").fetchone()[0]
    if mark is not None and latest <= mark and not case_ids:
        return 0
    columns = "case_id, " + ", ".join(STATE_COLUMNS)
    if mark is None:
        cur.execute("DELETE FROM case_state_hours")
        cur.execute(f"INSERT INTO case_state_hours ({columns}) " + _STATE_SPANS_SQL.format(scope=""))
        count = cur.execute("SELECT count(*) FROM case_state_hours").fetchone()[0]
    else:
        params = {"since": max(mark - STATE_HOURS_LOOKBACK, 0)}
        ids = list(case_ids) if case_ids is not None else [r[0] for r in cur.execute(
            "SELECT DISTINCT entity_id FROM events WHERE id > $since AND entity = 'case' "
            "AND json_extract_string(after, '$.status') IS NOT NULL", params).fetchall()]
        count = len(ids)
        if ids:
            scope = "AND entity_id IN (SELECT unnest($ids))"    # a semi-join: list_contains per row is slower
            cur.execute("DELETE FROM case_state_hours WHERE CAST(case_id AS VARCHAR) IN (SELECT unnest($ids))",
                        {"ids": ids})
            cur.execute(f"INSERT INTO case_state_hours ({columns}) " + _STATE_SPANS_SQL.format(scope=scope),
                        {"ids": ids})
    cur.execute("INSERT INTO analytics_watermarks (name, value) VALUES ('state_hours', ?) "
                "ON CONFLICT (name) DO UPDATE SET value = excluded.value", [latest])
    return count


def prepare(db) -> bool:
    """Refresh the pre-aggregates the charts read. Returns False if another session was refreshing."""
    try:
        with db.transaction() as cur:
            refresh_state_hours(cur)
        return True
    except CONFLICT_ERRORS:
        return False


def state_durations(cur, f: Filters) -> pd.DataFrame:
    """Median and 90th-percentile hours spent in each status (completed stays, from the audit log)."""
    params: dict[str, Any] = {}
    where = filter_clause(f, params)
    selects = ", ".join(
        f"median(h.{s}) AS med_{s}, quantile_cont(h.{s}, 0.9) AS p90_{s}, count(h.{s}) AS n_{s}"
        for s in STATE_COLUMNS)
    row = cur.execute(f"SELECT {selects} FROM cases c JOIN case_state_hours h ON h.case_id = c.id WHERE {where}",
                      params).fetchone()
    records = []
    for i, state in enumerate(STATE_COLUMNS):
        med, p90, n = row[3 * i: 3 * i + 3]
        records.append({"status": state, "median_hours": None if med is None else round(med, 1),
                        "p90_hours": None if p90 is None else round(p90, 1), "cases": n})
    return pd.DataFrame(records)


# Round-1 reply due times of the cases now in a later round (the case row holds the current round's).
_EARLIER_DUE_CTE = """r1 AS (SELECT case_id, reply_due_at FROM case_rounds
                     WHERE round = 1 AND case_id IN (SELECT case_id FROM case_rounds WHERE round > 1))"""


def _sla_states_sql(alias: str = "c") -> str:
    """Per case: reply_ok / resolution_ok as true (on time), false (late) or NULL (not yet due / n.a.).
    Needs `LEFT JOIN r1 ON r1.case_id = c.id` (see _EARLIER_DUE_CTE)."""
    a = alias
    due = f"coalesce(r1.reply_due_at, {a}.reply_due_at)"
    return f"""
        CASE WHEN {a}.first_reply_at IS NOT NULL THEN {a}.first_reply_at <= {due}
             WHEN $at > {due} THEN false END AS reply_ok,
        CASE WHEN {a}.resolved_at IS NOT NULL THEN {a}.resolved_at <= {a}.resolution_due_at
             WHEN {a}.closed_at IS NOT NULL THEN NULL
             WHEN $at > {a}.resolution_due_at THEN false END AS resolution_ok"""


def sla_compliance(cur, f: Filters, by: str = "week", at: datetime | None = None) -> pd.DataFrame:
    """SLA compliance per stage (reply within 48 h, resolution within 20 days) by week, month, branch,
    channel or service, or by branch and week together ("branch_week": a `branch` column beside the
    week `bucket`). Cases not yet due are left out; overdue open ones count as late."""
    if by not in SLA_DIMENSIONS:
        raise ValueError(by)
    params: dict[str, Any] = {"at": to_db(at or utcnow())}
    where = filter_clause(f, params)
    grain = SLA_DIMENSIONS[by]
    bucket = (f"date_trunc('{grain}', c.received_at + {LOCAL_OFFSET})::DATE" if grain in GRAINS
              else f"coalesce(c.{grain}, '(không rõ)')")
    keys = "bucket, branch" if by == "branch_week" else "bucket"
    df = fetch_df(cur, f"""
        WITH {_EARLIER_DUE_CTE},
        s AS (SELECT {bucket} AS bucket, coalesce(c.branch, '(không rõ)') AS branch, {_sla_states_sql()}
              FROM cases c LEFT JOIN r1 ON r1.case_id = c.id WHERE {where})
        SELECT {keys}, count(reply_ok) AS reply_due, count(*) FILTER (WHERE reply_ok) AS reply_on_time,
               count(resolution_ok) AS resolution_due, count(*) FILTER (WHERE resolution_ok) AS resolution_on_time
        FROM s GROUP BY {keys} ORDER BY {keys}""", params)
    df["reply_pct"] = (100.0 * df["reply_on_time"] / df["reply_due"].where(df["reply_due"] > 0)).round(1)
    df["resolution_pct"] = (100.0 * df["resolution_on_time"]
                            / df["resolution_due"].where(df["resolution_due"] > 0)).round(1)
    return df


def kpis(cur, f: Filters, at: datetime | None = None) -> dict[str, Any]:
    """Headline figures of the filtered cases."""
    params: dict[str, Any] = {"at": to_db(at or utcnow()), "open": list(OPEN_STATUSES)}
    where = filter_clause(f, params)
    row = cur.execute(f"""
        WITH {_EARLIER_DUE_CTE},
        s AS (SELECT c.id, c.status, c.round, {_sla_states_sql()} FROM cases c LEFT JOIN r1 ON r1.case_id = c.id
              WHERE {where})
        SELECT count(*), count(*) FILTER (WHERE list_contains($open, status)),
               avg(reply_ok::INTEGER), avg(resolution_ok::INTEGER), avg((round >= 2)::INTEGER),
               (SELECT avg(satisfaction) FROM followups WHERE case_id IN (SELECT id FROM s))
        FROM s""", params).fetchone()
    keys = ("cases", "open", "reply_on_time", "resolution_on_time", "round2_rate", "mean_satisfaction")
    return dict(zip(keys, row))


def staff_performance(cur, f: Filters, at: datetime | None = None) -> pd.DataFrame:
    """Per staff member: cases, replies on time, round-2 rate, mean stored reply-check score."""
    params: dict[str, Any] = {"at": to_db(at or utcnow())}
    where = filter_clause(f, params)
    return fetch_df(cur, f"""
        WITH {_EARLIER_DUE_CTE},
        s AS (SELECT c.staff, c.round, {_sla_states_sql()} FROM cases c LEFT JOIN r1 ON r1.case_id = c.id
              WHERE {where}),
        per AS (
            SELECT coalesce(staff, '(không rõ)') AS staff, count(*) AS cases, count(reply_ok) AS reply_due,
                   count(*) FILTER (WHERE reply_ok) AS reply_on_time,
                   round(100.0 * count(*) FILTER (WHERE round >= 2) / count(*), 1) AS round2_pct
            FROM s GROUP BY ALL),
        checks AS (
            SELECT l.issued_by AS staff, round(avg(rc.score), 1) AS mean_check_score, count(*) AS checked_replies
            FROM letters l JOIN reply_checks rc ON rc.letter_id = l.id JOIN cases c ON c.id = l.case_id
            WHERE {where} GROUP BY ALL)
        SELECT per.*, round(100.0 * reply_on_time / nullif(reply_due, 0), 1) AS reply_on_time_pct,
               checks.mean_check_score, coalesce(checks.checked_replies, 0) AS checked_replies
        FROM per LEFT JOIN checks USING (staff) ORDER BY cases DESC, staff""", params)
