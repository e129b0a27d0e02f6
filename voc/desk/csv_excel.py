"""CSV files that open cleanly in Vietnamese Excel: the one writer behind every CSV the desk produces.

- UTF-8 with a byte order mark, so Excel does not read the text as Windows-1258 (mojibake);
- comma-separated, one header row;
- numbers: integers as digits, decimals with a decimal comma and no thousands grouping ("4,5");
- yes/no values as "Có" / "Không", labelled enums by their Vietnamese label;
- times as "YYYY-MM-DD HH:MM" in Vietnam time (Excel reads that in any locale), dates as YYYY-MM-DD;
- text cells Excel would run as a formula (=, +, -, @, tab, CR first) get a leading apostrophe
  (OWASP CSV injection guidance); the desk's importer removes it again.

File names are Vietnamese without diacritics ("nhat-ky-he-thong-2026-11-23.csv"), like every download.
"""
from __future__ import annotations

import csv
import io
import math
import numbers
import re
from datetime import date, datetime
from enum import Enum
from typing import Any, Iterable, Sequence, TextIO

import numpy as np
import pandas as pd

from voc.clock import LOCAL_TZ
from voc.plaintext import fold

BOM = "\ufeff"
YES, NO = "Có", "Không"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NOT_NAME = re.compile(r"[^a-z0-9]+")


def safe_cell(value: Any) -> str:
    """A text cell Excel will not run as a formula."""
    text = "" if value is None else str(value)
    if text.startswith(_FORMULA_START):
        return "'" + text
    return text


def decimal_text(value: float) -> str:
    """4.5 -> "4,5"; up to six decimals, trailing zeros dropped, no thousands grouping."""
    text = f"{value:.6f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text.replace(".", ",")


def cell(value: Any) -> str:
    """One value as Vietnamese Excel should show it (see the module docstring)."""
    if value is None or value is pd.NaT or value is pd.NA:
        return ""
    if isinstance(value, Enum):
        return safe_cell(getattr(value, "label", value.value))
    if isinstance(value, str):
        return safe_cell(value)
    if isinstance(value, (bool, np.bool_)):
        return YES if value else NO
    if isinstance(value, numbers.Integral):
        return str(int(value))
    if isinstance(value, numbers.Real):
        return "" if math.isnan(value) else decimal_text(float(value))
    if isinstance(value, datetime):
        if value.tzinfo is not None:
            value = value.astimezone(LOCAL_TZ)
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return safe_cell(value)


def write_csv(out: TextIO, header: Sequence[str], rows: Iterable[Sequence[Any]], *, raw: bool = False) -> int:
    """Write the BOM, the header and the rows to a text stream opened with newline=""; returns the row count.

    raw=True writes the cells as given (already text) apart from the formula guard: for files whose
    cells must come back byte for byte, such as the rows an import rejected.
    """
    out.write(BOM)
    writer = csv.writer(out)
    writer.writerow([safe_cell(h) for h in header])
    count = 0
    for row in rows:
        writer.writerow([safe_cell(v) for v in row] if raw else [cell(v) for v in row])
        count += 1
    return count


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]], *, raw: bool = False) -> bytes:
    out = io.StringIO(newline="")
    write_csv(out, header, rows, raw=raw)
    return out.getvalue().encode("utf-8")


def frame_csv(df: pd.DataFrame, labels: dict[str, str] | None = None) -> bytes:
    """A table as a CSV file for Excel, its columns renamed by `labels`."""
    header = [(labels or {}).get(str(c), str(c)) for c in df.columns]
    return csv_bytes(header, df.itertuples(index=False, name=None))


def file_name(title: str, *, day: date | None = None, extension: str = "csv") -> str:
    """"Nhật ký hệ thống" -> "nhat-ky-he-thong.csv" (with the day: "nhat-ky-he-thong-2026-11-23.csv")."""
    stem = _NOT_NAME.sub("-", fold(title)).strip("-") or "du-lieu"
    return f"{stem}-{day.isoformat()}.{extension}" if day else f"{stem}.{extension}"
