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
from typing import Callable, Iterator

import numpy as np
import pyarrow as pa

from voc.demo.arrivals import _CHANNEL_NAMES, SERVICES, Arrivals, _arrivals, _describe, _spikes
from voc.demo.calendars import (DAY, HOUR, NEVER, _Clocks, _day_date, _Desk, _epoch, _fmt_day, _fmt_local, _local_day,
                                _local_years)
from voc.demo.columns import _codes, _dates, _strings, _ts
from voc.demo.histories import (_REFERRAL_CODES, AWAIT1, AWAIT2, BACKLOG_DAYS, CLOSE, FOLLOWUP, LETTER1, LETTER1_DOC,
                                LETTER2, LETTER2_DOC, OUTCOME1, OUTCOME2, RECEIVED, ROOT_CAUSE, STATUS_CODES, VERIFY,
                                Plan, State, _plan, _RootCausePlan, _state)
from voc.demo.letters import (LETTER_CLOSINGS, LETTER_EXCUSES, LETTER_OPENINGS, LETTER_OWNERSHIP, LETTER_PLANS,
                              LETTER_VAGUE_PLANS, ROUND2_LINE)
from voc.demo.notes import FOLLOWUP_NOTES, LATE_REASONS, NOTE_DEMO
from voc.demo.people import _WRITING, CITIES, STAFF, Customers, _pick_staff
from voc.demo.sequences import _case_ids, _reserve, _ticket_codes
from voc.demo.texts_compose import CHANNEL_LENGTHS, CHANNEL_STYLES, compose_complaint, compose_request, pick
from voc.demo.texts_themes import THEMES, Theme
from voc.accounts.branches import ensure_branches
from voc.store.audit import record_event
from voc.clock import utcnow
from voc.desk.letters import company, format_doc_number
from voc.model import IssueKind, LetterKind, RootCauseCategory, Status
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


# --- texts per chunk ----------------------------------------------------------------------------------------

def _uniforms(rng: np.random.Generator) -> Iterator[float]:
    while True:
        yield from rng.random(1 << 16).tolist()


def _draw_table(rng: np.random.Generator, keys: np.ndarray, table: list[list[tuple[int, float]]]) -> np.ndarray:
    """For each row, an outcome drawn from the weighted options of its key."""
    u = rng.random(len(keys))
    out = np.zeros(len(keys), dtype=np.int64)
    for key, options in enumerate(table):
        rows = keys == key
        values = np.array([v for v, _ in options])
        cum = np.cumsum([p for _, p in options])
        out[rows] = values[(u[rows, None] > cum / cum[-1]).sum(axis=1).clip(0, len(values) - 1)]
    return out


_STYLE_TABLE = [list(CHANNEL_STYLES[c]) for c in _CHANNEL_NAMES]
_LENGTH_TABLE = [list(enumerate(CHANNEL_LENGTHS[c])) for c in _CHANNEL_NAMES]


@dataclass
class _Texts:
    content: list[str]
    request: list[str]
    search: list[str]
    name: list[str]
    phone: list[str | None]
    email: list[str | None]
    address: list[str | None]


def _texts(rng: np.random.Generator, arr: Arrivals, who: np.ndarray, customers: Customers,
           codes: list[str]) -> _Texts:
    style = _draw_table(rng, arr.channel, _STYLE_TABLE)
    length = _draw_table(rng, arr.channel, _LENGTH_TABLE)
    contact = rng.random((len(who), 3))
    rolls = _uniforms(rng)
    out = _Texts([], [], [], [], [], [], [])
    people: dict[int, tuple[str, str, str]] = {}
    theme, service, channel = arr.theme.tolist(), arr.service.tolist(), arr.channel.tolist()
    for i, c in enumerate(who.tolist()):
        ch = _CHANNEL_NAMES[channel[i]]
        content, content_f = compose_complaint(theme[i], service[i], ch, int(style[i]), int(length[i]), rolls)
        request, request_f = compose_request(theme[i], int(style[i]), rolls)
        person = people.get(c) or people.setdefault(c, customers.person(c))
        out.content.append(content)
        out.request.append(request)
        out.name.append(person[0])
        out.search.append(" ".join(f"{codes[i].lower()} {person[1]} {content_f} {request_f}".split()))
        u = contact[i]
        has_phone = not ((ch == "post" and u[0] < 0.3) or (ch == "email" and u[0] < 0.35))
        out.phone.append(customers.phone_text(c) if has_phone else None)
        out.email.append(person[2] if ch == "email" or u[1] < (0.2 if ch == "post" else 0.5) else None)
        out.address.append(customers.address(c) if ch == "post" or u[2] < (0.6 if ch == "in_person" else 0.1)
                           else None)
    return out


