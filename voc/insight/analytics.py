"""The SQL behind every VOC chart: one function per chart, each taking a cursor and `Filters`.

Every query aggregates inside DuckDB and returns a small pandas DataFrame; the cases table is never
loaded whole. Values from users only reach SQL as parameters. Local weeks and months are
Vietnam time (UTC+7, no daylight saving): `date_trunc(..., received_at + INTERVAL 7 HOUR)`.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Any

import duckdb
import pandas as pd

from voc.insight import alerts
from voc.clock import LOCAL_TZ, from_db, local_date, to_db, utcnow
from voc.model import RootCauseCategory
from voc.text.reply_review import EVENT_ACTION as REVIEW_EVENT, ReviewState
from voc.plaintext import fold

LOCAL_OFFSET = "INTERVAL 7 HOUR"
OPEN_STATUSES = ("received", "verifying", "replied", "awaiting_customer")
STATE_COLUMNS = ("received", "verifying", "replied", "awaiting_customer", "resolved")
GRAINS = ("week", "month")
SLA_DIMENSIONS = {"week": "week", "month": "month", "branch": "branch", "channel": "channel", "service": "service"}


@dataclass(frozen=True)
class Filters:
    """The global filters of the VOC pages. Dates are local (Vietnam) days, both inclusive."""

    start: date | None = None
    end: date | None = None
    services: tuple[str, ...] = ()
    channels: tuple[str, ...] = ()
    branches: tuple[str, ...] = ()
    themes: tuple[str, ...] = ()
    branch_scope: str | None = None  # forced for roles that may only read their own branch

    def to_json(self) -> str:
        """A stable key for caches (plain JSON, never pickle)."""
        return json.dumps({
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
            "services": list(self.services), "channels": list(self.channels),
            "branches": list(self.branches), "themes": list(self.themes), "branch_scope": self.branch_scope,
        }, ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> "Filters":
        raw = json.loads(text)
        return cls(
            start=date.fromisoformat(raw["start"]) if raw.get("start") else None,
            end=date.fromisoformat(raw["end"]) if raw.get("end") else None,
            services=tuple(raw.get("services", ())), channels=tuple(raw.get("channels", ())),
            branches=tuple(raw.get("branches", ())), themes=tuple(raw.get("themes", ())),
            branch_scope=raw.get("branch_scope"),
        )

    def without_period(self) -> "Filters":
        return replace(self, start=None, end=None)


def local_midnight_utc(day: date) -> datetime:
    """The UTC instant (naive, as stored) of local midnight starting `day`."""
    return to_db(datetime.combine(day, time.min, LOCAL_TZ))


def _where(f: Filters, params: dict[str, Any], alias: str = "c", *, period: bool = True,
           theme_semijoin: bool = True) -> str:
    """The WHERE clause of the filters on cases `alias`; fills `params`."""
    a = alias
    clauses = ["true"]
    if period and f.start:
        params["from_ts"] = local_midnight_utc(f.start)
        clauses.append(f"{a}.received_at >= $from_ts")
    if period and f.end:
        params["to_ts"] = local_midnight_utc(f.end + timedelta(days=1))
        clauses.append(f"{a}.received_at < $to_ts")
    for column, values in (("service", f.services), ("channel", f.channels), ("branch", f.branches)):
        if values:
            params[f"f_{column}"] = list(values)
            clauses.append(f"list_contains($f_{column}, {a}.{column})")
    if f.branch_scope is not None:
        params["scope_branch"] = f.branch_scope
        clauses.append(f"{a}.branch = $scope_branch")
    if f.themes and theme_semijoin:
        params["f_themes"] = list(f.themes)
        clauses.append(f"{a}.id IN (SELECT case_id FROM case_themes WHERE list_contains($f_themes, theme_code))")
    return " AND ".join(clauses)


def _theme_clause(f: Filters, params: dict[str, Any], alias: str = "t") -> str:
    """For charts grouped by theme: keep only the selected themes' rows."""
    if not f.themes:
        return "true"
    params["f_themes"] = list(f.themes)
    return f"list_contains($f_themes, {alias}.theme_code)"


