"""Cursors on a shared DuckDB connection; one unit of work on a cursor, committed or rolled back whole."""
from __future__ import annotations

import threading
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


@contextmanager
def locked_cursor(con, lock: threading.Lock):
    """A cursor of the DuckDB connection `con` (shared by a process's threads), made under `lock` and
    closed at the end."""
    with lock:
        cur = con.cursor()
    try:
        yield cur
    finally:
        cur.close()
