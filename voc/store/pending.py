"""Rows held back to the end of a batch and written then with one multi-row INSERT per table: DuckDB
spends about 1.5 ms on each statement, and a fetch pass would otherwise spend it on every case's
round and every mail it queues. Only rows nothing reads before the batch ends belong here.
`insert_rows` writes a list of rows at once on either backend.

Table and column names are the code's own constants, never input; the values are parameters.
"""
from __future__ import annotations

from typing import Any, Sequence

from voc.store.dialect import is_duckdb

ROWS_PER_STATEMENT = 100


class PendingRows:
    def __init__(self) -> None:
        self._rows: dict[tuple[str, tuple[str, ...]], list[Sequence[Any]]] = {}

    def add(self, table: str, columns: tuple[str, ...], values: Sequence[Any]) -> None:
        self._rows.setdefault((table, columns), []).append(values)

    def flush(self, cur) -> None:
        """Write everything held, in the order it was added (per table), inside the caller's transaction."""
        for (table, columns), rows in self._rows.items():
            _insert_values(cur, table, columns, rows)
        self._rows.clear()


def _insert_values(cur, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> None:
    row_sql = "(" + ", ".join("?" for _ in columns) + ")"
    for start in range(0, len(rows), ROWS_PER_STATEMENT):
        part = rows[start:start + ROWS_PER_STATEMENT]
        cur.execute(f"INSERT INTO {table} ({', '.join(columns)}) VALUES {', '.join([row_sql] * len(part))}",
                    [value for row in part for value in row])


def insert_rows(cur, table: str, columns: Sequence[str], rows: Sequence[Sequence[Any]], *,
                timestamps: Sequence[str] = ()) -> None:
    """Insert `rows` (values in `columns` order) inside the caller's transaction. DuckDB reads them as one
    registered frame (`timestamps`: its columns read as timestamps), one statement however many rows. On
    PostgreSQL a registered frame is a temporary table: catalog writes on every call, and its DROP may make
    psycopg discard every prepared statement of the connection; there the rows go as multi-row INSERTs."""
    if not rows:
        return
    if not is_duckdb(cur):
        _insert_values(cur, table, columns, rows)
        return
    import pandas as pd

    frame = pd.DataFrame(list(rows), columns=list(columns))
    for column in timestamps:
        frame[column] = pd.to_datetime(frame[column])
    name = f"voc_new_{table}"
    cur.register(name, frame)
    try:
        cur.execute(f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(columns)} FROM {name}")
    finally:
        cur.unregister(name)


def insert(cur, pending: PendingRows | None, table: str, columns: tuple[str, ...], values: Sequence[Any]) -> None:
    """Insert one row now, or hold it in `pending` for the batch's end."""
    if pending is not None:
        pending.add(table, columns, values)
    else:
        cur.execute(f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})", values)