# --- letters --------------------------------------------------------------------------------------------------

@dataclass
class _LetterRows:
    case_row: np.ndarray   # index into the chunk
    round: np.ndarray
    issued: np.ndarray
    invitation: np.ndarray
    meeting: np.ndarray
    ids: np.ndarray
    doc: list[str]


def _letter_rows(cur, plan: Plan, state: State) -> _LetterRows:
    rows1 = np.flatnonzero(state.kept[:, LETTER1])
    rows2 = np.flatnonzero(state.kept[:, LETTER2])
    case_row = np.concatenate([rows1, rows2])
    rnd = np.concatenate([np.ones(len(rows1), np.int64), np.full(len(rows2), 2)])
    issued = np.concatenate([plan.r1.letter[rows1], plan.r2.letter[rows2]])
    invitation = np.concatenate([plan.r1.invitation[rows1], plan.r2.invitation[rows2]])
    meeting = np.concatenate([plan.r1.meeting[rows1], plan.r2.meeting[rows2]])
    order = np.lexsort((rnd, case_row, issued))
    case_row, rnd, issued, invitation, meeting = (a[order] for a in (case_row, rnd, issued, invitation, meeting))
    ids = _reserve(cur, "letter_id_seq", len(case_row))
    years = _local_years(issued).tolist()
    doc = [format_doc_number(i, y, LetterKind.INVITATION if inv else LetterKind.REPLY)
           for i, y, inv in zip(ids.tolist(), years, invitation.tolist())]
    return _LetterRows(case_row, rnd, issued, invitation, meeting, ids, doc)


def _reply_body(rng_u: Iterator[float], name: str, ticket: str, service: str, theme: Theme, round_no: int,
                event_day: int, issued: int, writing: tuple[float, float, float]) -> str:
    """A reply letter: cause, what was done, the plan; some staff add excuses or leave out dates."""
    co = company()
    topic = theme.label[:1].lower() + theme.label[1:]
    opening = pick(LETTER_OPENINGS, next(rng_u)).format(
        short=co.short_name, service=service, ticket=ticket, theme=topic)
    cause = pick(theme.causes, next(rng_u)).replace("{time}", f"ngày {_fmt_day(event_day)}")
    fix = pick(theme.fixes, next(rng_u))
    deadline = _fmt_local(issued + int(3 + next(rng_u) * 5) * DAY, "%d/%m/%Y")
    excuse, vague, no_sorry = (next(rng_u) < p for p in writing)
    plans = LETTER_VAGUE_PLANS if vague else LETTER_PLANS
    plan = pick(plans, next(rng_u)).format(deadline=deadline)
    lines = [f"Kính gửi Quý khách {name},", "", opening]
    if round_no == 2:
        lines.append(ROUND2_LINE)
    lines += ["", "Sau khi xác minh, chúng tôi xin trả lời như sau:", f"- Nguyên nhân: {cause}.",
              f"- Chúng tôi đã thực hiện: {fix}.", f"- Kế hoạch tiếp theo: {plan}", ""]
    if excuse:
        lines.append(pick(LETTER_EXCUSES, next(rng_u)))
    if not no_sorry:
        lines.append(pick(LETTER_OWNERSHIP, next(rng_u)))
    lines.append(pick(LETTER_CLOSINGS, next(rng_u)).format(hotline=co.hotline))
    return "\n".join(lines)


def _invitation_body(name: str, ticket: str, service: str, meeting: int, place: str, content: str) -> str:
    co = company()
    short = content if len(content) <= 120 else content[:117].rstrip() + "…"
    return "\n".join([
        f"Kính gửi Quý khách {name},", "",
        f"{co.short_name} trân trọng cảm ơn Quý khách đã phản ánh về dịch vụ {service} (hồ sơ {ticket}). "
        "Để cùng Quý khách làm rõ và thống nhất hướng giải quyết, chúng tôi trân trọng kính mời Quý khách "
        "đến làm việc trực tiếp:",
        "", f"- Thời gian: {_fmt_local(meeting)}", f"- Địa điểm: {place}",
        f"- Nội dung: trao đổi, giải quyết khiếu nại “{short}”.", "",
        "Khi đến, Quý khách vui lòng mang theo giấy tờ tùy thân và các tài liệu liên quan đến dịch vụ. Nếu thời gian "
        f"trên chưa thuận tiện, Quý khách vui lòng liên hệ hotline {co.hotline} để sắp xếp lại.", "",
        "Trân trọng cảm ơn Quý khách.",
    ])


