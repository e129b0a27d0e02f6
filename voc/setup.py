"""First-start set-up of a database: the shipped defaults later features need."""
from __future__ import annotations

from voc.text import taxonomy


def ensure_defaults(db) -> None:
    """Idempotent: the default taxonomy and glossary, a first theme model, tagging at intake."""
    taxonomy.ensure_defaults(db)
