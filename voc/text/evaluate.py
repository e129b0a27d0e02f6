"""Benchmark the theme classifier on a labelled CSV: accuracy, macro/weighted F1, per-label table.

Definitions (the same for the accented and the diacritics-stripped test text):
- accuracy: the fraction of test rows whose predicted label SET equals the gold set exactly
  (for single-label rows this is ordinary accuracy);
- per-label precision/recall/F1 from true/false positives and false negatives over the label sets;
- macro-F1: the unweighted mean of per-label F1 over every label that occurs in the gold sets
  or in the predictions of the test rows; weighted-F1: the mean weighted by gold support.
Every gold row has at least one label, so evaluation predicts at least one label per row (the
top-scoring one, plus any other above the cross-validated threshold); when every training row has
exactly one label, predictions are single-label too.

Beside every figure stands a plain baseline trained on the same training file: TF-IDF of word
1-2-grams over underthesea word_tokenize with a LinearSVC (one-vs-rest for multi-label data).
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

from voc.plaintext import strip_diacritics
from voc.text.metrics import Metrics, set_metrics


def load_labelled_csv(path: str | Path) -> tuple[list[str], list[list[str]]]:
    """Rows of a CSV with columns `text` and `labels` ("|"-separated); rows without text are skipped."""
    texts, labels = [], []
    with Path(path).open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        missing = {"text", "labels"} - set(reader.fieldnames or [])
        if missing:
            raise ValueError(f"Tệp {path} thiếu cột: {', '.join(sorted(missing))}")
        for row in reader:
            text = (row["text"] or "").strip()
            if text:
                texts.append(text)
                labels.append([label.strip() for label in (row["labels"] or "").split("|") if label.strip()])
    return texts, labels


def single_label(labels: Sequence[Sequence[str]]) -> bool:
    """True when every row carries exactly one label (then predictions carry exactly one too)."""
    return all(len(row) == 1 for row in labels)


class Baseline:
    """The plain reference model: TF-IDF of word 1-2-grams over underthesea word_tokenize (lower-cased
    text as given, nothing else) and a LinearSVC; one-vs-rest for multi-label data, where a row gets
    every label with a positive margin, or the best one when none has."""

    def __init__(self, train_texts: Sequence[str], train_labels: Sequence[Sequence[str]]):
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.preprocessing import MultiLabelBinarizer
        from sklearn.svm import LinearSVC

        self.single = single_label(train_labels)
        self.vectorizer = TfidfVectorizer(ngram_range=(1, 2), tokenizer=str.split, token_pattern=None,
                                          lowercase=False)
        x = self.vectorizer.fit_transform([self._tokens(t) for t in train_texts])
        if self.single:
            self.model = LinearSVC().fit(x, [row[0] for row in train_labels])
            self.labels = list(self.model.classes_)
        else:
            from sklearn.multiclass import OneVsRestClassifier

            binarizer = MultiLabelBinarizer()
            y = binarizer.fit_transform(train_labels)
            self.model = OneVsRestClassifier(LinearSVC()).fit(x, y)
            self.labels = list(binarizer.classes_)

    @staticmethod
    def _tokens(text: str) -> str:
        from voc.text.normalize import underthesea_function

        return " ".join(t.replace(" ", "_") for t in underthesea_function("word_tokenize")(text.lower()))

    def predict(self, texts: Sequence[str], at_least_one: bool = True) -> list[list[str]]:
        """Label sets; with `at_least_one` (always for single-label data) never empty."""
        if not texts:
            return []
        margins = np.asarray(self.model.decision_function(self.vectorizer.transform([self._tokens(t) for t in texts])))
        if margins.ndim == 1:              # two classes: one margin, positive for the second label
            margins = np.column_stack([-margins, margins])
        out = []
        for row in margins:
            above = [] if self.single else [self.labels[j] for j in np.flatnonzero(row > 0)]
            out.append(above or ([self.labels[int(row.argmax())]] if at_least_one or self.single else []))
        return out


@dataclass(frozen=True)
class EvaluationReport:
    accented: Metrics
    stripped: Metrics
    cv_score: float | None
    params: dict
    train_rows: int
    baseline_accented: Metrics
    baseline_stripped: Metrics

    def summary_line(self) -> str:
        return (f"macro_f1={self.accented.macro_f1:.4f} accuracy={self.accented.accuracy:.4f} "
                f"stripped_accuracy={self.stripped.accuracy:.4f} "
                f"baseline_macro_f1={self.baseline_accented.macro_f1:.4f} "
                f"baseline_accuracy={self.baseline_accented.accuracy:.4f}")


def evaluate(train_texts: list[str], train_labels: list[list[str]], test_texts: list[str],
             test_labels: list[list[str]], *, seed: int = 0) -> EvaluationReport:
    """Train the theme classifier and the baseline on the training rows only; score both on the
    test rows as typed and with diacritics stripped from the test text."""
    from voc.text.classifier import train
    from voc.text.normalize import analyse

    model = train(train_texts, train_labels, at_least_one=True, seed=seed)
    bare_texts = [strip_diacritics(t) for t in test_texts]
    accented = model.predict_sets([analyse(t) for t in test_texts])
    stripped = model.predict_sets([analyse(t) for t in bare_texts])
    baseline = Baseline(train_texts, train_labels)
    return EvaluationReport(set_metrics(test_labels, accented), set_metrics(test_labels, stripped),
                            model.cv_score, dict(model.params), len(train_texts),
                            set_metrics(test_labels, baseline.predict(test_texts)),
                            set_metrics(test_labels, baseline.predict(bare_texts)))


def in_domain_check(train_texts: list[str], train_labels: list[list[str]], test_texts: list[str],
                    test_labels: list[list[str]], *, folds: int = 5, seed: int = 0) -> Metrics:
    """A diagnostic of the data, never a benchmark figure: each fold of the test file is predicted by
    a model trained on the training file plus the test file's other folds. If this stays close to
    the benchmark figures, what holds accuracy back is how consistently the labels can be learnt
    from the words, not the difference between the two files' label mixes."""
    from sklearn.model_selection import KFold

    from voc.text.classifier import train
    from voc.text.normalize import analyse

    predicted: list[list[str]] = [[] for _ in test_texts]
    for keep, held in KFold(min(folds, len(test_texts)), shuffle=True, random_state=seed).split(test_texts):
        model = train(list(train_texts) + [test_texts[i] for i in keep],
                      list(train_labels) + [test_labels[i] for i in keep], at_least_one=True, seed=seed)
        for i, labels in zip(held, model.predict_sets([analyse(test_texts[i]) for i in held])):
            predicted[i] = labels
    return set_metrics(test_labels, predicted)


