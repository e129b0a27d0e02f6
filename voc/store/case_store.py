"""SQL for cases, their rounds and their listing: the only module that reads or writes the cases table."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Iterable

from voc.clock import from_db, to_db
from voc.errors import ConflictError, NotFound
from voc.model import Case, Channel, Customer, IssueKind, ReferralBody, Service, SlaState, Status
from voc.plaintext import MIN_PHONE_DIGITS, email_query, fold, phone_key, phone_query
from voc.store.pending import PendingRows, insert
from voc.store.dialect import CONFLICT_ERRORS

CASE_COLUMNS = (
    "id", "ticket_code", "received_at", "channel", "issue_kind", "service",
    "customer_name", "customer_phone", "customer_email", "customer_address",
    "event_date", "content", "request", "status", "round", "round_opened_at",
    "reply_due_at", "resolution_due_at", "round_replied_at", "first_reply_at",
    "resolved_at", "closed_at", "late_complaint", "late_reason", "referral_body",
    "referral_date", "staff", "branch", "is_demo", "version", "event_date_pending",
)
_SELECT = "SELECT " + ", ".join(CASE_COLUMNS) + " FROM cases"
# Columns a use case may change after intake (whitelist: column names never come from users).
UPDATABLE = frozenset({
    "status", "round", "round_opened_at", "reply_due_at", "resolution_due_at", "round_replied_at",
    "first_reply_at", "resolved_at", "closed_at", "referral_body", "referral_date", "staff", "branch",
    "event_date", "event_date_pending", "issue_kind", "late_complaint", "late_reason",
})
_TIME_FIELDS = {"received_at", "round_opened_at", "reply_due_at", "resolution_due_at",
                "round_replied_at", "first_reply_at", "resolved_at", "closed_at"}


def search_text_for(customer_name: str, content: str, request: str | None, ticket_code: str) -> str:
    return fold(" ".join([ticket_code, customer_name or "", content or "", request or ""]))


def row_to_case(row: tuple) -> Case:
    r = dict(zip(CASE_COLUMNS, row))
    return Case(
        id=r["id"], ticket_code=r["ticket_code"], received_at=from_db(r["received_at"]),
        channel=Channel(r["channel"]), issue_kind=IssueKind(r["issue_kind"]), service=Service(r["service"]),
        customer=Customer(r["customer_name"], r["customer_phone"], r["customer_email"], r["customer_address"]),
        event_date=r["event_date"], content=r["content"], request=r["request"], status=Status(r["status"]),
        round=r["round"], round_opened_at=from_db(r["round_opened_at"]), reply_due_at=from_db(r["reply_due_at"]),
        resolution_due_at=from_db(r["resolution_due_at"]), round_replied_at=from_db(r["round_replied_at"]),
        first_reply_at=from_db(r["first_reply_at"]), resolved_at=from_db(r["resolved_at"]),
        closed_at=from_db(r["closed_at"]), late_complaint=r["late_complaint"], late_reason=r["late_reason"],
        referral_body=ReferralBody(r["referral_body"]) if r["referral_body"] else None,
        referral_date=r["referral_date"], staff=r["staff"], branch=r["branch"], is_demo=r["is_demo"],
        version=r["version"], event_date_pending=bool(r["event_date_pending"]),
    )


def format_ticket_code(year: int, number: int) -> str:
    return f"KN-{year}-{number:06d}"


def next_ticket_code(cur, year: int) -> str:
    """KN-YYYY-NNNNNN from a sequence: never reused, even after a rollback; skips imported codes."""
    while True:
        code = format_ticket_code(year, cur.execute("SELECT nextval('ticket_no_seq')").fetchall()[0][0])
        if not ticket_exists(cur, code):
            return code


def ticket_exists(cur, code: str) -> bool:
    return cur.execute("SELECT count(*) FROM cases WHERE ticket_code = ?", [code]).fetchall()[0][0] > 0


def insert_case(cur, values: dict[str, Any]) -> Case:
    """Insert a case row; return the case as stored (read back by the INSERT itself)."""
    row = dict(values)
    row["search_text"] = search_text_for(row["customer_name"], row["content"], row.get("request"), row["ticket_code"])
    for key in _TIME_FIELDS & row.keys():
        row[key] = to_db(row[key])
    for key, value in list(row.items()):
        if hasattr(value, "value") and not isinstance(value, (date, datetime)):
            row[key] = value.value
    columns = list(row)
    sql = (f"INSERT INTO cases ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)}) "
           f"RETURNING {', '.join(CASE_COLUMNS)}")
    return row_to_case(cur.execute(sql, [row[c] for c in columns]).fetchone())


def insert_round(cur, case_id: int, round_no: int, opened_at: datetime, reply_due: datetime, resolution_due: datetime,
                 *, pending: PendingRows | None = None) -> None:
    insert(cur, pending, "case_rounds", ("case_id", "round", "opened_at", "reply_due_at", "resolution_due_at"),
           [case_id, round_no, to_db(opened_at), to_db(reply_due), to_db(resolution_due)])


def update_case(cur, case: Case, changes: dict[str, Any], updated_at: datetime) -> None:
    """Apply `changes` if nobody changed the case since it was read (optimistic lock on version).

    The version moves on even when `changes` is empty, so every action on a case (a second letter,
    say) conflicts with a concurrent one made from the same stale view."""
    unknown = set(changes) - UPDATABLE
    if unknown:
        raise ValueError(f"not updatable: {sorted(unknown)}")
    values = []
    for key, value in changes.items():
        if key in _TIME_FIELDS:
            value = to_db(value)
        elif hasattr(value, "value") and not isinstance(value, (date, datetime)):
            value = value.value
        values.append(value)
    assignments = "".join(f"{key} = ?, " for key in changes)
    try:
        updated = cur.execute(
            f"UPDATE cases SET {assignments}version = version + 1, updated_at = ? WHERE id = ? AND version = ?",
            values + [to_db(updated_at), case.id, case.version],
        ).fetchone()[0]
    except CONFLICT_ERRORS as error:
        raise ConflictError(CONFLICT_MESSAGE) from error
    if updated != 1:
        raise ConflictError(CONFLICT_MESSAGE)


CONFLICT_MESSAGE = (
    "Hồ sơ vừa được người khác cập nhật nên thay đổi của bạn chưa được lưu. "
    "Vui lòng tải lại hồ sơ và thực hiện lại."
)


def get_case(cur, ticket_code: str) -> Case:
    row = cur.execute(_SELECT + " WHERE ticket_code = ?", [ticket_code.strip()]).fetchone()
    if row is None:
        raise NotFound(f"Không tìm thấy hồ sơ có mã “{ticket_code}”.")
    return row_to_case(row)


def get_case_by_id(cur, case_id: int) -> Case:
    row = cur.execute(_SELECT + " WHERE id = ?", [case_id]).fetchone()
    if row is None:
        raise NotFound(f"Không tìm thấy hồ sơ số {case_id}.")
    return row_to_case(row)


def find_by_intake_key(cur, key: str) -> Case | None:
    row = cur.execute(_SELECT + " WHERE intake_key = ?", [key]).fetchone()
    return row_to_case(row) if row else None


@dataclass
class CaseFilter:
    """Filters of the case list; every field optional."""

    statuses: list[Status] = field(default_factory=list)
    channels: list[Channel] = field(default_factory=list)
    services: list[Service] = field(default_factory=list)
    branches: list[str] = field(default_factory=list)
    staff: list[str] = field(default_factory=list)
    sla_states: list[SlaState] = field(default_factory=list)
    received_from: date | None = None
    received_to: date | None = None
    text: str = ""
    open_only: bool = False


_OPEN_SQL = "status IN ('received','verifying','replied','awaiting_customer')"
# The single most urgent SLA state at parameter $at of a case that is open at $at.
_URGENCY_SQL = (
    "CASE WHEN $at > resolution_due_at THEN 'resolution_overdue' "
    "WHEN (round_replied_at IS NULL OR round_replied_at > $at) AND $at > reply_due_at THEN 'reply_overdue' "
    "WHEN resolution_due_at - $at <= INTERVAL '24 hours' "
    "  OR ((round_replied_at IS NULL OR round_replied_at > $at) AND reply_due_at - $at <= INTERVAL '24 hours') "
    "  THEN 'due_24h' ELSE 'on_time' END"
)


def sla_state_sql() -> str:
    """SQL for the SLA state at $at of a case as it stands now (NULL when finished)."""
    return f"CASE WHEN {_OPEN_SQL} THEN {_URGENCY_SQL} END"


_WHOLE_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# The digits of the stored phone number, however it was typed at intake.
PHONE_DIGITS_SQL = "regexp_replace(coalesce(customer_phone, ''), '[^0-9]', '', 'g')"


def _contact_clauses(params: dict[str, Any], phone: str | None, email: str | None) -> list[str]:
    """Conditions matching a phone key (the stored number ends with it) or a part of an e-mail address."""
    out = []
    if phone:
        params["phone"] = phone
        out.append(f"ends_with({PHONE_DIGITS_SQL}, $phone)")
    if email:
        params["email"] = email.strip().lower()
        # a whole address is that address; a part of one ("@example.com") is any address containing it
        out.append("lower(trim(customer_email)) = $email" if _WHOLE_EMAIL.match(email)
                   else "contains(lower(customer_email), $email)")
    return out


def _where(filt: CaseFilter, params: dict[str, Any], branch_scope: str | None, contacts: bool = False) -> str:
    """The WHERE of the list; `contacts`: the search text may also match a phone number or e-mail."""
    clauses = ["true"]

    def in_list(column: str, name: str, values: Iterable) -> None:
        vals = [v.value if hasattr(v, "value") else v for v in values]
        if vals:
            params[name] = vals
            clauses.append(f"list_contains(${name}, {column})")

    in_list("status", "statuses", filt.statuses)
    in_list("channel", "channels", filt.channels)
    in_list("service", "services", filt.services)
    in_list("branch", "branches", filt.branches)
    in_list("staff", "staff", filt.staff)
    if filt.sla_states:
        params["sla_states"] = [s.value for s in filt.sla_states]
        clauses.append(f"list_contains($sla_states, {sla_state_sql()})")
    if filt.open_only:
        clauses.append(_OPEN_SQL)
    if filt.received_from:
        params["from_ts"] = to_db(datetime.combine(filt.received_from, datetime.min.time()))
        clauses.append("received_at >= $from_ts")
    if filt.received_to:
        params["to_ts"] = to_db(datetime.combine(filt.received_to, datetime.max.time()))
        clauses.append("received_at <= $to_ts")
    needle = fold(filt.text)
    if needle:
        params["needle"] = needle
        either = ["contains(search_text, $needle)"]
        if contacts:
            either += _contact_clauses(params, phone_query(filt.text), email_query(filt.text))
        clauses.append("(" + " OR ".join(either) + ")")
    if branch_scope is not None:
        params["scope_branch"] = branch_scope
        clauses.append("branch = $scope_branch")
    return " AND ".join(clauses)


LIST_COLUMNS = ("ticket_code", "received_at", "customer_name", "service", "channel", "status",
                "round", "reply_due_at", "resolution_due_at", "staff", "branch", "event_date_pending")


def _used(sql: str, params: dict[str, Any]) -> dict[str, Any]:
    """DuckDB rejects named parameters that the statement does not use."""
    return {k: v for k, v in params.items() if f"${k}" in sql}


def list_cases(cur, filt: CaseFilter, at: datetime, branch_scope: str | None = None,
               limit: int = 200, offset: int = 0, contacts: bool = False) -> tuple[list[dict], int]:
    """A page of matching cases (newest first) with their SLA state at `at`, and the total count.
    With `contacts`, a search for a phone number (or its last 6+ digits) or an e-mail finds the
    customer's cases too; callers decide who may search so (voc.desk.finder)."""
    return _listing(cur, filt, at, branch_scope, "received_at DESC", limit, offset, contacts)


