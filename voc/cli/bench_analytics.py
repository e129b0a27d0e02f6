"""`python -m voc bench --cases N`: how fast the VOC chart queries and pages run on N demo cases.

The data set lives in its own file (bench-data/bench-N.duckdb, git-ignored; or --db) and is
reused when it already holds N cases. Each query runs several times; the median is reported.
Then every page is opened in a real browser against the same file (voc.cli.bench_pages; skipped
with --no-pages). Output: one figure a line, `name: value unit`.
"""
from __future__ import annotations

import statistics
import sys
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any, Callable

from voc.cli import bench_pages as browser_bench
from voc.accounts.access import Actor, Role
from voc.insight import analytics, audit_log, page_charts, process_metrics, verbatims
from voc.insight.audit_log import AuditFilters
from voc.text import reply_check
from voc.insight.analytics import Filters
from voc.clock import local_date, utcnow
from voc.store.db import Database
from voc.progress import console_progress

BENCH_DIR = Path(__file__).resolve().parents[2] / "bench-data"
REPEATS = 7
SEARCH_NEEDLES = ("mat ket noi", "mail bị dội", "hoá đơn", "chậm", "khong truy cap duoc")
AUDIT_NEEDLES = ("khach hang dong y", "Nguyễn", "kn-2025-0001", "00079/2024", "không có gì như thế")
CHECK_SAMPLE = 5_000  # replies scored during set-up (the rest are scored as the review queue shows them)
DEFAULT_DAYS = 180    # the pages' default period


@dataclass
class Figure:
    name: str
    value: float
    unit: str = "ms"

    def line(self) -> str:
        if self.unit == "ms":
            return f"{self.name}: {self.value:.1f} ms"
        value = int(self.value) if float(self.value).is_integer() else round(self.value, 2)
        return f"{self.name}: {value} {self.unit}"


def _ms(fn: Callable[[], Any]) -> float:
    start = time.perf_counter()
    fn()
    return (time.perf_counter() - start) * 1000


def median_ms(fn: Callable[[], Any], repeats: int = REPEATS) -> float:
    fn()  # warm-up: the first run pays for reading the file
    return statistics.median(_ms(fn) for _ in range(repeats))


def _count(db: Database, table: str) -> int:
    with db.cursor() as cur:
        return cur.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # table names are constants here


def open_dataset(args) -> tuple[Database, list[Figure]]:
    """The bench database holding exactly `args.cases` cases (built once, then reused)."""
    from voc.setup import ensure_defaults

    path = Path(args.db) if args.db else BENCH_DIR / f"bench-{args.cases}.duckdb"
    figures: list[Figure] = []
    if not args.db and path.exists():
        probe = Database(path)
        if _count(probe, "cases") != args.cases:
            probe.close()
            path.unlink()
            Path(str(path) + ".wal").unlink(missing_ok=True)
        else:
            probe.close()
    db = Database(path)
    ensure_defaults(db)
    have = _count(db, "cases")
    if have < args.cases:
        from voc.demo.generate import generate_demo

        figures.append(Figure("setup_demo_generate", _ms(lambda: generate_demo(
            db, args.cases - have, progress=console_progress("demo"))) / 1000, "s"))
        print(file=sys.stderr)
    if _count(db, "case_themes") == 0:
        figures.append(Figure("setup_tagging", _ms(lambda: tag_cases(db)) / 1000, "s"))
    figures.append(Figure("setup_state_hours", _ms(lambda: process_metrics.prepare(db)) / 1000, "s"))
    checked = 0

    def check_sample() -> None:
        nonlocal checked
        checked = reply_check.backfill(db, limit=CHECK_SAMPLE, batch=1_000)

    seconds = _ms(check_sample) / 1000
    if checked:
        figures.append(Figure("setup_reply_checks_per_second", round(checked / max(seconds, 1e-9)), "letters/s"))
    return db, figures


def tag_cases(db: Database) -> None:
    """Tag every untagged case by the glossary, in SQL (a case gets each theme one of whose customer
    terms its folded text contains). The text engine's own tagger gives the same kind of rows but runs
    at a few hundred cases a second, too slow to set up a million cases; its speed is measured by
    `python -m voc bench --tagging`."""
    with db.transaction() as cur:
        cur.execute("""
            INSERT INTO case_themes (case_id, theme_code, score, evidence, source, tagged_at)
            SELECT c.id, g.theme_code, least(1.0, 0.5 + 0.25 * count(*)), to_json(list(g.term)), 'rule',
                   now()::TIMESTAMP
            FROM cases c JOIN glossary_terms g ON g.active AND contains(c.search_text, g.term_key)
            WHERE c.id NOT IN (SELECT case_id FROM case_themes)
            GROUP BY c.id, g.theme_code""")