def format_metrics(title: str, m: Metrics) -> str:
    width = max([len(s.label) for s in m.per_label] + [5])
    lines = [
        f"== {title} ({m.rows} dòng) ==",
        f"accuracy (exact label set match): {m.accuracy:.4f}",
        f"macro-F1: {m.macro_f1:.4f}",
        f"weighted-F1: {m.weighted_f1:.4f}",
        f"{'label':<{width}}  precision  recall     f1  support  predicted",
    ]
    for s in m.per_label:
        lines.append(f"{s.label:<{width}}  {s.precision:9.3f}  {s.recall:6.3f}  {s.f1:5.3f}  {s.support:7d}  {s.predicted:9d}")
    return "\n".join(lines)


def format_report(report: EvaluationReport) -> str:
    params = ", ".join(f"{k}={v}" for k, v in sorted(report.params.items()))
    cv = f"{report.cv_score:.4f}" if report.cv_score is not None else "n/a"
    return "\n\n".join([
        f"Trained on {report.train_rows} rows ({params}); cross-validated macro-F1 on train: {cv}",
        format_metrics("test text as given", report.accented),
        format_metrics("test text with diacritics stripped", report.stripped),
        format_metrics("baseline (TF-IDF word 1-2-grams + LinearSVC), test text as given", report.baseline_accented),
        format_metrics("baseline, test text with diacritics stripped", report.baseline_stripped),
        "engine vs baseline: " + ", ".join(
            f"{name} {mine:.4f} vs {theirs:.4f}" for name, mine, theirs in (
                ("macro-F1", report.accented.macro_f1, report.baseline_accented.macro_f1),
                ("accuracy", report.accented.accuracy, report.baseline_accented.accuracy),
                ("stripped macro-F1", report.stripped.macro_f1, report.baseline_stripped.macro_f1),
                ("stripped accuracy", report.stripped.accuracy, report.baseline_stripped.accuracy))),
        report.summary_line(),
    ])