# The next deadline of an open case: this round's reply while it has none, else the resolution.
NEXT_DUE_SQL = ("CASE WHEN round_replied_at IS NULL THEN least(reply_due_at, resolution_due_at) "
                "ELSE resolution_due_at END")


def list_by_next_due(cur, filt: CaseFilter, at: datetime, branch_scope: str | None = None,
                     limit: int = 20) -> tuple[list[dict], int]:
    """Like `list_cases`, the most pressing deadline first (for a staff member's own work)."""
    return _listing(cur, filt, at, branch_scope, f"{NEXT_DUE_SQL}, received_at", limit, 0)


def count_matching(cur, filt: CaseFilter, at: datetime, branch_scope: str | None = None,
                   contacts: bool = False) -> int:
    params: dict[str, Any] = {"at": to_db(at)}
    sql = f"SELECT count(*) FROM cases WHERE {_where(filt, params, branch_scope, contacts)}"
    return cur.execute(sql, _used(sql, params)).fetchall()[0][0]


def _listing(cur, filt: CaseFilter, at: datetime, branch_scope: str | None, order: str, limit: int,
             offset: int, contacts: bool = False) -> tuple[list[dict], int]:
    total = count_matching(cur, filt, at, branch_scope, contacts)
    params: dict[str, Any] = {"at": to_db(at)}
    where = _where(filt, params, branch_scope, contacts)
    params.update(limit=limit, offset=offset)
    rows = cur.execute(
        f"SELECT {', '.join(LIST_COLUMNS)}, {sla_state_sql()} AS sla_state, left(content, 160) AS excerpt "
        f"FROM cases WHERE {where} ORDER BY {order}, id DESC LIMIT $limit OFFSET $offset",
        params,
    ).fetchall()
    names = LIST_COLUMNS + ("sla_state", "excerpt")
    out = []
    for row in rows:
        item = dict(zip(names, row))
        for key in ("received_at", "reply_due_at", "resolution_due_at"):
            item[key] = from_db(item[key])
        out.append(item)
    return out, total


