"""Evaluation metrics against a hand-computed case, the CSV loader and the CLI's last line."""
import re

import pytest

from voc.text.evaluate import load_labelled_csv
from voc.text.metrics import set_metrics


def test_set_metrics_hand_computed():
    gold = [["A"], ["A"], ["B"], ["A", "C"]]
    pred = [["A"], ["B"], ["B"], ["A"]]
    m = set_metrics(gold, pred)
    # exact set matches: rows 1 and 3
    assert m.accuracy == pytest.approx(0.5)
    per = {s.label: s for s in m.per_label}
    # A: tp 2, fp 0, fn 1 -> P 1, R 2/3, F1 0.8
    assert (per["A"].precision, per["A"].recall, per["A"].f1) == pytest.approx((1.0, 2 / 3, 0.8))
    # B: tp 1, fp 1, fn 0 -> P 0.5, R 1, F1 2/3
    assert (per["B"].precision, per["B"].recall, per["B"].f1) == pytest.approx((0.5, 1.0, 2 / 3))
    # C: never predicted -> F1 0
    assert per["C"].f1 == 0 and per["C"].support == 1
    assert m.macro_f1 == pytest.approx((0.8 + 2 / 3 + 0) / 3)
    assert m.weighted_f1 == pytest.approx((0.8 * 3 + 2 / 3 * 1 + 0 * 1) / 5)


def test_label_order_does_not_matter_for_exact_match():
    assert set_metrics([["A", "B"]], [["B", "A"]]).accuracy == 1.0


def test_load_labelled_csv(tmp_path):
    path = tmp_path / "x.csv"
    path.write_text('text,labels\n"web sập",downtime\n"trừ tiền, chậm",billing|slowness\n,downtime\n',
                    encoding="utf-8")
    texts, labels = load_labelled_csv(path)
    assert texts == ["web sập", "trừ tiền, chậm"]
    assert labels == [["downtime"], ["billing", "slowness"]]


def test_evaluate_command_prints_summary_last(tmp_path, capsys):
    from voc.cli.commands import main

    rows = [("web sập không vào được", "downtime"), ("website chết từ sáng", "downtime"),
            ("máy chủ sập cả ngày", "downtime"), ("web không truy cập được", "downtime"),
            ("bị trừ tiền hai lần", "billing"), ("tính cước sai", "billing"),
            ("thu phí cao quá", "billing"), ("trừ tiền không báo", "billing"),
            ("gọi tổng đài không ai nghe", "support"), ("chờ hỗ trợ lâu quá", "support"),
            ("hotline không ai bắt máy", "support"), ("ticket không ai trả lời", "support")]
    train = tmp_path / "train.csv"
    train.write_text("text,labels\n" + "\n".join(f'"{t}",{label}' for t, label in rows), encoding="utf-8")
    test = tmp_path / "test.csv"
    test.write_text('text,labels\n"web bị sập rồi",downtime\n"bị trừ tiền",billing\n', encoding="utf-8")
    assert main(["evaluate", "--train", str(train), "--test", str(test)]) == 0
    out = capsys.readouterr().out.strip().splitlines()
    assert "accuracy (exact label set match)" in "\n".join(out)
    last = re.fullmatch(r"macro_f1=([\d.]+) accuracy=([\d.]+) stripped_accuracy=([\d.]+) "
                        r"baseline_macro_f1=([\d.]+) baseline_accuracy=([\d.]+)", out[-1])
    assert last, out[-1]
    assert float(last.group(2)) == 1.0 and float(last.group(3)) == 1.0
    assert 0.0 <= float(last.group(4)) <= 1.0 and 0.0 <= float(last.group(5)) <= 1.0
    assert any(line.startswith("== baseline") for line in out)


SINGLE_TRAIN = (["web sập không vào được", "website chết từ sáng", "máy chủ sập cả ngày", "web không truy cập được",
                 "bị trừ tiền hai lần", "tính cước sai", "thu phí cao quá", "trừ tiền không báo",
                 "gọi tổng đài không ai nghe", "chờ hỗ trợ lâu quá", "hotline không ai bắt máy",
                 "ticket không ai trả lời"],
                [["downtime"]] * 4 + [["billing"]] * 4 + [["support"]] * 4)
# Texts unlike any training row: a model free to return any set would leave some empty or doubled.
ODD_TEXTS = ["xin chào", "ok", "hôm nay trời đẹp", "web sập và bị trừ tiền, gọi tổng đài không ai nghe", "???"]


def test_single_label_training_gives_exactly_one_label_per_row():
    from voc.text.classifier import train
    from voc.text.evaluate import Baseline
    from voc.text.normalize import analyse

    model = train(*SINGLE_TRAIN, at_least_one=True)
    for predicted in (model.predict_sets([analyse(t) for t in ODD_TEXTS]), Baseline(*SINGLE_TRAIN).predict(ODD_TEXTS)):
        assert [len(row) for row in predicted] == [1] * len(ODD_TEXTS)


