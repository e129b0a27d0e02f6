"""Negativity: the shipped sentiment model, its evidence, and its benchmark beside the baseline."""
import csv

from voc.plaintext import strip_diacritics
from voc.text.evaluate import Baseline
from voc.text.metrics import set_metrics
from voc.text.sentiment import (SENTIMENT_HELDOUT, SentimentModel, default_sentiment_model, lexicon_hits,
                                load_sentiment_csv, shipped_training_data)
from voc.text.normalize import analyse
from voc.text.sentiment_eval import evaluate_sentiment


def test_complaints_score_high_and_thanks_low_with_or_without_diacritics():
    model = default_sentiment_model()
    angry = "Dịch vụ quá tệ, web sập cả ngày mà gọi không ai nghe máy, thất vọng vô cùng"
    happy = "Cảm ơn các bạn đã hỗ trợ rất nhanh và nhiệt tình, mình rất hài lòng"
    for text in (angry, strip_diacritics(angry)):
        s = model.assess(text)
        assert s.label == "negative" and 0.5 < s.negativity <= 1
        assert s.evidence and all(strip_diacritics(w).lower() in strip_diacritics(text).lower() for w in s.evidence)
    for text in (happy, strip_diacritics(happy)):
        s = model.assess(text)
        assert s.label == "positive" and 0 <= s.negativity < 0.5 and s.evidence == []


def test_lexicon_hits_respect_accents_but_match_unaccented_typing():
    assert lexicon_hits(analyse("Dịch vụ không tốt, quá tệ"), "negative") == ["không tốt", "quá tệ"]
    assert [strip_diacritics(w) for w in lexicon_hits(analyse("dich vu khong tot"), "negative")] == ["khong tot"]
    assert "tê" not in lexicon_hits(analyse("tay bị tê"), "negative")


def test_an_empty_text_is_neutral_with_no_negativity():
    s = default_sentiment_model().assess("")
    assert (s.negativity, s.evidence) == (0.0, [])


def test_the_shipped_model_on_the_held_out_part_of_its_corpus():
    """Held-out rows are written from phrase pools the training part never uses. Measured: engine
    accuracy 0.82 / macro-F1 0.79, the baseline trained on the same rows 0.86 / 0.85 (the one
    setting where the baseline wins; see the README)."""
    texts, labels = load_sentiment_csv(SENTIMENT_HELDOUT)
    engine = set_metrics(labels, default_sentiment_model().predict(texts))
    train_texts, train_labels = shipped_training_data()
    baseline = set_metrics(labels, Baseline(train_texts, train_labels).predict(texts))
    majority = max(sum(row == [label] for row in labels) for label in ("negative", "neutral", "positive"))
    assert engine.accuracy > 0.78 and engine.macro_f1 > 0.75 and engine.accuracy > majority / len(labels) + 0.3
    assert baseline.accuracy - engine.accuracy < 0.08


def test_evaluate_reports_the_engine_beside_the_baseline_in_domain(tmp_path):
    texts, labels = load_sentiment_csv(SENTIMENT_HELDOUT)
    report = evaluate_sentiment(texts[:400], labels[:400], texts[400:], labels[400:])
    assert report.rows == 200 and report.in_domain.train_rows == 400
    assert report.shipped is not None                      # negative/neutral/positive: comparable
    text = report.format()
    for part in ("in-domain", "shipped", "baseline, as given", "engine, stripped", "sentiment_macro_f1="):
        assert part in text
    assert 0 < report.in_domain.engine.accuracy <= 1 and report.majority.rows == 200


def test_a_model_trained_on_other_labels_scores_no_negativity(tmp_path):
    model = SentimentModel.fit(["hay quá", "dở quá"] * 6, [["good"], ["bad"]] * 6, with_lexicon=False)
    s = model.assess("hay quá")
    assert s.label == "good" and s.negativity == 0.0


def test_the_corpus_files_have_the_three_labels():
    with SENTIMENT_HELDOUT.open(encoding="utf-8") as handle:
        seen = {row["sentiment"] for row in csv.DictReader(handle)}
    assert seen == {"negative", "neutral", "positive"}
