"""The statistical theme classifier: features, training with cross-validation, storage, retraining.

Features come in two blocks weighted equally (each L2-normalised TF-IDF with sublinear tf, then
the pair normalised). The word block: the folded (diacritics-free) underthesea words, folded
syllable unigrams and bigrams (syllables do not depend on how the segmenter split an unaccented
text), and the words and word pairs as typed, which keep what accents tell apart. The character
block: 2-5-grams inside the folded words (robust to misspellings and telex/VNI leftovers).
Words a customer rules out ("không phải lỗi DNS": `Analysed.negated`) give "n:" features only, in
neither block as the topic they name. Evidence shown to users comes from the word block only
(never an "n:" feature). Training adds a diacritics-stripped copy of every accented text
(augmentation), so unaccented typing meets the folded features.

One logistic regression per label (one-vs-rest, balanced class weights, liblinear dual). When
some training rows have no label (thanks, sales questions), one more regression learns "any
theme at all" and gates the others. The regularisation C and a global threshold are chosen by
cross-validation on the training data only, maximising the mean of exact-set accuracy and
macro-F1 of the out-of-fold label sets; then each label with enough examples gets its own
threshold, by coordinate ascent on the same objective. Every fold split keeps near-copies
together (the styles of one corpus message, texts equal but for accents: voc.text.groups).
Trained on single-label rows (`at_least_one`), a model predicts its best label only; its CV scores
that rule (`choose_c`) and picks, with C, the char block or none (it helps topics, hurts sentiment).
"""
from __future__ import annotations

import hashlib
import io
import json
import multiprocessing as mp
import os
import pickle
import threading
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Sequence

import numpy as np
from scipy import sparse
from sklearn.linear_model import LogisticRegression

from voc.accounts.access import Actor, Permission
from voc.store.audit import record_event
from voc.clock import to_db, utcnow
from voc.text.features import CHAR_NGRAMS, CharNgramTfidf, ThemeVectorizer, char_wb_ngrams, features  # noqa: F401 (stored models)
from voc.text.groups import grouped_folds, row_groups
from voc.text.metrics import set_metrics
from voc.text.normalize import Analysed, analyse
from voc.numbers import vn_number
from voc.plaintext import strip_diacritics

FEATURE_VERSION = 4
C_GRID = (1.0, 3.0, 10.0)
THRESHOLD_GRID = tuple(round(x, 2) for x in np.arange(0.3, 0.96, 0.05))
DEFAULT_THRESHOLD = 0.5
CV_FOLDS = 5
MIN_CV_EXAMPLES = 10
MIN_LABEL_SUPPORT = 10     # a label's own threshold needs this many positive training rows
GATE_THRESHOLD = 0.5       # below this "any theme" probability a text gets no theme
# Folded function words never shown as evidence on their own.
STOP_SYLLABLES = frozenset(
    "bi da dang van cu rat roi luon cung thi la va cua cho khi ma nhu o tai voi cac nhung mot hai ba "
    "toi minh em anh chi ban ben nay do de tu den sau truoc trong ngoai len xuong ra vao co khong chua "
    "duoc a ah nhe nha nhi a vay the gi ai nao sao".split())


def _make_vectorizer(chars: bool = True) -> ThemeVectorizer:
    return ThemeVectorizer(CHAR_NGRAMS if chars else None)


