"""Each case's negativity and escalation flag, stored at intake, on import and by the backfill."""
import json

from tests.conftest import make_draft
from voc import setup
from voc.accounts.access import SYSTEM
from voc.cli.bench_tagging import seed_untagged_cases
from voc.desk import cases
from voc.desk.csvio import import_csv, sample_csv
from voc.text.escalation import EscalationCategory
from voc.text.risk import case_risk
from voc.text.tagging import backfill


def test_intake_stores_negativity_and_escalation_with_evidence(db, staff):
    setup.ensure_defaults(db)
    case = cases.receive(db, staff, make_draft(
        content="Web sập ba ngày, quá tệ, gọi không ai nghe máy.",
        request="Tôi sẽ kiện ra tòa nếu không được bồi thường."))
    with db.cursor() as cur:
        risk = case_risk(cur, case.id)
    assert risk.escalation and {EscalationCategory.COURT, EscalationCategory.COMPENSATION} <= set(risk.categories)
    assert {"kiện", "bồi thường"} <= set(risk.escalation_words)
    assert risk.sentiment == "negative" and risk.negativity > 0.5 and risk.negativity_evidence


def test_a_calm_case_is_not_flagged(db, staff):
    setup.ensure_defaults(db)
    case = cases.receive(db, staff, make_draft(content="Cho mình hỏi cách trỏ tên miền về hosting.",
                                               request="Hướng dẫn giúp mình."))
    with db.cursor() as cur:
        risk = case_risk(cur, case.id)
    assert not risk.escalation and risk.escalation_evidence == [] and risk.negativity < 0.5


def test_backfill_scores_every_case_once(db):
    setup.ensure_defaults(db)
    ids = seed_untagged_cases(db, ["Tôi sẽ đăng lên facebook bóc phốt", "Cảm ơn bạn nhiều", "web bi sap"] * 3)
    with db.cursor() as cur:
        assert cur.execute("SELECT count(*) FROM case_risk").fetchone()[0] == 0
    for _ in range(2):
        backfill(db, workers=2, batch_size=4)
    with db.cursor() as cur:
        rows = dict(cur.execute("SELECT case_id, escalation FROM case_risk").fetchall())
        evidence = json.loads(cur.execute("SELECT escalation_evidence FROM case_risk WHERE case_id = ?",
                                          [ids[0]]).fetchone()[0])
    assert sorted(rows) == sorted(ids)                       # one row a case, replaced, not added
    assert [rows[i] for i in ids[:3]] == [True, False, False]
    assert {"category": "public", "words": "bóc phốt"} in evidence


def test_imported_cases_are_scored(db, tmp_path):
    setup.ensure_defaults(db)
    source = tmp_path / "sample.csv"
    source.write_bytes(sample_csv())
    report = import_csv(db, SYSTEM, source)
    with db.cursor() as cur:
        scored = cur.execute("SELECT count(*) FROM case_risk WHERE list_contains(?, case_id)",
                             [report.new_case_ids]).fetchone()[0]
    assert report.imported and scored == report.imported