def sla_counts(cur, at: datetime, branch_scope: str | None = None) -> dict[str, int]:
    """Open cases at `at` (received by then, not yet finished) by their single most urgent SLA state."""
    params = {"at": to_db(at), "branch": branch_scope}
    rows = cur.execute(
        f"SELECT state, count(*) FROM (SELECT {_URGENCY_SQL} AS state FROM cases "
        "WHERE received_at <= $at AND coalesce(resolved_at, closed_at, TIMESTAMP '9999-01-01') > $at "
        "AND ($branch IS NULL OR branch = $branch)) AS open_cases "
        "GROUP BY state",
        params,
    ).fetchall()
    counts = {state.value: 0 for state in SlaState}
    for state, n in rows:
        counts[state] += n
    return counts


def open_cases_of_customer(cur, case: Case, limit: int = 20) -> list[dict]:
    """The same customer's other open cases (matched by phone or e-mail, however typed, else by name)."""
    phone, email = phone_key(case.customer.phone), (case.customer.email or "").strip().lower()
    if len(phone) >= MIN_PHONE_DIGITS or email:
        return cases_of_contact(cur, phone, email or None, exclude_id=case.id, open_only=True, limit=limit)
    rows = cur.execute(
        f"SELECT {_CONTACT_LIST} FROM cases WHERE customer_name = $name AND id <> $id AND {_OPEN_SQL} "
        "ORDER BY received_at DESC LIMIT $limit",
        {"name": case.customer.name, "id": case.id, "limit": limit},
    ).fetchall()
    return [_contact_row(r) for r in rows]