@dataclass
class ThemeModel:
    """A trained classifier: vectoriser, one weight column per label, decision threshold."""

    labels: list[str]
    vectorizer: ThemeVectorizer          # (feature_version 1 models: a plain TfidfVectorizer)
    weights: np.ndarray          # n_features × n_labels
    intercepts: np.ndarray       # n_labels
    threshold: float
    at_least_one: bool
    cv_score: float | None = None        # cross-validated macro-F1 (label sets, this decision rule)
    cv_accuracy: float | None = None     # cross-validated exact-set accuracy
    n_examples: int = 0
    params: dict = field(default_factory=dict)
    feature_version: int = FEATURE_VERSION
    single_label: bool = False           # every training row had exactly one label
    thresholds: np.ndarray | None = None  # one per label (cross-validated); None: `threshold` for all
    # "Any theme at all" classifier, trained when some training rows have no theme (thanks, sales
    # questions): below GATE_THRESHOLD a text gets no theme, at or above it at least its best
    # theme. None: every text may get one, none is sure to.
    gate_weights: np.ndarray | None = None
    gate_intercept: float = 0.0
    _names: np.ndarray | None = field(default=None, repr=False)

    # -- scoring --
    def transform(self, docs: Sequence[Analysed]) -> sparse.csr_matrix:
        return self.vectorizer.transform(docs)

    def proba_matrix(self, x: sparse.csr_matrix) -> np.ndarray:
        z = np.asarray(x @ self.weights) + self.intercepts
        return 1.0 / (1.0 + np.exp(-z))

    def label_thresholds(self) -> np.ndarray:
        return self.thresholds if self.thresholds is not None else np.full(len(self.labels), self.threshold)

    def gate_proba(self, x: sparse.csr_matrix) -> np.ndarray:
        """Per row, the probability that the text has any theme at all (1 without a gate)."""
        if self.gate_weights is None:
            return np.ones(x.shape[0])
        z = np.asarray(x @ self.gate_weights).ravel() + self.gate_intercept
        proba = 1.0 / (1.0 + np.exp(-z))
        proba[np.diff(x.indptr) == 0] = 0.0      # no known word at all (an empty text): no theme
        return proba

    def predict_proba(self, docs: Sequence[Analysed]) -> np.ndarray:
        """n_docs × n_labels probabilities (independent per label)."""
        if not docs:
            return np.zeros((0, len(self.labels)))
        return self.proba_matrix(self.transform(docs))

    def decide(self, proba: np.ndarray, at_least_one: bool | None = None) -> list[list[str]]:
        """Label sets: every label at or above its threshold; with `at_least_one`, the top label too.
        A model trained on single-label rows with `at_least_one` gives exactly one label a row."""
        at_least_one = self.at_least_one if at_least_one is None else at_least_one
        if at_least_one and self.single_label:
            return best_label(proba, self.labels)
        return decide(proba, self.labels, self.label_thresholds(), at_least_one)

    def predict_sets(self, docs: Sequence[Analysed], at_least_one: bool | None = None) -> list[list[str]]:
        if not docs:
            return []
        x = self.transform(docs)
        at_least_one = self.at_least_one if at_least_one is None else at_least_one
        proba = self.proba_matrix(x)
        if at_least_one or self.gate_weights is None:
            return self.decide(proba, at_least_one)
        # gated: a text the gate passes is a complaint and gets at least its best theme
        passed = self.gate_proba(x) >= GATE_THRESHOLD
        return [sets if ok else [] for sets, ok in zip(self.decide(proba, True), passed)]

    # -- explanation --
    def evidence(self, x_row, label_index: int, doc: Analysed, top: int = 3) -> list[str]:
        """The words of `doc` that pushed it most towards the label: positive contributions of at
        least a quarter of the strongest one, function words and character n-grams left out.
        `x_row` is one row of the feature matrix (anything with CSR `indices` and `data`)."""
        if self._names is None:
            self._names = self.vectorizer.get_feature_names_out()
        idx, vals = x_row.indices, x_row.data
        n_words = getattr(self.vectorizer, "n_word_features", None)
        if n_words is not None:            # character n-grams are not shown as evidence
            keep = idx < n_words
            idx, vals = idx[keep], vals[keep]
        if not len(idx):
            return []
        contrib = vals * self.weights[idx, label_index]
        order = np.argsort(-contrib)
        floor = contrib[order[0]] * 0.25
        words: list[str] = []
        for k in order[: top * 4]:
            if contrib[k] <= 0 or contrib[k] < floor or len(words) >= top:
                break
            name = str(self._names[idx[k]])
            if all(part in STOP_SYLLABLES for part in name.partition(":")[2].replace("_", " ").split()):
                continue
            surface = _surface(name, doc)
            if surface and not any(surface in w or w in surface for w in words):
                words.append(surface)
        return words

    # -- storage --
    def to_bytes(self) -> bytes:
        self._names = None
        buffer = io.BytesIO()
        pickle.dump(self, buffer, protocol=pickle.HIGHEST_PROTOCOL)
        return buffer.getvalue()

    @staticmethod
    def from_bytes(blob: bytes) -> "ThemeModel":
        model = pickle.loads(blob)
        if not isinstance(model, ThemeModel):
            raise TypeError("not a ThemeModel")
        return model