def _df(cur, sql: str, params: dict[str, Any]) -> pd.DataFrame:
    return cur.execute(sql, params).df()


def _with_theme_names(cur, df: pd.DataFrame, column: str = "theme") -> pd.DataFrame:
    """Add `theme_name` (Vietnamese) next to a theme-code column."""
    names = theme_names(cur)
    df.insert(df.columns.get_loc(column) + 1, "theme_name", [names.get(c, c) for c in df[column]])
    return df


def theme_names(cur) -> dict[str, str]:
    try:
        return dict(cur.execute("SELECT code, name_vi FROM themes").fetchall())
    except duckdb.CatalogException:
        return {}


def theme_options(cur) -> list[tuple[str, str]]:
    return sorted(theme_names(cur).items(), key=lambda kv: kv[1])


def branch_options(cur) -> list[str]:
    return [r[0] for r in cur.execute(
        "SELECT DISTINCT branch FROM cases WHERE branch IS NOT NULL ORDER BY 1").fetchall()]


def data_version(cur) -> tuple:
    """A cheap fingerprint that changes whenever cases, events, letters or themes change."""
    return tuple(cur.execute(
        "SELECT (SELECT count(*) FROM cases), (SELECT max(id) FROM events), (SELECT max(id) FROM letters), "
        "(SELECT count(*) FROM reply_checks), (SELECT count(*) FROM followups)").fetchone())


# --- Giám sát: theme trends and top issues ------------------------------------------------------

def theme_volume(cur, f: Filters, grain: str = "week") -> pd.DataFrame:
    """Cases per local week or month and theme: period, theme, theme_name, cases."""
    if grain not in GRAINS:
        raise ValueError(grain)
    params: dict[str, Any] = {"grain": grain}
    where = _where(f, params, theme_semijoin=False)
    df = _df(cur, f"""
        SELECT date_trunc($grain, c.received_at + {LOCAL_OFFSET})::DATE AS period, t.theme_code AS theme,
               count(*) AS cases
        FROM cases c JOIN case_themes t ON t.case_id = c.id
        WHERE {where} AND {_theme_clause(f, params)}
        GROUP BY ALL ORDER BY period, cases DESC""", params)
    return _with_theme_names(cur, df)


def top_issues(cur, f: Filters, limit: int = 10) -> pd.DataFrame:
    """The most frequent themes: cases, share of all filtered cases, customers, customers who came back."""
    params: dict[str, Any] = {"limit": limit}
    where = _where(f, params, theme_semijoin=False)
    df = _df(cur, f"""
        WITH per AS (
            SELECT t.theme_code AS theme,
                   coalesce(c.customer_phone, c.customer_email, c.customer_name) AS customer, count(*) AS n
            FROM cases c JOIN case_themes t ON t.case_id = c.id
            WHERE {where} AND {_theme_clause(f, params)}
            GROUP BY ALL),
        total AS (SELECT count(*) AS total_cases FROM cases c WHERE {where})
        SELECT theme, sum(per.n)::BIGINT AS cases,
               round(100.0 * sum(per.n) / greatest(any_value(total_cases), 1), 1) AS share_pct,
               count(*) AS customers, count(*) FILTER (WHERE per.n >= 2) AS repeat_customers
        FROM per, total GROUP BY theme ORDER BY cases DESC, theme LIMIT $limit""", params)
    return _with_theme_names(cur, df)


def alert_anchor(f: Filters, now: datetime | None = None) -> datetime:
    """The end of the 'current week' of the alerts: the end of the period, or now if earlier."""
    now_db = to_db(now or utcnow())
    if f.end is None:
        return now_db
    return min(local_midnight_utc(f.end + timedelta(days=1)), now_db)


def weekly_theme_counts(cur, f: Filters, anchor: datetime, weeks: int) -> pd.DataFrame:
    """Cases per theme in rolling 7-day windows before `anchor` (week 0 = the last 7 days)."""
    params: dict[str, Any] = {"anchor": anchor, "since": anchor - timedelta(days=7 * (weeks + 1))}
    where = _where(f.without_period(), params, theme_semijoin=False)
    return _df(cur, f"""
        SELECT t.theme_code AS theme,
               CAST(floor(date_diff('second', c.received_at, $anchor) / 604800) AS INTEGER) AS week,
               count(*) AS cases
        FROM cases c JOIN case_themes t ON t.case_id = c.id
        WHERE {where} AND {_theme_clause(f, params)} AND c.received_at >= $since AND c.received_at < $anchor
        GROUP BY ALL""", params)


