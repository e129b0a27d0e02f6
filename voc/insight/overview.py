"""The home page's figures and its demo-data offer."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Callable

from voc.model import SlaState
from voc.store import case_store
from voc.store.case_store import CaseFilter
from voc.accounts.access import Actor, Permission
from voc.clock import utcnow
from voc.insight import replica
from voc.insight.sla_report import branch_scope


@dataclass(frozen=True)
class Kpi:
    """A home figure and the case list it counts: the figure is that list's total, so opening the
    list filtered by `cases` shows exactly these cases."""

    label: str
    value: int
    cases: CaseFilter


@dataclass(frozen=True)
class Summary:
    total_cases: int
    demo_cases: int
    kpis: tuple[Kpi, ...]


KPIS = (("Hồ sơ đang mở", CaseFilter(open_only=True)),
        (SlaState.DUE_24H.label, CaseFilter(sla_states=[SlaState.DUE_24H])),
        (SlaState.REPLY_OVERDUE.label, CaseFilter(sla_states=[SlaState.REPLY_OVERDUE])),
        (SlaState.RESOLUTION_OVERDUE.label, CaseFilter(sla_states=[SlaState.RESOLUTION_OVERDUE])),
        ("Tổng số hồ sơ", CaseFilter()))


def summary(db, actor: Actor, at: datetime | None = None) -> Summary:
    at = at or utcnow()
    scope = branch_scope(actor)
    with replica.reading(db, exact=True) as cur:      # server mode: counted on the analytics copy, made current
        total, demo = cur.execute(
            "SELECT count(*), count(*) FILTER (WHERE is_demo) FROM cases "
            "WHERE (CAST($branch AS VARCHAR) IS NULL OR branch = $branch)",
            {"branch": scope}).fetchall()[0]
        kpis = tuple(Kpi(label, case_store.count_matching(cur, filt, at, scope), filt) for label, filt in KPIS)
    return Summary(total, demo, kpis)


@dataclass(frozen=True)
class MyWork:
    """Việc của tôi: the actor's own open cases, the most pressing deadline first."""

    rows: list[dict]
    total: int
    cases: CaseFilter          # the whole list, for the link to Hồ sơ


def my_work(db, actor: Actor, at: datetime | None = None, limit: int = 20) -> MyWork:
    filt = CaseFilter(staff=[actor.username], open_only=True)
    with db.cursor() as cur:
        rows, total = case_store.list_by_next_due(cur, filt, at or utcnow(), branch_scope(actor), limit=limit)
    return MyWork(rows, total, filt)


def generate_and_tag_demo(db, actor: Actor, n_cases: int, *, seed: int = 42, tag: bool = True,
                          progress: Callable[[int, int], None] | None = None,
                          tag_progress: Callable[[int, int], None] | None = None):
    """Generate labelled demo data (admin only; the load is audited under the actor), then tag the demo
    cases that have no theme yet."""
    from voc.text import tagging
    from voc.setup import ensure_text_engine
    from voc.demo.generate import generate_demo

    actor.require(Permission.IMPORT_EXPORT)
    report = generate_demo(db, n_cases, seed=seed, progress=progress, actor_name=actor.username)
    tagged = None
    if tag:
        ensure_text_engine(db)      # the theme model, if the app is still loading it
        with db.cursor() as cur:
            ids = tagging.untagged_demo_case_ids(cur)
        tagged = tagging.backfill(db, progress=tag_progress, case_ids=ids)
    return report, tagged