_CONTACT_LIST = f"ticket_code, received_at, service, status, left(content, 160), {_OPEN_SQL}"


def _contact_row(r: tuple) -> dict:
    return dict(ticket_code=r[0], received_at=from_db(r[1]), service=r[2], status=r[3], excerpt=r[4], open=r[5])


def cases_of_contact(cur, phone: str | None, email: str | None, *, exclude_id: int | None = None,
                     branch_scope: str | None = None, open_only: bool = False, limit: int = 20) -> list[dict]:
    """Cases whose phone ends with the phone key `phone` or whose e-mail matches `email`: open ones
    first, each group newest first."""
    params: dict[str, Any] = {"limit": limit}
    either = _contact_clauses(params, phone or None, email or None)
    if not either:
        return []
    where = ["(" + " OR ".join(either) + ")"]
    if exclude_id is not None:
        params["id"] = exclude_id
        where.append("id <> $id")
    if open_only:
        where.append(_OPEN_SQL)
    if branch_scope is not None:
        params["scope_branch"] = branch_scope
        where.append("branch = $scope_branch")
    rows = cur.execute(
        f"SELECT {_CONTACT_LIST} FROM cases WHERE {' AND '.join(where)} "
        f"ORDER BY {_OPEN_SQL} DESC, received_at DESC LIMIT $limit", params).fetchall()
    return [_contact_row(r) for r in rows]


def distinct_values(cur, column: str) -> list[str]:
    if column not in ("branch", "staff"):
        raise ValueError(column)
    return [r[0] for r in cur.execute(f"SELECT DISTINCT {column} FROM cases WHERE {column} IS NOT NULL ORDER BY 1").fetchall()]


def count_cases(cur) -> int:
    return cur.execute("SELECT count(*) FROM cases").fetchone()[0]



def received_between(cur, since: datetime, until: datetime) -> list[Case]:
    """The cases received between two moments (both inclusive), newest first."""
    rows = cur.execute(_SELECT + " WHERE received_at BETWEEN ? AND ? ORDER BY received_at DESC, id DESC",
                       [to_db(since), to_db(until)]).fetchall()
    return [row_to_case(r) for r in rows]
