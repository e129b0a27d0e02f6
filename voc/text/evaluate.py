"""Benchmark the theme classifier on a labelled CSV: accuracy, macro/weighted F1, per-label table.

Definitions (the same for the accented and the diacritics-stripped test text):
- accuracy: the fraction of test rows whose predicted label SET equals the gold set exactly
  (for single-label rows this is ordinary accuracy);
- per-label precision/recall/F1 from true/false positives and false negatives over the label sets;
- macro-F1: the unweighted mean of per-label F1 over every label that occurs in the gold sets
  or in the predictions of the test rows; weighted-F1: the mean weighted by gold support.
Every gold row has at least one label, so evaluation predicts at least one label per row (the
top-scoring one, plus any other above the cross-validated threshold).
"""
from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

from voc.plaintext import strip_diacritics


@dataclass(frozen=True)
class LabelScore:
    label: str
    precision: float
    recall: float
    f1: float
    support: int     # gold rows carrying the label
    predicted: int   # rows predicted with the label


@dataclass(frozen=True)
class Metrics:
    rows: int
    accuracy: float
    macro_f1: float
    weighted_f1: float
    per_label: list[LabelScore]


def _ratio(a: float, b: float) -> float:
    return a / b if b else 0.0


def set_metrics(gold: Sequence[Sequence[str]], predicted: Sequence[Sequence[str]]) -> Metrics:
    """Exact-set accuracy and per-label/macro/weighted F1 of predicted label sets."""
    if len(gold) != len(predicted):
        raise ValueError("gold and predicted differ in length")
    labels = sorted({label for row in gold for label in row} | {label for row in predicted for label in row})
    tp = dict.fromkeys(labels, 0)
    fp = dict.fromkeys(labels, 0)
    fn = dict.fromkeys(labels, 0)
    exact = 0
    for g_row, p_row in zip(gold, predicted):
        g, p = set(g_row), set(p_row)
        exact += g == p
        for label in g & p:
            tp[label] += 1
        for label in p - g:
            fp[label] += 1
        for label in g - p:
            fn[label] += 1
    scores = []
    for label in labels:
        precision = _ratio(tp[label], tp[label] + fp[label])
        recall = _ratio(tp[label], tp[label] + fn[label])
        f1 = _ratio(2 * precision * recall, precision + recall)
        scores.append(LabelScore(label, precision, recall, f1, tp[label] + fn[label], tp[label] + fp[label]))
    support = sum(s.support for s in scores)
    return Metrics(
        rows=len(gold),
        accuracy=_ratio(exact, len(gold)),
        macro_f1=_ratio(sum(s.f1 for s in scores), len(scores)),
        weighted_f1=_ratio(sum(s.f1 * s.support for s in scores), support),
        per_label=scores,
    )


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


@dataclass(frozen=True)
class EvaluationReport:
    accented: Metrics
    stripped: Metrics
    cv_score: float | None
    params: dict
    train_rows: int

    def summary_line(self) -> str:
        return (f"macro_f1={self.accented.macro_f1:.4f} accuracy={self.accented.accuracy:.4f} "
                f"stripped_accuracy={self.stripped.accuracy:.4f}")


def evaluate(train_texts: list[str], train_labels: list[list[str]], test_texts: list[str],
             test_labels: list[list[str]], *, seed: int = 0) -> EvaluationReport:
    """Train the theme classifier on the training rows only; score it on the test rows as typed
    and with diacritics stripped from the test text."""
    from voc.text.classifier import train
    from voc.text.normalize import analyse

    model = train(train_texts, train_labels, at_least_one=True, seed=seed)
    accented = model.predict_sets([analyse(t) for t in test_texts])
    stripped = model.predict_sets([analyse(strip_diacritics(t)) for t in test_texts])
    return EvaluationReport(set_metrics(test_labels, accented), set_metrics(test_labels, stripped),
                            model.cv_score, dict(model.params), len(train_texts))


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
        report.summary_line(),
    ])
