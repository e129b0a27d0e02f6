"""Tagging: accent-free text tagged like accented text, tags on intake, QA corrections, the backfill."""
import json

import pytest

from tests.conftest import make_draft
from voc import setup
from voc.desk import cases
from voc.store.audit import events_for
from voc.cli.bench_tagging import seed_untagged_cases
from voc.text.normalize import analyse
from voc.text.tagging import backfill, case_tags, correct_case, tag_case, tag_text

BOTH_BACKENDS = True     # the `db` tests run on DuckDB and on PostgreSQL (tests/conftest.py)


def test_unaccented_chat_text_is_tagged_like_accented_text():
    bare = tag_text("web bi sap tu sang, goi ko ai nghe may")
    accented = tag_text("Web bị sập từ sáng, gọi không ai nghe máy")
    assert {t.code for t in bare} == {t.code for t in accented}
    assert {"downtime", "support_responsiveness"} <= {t.code for t in bare}
    for tag in bare:
        assert 0 < tag.score <= 1 and tag.evidence and tag.source in ("rule", "model")
    downtime = next(t for t in bare if t.code == "downtime")
    assert downtime.evidence[0] == "website bi sap"


def test_text_without_any_theme_gets_none():
    assert tag_text("") == []


def test_a_received_case_is_tagged_in_its_intake_transaction(db, staff):
    setup.ensure_defaults(db)
    case = cases.receive(db, staff, make_draft())
    with db.cursor() as cur:
        tags = case_tags(cur, case.id)
        evidence = cur.execute("SELECT evidence FROM case_themes WHERE case_id = ? AND theme_code = 'downtime'",
                               [case.id]).fetchone()[0]
    assert "downtime" in {t.code for t in tags}
    assert json.loads(evidence)


def test_an_intake_on_postgresql_writes_its_tags_without_a_temporary_table(pg_db, staff):
    """Tags and risk go in as plain INSERTs: register() on PostgreSQL is a temporary table, catalog rows
    written and deleted by every intake (and its DROP makes psycopg drop the connection's prepared
    statements when it first sees it)."""
    setup.ensure_defaults(pg_db)
    with pg_db.transaction() as cur:
        case = cases.receive_in(cur, staff, make_draft())
        catalog_rows = cur.execute("SELECT n_tup_ins + n_tup_del FROM pg_stat_xact_sys_tables "
                                   "WHERE relname = 'pg_class'").fetchone()[0]
        tags = case_tags(cur, case.id)
    assert "downtime" in {t.code for t in tags}
    assert catalog_rows == 0


def test_retagging_replaces_rows(db):
    setup.ensure_defaults(db)
    [case_id] = seed_untagged_cases(db, ["Web bị sập, gọi tổng đài không ai nghe máy"])
    for _ in range(2):
        with db.transaction() as cur:
            tag_case(cur, case_id)
    with db.cursor() as cur:
        rows = cur.execute("SELECT theme_code, count(*) FROM case_themes WHERE case_id = ? GROUP BY 1",
                           [case_id]).fetchall()
    assert rows and all(n == 1 for _, n in rows)


def test_qa_corrections_override_the_machine_and_are_audited(db, qa, staff):
    setup.ensure_defaults(db)
    [case_id] = seed_untagged_cases(db, ["Web bị sập từ sáng"])
    tags = correct_case(db, qa, case_id, "downtime", False)
    assert "downtime" not in {t.code for t in tags}
    tags = correct_case(db, qa, case_id, "security", True, note="khách xác nhận bị hack")
    assert next(t for t in tags if t.code == "security").source == "qa"
    with db.cursor() as cur:
        assert {t.code for t in case_tags(cur, case_id)} == {t.code for t in tags}
        actions = [e.action for e in events_for(cur, "case_theme", case_id)]
        labels = cur.execute("SELECT theme_code, is_positive FROM theme_labels ORDER BY id").fetchall()
    assert actions == ["rejected", "confirmed"]
    assert labels == [("downtime", False), ("security", True)]
    from voc.errors import PermissionDenied
    with pytest.raises(PermissionDenied):
        correct_case(db, staff, case_id, "downtime", True)


def test_backfill_tags_every_case_in_batches_on_two_processes(db, qa):
    setup.ensure_defaults(db)
    texts = ["Web bị sập từ sáng", "web bi sap, goi ko ai nghe may", "Tôi bị trừ tiền hai lần",
             "Chứng chỉ SSL hết hạn", "Nhân viên trả lời cáu gắt", "Xin cảm ơn"] * 5
    ids = seed_untagged_cases(db, texts)
    correct_case(db, qa, ids[0], "downtime", False)
    seen = []
    report = backfill(db, workers=2, batch_size=7, progress=lambda done, total: seen.append((done, total)))
    assert report.cases == len(texts) and report.workers == 2
    assert seen[0] == (0, len(texts)) and seen[-1] == (len(texts), len(texts))
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
    with db.cursor() as cur:
        tagged = dict(cur.execute("SELECT case_id, list(theme_code) FROM case_themes GROUP BY 1").fetchall())
        total_rows = cur.execute("SELECT count(*) FROM case_themes").fetchone()[0]
    assert "downtime" in tagged[ids[6]] and "downtime" not in tagged.get(ids[0], [])   # QA label kept
    assert "billing" in tagged[ids[2]] and "support_responsiveness" in tagged[ids[1]]
    again = backfill(db, workers=1, batch_size=100)
    with db.cursor() as cur:
        assert cur.execute("SELECT count(*) FROM case_themes").fetchone()[0] == total_rows == again.tags


