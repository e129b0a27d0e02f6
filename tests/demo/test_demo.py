"""The demo history generator on real DuckDB files: determinism, coverage, a lifecycle that replays
through the state machine, clocks, texts, spikes, codes, and coexistence with real cases."""
from __future__ import annotations

import json
import re
from collections import defaultdict
from datetime import date, datetime, timedelta, timezone

import numpy as np
import pytest

from tests.conftest import make_draft
from voc.store import case_store
from voc.desk import cases
from voc.accounts.access import Actor, Role
from voc.store.db import Database
from voc.demo.generate import SETTINGS_KEY, STAFF, _WorkingCalendar, generate_demo
from voc.demo.texts import LATE_REASONS, NOTE_DEMO
from voc.desk.lifecycle import Action, next_status
from voc.model import Channel, Service, SlaState, Status
from voc.desk.policy import CalendarMode, Policy, save_policy
from voc.desk.sla import add_working_time, reply_due_at, resolution_due_at
from voc.plaintext import fold, strip_diacritics

UNTIL = datetime(2026, 11, 20, 3, 0, tzinfo=timezone.utc)   # Friday 10:00 in Hà Nội
UNTIL_DB = UNTIL.replace(tzinfo=None)
N = 2000


def _rows(db, sql: str, params=None) -> list[tuple]:
    with db.cursor() as cur:
        return cur.execute(sql, params or []).fetchall()


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    db = Database(tmp_path_factory.mktemp("demo") / "voc.duckdb")
    calls = []
    report = generate_demo(db, N, seed=7, until=UNTIL, progress=lambda done, total: calls.append((done, total)))
    yield db, report, calls
    db.close()


def _snapshot(db) -> dict[str, list[tuple]]:
    return {
        "cases": _rows(db, "SELECT * FROM cases ORDER BY id"),
        "events": _rows(db, "SELECT * FROM events WHERE entity <> 'demo' ORDER BY id"),
        "letters": _rows(db, "SELECT * FROM letters ORDER BY id"),
        "rounds": _rows(db, "SELECT * FROM case_rounds ORDER BY case_id, round"),
        "followups": _rows(db, "SELECT * FROM followups ORDER BY case_id, contacted_at"),
    }


def test_same_seed_and_until_give_identical_data(tmp_path):
    snapshots = []
    for name, seed in (("a", 3), ("b", 3), ("c", 4)):
        db = Database(tmp_path / f"{name}.duckdb")
        generate_demo(db, 400, seed=seed, until=UNTIL)
        snapshots.append(_snapshot(db))
        db.close()
    assert snapshots[0] == snapshots[1]
    assert snapshots[0]["cases"] != snapshots[2]["cases"]


def test_report_progress_settings_and_demo_event(demo):
    db, report, calls = demo
    assert report.cases == N == _rows(db, "SELECT count(*) FROM cases WHERE is_demo")[0][0]
    assert report.events == _rows(db, "SELECT count(*) FROM events WHERE entity <> 'demo'")[0][0]
    assert report.letters == _rows(db, "SELECT count(*) FROM letters")[0][0]
    assert report.followups == _rows(db, "SELECT count(*) FROM followups")[0][0]
    assert report.rounds2 == _rows(db, "SELECT count(*) FROM case_rounds WHERE round = 2")[0][0]
    assert 0.04 * N < report.rounds2 < 0.11 * N and 0 < report.referrals < report.rounds2
    assert calls[0] == (0, N) and calls[-1] == (N, N)
    assert len(report.spikes) >= 3 and "Email" in str(report)
    meta = json.loads(_rows(db, "SELECT value FROM settings WHERE key = ?", [SETTINGS_KEY])[0][0])
    assert (meta["seed"], meta["n_cases"], meta["until"]) == (7, N, UNTIL.isoformat())
    [(actor, action)] = _rows(db, "SELECT actor, action FROM events WHERE entity = 'demo'")
    assert (actor, action) == ("system", "generated")


