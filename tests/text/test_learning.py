"""The learning curve: scored on company cases held out of every model it compares."""
from voc import setup
from voc.cli.bench_tagging import seed_untagged_cases
from voc.text import learning
from voc.text.learning import format_curve, learning_curve

BOTH_BACKENDS = True     # the `db` tests run on DuckDB and on PostgreSQL (tests/conftest.py)

CASES = [("Hộp thư công ty bị dội về toàn bộ", "email_delivery"), ("Cước tháng này tính gấp đôi", "billing"),
         ("Trang bán hàng đứng hình cả buổi", "downtime"), ("Đợi tổng đài nửa tiếng chưa ai bắt", "support_responsiveness")]


def test_learning_curve_holds_out_a_fifth_and_never_trains_on_it(db, monkeypatch):
    setup.ensure_defaults(db)
    texts = [f"{text} (hồ sơ {i})" for i in range(5) for text, _ in CASES]
    ids = seed_untagged_cases(db, texts)
    with db.transaction() as cur:
        for case_id, (_, code) in zip(ids, CASES * 5):
            cur.execute("INSERT INTO theme_labels (case_id, theme_code, is_positive, labelled_by, labelled_at) "
                        "VALUES (?, ?, true, 'qa', now()::TIMESTAMP)", [case_id, code])
    trained_on: list[set[str]] = []
    real_train = learning.train

    def recording_train(texts, labels, **kwargs):
        trained_on.append(set(texts))
        return real_train(texts, labels, **kwargs)

    monkeypatch.setattr(learning, "train", recording_train)
    n_held, points = learning_curve(db, sizes=(5, 10, 100))
    assert n_held == 4
    assert [p.company_cases for p in points] == [0, 5, 10]          # 100 > the 16 cases left to train on
    assert all(0 <= p.micro_f1 <= 1 and 0 <= p.macro_f1 <= 1 for p in points)
    company = set(texts)
    assert [len(seen & company) for seen in trained_on] == [5, 10]
    held = company - set.union(*trained_on)
    assert len(held) >= n_held                                      # the held-out cases are in no model
    lines = format_curve(n_held, points)
    assert "4 hồ sơ" in lines[0] and "thêm 10 hồ sơ" in lines[-1]


def test_no_curve_without_enough_labelled_cases(db):
    setup.ensure_defaults(db)
    assert learning_curve(db) == (0, [])
    assert "ít nhất 10" in format_curve(0, [])[0]
