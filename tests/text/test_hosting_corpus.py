"""The hosting corpus that the shipped model learns from and is measured on: the committed CSVs are
what build.py makes, and the held-out parts share no message with the train part."""
import csv
import importlib.util
import sys
from pathlib import Path

import pytest

from voc.plaintext import strip_diacritics
from voc.text.taxonomy import load_default_taxonomy

CORPUS = Path(__file__).resolve().parents[2] / "data" / "hosting_corpus"


@pytest.fixture(scope="module")
def build():
    sys.path.insert(0, str(CORPUS))
    try:
        spec = importlib.util.spec_from_file_location("hosting_corpus_build", CORPUS / "build.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        yield module
    finally:
        sys.path.remove(str(CORPUS))


def _rows(name: str) -> list[tuple[str, ...]]:
    """(text, labels, style, source), or without source for a file that has none."""
    with (CORPUS / name).open(encoding="utf-8", newline="") as handle:
        return [(r["text"], r["labels"], r["style"]) + ((r["source"],) if "source" in r else ())
                for r in csv.DictReader(handle)]


def _key(text: str) -> str:
    return " ".join(strip_diacritics(text).lower().split())


def test_committed_files_are_what_build_makes(build):
    assert _rows("heldout_messages.csv") == [tuple(r) for r in build.build_messages("heldout", 1, seed=2013)]
    import messages_heldout2

    assert _rows("heldout_messages2.csv") == [
        tuple(r) for r in build.build_messages("heldout", 1, seed=2014, messages=messages_heldout2.MESSAGES)]
    assert _rows("heldout.csv") == [tuple(r) for r in build.build("heldout", 600, seed=2012)]
    train = _rows("train.csv")
    assert train[:2500] == [tuple(r) for r in build.build("train", 2500, seed=12)]
    assert set(train) >= {tuple(r) for r in build.build_lexicon(2000, seed=14)}
    import messages_heldout3

    assert _rows("heldout_messages3.csv") == [tuple(r) for r in messages_heldout3.MESSAGES]
    import messages_heldout4

    assert _rows("heldout_messages4.csv") == [tuple(r) for r in messages_heldout4.MESSAGES]
    import messages_heldout5

    assert _rows("heldout_messages5.csv") == [tuple(r) for r in messages_heldout5.MESSAGES]


def test_the_styles_of_one_train_message_share_a_source(build):
    """The source column groups a message's styles, so cross-validation keeps them in one fold."""
    rows = [r for r in _rows("train.csv") if r[3].startswith("tm")]
    by_source: dict[str, set[str]] = {}
    for _, _, style, source in rows:
        by_source.setdefault(source, set()).add(style)
    assert max(len(styles) for styles in by_source.values()) == 3
    assert len(by_source) > 250

def test_held_out_messages_are_not_train_messages(build):
    import lexicon
    import messages_heldout
    import messages_heldout2
    import messages_train
    import messages_train2
    import messages_train3

    train = {_key(text) for text, _ in messages_train.MESSAGES + messages_train2.MESSAGES + messages_train3.MESSAGES}
    train |= {_key(e) for expressions in lexicon.EXPRESSIONS.values() for e in expressions}
    train_rows = {_key(r[0]) for r in _rows("train.csv")}
    import messages_heldout3
    import messages_heldout4
    import messages_heldout5

    for held_messages, name in ((messages_heldout, "heldout_messages.csv"), (messages_heldout2, "heldout_messages2.csv"),
                                (messages_heldout3, "heldout_messages3.csv"), (messages_heldout4, "heldout_messages4.csv"),
                                (messages_heldout5, "heldout_messages5.csv")):
        held = [_key(row[0]) for row in held_messages.MESSAGES]
        assert held and not train.intersection(held)
        assert not train_rows.intersection(_key(r[0]) for r in _rows(name))


def test_every_theme_and_style_and_non_complaints_in_both_parts():
    codes = {t.code for t in load_default_taxonomy()[1]}
    for name in ("train.csv", "heldout_messages.csv", "heldout_messages2.csv", "heldout_messages3.csv",
                 "heldout_messages4.csv", "heldout_messages5.csv"):
        rows = _rows(name)
        assert {label for _, labels, *_ in rows for label in labels.split("|") if label} == codes
        assert any(not labels for _, labels, *_ in rows)
        assert {r[2] for r in rows} >= {"accented", "no_diacritics", "chat", "typo_english"}


def test_the_fifth_held_out_set_is_long_letters_with_every_theme_four_times():
    """heldout_messages5.csv measures the engine on long letters: 80-300 words each, 1-3 themes a
    complaint, every theme at least four times, and non-complaints among them."""
    rows = _rows("heldout_messages5.csv")
    assert all(80 <= len(text.split()) <= 300 for text, *_ in rows)
    assert all(len(labels.split("|")) <= 3 for _, labels, *_ in rows)
    counts: dict[str, int] = {}
    for _, labels, *_ in rows:
        for label in filter(None, labels.split("|")):
            counts[label] = counts.get(label, 0) + 1
    assert set(counts) == {t.code for t in load_default_taxonomy()[1]} and min(counts.values()) >= 4
    assert sum(1 for _, labels, *_ in rows if not labels) >= 10


def test_non_complaints_carry_the_words_of_themes(build):
    """Hard negatives: questions and thanks about a theme's topic are labelled with no theme."""
    import lexicon

    rows = build.build_lexicon(300, seed=1)
    asks = [text for text, labels, *_ in rows if not labels]
    assert asks and all(labels for text, labels, *_ in rows if text not in asks)
    topics = {_key(t) for t in lexicon.TOPICS}
    assert any(any(topic in _key(text) for topic in topics) for text in asks)


def test_the_other_domain_multi_label_set_is_what_its_build_makes_and_its_parts_share_no_clause():
    folder = CORPUS.parent / "restaurant_aspects"
    spec = importlib.util.spec_from_file_location("restaurant_build", folder / "build.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    for name, part, rows, seed in (("train.csv", "train", 400, 5), ("test.csv", "test", 150, 55)):
        with (folder / name).open(encoding="utf-8", newline="") as handle:
            assert [(r["text"], r["labels"]) for r in csv.DictReader(handle)] == module.build(part, rows, seed)
    for clauses in module.CLAUSES.values():
        assert not set(clauses["train"]) & set(clauses["test"])
    assert any("|" in labels for _, labels in module.build("test", 150, 55))
