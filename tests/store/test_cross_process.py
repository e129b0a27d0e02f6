"""Server mode (issue #13): the procedure's guarantees across separate processes on one PostgreSQL database.

Each test starts real `python` processes with VOC_DATABASE_URL set; they wait for one shared instant
so their work overlaps, and the test then reads what the database holds."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time

from tests.conftest import MONDAY_0910, ROOT, make_draft
from voc.desk import cases
from voc.store.case_store import CONFLICT_MESSAGE

ROWS = 150
_PRELUDE = """
import json, sys, time
from voc.store.db import open_db
db = open_db()
time.sleep(max(0.0, float(sys.argv[1]) - time.time()))
"""


def run_at_once(url: str, script: str, *args: str, n: int = 2, delay_s: float = 4.0) -> list[str]:
    """Run `script` (after _PRELUDE: `db` open, all started at the same instant) in `n` processes; their
    last stdout lines, in process order."""
    start_at = time.time() + delay_s
    env = {**os.environ, "VOC_DATABASE_URL": url}
    procs = [subprocess.Popen([sys.executable, "-c", _PRELUDE + script, str(start_at), str(i), *args], cwd=ROOT,
                              env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for i in range(n)]
    results = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0] * n, [err[-3000:] for _, err in results]
    return [out.strip().splitlines()[-1] for out, _ in results]


def test_two_processes_importing_at_once_lose_nothing_and_share_no_code(pg_db, tmp_path):
    from voc.desk.csvio import COLUMNS

    for p in range(2):
        rows = [",".join(COLUMNS)] + [
            f",2025-04-01T09:10:00+07:00,hotline,business,domain,Khách {p}-{i},0987654321,,2025-03-30,"
            f"Tiến trình {p} dòng {i}: bị trừ tiền 2 lần,hoàn tiền,received,1,,,,minh,Đà Nẵng" for i in range(ROWS)]
        (tmp_path / f"import{p}.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    script = ("from voc.accounts.access import SYSTEM\n"
              "from voc.desk.csvio import import_csv\n"
              "report = import_csv(db, SYSTEM, sys.argv[3] + f'/import{sys.argv[2]}.csv')\n"
              "print(json.dumps([report.imported, report.rejected]))\n")
    reports = [json.loads(line) for line in run_at_once(pg_db.url, script, str(tmp_path))]
    assert reports == [[ROWS, 0], [ROWS, 0]]
    with pg_db.cursor() as cur:
        total, codes, named = cur.execute(
            "SELECT count(*), count(DISTINCT ticket_code), count(DISTINCT customer_name) FROM cases").fetchone()
        imported_events = cur.execute("SELECT count(DISTINCT entity_id) FROM events WHERE entity = 'case'").fetchone()[0]
    assert (total, codes, named) == (2 * ROWS, 2 * ROWS, 2 * ROWS)
    assert imported_events == 2 * ROWS                      # every case with its audit event


def test_two_processes_saving_the_same_case_give_one_conflict_and_one_event(pg_db, staff):
    case = cases.receive(pg_db, staff, make_draft(), received_at=MONDAY_0910)
    with pg_db.cursor() as cur:
        events_before = cur.execute("SELECT count(*) FROM events WHERE entity_id = ?", [str(case.id)]).fetchone()[0]
    script = ("from voc.accounts.access import Actor, Role\n"
              "from voc.desk import cases\n"
              "from voc.errors import ConflictError\n"
              "staff = Actor('lan', Role.STAFF, 'Hà Nội', 'Nguyễn Thị Lan')\n"
              "try:\n"
              f"    cases.start_verification(db, staff, {case.ticket_code!r}, expected_version={case.version})\n"
              "    print(json.dumps('saved'))\n"
              "except ConflictError as error:\n"
              "    print(json.dumps(str(error)))\n")
    outcomes = sorted(json.loads(line) for line in run_at_once(pg_db.url, script))
    assert outcomes == sorted([CONFLICT_MESSAGE, "saved"])
    with pg_db.cursor() as cur:
        events_after = cur.execute("SELECT count(*) FROM events WHERE entity_id = ?", [str(case.id)]).fetchone()[0]
        version = cur.execute("SELECT version FROM cases WHERE id = ?", [case.id]).fetchone()[0]
    assert events_after == events_before + 1
    assert version == case.version + 1


def test_ticket_codes_and_letter_numbers_come_from_the_database_across_processes(pg_db, staff):
    """Four processes each receive cases and issue a letter on each at once: codes and letter numbers are
    all distinct, and the year's letter numbers run 1..N without a gap."""
    per_process, n = 5, 4
    script = ("from datetime import datetime, timezone\n"
              "from tests.conftest import make_draft, BY_EMAIL\n"
              "from voc.accounts.access import Actor, Role\n"
              "from voc.desk import cases, letters\n"
              "from voc.model import LetterKind\n"
              "staff = Actor('lan', Role.STAFF, 'Hà Nội', 'Nguyễn Thị Lan')\n"
              "at = datetime(2026, 11, 23, 2, 10, tzinfo=timezone.utc)\n"
              "out = []\n"
              f"for j in range({per_process}):\n"
              "    case = cases.receive(db, staff, make_draft(content=f'Tiến trình {sys.argv[2]} hồ sơ {j}: web sập'),\n"
              "                         received_at=at)\n"
              "    cases.start_verification(db, staff, case.ticket_code, at=at)\n"
              "    letter = letters.issue_letter(db, staff, case.ticket_code, LetterKind.REPLY, 'Trả lời khiếu nại',\n"
              "                                  'Kính gửi Quý khách, chúng tôi đã khôi phục website lúc 10:00.',\n"
              "                                  delivery=BY_EMAIL, at=at)\n"
              "    out.append([case.ticket_code, letter.doc_number])\n"
              "print(json.dumps(out))\n")
    pairs = [pair for line in run_at_once(pg_db.url, script, n=n) for pair in json.loads(line)]
    codes = [c for c, _ in pairs]
    numbers = sorted(int(d.split("/")[0]) for _, d in pairs)
    assert len(set(codes)) == len(codes) == per_process * n
    assert numbers == list(range(1, per_process * n + 1))


