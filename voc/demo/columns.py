"""Arrow columns of the demo's bulk inserts: timestamps, dates, strings, codes from small tables."""
from __future__ import annotations

import numpy as np
import pyarrow as pa

from voc.demo.calendars import NEVER


def _ts(values: np.ndarray) -> pa.Array:
    mask = values >= NEVER
    return pa.array(np.where(mask, 0, values) * 1_000_000, type=pa.timestamp("us"), mask=mask)


def _dates(days: np.ndarray, mask: np.ndarray | None = None) -> pa.Array:
    return pa.array(days.astype(np.int32), type=pa.date32(), mask=mask)


def _strings(values, mask: np.ndarray | None = None) -> pa.Array:
    return pa.array(values, type=pa.string(), mask=mask)


def _codes(table: tuple[str, ...], idx: np.ndarray) -> pa.Array:
    """Strings from a small table by index, as a dictionary array decoded to plain strings."""
    return pa.DictionaryArray.from_arrays(pa.array(idx.astype(np.int32)), pa.array(table)).cast(pa.string())
