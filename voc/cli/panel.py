"""The generality panel: the engine against the plain baseline on every labelled task we have.

    python -m voc panel                 # every task but those scored on the bank test file
    python -m voc panel --bank-test     # those too (the bank test file is for reporting only)
    python -m voc panel --only bank_aspects_cv restaurant_aspects

A change to the classifier is kept only if it helps on the training file's cross-validation and
lowers no task here by more than its noise. Tasks (engine = voc.text.classifier trained with
`at_least_one`, as `voc evaluate` does; baseline = voc.text.evaluate.Baseline on the same rows):

- bank_aspects_cv, bank_sentiment_cv: 5 grouped folds of the bank train file (near-copies in one
  fold, voc.text.groups), its `labels` column (aspects, mostly one a row) and its `sentiment`
  column as a single-label task (rows with one polarity only), out-of-fold predictions pooled;
- restaurant_aspects: data/restaurant_aspects train -> test (multi-label, another domain);
- sentiment_corpus: data/sentiment_corpus train -> heldout (single-label, three classes);
- hosting_messages2, hosting_messages: the shipped tagger (glossary, seed examples and a model
  trained on data/hosting_corpus/train.csv; voc.text.evaluate.tagging_pair), free to give no theme,
  on heldout_messages2.csv and heldout_messages.csv (multi-label, non-complaints included);
- with --bank-test only: bank_aspects, bank_sentiment: bank train -> bank test.

Per task: engine and baseline macro-F1 and exact-set accuracy, the margin (engine - baseline
macro-F1) and the noise: the standard deviation of the engine's macro-F1 over 200 bootstrap
resamples of the test rows (a difference well inside it is not a difference).
"""
from __future__ import annotations

import argparse
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from voc.paths import DATA_DIR, ROOT
from voc.text.metrics import set_metrics

BANK_DIR = ROOT.parent / "shared" / "data" / "uts2017_bank"     # --bank-dir for another place
HOSTING = DATA_DIR / "hosting_corpus"
CV_FOLDS = 5
BOOTSTRAP = 200

Rows = tuple[list[str], list[list[str]]]


@dataclass(frozen=True)
class TaskResult:
    name: str
    rows: int
    engine_macro_f1: float
    engine_accuracy: float
    baseline_macro_f1: float
    baseline_accuracy: float
    noise: float                 # bootstrap standard deviation of the engine's macro-F1
    seconds: float

    @property
    def margin(self) -> float:
        return self.engine_macro_f1 - self.baseline_macro_f1

    def line(self) -> str:
        return (f"{self.name:<20} rows={self.rows:<5} engine macro_f1={self.engine_macro_f1:.4f} "
                f"accuracy={self.engine_accuracy:.4f}  baseline macro_f1={self.baseline_macro_f1:.4f} "
                f"accuracy={self.baseline_accuracy:.4f}  margin={self.margin:+.4f}  noise={self.noise:.4f}  "
                f"({self.seconds:.0f} s)")


def bootstrap_noise(gold: Sequence[Sequence[str]], predicted: Sequence[Sequence[str]], *,
                    resamples: int = BOOTSTRAP, seed: int = 0) -> float:
    """Standard deviation of macro-F1 over bootstrap resamples of the rows."""
    rng = np.random.default_rng(seed)
    n = len(gold)
    scores = []
    for _ in range(resamples):
        pick = rng.integers(0, n, n)
        scores.append(set_metrics([gold[i] for i in pick], [predicted[i] for i in pick]).macro_f1)
    return float(np.std(scores))


def engine_and_baseline(train_rows: Rows, test_texts: list[str], seed: int = 0) -> tuple[list, list]:
    """Label sets of the engine (as `voc evaluate` trains it) and of the baseline on the test texts."""
    from voc.text.classifier import train
    from voc.text.evaluate import Baseline
    from voc.text.normalize import analyse

    texts, labels = train_rows
    model = train(texts, labels, at_least_one=True, seed=seed)
    return model.predict_sets([analyse(t) for t in test_texts]), Baseline(texts, labels).predict(test_texts)


def _result(name: str, gold: list[list[str]], engine: list, baseline: list, started: float) -> TaskResult:
    mine, theirs = set_metrics(gold, engine), set_metrics(gold, baseline)
    return TaskResult(name, len(gold), mine.macro_f1, mine.accuracy, theirs.macro_f1, theirs.accuracy,
                      bootstrap_noise(gold, engine), time.perf_counter() - started)


def held_out_task(name: str, train_rows: Rows, test_rows: Rows) -> TaskResult:
    started = time.perf_counter()
    engine, baseline = engine_and_baseline(train_rows, test_rows[0])
    return _result(name, test_rows[1], engine, baseline, started)


