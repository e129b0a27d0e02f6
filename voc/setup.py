"""First-start set-up of a database: the shipped defaults later features need."""
from __future__ import annotations

from voc.text import taxonomy


def ensure_defaults(db, *, text_engine: bool = True) -> None:
    """Idempotent: the default taxonomy and glossary, tagging at intake and, with `text_engine`, a
    first theme model (else call taxonomy.ensure_text_engine later)."""
    taxonomy.ensure_defaults(db, text_engine=text_engine)
