"""The filters of the VOC pages and the SQL pieces every chart shares (the charts live in
themes_trends, root_cause_report, process_metrics, verbatims and reply_queue).

Every query aggregates inside DuckDB and returns a small pandas DataFrame; the cases table is never
loaded whole. Values from users only reach SQL as parameters. Local weeks and months are
Vietnam time (UTC+7, no daylight saving): `date_trunc(..., received_at + INTERVAL 7 HOUR)`.
"""
from __future__ import annotations

import json
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from typing import Any

import pandas as pd

from voc.clock import LOCAL_TZ, to_db
from voc.store.dialect import CATALOG_ERRORS

LOCAL_OFFSET = "INTERVAL 7 HOUR"
GRAINS = ("week", "month")


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


def filter_clause(f: Filters, params: dict[str, Any], alias: str = "c", *, period: bool = True,
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


def theme_clause(f: Filters, params: dict[str, Any], alias: str = "t") -> str:
    """For charts grouped by theme: keep only the selected themes' rows."""
    if not f.themes:
        return "true"
    params["f_themes"] = list(f.themes)
    return f"list_contains($f_themes, {alias}.theme_code)"


def fetch_df(cur, sql: str, params: dict[str, Any]) -> pd.DataFrame:
    return cur.execute(sql, params).df()


def with_theme_names(cur, df: pd.DataFrame, column: str = "theme") -> pd.DataFrame:
    """Add `theme_name` (Vietnamese) next to a theme-code column."""
    names = theme_names(cur)
    df.insert(df.columns.get_loc(column) + 1, "theme_name", [names.get(c, c) for c in df[column]])
    return df


def theme_names(cur) -> dict[str, str]:
    try:
        return dict(cur.execute("SELECT code, name_vi FROM themes").fetchall())
    except CATALOG_ERRORS:
        return {}


def theme_options(cur) -> list[tuple[str, str]]:
    return sorted(theme_names(cur).items(), key=lambda kv: kv[1])


def branch_options(cur) -> list[str]:
    return [r[0] for r in cur.execute(
        "SELECT DISTINCT branch FROM cases WHERE branch IS NOT NULL ORDER BY 1").fetchall()]


def data_version(cur) -> tuple:
    """A cheap fingerprint that changes whenever cases, events, letters or themes change: read from the
    database, so on PostgreSQL a write by any process changes it (pg_data_version)."""
    import duckdb    # here: the module's own import may go when its other uses are ported

    if not isinstance(cur, duckdb.DuckDBPyConnection):
        return pg_data_version(cur)
    return tuple(cur.execute(
        "SELECT (SELECT count(*) FROM cases), (SELECT max(id) FROM events), (SELECT max(id) FROM letters), "
        "(SELECT count(*) FROM reply_checks), (SELECT count(*) FROM followups)").fetchone())


# The newest transaction in the change log (migration 023: every write to an analytics table logs its
# transaction), and the transactions still running below it: one of those may commit later than the
# newest, and changes the version when it ends. One statement, so both are of the same snapshot.
_PG_VERSION_SQL = """
    SELECT v.newest::text, (SELECT string_agg(x::text, ',' ORDER BY x) FROM pg_snapshot_xip(pg_current_snapshot()) x
                            WHERE x < v.newest)
    FROM (SELECT max(xid) AS newest FROM replica_changes) v"""


def pg_data_version(cur) -> tuple:
    """PostgreSQL's data version (`cur`: the desk's PgCursor or a plain psycopg cursor)."""
    return tuple(cur.execute(_PG_VERSION_SQL).fetchone())
