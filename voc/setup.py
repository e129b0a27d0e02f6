"""First-start set-up of a database: the shipped defaults later features need, and tagging at intake."""
from __future__ import annotations

import threading

from voc.text import taxonomy


def ensure_defaults(db, *, text_engine: bool = True) -> bool:
    """Idempotent: the default taxonomy and glossary, tagging at intake and, with `text_engine`, a
    first theme model (else call ensure_text_engine later, e.g. on a start-up thread).
    True when defaults were seeded."""
    seeded = taxonomy.ensure_defaults(db)
    install_intake_hook()
    if text_engine:
        ensure_text_engine(db)
    return seeded


# The text engine (voc.text.tagging) loads scikit-learn, seconds of imports, and a new file needs its
# first theme model trained (~2 s): the app starts it in the background, and calls ensure_text_engine
# again before receiving a case (it waits for the background run; the intake transaction only sees a
# model committed before it began).
_engine_lock = threading.Lock()
_engine_ready: set[str] = set()
_hook_installed = False


def ensure_text_engine(db) -> None:
    """Load the text engine (the theme model of the database, the shipped sentiment model) and make
    sure the database has an active theme model (idempotent, thread-safe)."""
    with _engine_lock:
        if str(db.path) in _engine_ready:
            return
        from voc.text import risk, tagging

        tagging.ensure_model(db)
        risk.default_sentiment_model()      # the shipped negativity model (fitted once per machine)
        _engine_ready.add(str(db.path))


def _tag_received_case(cur, case) -> None:
    from voc.text import tagging

    tagging.tag_received_case(cur, case)


def _tag_received_cases(cur, cases) -> None:
    from voc.text import tagging

    tagging.tag_received_cases(cur, cases)


def install_intake_hook() -> None:
    """Tag every newly received case in its intake transaction (idempotent; the engine loads on first use)."""
    global _hook_installed
    if _hook_installed:
        return
    from voc.desk.cases import on_receive

    on_receive(_tag_received_case, batch=_tag_received_cases)
    _hook_installed = True
