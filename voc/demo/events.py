"""The rows derived from each demo case's plan: audit events, rounds, follow-ups and root causes,
written by SQL over one per-case plan table so the JSON matches what the use cases write."""
from __future__ import annotations

import numpy as np
import pyarrow as pa

from voc.demo.arrivals import _CHANNEL_NAMES
from voc.demo.calendars import NEVER
from voc.demo.chunk import _Chunk
from voc.demo.columns import _codes, _dates, _strings, _ts
from voc.demo.histories import (_REFERRAL_CODES, AWAIT1, AWAIT2, CLOSE, FOLLOWUP, LETTER1, LETTER1_DOC, LETTER2,
                                LETTER2_DOC, OUTCOME1, OUTCOME2, RECEIVED, ROOT_CAUSE, VERIFY)
from voc.demo.letters import _LetterRows
from voc.demo.notes import FOLLOWUP_NOTES, NOTE_DEMO
from voc.demo.people import STAFF
from voc.demo.root_causes import _root_cause_columns

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
    "SELECT i.id, e.occurred_at, e.actor, e.entity, e.entity_id, e.action, CAST(e.before AS JSON), "
    "CAST(e.after AS JSON), e.note FROM ("
    "SELECT *, row_number() OVER (ORDER BY occurred_at, case_id, step) AS rn FROM ("
    + " UNION ALL ".join(_event_selects()) +
    ") AS s) e JOIN demo_event_ids i USING (rn)"
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
