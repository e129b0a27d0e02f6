"""The SLA board's queries (R6, R7): what falls due in the next 24 hours, what is overdue, who holds
it, weekly compliance with the reply and resolution clocks, and the age of the open cases.

All SQL is parameterised and aggregated in DuckDB. Times in the database are naive UTC; weeks
and ages are counted in Vietnam local time (UTC+7 all year: Vietnam has no daylight saving).
Every query takes `branch_scope`: None for all branches, else one branch (staff see their own).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import Enum
from typing import Any, Iterable

from voc.accounts.access import Actor, Permission
from voc.clock import from_db, to_db

LOCAL_OFFSET = "INTERVAL 7 HOUR"
OPEN_SQL = "c.status IN ('received','verifying','replied','awaiting_customer')"
REPLY_PENDING_SQL = "(c.round_replied_at IS NULL OR c.round_replied_at > $at)"
SCOPE_SQL = "($scope IS NULL OR c.branch = $scope)"

_REPLY_SOON = f"({REPLY_PENDING_SQL} AND c.reply_due_at > $at AND c.reply_due_at <= $soon)"
_RESOLUTION_SOON = "(c.resolution_due_at > $at AND c.resolution_due_at <= $soon)"
# Board lists: each is a condition on an open case at $at.
LISTS: dict[str, str] = {
    "due_24h": f"({_REPLY_SOON} OR {_RESOLUTION_SOON})",
    "reply_overdue": f"({REPLY_PENDING_SQL} AND c.reply_due_at <= $at)",
    "resolution_overdue": "(c.resolution_due_at <= $at)",
}
# Open cases on none of the lists above: every clock more than 24 hours away.
LISTS["on_time"] = "NOT (" + " OR ".join(LISTS.values()) + ")"
LIST_LABELS = {
    "due_24h": "Đến hạn trong 24 giờ",
    "reply_overdue": "Quá hạn trả lời",
    "resolution_overdue": "Quá hạn giải quyết",
    "on_time": "Trong hạn",
}
# Age buckets of open cases, in local calendar days since receipt: (key, label, lowest, highest).
AGE_BUCKETS: tuple[tuple[str, str, int, int | None], ...] = (
    ("0-2", "0–2 ngày", 0, 2),
    ("3-7", "3–7 ngày", 3, 7),
    ("8-14", "8–14 ngày", 8, 14),
    ("15-20", "15–20 ngày", 15, 20),
    ("21+", "Trên 20 ngày", 21, None),
)


class BoardSort(str, Enum):
    """How a board list is ordered: by the clock (the most urgent first) or by the customer's risk
    (voc.text.risk: a threat to escalate first, then the most negative, then the clock)."""

    DUE = "due"
    RISK = "risk"

    @property
    def label(self) -> str:
        return {"due": "Theo hạn", "risk": "Theo rủi ro (dấu hiệu vượt cấp, rồi mức tiêu cực)"}[self.value]


_ORDER = {BoardSort.DUE: "due_at, c.ticket_code",
          BoardSort.RISK: "coalesce(r.escalation, false) DESC, coalesce(r.negativity, 0) DESC, due_at, c.ticket_code"}


def branch_scope(actor: Actor) -> str | None:
    """None (all branches) for roles that read every case, else the actor's own branch."""
    if actor.can(Permission.READ_ALL_CASES) or actor.branch is None:
        return None
    return actor.branch


def _base_params(at: datetime, scope: str | None) -> dict[str, Any]:
    return {"at": to_db(at), "soon": to_db(at + timedelta(hours=24)), "scope": scope}


def _used(sql: str, params: dict[str, Any]) -> dict[str, Any]:
    """DuckDB rejects named parameters the statement does not use."""
    return {k: v for k, v in params.items() if f"${k}" in sql}


