"""First-start set-up of a database: the shipped defaults later features need."""
from __future__ import annotations

from voc.text import tagging, taxonomy


def ensure_defaults(db) -> bool:
    """Idempotent: the default taxonomy and glossary, a first theme model, tagging at intake.
    True when defaults were seeded."""
    seeded = taxonomy.ensure_defaults(db)
    tagging.ensure_model(db)
    tagging.install_intake_hook()
    return seeded
