"""The classifier: training, storage in DuckDB, retraining from QA corrections (keeps the better model)."""
import numpy as np

from voc import setup
from voc.cli.bench_tagging import seed_untagged_cases
from voc.text.classifier import ThemeModel, choose_c, load_active_model, retrain, train, training_examples
from voc.text.normalize import analyse
from voc.text.tagging import correct_case

BOTH_BACKENDS = True     # the `db` tests run on DuckDB and on PostgreSQL (tests/conftest.py)

TEXTS = ["web sập từ sáng", "website không vào được", "máy chủ chết cả ngày", "web die liên tục",
         "bị trừ tiền hai lần", "tính cước sai tháng này", "thu phí không báo trước", "trừ tiền oan",
         "mail không gửi được", "thư vào spam hết", "không nhận được email", "hộp thư đầy"]
LABELS = [["downtime"]] * 4 + [["billing"]] * 4 + [["email_delivery"]] * 4


def test_train_predicts_unseen_and_unaccented_text():
    model = train(TEXTS, LABELS, at_least_one=True)
    assert model.labels == ["billing", "downtime", "email_delivery"]
    assert model.cv_score is not None and 0 <= model.cv_score <= 1
    proba = model.predict_proba([analyse("web lại sập"), analyse("bi tru tien")])
    assert proba.shape == (2, 3) and np.all((proba > 0) & (proba < 1))
    assert model.predict_sets([analyse("web lai sap"), analyse("bi tru tien"), analyse("mail vao spam")]) == [
        ["downtime"], ["billing"], ["email_delivery"]]


def test_model_round_trips_through_bytes():
    model = train(TEXTS, LABELS)
    copy = ThemeModel.from_bytes(model.to_bytes())
    docs = [analyse(t) for t in TEXTS[:3]]
    assert np.allclose(copy.predict_proba(docs), model.predict_proba(docs))


def test_corrections_become_training_examples(db, qa):
    setup.ensure_defaults(db)
    [case_id] = seed_untagged_cases(db, ["mail bị dội về liên tục"])
    correct_case(db, qa, case_id, "email_delivery", True)
    with db.cursor() as cur:
        texts, labels = training_examples(cur)
    assert labels[texts.index("mail bị dội về liên tục")] == ["email_delivery"]


def test_retrain_keeps_the_previous_model_when_the_new_one_is_worse(db, qa):
    setup.ensure_defaults(db)
    with db.transaction() as cur:
        previous_id = cur.execute("SELECT id FROM theme_models WHERE active").fetchone()[0]
        cur.execute("UPDATE theme_models SET cv_score = 0.999 WHERE id = ?", [previous_id])
    report = retrain(db, qa)
    assert report.kept_previous and report.previous_score == 0.999 and report.model_id == previous_id
    assert "giữ nguyên" in report.message()
    with db.cursor() as cur:
        assert load_active_model(cur)[0] == previous_id
        assert cur.execute("SELECT count(*) FROM theme_models").fetchone()[0] == 2
        assert cur.execute("SELECT count(*) FROM events WHERE entity = 'theme_model' AND action = 'kept_previous'"
                           ).fetchone()[0] == 1


def test_retrain_activates_a_better_model(db, qa):
    setup.ensure_defaults(db)
    with db.transaction() as cur:
        previous_id = cur.execute("SELECT id FROM theme_models WHERE active").fetchone()[0]
        cur.execute("UPDATE theme_models SET cv_score = 0.0 WHERE id = ?", [previous_id])
    report = retrain(db, qa)
    assert not report.kept_previous and report.model_id != previous_id
    with db.cursor() as cur:
        assert load_active_model(cur)[0] == report.model_id
        assert cur.execute("SELECT count(*) FROM theme_models WHERE active").fetchone()[0] == 1