def board_rows(cur, list_key: str, at: datetime, branch_scope: str | None = None,
               limit: int = 500, sort: BoardSort = BoardSort.DUE) -> list[dict]:
    """Open cases on one board list, the most urgent (or, by `sort`, the riskiest) first, with the
    clock that makes them urgent and their escalation flag and negativity (None if not scored)."""
    condition = LISTS[list_key]
    clock_expr = {
        "due_24h": f"CASE WHEN {_REPLY_SOON} AND (NOT {_RESOLUTION_SOON} OR c.reply_due_at <= c.resolution_due_at) "
                   "THEN 'reply' ELSE 'resolution' END",
        "reply_overdue": "'reply'",
        "resolution_overdue": "'resolution'",
        "on_time": f"CASE WHEN {REPLY_PENDING_SQL} THEN 'reply' ELSE 'resolution' END",
    }[list_key]
    due_expr = f"CASE WHEN {clock_expr} = 'reply' THEN c.reply_due_at ELSE c.resolution_due_at END"
    sql = (
        f"SELECT c.ticket_code, c.customer_name, c.service, c.status, c.round, c.branch, c.staff, "
        f"{clock_expr} AS clock, {due_expr} AS due_at, c.received_at, r.escalation, r.negativity "
        f"FROM cases c LEFT JOIN case_risk r ON r.case_id = c.id "
        f"WHERE {OPEN_SQL} AND c.received_at <= $at AND {SCOPE_SQL} AND {condition} "
        f"ORDER BY {_ORDER[BoardSort(sort)]} LIMIT $limit"
    )
    params = _base_params(at, branch_scope) | {"limit": limit}
    names = ("ticket_code", "customer_name", "service", "status", "round", "branch", "staff", "clock",
             "due_at", "received_at", "escalation", "negativity")
    out = []
    for row in cur.execute(sql, _used(sql, params)).fetchall():
        item = dict(zip(names, row))
        item["due_at"], item["received_at"] = from_db(item["due_at"]), from_db(item["received_at"])
        out.append(item)
    return out


def workload(cur, at: datetime, branch_scope: str | None = None) -> list[dict]:
    """Per branch and staff member: open cases and how many sit on each board list."""
    counts = ", ".join(f"count(*) FILTER (WHERE {cond}) AS {key}" for key, cond in LISTS.items())
    sql = (
        f"SELECT * FROM (SELECT coalesce(c.branch, '') AS branch, coalesce(c.staff, '') AS staff, "
        f"count(*) AS open_cases, {counts} FROM cases c WHERE {OPEN_SQL} AND c.received_at <= $at AND {SCOPE_SQL} "
        "GROUP BY 1, 2) AS w ORDER BY reply_overdue + resolution_overdue DESC, due_24h DESC, branch, staff"
    )
    params = _base_params(at, branch_scope)
    names = ("branch", "staff", "open_cases", *LISTS)
    return [dict(zip(names, row)) for row in cur.execute(sql, _used(sql, params)).fetchall()]


@dataclass(frozen=True)
class Board:
    """The board at one instant: the list counts, the open cases on each list asked for, the workload."""

    at: datetime
    counts: dict[str, int]
    lists: dict[str, list[dict]]
    workload: list[dict]


def board(cur, at: datetime, branch_scope: str | None = None, sort: BoardSort = BoardSort.DUE,
          lists: Iterable[str] = tuple(LISTS)) -> Board:
    """The board; only the lists named in `lists` are read (a page draws the one open list). The counts
    are the workload's columns summed (its groups split the same open cases): one query, not two."""
    load = workload(cur, at, branch_scope)
    counts = {key: sum(int(group[key]) for group in load) for key in LISTS}
    return Board(at, counts, {key: board_rows(cur, key, at, branch_scope, sort=sort) for key in lists}, load)


# First reply of each round: the first letter issued in it; imported cases carry the time on the case.
_ROUND_REPLIES_SQL = """
SELECT r.case_id, r.round, r.opened_at, r.reply_due_at, c.branch,
       coalesce(min(l.issued_at),
                CASE WHEN r.round = c.round THEN c.round_replied_at END,
                CASE WHEN r.round = 1 THEN c.first_reply_at END) AS replied_at
FROM case_rounds r
JOIN cases c ON c.id = r.case_id
LEFT JOIN letters l ON l.case_id = r.case_id AND l.round = r.round
WHERE ($scope IS NULL OR c.branch = $scope)
GROUP BY r.case_id, r.round, r.opened_at, r.reply_due_at, c.branch, c.round, c.round_replied_at, c.first_reply_at
"""


