"""A realistic, clearly labelled, deterministic demo history: `generate_demo(db, n_cases, seed)`.

Two years or more of complaints ending at `until`, in every channel, about hosting, VPS, domains,
e-mail, SSL and cloud servers, with weekly seasonality, growth, a Tết dip, recurring incidents and
a few spikes (a hosting outage week, a billing spike after a price change, and an e-mail delivery
spike in the last two weeks). Each case follows the state machine of voc.lifecycle with the
policy's clocks; its audit events, letters, rounds and follow-ups are written as the use cases
would have written them. Every case is `is_demo`, and its "received" event says so.

Generation is vectorised (numpy) in chunks and bulk-inserted through DuckDB, so a million cases
take minutes. The same seed and `until` give the same rows.
"""
from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from typing import Callable

import numpy as np
import pyarrow as pa

from voc.demo.arrivals import _CHANNEL_NAMES, Arrivals, _arrivals, _describe, _spikes
from voc.demo.calendars import DAY, HOUR, NEVER, _Clocks, _day_date, _Desk, _epoch, _fmt_day, _local_day
from voc.demo.chunk import _cases_table, _Chunk
from voc.demo.columns import _codes, _dates, _strings, _ts
from voc.demo.histories import (_REFERRAL_CODES, AWAIT1, AWAIT2, BACKLOG_DAYS, CLOSE, FOLLOWUP, LETTER1, LETTER1_DOC,
                                LETTER2, LETTER2_DOC, OUTCOME1, OUTCOME2, RECEIVED, ROOT_CAUSE, STATUS_CODES, VERIFY,
                                Plan, _plan, _RootCausePlan, _state)
from voc.demo.letters import _letter_rows, _LetterRows, _letters_table
from voc.demo.notes import FOLLOWUP_NOTES, LATE_REASONS, NOTE_DEMO
from voc.demo.people import CITIES, STAFF, Customers, _pick_staff
from voc.demo.sequences import _case_ids, _reserve, _ticket_codes
from voc.demo.texts_cases import _texts
from voc.demo.texts_themes import THEMES
from voc.accounts.branches import ensure_branches
from voc.store.audit import record_event
from voc.clock import utcnow
from voc.model import IssueKind, RootCauseCategory, Status
from voc.desk.policy import Policy, load_policy
from voc.desk.root_causes import RootCause

CHUNK_CASES = 50_000
HISTORY_DAYS = 2 * 365 + 30
SETTINGS_KEY = "demo.generated"


@dataclass
class DemoReport:
    """What generate_demo wrote."""

    cases: int = 0
    events: int = 0
    letters: int = 0
    followups: int = 0
    rounds2: int = 0
    referrals: int = 0
    late: int = 0
    open_cases: int = 0
    spikes: list[str] = field(default_factory=list)
    seed: int = 42
    until: datetime | None = None
    first_received: datetime | None = None

    def __str__(self) -> str:
        n = lambda v: f"{v:,}".replace(",", ".")  # noqa: E731 - Vietnamese thousands separator
        lines = [
            f"{n(self.cases)} hồ sơ (từ {self.first_received:%d/%m/%Y} đến {self.until:%d/%m/%Y}), "
            f"{n(self.open_cases)} đang mở; {n(self.events)} sự kiện nhật ký, {n(self.letters)} thư, "
            f"{n(self.followups)} lần theo dõi sau giải quyết; {n(self.rounds2)} hồ sơ giải quyết lần 2, "
            f"{n(self.referrals)} chuyển cơ quan ngoài; {n(self.late)} khiếu nại quá thời hiệu (seed {self.seed})."
            if self.first_received and self.until else f"{n(self.cases)} hồ sơ."
        ]
        lines += [f"- {s}" for s in self.spikes]
        return "\n".join(lines)


# --- the lifecycle of each case ---------------------------------------------------------------------

# Where the fault usually lay for each demo theme; some cases turn out to be on the customer's side.
_THEME_CAUSE = {"downtime": RootCauseCategory.INFRASTRUCTURE, "slowness": RootCauseCategory.INFRASTRUCTURE,
                "email_delivery": RootCauseCategory.THIRD_PARTY, "domain_dns": RootCauseCategory.THIRD_PARTY,
                "ssl": RootCauseCategory.SOFTWARE, "data_loss": RootCauseCategory.INFRASTRUCTURE,
                "security": RootCauseCategory.SOFTWARE, "control_panel": RootCauseCategory.SOFTWARE}
