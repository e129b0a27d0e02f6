"""The classifier's cross-validation chooses, for single-label data, whether to keep the character
n-gram block: kept where misspelt words meet only through their letters, dropped where it blurs
words that differ by their accents alone."""
from __future__ import annotations

import random

from voc.text.classifier import train
from voc.text.normalize import analyse

FILLERS = "máy chủ tên miền thư điện tử hóa đơn tài khoản mật khẩu tốc độ bảng điều khiển gói cước".split()


def _rows(words_by_label: dict[str, list[str]], n: int, seed: int) -> tuple[list[str], list[list[str]]]:
    rng = random.Random(seed)
    texts, labels = [], []
    for i in range(n):
        label = sorted(words_by_label)[i % len(words_by_label)]
        filler = rng.sample(FILLERS, 3)
        texts.append(" ".join(filler[:2] + [rng.choice(words_by_label[label])] + filler[2:]))
        labels.append([label])
    return texts, labels


def test_accent_pairs_drop_the_char_block():
    # Each positive word folds like a negative one ("tốt" / "tột"): the folded character n-grams
    # say nothing, so only the word block as typed tells the classes apart.
    texts, labels = _rows({"pos": ["tốt", "hay", "mừng", "vui", "sướng"],
                           "neg": ["tột", "hãy", "mưng", "vụi", "sương"]}, 80, 0)
    model = train(texts, labels, at_least_one=True)
    assert model.params["char_block"] is False
    assert model.vectorizer.chars is None
    assert not any(str(name).startswith("c:") for name in model.vectorizer.get_feature_names_out())
    good, bad = model.predict_proba([analyse("tốc độ tốt"), analyse("tốc độ tột")])[:, model.labels.index("pos")]
    assert good > bad


def _misspelt(word: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word) - 1)
    return word[:i] + rng.choice("xzqj") + word[i + 1:] if rng.random() < 0.5 else word[:i] + word[i + 1:]


def test_misspelt_words_keep_the_char_block():
    # Every text misspells its topic word its own way: words rarely recur, their letters do.
    rng = random.Random(1)
    words = {"web": [_misspelt("wordpress", rng) for _ in range(40)],
             "mail": [_misspelt("thunderbird", rng) for _ in range(40)]}
    texts, labels = _rows(words, 80, 1)
    model = train(texts, labels, at_least_one=True)
    assert model.params["char_block"] is True
    assert model.vectorizer.chars is not None


def test_multi_label_data_keep_the_char_block():
    # The rows that drop the block above, one of them with both labels: the choice is not made.
    texts, labels = _rows({"pos": ["tốt", "hay", "mừng", "vui", "sướng"],
                           "neg": ["tột", "hãy", "mưng", "vụi", "sương"]}, 80, 0)
    labels[0] = ["neg", "pos"]
    assert train(texts, labels, at_least_one=True).params["char_block"] is True