def weekly_compliance(cur, at: datetime, weeks: int = 12, branch_scope: str | None = None) -> list[dict]:
    """Per local week (Monday start): the share of rounds whose first reply came by their reply due
    time (rounds by the week they opened), and the share of cases resolved by their resolution due
    time (cases by the week they were received).

    Only decided items count: a round is decided once replied or past its reply due time; a case
    once resolved or past its resolution due time. A rate is None for a week with nothing decided.
    """
    since = at - timedelta(weeks=weeks)
    sql = f"""
    WITH weeks AS (
        SELECT CAST(w AS DATE) AS week FROM range(
            date_trunc('week', $since + {LOCAL_OFFSET}), date_trunc('week', $at + {LOCAL_OFFSET}) + INTERVAL 1 DAY,
            INTERVAL 7 DAY) t(w)
    ), replies AS (
        SELECT CAST(date_trunc('week', opened_at + {LOCAL_OFFSET}) AS DATE) AS week,
               count(*) FILTER (WHERE replied_at <= $at OR reply_due_at <= $at) AS reply_decided,
               count(*) FILTER (WHERE replied_at <= reply_due_at AND replied_at <= $at) AS reply_on_time
        FROM ({_ROUND_REPLIES_SQL}) rr
        WHERE opened_at >= $since AND opened_at <= $at
        GROUP BY 1
    ), resolutions AS (
        SELECT CAST(date_trunc('week', c.received_at + {LOCAL_OFFSET}) AS DATE) AS week,
               count(*) FILTER (WHERE c.resolved_at <= $at OR c.resolution_due_at <= $at) AS resolution_decided,
               count(*) FILTER (WHERE c.resolved_at <= c.resolution_due_at AND c.resolved_at <= $at)
                   AS resolution_on_time
        FROM cases c
        WHERE c.received_at >= $since AND c.received_at <= $at AND {SCOPE_SQL}
        GROUP BY 1
    )
    SELECT w.week, coalesce(reply_decided, 0), coalesce(reply_on_time, 0),
           coalesce(resolution_decided, 0), coalesce(resolution_on_time, 0)
    FROM weeks w LEFT JOIN replies USING (week) LEFT JOIN resolutions USING (week)
    WHERE w.week >= CAST(date_trunc('week', $since + {LOCAL_OFFSET}) AS DATE)
    ORDER BY w.week
    """
    params = {"at": to_db(at), "since": to_db(since), "scope": branch_scope}
    out = []
    for week, r_dec, r_ok, s_dec, s_ok in cur.execute(sql, _used(sql, params)).fetchall():
        out.append({
            "week": week, "reply_decided": r_dec, "reply_on_time": r_ok,
            "reply_rate": r_ok / r_dec if r_dec else None,
            "resolution_decided": s_dec, "resolution_on_time": s_ok,
            "resolution_rate": s_ok / s_dec if s_dec else None,
        })
    return out


def aging(cur, at: datetime, branch_scope: str | None = None) -> list[dict]:
    """Open cases by age bucket (local calendar days since receipt) and status."""
    bucket_case = " ".join(
        f"WHEN age BETWEEN {low} AND {high} THEN '{key}'" if high is not None else f"WHEN age >= {low} THEN '{key}'"
        for key, _, low, high in AGE_BUCKETS)
    sql = f"""
    SELECT bucket, status, count(*) AS cases FROM (
        SELECT c.status, CASE {bucket_case} END AS bucket FROM (
            SELECT c.*, date_diff('day', CAST(c.received_at + {LOCAL_OFFSET} AS DATE),
                                  CAST($at + {LOCAL_OFFSET} AS DATE)) AS age
            FROM cases c WHERE {OPEN_SQL} AND c.received_at <= $at AND {SCOPE_SQL}) c) AS aged
    GROUP BY ALL
    """
    params = {"at": to_db(at), "scope": branch_scope}
    order = {key: i for i, (key, *_) in enumerate(AGE_BUCKETS)}
    labels = {key: label for key, label, *_ in AGE_BUCKETS}
    rows = [{"bucket": b, "bucket_label": labels[b], "status": s, "cases": n}
            for b, s, n in cur.execute(sql, _used(sql, params)).fetchall()]
    return sorted(rows, key=lambda r: (order[r["bucket"]], r["status"]))
