"""Giám sát's theme charts: volume per week or month, top issues, emerging issues (alerts), recurrence
and the follow-up after resolution, per theme."""
from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pandas as pd

from voc.clock import local_date, utcnow
from voc.insight import alerts
from voc.insight.analytics import (GRAINS, LOCAL_OFFSET, Filters, fetch_df, filter_clause, local_midnight_utc,
                                   theme_clause, with_theme_names)


# --- Giám sát: theme trends and top issues ------------------------------------------------------

def theme_volume(cur, f: Filters, grain: str = "week") -> pd.DataFrame:
    """Cases per local week or month and theme: period, theme, theme_name, cases."""
    if grain not in GRAINS:
        raise ValueError(grain)
    params: dict[str, Any] = {"grain": grain}
    where = filter_clause(f, params, theme_semijoin=False)
    df = fetch_df(cur, f"""
        SELECT date_trunc($grain, c.received_at + {LOCAL_OFFSET})::DATE AS period, t.theme_code AS theme,
               count(*) AS cases
        FROM cases c JOIN case_themes t ON t.case_id = c.id
        WHERE {where} AND {theme_clause(f, params)}
        GROUP BY ALL ORDER BY period, cases DESC""", params)
    return with_theme_names(cur, df)


def top_issues(cur, f: Filters, limit: int = 10) -> pd.DataFrame:
    """The most frequent themes: cases, share of all filtered cases, customers, customers who came back.

    Each filtered case's customer is taken first, once (materialised), so the join carries one string a
    case rather than three, and the same rows give the total."""
    params: dict[str, Any] = {"limit": limit}
    where = filter_clause(f, params, theme_semijoin=False)
    df = fetch_df(cur, f"""
        WITH c AS MATERIALIZED (
            SELECT c.id, coalesce(c.customer_phone, c.customer_email, c.customer_name) AS customer
            FROM cases c WHERE {where}),
        per AS (
            SELECT t.theme_code AS theme, c.customer, count(*) AS n
            FROM c JOIN case_themes t ON t.case_id = c.id
            WHERE {theme_clause(f, params)}
            GROUP BY ALL),
        total AS (SELECT count(*) AS total_cases FROM c)
        SELECT theme, sum(per.n)::BIGINT AS cases,
               round(100.0 * sum(per.n) / greatest(any_value(total_cases), 1), 1) AS share_pct,
               count(*) AS customers, count(*) FILTER (WHERE per.n >= 2) AS repeat_customers
        FROM per, total GROUP BY theme ORDER BY cases DESC, theme LIMIT $limit""", params)
    return with_theme_names(cur, df)


def alert_days(f: Filters, now: datetime | None = None) -> tuple[date, date]:
    """The 'current week' of the alerts as local days (first, last): the 7 days ending on the period's
    last day, or today if earlier. Whole days, so the alert's cases are exactly those a Lắng nghe
    link with this period and the theme lists."""
    today = local_date(now or utcnow())
    last = min(f.end, today) if f.end else today
    return last - timedelta(days=6), last


def alert_anchor(f: Filters, now: datetime | None = None) -> datetime:
    """The end of the alerts' current week: the local midnight after its last day."""
    return local_midnight_utc(alert_days(f, now)[1] + timedelta(days=1))


def weekly_theme_counts(cur, f: Filters, anchor: datetime, weeks: int) -> pd.DataFrame:
    """Cases per theme in rolling 7-day windows before `anchor` (week 0 = the last 7 days)."""
    params: dict[str, Any] = {"anchor": anchor, "since": anchor - timedelta(days=7 * (weeks + 1))}
    where = filter_clause(f.without_period(), params, theme_semijoin=False)
    return fetch_df(cur, f"""
        SELECT t.theme_code AS theme,
               CAST(floor(date_diff('second', c.received_at, $anchor) / 604800) AS INTEGER) AS week,
               count(*) AS cases
        FROM cases c JOIN case_themes t ON t.case_id = c.id
        WHERE {where} AND {theme_clause(f, params)} AND c.received_at >= $since AND c.received_at < $anchor
        GROUP BY ALL""", params)


def emerging_issues(cur, f: Filters, settings: alerts.AlertSettings = alerts.AlertSettings(),
                    now: datetime | None = None) -> pd.DataFrame:
    """Every theme's current week against its own baseline, alerts first (see voc.alerts)."""
    anchor = alert_anchor(f, now)
    weekly = weekly_theme_counts(cur, f, anchor, settings.baseline_weeks)
    out = alerts.detect(weekly, settings)
    return with_theme_names(cur, out)


