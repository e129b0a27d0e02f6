"""One chunk of demo cases with everything planned for it, and its rows of the cases table."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from voc.demo.arrivals import _CHANNEL_NAMES, SERVICES, Arrivals
from voc.demo.columns import _codes, _dates, _strings, _ts
from voc.demo.histories import _REFERRAL_CODES, STATUS_CODES, Plan, State
from voc.demo.people import CITIES, STAFF
from voc.demo.texts_cases import _Texts
from voc.model import IssueKind, Status


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
