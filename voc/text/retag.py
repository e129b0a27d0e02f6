"""What a retag changed: per theme, the cases that gained it and the cases that lost it.

Retagging (after a glossary edit, a theme change or a new model) rewrites case_themes; QA needs to
see its effect, not only how many rows were written. The themes of the cases in scope are read
before and after, and compared per theme.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable, Sequence

from voc.numbers import vn_number
from voc.text.tagging import BackfillReport, backfill

SHOWN_CODES = 20        # ticket codes a message lists per theme and direction


@dataclass(frozen=True)
class ThemeChange:
    theme_code: str
    theme_name: str
    gained: tuple[str, ...]     # ticket codes of the cases that now carry the theme
    lost: tuple[str, ...]       # ticket codes of the cases that no longer do


@dataclass(frozen=True)
class RetagReport:
    run: BackfillReport
    changes: tuple[ThemeChange, ...]     # themes with at least one change, most changed first

    @property
    def cases(self) -> int:
        return self.run.cases

    @property
    def tags(self) -> int:
        return self.run.tags

    @property
    def changed_cases(self) -> int:
        return len({code for c in self.changes for code in c.gained + c.lost})

    def message(self) -> str:
        if not self.changes:
            return self.run.message() + " Không hồ sơ nào đổi chủ đề."
        return (self.run.message() + f" {vn_number(self.changed_cases)} hồ sơ đổi chủ đề: "
                + "; ".join(f"{c.theme_name} +{len(c.gained)}/−{len(c.lost)}" for c in self.changes) + ".")

    def lines(self, shown: int = SHOWN_CODES) -> list[str]:
        """The report as text lines (the CLI): one per theme, then the ticket codes either way."""
        out = [self.message()]
        for c in self.changes:
            out.append(f"{c.theme_name} ({c.theme_code}): thêm {len(c.gained)} hồ sơ, bớt {len(c.lost)} hồ sơ")
            for label, codes in (("thêm", c.gained), ("bớt", c.lost)):
                if codes:
                    more = f" … và {len(codes) - shown} hồ sơ khác" if len(codes) > shown else ""
                    out.append(f"    {label}: {', '.join(codes[:shown])}{more}")
        return out

    def as_dict(self) -> dict:
        """For the audit event: counts per theme (the codes are in the report, not the audit trail)."""
        return {c.theme_code: {"gained": len(c.gained), "lost": len(c.lost)} for c in self.changes}


def theme_sets(cur, case_ids: Sequence[int] | None = None) -> set[tuple[str, str]]:
    """(ticket code, theme) of every stored tag of the given cases (all cases when None)."""
    sql = "SELECT c.ticket_code, t.theme_code FROM case_themes t JOIN cases c ON c.id = t.case_id"
    if case_ids is None:
        return set(cur.execute(sql).fetchall())
    return set(cur.execute(sql + " WHERE list_contains(?, t.case_id)", [list(case_ids)]).fetchall())


def compare(before: set[tuple[str, str]], after: set[tuple[str, str]],
            names: dict[str, str]) -> tuple[ThemeChange, ...]:
    """Per theme, the cases in `after` but not `before` (gained) and the reverse (lost)."""
    gained: dict[str, list[str]] = {}
    lost: dict[str, list[str]] = {}
    for code, theme in after - before:
        gained.setdefault(theme, []).append(code)
    for code, theme in before - after:
        lost.setdefault(theme, []).append(code)
    changes = [ThemeChange(theme, names.get(theme, theme), tuple(sorted(gained.get(theme, ()))),
                           tuple(sorted(lost.get(theme, ()))))
               for theme in gained.keys() | lost.keys()]
    return tuple(sorted(changes, key=lambda c: (-(len(c.gained) + len(c.lost)), c.theme_code)))


def retag_cases(db, *, case_ids: Sequence[int] | None = None, workers: int = 2, batch_size: int = 250,
                progress: Callable[[int, int], None] | None = None) -> RetagReport:
    """Tag the cases again (all, or `case_ids`) and report what changed per theme."""
    with db.cursor() as cur:
        before = theme_sets(cur, case_ids)
    run = backfill(db, workers=workers, batch_size=batch_size, progress=progress, case_ids=case_ids)
    with db.cursor() as cur:
        after = theme_sets(cur, case_ids)
        names = dict(cur.execute("SELECT code, name_vi FROM themes").fetchall())
    return RetagReport(run, compare(before, after, names))