def test_every_channel_service_status_and_kind_is_present(demo):
    db, _, _ = demo
    for column, values in (("channel", Channel), ("service", Service), ("status", Status)):
        found = {r[0]: r[1] for r in _rows(db, f"SELECT {column}, count(*) FROM cases GROUP BY 1")}
        assert set(found) == {v.value for v in values}, column
    channels = {r[0]: r[1] for r in _rows(db, "SELECT channel, count(*) FROM cases GROUP BY 1")}
    assert channels["email"] > channels["hotline"] > channels["in_person"] > channels["post"]
    assert {r[0] for r in _rows(db, "SELECT DISTINCT issue_kind FROM cases")} == {"quality", "business"}
    assert {r[0] for r in _rows(db, "SELECT DISTINCT branch FROM cases")} == {"Hà Nội", "TP. Hồ Chí Minh", "Đà Nẵng"}
    staff = _rows(db, "SELECT DISTINCT staff, branch FROM cases")
    assert set(staff) == set(STAFF) and len(staff) == 12


def test_history_spans_two_years_with_fewer_cases_on_sundays(demo):
    db, _, _ = demo
    first, last = _rows(db, "SELECT min(received_at), max(received_at) FROM cases")[0]
    assert last <= UNTIL_DB and (UNTIL_DB - first).days >= 730
    by_weekday = dict(_rows(db, "SELECT dayofweek(received_at + INTERVAL 7 HOUR), count(*) FROM cases GROUP BY 1"))
    assert by_weekday[0] < 0.5 * by_weekday[1]          # Sunday vs Monday
    first_year, last_year = _rows(db, "SELECT count(*) FILTER (WHERE received_at < ?), count(*) FILTER "
                                      "(WHERE received_at >= ?) FROM cases",
                                  [UNTIL_DB - timedelta(days=365)] * 2)[0]
    assert last_year > first_year                        # growth


def _events_by_case(db) -> dict[int, list[tuple]]:
    grouped = defaultdict(list)
    for row in _rows(db, "SELECT entity_id::BIGINT, id, occurred_at, actor, action, before, after, note "
                         "FROM events WHERE entity = 'case' ORDER BY id"):
        grouped[row[0]].append(row[1:])
    return grouped


def test_lifecycle_replays_through_the_state_machine(demo):
    db, _, _ = demo
    events = _events_by_case(db)
    columns = "id, status, round, version, first_reply_at, round_replied_at, resolved_at, closed_at, staff"
    for cid, status, rnd, version, first_reply, round_replied, resolved, closed, staff in _rows(
            db, f"SELECT {columns} FROM cases"):
        history = events[cid]
        assert history[0][3] == "received" and history[0][6] == NOTE_DEMO
        times = [e[1] for e in history]
        assert times == sorted(times)
        state, round_no, transitions, replies = Status.RECEIVED, 1, 0, {1: [], 2: []}
        for _, at, actor, action, before, after, _ in history[1:]:
            if action in ("followup", "root_cause_recorded"):
                assert state in (Status.RESOLVED, Status.CLOSED)
                continue
            assert json.loads(before).get("status", state.value) == state.value
            state = next_status(state, round_no, Action(action))
            assert json.loads(after).get("status", state.value) == state.value
            if action == Action.OPEN_SECOND_ROUND.value:
                round_no = 2
            if action == Action.ISSUE_LETTER.value:
                replies[round_no].append(at)
            transitions += 1
            assert actor == staff
        assert (state.value, round_no, transitions + 1) == (status, rnd, version)
        assert first_reply == (replies[1][0] if replies[1] else None)
        assert round_replied == (replies[rnd][0] if replies[rnd] else None)
        if status == "closed":
            assert resolved is not None and resolved <= closed
        if status == "referred":
            assert rnd == 2 and closed is not None and resolved is None


def test_referrals_only_in_round_two_with_body_and_date(demo):
    db, _, _ = demo
    rows = _rows(db, "SELECT round, referral_body, referral_date, closed_at FROM cases WHERE status = 'referred'")
    assert rows
    for rnd, body, when, closed in rows:
        assert rnd == 2 and body in ("regulator", "court") and when <= (closed + timedelta(hours=7)).date()
    assert _rows(db, "SELECT count(*) FROM cases WHERE status <> 'referred' AND referral_body IS NOT NULL")[0][0] == 0


