"""The home page's figures and its demo-data offer."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Callable

from voc.store import case_store
from voc.accounts.access import Actor, Permission
from voc.clock import utcnow


@dataclass(frozen=True)
class Summary:
    total_cases: int
    demo_cases: int
    open_cases: int
    sla: dict[str, int]


def summary(db, actor: Actor, at: datetime | None = None) -> Summary:
    at = at or utcnow()
    scope = None if actor.can(Permission.READ_ALL_CASES) or actor.branch is None else actor.branch
    with db.cursor() as cur:
        total, demo, open_ = cur.execute(
            "SELECT count(*), count(*) FILTER (WHERE is_demo), "
            "count(*) FILTER (WHERE status IN ('received','verifying','replied','awaiting_customer')) "
            "FROM cases WHERE ($branch IS NULL OR branch = $branch)", {"branch": scope}).fetchall()[0]
        sla = case_store.sla_counts(cur, at, branch_scope=scope)
    return Summary(total, demo, open_, sla)


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