def _letters_table(rng: np.random.Generator, rows: _LetterRows, chunk: "_Chunk") -> pa.Table:
    u = _uniforms(rng)
    subjects, bodies, places = [], [], []
    rows_of = zip(rows.case_row.tolist(), rows.round.tolist(), rows.invitation.tolist())
    for k, (i, rnd, inv) in enumerate(rows_of):
        ticket, name = chunk.codes[i], chunk.texts.name[i]
        service = SERVICES[chunk.arr.service[i]].label
        second = " (lần 2)" if rnd == 2 else ""
        if inv:
            place = CITIES[chunk.city[i]].office
            subjects.append(f"Giấy mời làm việc về khiếu nại số {ticket}{second}")
            bodies.append(_invitation_body(name, ticket, service, int(rows.meeting[k]), place, chunk.texts.content[i]))
            places.append(place)
        else:
            subjects.append(f"Trả lời khiếu nại số {ticket}{second}")
            bodies.append(_reply_body(u, name, ticket, service, THEMES[chunk.arr.theme[i]], rnd,
                                      int(chunk.plan.event_day[i]), int(rows.issued[k]), _WRITING[chunk.staff[i]]))
            places.append(None)
    kinds = (LetterKind.REPLY.value, LetterKind.INVITATION.value)
    return pa.table({
        "id": rows.ids, "case_id": chunk.ids[rows.case_row], "round": rows.round.astype(np.int32),
        "kind": _codes(kinds, rows.invitation.astype(np.int8)), "doc_number": _strings(rows.doc),
        "subject": _strings(subjects), "body": _strings(bodies),
        "meeting_at": _ts(np.where(rows.invitation, rows.meeting, NEVER)), "meeting_place": _strings(places),
        "issued_at": _ts(rows.issued), "issued_by": _codes(tuple(u for u, _ in STAFF), chunk.staff[rows.case_row]),
    })


# --- one chunk ------------------------------------------------------------------------------------------------------

@dataclass
class _Chunk:
    arr: Arrivals
    ids: np.ndarray
    codes: list[str]
    city: np.ndarray
    staff: np.ndarray
    follow_staff: np.ndarray
    kind: np.ndarray
    plan: Plan
    state: State
    texts: _Texts
    late_reason: list[str | None]


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


def _cases_table(c: _Chunk) -> pa.Table:
    p, s = c.plan, c.state
    referred = s.status == STATUS_CODES.index(Status.REFERRED.value)
    cols = s.columns
    return pa.table({
        "id": c.ids, "ticket_code": _strings(c.codes), "received_at": _ts(c.arr.received),
        "channel": _codes(_CHANNEL_NAMES, c.arr.channel),
        "issue_kind": _codes(tuple(k.value for k in IssueKind), c.kind.astype(np.int8)),
        "service": _codes(tuple(sv.value for sv in SERVICES), c.arr.service),
        "customer_name": _strings(c.texts.name), "customer_phone": _strings(c.texts.phone),
        "customer_email": _strings(c.texts.email), "customer_address": _strings(c.texts.address),
        "event_date": _dates(p.event_day), "content": _strings(c.texts.content),
        "request": _strings(c.texts.request),
        "search_text": _strings(c.texts.search), "status": _codes(STATUS_CODES, s.status),
        "round": s.round.astype(np.int32),
        **{name: _ts(cols[name]) for name in ("round_opened_at", "reply_due_at", "resolution_due_at",
                                              "round_replied_at", "first_reply_at", "resolved_at", "closed_at")},
        "late_complaint": pa.array(p.late_complaint), "late_reason": _strings(c.late_reason),
        "referral_body": _strings(_REFERRAL_CODES[p.referral_body].tolist(), ~referred),
        "referral_date": _dates(p.referral_day, ~referred),
        "staff": _codes(tuple(u for u, _ in STAFF), c.staff),
        "branch": _codes(tuple(city.branch for city in CITIES), c.city),
        "is_demo": pa.array(np.ones(len(c.ids), dtype=bool)), "version": s.version.astype(np.int32),
        "updated_at": _ts(cols["updated_at"]),
    })


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