def decide(proba: np.ndarray, labels: Sequence[str], threshold, at_least_one: bool) -> list[list[str]]:
    """Every label scoring at least `threshold` (one for all, or one per label); with
    `at_least_one`, the top label always comes first and the others join it only at or above it."""
    out = []
    for row in proba:
        above = [int(j) for j in np.flatnonzero(row >= threshold)]
        if at_least_one and len(row) and row.max() > 0:     # (a row zeroed by the gate stays empty)
            top = int(row.argmax())
            above = [top] + [j for j in above if j != top]
        out.append([labels[j] for j in above])
    return out


def best_label(proba: np.ndarray, labels: Sequence[str]) -> list[list[str]]:
    """The top label alone, a row: how a model of single-label rows decides."""
    return [[labels[int(row.argmax())]] if len(row) else [] for row in proba]


def _surface(feature: str, doc: Analysed) -> str | None:
    """Map a feature back to the words as they appear in the (normalised) text."""
    kind, _, value = feature.partition(":")
    if kind == "n":                        # a word the customer ruled out is no evidence
        return None
    if kind == "w":
        for folded, word in zip(doc.folded, doc.words):
            if folded == value:
                return word.replace("_", " ")
        return None
    if kind in ("a", "p"):                 # words as typed: they are in the text already
        return value.replace("_", " ")
    parts = value.split(" ")
    syl, acc = doc.syllables, doc.accented_syllables
    n = len(parts)
    for i in range(len(syl) - n + 1):
        if list(syl[i:i + n]) == parts:
            return " ".join(acc[i:i + n])
    return None


# --- training --------------------------------------------------------------------------------

def _analyse_with_copies(texts: Sequence[str], augment: bool) -> tuple[list[Analysed], list[Analysed | None]]:
    docs = [analyse(t) for t in texts]
    copies: list[Analysed | None] = []
    for text in texts:
        bare = strip_diacritics(text)
        copies.append(analyse(bare) if augment and bare != text else None)
    return docs, copies


def _fit(docs: list[Analysed], y: np.ndarray, c: float, chars: bool = True) -> tuple[ThemeVectorizer, np.ndarray, np.ndarray]:
    vectorizer = _make_vectorizer(chars)
    x = vectorizer.fit_transform(docs)
    weights = np.zeros((x.shape[1], y.shape[1]), dtype=np.float32)
    intercepts = np.zeros(y.shape[1], dtype=np.float32)
    for j in range(y.shape[1]):
        column = y[:, j]
        if column.min() == column.max():   # a label with no positives (or no negatives) here
            intercepts[j] = 8.0 if column[0] else -8.0
            continue
        clf = LogisticRegression(C=c, class_weight="balanced", solver="liblinear", dual=True)
        clf.fit(x, column)
        weights[:, j] = clf.coef_[0]
        intercepts[j] = clf.intercept_[0]
    return vectorizer, weights, intercepts


def _training_set(idx: Sequence[int], docs: list[Analysed], copies: list[Analysed | None],
                  y: np.ndarray) -> tuple[list[Analysed], np.ndarray]:
    train_docs, rows = [], []
    for i in idx:
        train_docs.append(docs[i])
        rows.append(i)
        if copies[i] is not None:
            train_docs.append(copies[i])
            rows.append(i)
    return train_docs, y[rows]