_CAUSE_OWNERS = {RootCauseCategory.INFRASTRUCTURE: "Phòng hạ tầng", RootCauseCategory.SOFTWARE: "Nhóm phát triển",
                 RootCauseCategory.PROCESS: "Phòng CSKH", RootCauseCategory.THIRD_PARTY: "Nhóm đối tác",
                 RootCauseCategory.CUSTOMER_SIDE: "Phòng CSKH", RootCauseCategory.OTHER: "Ban chất lượng"}
_CUSTOMER_SIDE = (("khách hàng cấu hình sai trên phía mình", "hướng dẫn khách cấu hình lại và bổ sung bài hướng dẫn"),
                  ("khách hàng dùng vượt giới hạn của gói dịch vụ", "tư vấn gói phù hợp và cảnh báo sớm khi sắp vượt"))


def _plan_root_causes(plan: Plan, arr: Arrivals, desk: _Desk, until_s: int) -> None:
    """Add the ROOT_CAUSE step. Its own random stream (seeded from the arrivals), so the rest of the
    demo stays as it was: staff find the cause within two office days of resolving. A fix done soon
    after (70% of recent cases, every older one) is recorded once done; the others are recorded as
    in progress with a deadline, some of which have passed."""
    n = len(arr.received)
    if n == 0:
        return
    rng = np.random.default_rng([int(arr.received[0]), n, 11])
    t = plan.times
    resolved_at = np.where(plan.agree1, t[:, OUTCOME1], np.where(plan.agree2, t[:, OUTCOME2], NEVER))
    has = (resolved_at < NEVER) & (rng.random(n) < 0.5)
    done = (rng.random(n) < 0.7) | (resolved_at < until_s - BACKLOG_DAYS * DAY)   # old fixes are all done
    found_c = desk.coord(np.where(has, resolved_at, 0)) + rng.integers(HOUR, 2 * desk.DAY, n)
    recorded_c = found_c + np.where(done, rng.integers(desk.DAY, 10 * desk.DAY, n), 0)
    t[:, ROOT_CAUSE] = np.where(has, desk.time(recorded_c), NEVER)
    by_theme = np.array([list(RootCauseCategory).index(_THEME_CAUSE.get(th.key, RootCauseCategory.PROCESS))
                         for th in THEMES], dtype=np.int8)[arr.theme]
    roll = rng.random(n)
    category = np.where(roll < 0.12, list(RootCauseCategory).index(RootCauseCategory.CUSTOMER_SIDE),
                        np.where(roll < 0.15, list(RootCauseCategory).index(RootCauseCategory.OTHER), by_theme))
    plan.root_causes = _RootCausePlan(category.astype(np.int8), rng.integers(0, 1_000, n),
                                      _local_day(desk.time(found_c)) + rng.integers(3, 30, n), done)


# --- one chunk ------------------------------------------------------------------------------------------------------

def _build_chunk(cur, rng: np.random.Generator, arr: Arrivals, customers: Customers, who: np.ndarray,
                 clocks: _Clocks, desk: _Desk, until_s: int, policy: Policy) -> _Chunk:
    kind = np.array([t.kind is IssueKind.BUSINESS for t in THEMES])[arr.theme]
    plan = _plan(rng, arr, kind, clocks, desk, until_s, (policy.quality_limit_days, policy.business_limit_days))
    _plan_root_causes(plan, arr, desk, until_s)
    state = _state(plan, until_s)
    ids = _case_ids(cur, len(who))
    codes = _ticket_codes(cur, arr.received)
    city = customers.city[who]
    reasons = rng.integers(0, len(LATE_REASONS), len(who))
    late_reason = [LATE_REASONS[r] if late else None
                   for r, late in zip(reasons.tolist(), plan.late_complaint.tolist())]
    return _Chunk(arr, ids, codes, city, _pick_staff(rng, city), _pick_staff(rng, city), kind, plan, state,
                  _texts(rng, arr, who, customers, codes), late_reason)


# --- audit events, rounds, follow-ups: SQL over a per-case plan table ------------------------------------------

_STEP_COLUMNS = {RECEIVED: "t_recv", VERIFY: "t_verify", LETTER1: "t_letter1", AWAIT1: "t_await1",
                 OUTCOME1: "t_out1", LETTER2: "t_letter2", AWAIT2: "t_await2", OUTCOME2: "t_out2",
                 CLOSE: "t_close", FOLLOWUP: "t_follow", ROOT_CAUSE: "t_cause"}


