"""Giám sát's root causes: cases per root-cause category and the internal fixes still to do."""
from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd

from voc.clock import local_date, utcnow
from voc.insight.analytics import Filters, fetch_df, filter_clause
from voc.model import RootCauseCategory


def root_cause_summary(cur, f: Filters, today: date | None = None) -> pd.DataFrame:
    """Per root-cause category: cases, and their internal fixes done, in progress and overdue (not done
    after their date); a record with a cause but no fix counts in `cases` only."""
    params: dict[str, Any] = {"today": today or local_date(utcnow())}
    where = filter_clause(f, params)
    df = fetch_df(cur, f"""
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
    where = filter_clause(f, params)
    df = fetch_df(cur, f"""
        SELECT c.ticket_code, r.category, r.action, r.owner, r.due_date,
               coalesce(r.due_date < $today, false) AS overdue
        FROM root_causes r JOIN cases c ON c.id = r.case_id
        WHERE {where} AND r.done_at IS NULL AND r.action IS NOT NULL
        ORDER BY overdue DESC, r.due_date NULLS LAST, c.ticket_code LIMIT $limit""", params)
    df["category_name"] = [RootCauseCategory(v).label for v in df["category"]]
    return df
