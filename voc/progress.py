"""Progress on the terminal for long commands (demo, import, backfill)."""
from __future__ import annotations

import sys
from typing import Callable


def console_progress(label: str) -> Callable[[int, int], None]:
    def report(done: int, total: int) -> None:
        pct = 100 * done / total if total else 100
        print(f"\r{label}: {done}/{total} ({pct:.0f}%)", end="", file=sys.stderr, flush=True)

    return report
