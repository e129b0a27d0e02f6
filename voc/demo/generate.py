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

from voc.demo.arrivals import Arrivals, _arrivals, _describe, _spikes
from voc.demo.calendars import _Clocks, _Desk, _epoch, _local_day
from voc.demo.chunk import _cases_table, _Chunk
from voc.demo.events import _EVENTS_SQL, _FOLLOWUPS_SQL, _ROOT_CAUSES_SQL, _ROUNDS_SQL, _plan_table
from voc.demo.histories import FOLLOWUP, STATUS_CODES, _plan, _state
from voc.demo.letters import _letter_rows, _letters_table
from voc.demo.notes import LATE_REASONS
from voc.demo.people import CITIES, Customers, _pick_staff
from voc.demo.root_causes import _plan_root_causes
from voc.demo.sequences import _case_ids, _reserve, _ticket_codes
from voc.demo.texts_cases import _texts
from voc.demo.texts_themes import THEMES
from voc.accounts.branches import ensure_branches
from voc.store.audit import record_event
from voc.clock import utcnow
from voc.model import IssueKind, Status
from voc.desk.policy import Policy, load_policy

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


# --- building one chunk -------------------------------------------------------------------------------------

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


# --- writing one chunk: cases, letters, then the rows derived from the plan (voc.demo.events) ----------------

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

def _record_generation(cur, report: DemoReport, n_cases: int, actor_name: str) -> None:
    meta = {"seed": report.seed, "n_cases": n_cases, "until": report.until.isoformat(),
            "generated_at": utcnow().replace(microsecond=0).isoformat(),
            "counts": {k: v for k, v in asdict(report).items() if isinstance(v, int) and k != "seed"}}
    cur.execute("INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
                [SETTINGS_KEY, json.dumps(meta, ensure_ascii=False)])
    record_event(cur, actor_name, "demo", SETTINGS_KEY, "generated", None, meta,
                 f"Tạo dữ liệu mẫu (demo): {report.cases} hồ sơ, seed {report.seed}")


def generate_demo(db, n_cases: int, seed: int = 42, *, until: datetime | None = None,
                  progress: Callable[[int, int], None] | None = None, actor_name: str = "system") -> DemoReport:
    """Add `n_cases` labelled demo cases with their whole history up to `until` (default: now; a naive
    datetime is Vietnam local time, as everywhere in voc.clock).

    Existing rows are never touched; ids and ticket codes come from the sequences, letter numbers from
    the outgoing register (voc.desk.letters.reserve_doc_numbers).
    The same seed and `until` (to the second) give the same data on an empty database. Cases are
    written in chunks of CHUNK_CASES, each chunk (cases with all their rows) in its own transaction
    so memory stays bounded; an interrupted run keeps the chunks it had committed. The load (and the
    branches it adds) is audited under `actor_name`: the admin who clicked, or "system" for the CLI.
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
        ensure_branches(cur, [city.branch for city in CITIES], actor_name, "Chi nhánh của dữ liệu mẫu (demo)")
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
        _record_generation(cur, report, n_cases, actor_name)
    return report
