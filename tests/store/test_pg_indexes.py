"""Server mode at scale (issue #13, migration pg/027): the desk's reads of one case, of the case list's
first page and of a customer's other cases are served by indexes on PostgreSQL, not by scanning every
event, letter or case (at 1M cases a scan made a case file take 2.8 s, the list's first page 3.2 s and an
intake's look-up of the customer's cases 0.8-5.6 s). Each statement the desk functions run
is recorded and explained with sequential scans disabled: a plan that still scans one of the big tables
has no index to use."""
from __future__ import annotations

import re

from tests.conftest import make_draft
from voc.clock import utcnow
from voc.desk import cases, letters
from voc.store import audit, case_store
from voc.store.case_store import CaseFilter

BIG_TABLES = ("cases", "events", "letters", "attachments", "theme_labels")


class Recording:
    """A cursor that notes every SELECT it runs (the SQL as written, and its parameters)."""

    def __init__(self, cur) -> None:
        self.cur, self.statements = cur, []

    def execute(self, sql, params=None):
        if sql.lstrip().upper().startswith(("SELECT", "WITH")):
            self.statements.append((sql, params))
        return self.cur.execute(sql, params)

    def __getattr__(self, name):
        return getattr(self.cur, name)


# An index scan without a condition reads the whole index: fine only for the index that gives the
# list's order (its LIMIT stops it after one page).
ORDERING_INDEXES = ("cases_received",)
_SCAN = re.compile(r"(Seq Scan|Index Scan|Index Only Scan|Bitmap Heap Scan)(?: Backward)?(?: using (\w+))? on (\w+)")


def scanned_tables(cur, sql: str, params) -> set[str]:
    """The big tables the plan reads whole: a sequential scan, or an index scan with no Index Cond."""
    cur.execute("SET enable_seqscan = off")
    try:
        plan = [r[0] for r in cur.execute("EXPLAIN " + sql, params).fetchall()]
    finally:
        cur.execute("RESET enable_seqscan")
    whole = set()
    for i, line in enumerate(plan):
        match = _SCAN.search(line)
        if not match or match.group(3) not in BIG_TABLES:
            continue
        kind, index, table = match.groups()
        details = []
        for later in plan[i + 1:]:
            if "->" in later:
                break
            details.append(later)
        if kind == "Seq Scan" or (kind != "Bitmap Heap Scan" and index not in ORDERING_INDEXES
                                  and not any("Index Cond" in d for d in details)):
            whole.add(table)
    return whole


def test_a_case_file_and_the_lists_first_page_use_indexes(pg_db, staff):
    from tests.conftest import BY_EMAIL
    from voc.model import LetterKind

    case = cases.receive(pg_db, staff, make_draft(content="Website bị sập từ sáng."))
    cases.start_verification(pg_db, staff, case.ticket_code)
    letters.issue_letter(pg_db, staff, case.ticket_code, LetterKind.REPLY, "Trả lời khiếu nại",
                         "Kính gửi Quý khách, chúng tôi đã khôi phục website lúc 10:00.", delivery=BY_EMAIL)
    with pg_db.cursor() as raw:
        cur = Recording(raw)
        audit.events_for(cur, "case", case.id)                          # the case file's timeline
        letters.letters_of(cur, case.id)                                # its letters (and the superseding ones)
        case_store.list_cases(cur, CaseFilter(), utcnow(), limit=50)   # the list's first page, newest first
        case_store.cases_of_contact(cur, "912345678", None)             # the customer's cases at intake, by phone
        case_store.cases_of_contact(cur, None, "an@example.com")        # ... and by e-mail
        assert len(cur.statements) >= 5
        scans = {sql[:80]: scanned_tables(raw, sql, params) for sql, params in cur.statements
                 if "count(*)" not in sql}             # a count of every case reads them all, by design
        assert all(not tables for tables in scans.values()), scans
