"""Lắng nghe: the complaints themselves, searched regardless of diacritics, and their volume per week."""
from __future__ import annotations

from typing import Any

import pandas as pd

from voc.clock import LOCAL_TZ
from voc.insight.analytics import LOCAL_OFFSET, Filters, fetch_df, filter_clause, theme_names
from voc.plaintext import fold


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
    where = f"{filter_clause(f, params)} AND {_text_clause(text, params)}"
    # One scan: the count and the newest (offset + limit) ids in a single aggregate.
    total, newest = cur.execute(f"""
        SELECT count(*), max_by(c.id, c.received_at, $n) FROM cases c WHERE {where}""",
        {**params, "n": offset + limit}).fetchone()
    ids = (newest or [])[offset:offset + limit]
    df = fetch_df(cur, f"""
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
    where = f"{filter_clause(f, params)} AND {_text_clause(text, params)}"
    return fetch_df(cur, f"""
        SELECT date_trunc('week', c.received_at + {LOCAL_OFFSET})::DATE AS week, count(*) AS cases
        FROM cases c WHERE {where} GROUP BY ALL ORDER BY week""", params)
