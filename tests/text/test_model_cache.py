"""The disk cache of fitted models: processes that miss the same model at once fit it once."""
from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import time

from tests.conftest import ROOT
from voc.text.classifier import C_GRID, _train_key
from voc.text.groups import row_groups

TEXTS = ["web sập cả ngày", "mail không gửi được", "web không vào được", "mail bị trả về"] * 3
LABELS = [["downtime"], ["email_delivery"], ["downtime"], ["email_delivery"]] * 3
FIT_AND_SAY = f"""
import voc.text.classifier as classifier
from voc.text.model_cache import train_cached

fitted = []
real = classifier._train
classifier._train = lambda *a, **k: fitted.append(1) or real(*a, **k)
print("ready", flush=True)
model = train_cached({TEXTS!r}, {LABELS!r})
print("fitted" if fitted else "read", sorted(model.labels))
"""


def test_two_processes_missing_the_same_model_fit_it_once(tmp_path, monkeypatch):
    monkeypatch.setenv("VOC_MODEL_CACHE", str(tmp_path))
    from voc.text.model_cache import cache_path

    lock_path = cache_path(_train_key(TEXTS, LABELS, False, True, C_GRID, 0, row_groups(TEXTS))).with_suffix(".lock")
    with open(lock_path, "a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)     # as a process fitting it would: both others miss the cache and wait
        workers = [subprocess.Popen([sys.executable, "-c", FIT_AND_SAY], cwd=ROOT, env=dict(os.environ), text=True,
                                    stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
        assert [w.stdout.readline().strip() for w in workers] == ["ready", "ready"]
        time.sleep(1.0)                      # each has looked for the file and reached the lock
    said = sorted(w.communicate(timeout=300)[0].strip() for w in workers)
    assert [w.returncode for w in workers] == [0, 0]
    assert said == ["fitted ['downtime', 'email_delivery']", "read ['downtime', 'email_delivery']"]
    assert len(list(tmp_path.glob("theme-model-*.pkl"))) == 1