def test_baseline_is_one_vs_rest_on_multi_label_data_and_never_empty():
    from voc.text.evaluate import Baseline

    texts, labels = SINGLE_TRAIN
    texts = texts + ["web sập mà còn bị trừ tiền", "máy chủ chết, tính cước vẫn đủ"]
    labels = labels + [["billing", "downtime"]] * 2
    baseline = Baseline(texts, labels)
    assert not baseline.single
    predicted = baseline.predict(ODD_TEXTS + texts)
    assert all(predicted)
    assert predicted[len(ODD_TEXTS):][:4] == [["downtime"]] * 4


def test_in_domain_check_never_trains_on_the_row_it_predicts(monkeypatch):
    from voc.text import classifier
    from voc.text.evaluate import in_domain_check

    seen_by_model: list[set[str]] = []
    real_train = classifier.train

    def recording_train(texts, labels, **kwargs):
        seen_by_model.append(set(texts))
        return real_train(texts, labels, **kwargs)

    monkeypatch.setattr(classifier, "train", recording_train)
    train_rows = ["web sập", "website chết", "bị trừ tiền", "tính cước sai"]
    test_rows = ["web sập rồi", "máy chủ chết", "trừ tiền hai lần", "cước sai", "web lỗi", "thu tiền sai"]
    gold = [["downtime"], ["downtime"], ["billing"], ["billing"], ["downtime"], ["billing"]]
    m = in_domain_check(train_rows, [["downtime"], ["downtime"], ["billing"], ["billing"]], test_rows, gold, folds=3)
    assert len(seen_by_model) == 3
    for seen in seen_by_model:
        assert set(train_rows) <= seen
        assert len(set(test_rows) & seen) == 4          # two thirds of the test file, never the held-out third
    assert sum(len(set(test_rows) - seen) for seen in seen_by_model) == len(test_rows)  # each row held out once
    assert m.rows == len(test_rows) and 0.0 <= m.accuracy <= 1.0


TAGGING_ROWS = [("web sập không vào được", "downtime"), ("website chết từ sáng", "downtime"),
                ("máy chủ sập cả ngày", "downtime"), ("web không truy cập được", "downtime"),
                ("bị trừ tiền hai lần", "billing"), ("tính cước sai", "billing"),
                ("thu phí cao quá", "billing"), ("trừ tiền không báo", "billing"),
                ("cảm ơn bạn nhiều", ""), ("cho hỏi giá gói hosting", ""), ("cảm ơn đã hỗ trợ", ""),
                ("cho hỏi giá tên miền", "")]


def _csv(path, rows):
    path.write_text("text,labels\n" + "\n".join(f'"{t}",{label}' for t, label in rows), encoding="utf-8")
    return str(path)


def test_evaluate_tagging_scores_several_test_files_on_one_fit_then_cross_validates(tmp_path, capsys, monkeypatch):
    from voc.cli.commands import main
    from voc.text import classifier

    grids = []
    real_train = classifier.train

    def recording_train(texts, labels, **kwargs):
        grids.append(tuple(kwargs.get("c_grid", classifier.C_GRID)))
        return real_train(texts, labels, **kwargs)

    monkeypatch.setattr(classifier, "train", recording_train)
    train = _csv(tmp_path / "train.csv", TAGGING_ROWS)
    first = _csv(tmp_path / "a.csv", [("web bị sập rồi", "downtime"), ("cảm ơn nhé", "")])
    second = _csv(tmp_path / "b.csv", [("bị trừ tiền", "billing"), ("cho hỏi giá VPS", "")])
    assert main(["evaluate", "--tagging", "--cv", "2", "--train", train, "--test", first, second]) == 0
    out = capsys.readouterr().out
    assert out.count("tested on") == 2 and f"tested on {first}" in out and f"tested on {second}" in out
    assert "2-fold cross-validation" in out
    lines = [line for line in out.splitlines() if line.startswith("micro_f1=")]
    assert len(lines) == 3                            # one summary per test file, one for the folds
    for line in lines:
        values = dict(part.split("=") for part in line.split())
        assert all(0.0 <= float(v) <= 1.0 for v in values.values())
    # one fit with the whole grid for the test files, then one per fold with the C it chose
    assert grids[0] == tuple(classifier.C_GRID) and len(grids) == 3
    assert grids[1] == grids[2] and len(grids[1]) == 1 and grids[1][0] in classifier.C_GRID


def test_cross_validated_tagging_never_trains_on_the_row_it_predicts(monkeypatch):
    from voc.text import classifier
    from voc.text.evaluate import cross_validate_tagging

    seen: list[set[str]] = []
    real_train = classifier.train

    def recording_train(texts, labels, **kwargs):
        seen.append(set(texts))
        return real_train(texts, labels, **kwargs)

    monkeypatch.setattr(classifier, "train", recording_train)
    texts, labels = [t for t, _ in TAGGING_ROWS], [[label] if label else [] for _, label in TAGGING_ROWS]
    report = cross_validate_tagging(texts, labels, folds=3, with_defaults=False)
    assert len(seen) == 3
    assert sum(len(set(texts) - s) for s in seen) == len(texts)     # each row held out exactly once
    assert report.engine.rows == len(texts) and 0.0 <= report.engine.micro_f1 <= 1.0
