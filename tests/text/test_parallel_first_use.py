"""underthesea's first use in a fresh process, from many threads at once (issue #14 item 0).

underthesea loads its models on first use without a lock; right after a (re)start, intakes that
arrived together failed with `AttributeError: 'NoneType' object has no attribute 'process'` and the
case was not saved. Each check runs in a fresh interpreter, where nothing is loaded yet."""
import json
import subprocess
import sys

from tests.conftest import ROOT
from voc.store.db import Database
from voc.setup import ensure_defaults


THREADS = 10
FRESH_PROCESSES = 3

# Every underthesea entry point the app uses, called by THREADS threads released together.
ENTRY_POINTS = """
import json, threading
from voc.text.discovery import _phrases
from voc.text.normalize import analyse, normalize_text

calls = [lambda i: analyse(f"web bi sap tu sang {i}, goi ko ai nghe may"),
         lambda i: normalize_text(f"Mail  bị DỘI {i}"),
         lambda i: _phrases(f"mail bị dội liên tục từ hôm qua {i}")]
errors, start = [], threading.Barrier(THREADS)

def run(i):
    start.wait()
    try:
        calls[i % len(calls)](i)
    except Exception as error:
        errors.append(repr(error))

threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
for t in threads: t.start()
for t in threads: t.join()
print(json.dumps({"errors": errors}))
"""

# The intake path after a restart: the database already has its theme model, so nothing in this
# process has segmented a text before THREADS intakes arrive together.
INTAKES = """
import json, sys, threading
from dataclasses import replace
sys.path.insert(0, "tests")
from conftest import make_draft
from voc.accounts.access import Actor, Role
from voc.desk.cases import receive
from voc.store.db import Database
from voc.setup import ensure_defaults

db = Database(sys.argv[1])
ensure_defaults(db)
staff = Actor("lan", Role.STAFF, "Hà Nội", "Nguyễn Thị Lan")
errors, start = [], threading.Barrier(THREADS)

def run(i):
    start.wait()
    try:
        receive(db, staff, make_draft(content=f"Website bị sập lần {i}, khách không truy cập được."))
    except Exception as error:
        errors.append(repr(error))

threads = [threading.Thread(target=run, args=(i,)) for i in range(THREADS)]
for t in threads: t.start()
for t in threads: t.join()
with db.cursor() as cur:
    cases = cur.execute("SELECT count(*) FROM cases").fetchone()[0]
    tagged = cur.execute("SELECT count(DISTINCT case_id) FROM case_themes WHERE theme_code = 'downtime'").fetchone()[0]
print(json.dumps({"errors": errors, "cases": cases, "tagged": tagged}))
"""


def _fresh_process(script: str, *args: str) -> dict:
    done = subprocess.run([sys.executable, "-c", f"THREADS = {THREADS}\n{script}", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_parallel_first_calls_of_every_underthesea_entry_point_succeed():
    for _ in range(FRESH_PROCESSES):
        assert _fresh_process(ENTRY_POINTS)["errors"] == []


def test_parallel_intakes_right_after_a_restart_are_all_saved_and_tagged(tmp_path):
    path = tmp_path / "voc.duckdb"
    db = Database(path)
    ensure_defaults(db)          # first start: schema, taxonomy, theme model
    db.close()
    for restart in range(1, FRESH_PROCESSES + 1):
        result = _fresh_process(INTAKES, str(path))
        assert result["errors"] == []
        assert result["cases"] == result["tagged"] == THREADS * restart
