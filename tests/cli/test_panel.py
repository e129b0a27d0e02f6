"""The generality panel (voc/cli/panel.py): its tasks score the engine and the baseline on the same rows."""
import pytest

from voc.cli import panel

TEXTS = [f"{words} lần {i}" for words in ("web sập từ sáng", "bị trừ tiền hai lần", "mail không gửi được")
         for i in range(8)]
LABELS = [[code] for code in ("downtime", "billing", "email") for _ in range(8)]


def test_bootstrap_noise_is_zero_for_perfect_predictions_and_positive_otherwise():
    assert panel.bootstrap_noise(LABELS, LABELS) == 0.0
    wrong = [["billing"] if i % 3 == 0 else row for i, row in enumerate(LABELS)]
    assert panel.bootstrap_noise(LABELS, wrong) > 0.0


def test_cross_validation_task_pools_every_row_once_and_scores_both_models():
    result = panel.cv_task("toy", (TEXTS, LABELS), folds=3)
    assert result.rows == len(TEXTS)
    assert result.engine_macro_f1 == 1.0 and result.engine_accuracy == 1.0
    assert 0.0 <= result.baseline_macro_f1 <= 1.0
    assert result.margin == pytest.approx(1.0 - result.baseline_macro_f1)
    assert "toy" in result.line() and "margin=" in result.line()


def test_bank_test_tasks_only_on_request_and_unknown_tasks_refused():
    assert not {"bank_aspects", "bank_sentiment"} & set(panel.tasks(bank_test=False))
    assert {"bank_aspects", "bank_sentiment"} <= set(panel.tasks(bank_test=True))
    with pytest.raises(ValueError, match="Không có tác vụ"):
        panel.run(["no_such_task"], out=lambda line: None)