def test_round_clocks_follow_the_calendar_policy(demo):
    db, _, _ = demo
    bad = _rows(db, "SELECT count(*) FROM case_rounds WHERE reply_due_at <> opened_at + INTERVAL 48 HOUR "
                    "OR resolution_due_at <> opened_at + INTERVAL 20 DAY")[0][0]
    assert bad == 0
    mismatched = _rows(db, """
        SELECT count(*) FROM cases c JOIN case_rounds r ON r.case_id = c.id AND r.round = c.round
        WHERE r.opened_at <> c.round_opened_at OR r.reply_due_at <> c.reply_due_at
           OR r.resolution_due_at <> c.resolution_due_at""")[0][0]
    assert mismatched == 0
    assert _rows(db, "SELECT count(*) FROM case_rounds r JOIN cases c ON c.id = r.case_id "
                     "WHERE r.round = 1 AND r.opened_at <> c.received_at")[0][0] == 0
    second = _rows(db, """SELECT count(*) FROM case_rounds r JOIN events e ON e.entity = 'case'
        AND e.entity_id = r.case_id::VARCHAR AND e.action = 'open_second_round' WHERE r.round = 2
        AND e.occurred_at = r.opened_at""")[0][0]
    assert second == _rows(db, "SELECT count(*) FROM case_rounds WHERE round = 2")[0][0] > 0


def test_most_replies_and_resolutions_are_on_time_some_late(demo):
    db, _, _ = demo
    late_reply, late_resolution = _rows(db, """
        SELECT avg((c.first_reply_at > r.reply_due_at)::INT), avg((c.resolved_at > c.resolution_due_at)::INT)
        FROM cases c JOIN case_rounds r ON r.case_id = c.id AND r.round = 1
        WHERE c.first_reply_at IS NOT NULL""")[0]
    assert 0.03 < late_reply < 0.15 and 0.01 < late_resolution < 0.12
    invitations, letters = _rows(db, "SELECT count(*) FILTER (WHERE kind = 'invitation'), count(*) FROM letters")[0]
    assert 0.06 < invitations / letters < 0.2


def test_open_cases_at_until_show_every_sla_state(demo):
    db, _, _ = demo
    with db.cursor() as cur:
        counts = case_store.sla_counts(cur, UNTIL)
    assert all(counts[s.value] > 0 for s in SlaState), counts
    assert counts[SlaState.ON_TIME.value] > counts[SlaState.REPLY_OVERDUE.value]


def test_staff_work_in_office_hours(demo):
    db, _, _ = demo
    hours = _rows(db, "SELECT min(hour(occurred_at + INTERVAL 7 HOUR)), max(hour(occurred_at + INTERVAL 7 HOUR)), "
                      "count(*) FILTER (WHERE dayofweek(occurred_at + INTERVAL 7 HOUR) = 0) FROM events "
                      "WHERE entity = 'case' AND action <> 'received'")[0]
    assert hours == (8, 17, 0)


def test_letters_are_numbered_and_match_their_events(demo):
    db, _, _ = demo
    docs = [r[0] for r in _rows(db, "SELECT doc_number FROM letters")]
    assert len(docs) == len(set(docs)) and all(re.fullmatch(r"\d{5,}/20\d\d/(TL|GM)-CSKH", d) for d in docs)
    issued = _rows(db, "SELECT count(*) FROM events WHERE action = 'issue_letter'")[0][0]
    letter_events = _rows(db, "SELECT count(*) FROM events e JOIN letters l ON e.entity = 'letter' "
                              "AND e.entity_id = l.id::VARCHAR AND e.occurred_at = l.issued_at")[0][0]
    assert issued == letter_events == len(docs)
    assert _rows(db, "SELECT count(*) FROM letters WHERE kind = 'invitation' AND (meeting_at <= issued_at "
                     "OR meeting_place IS NULL)")[0][0] == 0
    subject, body = _rows(db, "SELECT subject, body FROM letters WHERE kind = 'reply' LIMIT 1")[0]
    assert subject.startswith("Trả lời khiếu nại số KN-") and body.startswith("Kính gửi Quý khách")


