"""Benchmark of the sentiment model on a CSV with a `sentiment` column: accuracy and macro-F1,
each beside a plain baseline, on the test text as given and with its diacritics stripped.

Two settings, both reported:
- in-domain: the engine (voc.text.sentiment, with its lexicon) and the baseline are trained on the
  training file only and scored on the test file;
- shipped: the model the desk ships (trained on data/sentiment_corpus and the lexicon, never on
  the file being scored) and the same baseline trained on the same shipped corpus, both scored on
  the test file. Shown only when the file's labels are negative / neutral / positive.

The baseline is voc.text.evaluate.Baseline: TF-IDF of word 1-2-grams over underthesea
word_tokenize and a LinearSVC. A majority-class line is printed too.
Metrics as voc.text.metrics: accuracy is exact-set accuracy (a mixed "negative|positive" row is
right only if every label is predicted, which a one-label prediction never is).
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import Sequence

from voc.plaintext import strip_diacritics
from voc.text.metrics import Metrics, set_metrics
from voc.text.sentiment import NEGATIVE, NEUTRAL, POSITIVE, SentimentModel, default_sentiment_model, shipped_training_data

SHIPPED_LABELS = {NEGATIVE, NEUTRAL, POSITIVE}


@dataclass(frozen=True)
class Pair:
    """One model and its baseline, on the test text as given and stripped of diacritics."""
    engine: Metrics
    engine_stripped: Metrics
    baseline: Metrics
    baseline_stripped: Metrics
    train_rows: int

    def lines(self, title: str) -> list[str]:
        def line(name: str, m: Metrics) -> str:
            return f"  {name:<22} accuracy={m.accuracy:.4f} macro_f1={m.macro_f1:.4f}"
        return [f"== {title} (trained on {self.train_rows} rows) ==",
                line("engine, as given", self.engine), line("baseline, as given", self.baseline),
                line("engine, stripped", self.engine_stripped), line("baseline, stripped", self.baseline_stripped)]


@dataclass(frozen=True)
class SentimentReport:
    rows: int
    in_domain: Pair
    shipped: Pair | None
    majority: Metrics
    majority_label: str

    def format(self) -> str:
        parts = [f"Sentiment: {self.rows} test rows; majority class '{self.majority_label}': "
                 f"accuracy={self.majority.accuracy:.4f} macro_f1={self.majority.macro_f1:.4f}"]
        parts.extend(self.in_domain.lines("in-domain: engine and baseline trained on the training file"))
        if self.shipped is not None:
            parts.extend(self.shipped.lines("shipped: model and baseline trained on data/sentiment_corpus, "
                                            "not on this data"))
        parts.append(self.summary_line())
        return "\n".join(parts)

    def summary_line(self) -> str:
        d = self.in_domain
        line = (f"sentiment_accuracy={d.engine.accuracy:.4f} sentiment_macro_f1={d.engine.macro_f1:.4f} "
                f"baseline_accuracy={d.baseline.accuracy:.4f} baseline_macro_f1={d.baseline.macro_f1:.4f}")
        if self.shipped is not None:
            s = self.shipped
            line += (f" shipped_accuracy={s.engine.accuracy:.4f} shipped_macro_f1={s.engine.macro_f1:.4f} "
                     f"shipped_baseline_accuracy={s.baseline.accuracy:.4f} "
                     f"shipped_baseline_macro_f1={s.baseline.macro_f1:.4f}")
        return line


def _pair(engine: SentimentModel, train_texts: Sequence[str], train_labels: Sequence[Sequence[str]],
          test_texts: list[str], test_labels: list[list[str]], train_rows: int) -> Pair:
    from voc.text.evaluate import Baseline

    bare = [strip_diacritics(t) for t in test_texts]
    baseline = Baseline(train_texts, [[row[0]] for row in train_labels])
    return Pair(set_metrics(test_labels, engine.predict(test_texts)), set_metrics(test_labels, engine.predict(bare)),
                set_metrics(test_labels, baseline.predict(test_texts)), set_metrics(test_labels, baseline.predict(bare)),
                train_rows)


def evaluate_sentiment(train_texts: list[str], train_labels: list[list[str]], test_texts: list[str],
                       test_labels: list[list[str]], *, seed: int = 0, shipped: bool = True) -> SentimentReport:
    engine = SentimentModel.fit(train_texts, train_labels, seed=seed)
    in_domain = _pair(engine, train_texts, train_labels, test_texts, test_labels, len(train_texts))
    shipped_pair = None
    if shipped and {label for row in test_labels for label in row} <= SHIPPED_LABELS:
        corpus_texts, corpus_labels = shipped_training_data()
        shipped_pair = _pair(default_sentiment_model(), corpus_texts, corpus_labels, test_texts, test_labels,
                             len(corpus_texts))
    majority = Counter(row[0] for row in train_labels).most_common(1)[0][0]
    return SentimentReport(len(test_texts), in_domain, shipped_pair,
                           set_metrics(test_labels, [[majority]] * len(test_texts)), majority)
