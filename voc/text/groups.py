"""Groups of training rows that must stay in one cross-validation fold, and the folds themselves.

Rows made from one message (the styles of a corpus message: accented, without diacritics, chat,
typos) or equal but for accents, case and punctuation are near-copies: with one in the training
folds and another in the held-out fold, cross-validation scores the model on text it has seen
and calibrates thresholds on that optimism. Every fold split of the engine (the classifier's
inner cross-validation that chooses C and the thresholds, and `evaluate --cv`) therefore keeps a
group together: a row's group joins its given source (the corpus' `source` column; for the
shipped corpus looked up by text) and every row whose folded words are the same.
"""
from __future__ import annotations

import csv
import re
from functools import lru_cache
from pathlib import Path
from typing import Sequence

import numpy as np
from sklearn.model_selection import GroupKFold, StratifiedGroupKFold

from voc.plaintext import fold

_WORDS = re.compile(r"\w+", re.UNICODE)


def load_sources(path: str | Path) -> list[str | None]:
    """The `source` column of a labelled CSV, aligned with `evaluate.load_labelled_csv`'s rows (None
    for a row without one, or every row when the file has no such column)."""
    out: list[str | None] = []
    with Path(path).open(encoding="utf-8-sig", newline="") as handle:
        for row in csv.DictReader(handle):
            if (row.get("text") or "").strip():
                out.append((row.get("source") or "").strip() or None)
    return out


@lru_cache(maxsize=1)
def _shipped_sources() -> dict[str, str]:
    from voc.text.taxonomy import CORPUS_TRAIN_FILE

    try:
        with CORPUS_TRAIN_FILE.open(encoding="utf-8", newline="") as handle:
            return {row["text"]: "corpus:" + row["source"] for row in csv.DictReader(handle) if row.get("source")}
    except OSError:
        return {}


def row_groups(texts: Sequence[str], sources: Sequence[str | None] | None = None) -> np.ndarray:
    """One group number per row: rows sharing a source (given, or the shipped corpus' for its own
    rows) or the same folded words are in one group."""
    shipped = _shipped_sources()
    parent = list(range(len(texts)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first: dict[str, int] = {}
    for i, text in enumerate(texts):
        keys = ["text:" + " ".join(_WORDS.findall(fold(text or "")))]
        source = sources[i] if sources is not None else None
        source = source or shipped.get(text)
        if source:
            keys.append("source:" + source)
        for key in keys:
            j = first.setdefault(key, i)
            a, b = find(i), find(j)
            if a != b:
                parent[a] = b
    roots = [find(i) for i in range(len(texts))]
    _, numbers = np.unique(roots, return_inverse=True)
    return numbers


def grouped_folds(strata: np.ndarray, groups: np.ndarray, k: int, seed: int) -> list[tuple[np.ndarray, np.ndarray]]:
    """K (train, test) index splits, no group on both sides: stratified by `strata` (a row's first
    label) when every stratum has K rows, else plain group folds; shuffled by `seed`."""
    n = len(strata)
    k = min(k, len(np.unique(groups)))
    counts = np.bincount(strata)
    if counts[counts > 0].min() >= k:
        splitter = StratifiedGroupKFold(k, shuffle=True, random_state=seed)
        return list(splitter.split(np.zeros(n), strata, groups))
    return list(GroupKFold(k, shuffle=True, random_state=seed).split(np.zeros(n), strata, groups))
