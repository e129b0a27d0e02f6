"""Negativity of a customer's message: a sentiment model with a 0..1 score and its evidence words.

The model is the theme engine's classifier (voc.text.classifier: folded words, syllable and word
n-grams, character n-grams, diacritics-stripped copies of the training texts, C chosen by
cross-validation on the training data only) trained on one label per text: negative, neutral or
positive. Its training data are a labelled corpus (by default the hosting corpus we ship,
data/sentiment_corpus/train.csv) plus a reviewed lexicon of everyday Vietnamese words of praise and
blame, each entry one short training text, so that words the corpus lacks still carry their sign.

negativity = P(negative) / (P(negative) + P(neutral) + P(positive)), the per-class probabilities
of the one-vs-rest regressions; the label is the most probable class. Evidence: the words of the
text that pushed it most towards negative (function words and character n-grams left out).

`underthesea.sentiment` downloads a model at run time and is never used.
"""
from __future__ import annotations

import csv
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Sequence

import numpy as np

from voc.paths import DATA_DIR
from voc.plaintext import fold
from voc.text.classifier import STOP_SYLLABLES, ThemeModel, train
from voc.text.model_cache import train_cached
from voc.text.normalize import Analysed, analyse

NEGATIVE, NEUTRAL, POSITIVE = "negative", "neutral", "positive"
SENTIMENT_CORPUS = DATA_DIR / "sentiment_corpus" / "train.csv"
SENTIMENT_HELDOUT = DATA_DIR / "sentiment_corpus" / "heldout.csv"
MAX_EVIDENCE = 3
EVIDENCE_STOP = STOP_SYLLABLES | frozenset("het ma qua lam nua thoi luc hay cai con vi neu thi".split())

# Reviewed lexicon: everyday Vietnamese praise and blame, not particular to one trade.
LEXICON: dict[str, tuple[str, ...]] = {
    NEGATIVE: (
        "tệ", "quá tệ", "tồi", "tồi tệ", "kém", "dở", "chán", "thất vọng", "bực", "bực mình", "bức xúc", "tức",
        "khó chịu", "phiền", "phiền phức", "chậm", "chậm chạp", "lỗi", "hỏng", "sự cố", "mất tiền", "lừa đảo",
        "lừa", "gian lận", "vô trách nhiệm", "cẩu thả", "thiếu chuyên nghiệp", "không chuyên nghiệp", "thô lỗ",
        "hách dịch", "coi thường", "không hài lòng", "chưa hài lòng", "không tốt", "không ổn", "không được",
        "không chấp nhận", "phàn nàn", "khiếu nại", "thiệt hại", "mất", "trừ tiền", "bị trừ", "đắt", "đắt đỏ",
        "chặt chém", "vô lý", "quá đáng", "chờ lâu", "đợi lâu", "không ai trả lời", "không phản hồi", "treo",
        "sập", "die", "đơ", "lag", "giật", "rắc rối", "khổ", "mệt mỏi", "tiếc", "hối hận", "nguy hiểm",
        "đáng sợ", "kinh khủng", "thảm họa", "tệ hại", "ức chế", "bất tiện", "vớ vẩn", "tào lao", "láo",
        "bố láo", "ngu", "tồi tàn", "sai", "nhầm", "thiếu", "không rõ ràng", "mập mờ", "không minh bạch",
        "hứa suông", "thất hứa", "trễ", "chậm trễ", "quá hạn", "đòi", "yêu cầu giải quyết", "kiện", "bồi thường",
    ),
    POSITIVE: (
        "tốt", "rất tốt", "tuyệt", "tuyệt vời", "xuất sắc", "hài lòng", "rất hài lòng", "ưng ý", "thích",
        "yêu thích", "nhanh", "nhanh chóng", "nhiệt tình", "chu đáo", "tận tình", "tận tâm", "chuyên nghiệp",
        "thân thiện", "lịch sự", "dễ thương", "dễ dùng", "tiện lợi", "tiện", "ổn định", "ổn", "mượt", "uy tín",
        "đáng tin", "tin tưởng", "an tâm", "yên tâm", "hợp lý", "rẻ", "ưu đãi", "hấp dẫn", "cảm ơn", "cám ơn",
        "cảm ơn nhiều", "tuyệt hảo", "hoàn hảo", "đáng tiền", "giới thiệu bạn bè", "ủng hộ", "khen", "like",
        "chất lượng", "hiệu quả", "đơn giản", "gọn", "nhanh gọn", "vui", "hạnh phúc", "tự hào", "đẹp",
        "ấn tượng", "vượt mong đợi", "5 sao", "tiện ích", "hữu ích", "an toàn", "bảo mật tốt", "giỏi",
    ),
    NEUTRAL: (
        "cho hỏi", "xin hỏi", "hỏi", "tư vấn", "thông tin", "bao nhiêu", "ở đâu", "thế nào", "như thế nào",
        "khi nào", "báo giá", "đăng ký", "hướng dẫn", "thủ tục", "giờ làm việc", "địa chỉ", "số điện thoại",
    ),
}


def lexicon_examples() -> tuple[list[str], list[list[str]]]:
    texts, labels = [], []
    for label, words in LEXICON.items():
        for word in words:
            texts.append(word)
            labels.append([label])
    return texts, labels


def load_sentiment_csv(path: str | Path, column: str = "sentiment") -> tuple[list[str], list[list[str]]]:
    """Rows of a CSV with columns `text` and `column` (one label, or several "|"-separated when mixed);
    rows without text or label are skipped."""
    texts, labels = [], []
    with Path(path).open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        if not reader.fieldnames or "text" not in reader.fieldnames or column not in reader.fieldnames:
            raise ValueError(f"{path}: cần hai cột text và {column}")
        for row in reader:
            text = (row["text"] or "").strip()
            label = [part.strip().lower() for part in (row[column] or "").split("|") if part.strip()]
            if text and label:
                texts.append(text)
                labels.append(label)
    return texts, labels


