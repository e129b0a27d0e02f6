"""Scores of predicted label sets against the gold ones: exact-set accuracy, per-label, macro and weighted F1."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence


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
    micro_f1: float = 0.0        # F1 of every (row, label) decision pooled


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
    tp_all, fp_all, fn_all = sum(tp.values()), sum(fp.values()), sum(fn.values())
    return Metrics(
        rows=len(gold),
        accuracy=_ratio(exact, len(gold)),
        macro_f1=_ratio(sum(s.f1 for s in scores), len(scores)),
        weighted_f1=_ratio(sum(s.f1 * s.support for s in scores), support),
        per_label=scores,
        micro_f1=_ratio(2 * tp_all, 2 * tp_all + fp_all + fn_all),
    )