def test_identical_training_requests_reuse_the_fitted_model():
    from voc.text import classifier

    classifier.clear_train_cache()
    first = train(TEXTS, LABELS)
    calls = []
    original = classifier._train
    classifier._train = lambda *a, **k: calls.append(1) or original(*a, **k)
    try:
        again = train(list(TEXTS), [list(row) for row in LABELS])
        assert calls == []                      # served from the process cache
        assert again is not first and again.to_bytes() == first.to_bytes()
        again.threshold = 0.01                  # a copy: mutating it does not touch the cache
        assert train(TEXTS, LABELS).threshold == first.threshold
        train(TEXTS, LABELS, at_least_one=True)  # other parameters: trained afresh
        train(TEXTS[:-1] + ["hộp thư bị đầy"], LABELS)
        assert len(calls) == 2
    finally:
        classifier._train = original


def test_character_ngrams_are_features_but_never_evidence():
    model = train(TEXTS, LABELS, at_least_one=True)
    names = model.vectorizer.get_feature_names_out()
    assert any(str(n).startswith("c:") for n in names) and any(str(n).startswith("s:") for n in names)
    doc = analyse("website sập cả ngày")
    x = model.transform([doc])
    j = model.labels.index("downtime")
    evidence = model.evidence(x[0], j, doc)
    assert evidence and all(w in doc.text for w in evidence)
    # a misspelt, unaccented text still lands on the right label through its character n-grams
    assert model.predict_sets([analyse("webbsite sapp")]) == [["downtime"]]


def test_a_model_activated_by_another_process_tags_this_ones_next_case(pg_db, qa):
    """The tagger cache of a process is keyed on the active model read from the database: process A
    activates a retrained model, process B's next tagging uses it."""
    from voc.store.pg import PostgresDatabase
    from voc.text.classifier import save_model
    from voc.text.tagging import tag_case, tagger_for

    setup.ensure_defaults(pg_db)
    [case_id] = seed_untagged_cases(pg_db, ["bị trừ tiền hai lần trong tháng"])
    other = PostgresDatabase(pg_db.url, migrate=False)          # process B's pool
    try:
        with other.transaction() as cur:
            first = tagger_for(cur).model_id                     # B's cache now holds the shipped model
            tag_case(cur, case_id)
        with pg_db.transaction() as cur:                          # process A activates another model
            newer = save_model(cur, train(TEXTS, LABELS, at_least_one=True), qa, activate=True)
        assert newer != first
        with other.transaction() as cur:
            assert tagger_for(cur).model_id == newer
            tag_case(cur, case_id)
            assert {m for (m,) in cur.execute("SELECT model_id FROM case_themes WHERE case_id = ?",
                                              [case_id]).fetchall()} == {newer}
    finally:
        other.close()


def test_cross_validation_on_two_processes_chooses_as_on_one(monkeypatch):
    from voc.text.classifier import clear_train_cache

    models = []
    for workers in ("1", "2"):
        monkeypatch.setenv("VOC_FIT_WORKERS", workers)
        clear_train_cache()
        models.append(train(TEXTS, LABELS))
    one, two = models
    assert one.params == two.params and one.cv_score == two.cv_score
    assert np.allclose(one.label_thresholds(), two.label_thresholds())
    assert np.allclose(one.weights, two.weights, atol=1e-4)


def test_single_label_cross_validation_scores_the_best_label_rule_it_predicts_with():
    # C=1: the right label always comes first, but a second one also scores 0.99 (the
    # threshold rule adds it at any threshold of the grid, so no set is exact); C=3: the
    # second score is low, but one row in four has the wrong label first.
    labels = ["A", "B"]
    gold = [["A"], ["B"], ["A"], ["B"]]
    first = np.array([[0.995, 0.99], [0.99, 0.995], [0.995, 0.99], [0.99, 0.995]])
    second = np.array([[0.9, 0.1], [0.1, 0.9], [0.9, 0.1], [0.9, 0.2]])
    oof = {1.0: first, 3.0: second}
    c, _, accuracy, macro_f1 = choose_c(oof, gold, labels, True, argmax_only=True)
    assert (c, accuracy, macro_f1) == (1.0, 1.0, 1.0)     # what a single-label model predicts
    c, _, accuracy, _ = choose_c(oof, gold, labels, True, argmax_only=False)
    assert (c, accuracy) == (3.0, 0.75)                   # the multi-label rule prefers the other C