def test_a_letter_waits_its_turn_for_the_register_held_longer_than_the_lock_timeout(pg_db, staff):
    """Another process's transaction holds the letter register's counter for 10 s (an overloaded machine):
    a letter issued meanwhile waits its turn and takes the next number; it does not fail after the pool's
    3 s lock timeout on each of its attempts ("Sổ công văn đi đang được cấp số...")."""
    import threading
    from datetime import datetime, timezone

    import psycopg

    from tests.conftest import BY_EMAIL
    from voc.desk import letters
    from voc.model import LetterKind

    at = datetime(2026, 11, 23, 2, 10, tzinfo=timezone.utc)
    case = cases.receive(pg_db, staff, make_draft(content="Website bị sập từ sáng."), received_at=at)
    cases.start_verification(pg_db, staff, case.ticket_code, at=at)
    held, hold_s = threading.Event(), 10.0

    def other_process() -> None:
        with psycopg.connect(pg_db.url) as con:
            con.execute("INSERT INTO letter_counters (year, last_number) VALUES (2026, 0) ON CONFLICT DO NOTHING")
            con.commit()
            con.execute("UPDATE letter_counters SET last_number = last_number + 1 WHERE year = 2026")
            held.set()
            time.sleep(hold_s)
            con.commit()

    thread = threading.Thread(target=other_process)
    thread.start()
    held.wait(30)
    started = time.monotonic()
    letter = letters.issue_letter(pg_db, staff, case.ticket_code, LetterKind.REPLY, "Trả lời khiếu nại",
                                  "Kính gửi Quý khách, chúng tôi đã khôi phục website lúc 10:00.",
                                  delivery=BY_EMAIL, at=at)
    waited = time.monotonic() - started
    thread.join()
    assert letter.doc_number == "00002/2026/TL-CSKH" and waited > 3