# --- tagging: the shipped engine (glossary + model) on complaints and non-complaints ------------

@dataclass(frozen=True)
class TaggingScores:
    """Scores of theme tagging where some gold rows have no theme (thanks, sales questions)."""
    rows: int
    micro_f1: float          # over every (row, theme) decision, non-complaints included
    macro_f1: float          # mean per-theme F1 over the themes in gold or predictions
    untagged: float          # share of complaints (gold has a theme) left with no theme
    non_complaint_tagged: float  # share of non-complaints given a theme

    def line(self, prefix: str = "") -> str:
        return " ".join(f"{prefix}{name}={value:.4f}" for name, value in (
            ("micro_f1", self.micro_f1), ("macro_f1", self.macro_f1), ("untagged", self.untagged),
            ("non_complaint_tagged", self.non_complaint_tagged)))


def tagging_scores(gold: Sequence[Sequence[str]], predicted: Sequence[Sequence[str]]) -> TaggingScores:
    m = set_metrics(gold, predicted)
    complaints = [bool(p) for g, p in zip(gold, predicted) if g]
    others = [bool(p) for g, p in zip(gold, predicted) if not g]
    return TaggingScores(len(gold), m.micro_f1, m.macro_f1,
                         complaints.count(False) / len(complaints) if complaints else 0.0,
                         others.count(True) / len(others) if others else 0.0)


@dataclass(frozen=True)
class TaggingReport:
    engine: TaggingScores
    engine_stripped: TaggingScores
    baseline: TaggingScores
    baseline_stripped: TaggingScores
    train_rows: int

    def summary_line(self) -> str:
        return (f"{self.engine.line()} stripped_micro_f1={self.engine_stripped.micro_f1:.4f} "
                f"baseline_micro_f1={self.baseline.micro_f1:.4f} baseline_macro_f1={self.baseline.macro_f1:.4f}")

    def format(self, title: str) -> str:
        return "\n".join([
            f"== {title}: {self.engine.rows} rows, trained on {self.train_rows} ==",
            "engine   (as given) " + self.engine.line(),
            "engine   (stripped) " + self.engine_stripped.line(),
            "baseline (as given) " + self.baseline.line(),
            "baseline (stripped) " + self.baseline_stripped.line(),
        ])


@dataclass
class TaggingPair:
    """The shipped tagger (glossary + model) and the baseline, trained on the same rows."""
    tagger: object
    baseline: Baseline
    train_rows: int
    c: float

    def predictions(self, texts: list[str]) -> list[list[list[str]]]:
        """Theme sets of the engine and the baseline on the texts as typed and diacritics-stripped
        (in that order)."""
        bare = [strip_diacritics(t) for t in texts]
        return [
            [[t.code for t in tags] for tags in self.tagger.tag_texts(texts)],
            [[t.code for t in tags] for tags in self.tagger.tag_texts(bare)],
            self.baseline.predict(texts, at_least_one=False),
            self.baseline.predict(bare, at_least_one=False),
        ]

    def report(self, texts: list[str], labels: list[list[str]]) -> "TaggingReport":
        return TaggingReport(*(tagging_scores(labels, p) for p in self.predictions(texts)), self.train_rows)