def cv_task(name: str, rows: Rows, folds: int = CV_FOLDS, seed: int = 0) -> TaskResult:
    """Out-of-fold predictions of `folds` grouped folds (near-copies together), pooled."""
    from voc.text.evaluate import tagging_folds

    started = time.perf_counter()
    texts, labels = rows
    engine: list = [None] * len(texts)
    baseline: list = [None] * len(texts)
    for keep, held in tagging_folds(texts, labels, folds, seed):
        mine, theirs = engine_and_baseline(([texts[i] for i in keep], [labels[i] for i in keep]),
                                           [texts[i] for i in held], seed)
        for i, a, b in zip(held, mine, theirs):
            engine[i], baseline[i] = a, b
    return _result(name, labels, engine, baseline, started)


def hosting_tasks() -> list[TaskResult]:
    """The shipped tagger trained on the hosting corpus' train part, one fit for both held-out files."""
    from voc.text.evaluate import load_labelled_csv, tagging_pair
    from voc.text.groups import load_sources

    started = time.perf_counter()
    train_file = HOSTING / "train.csv"
    pair = tagging_pair(*load_labelled_csv(train_file), True, 0, sources=load_sources(train_file))
    out = []
    for name, file in (("hosting_messages2", "heldout_messages2.csv"), ("hosting_messages", "heldout_messages.csv")):
        texts, gold = load_labelled_csv(HOSTING / file)
        engine, _, baseline, _ = pair.predictions(texts)
        out.append(_result(name, gold, engine, baseline, started))
        started = time.perf_counter()
    return out


def single_sentiment(path: Path) -> Rows:
    """The `sentiment` column as a single-label task: rows with exactly one polarity."""
    from voc.text.sentiment import load_sentiment_csv

    texts, labels = load_sentiment_csv(path)
    keep = [i for i, row in enumerate(labels) if len(row) == 1]
    return [texts[i] for i in keep], [labels[i] for i in keep]


def tasks(bank_test: bool, bank_dir: Path = BANK_DIR) -> dict[str, Callable[[], list[TaskResult]]]:
    from voc.text.evaluate import load_labelled_csv

    bank_train, bank_test_file = Path(bank_dir) / "train.csv", Path(bank_dir) / "test.csv"
    out: dict[str, Callable[[], list[TaskResult]]] = {
        "bank_aspects_cv": lambda: [cv_task("bank_aspects_cv", load_labelled_csv(bank_train))],
        "bank_sentiment_cv": lambda: [cv_task("bank_sentiment_cv", single_sentiment(bank_train))],
        "restaurant_aspects": lambda: [held_out_task(
            "restaurant_aspects", load_labelled_csv(DATA_DIR / "restaurant_aspects" / "train.csv"),
            load_labelled_csv(DATA_DIR / "restaurant_aspects" / "test.csv"))],
        "sentiment_corpus": lambda: [held_out_task(
            "sentiment_corpus", single_sentiment(DATA_DIR / "sentiment_corpus" / "train.csv"),
            single_sentiment(DATA_DIR / "sentiment_corpus" / "heldout.csv"))],
        "hosting": hosting_tasks,
    }
    if bank_test:
        out["bank_aspects"] = lambda: [held_out_task("bank_aspects", load_labelled_csv(bank_train),
                                                     load_labelled_csv(bank_test_file))]
        out["bank_sentiment"] = lambda: [held_out_task("bank_sentiment", single_sentiment(bank_train),
                                                       single_sentiment(bank_test_file))]
    return out


def run(names: Sequence[str] | None = None, bank_test: bool = False, bank_dir: Path = BANK_DIR,
        out=print) -> list[TaskResult]:
    available = tasks(bank_test, bank_dir)
    unknown = [n for n in names or () if n not in available]
    if unknown:
        raise ValueError(f"Không có tác vụ: {', '.join(unknown)} (có: {', '.join(available)})")
    results: list[TaskResult] = []
    for name, task in available.items():
        if names and name not in names:
            continue
        for result in task():
            out(result.line())
            results.append(result)
    if results:
        out(f"min_margin={min(r.margin for r in results):+.4f} "
            f"mean_engine_macro_f1={np.mean([r.engine_macro_f1 for r in results]):.4f}")
    return results


def add_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--only", nargs="+", metavar="TASK", help="chỉ chạy các tác vụ này")
    parser.add_argument("--bank-test", action="store_true",
                        help="thêm các tác vụ chấm trên tệp kiểm tra của dữ liệu ngân hàng (chỉ để báo cáo)")
    parser.add_argument("--bank-dir", type=Path, default=BANK_DIR, help="thư mục dữ liệu UTS2017_Bank")
