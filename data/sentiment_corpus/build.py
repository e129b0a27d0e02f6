"""Build the labelled hosting sentiment corpus: train.csv and heldout.csv beside this file.

    python data/sentiment_corpus/build.py

Columns: text, sentiment (negative / neutral / positive). Each row is one customer message:

- negative: a complaint from the hosting corpus' problem statements (data/hosting_corpus, with its
  openers, time contexts, consequences and requests), half of them with blame or feeling
  (phrases.FEELINGS), or blame alone, or a negated praise ("không tốt chút nào");
- positive: praise, a problem solved with thanks, a negated complaint ("không có gì để chê"), or the
  hosting corpus' thanks;
- neutral: the hosting corpus' sales and how-to questions, and plain statements and requests.

Shares: 50 % negative, 30 % positive, 20 % neutral. Every message is then written in one of the
hosting corpus' four styles (accented, without diacritics, chat shorthand, typos and English
words). The train and held-out parts draw on disjoint pools, so the held-out score measures
wording the model has not seen. Deterministic (seeded).
"""
from __future__ import annotations

import csv
import importlib.util
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


hosting = _load("hosting_build", HERE.parent / "hosting_corpus" / "build.py")   # (imports its own phrases)
hosting_phrases = sys.modules["phrases"]
own = _load("sentiment_phrases", HERE / "phrases.py")
FEELINGS, NEGATED_NEGATIVE, NEGATED_POSITIVE = own.FEELINGS, own.NEGATED_NEGATIVE, own.NEGATED_POSITIVE
NEUTRAL, PRAISE, RESOLVED = own.NEUTRAL, own.PRAISE, own.RESOLVED

SHARES = (("negative", 0.5), ("positive", 0.3), ("neutral", 0.2))


def _pick(pool: dict[str, list[str]], part: str, rng: random.Random) -> str:
    return rng.choice(pool[part])


def negative(part: str, rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.7:
        text, _ = _complaint(part, rng)
        if rng.random() < 0.5:
            feeling = _pick(FEELINGS, part, rng)
            text = f"{feeling}, {text}" if rng.random() < 0.4 else f"{text.rstrip('.')}. {feeling[:1].upper()}{feeling[1:]}"
        return text
    if roll < 0.85:
        return _pick(FEELINGS, part, rng) + rng.choice(("", "!", "!!!", "."))
    return f"{rng.choice(['dịch vụ', 'hỗ trợ', 'bên này', 'nhân viên', 'tốc độ'])} {_pick(NEGATED_POSITIVE, part, rng)}"


def _complaint(part: str, rng: random.Random) -> tuple[str, list[str]]:
    while True:
        text, themes = hosting.compose(part, rng)
        if themes:
            return text, themes


def positive(part: str, rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.45:
        text = _pick(PRAISE, part, rng)
        if rng.random() < 0.3:
            text += ", " + _pick(PRAISE, part, rng)
    elif roll < 0.65:
        text = _pick(RESOLVED, part, rng)
    elif roll < 0.8:
        text = f"{rng.choice(['dùng', 'dịch vụ', 'hỗ trợ', 'mấy tháng nay'])} {_pick(NEGATED_NEGATIVE, part, rng)}"
    elif part == "train":
        text = rng.choice(hosting_phrases.THANKS).format(w=rng.choice(hosting_phrases.THANKED))
    else:
        text = rng.choice(["cảm ơn", "thanks", "cám ơn"]) + " " + _pick(PRAISE, part, rng)
    opener = rng.choice(hosting_phrases.WRAP["opener"][part])
    return hosting._sentence([opener, text + rng.choice(("", "!", ".", " ạ", " nhé"))])


def neutral(part: str, rng: random.Random) -> str:
    if part == "train" and rng.random() < 0.5:
        text = rng.choice(hosting_phrases.QUESTIONS).format(p=rng.choice(hosting_phrases.PRODUCTS))
    else:
        text = _pick(NEUTRAL, part, rng)
    opener = rng.choice(hosting_phrases.WRAP["opener"][part])
    return hosting._sentence([opener, text + rng.choice(("", "?", ".", " ạ", " nhé"))])


COMPOSERS = {"negative": negative, "positive": positive, "neutral": neutral}


def build(part: str, rows: int, seed: int) -> list[tuple[str, str]]:
    rng = random.Random(seed)
    labels, weights = zip(*SHARES)
    names, style_weights = zip(*hosting.STYLES)
    seen: set[str] = set()
    out = []
    while len(out) < rows:
        label = rng.choices(labels, weights)[0]
        text = COMPOSERS[label](part, rng)
        styled = hosting.style(text, rng.choices(names, style_weights)[0], part, rng)
        if styled.lower() in seen:
            continue
        seen.add(styled.lower())
        out.append((styled, label))
    return out


def write(path: Path, rows: list[tuple[str, str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["text", "sentiment"])
        writer.writerows(rows)


if __name__ == "__main__":
    write(HERE / "train.csv", build("train", 3000, seed=19))
    write(HERE / "heldout.csv", build("heldout", 600, seed=2019))
