"""Ids, ticket codes and letter numbers for demo rows, reserved from the desk's own sequences."""
from __future__ import annotations

import numpy as np
import pyarrow as pa

from voc.demo.calendars import _local_years
from voc.store.case_store import format_ticket_code


def _reserve(cur, sequence: str, n: int) -> np.ndarray:
    """A block of n values from a sequence, ascending, so the sequence stays ahead of what we insert."""
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    values = [r[0] for r in cur.execute(f"SELECT nextval('{sequence}') AS v FROM range({int(n)}) AS r").fetchall()]
    return np.sort(np.asarray(values, dtype=np.int64))


def _taken(cur, column: str, values: list) -> set:
    cur.register("demo_probe", pa.table({"v": values}))
    try:
        sql = f"SELECT v FROM demo_probe WHERE v IN (SELECT {column} FROM cases)"
        return {r[0] for r in cur.execute(sql).fetchall()}
    finally:
        cur.unregister("demo_probe")


def _case_ids(cur, n: int) -> np.ndarray:
    ids = _reserve(cur, "case_id_seq", n)
    while taken := _taken(cur, "id", ids.tolist()):
        ids = np.sort(np.concatenate([ids[~np.isin(ids, list(taken))], _reserve(cur, "case_id_seq", len(taken))]))
    return ids


def _ticket_codes(cur, received: np.ndarray) -> list[str]:
    """KN-YYYY-NNNNNN in order of receipt, skipping codes already in the desk (e.g. imported ones)."""
    numbers = _reserve(cur, "ticket_no_seq", len(received))
    years = _local_years(received).tolist()
    codes = [format_ticket_code(y, n) for y, n in zip(years, numbers.tolist())]
    while taken := _taken(cur, "ticket_code", codes):
        bad = [i for i, c in enumerate(codes) if c in taken]
        for i, n in zip(bad, _reserve(cur, "ticket_no_seq", len(bad)).tolist()):
            codes[i] = format_ticket_code(years[i], n)
    return codes