# --- Giám sát: recurrence and follow-up ---------------------------------------------------------

def recurrence(cur, f: Filters, days: int = 30) -> pd.DataFrame:
    """Per theme: resolved cases, and how many saw the same customer (same phone or e-mail) come back
    with the same theme within `days` after the resolution.

    The returning case may be outside the other filters (any channel, any branch), but not outside the
    selected themes (it has the resolved case's theme), so those filter every row first. Each case's
    phone and e-mail are hashed once, before the join with its themes; a tag's keys are the 64-bit hashes
    of (phone hash, theme) and (e-mail hash, theme), so the returns are one integer join (as with the
    earlier hashes of phone and e-mail alone, only a 64-bit collision could pair two tags). Each resolved
    tag is named by its case_themes rowid, and the tags that recurred are counted per theme from the
    matches (no join back to the resolved tags).
    """
    params: dict[str, Any] = {"days": days}
    where = filter_clause(f, params, theme_semijoin=False)
    themes = theme_clause(f, params)
    since = "c.received_at >= $from_ts" if "from_ts" in params else "true"
    themed = f"c.id IN (SELECT case_id FROM case_themes t WHERE {themes})" if f.themes else "true"
    df = fetch_df(cur, f"""
        WITH c AS MATERIALIZED (
            SELECT c.id, c.received_at, c.resolved_at, ({where}) AS in_scope,
                   CASE WHEN c.customer_phone IS NOT NULL THEN hash(c.customer_phone) END AS ph,
                   CASE WHEN c.customer_email IS NOT NULL THEN hash(c.customer_email) END AS em
            FROM cases c WHERE {since} AND {themed}),
        b AS MATERIALIZED (
            SELECT t.rowid AS tag, t.theme_code AS theme, c.received_at, c.resolved_at, c.in_scope,
                   CASE WHEN c.ph IS NOT NULL THEN hash(c.ph, t.theme_code) END AS ph,
                   CASE WHEN c.em IS NOT NULL THEN hash(c.em, t.theme_code) END AS em
            FROM c JOIN case_themes t ON t.case_id = c.id WHERE {themes}),
        res AS (SELECT tag, theme, resolved_at, ph, em FROM b WHERE in_scope AND resolved_at IS NOT NULL),
        keyed AS (
            SELECT tag, theme, resolved_at, ph AS k FROM res WHERE ph IS NOT NULL
            UNION ALL SELECT tag, theme, resolved_at, em FROM res WHERE em IS NOT NULL),
        arrivals AS (
            SELECT ph AS k, received_at FROM b WHERE ph IS NOT NULL
            UNION ALL SELECT em, received_at FROM b WHERE em IS NOT NULL),
        hits AS (
            SELECT r.theme, count(DISTINCT r.tag) AS recurred
            FROM keyed r SEMI JOIN arrivals a ON a.k = r.k
             AND a.received_at > r.resolved_at AND a.received_at <= r.resolved_at + to_days($days)
            GROUP BY r.theme),
        totals AS (SELECT theme, count(*) AS resolved FROM res GROUP BY theme)
        SELECT theme, resolved, coalesce(hits.recurred, 0) AS recurred
        FROM totals LEFT JOIN hits USING (theme) ORDER BY resolved DESC, theme""", params)
    df["recurrence_pct"] = (100.0 * df["recurred"] / df["resolved"].clip(lower=1)).round(1)
    return with_theme_names(cur, df)


def followup_outcomes(cur, f: Filters) -> pd.DataFrame:
    """Per theme: resolved cases, those followed up, the follow-up rate and mean satisfaction (1-5)."""
    params: dict[str, Any] = {}
    where = filter_clause(f, params, theme_semijoin=False)
    df = fetch_df(cur, f"""
        WITH fu AS (SELECT case_id, avg(satisfaction) AS satisfaction FROM followups GROUP BY case_id)
        SELECT t.theme_code AS theme, count(*) AS resolved, count(fu.case_id) AS followed_up,
               round(avg(fu.satisfaction), 2) AS mean_satisfaction
        FROM cases c JOIN case_themes t ON t.case_id = c.id LEFT JOIN fu ON fu.case_id = c.id
        WHERE {where} AND {theme_clause(f, params)} AND c.resolved_at IS NOT NULL
        GROUP BY ALL ORDER BY resolved DESC""", params)
    df["followup_pct"] = (100.0 * df["followed_up"] / df["resolved"].clip(lower=1)).round(1)
    return with_theme_names(cur, df)