def emerging_issues(cur, f: Filters, settings: alerts.AlertSettings = alerts.AlertSettings(),
                    now: datetime | None = None) -> pd.DataFrame:
    """Every theme's current week against its own baseline, alerts first (see voc.alerts)."""
    anchor = alert_anchor(f, now)
    weekly = weekly_theme_counts(cur, f, anchor, settings.baseline_weeks)
    out = alerts.detect(weekly, settings)
    return _with_theme_names(cur, out)


# --- Giám sát: recurrence and follow-up ---------------------------------------------------------

def recurrence(cur, f: Filters, days: int = 30) -> pd.DataFrame:
    """Per theme: resolved cases, and how many saw the same customer (same phone or e-mail) come back
    with the same theme within `days` after the resolution.

    Customers are matched on 64-bit hashes of phone and e-mail (one integer join instead of two
    string joins); the returning case may be outside the other filters (any channel, any branch).
    """
    params: dict[str, Any] = {"days": days}
    where = _where(f, params, theme_semijoin=False)
    in_scope = f"{where} AND {_theme_clause(f, params)}"
    since = "c.received_at >= $from_ts" if "from_ts" in params else "true"
    df = _df(cur, f"""
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
    return _with_theme_names(cur, df)


def followup_outcomes(cur, f: Filters) -> pd.DataFrame:
    """Per theme: resolved cases, those followed up, the follow-up rate and mean satisfaction (1-5)."""
    params: dict[str, Any] = {}
    where = _where(f, params, theme_semijoin=False)
    df = _df(cur, f"""
        WITH fu AS (SELECT case_id, avg(satisfaction) AS satisfaction FROM followups GROUP BY case_id)
        SELECT t.theme_code AS theme, count(*) AS resolved, count(fu.case_id) AS followed_up,
               round(avg(fu.satisfaction), 2) AS mean_satisfaction
        FROM cases c JOIN case_themes t ON t.case_id = c.id LEFT JOIN fu ON fu.case_id = c.id
        WHERE {where} AND {_theme_clause(f, params)} AND c.resolved_at IS NOT NULL
        GROUP BY ALL ORDER BY resolved DESC""", params)
    df["followup_pct"] = (100.0 * df["followed_up"] / df["resolved"].clip(lower=1)).round(1)
    return _with_theme_names(cur, df)


# --- Giám sát: root causes and internal fixes ---------------------------------------------------

def root_cause_summary(cur, f: Filters, today: date | None = None) -> pd.DataFrame:
    """Per root-cause category: cases, and their internal fixes done, in progress and overdue (not done
    after their date); a record with a cause but no fix counts in `cases` only."""
    params: dict[str, Any] = {"today": today or local_date(utcnow())}
    where = _where(f, params)
    df = _df(cur, f"""
        WITH r AS (SELECT *, action IS NOT NULL AND done_at IS NULL AS pending,
                          coalesce(due_date < $today, false) AS late FROM root_causes)
        SELECT r.category, count(*) AS cases, count(r.done_at) AS fixed,
               count(*) FILTER (WHERE r.pending AND NOT r.late) AS in_progress,
               count(*) FILTER (WHERE r.pending AND r.late) AS overdue_fixes
        FROM r JOIN cases c ON c.id = r.case_id
        WHERE {where} GROUP BY r.category ORDER BY cases DESC, r.category""", params)
    df["category_name"] = [RootCauseCategory(v).label for v in df["category"]]
    return df


def open_fixes(cur, f: Filters, today: date | None = None, limit: int = 100) -> pd.DataFrame:
    """Internal fixes not done yet: overdue first, then by due date."""
    params: dict[str, Any] = {"today": today or local_date(utcnow()), "limit": limit}
    where = _where(f, params)
    df = _df(cur, f"""
        SELECT c.ticket_code, r.category, r.action, r.owner, r.due_date,
               coalesce(r.due_date < $today, false) AS overdue
        FROM root_causes r JOIN cases c ON c.id = r.case_id
        WHERE {where} AND r.done_at IS NULL AND r.action IS NOT NULL
        ORDER BY overdue DESC, r.due_date NULLS LAST, c.ticket_code LIMIT $limit""", params)
    df["category_name"] = [RootCauseCategory(v).label for v in df["category"]]
    return df


# --- Giám sát: process metrics ------------------------------------------------------------------

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


def refresh_state_hours(cur) -> int:
    """Bring `case_state_hours` up to date with the events log; returns the number of cases recomputed.

    The first run builds it from the whole log; later runs recompute only the cases with new
    status events. Cheap (one max(id) lookup) when nothing changed.
    """
    row = cur.execute("SELECT value FROM analytics_watermarks WHERE name = 'state_hours'").fetchone()
    mark = row[0] if row else None
    latest = cur.execute("SELECT coalesce(max(id), 0) FROM events").fetchone()[0]
    if mark is not None and latest <= mark:
        return 0
    columns = "case_id, " + ", ".join(STATE_COLUMNS)
    if mark is None:
        cur.execute("DELETE FROM case_state_hours")
        cur.execute(f"INSERT INTO case_state_hours ({columns}) " + _STATE_SPANS_SQL.format(scope=""))
        count = cur.execute("SELECT count(*) FROM case_state_hours").fetchone()[0]
    else:
        params = {"since": max(mark - STATE_HOURS_LOOKBACK, 0)}
        ids = [r[0] for r in cur.execute(
            "SELECT DISTINCT entity_id FROM events WHERE id > $since AND entity = 'case' "
            "AND json_extract_string(after, '$.status') IS NOT NULL", params).fetchall()]
        count = len(ids)
        if ids:
            scope = "AND list_contains($ids, entity_id)"
            cur.execute("DELETE FROM case_state_hours WHERE list_contains($ids, CAST(case_id AS VARCHAR))",
                        {"ids": ids})
            cur.execute(f"INSERT INTO case_state_hours ({columns}) " + _STATE_SPANS_SQL.format(scope=scope),
                        {"ids": ids})
    cur.execute("INSERT OR REPLACE INTO analytics_watermarks (name, value) VALUES ('state_hours', ?)", [latest])
    return count


def prepare(db) -> bool:
    """Refresh the pre-aggregates the charts read. Returns False if another session was refreshing."""
    try:
        with db.transaction() as cur:
            refresh_state_hours(cur)
        return True
    except duckdb.TransactionException:
        return False


def state_durations(cur, f: Filters) -> pd.DataFrame:
    """Median and 90th-percentile hours spent in each status (completed stays, from the audit log)."""
    params: dict[str, Any] = {}
    where = _where(f, params)
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
    channel or service. Cases not yet due are left out; overdue open ones count as late."""
    if by not in SLA_DIMENSIONS:
        raise ValueError(by)
    params: dict[str, Any] = {"at": to_db(at or utcnow())}
    where = _where(f, params)
    bucket = (f"date_trunc('{by}', c.received_at + {LOCAL_OFFSET})::DATE" if by in GRAINS
              else f"coalesce(c.{by}, '(không rõ)')")
    df = _df(cur, f"""
        WITH {_EARLIER_DUE_CTE},
        s AS (SELECT {bucket} AS bucket, {_sla_states_sql()} FROM cases c LEFT JOIN r1 ON r1.case_id = c.id
              WHERE {where})
        SELECT bucket, count(reply_ok) AS reply_due, count(*) FILTER (WHERE reply_ok) AS reply_on_time,
               count(resolution_ok) AS resolution_due, count(*) FILTER (WHERE resolution_ok) AS resolution_on_time
        FROM s GROUP BY bucket ORDER BY bucket""", params)
    df["reply_pct"] = (100.0 * df["reply_on_time"] / df["reply_due"].where(df["reply_due"] > 0)).round(1)
    df["resolution_pct"] = (100.0 * df["resolution_on_time"]
                            / df["resolution_due"].where(df["resolution_due"] > 0)).round(1)
    return df


def kpis(cur, f: Filters, at: datetime | None = None) -> dict[str, Any]:
    """Headline figures of the filtered cases."""
    params: dict[str, Any] = {"at": to_db(at or utcnow()), "open": list(OPEN_STATUSES)}
    where = _where(f, params)
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
    where = _where(f, params)
    return _df(cur, f"""
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


# --- Lắng nghe: verbatims ------------------------------------------------------------------------

VERBATIM_COLUMNS = ("ticket_code", "received_at", "service", "channel", "branch", "status", "round",
                    "content", "request")


def _text_clause(text: str, params: dict[str, Any], alias: str = "c") -> str:
    needle = fold(text)
    if not needle:
        return "true"
    params["needle"] = needle
    return f"contains({alias}.search_text, $needle)"


def search_verbatims(cur, f: Filters, text: str = "", limit: int = 50, offset: int = 0) -> tuple[pd.DataFrame, int]:
    """Matching complaints, newest first, searched regardless of diacritics; and the total count."""
    params: dict[str, Any] = {}
    where = f"{_where(f, params)} AND {_text_clause(text, params)}"
    # One scan: the count and the newest (offset + limit) ids in a single aggregate.
    total, newest = cur.execute(f"""
        SELECT count(*), max_by(c.id, c.received_at, $n) FROM cases c WHERE {where}""",
        {**params, "n": offset + limit}).fetchone()
    ids = (newest or [])[offset:offset + limit]
    df = _df(cur, f"""
        WITH tags AS (
            SELECT case_id, string_agg(theme_code, ',' ORDER BY theme_code) AS themes FROM case_themes
            WHERE list_contains($ids, case_id) GROUP BY case_id)
        SELECT {', '.join('c.' + col for col in VERBATIM_COLUMNS)}, tags.themes
        FROM cases c LEFT JOIN tags ON tags.case_id = c.id
        WHERE list_contains($ids, c.id) ORDER BY c.received_at DESC, c.id DESC""", {"ids": ids})
    df["received_at"] = pd.to_datetime(df["received_at"]).dt.tz_localize("UTC").dt.tz_convert(LOCAL_TZ)
    names = theme_names(cur)
    df["themes"] = [", ".join(names.get(c, c) for c in s.split(",") if c) if isinstance(s, str) else ""
                    for s in df["themes"]]
    return df, total


def search_volume(cur, f: Filters, text: str = "") -> pd.DataFrame:
    """Matching complaints per local week."""
    params: dict[str, Any] = {}
    where = f"{_where(f, params)} AND {_text_clause(text, params)}"
    return _df(cur, f"""
        SELECT date_trunc('week', c.received_at + {LOCAL_OFFSET})::DATE AS week, count(*) AS cases
        FROM cases c WHERE {where} GROUP BY ALL ORDER BY week""", params)


# The one map of audit actions to Vietnamese (with the lifecycle's ACTION_LABELS): the case timeline
# and the audit log (voc.insight.audit_log) both read it through event_label.
_OTHER_EVENT_LABELS = {
    "received": "Tiếp nhận hồ sơ",
    "imported": "Nhập từ tệp CSV",
    "followup": "Ghi nhận theo dõi sau giải quyết",
    "attachment_added": "Thêm tài liệu kèm theo",
    "root_cause_recorded": "Ghi nhận nguyên nhân gốc / khắc phục nội bộ",
    "branch_renamed": "Chuyển chi nhánh (đổi tên / gộp chi nhánh)",
    REVIEW_EVENT: "Duyệt thư trả lời",
    "issued": "Phát hành thư",
    "confirmed": "Xác nhận chủ đề",
    "rejected": "Bỏ chủ đề",
    "retagged": "Gắn lại chủ đề",
    "trained": "Huấn luyện mô hình phân loại",
    "kept_previous": "Giữ mô hình cũ (mô hình mới kém hơn)",
    "seeded": "Nạp danh mục mặc định",
    "created": "Tạo mới",
    "updated": "Cập nhật",
    "activated": "Đưa vào sử dụng",
    "retired": "Ngừng sử dụng",
    "removed": "Xóa",
    "restored": "Khôi phục",
    "policy_changed": "Thay đổi chính sách thời hạn",
    "exported": "Xuất dữ liệu",
    "csv_imported": "Nhập tệp CSV",
    "generated": "Nạp dữ liệu mẫu (demo)",
    "user_created": "Tạo tài khoản",
    "user_updated": "Sửa tài khoản",
    "user_unlocked": "Mở khóa tài khoản",
    "password_changed": "Đổi mật khẩu",
    "email_changed": "Đổi e-mail",
    "login": "Đăng nhập",
    "login_failed": "Đăng nhập sai mật khẩu",
    "login_refused": "Từ chối đăng nhập",
    "logout": "Đăng xuất",
    "branch_created": "Thêm chi nhánh",
    "branch_merged": "Gộp chi nhánh",
    "branch_activated": "Mở lại chi nhánh",
    "branch_deactivated": "Ngừng hoạt động chi nhánh",
    "gave_up": "Ngừng gửi e-mail (gửi không được)",
    "retry_requested": "Yêu cầu gửi lại e-mail",
}


def event_labels() -> dict[str, str]:
    """Every known action code and its Vietnamese name."""
    from voc.desk.lifecycle import ACTION_LABELS

    return {**_OTHER_EVENT_LABELS, **{a.value: label for a, label in ACTION_LABELS.items()}}


def event_label(action: str) -> str:
    """The Vietnamese name of an audit event's action."""
    from voc.desk.lifecycle import ACTION_LABELS, Action

    try:
        return ACTION_LABELS[Action(action)]
    except ValueError:
        return _OTHER_EVENT_LABELS.get(action, action)


@dataclass
class CaseStory:
    """A complaint's whole story: the case, its themes, its audit events, letters and follow-ups."""

    case: Any
    themes: list[tuple[str, str, float | None]] = field(default_factory=list)
    events: list = field(default_factory=list)
    letters: list = field(default_factory=list)
    followups: list[dict] = field(default_factory=list)


def case_story(cur, ticket_code: str) -> CaseStory:
    from voc.store.audit import events_for
    from voc.store.case_store import get_case
    from voc.desk.letters import letters_of

    case = get_case(cur, ticket_code)
    names = theme_names(cur)
    try:
        themes = [(code, names.get(code, code), score) for code, score in cur.execute(
            "SELECT theme_code, max(score) FROM case_themes WHERE case_id = ? GROUP BY 1 ORDER BY 2 DESC",
            [case.id]).fetchall()]
    except duckdb.CatalogException:
        themes = []
    followups = [dict(contacted_at=from_db(r[0]), satisfaction=r[1], note=r[2], recorded_by=r[3])
                 for r in cur.execute("SELECT contacted_at, satisfaction, note, recorded_by FROM followups "
                                      "WHERE case_id = ? ORDER BY contacted_at", [case.id]).fetchall()]
    return CaseStory(case, themes, events_for(cur, "case", case.id), letters_of(cur, case.id), followups)


# --- Trả lời: the QA review queue -----------------------------------------------------------------

def reply_queue(cur, f: Filters, limit: int = 50, offset: int = 0, max_score: int | None = None, *,
                review: ReviewState = ReviewState.ALL, writer: str | None = None) -> tuple[pd.DataFrame, int]:
    """Issued reply letters, newest first, with their stored check score (NULL = not checked yet) and their
    latest review (reviews = how many, 0 = not reviewed yet).

    The period applies to the issue date; the other filters to the letter's case; `writer` keeps the
    replies one person issued.
    """
    params: dict[str, Any] = {}
    case_where = _where(f.without_period(), params)
    where = "l.kind = 'reply'"
    if case_where != "true":
        where += f" AND l.case_id IN (SELECT c.id FROM cases c WHERE {case_where})"
    if f.start:
        params["l_from"] = local_midnight_utc(f.start)
        where += " AND l.issued_at >= $l_from"
    if f.end:
        params["l_to"] = local_midnight_utc(f.end + timedelta(days=1))
        where += " AND l.issued_at < $l_to"
    if review is not ReviewState.ALL:
        negate = "NOT " if review is ReviewState.UNREVIEWED else ""
        where += f" AND {negate}EXISTS (SELECT 1 FROM reply_reviews rr WHERE rr.letter_id = l.id)"
    if writer is not None:
        params["writer"] = writer
        where += " AND l.issued_by = $writer"
    scored = ""
    if max_score is not None:
        params["max_score"] = max_score
        scored = "JOIN reply_checks rs ON rs.letter_id = l.id AND rs.score <= $max_score"
    total, newest = cur.execute(
        f"SELECT count(*), max_by(l.id, l.issued_at, $n) FROM letters l {scored} WHERE {where}",
        {**params, "n": offset + limit}).fetchone()
    ids = (newest or [])[offset:offset + limit]
    df = _df(cur, """
        SELECT l.id AS letter_id, l.doc_number, c.ticket_code, l.round, l.issued_at, l.issued_by, c.service,
               c.branch, rc.score, rc.codes, coalesce(rv.reviews, 0) AS reviews, rv.reviewer, rv.reviewed_at,
               rv.comment
        FROM letters l JOIN cases c ON c.id = l.case_id LEFT JOIN reply_checks rc ON rc.letter_id = l.id
        LEFT JOIN (SELECT letter_id, count(*) AS reviews, arg_max(reviewer, id) AS reviewer,
                          max(reviewed_at) AS reviewed_at, arg_max(comment, id) AS comment  -- latest non-empty
                   FROM reply_reviews WHERE letter_id IN (SELECT unnest($ids)) GROUP BY letter_id) rv
               ON rv.letter_id = l.id
        WHERE l.id IN (SELECT unnest($ids)) ORDER BY l.issued_at DESC, l.id DESC""", {"ids": ids})
    for column in ("issued_at", "reviewed_at"):
        df[column] = pd.to_datetime(df[column]).dt.tz_localize("UTC").dt.tz_convert(LOCAL_TZ)
    return df, total


def review_queue(db, f: Filters, limit: int = 50, offset: int = 0, max_score: int | None = None, *,
                 review: ReviewState = ReviewState.ALL, writer: str | None = None) -> tuple[pd.DataFrame, int]:
    """The review queue with a score for every letter shown: unchecked ones are checked and stored now."""
    from voc.text import reply_check

    def query(cur):
        return reply_queue(cur, f, limit, offset, max_score, review=review, writer=writer)

    with db.cursor() as cur:
        df, total = query(cur)
    missing = [int(i) for i in df.loc[df["score"].isna(), "letter_id"]]
    if missing:
        try:
            with db.transaction() as cur:
                reply_check.score_letters(cur, missing)
        except duckdb.TransactionException:
            pass  # another session stored them meanwhile
        with db.cursor() as cur:
            df, total = query(cur)
    return df, total


def letter_body(cur, letter_id: int) -> tuple[str, str, int] | None:
    """(ticket_code, body, case_id) of a letter, for re-checking it on screen."""
    row = cur.execute("SELECT c.ticket_code, l.body, l.case_id FROM letters l JOIN cases c ON c.id = l.case_id "
                      "WHERE l.id = ?", [letter_id]).fetchone()
    return tuple(row) if row else None


# The charts of each page, for the benchmark: name -> (function, keyword arguments).
PAGE_CHARTS: dict[str, dict[str, tuple]] = {
    "monitor": {
        "kpis": (kpis, {}),
        "theme_volume_week": (theme_volume, {"grain": "week"}),
        "theme_volume_month": (theme_volume, {"grain": "month"}),
        "top_issues": (top_issues, {}),
        "emerging_issues": (emerging_issues, {}),
        "recurrence": (recurrence, {}),
        "followup_outcomes": (followup_outcomes, {}),
        "state_durations": (state_durations, {}),
        "sla_by_week": (sla_compliance, {"by": "week"}),
        "sla_by_branch": (sla_compliance, {"by": "branch"}),
        "staff_performance": (staff_performance, {}),
        "root_cause_summary": (root_cause_summary, {}),
        "open_fixes": (open_fixes, {}),
    },
    "listen": {
        "search_volume": (search_volume, {}),
        "search_verbatims": (search_verbatims, {}),
    },
    "respond": {
        "reply_queue": (reply_queue, {}),
    },
}
