"""The planned history of each demo case, step by step in the procedure's order (verification,
replies and invitations, the customer's answer, a second round, referral, closing, follow-up),
with staff acting in office hours, and the state that plan has reached at `until`."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from voc.demo.arrivals import Arrivals
from voc.demo.calendars import DAY, HOUR, NEVER, _Clocks, _Desk, _local_day
from voc.model import ReferralBody, Status

STATUS_CODES = tuple(s.value for s in Status)
_REFERRAL_CODES = np.array([b.value for b in ReferralBody])

# Steps of a case's history, in order; the letter event follows its case event at the same moment.
(RECEIVED, VERIFY, LETTER1, LETTER1_DOC, AWAIT1, OUTCOME1, LETTER2, LETTER2_DOC, AWAIT2, OUTCOME2,
 CLOSE, FOLLOWUP, ROOT_CAUSE) = range(13)
N_STEPS = 13
TRANSITIONS = (VERIFY, LETTER1, AWAIT1, OUTCOME1, LETTER2, AWAIT2, OUTCOME2, CLOSE)
BACKLOG_DAYS = 45          # cases this recent to `until` meet a busier, slower desk


def _lognormal(rng: np.random.Generator, median_s: float, sigma: float, n: int, low: float, high: float) -> np.ndarray:
    return np.clip(rng.lognormal(np.log(median_s), sigma, n), low, high).astype(np.int64)


@dataclass
class _Round:
    """One round of the procedure, in UTC seconds (NEVER where a step does not happen)."""

    letter: np.ndarray
    invitation: np.ndarray
    meeting: np.ndarray
    awaited: np.ndarray
    outcome: np.ndarray
    outcome_c: np.ndarray      # the outcome on the desk coordinate
    late_reply: np.ndarray
    late_resolution: np.ndarray


def _reply_on_desk(rng: np.random.Generator, ready_c: np.ndarray, due_c: np.ndarray,
                   backlog: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The reply/invitation: mostly before the reply deadline, ~8% late (more in the recent backlog)."""
    n = len(ready_c)
    window = due_c - ready_c - 600
    late = (rng.random(n) < np.where(backlog, 0.3, 0.055)) | (window <= 0)
    on_time = ready_c + 600 + (rng.beta(1.4, 2.8, n) * np.maximum(window, 0)).astype(np.int64)
    lag = np.where(backlog, _lognormal(rng, 2.5 * _Desk.DAY, 0.6, n, HOUR, 8 * _Desk.DAY),
                   _lognormal(rng, 5 * HOUR, 1.0, n, 1800, 5 * _Desk.DAY))
    overdue = np.maximum(due_c, ready_c + 600) + lag
    return np.where(late, overdue, on_time), late