def _plan_table(rng: np.random.Generator, c: _Chunk, letters: _LetterRows) -> pa.Table:
    p, kept = c.plan, c.state.kept
    n = len(c.ids)
    doc = [[None] * n, [None] * n]
    kind = [[None] * n, [None] * n]
    letter_id = [np.zeros(n, np.int64), np.zeros(n, np.int64)]
    for i, rnd, inv, lid, number in zip(letters.case_row.tolist(), letters.round.tolist(),
                                        letters.invitation.tolist(), letters.ids.tolist(), letters.doc):
        doc[rnd - 1][i], kind[rnd - 1][i], letter_id[rnd - 1][i] = number, ("invitation" if inv else "reply"), lid
    notes_u = rng.integers(0, 2, n)
    follow_note = [FOLLOWUP_NOTES[int(s)][k] if k or s <= 2 else None
                   for s, k in zip(p.satisfaction.tolist(), notes_u.tolist())]
    columns = {
        "case_id": c.ids, "ticket": _strings(c.codes), "channel": _codes(_CHANNEL_NAMES, c.arr.channel),
        "staff": _codes(tuple(u for u, _ in STAFF), c.staff),
        "follow_staff": _codes(tuple(u for u, _ in STAFF), c.follow_staff),
        "late": pa.array(p.late_complaint), "late_reason": _strings(c.late_reason),
        "agree1": pa.array(p.agree1), "agree2": pa.array(p.agree2),
        "prev1": _codes(("replied", "awaiting_customer"), (p.r1.awaited < NEVER).astype(np.int8)),
        "prev2": _codes(("replied", "awaiting_customer"), (p.r2.awaited < NEVER).astype(np.int8)),
        "due_r1": _ts(p.due["reply1"]), "due_res1": _ts(p.due["resolution1"]),
        "due_r2": _ts(p.due["reply2"]), "due_res2": _ts(p.due["resolution2"]),
        "referral_body": _codes(tuple(_REFERRAL_CODES), p.referral_body), "referral_date": _dates(p.referral_day),
        "doc1": _strings(doc[0]), "doc2": _strings(doc[1]), "kind1": _strings(kind[0]), "kind2": _strings(kind[1]),
        "letter1_id": letter_id[0], "letter2_id": letter_id[1],
        "satisfaction": p.satisfaction.astype(np.int32), "follow_note": _strings(follow_note),
        **_root_cause_columns(c),
    }
    for step, name in _STEP_COLUMNS.items():
        columns[name] = _ts(np.where(kept[:, step], p.times[:, step], NEVER))
    return pa.table(columns)


def _root_cause_columns(c: _Chunk) -> dict[str, pa.Array]:
    """The recorded root causes of a chunk, with the audit event's `after` as voc.root_causes writes it."""
    p, kept = c.plan, c.state.kept[:, ROOT_CAUSE]
    out: dict[str, list] = {name: [None] * len(c.ids) for name in ("rc_category", "rc_cause", "rc_action",
                                                                    "rc_owner", "rc_after")}
    categories = list(RootCauseCategory)
    rc = p.root_causes
    for i in np.flatnonzero(kept).tolist():
        theme = THEMES[int(c.arr.theme[i])]
        category = categories[int(rc.category[i])]
        k = int(rc.pick[i])
        if category is RootCauseCategory.CUSTOMER_SIDE:
            cause, fix = _CUSTOMER_SIDE[k % len(_CUSTOMER_SIDE)]
        else:
            cause = theme.causes[k % len(theme.causes)].replace("{time}", f"ngày {_fmt_day(p.event_day[i])}")
            fix = theme.fixes[k % len(theme.fixes)]
        cause, fix = cause[:1].upper() + cause[1:], fix[:1].upper() + fix[1:]
        recorded = datetime.fromtimestamp(int(p.times[i, ROOT_CAUSE]), timezone.utc)
        record = RootCause(int(c.ids[i]), category, cause, fix, _CAUSE_OWNERS[category], _day_date(rc.due_day[i]),
                           recorded if rc.done[i] else None, "", recorded)
        for name, value in (("rc_category", category.value), ("rc_cause", cause), ("rc_action", fix),
                            ("rc_owner", record.owner),
                            ("rc_after", json.dumps(record.audit_view(), ensure_ascii=False))):
            out[name][i] = value
    return {**{name: _strings(values) for name, values in out.items()},
            "rc_due": _dates(rc.due_day, mask=~kept),
            "rc_done_at": _ts(np.where(kept & rc.done, p.times[:, ROOT_CAUSE], NEVER))}