def _folds(y: np.ndarray, groups: np.ndarray, seed: int):
    """CV_FOLDS splits stratified by a row's first label (rows without a label: their own stratum),
    no group of near-copies on both sides (voc.text.groups)."""
    primary = np.where(y.any(axis=1), y.argmax(axis=1), y.shape[1])
    return grouped_folds(primary, groups, min(CV_FOLDS, len(y)), seed)


def _sets(y: np.ndarray, labels: list[str]) -> list[list[str]]:
    return [[labels[j] for j in np.flatnonzero(row)] for row in y]


# Process-level cache of fitted models: every fresh database trains the same default model from
# the seed examples, so identical training requests reuse the fitted blob (a fresh copy each time).
_TRAIN_CACHE_SIZE = 8
_train_cache: dict[str, bytes] = {}
_train_cache_lock = threading.Lock()
_fork_lock = threading.Lock()


def _train_key(texts: Sequence[str], labels: Sequence[Sequence[str]], at_least_one: bool, augment: bool,
               c_grid: Sequence[float], seed: int, groups: np.ndarray) -> str:
    argmax_only = at_least_one and all(len(row) == 1 for row in labels)   # (its CV changed: new key)
    payload = json.dumps([FEATURE_VERSION, list(texts), [list(row) for row in labels], [int(g) for g in groups],
                          at_least_one, augment,
                          [float(c) for c in c_grid], seed, list(C_GRID), list(THRESHOLD_GRID), CV_FOLDS,
                          list(CHAR_NGRAMS)] + (["CV of the best label", "char block by CV"] if argmax_only else []), ensure_ascii=False)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def clear_train_cache() -> None:
    with _train_cache_lock:
        _train_cache.clear()


def train(texts: Sequence[str], labels: Sequence[Sequence[str]], *, at_least_one: bool = False,
          augment: bool = True, c_grid: Sequence[float] = C_GRID, seed: int = 0,
          sources: Sequence[str | None] | None = None) -> ThemeModel:
    """Train on labelled texts; choose C and the threshold by cross-validated macro-F1, the folds
    keeping near-copies together (`sources`: the message each row was made from, if known; see
    voc.text.groups). Identical requests within a process reuse the fitted model."""
    if len(texts) != len(labels):
        raise ValueError("texts and labels differ in length")
    groups = row_groups(texts, sources)
    key = _train_key(texts, labels, at_least_one, augment, c_grid, seed, groups)
    with _train_cache_lock:
        blob = _train_cache.get(key)
    if blob is not None:
        return ThemeModel.from_bytes(blob)
    model = _train(texts, labels, groups, at_least_one=at_least_one, augment=augment, c_grid=c_grid, seed=seed)
    blob = model.to_bytes()
    with _train_cache_lock:
        if len(_train_cache) >= _TRAIN_CACHE_SIZE:
            _train_cache.pop(next(iter(_train_cache)))
        _train_cache[key] = blob
    return ThemeModel.from_bytes(blob)


def remember_fitted(key: str, blob: bytes) -> None:
    """`train` with the request of `key` is served from memory now (voc.text.model_cache read it from disk)."""
    with _train_cache_lock:
        _train_cache[key] = blob