def test_followups_come_after_resolution(demo):
    db, report, _ = demo
    rows = _rows(db, "SELECT f.satisfaction, f.contacted_at, c.resolved_at, c.status FROM followups f "
                     "JOIN cases c ON c.id = f.case_id")
    resolved = _rows(db, "SELECT count(*) FROM cases WHERE resolved_at IS NOT NULL")[0][0]
    assert 0.3 < len(rows) / resolved < 0.5
    for satisfaction, at, resolved_at, status in rows:
        assert 1 <= satisfaction <= 5 and resolved_at < at <= UNTIL_DB and status in ("resolved", "closed")


def test_root_causes_follow_resolution_and_match_their_audit_event(demo):
    from voc.desk.root_causes import root_cause_of

    db, _, _ = demo
    rows = _rows(db, "SELECT r.case_id, r.recorded_at, c.resolved_at, r.due_date, c.received_at, r.recorded_by, c.staff "
                     "FROM root_causes r JOIN cases c ON c.id = r.case_id")
    resolved = _rows(db, "SELECT count(*) FROM cases WHERE resolved_at IS NOT NULL")[0][0]
    assert 0.3 * resolved < len(rows) < 0.6 * resolved
    events = {int(e[0]): e[1] for e in _rows(db, "SELECT entity_id, after FROM events "
                                                 "WHERE action = 'root_cause_recorded'")}
    assert len(events) == len(rows)
    with db.cursor() as cur:
        for case_id, recorded, resolved_at, due, received, by, staff in rows:
            assert resolved_at is not None and recorded > resolved_at and due >= received.date()
            assert by == staff
            assert json.loads(events[case_id]) == root_cause_of(cur, case_id).audit_view()
    categories = {r[0] for r in _rows(db, "SELECT DISTINCT category FROM root_causes")}
    assert {"infrastructure", "third_party", "process", "customer_side"} <= categories
    assert _rows(db, "SELECT count(*) FROM root_causes WHERE done_at IS NULL")[0][0] > 0


def test_late_complaints_have_reasons(demo):
    db, _, _ = demo
    rows = _rows(db, "SELECT late_complaint, late_reason, issue_kind, "
                     "(received_at + INTERVAL 7 HOUR)::DATE - event_date FROM cases")
    late = [r for r in rows if r[0]]
    assert 0.01 * N < len(late) < 0.06 * N
    for is_late, reason, kind, days in rows:
        limit = 90 if kind == "quality" else 30
        assert days >= 0
        if is_late:
            assert reason in LATE_REASONS and days > limit
        else:
            assert reason is None and days <= limit


def test_texts_vary_with_and_without_diacritics(demo):
    db, _, _ = demo
    texts = _rows(db, "SELECT content, request FROM cases")
    contents = [c for c, _ in texts]
    assert len(set(contents)) > 0.8 * N
    plain = [c for c in contents if strip_diacritics(c) == c]
    assert 0.1 * N < len(plain) < 0.6 * N
    words = [set(re.findall(r"\w+", c.lower())) for c in contents]
    for abbreviation in ("ko", "k", "dc", "đc", "ntn", "j", "ae", "mik"):
        assert any(abbreviation in w for w in words), abbreviation
    folded = " ".join(fold(c) for c in contents)
    for term in ("dns", "cpanel", "ssl", "mx record", "backup", "vps", "ip", "bandwidth", "smtp", "spam",
                 "directadmin", "wordpress", "mail bi tra ve", "mail bi doi"):
        assert term in folded, term
    lengths = sorted(len(c) for c in contents)
    assert lengths[0] < 60 and lengths[-1] > 300
    assert all(r for _, r in texts)


def test_search_text_matches_the_case_store_rule(demo):
    db, _, _ = demo
    for name, content, request, code, search in _rows(
            db, "SELECT customer_name, content, request, ticket_code, search_text FROM cases"):
        assert search == case_store.search_text_for(name, content, request, code)