def test_a_glossary_term_the_customer_rules_out_does_not_count():
    from voc.text.tagging import GlossaryMatcher
    from voc.text.taxonomy import GlossaryTerm

    matcher = GlossaryMatcher([GlossaryTerm(0, "lỗi ssl", "loi ssl", "ssl"), GlossaryTerm(0, "trỏ dns", "tro dns", "domain_dns"),
                               GlossaryTerm(0, "web sập", "website sap", "downtime")])
    assert matcher.match(analyse("Không phải lỗi SSL, web vẫn sập")) == {"downtime": ["website vẫn sập"]}
    assert matcher.match(analyse("ko phai do tro dns sai dau")) == {}
    assert matcher.match(analyse("chẳng phải lỗi ssl")) == {}
    # without the cue, or with a full clause between, the terms count
    assert set(matcher.match(analyse("lỗi SSL và trỏ DNS không được"))) == {"ssl", "domain_dns"}
    assert set(matcher.match(analyse("không phải tôi làm, web sập từ sáng"))) == {"downtime"}
    # the classifier's scope (voc.text.normalize.ruled_out_words): its cues as typed, its stop words
    assert matcher.match(analyse("đâu phải lỗi ssl")) == {}
    assert matcher.match(analyse("khong phai loi ssl ma web sap")) == {"downtime": ["website sap"]}
    assert matcher.match(analyse("không đổ lỗi ssl")) == {"ssl": ["lỗi ssl"]}        # "đổ" is no "do"


def test_texts_like_the_unthemed_training_rows_get_no_theme_at_all():
    from voc.text.classifier import train
    from voc.text.tagging import GlossaryMatcher, Tagger
    from voc.text.taxonomy import GlossaryTerm

    texts = ["web sập từ sáng", "website không vào được", "máy chủ chết cả ngày", "web die liên tục",
             "bị trừ tiền hai lần", "tính cước sai tháng này", "thu phí không báo trước", "trừ tiền oan",
             "cảm ơn bạn nhiều", "cảm ơn đã hỗ trợ nhanh", "cho hỏi giá gói hosting", "cho hỏi giá tên miền",
             "cảm ơn, web chạy ổn rồi", "cho hỏi bảng giá VPS"]
    labels = [["downtime"]] * 4 + [["billing"]] * 4 + [[]] * 6
    model = train(texts, labels)
    assert model.gate_weights is not None and model.thresholds is not None and len(model.thresholds) == 2
    # a glossary rule alone would tag the sales question: the gate says it is not a complaint
    tagger = Tagger({"downtime": "Gián đoạn", "billing": "Cước"},
                    GlossaryMatcher([GlossaryTerm(0, "giá gói hosting", "gia goi hosting", "billing")]), model)
    assert tagger.tag("cảm ơn nhiều nhé") == [] and tagger.tag("cho hỏi giá gói hosting 5GB") == []
    assert [t.code for t in tagger.tag("web lại sập rồi")] == ["downtime"]
    # what the gate passes gets at least its best theme, what it stops gets none
    sets = model.predict_sets([analyse(t) for t in ("cảm ơn bạn nhiều nhé", "web sập", "bị trừ tiền oan")])
    assert sets == [[], ["downtime"], ["billing"]]


def test_a_glossary_term_counts_only_when_the_model_does_not_rule_its_theme_out():
    from voc.text.classifier import train
    from voc.text.tagging import GlossaryMatcher, Tagger
    from voc.text.taxonomy import GlossaryTerm

    texts = ["email không gửi được", "thư bị trả về", "mail vào spam hết", "không nhận được email",
             "hợp đồng ghi sai thời hạn", "không bồi thường theo hợp đồng", "hợp đồng khác lúc tư vấn",
             "vi phạm cam kết hợp đồng"]
    model = train(texts, [["email_delivery"]] * 4 + [["contract"]] * 4)
    themes = {"email_delivery": "Email", "contract": "Hợp đồng"}
    matcher = GlossaryMatcher([GlossaryTerm(0, "hợp đồng", "hop dong", "contract")])
    text = "gửi hợp đồng qua email cho đối tác thì thư bị trả về, mail không gửi được"
    p = dict(zip(model.labels, model.predict_proba([analyse(text)])[0]))
    assert p["email_delivery"] >= model.label_thresholds()[model.labels.index("email_delivery")]
    assert 0 < p["contract"] < 0.5
    # below the floor, with another theme the model is sure of, the term does not count ...
    ruled_out = Tagger(themes, matcher, model, rule_floor=p["contract"] + 0.01)
    assert [t.code for t in ruled_out.tag(text)] == ["email_delivery"]
    # ... at or above it the term adds its theme, as a rule
    kept = Tagger(themes, matcher, model, rule_floor=p["contract"] - 0.01)
    assert {t.code: t.source for t in kept.tag(text)} == {"email_delivery": "model", "contract": "rule"}
    # a term QA added always counts
    added = GlossaryMatcher([GlossaryTerm(0, "hợp đồng", "hop dong", "contract", origin="qa")])
    assert {t.code for t in Tagger(themes, added, model, rule_floor=p["contract"] + 0.01).tag(text)} == set(themes)