def _js(*pairs: tuple[str, str]) -> str:
    """SQL building the JSON text json.dumps would write for these (key, SQL JSON value) pairs."""
    return "'{' || " + " || ', ' || ".join(f"'\"{key}\": ' || {value}" for key, value in pairs) + " || '}'"


def _s(column: str) -> str:
    return f"coalesce('\"' || {column} || '\"', 'null')"


def _t(column: str) -> str:
    return f"coalesce('\"' || strftime({column}, '%Y-%m-%dT%H:%M:%S') || '+00:00\"', 'null')"


def _lit(value: str) -> str:
    return f"'\"{value}\"'"


_NULL = "'null'"
_KIND_LABEL = "CASE WHEN {k} = 'invitation' THEN 'Giấy mời' ELSE 'Thư trả lời' END"


def _event_selects() -> list[str]:
    """One SELECT per step: (case_id, step, at, actor, entity, entity_id, action, before, after, note)."""
    def sel(step: int, column: str, action: str, before: str, after: str, note: str = "NULL",
            where: str = "", actor: str = "staff", entity: str = "'case'", entity_id: str = "case_id::VARCHAR") -> str:
        cond = f"{column} IS NOT NULL" + (f" AND {where}" if where else "")
        return (f"SELECT case_id, {step} AS step, {column} AS occurred_at, {actor} AS actor, {entity} AS entity, "
                f"{entity_id} AS entity_id, '{action}' AS action, {before} AS before, {after} AS after, "
                f"{note} AS note FROM demo_plan WHERE {cond}")

    status = lambda value: _js(("status", _lit(value)))  # noqa: E731
    agreed = lambda prev, col: (_js(("resolved_at", _NULL), ("status", _s(prev))),  # noqa: E731
                                _js(("resolved_at", _t(col)), ("status", _lit("resolved"))))
    letter_event = lambda step, col, rnd: sel(  # noqa: E731
        step, col, "issued", "NULL",
        _js(("case_id", "case_id::VARCHAR"), ("kind", _s(f"kind{rnd}")), ("doc_number", _s(f"doc{rnd}")),
            ("round", f"'{rnd}'")), actor="staff", entity="'letter'", entity_id=f"letter{rnd}_id::VARCHAR")
    demo_note = f"'{NOTE_DEMO}'"
    return [
        sel(RECEIVED, "t_recv", "received", "NULL",
            _js(("ticket_code", _s("ticket")), ("status", _lit("received")), ("channel", _s("channel")),
                ("late_complaint", "CASE WHEN late THEN 'true' ELSE 'false' END"), ("late_reason", _s("late_reason"))),
            demo_note),
        sel(VERIFY, "t_verify", "start_verification", status("received"), status("verifying")),
        sel(LETTER1, "t_letter1", "issue_letter",
            _js(("round_replied_at", _NULL), ("first_reply_at", _NULL), ("status", _lit("verifying"))),
            _js(("round_replied_at", _t("t_letter1")), ("first_reply_at", _t("t_letter1")),
                ("status", _lit("replied"))),
            f"{_KIND_LABEL.format(k='kind1')} || ' số ' || doc1"),
        letter_event(LETTER1_DOC, "t_letter1", 1),
        sel(AWAIT1, "t_await1", "await_customer", status("replied"), status("awaiting_customer")),
        sel(OUTCOME1, "t_out1", "customer_agrees", *agreed("prev1", "t_out1"),
            "'Khách hàng đồng ý với phương án giải quyết'", "agree1"),
        sel(OUTCOME1, "t_out1", "open_second_round",
            _js(("round", "'1'"), ("round_opened_at", _t("t_recv")), ("reply_due_at", _t("due_r1")),
                ("resolution_due_at", _t("due_res1")), ("round_replied_at", _t("t_letter1")), ("status", _s("prev1"))),
            _js(("round", "'2'"), ("round_opened_at", _t("t_out1")), ("reply_due_at", _t("due_r2")),
                ("resolution_due_at", _t("due_res2")), ("round_replied_at", _NULL), ("status", _lit("verifying"))),
            "'Khách hàng không đồng ý với kết quả giải quyết lần 1'", "NOT agree1"),
        sel(LETTER2, "t_letter2", "issue_letter",
            _js(("round_replied_at", _NULL), ("status", _lit("verifying"))),
            _js(("round_replied_at", _t("t_letter2")), ("status", _lit("replied"))),
            f"{_KIND_LABEL.format(k='kind2')} || ' số ' || doc2"),
        letter_event(LETTER2_DOC, "t_letter2", 2),
        sel(AWAIT2, "t_await2", "await_customer", status("replied"), status("awaiting_customer")),
        sel(OUTCOME2, "t_out2", "customer_agrees", *agreed("prev2", "t_out2"),
            "'Khách hàng đồng ý với phương án giải quyết lần 2'", "agree2"),
        sel(OUTCOME2, "t_out2", "refer",
            _js(("referral_body", _NULL), ("referral_date", _NULL), ("closed_at", _NULL), ("status", _s("prev2"))),
            _js(("referral_body", _s("referral_body")), ("referral_date", _s("strftime(referral_date, '%Y-%m-%d')")),
                ("closed_at", _t("t_out2")), ("status", _lit("referred"))),
            "CASE WHEN referral_body = 'court' THEN 'Khách hàng khởi kiện tại Tòa án' "
            "ELSE 'Khách hàng khiếu nại lên cơ quan quản lý' END", "NOT agree2"),
        sel(CLOSE, "t_close", "close", _js(("closed_at", _NULL), ("status", _lit("resolved"))),
            _js(("closed_at", _t("t_close")), ("status", _lit("closed")))),
        sel(FOLLOWUP, "t_follow", "followup", "NULL", _js(("satisfaction", "satisfaction::VARCHAR")),
            "follow_note", actor="follow_staff"),
        sel(ROOT_CAUSE, "t_cause", "root_cause_recorded", "NULL", "rc_after"),
    ]