def _run_round(rng: np.random.Generator, desk: _Desk, ready_c: np.ndarray, reply_due: np.ndarray,
               resolution_due: np.ndarray, backlog: np.ndarray, p_invitation: np.ndarray | float) -> _Round:
    """Reply within 48 h (mostly), maybe an invitation to a meeting, then the customer's answer
    (mostly within the resolution deadline), all recorded by staff in office hours."""
    n = len(ready_c)
    letter_c, late_reply = _reply_on_desk(rng, ready_c, desk.coord(reply_due), backlog)
    invitation = rng.random(n) < p_invitation
    slots = np.array([1, 2, 6, 7.5]) * HOUR   # 09:00, 10:00, 14:00, 15:30
    meeting_c = ((letter_c // desk.DAY + rng.integers(2, 6, n)) * desk.DAY
                 + slots[rng.integers(0, len(slots), n)].astype(np.int64))
    sent = rng.random(n) < np.where(backlog, 0.7, 0.85)
    awaited_c = letter_c + _lognormal(rng, 30 * 60, 0.8, n, 120, 3 * HOUR)
    floor_c = np.maximum(np.where(sent, awaited_c, letter_c) + 600, np.where(invitation, meeting_c + HOUR, 0))
    res_c = desk.coord(resolution_due)
    late_resolution = rng.random(n) < np.where(backlog, 0.3, 0.045)
    quick = floor_c + (rng.beta(1.3, 3.5, n) * np.maximum(res_c - floor_c, HOUR)).astype(np.int64)
    slow = np.maximum(floor_c, res_c) + np.where(
        backlog, _lognormal(rng, 6 * desk.DAY, 0.6, n, HOUR, 30 * desk.DAY),
        _lognormal(rng, 2 * desk.DAY, 0.8, n, HOUR, 20 * desk.DAY))
    outcome_c = np.where(late_resolution, slow, quick)
    return _Round(
        letter=desk.time(letter_c), invitation=invitation, meeting=np.where(invitation, desk.time(meeting_c), NEVER),
        awaited=np.where(sent, desk.time(awaited_c), NEVER), outcome=desk.time(outcome_c), outcome_c=outcome_c,
        late_reply=late_reply, late_resolution=late_resolution,
    )


@dataclass
class Plan:
    """The planned history of a chunk of cases: step times (NEVER if a step does not happen)."""

    times: np.ndarray              # (n, N_STEPS) int64 UTC seconds
    agree1: np.ndarray
    agree2: np.ndarray
    r1: _Round
    r2: _Round
    due: dict[str, np.ndarray]     # reply1, resolution1, reply2, resolution2
    referral_body: np.ndarray      # index into ReferralBody
    referral_day: np.ndarray       # local day number
    satisfaction: np.ndarray
    event_day: np.ndarray          # local day number
    late_complaint: np.ndarray
    root_causes: _RootCausePlan | None = None


@dataclass
class _RootCausePlan:
    """The root cause staff record after resolving about half of the cases (SPEC, Respond)."""

    category: np.ndarray           # index into RootCauseCategory
    pick: np.ndarray               # which of the theme's cause and fix texts
    due_day: np.ndarray            # local day number of the internal fix's deadline
    done: np.ndarray               # recorded once the fix was done (else while still in progress)


def _verification(rng: np.random.Generator, desk: _Desk, received: np.ndarray, backlog: np.ndarray) -> np.ndarray:
    """Verification starts soon after receipt in office hours; the recent backlog waits longer."""
    n = len(received)
    delay = _lognormal(rng, 1.2 * HOUR, 1.0, n, 300, 2 * desk.DAY)
    stalled = backlog & (rng.random(n) < 0.15)
    delay = delay + np.where(stalled, rng.integers(desk.DAY // 2, 3 * desk.DAY, n), 0)
    return desk.coord(received) + delay


def _plan(rng: np.random.Generator, arr: Arrivals, kind_business: np.ndarray, clocks: _Clocks, desk: _Desk,
          until_s: int, limits: tuple[int, int]) -> Plan:
    n = len(arr.received)
    recv = arr.received
    backlog = recv > until_s - BACKLOG_DAYS * DAY
    times = np.full((n, N_STEPS), NEVER, dtype=np.int64)
    times[:, RECEIVED] = recv
    verify_c = _verification(rng, desk, recv, backlog)
    times[:, VERIFY] = desk.time(verify_c)
    reply1, res1 = clocks.due(recv)
    p_inv = np.where(arr.channel == 0, 0.16, np.where(kind_business, 0.12, 0.08))
    r1 = _run_round(rng, desk, verify_c, reply1, res1, backlog, p_inv)
    times[:, LETTER1] = times[:, LETTER1_DOC] = r1.letter
    times[:, AWAIT1] = r1.awaited
    times[:, OUTCOME1] = r1.outcome
    agree1 = rng.random(n) >= np.where(kind_business, 0.1, 0.07)
    second = ~agree1
    reply2, res2 = clocks.due(r1.outcome)
    r2 = _run_round(rng, desk, r1.outcome_c, reply2, res2, backlog, 0.4)
    times[:, LETTER2] = times[:, LETTER2_DOC] = np.where(second, r2.letter, NEVER)
    times[:, AWAIT2] = np.where(second, r2.awaited, NEVER)
    times[:, OUTCOME2] = np.where(second, r2.outcome, NEVER)
    agree2 = second & (rng.random(n) >= 0.25)
    resolved_c = np.where(agree1, r1.outcome_c, r2.outcome_c)
    resolved = agree1 | agree2
    closed = resolved & (rng.random(n) >= 0.02)
    times[:, CLOSE] = np.where(closed, desk.time(resolved_c + _lognormal(rng, desk.DAY, 0.9, n, 1800, 10 * desk.DAY)),
                               NEVER)
    follow = resolved & (rng.random(n) < 0.4)
    times[:, FOLLOWUP] = np.where(follow, desk.time(resolved_c + rng.integers(2 * desk.DAY, 7 * desk.DAY, n)), NEVER)
    event_day, late = _event_days(rng, recv, kind_business, limits)
    return Plan(
        times=times, agree1=agree1, agree2=agree2, r1=r1, r2=r2,
        due={"reply1": reply1, "resolution1": res1, "reply2": reply2, "resolution2": res2},
        referral_body=(rng.random(n) < 0.25).astype(np.int8),
        referral_day=np.maximum(_local_day(r2.outcome) - rng.integers(0, 4, n), _local_day(r2.letter)),
        satisfaction=_satisfaction(rng, r1.late_reply | r1.late_resolution | second),
        event_day=event_day, late_complaint=late,
    )


def _satisfaction(rng: np.random.Generator, unhappy: np.ndarray) -> np.ndarray:
    happy_p = np.cumsum([0.05, 0.08, 0.15, 0.37, 0.35])
    unhappy_p = np.cumsum([0.15, 0.22, 0.3, 0.23, 0.10])
    u = rng.random(len(unhappy))
    return np.where(unhappy, (u[:, None] > unhappy_p).sum(1), (u[:, None] > happy_p).sum(1)).clip(0, 4) + 1


def _event_days(rng: np.random.Generator, recv: np.ndarray, business: np.ndarray,
                limits: tuple[int, int]) -> tuple[np.ndarray, np.ndarray]:
    """The event date a few days before receipt; a few % beyond the statute of limitations."""
    n = len(recv)
    limit = np.where(business, limits[1], limits[0])
    usual = np.minimum(rng.geometric(0.3, n) - 1 + np.where(rng.random(n) < 0.06, rng.integers(5, 45, n), 0), limit)
    late = rng.random(n) < 0.03
    days_before = np.where(late, limit + rng.integers(1, 75, n), usual)
    return _local_day(recv) - days_before, late


@dataclass
class State:
    """What the plan looks like at `until`: which steps happened and the case columns they imply."""

    kept: np.ndarray               # (n, N_STEPS) bool
    status: np.ndarray             # index into Status
    round: np.ndarray
    columns: dict[str, np.ndarray]  # time columns in UTC seconds, NEVER for NULL
    version: np.ndarray


def _state(plan: Plan, until_s: int) -> State:
    t, kept = plan.times, plan.times <= until_s
    second = kept[:, OUTCOME1] & ~plan.agree1
    status = np.zeros(len(t), dtype=np.int8)
    s = {st: STATUS_CODES.index(st.value) for st in Status}
    for step, value in ((VERIFY, s[Status.VERIFYING]), (LETTER1, s[Status.REPLIED]),
                        (AWAIT1, s[Status.AWAITING_CUSTOMER])):
        status[kept[:, step]] = value
    status[kept[:, OUTCOME1]] = np.where(plan.agree1, s[Status.RESOLVED], s[Status.VERIFYING])[kept[:, OUTCOME1]]
    status[kept[:, LETTER2]] = s[Status.REPLIED]
    status[kept[:, AWAIT2]] = s[Status.AWAITING_CUSTOMER]
    status[kept[:, OUTCOME2]] = np.where(plan.agree2, s[Status.RESOLVED], s[Status.REFERRED])[kept[:, OUTCOME2]]
    status[kept[:, CLOSE]] = s[Status.CLOSED]
    referred = kept[:, OUTCOME2] & ~plan.agree2
    resolved_at = np.where(kept[:, OUTCOME1] & plan.agree1, t[:, OUTCOME1],
                           np.where(kept[:, OUTCOME2] & plan.agree2, t[:, OUTCOME2], NEVER))
    transitions = kept[:, list(TRANSITIONS)]
    last = np.where(transitions, t[:, list(TRANSITIONS)], -1).max(axis=1)
    columns = {
        "round_opened_at": np.where(second, t[:, OUTCOME1], t[:, RECEIVED]),
        "reply_due_at": np.where(second, plan.due["reply2"], plan.due["reply1"]),
        "resolution_due_at": np.where(second, plan.due["resolution2"], plan.due["resolution1"]),
        "round_replied_at": np.where(second, np.where(kept[:, LETTER2], t[:, LETTER2], NEVER),
                                     np.where(kept[:, LETTER1], t[:, LETTER1], NEVER)),
        "first_reply_at": np.where(kept[:, LETTER1], t[:, LETTER1], NEVER),
        "resolved_at": resolved_at,
        "closed_at": np.where(kept[:, CLOSE], t[:, CLOSE], np.where(referred, t[:, OUTCOME2], NEVER)),
        "updated_at": np.where(last >= 0, last, NEVER),
    }
    return State(kept, status, np.where(second, 2, 1), columns, 1 + transitions.sum(axis=1))
