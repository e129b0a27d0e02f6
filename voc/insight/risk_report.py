"""Giám sát's risk section: negativity and escalation risk (R10) by theme, over time, by category,
and the latest flagged cases, from case_risk (voc.text.risk) under the page's filters.

A case counts as negative when its negativity is at least NEGATIVE_AT; `negative_pct` and
`escalation_pct` are shares of the cases that have a score (cases never scored are left out of
both the numerator and the denominator)."""
from __future__ import annotations

import json
from typing import Any

import pandas as pd

from voc.insight.analytics import GRAINS, LOCAL_OFFSET, Filters, fetch_df, filter_clause, theme_clause, with_theme_names
from voc.text.escalation import EscalationCategory

NEGATIVE_AT = 0.5
_MEASURES = f"""
    count(*) AS cases,
    round(avg(r.negativity), 3) AS mean_negativity,
    count(*) FILTER (WHERE r.negativity >= {NEGATIVE_AT}) AS negative_cases,
    count(*) FILTER (WHERE r.escalation) AS escalated_cases,
    round(100.0 * count(*) FILTER (WHERE r.negativity >= {NEGATIVE_AT}) / count(*), 1) AS negative_pct,
    round(100.0 * count(*) FILTER (WHERE r.escalation) / count(*), 1) AS escalation_pct"""


def risk_by_theme(cur, f: Filters) -> pd.DataFrame:
    """Per theme: scored cases, mean negativity, negative and escalated cases and their shares;
    the themes with the most escalated cases first."""
    params: dict[str, Any] = {}
    where = filter_clause(f, params, theme_semijoin=False)
    df = fetch_df(cur, f"""
        SELECT t.theme_code AS theme, {_MEASURES}
        FROM cases c JOIN case_themes t ON t.case_id = c.id JOIN case_risk r ON r.case_id = c.id
        WHERE {where} AND {theme_clause(f, params)}
        GROUP BY ALL ORDER BY escalated_cases DESC, mean_negativity DESC, theme""", params)
    return with_theme_names(cur, df)


def risk_over_time(cur, f: Filters, grain: str = "week") -> pd.DataFrame:
    """Per local week or month: the same measures over the filtered cases."""
    if grain not in GRAINS:
        raise ValueError(grain)
    params: dict[str, Any] = {"grain": grain}
    where = filter_clause(f, params)
    return fetch_df(cur, f"""
        SELECT date_trunc($grain, c.received_at + {LOCAL_OFFSET})::DATE AS period, {_MEASURES}
        FROM cases c JOIN case_risk r ON r.case_id = c.id
        WHERE {where}
        GROUP BY ALL ORDER BY period""", params)


def escalation_by_category(cur, f: Filters) -> pd.DataFrame:
    """Flagged cases per escalation category (a case with two categories counts in both)."""
    params: dict[str, Any] = {}
    where = filter_clause(f, params)
    df = fetch_df(cur, f"""
        SELECT category, count(*) AS cases FROM (
            SELECT unnest(CAST(r.escalation_categories AS VARCHAR[])) AS category
            FROM cases c JOIN case_risk r ON r.case_id = c.id
            WHERE {where} AND r.escalation)
        GROUP BY ALL ORDER BY cases DESC, category""", params)
    df.insert(1, "category_name", [EscalationCategory(c).label for c in df["category"]])
    return df


def escalated_cases(cur, f: Filters, limit: int = 50) -> pd.DataFrame:
    """The latest flagged cases: ticket code, received time, status, negativity, categories, the words."""
    params: dict[str, Any] = {"limit": limit}
    where = filter_clause(f, params)
    df = fetch_df(cur, f"""
        SELECT c.ticket_code, c.received_at, c.status, r.negativity,
               CAST(r.escalation_categories AS VARCHAR[]) AS categories,
               r.escalation_evidence AS evidence
        FROM cases c JOIN case_risk r ON r.case_id = c.id
        WHERE {where} AND r.escalation
        ORDER BY c.received_at DESC, c.ticket_code LIMIT $limit""", params)
    df["categories"] = [", ".join(EscalationCategory(c).label for c in cats) for cats in df["categories"]]
    df["evidence"] = [", ".join(dict.fromkeys(e["words"] for e in json.loads(raw or "[]"))) for raw in df["evidence"]]
    return df