_EVENTS_SQL = (
    "INSERT INTO events (id, occurred_at, actor, entity, entity_id, action, before, after, note) "
    "SELECT i.id, e.occurred_at, e.actor, e.entity, e.entity_id, e.action, e.before, e.after, e.note FROM ("
    "SELECT *, row_number() OVER (ORDER BY occurred_at, case_id, step) AS rn FROM ("
    + " UNION ALL ".join(_event_selects()) +
    ")) e JOIN demo_event_ids i USING (rn)"
)
_ROUNDS_SQL = (
    "INSERT INTO case_rounds (case_id, round, opened_at, reply_due_at, resolution_due_at) "
    "SELECT case_id, 1, t_recv, due_r1, due_res1 FROM demo_plan UNION ALL "
    "SELECT case_id, 2, t_out1, due_r2, due_res2 FROM demo_plan WHERE t_out1 IS NOT NULL AND NOT agree1"
)
_ROOT_CAUSES_SQL = (
    "INSERT INTO root_causes (case_id, category, cause, action, owner, due_date, done_at, recorded_by, recorded_at) "
    "SELECT case_id, rc_category, rc_cause, rc_action, rc_owner, rc_due, rc_done_at, staff, t_cause "
    "FROM demo_plan WHERE t_cause IS NOT NULL"
)
_FOLLOWUPS_SQL = (
    "INSERT INTO followups (case_id, contacted_at, satisfaction, note, recorded_by) "
    "SELECT case_id, t_follow, satisfaction, follow_note, follow_staff FROM demo_plan WHERE t_follow IS NOT NULL"
)


def _count_events(c: _Chunk) -> int:
    kept = c.state.kept
    return int(kept.sum())


def _insert(cur, name: str, table: pa.Table, sql: str) -> None:
    cur.register(name, table)
    try:
        cur.execute(sql)
    finally:
        cur.unregister(name)


def _write_chunk(cur, rng: np.random.Generator, c: _Chunk, report: DemoReport) -> None:
    letters = _letter_rows(cur, c.plan, c.state)
    cases = _cases_table(c)
    _insert(cur, "demo_cases", cases, f"INSERT INTO cases ({', '.join(cases.column_names)}) "
                                      f"SELECT {', '.join(cases.column_names)} FROM demo_cases")
    _insert(cur, "demo_letters", _letters_table(rng, letters, c),
            "INSERT INTO letters (id, case_id, round, kind, doc_number, subject, body, meeting_at, meeting_place, "
            "issued_at, issued_by) SELECT * FROM demo_letters")
    n_events = _count_events(c)
    ids = _reserve(cur, "event_id_seq", n_events)
    cur.register("demo_event_ids", pa.table({"rn": np.arange(1, n_events + 1, dtype=np.int64), "id": ids}))
    try:
        _insert(cur, "demo_plan", _plan_table(rng, c, letters), "; ".join((_EVENTS_SQL, _ROUNDS_SQL, _FOLLOWUPS_SQL,
                                                                         _ROOT_CAUSES_SQL)))
    finally:
        cur.unregister("demo_event_ids")
    _tally(report, c, n_events, len(letters.ids))