def _scenarios(db: Database) -> dict[str, Filters]:
    end = local_date(utcnow())
    default = Filters(start=end - timedelta(days=DEFAULT_DAYS), end=end)
    with db.cursor() as cur:
        top = cur.execute("SELECT theme_code FROM case_themes GROUP BY 1 ORDER BY count(*) DESC LIMIT 1").fetchone()
    narrowed = Filters(start=default.start, end=end, services=("hosting",), themes=(top[0],) if top else ())
    return {"default": default, "filtered": narrowed}


def _overhead(cur) -> None:
    """What every VOC page reads besides its charts: the data fingerprint and the filter options."""
    analytics.data_version(cur)
    analytics.branch_options(cur)
    analytics.theme_options(cur)


def bench_pages(db: Database) -> list[Figure]:
    figures: list[Figure] = []
    chart_medians: list[float] = []
    page_totals: list[float] = []
    for scenario, f in _scenarios(db).items():
        for page, charts in page_charts.PAGE_CHARTS.items():
            with db.cursor() as cur:
                total = median_ms(lambda: _overhead(cur))
                for name, (fn, kwargs) in charts.items():
                    value = median_ms(lambda: fn(cur, f, **kwargs))
                    figures.append(Figure(f"chart.{scenario}.{page}.{name}", value))
                    chart_medians.append(value)
                    total += value
            if page == "monitor":
                total += median_ms(lambda: process_metrics.prepare(db))
            figures.append(Figure(f"page.{scenario}.{page}", total))
            page_totals.append(total)
    figures.append(Figure("slowest_chart_median", max(chart_medians)))
    figures.append(Figure("slowest_page_total", max(page_totals)))
    return figures


def bench_search(db: Database) -> list[Figure]:
    """A diacritics-insensitive text search over all cases: the match count and the newest 50."""
    values = []
    with db.cursor() as cur:
        for needle in SEARCH_NEEDLES:
            values.append(median_ms(lambda: verbatims.search_verbatims(cur, Filters(), needle, limit=50)))
    return [Figure("text_search_median", statistics.median(values)), Figure("text_search_max", max(values))]


def bench_audit_search(db: Database) -> list[Figure]:
    """A free-text search of the audit log (Quản trị → Nhật ký): the match count and the newest page."""
    admin = Actor(browser_bench.BENCH_USER, Role.ADMIN)
    values = [median_ms(lambda: audit_log.search(db, admin, AuditFilters(text=needle)), repeats=3)
              for needle in AUDIT_NEEDLES]
    return [Figure("audit_text_search_median", statistics.median(values)),
            Figure("audit_text_search_max", max(values))]


def run_analytics_bench(args) -> int:
    db, figures = open_dataset(args)
    figures.append(Figure("cases", _count(db, "cases"), "rows"))
    figures.append(Figure("events", _count(db, "events"), "rows"))
    figures.append(Figure("case_themes", _count(db, "case_themes"), "rows"))
    figures.append(Figure("letters", _count(db, "letters"), "rows"))
    for fig in figures:
        print(fig.line())
    searches = bench_search(db) + bench_audit_search(db)
    pages = bench_pages(db)
    for fig in searches + pages[:-2]:
        print(fig.line(), flush=True)
    for fig in pages[-2:]:
        print(fig.line())
    token = None if args.no_pages else browser_bench.bench_session(db)
    path = db.path
    db.close()      # the served app opens the file itself (one process at a time)
    if token is not None:
        for fig in browser_pages(path, token):
            print(fig.line(), flush=True)
    return 0


def browser_pages(path: Path, token: str, prefix: str = "browser", env: dict[str, str] | None = None,
                  log: Path | None = None, **which) -> list[Figure]:
    """Per page: the median of the browser timings, and its ratio to the home page (`env`: of the served
    app, e.g. server mode's VOC_DATABASE_URL; `which`: measure_pages' pages and repeats)."""
    first, pages = browser_bench.measure_pages(path, token, log or path.with_suffix(".server.log"), env=env, **which)
    home = next(p.median_ms for p in pages if p.name == "home")
    figures = [Figure(f"{prefix}.first_request", first)]
    for p in pages:
        figures.append(Figure(f"{prefix}.{p.name}", p.median_ms))
        figures.append(Figure(f"{prefix}.{p.name}.ratio_to_home", round(p.median_ms / home, 2), "x"))
    slowest = max(pages, key=lambda p: p.median_ms)
    figures.append(Figure(f"{prefix}.slowest_page ({slowest.name})", slowest.median_ms))
    return figures
