"""`bench --cases N` times a free-text search of the audit log beside the chart queries."""
from __future__ import annotations

from tests.conftest import make_draft
from voc.cli.bench_analytics import bench_audit_search
from voc.desk import cases


def test_the_audit_log_search_is_timed(db, staff):
    cases.receive(db, staff, make_draft())
    figures = {f.name: f for f in bench_audit_search(db)}
    assert set(figures) == {"audit_text_search_median", "audit_text_search_max"}
    assert 0 < figures["audit_text_search_median"].value <= figures["audit_text_search_max"].value
    assert figures["audit_text_search_max"].unit == "ms"
