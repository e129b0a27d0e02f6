"""Speed of the theme engine: tagging vs underthesea.word_tokenize alone, backfill on 1 vs 2 cores.

tagging_vs_word_tokenize = time to tag a batch of texts (normalise, segment, glossary, classifier,
evidence) / time of `word_tokenize` alone on the same texts, one core.
backfill_speedup_2_cores = backfill time with 1 worker / with 2 workers, on a scratch DuckDB file
holding the texts as cases (database writes included).
The two runs of each ratio alternate, round after round, so both see the same load on a shared
machine; a ratio is the median of the per-round ratios, and the ms figures are medians too.
"""
from __future__ import annotations

import os
import statistics
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

BANK_TEST = Path("/work/shared/data/uts2017_bank/test.csv")


@dataclass(frozen=True)
class BenchResult:
    texts: int
    word_tokenize_ms: float
    tagging_ms: float
    backfill_cases: int
    backfill_1_ms: float
    backfill_2_ms: float
    tagging_ratio: float        # median of per-round ratios (the two runs of a round are back to back)
    backfill_speedup: float

    def lines(self) -> list[str]:
        return [
            f"texts: {self.texts} count",
            f"word_tokenize_median: {self.word_tokenize_ms:.1f} ms",
            f"tagging_median: {self.tagging_ms:.1f} ms",
            f"tagging_vs_word_tokenize: {self.tagging_ratio:.3f} ratio",
            f"backfill_cases: {self.backfill_cases} count",
            f"backfill_1_core_median: {self.backfill_1_ms:.1f} ms",
            f"backfill_2_cores_median: {self.backfill_2_ms:.1f} ms",
            f"backfill_speedup_2_cores: {self.backfill_speedup:.3f} ratio",
        ]


def load_texts(path: Path | None = None) -> list[str]:
    """Benchmark texts: a labelled CSV's `text` column (default: the bank test set), else the seeds."""
    from voc.text.evaluate import load_labelled_csv
    from voc.text.taxonomy import load_default_examples

    path = path or (BANK_TEST if BANK_TEST.exists() else None)
    if path is None:
        return load_default_examples()[0]
    return load_labelled_csv(path)[0]


def _ms(fn) -> float:
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


def _paired(first, second, repeats: int) -> tuple[float, float, float]:
    """Alternate the two measurements so both see the same machine load; return the median of
    each and the median of the per-round ratios second/first."""
    a, b = [], []
    for _ in range(repeats):
        a.append(_ms(first))
        b.append(_ms(second))
    return statistics.median(a), statistics.median(b), statistics.median(y / x for x, y in zip(a, b))


def seed_untagged_cases(db, texts: list[str], prefix: str = "BENCH") -> list[int]:
    """Received cases with these texts and no themes yet, as an import leaves them (for the backfill
    benchmark and tests); their ids in order."""
    with db.transaction() as cur:
        return [cur.execute(
            "INSERT INTO cases (ticket_code, received_at, channel, issue_kind, service, customer_name, content, "
            "request, status, round_opened_at, reply_due_at, resolution_due_at) "
            "VALUES (?, now()::TIMESTAMP, 'web', 'quality', 'hosting', 'Khách', ?, '', 'received', "
            "now()::TIMESTAMP, now()::TIMESTAMP, now()::TIMESTAMP) RETURNING id",
            [f"{prefix}-{i:06d}", text]).fetchone()[0] for i, text in enumerate(texts)]


def run(texts: list[str], *, repeats: int = 5, backfill_cases: int = 2000, backfill_repeats: int = 5,
        tagger=None) -> BenchResult:
    from underthesea import word_tokenize

    from voc.store.db import Database
    from voc.text.normalize import analyse
    from voc.text.taxonomy import ensure_defaults
    from voc.text.tagging import backfill, tagger_for

    analyse("khởi động")   # load the CRF model before timing
    with tempfile.TemporaryDirectory() as tmp:
        db = Database(os.path.join(tmp, "bench.duckdb"))
        ensure_defaults(db)
        with db.cursor() as cur:
            tagger = tagger or tagger_for(cur)
        tagger.tag_texts(texts[:20])   # warm caches
        wt, tg, ratio = _paired(lambda: [word_tokenize(t) for t in texts], lambda: tagger.tag_texts(texts), repeats)
        cases = (texts * (backfill_cases // max(len(texts), 1) + 1))[:backfill_cases]
        seed_untagged_cases(db, cases)
        one, two, inverse = _paired(lambda: backfill(db, workers=1), lambda: backfill(db, workers=2),
                                    backfill_repeats)
        db.close()
    return BenchResult(len(texts), wt, tg, len(cases), one, two, ratio, 1 / inverse)
