"""The app's start does not wait for the text engine: the defaults are seeded without scikit-learn,
the engine (and a new file's first theme model) loads on a thread, and an intake meanwhile waits
for it, so the case is tagged with the model."""
from __future__ import annotations

import subprocess
import sys
import threading
import time

from tests.conftest import ROOT, make_draft
from voc.desk import cases
from voc import setup
from voc.setup import ensure_defaults


def test_defaults_without_the_text_engine_load_no_scikit_learn(tmp_path):
    script = (
        "import sys\n"
        "from voc.store.db import Database\n"
        "from voc.setup import ensure_defaults\n"
        f"db = Database({str(tmp_path / 'start.duckdb')!r})\n"
        "ensure_defaults(db, text_engine=False)\n"
        "with db.cursor() as cur:\n"
        "    print(cur.execute('SELECT count(*) FROM themes').fetchone()[0] > 0)\n"
        "print(sorted(m for m in ('sklearn', 'voc.text.tagging') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert out.stdout.split("\n")[:2] == ["True", "[]"]


def test_a_case_received_while_the_engine_loads_is_tagged_with_the_model(db, staff):
    ensure_defaults(db, text_engine=False)
    with db.cursor() as cur:
        assert cur.execute("SELECT count(*) FROM theme_models").fetchone()[0] == 0   # a new file: no model yet
    loading = threading.Thread(target=setup.ensure_text_engine, args=(db,))
    loading.start()
    while loading.is_alive() and not setup._engine_lock.locked():   # the model is being trained now
        time.sleep(0.01)
    setup.ensure_text_engine(db)        # as the intake page does before receiving: waits for the thread
    # the thread's work is done when the call returns; the thread itself may still be exiting
    with db.cursor() as cur:
        assert cur.execute("SELECT count(*) FROM theme_models WHERE active").fetchone()[0] == 1
    assert str(db.path) in setup._engine_ready
    loading.join(timeout=60)
    assert not loading.is_alive()
    case = cases.receive(db, staff, make_draft())
    with db.cursor() as cur:
        rows = cur.execute("SELECT theme_code, model_id FROM case_themes WHERE case_id = ?", [case.id]).fetchall()
        model = cur.execute("SELECT max(id) FROM theme_models WHERE active").fetchone()[0]
    assert "downtime" in {code for code, _ in rows}
    assert model is not None and {model_id for _, model_id in rows} == {model}