def test_customers_look_real_and_some_come_back(demo):
    db, _, _ = demo
    phones = [r[0] for r in _rows(db, "SELECT customer_phone FROM cases WHERE customer_phone IS NOT NULL")]
    assert all(re.fullmatch(r"09\d{8}", p) for p in phones)
    emails = [r[0] for r in _rows(db, "SELECT customer_email FROM cases WHERE customer_email IS NOT NULL")]
    assert all(re.fullmatch(r"[a-z0-9.]+@[a-z0-9.-]+\.[a-z]+", e) for e in emails)
    assert _rows(db, "SELECT count(*) FROM cases WHERE coalesce(customer_phone, customer_email, "
                     "customer_address) IS NULL")[0][0] == 0
    repeat = _rows(db, "SELECT count(*) FROM (SELECT customer_phone FROM cases WHERE customer_phone IS NOT NULL "
                       "GROUP BY 1 HAVING count(*) > 1)")[0][0]
    assert repeat > 20


def test_email_delivery_spike_in_the_last_two_weeks(demo):
    db, _, _ = demo
    mail = "regexp_matches(search_text, 'mail.*(tra ve|doi|spam|550|blacklist|smtp|mx)')"
    recent, before = _rows(db, f"""
        SELECT count(*) FILTER (WHERE received_at >= ?), count(*) FILTER (WHERE received_at < ?)
        FROM cases WHERE {mail} AND received_at >= ?""",
                           [UNTIL_DB - timedelta(days=14), UNTIL_DB - timedelta(days=14),
                            UNTIL_DB - timedelta(days=14 + 56)])[0]
    assert recent / 14 > 2.5 * (before / 56), (recent, before)


def test_ticket_codes_are_unique_and_follow_the_pattern(demo):
    db, _, _ = demo
    rows = _rows(db, "SELECT ticket_code, year(received_at + INTERVAL 7 HOUR) FROM cases")
    assert len({r[0] for r in rows}) == len(rows)
    for code, year in rows:
        assert re.fullmatch(rf"KN-{year}-\d{{6}}", code)


def test_demo_leaves_existing_cases_alone_and_can_run_twice(db, staff):
    draft = make_draft(event_date=date(2026, 11, 15))
    real = cases.receive(db, staff, draft, received_at=UNTIL - timedelta(days=3))
    before = _rows(db, "SELECT * FROM cases")
    generate_demo(db, 150, seed=1, until=UNTIL)
    generate_demo(db, 150, seed=1, until=UNTIL)
    assert _rows(db, "SELECT * FROM cases WHERE id = ?", [real.id]) == before
    codes = [r[0] for r in _rows(db, "SELECT ticket_code FROM cases")]
    assert len(codes) == len(set(codes)) == 301
    assert _rows(db, "SELECT count(*) FROM cases WHERE NOT is_demo")[0][0] == 1
    nxt = cases.receive(db, staff, draft, received_at=UNTIL)
    assert nxt.id > max(r[0] for r in _rows(db, "SELECT id FROM cases WHERE is_demo"))


def test_working_day_clocks_match_the_scalar_rule(tmp_path):
    rng = np.random.default_rng(5)
    starts = rng.integers(int(datetime(2025, 1, 1).timestamp()), int(datetime(2026, 3, 1).timestamp()), 300)
    starts = np.concatenate([starts, [int(datetime(2025, 1, 24, 17, 0, tzinfo=timezone.utc).timestamp())]])
    calendar = _WorkingCalendar(date(2024, 12, 1).toordinal() - 719163, date(2026, 6, 1).toordinal() - 719163)
    for hours in (48, 20 * 24):
        got = calendar.add(starts, hours * 3600)
        for start, due in zip(starts.tolist(), got.tolist()):
            expected = add_working_time(datetime.fromtimestamp(start, timezone.utc), timedelta(hours=hours))
            assert datetime.fromtimestamp(due, timezone.utc) == expected


def test_demo_in_working_day_mode_uses_policy_clocks(db):
    admin = Actor("admin", Role.ADMIN)
    policy = save_policy(db, admin, Policy(calendar_mode=CalendarMode.WORKING_DAYS))
    generate_demo(db, 200, seed=2, until=UNTIL)
    for opened, reply_due, resolution_due in _rows(db, "SELECT opened_at, reply_due_at, resolution_due_at "
                                                       "FROM case_rounds"):
        opened = opened.replace(tzinfo=timezone.utc)
        assert reply_due.replace(tzinfo=timezone.utc) == reply_due_at(opened, policy)
        assert resolution_due.replace(tzinfo=timezone.utc) == resolution_due_at(opened, policy)