def _tally(report: DemoReport, c: _Chunk, n_events: int, n_letters: int) -> None:
    s = c.state
    open_codes = [STATUS_CODES.index(st.value) for st in Status if st.is_open]
    report.cases += len(c.ids)
    report.events += n_events
    report.letters += n_letters
    report.followups += int(s.kept[:, FOLLOWUP].sum())
    report.rounds2 += int((s.round == 2).sum())
    report.referrals += int((s.status == STATUS_CODES.index(Status.REFERRED.value)).sum())
    report.late += int(c.plan.late_complaint.sum())
    report.open_cases += int(np.isin(s.status, open_codes).sum())


# --- the public function ---------------------------------------------------------------------------------------

def _record_generation(cur, report: DemoReport, n_cases: int) -> None:
    meta = {"seed": report.seed, "n_cases": n_cases, "until": report.until.isoformat(),
            "generated_at": utcnow().replace(microsecond=0).isoformat(),
            "counts": {k: v for k, v in asdict(report).items() if isinstance(v, int) and k != "seed"}}
    cur.execute("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)",
                [SETTINGS_KEY, json.dumps(meta, ensure_ascii=False)])
    record_event(cur, "system", "demo", SETTINGS_KEY, "generated", None, meta,
                 f"Tạo dữ liệu mẫu (demo): {report.cases} hồ sơ, seed {report.seed}")


def generate_demo(db, n_cases: int, seed: int = 42, *, until: datetime | None = None,
                  progress: Callable[[int, int], None] | None = None) -> DemoReport:
    """Add `n_cases` labelled demo cases with their whole history up to `until` (default: now; a naive
    datetime is Vietnam local time, as everywhere in voc.clock).

    Existing rows are never touched; ids, ticket codes and letter numbers come from the sequences.
    The same seed and `until` (to the second) give the same data on an empty database. Cases are
    written in chunks of CHUNK_CASES, each chunk (cases with all their rows) in its own transaction
    so memory stays bounded; an interrupted run keeps the chunks it had committed.
    """
    if n_cases < 0:
        raise ValueError("n_cases must be >= 0")
    until_s = _epoch(until or utcnow())
    last_day = int(_local_day(np.int64(until_s)))
    first_day = last_day - HISTORY_DAYS
    rng = np.random.default_rng([seed, 1])
    spikes = _spikes(rng, first_day, last_day)
    arrivals = _arrivals(rng, n_cases, first_day, until_s, spikes)
    customers = Customers(rng, n_cases)
    who = customers.draw(rng, n_cases)
    report = DemoReport(seed=seed, until=datetime.fromtimestamp(until_s, timezone.utc),
                        spikes=_describe(spikes, arrivals) if n_cases else [])
    if n_cases:
        report.first_received = datetime.fromtimestamp(int(arrivals.received[0]), timezone.utc)
    with db.transaction() as cur:
        policy = load_policy(cur)
        ensure_branches(cur, [city.branch for city in CITIES], "system", "Chi nhánh của dữ liệu mẫu (demo)")
    clocks = _Clocks(policy, first_day, last_day)
    desk = _Desk(first_day - 2, last_day + 400)
    progress = progress or (lambda done, total: None)
    progress(0, n_cases)
    for k, start in enumerate(range(0, n_cases, CHUNK_CASES)):
        part = slice(start, min(start + CHUNK_CASES, n_cases))
        chunk_arr = Arrivals(arrivals.received[part], arrivals.theme[part], arrivals.channel[part],
                             arrivals.service[part])
        chunk_rng = np.random.default_rng([seed, 2, k])
        with db.transaction() as cur:
            chunk = _build_chunk(cur, chunk_rng, chunk_arr, customers, who[part], clocks, desk, until_s, policy)
            _write_chunk(cur, chunk_rng, chunk, report)
        progress(part.stop, n_cases)
    with db.transaction() as cur:
        _record_generation(cur, report, n_cases)
    return report
