"""Features of the theme classifier: the word block (folded words, syllable 1-2-grams, words and
word pairs as typed) and the character n-gram block, each TF-IDF, joined and L2-normalised.
See voc.text.classifier for how they are used; stored models refer to these classes."""
from __future__ import annotations

from typing import Sequence

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.preprocessing import normalize as l2_normalize

from voc.text.normalize import Analysed

CHAR_NGRAMS = (2, 5)


def features(doc: Analysed) -> list[str]:
    """Feature names of one analysed text (module-level so the vectoriser pickles): folded compound
    words, folded syllables and syllable pairs, and the words and word pairs as typed (accents
    kept), which tell apart words that fold alike ("bán", "bạn", "bàn"). Words a customer rules out
    ("không phải lỗi DNS") give only "n:" features of their folded syllables ("n:dns"), so they
    do not count as the topic they name."""
    if doc.negated:
        return _features_with_negation(doc)
    out = ["w:" + w for w in doc.folded if "_" in w]
    syl = doc.syllables
    out.extend("s:" + s for s in syl)
    out.extend("b:" + a + " " + b for a, b in zip(syl, syl[1:]))
    words = doc.words
    out.extend("a:" + w for w in words)
    out.extend("p:" + a + " " + b for a, b in zip(words, words[1:]))
    return out


def _features_with_negation(doc: Analysed) -> list[str]:
    neg = doc.negated
    out = ["w:" + w for i, w in enumerate(doc.folded) if "_" in w and i not in neg]
    syl, flags = doc.syllables, doc.negated_syllables
    out.extend(("n:" if negated else "s:") + s for s, negated in zip(syl, flags))
    out.extend("b:" + a + " " + b for a, b, fa, fb in zip(syl, syl[1:], flags, flags[1:]) if not (fa or fb))
    words = doc.words
    out.extend("a:" + w for i, w in enumerate(words) if i not in neg)
    out.extend("p:" + a + " " + b for i, (a, b) in enumerate(zip(words, words[1:]))
               if i not in neg and i + 1 not in neg)
    return out


def char_wb_ngrams(syllable: str, lo: int, hi: int) -> list[str]:
    """scikit-learn's `char_wb` n-grams of one whitespace-free token: padded with a space each side,
    every n-gram for n in lo..hi, a token shorter than n counted once."""
    w = " " + syllable + " "
    out = []
    for n in range(lo, hi + 1):
        if n >= len(w):
            out.append(w)
            break
        out.extend(w[i:i + n] for i in range(len(w) - n + 1))
    return out


class CharNgramTfidf:
    """TF-IDF of character n-grams inside the folded syllables (not those a customer rules out), the
    same features and weights as TfidfVectorizer(analyzer="char_wb", sublinear_tf=True) on the
    folded text, but about ten times faster on the tagging path: each distinct syllable's n-gram
    column indices are computed once and cached, so a text costs one lookup per syllable and the
    matrix is built in one go."""

    MAX_CACHE = 200_000

    def __init__(self, ngram_range: tuple[int, int] = CHAR_NGRAMS):
        self.ngram_range = tuple(ngram_range)
        self.vocabulary_: dict[str, int] = {}
        self.idf_ = np.zeros(0, dtype=np.float32)
        self._cache: dict[str, np.ndarray] = {}

    def __getstate__(self):
        state = dict(self.__dict__)
        state["_cache"] = {}
        return state

    def _columns(self, syllable: str) -> np.ndarray:
        cols = self._cache.get(syllable)
        if cols is None:
            vocab = self.vocabulary_
            cols = np.array([vocab[g] for g in char_wb_ngrams(syllable, *self.ngram_range) if g in vocab],
                            dtype=np.int32)
            if len(self._cache) >= self.MAX_CACHE:
                self._cache.clear()
            self._cache[syllable] = cols
        return cols

    def fit_transform(self, docs: Sequence[Analysed]) -> sparse.csr_matrix:
        lo, hi = self.ngram_range
        grams = sorted({g for doc in docs for s in set(doc.plain_syllables) if s for g in char_wb_ngrams(s, lo, hi)})
        self.vocabulary_ = {g: j for j, g in enumerate(grams)}
        self._cache = {}
        counts = self._counts(docs)
        df = np.bincount(counts.indices, minlength=len(grams))
        self.idf_ = (np.log((1 + len(docs)) / (1 + df)) + 1).astype(np.float32)
        return self._weigh(counts)

    def transform(self, docs: Sequence[Analysed]) -> sparse.csr_matrix:
        return self._weigh(self._counts(docs))

    def _counts(self, docs: Sequence[Analysed]) -> sparse.csr_matrix:
        columns, lengths = [], []
        for doc in docs:
            parts = [self._columns(s) for s in doc.plain_syllables if s]
            n = sum(len(p) for p in parts)
            lengths.append(n)
            if n:
                columns.extend(parts)
        cols = np.concatenate(columns) if columns else np.zeros(0, dtype=np.int32)
        rows = np.repeat(np.arange(len(docs), dtype=np.int32), lengths)
        counts = sparse.csr_matrix((np.ones(len(cols), dtype=np.float32), (rows, cols)),
                                   shape=(len(docs), len(self.vocabulary_)))
        counts.sum_duplicates()
        return counts

    def _weigh(self, counts: sparse.csr_matrix) -> sparse.csr_matrix:
        x = counts.astype(np.float32)
        np.log(x.data, out=x.data)
        x.data += 1                       # sublinear tf
        x.data *= self.idf_[x.indices]
        return l2_normalize(x)

    def get_feature_names_out(self) -> np.ndarray:
        names = np.empty(len(self.vocabulary_), dtype=object)
        for g, j in self.vocabulary_.items():
            names[j] = g
        return names


class ThemeVectorizer:
    """Word/syllable TF-IDF block + character n-gram TF-IDF block (char_wb on the folded text),
    concatenated and L2-normalised so that both blocks weigh the same. `char_ngrams=None`: the word
    block alone (the classifier's cross-validation may choose it for single-label data)."""

    def __init__(self, char_ngrams: tuple[int, int] | None = CHAR_NGRAMS):
        self.words = TfidfVectorizer(analyzer=features, sublinear_tf=True, dtype=np.float32)
        self.chars = CharNgramTfidf(char_ngrams) if char_ngrams else None
        self.n_word_features = 0

    def fit_transform(self, docs: Sequence[Analysed]) -> sparse.csr_matrix:
        xw = self.words.fit_transform(docs)
        self.n_word_features = xw.shape[1]
        return self._join(xw, self.chars.fit_transform(docs) if self.chars else None)

    def transform(self, docs: Sequence[Analysed]) -> sparse.csr_matrix:
        return self._join(self.words.transform(docs), self.chars.transform(docs) if self.chars else None)

    @staticmethod
    def _join(xw: sparse.csr_matrix, xc: sparse.csr_matrix | None) -> sparse.csr_matrix:
        if xc is None:
            return sparse.csr_matrix(xw, dtype=np.float32)      # (already L2-normalised by TF-IDF)
        return l2_normalize(sparse.hstack([xw, xc], format="csr", dtype=np.float32))

    def get_feature_names_out(self) -> np.ndarray:
        if self.chars is None:
            return self.words.get_feature_names_out()
        return np.concatenate([self.words.get_feature_names_out(),
                               np.array(["c:" + n for n in self.chars.get_feature_names_out()], dtype=object)])