def has_sentiment_column(path: str | Path) -> bool:
    with Path(path).open(encoding="utf-8-sig", newline="") as handle:
        header = next(csv.reader(handle), [])
    return "sentiment" in [h.strip() for h in header]


@dataclass(frozen=True)
class Sentiment:
    label: str                 # the most probable class
    negativity: float          # 0..1
    evidence: list[str]        # the words that pushed it towards negative


class SentimentModel:
    """A trained sentiment classifier (one label per text) and the negativity score it gives."""

    def __init__(self, model: ThemeModel):
        self.model = model
        self.labels = list(model.labels)
        self._negative = self.labels.index(NEGATIVE) if NEGATIVE in self.labels else None

    @classmethod
    def fit(cls, texts: Sequence[str], labels: Sequence[Sequence[str]], *, with_lexicon: bool = True,
            seed: int = 0) -> "SentimentModel":
        """Train on the first label of every row (a mixed row's first), plus the lexicon."""
        texts, rows = list(texts), [[row[0]] for row in labels]
        if with_lexicon:
            lex_texts, lex_labels = lexicon_examples()
            texts, rows = texts + lex_texts, rows + lex_labels
        return cls(train(texts, rows, at_least_one=True, seed=seed))

    def assess_docs(self, docs: Sequence[Analysed]) -> list[Sentiment]:
        if not docs:
            return []
        x = self.model.transform(docs)
        proba = self.model.proba_matrix(x)
        total = proba.sum(axis=1)
        out = []
        for i, doc in enumerate(docs):
            if not doc.words:
                out.append(Sentiment(NEUTRAL if NEUTRAL in self.labels else self.labels[0], 0.0, []))
                continue
            label = self.labels[int(proba[i].argmax())]
            if self._negative is None:
                out.append(Sentiment(label, 0.0, []))
                continue
            negativity = float(proba[i, self._negative] / total[i]) if total[i] > 0 else 0.0
            start, end = x.indptr[i], x.indptr[i + 1]
            row = _Row(x.indices[start:end], x.data[start:end])
            evidence = []
            if negativity >= 0.5 or label == NEGATIVE:
                evidence = lexicon_hits(doc, NEGATIVE)
                for word in self.model.evidence(row, self._negative, doc, top=2 * MAX_EVIDENCE):
                    if not _function_words(word) and not any(word in w or w in word for w in evidence):
                        evidence.append(word)
                evidence = evidence[:MAX_EVIDENCE]
            out.append(Sentiment(label, negativity, evidence))
        return out

    def assess(self, text: str) -> Sentiment:
        return self.assess_docs([analyse(text)])[0]

    def predict(self, texts: Sequence[str]) -> list[list[str]]:
        return [[s.label] for s in self.assess_docs([analyse(t) for t in texts])]


Entry = tuple[tuple[str, ...], tuple[str, ...]]        # an entry's syllables as written, and folded


def _lexicon_index() -> dict[str, dict[str, list[Entry]]]:
    """label -> first folded syllable -> the entries, longest first."""
    index: dict[str, dict[str, list[Entry]]] = {}
    for label, words in LEXICON.items():
        for word in words:
            syllables = tuple(word.split())
            bare = tuple(fold(s) for s in syllables)
            index.setdefault(label, {}).setdefault(bare[0], []).append((syllables, bare))
    for by_first in index.values():
        for entries in by_first.values():
            entries.sort(key=lambda e: -len(e[0]))
    return index


_LEXICON_INDEX = _lexicon_index()


def lexicon_hits(doc: Analysed, label: str) -> list[str]:
    """The lexicon entries of `label` in the text, as typed: a syllable typed with marks must match
    the entry's exactly ("tê" is not "tệ"), one typed without marks matches by its folded form."""
    by_first = _LEXICON_INDEX.get(label, {})
    folded, typed = doc.syllables, doc.accented_syllables
    hits: list[str] = []
    i = 0
    while i < len(folded):
        matched = 0
        for entry, bare in by_first.get(folded[i], ()):
            n = len(entry)
            if i + n <= len(folded) and all(
                    bare[k] == folded[i + k] and (typed[i + k] == e or typed[i + k] == folded[i + k])
                    for k, e in enumerate(entry)):
                matched = n
                break
        if matched:
            words = " ".join(typed[i:i + matched])
            if words not in hits:
                hits.append(words)
            i += matched
        else:
            i += 1
    return hits


def _function_words(words: str) -> bool:
    """Evidence made only of function words ("không", "mà") says nothing to a reader."""
    return all(s in EVIDENCE_STOP for s in fold(words).split())


@dataclass(frozen=True)
class _Row:
    indices: np.ndarray
    data: np.ndarray


_default_lock = threading.Lock()
_default: SentimentModel | None = None


def shipped_training_data() -> tuple[list[str], list[list[str]]]:
    texts, labels = load_sentiment_csv(SENTIMENT_CORPUS)
    lex_texts, lex_labels = lexicon_examples()
    return texts + lex_texts, [[row[0]] for row in labels] + lex_labels


def default_sentiment_model() -> SentimentModel:
    """The shipped model: the hosting sentiment corpus plus the lexicon (fitted once per machine,
    kept on disk like the default theme model)."""
    global _default
    with _default_lock:
        if _default is None:
            texts, labels = shipped_training_data()
            _default = SentimentModel(train_cached(texts, labels, at_least_one=True))
        return _default