def _train(texts: Sequence[str], labels: Sequence[Sequence[str]], groups: np.ndarray, *, at_least_one: bool, augment: bool,
           c_grid: Sequence[float], seed: int) -> ThemeModel:
    label_names = sorted({label for row in labels for label in row})
    if not label_names:
        raise ValueError("no labels to learn")
    index = {name: j for j, name in enumerate(label_names)}
    n_labels = len(label_names)
    gated = any(not row for row in labels)       # some rows have no theme: learn "any theme" too
    y = np.zeros((len(texts), n_labels + gated), dtype=np.int8)
    for i, row in enumerate(labels):
        for label in row:
            y[i, index[label]] = 1
    if gated:
        y[:, -1] = y[:, :n_labels].max(axis=1)
    docs, copies = _analyse_with_copies(texts, augment)
    gold = _sets(y[:, :n_labels], label_names)

    single_label = all(len(row) == 1 for row in labels)
    argmax_only = at_least_one and single_label       # the model decides by best_label: CV scores that rule
    c, chars, threshold, accuracy, score, proba = c_grid[len(c_grid) // 2], True, DEFAULT_THRESHOLD, None, None, None
    if len(texts) >= MIN_CV_EXAMPLES and len(np.unique(groups)) >= 2:
        folds = _folds(y, groups, seed)
        settings = [(c_value, True) for c_value in c_grid] + [(c_value, False) for c_value in c_grid if argmax_only]
        oof_by_c = {s: np.zeros(y.shape, dtype=np.float64) for s in settings}    # (C, with the char block)
        for (setting, k), fold in _fold_probabilities(docs, copies, y, folds, settings).items():
            oof_by_c[setting][folds[k][1]] = fold
        oof_by_c = {s: _gate(oof, gated) for s, oof in oof_by_c.items()}
        (c, chars), threshold, accuracy, score = choose_c(oof_by_c, gold, label_names, at_least_one or gated, argmax_only)
        proba = oof_by_c[(c, chars)]
    thresholds = None
    if proba is not None and not argmax_only:
        thresholds, accuracy, score = _label_thresholds(proba, gold, label_names, threshold, at_least_one or gated)
    all_docs, all_y = _training_set(range(len(texts)), docs, copies, y)
    vectorizer, weights, intercepts = _fit(all_docs, all_y, c, chars)
    return ThemeModel(
        labels=label_names, vectorizer=vectorizer, weights=weights[:, :n_labels], intercepts=intercepts[:n_labels],
        threshold=float(threshold), at_least_one=at_least_one,
        cv_score=score, cv_accuracy=accuracy, n_examples=len(texts),
        params={"C": float(c), "threshold": float(threshold), "augment": augment, "gate": gated, "char_block": chars,
                "features": "folded words + syllable 1-2 grams + words 1-2 grams" + (" + folded char_wb 2-5 grams" if chars else ""),
                "feature_version": FEATURE_VERSION},
        single_label=single_label, thresholds=thresholds,
        gate_weights=np.ascontiguousarray(weights[:, -1]) if gated else None,
        gate_intercept=float(intercepts[-1]) if gated else 0.0,
    )


def choose_c(oof_by_c: dict, gold: list[list[str]], labels: list[str], at_least_one: bool, argmax_only: bool) -> tuple:
    """The key of `oof_by_c` (C, or a setting with it), threshold, accuracy, macro-F1 of the out-of-fold
    sets best by (accuracy + macro-F1) / 2, as the model decides; a tie goes to the key listed first."""
    best = (-1.0, next(iter(oof_by_c)), DEFAULT_THRESHOLD, 0.0, 0.0)
    for c, proba in oof_by_c.items():
        if argmax_only:
            trials = [(DEFAULT_THRESHOLD, best_label(proba, labels))]
        else:
            trials = [(t, decide(proba, labels, t, at_least_one)) for t in THRESHOLD_GRID]
        for t, sets in trials:
            m = set_metrics(gold, sets)
            objective = (m.macro_f1 + m.accuracy) / 2
            if objective > best[0] + 1e-9:
                best = (objective, c, t, m.accuracy, m.macro_f1)
    return best[1], best[2], best[3], best[4]


_fold_state: tuple | None = None


def _fold_job(job: tuple[tuple[float, bool], int]) -> np.ndarray:
    """One ((C, with the char block), fold) of the cross-validation: the held-out fold's probabilities."""
    assert _fold_state is not None
    docs, copies, y, folds = _fold_state
    (c, chars), k = job
    train_idx, test_idx = folds[k]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fold_docs, fold_y = _training_set(train_idx, docs, copies, y)
        vec, w, b = _fit(fold_docs, fold_y, c, chars)
    z = np.asarray(vec.transform([docs[i] for i in test_idx]) @ w) + b
    return 1.0 / (1.0 + np.exp(-z))


def fit_workers() -> int:
    """Processes for the cross-validation fits: $VOC_FIT_WORKERS (default 1: in this process)."""
    try:
        return max(1, int(os.environ.get("VOC_FIT_WORKERS") or 1))
    except ValueError:
        return 1


def _fold_probabilities(docs, copies, y, folds, settings) -> dict[tuple[tuple[float, bool], int], np.ndarray]:
    """Out-of-fold probabilities of every (setting, fold), on `fit_workers()` forked processes (they
    inherit the analysed texts) or in this one."""
    global _fold_state
    jobs = [(s, k) for s in settings for k in range(len(folds))]
    workers = min(fit_workers(), len(jobs))
    with _fork_lock:
        _fold_state = (docs, copies, y, folds)
        try:
            if workers > 1:
                with mp.get_context("fork").Pool(workers) as pool:
                    results = pool.map(_fold_job, jobs, chunksize=1)
            else:
                results = [_fold_job(job) for job in jobs]
        finally:
            _fold_state = None
    return dict(zip(jobs, results))


def _gate(proba: np.ndarray, gated: bool) -> np.ndarray:
    """The label columns of out-of-fold probabilities, zeroed where the gate column says no theme
    (decided with `at_least_one`, a passed row gets its best theme, a zeroed one none)."""
    if not gated:
        return proba
    out = proba[:, :-1].copy()
    out[proba[:, -1] < GATE_THRESHOLD] = 0.0
    return out


def _label_thresholds(proba: np.ndarray, gold: list[list[str]], labels: list[str], start: float,
                      at_least_one: bool) -> tuple[np.ndarray, float, float]:
    """Per-label thresholds by one pass of coordinate ascent from the global one, on the same
    objective (mean of exact-set accuracy and macro-F1 of the out-of-fold sets); labels with fewer
    than MIN_LABEL_SUPPORT positive rows keep the global threshold. Returns the thresholds and
    their out-of-fold accuracy and macro-F1."""
    out = np.full(len(labels), start)
    support = {label: 0 for label in labels}
    for row in gold:
        for label in row:
            support[label] += 1

    def measure(t: np.ndarray):
        m = set_metrics(gold, decide(proba, labels, t, at_least_one))
        return (m.macro_f1 + m.accuracy) / 2, m

    best, best_m = measure(out)
    for j, label in enumerate(labels):
        if support[label] < MIN_LABEL_SUPPORT:
            continue
        for t in THRESHOLD_GRID:
            trial = out.copy()
            trial[j] = t
            objective, m = measure(trial)
            if objective > best + 1e-9:
                best, best_m, out = objective, m, trial
    return out, best_m.accuracy, best_m.macro_f1


# --- storage in DuckDB -----------------------------------------------------------------------

def save_model(cur, model: ThemeModel, actor: Actor, *, activate: bool) -> int:
    """Store a model; with `activate` it becomes the one tagging uses. Audited."""
    if activate:
        cur.execute("UPDATE theme_models SET active = false WHERE active")
    model_id = cur.execute(
        "INSERT INTO theme_models (created_at, created_by, cv_score, n_examples, params, blob, active) "
        "VALUES (?, ?, ?, ?, ?, ?, ?) RETURNING id",
        [to_db(utcnow()), actor.username, model.cv_score, model.n_examples,
         json.dumps(model.params, ensure_ascii=False), model.to_bytes(), activate],
    ).fetchone()[0]
    record_event(cur, actor.username, "theme_model", model_id, "trained", None,
                 {"cv_score": model.cv_score, "n_examples": model.n_examples, "active": activate,
                  "params": model.params})
    return model_id


def active_model_id(cur) -> int | None:
    row = cur.execute("SELECT max(id) FROM theme_models WHERE active").fetchone()
    return row[0] if row else None


def load_active_model(cur) -> tuple[int, ThemeModel] | None:
    row = cur.execute("SELECT id, blob FROM theme_models WHERE active ORDER BY id DESC LIMIT 1").fetchone()
    if row is None:
        return None
    return row[0], ThemeModel.from_bytes(bytes(row[1]))


# --- QA corrections and retraining -----------------------------------------------------------

def current_labels(cur) -> dict[int, dict[str, bool]]:
    """QA's labels: case id -> {theme: is_positive}, the latest label per (case, theme) winning."""
    rows = cur.execute(
        "SELECT case_id, theme_code, is_positive FROM ("
        " SELECT case_id, theme_code, is_positive, row_number() OVER "
        "   (PARTITION BY case_id, theme_code ORDER BY labelled_at DESC, id DESC) AS rn FROM theme_labels"
        ") AS latest WHERE rn = 1"
    ).fetchall()
    out: dict[int, dict[str, bool]] = {}
    for case_id, code, positive in rows:
        out.setdefault(case_id, {})[code] = positive
    return out


def training_examples(cur) -> tuple[list[str], list[list[str]]]:
    """Seeded examples plus every case QA has labelled (its positive themes; [] if only negatives)."""
    from voc.text.taxonomy import load_default_examples

    texts, labels = load_default_examples()
    active = {r[0] for r in cur.execute("SELECT code FROM themes WHERE active").fetchall()}
    labelled = current_labels(cur)
    if labelled:
        rows = cur.execute(
            "SELECT id, coalesce(content, '') || ' ' || coalesce(request, '') FROM cases WHERE list_contains(?, id)",
            [list(labelled)],
        ).fetchall()
        for case_id, text in rows:
            texts.append(text.strip())
            labels.append(sorted(code for code, positive in labelled[case_id].items() if positive and code in active))
    keep = [i for i, row in enumerate(labels) if all(code in active for code in row)] if active else range(len(texts))
    return [texts[i] for i in keep], [labels[i] for i in keep]


@dataclass(frozen=True)
class RetrainReport:
    cv_score: float | None         # the new model's cross-validated macro-F1
    previous_score: float | None   # the active model's stored score before retraining
    kept_previous: bool
    model_id: int | None           # the active model after retraining
    n_examples: int

    def message(self) -> str:
        new = vn_number(self.cv_score, 3) if self.cv_score is not None else "—"
        old = vn_number(self.previous_score, 3) if self.previous_score is not None else "—"
        if self.kept_previous:
            return (f"Mô hình mới (macro-F1 kiểm định chéo {new}) kém hơn mô hình đang dùng ({old}); "
                    f"giữ nguyên mô hình cũ.")
        return f"Đã huấn luyện lại trên {vn_number(self.n_examples)} ví dụ: macro-F1 kiểm định chéo {new} (trước đó {old})."


def retrain(db, actor: Actor, *, force: bool = False) -> RetrainReport:
    """Train on the seeds plus QA's corrections; activate the new model unless its cross-validated
    score is lower than the active model's (then the previous one stays, unless `force`)."""
    actor.require(Permission.EDIT_TAXONOMY)
    with db.cursor() as cur:
        texts, labels = training_examples(cur)
        active = load_active_model(cur)
    # The shipped corpus is most of what a retrain learns from: keep the C cross-validation chose for the
    # active model (a third of the fits); cross-validation then sets the thresholds and the score.
    same_features = active is not None and active[1].params.get("feature_version") == FEATURE_VERSION
    model = train(texts, labels, c_grid=(active[1].params["C"],) if same_features else C_GRID)
    with db.transaction() as cur:
        row = cur.execute("SELECT id, cv_score FROM theme_models WHERE active ORDER BY id DESC LIMIT 1").fetchone()
        previous_id, previous_score = (row[0], row[1]) if row else (None, None)
        worse = (previous_score is not None and model.cv_score is not None and model.cv_score < previous_score)
        keep = worse and not force
        new_id = save_model(cur, model, actor, activate=not keep)
        record_event(cur, actor.username, "theme_model", new_id, "kept_previous" if keep else "activated",
                     {"model_id": previous_id, "cv_score": previous_score},
                     {"model_id": previous_id if keep else new_id, "cv_score": model.cv_score})
    return RetrainReport(model.cv_score, previous_score, keep, previous_id if keep else new_id, len(texts))
