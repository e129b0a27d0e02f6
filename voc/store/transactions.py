"""One unit of work on a cursor, committed or rolled back as a whole."""
from __future__ import annotations

from contextlib import contextmanager


@contextmanager
def in_transaction(cur):
    """`cur`'s work as one transaction: committed at the end, rolled back on any error (every backend's
    cursors and the analytics copy's share this)."""
    cur.begin()
    try:
        yield cur
    except BaseException:
        cur.rollback()
        raise
    cur.commit()