def tagging_pair(train_texts: list[str], train_labels: list[list[str]], with_defaults: bool = True, seed: int = 0,
                 c_grid: Sequence[float] | None = None, sources: Sequence[str | None] | None = None) -> TaggingPair:
    """Train both on the rows (with the shipped seed examples, glossary and themes, `with_defaults`);
    score any number of test files with `report`. `sources`: the message each row was made from
    (near-copies stay in one fold of the classifier's inner cross-validation)."""
    from voc.text.classifier import C_GRID, train
    from voc.text.tagging import GlossaryMatcher, Tagger
    from voc.text.taxonomy import EXAMPLES_FILE, load_default_examples, load_default_glossary, load_default_taxonomy

    texts, labels = list(train_texts), list(train_labels)
    row_sources = list(sources) if sources is not None else [None] * len(texts)
    if with_defaults:
        seed_texts, seed_labels = load_default_examples(EXAMPLES_FILE)
        texts, labels = seed_texts + texts, seed_labels + labels
        row_sources = [None] * len(seed_texts) + row_sources
    model = train(texts, labels, seed=seed, c_grid=c_grid or C_GRID, sources=row_sources)
    themes = {t.code: t.name for t in load_default_taxonomy()[1]} if with_defaults else {}
    themes.update({code: code for code in model.labels if code not in themes})
    tagger = Tagger(themes, GlossaryMatcher(load_default_glossary() if with_defaults else []), model)
    return TaggingPair(tagger, Baseline(texts, labels), len(texts), float(model.params["C"]))


def evaluate_tagging(train_texts: list[str], train_labels: list[list[str]], test_texts: list[str],
                     test_labels: list[list[str]], *, with_defaults: bool = True, seed: int = 0) -> TaggingReport:
    """The tagger as shipped (the default glossary, themes and seed examples of
    data/theme_examples.csv, `with_defaults`) with a model trained on the training rows too, against the baseline trained on the same rows,
    both free to give no theme; scored on the test rows as typed and with diacritics stripped."""
    return tagging_pair(train_texts, train_labels, with_defaults, seed).report(test_texts, test_labels)


def tagging_folds(texts: Sequence[str], labels: Sequence[Sequence[str]], folds: int, seed: int = 0,
                  sources: Sequence[str | None] | None = None) -> list[tuple[np.ndarray, np.ndarray]]:
    """The K splits of `cross_validate_tagging`: stratified by a row's first theme, the styles of one
    message (one source) and rows equal but for accents in one fold (voc.text.groups)."""
    from voc.text.groups import grouped_folds, row_groups

    names = sorted({label for row in labels for label in row})
    strata = np.array([names.index(row[0]) if row else len(names) for row in labels])
    return grouped_folds(strata, row_groups(texts, sources), folds, seed)


def cross_validate_tagging(texts: list[str], labels: list[list[str]], *, folds: int = 5,
                           with_defaults: bool = True, seed: int = 0,
                           c_grid: Sequence[float] | None = None,
                           sources: Sequence[str | None] | None = None) -> TaggingReport:
    """`evaluate_tagging` over K grouped folds of one file (`tagging_folds`), the out-of-fold
    predictions pooled. Each fold's model chooses its regularisation from `c_grid` (default: the
    classifier's grid) and its thresholds by its own inner cross-validation on the fold's training rows."""
    pooled: list[list[list[str]]] = [[[] for _ in texts] for _ in range(4)]
    n = 0
    for keep, held in tagging_folds(texts, labels, folds, seed, sources):
        pair = tagging_pair([texts[i] for i in keep], [labels[i] for i in keep], with_defaults, seed, c_grid,
                            [sources[i] for i in keep] if sources is not None else None)
        n, predicted = pair.train_rows, pair.predictions([texts[i] for i in held])
        for kind, rows in zip(pooled, predicted):
            for i, row in zip(held, rows):
                kind[i] = row
    return TaggingReport(*(tagging_scores(labels, p) for p in pooled), n)
