"""Negation inside the classifier's features ("không phải lỗi DNS" is no DNS complaint) and
cross-validation grouped by source message (the styles of one message in one fold)."""
import csv

import numpy as np

from voc.text.classifier import _folds, train
from voc.text.evaluate import tagging_folds
from voc.text.features import ThemeVectorizer, features
from voc.text.groups import load_sources, row_groups
from voc.text.normalize import analyse
from voc.text.taxonomy import CORPUS_TRAIN_FILE
from voc.plaintext import strip_diacritics


def _ruled_out(text: str) -> list[str]:
    doc = analyse(text)
    return [w for i, w in enumerate(doc.folded) if i in doc.negated]


def test_the_words_a_customer_rules_out_are_found_with_or_without_accents_and_in_chat():
    for text in ("Không phải lỗi DNS, web load rất chậm", "khong phai loi DNS, web load rat cham",
                 "ko phải do dns đâu, web chậm lắm", "không liên quan đến DNS mà web chậm"):
        assert "dns" in _ruled_out(text), text
        assert "cham" not in _ruled_out(text), text
    assert _ruled_out("Website không phải chậm, vấn đề là form không gửi được thư") == ["cham"]


def test_plain_negation_of_the_complaint_itself_rules_nothing_out():
    for text in ("web không vào được từ sáng", "tôi không đổ lỗi cho ai, mail không gửi được", "mail ko gui dc",
                 "có phải bên anh cấu hình DNS sai không?"):
        assert _ruled_out(text) == [], text


def test_ruled_out_words_give_only_negated_features():
    names = features(analyse("không phải lỗi DNS, web chậm"))
    assert "n:dns" in names and "s:dns" not in names and "a:dns" not in names
    assert not any("dns" in n for n in names if not n.startswith("n:"))
    assert "s:cham" in names
    vectorizer = ThemeVectorizer()
    vectorizer.fit_transform([analyse("lỗi dns"), analyse("web chậm")])
    dns_grams = {j for g, j in vectorizer.chars.vocabulary_.items() if g in (" dns ", "dns", " dn")}
    x = vectorizer.chars.transform([analyse("không phải lỗi dns")])
    assert dns_grams and not dns_grams & set(x.indices)


def test_the_model_does_not_read_a_ruled_out_cause_as_the_topic():
    texts = ["lỗi dns", "dns trỏ sai", "bản ghi dns sai", "dns lỗi rồi",
             "web chậm quá", "tải trang chậm", "website load chậm", "trang chậm kinh khủng"]
    labels = [["domain_dns"]] * 4 + [["slowness"]] * 4
    model = train(texts, labels, at_least_one=True)
    dns = model.labels.index("domain_dns")
    negated, plain = model.predict_proba([analyse("không phải lỗi dns, web chậm"), analyse("lỗi dns, web chậm")])
    assert negated[dns] < plain[dns] - 0.1 and negated.argmax() != dns
    assert model.predict_sets([analyse("khong phai loi dns, web cham")]) == [["slowness"]]


def test_rows_equal_but_for_accents_or_of_one_source_share_a_group():
    groups = row_groups(["Web bị sập!", "web bi sap", "mail lỗi", "thư bị trả về", "hóa đơn sai"],
                        [None, None, "m1", "m1", None])
    assert groups[0] == groups[1] and groups[2] == groups[3]
    assert len({groups[0], groups[2], groups[4]}) == 3


def test_cross_validation_keeps_the_styles_of_one_message_in_one_fold():
    with CORPUS_TRAIN_FILE.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    texts = [r["text"] for r in rows]
    labels = [[x for x in r["labels"].split("|") if x] for r in rows]
    sources = load_sources(CORPUS_TRAIN_FILE)
    fold_of = np.zeros(len(texts), dtype=int)
    for k, (_, held) in enumerate(tagging_folds(texts, labels, 5, sources=sources)):
        fold_of[held] = k
    by_source: dict[str, set[int]] = {}
    for source, fold in zip(sources, fold_of):
        by_source.setdefault(source, set()).add(int(fold))
    assert sum(1 for s in sources if s.startswith("tm")) > 600
    assert all(len(folds) == 1 for folds in by_source.values())
    # the classifier's inner folds: the same, also for rows given without their source
    names = sorted({x for row in labels for x in row})
    y = np.zeros((len(texts), len(names)), dtype=np.int8)
    for i, row in enumerate(labels):
        for x in row:
            y[i, names.index(x)] = 1
    inner = np.zeros(len(texts), dtype=int)
    for k, (_, held) in enumerate(_folds(y, row_groups(texts), seed=0)):
        inner[held] = k
    for i, text in enumerate(texts[:400]):
        bare = [j for j, t in enumerate(texts) if t == strip_diacritics(text) and j != i]
        assert all(inner[j] == inner[i] for j in bare)
    assert all(len({int(inner[i]) for i, s in enumerate(sources) if s == source}) == 1
               for source in list(by_source)[:300])
