"""Giám sát's risk queries: negativity and escalation by theme, over time, by category, flagged cases."""
import pytest

from tests.insight.test_analytics import NOVEMBER, fill
from voc.clock import to_db, utcnow
from voc.insight import risk_report
from voc.store.db import Database
from voc.text import risk
from voc.text.tagging import case_text

THREAT = "Web sập ba ngày liền, quá tệ. Tôi sẽ kiện ra tòa và đăng lên facebook."


def score_cases(database: Database, threats: dict[int, str] | None = None) -> None:
    """Give the filled cases their risk rows, as intake would, some with a threat in their text."""
    with database.transaction() as cur:
        for case_id, text in (threats or {}).items():
            cur.execute("UPDATE cases SET content = ? WHERE id = ?", [text, case_id])
        rows = cur.execute("SELECT id, content, request FROM cases ORDER BY id").fetchall()
        ids, texts = [r[0] for r in rows], [case_text(r[1], r[2]) for r in rows]
        risk.write_rows(cur, ids, risk.rows(ids, [risk.assess_text(t) for t in texts], to_db(utcnow())))


@pytest.fixture
def scored(tmp_path):
    database = Database(tmp_path / "risk.duckdb")
    fill(database)
    score_cases(database, {2: THREAT})
    yield database
    database.close()


def test_risk_by_theme_counts_the_flagged_case_under_its_theme(scored):
    with scored.cursor() as cur:
        by_theme = risk_report.risk_by_theme(cur, NOVEMBER).set_index("theme")
    assert by_theme.loc["downtime", "escalated_cases"] == 1 and by_theme.loc["downtime", "cases"] == 4
    assert by_theme.loc["downtime", "escalation_pct"] == 25.0
    assert by_theme.index[0] == "downtime"                 # the most escalated theme first
    assert by_theme["escalated_cases"].sum() == 1
    assert (0 <= by_theme["mean_negativity"]).all() and (by_theme["mean_negativity"] <= 1).all()
    assert by_theme.loc["downtime", "theme_name"] == "Gián đoạn dịch vụ"


def test_risk_over_time_by_week_and_month(scored):
    with scored.cursor() as cur:
        weekly = risk_report.risk_over_time(cur, NOVEMBER, "week")
        monthly = risk_report.risk_over_time(cur, NOVEMBER, "month")
        with pytest.raises(ValueError):
            risk_report.risk_over_time(cur, NOVEMBER, "day")
    assert weekly["cases"].sum() == monthly["cases"].sum() == 7
    assert monthly["escalated_cases"].tolist() == [1]
    assert str(weekly.loc[weekly["escalated_cases"] == 1, "period"].iloc[0])[:10] == "2026-11-02"


def test_escalation_by_category_and_the_flagged_cases(scored):
    with scored.cursor() as cur:
        categories = risk_report.escalation_by_category(cur, NOVEMBER)
        flagged = risk_report.escalated_cases(cur, NOVEMBER)
    assert dict(zip(categories["category"], categories["cases"])) == {"court": 1, "public": 1}
    assert set(categories["category_name"]) == {"Tòa án, luật sư", "Báo chí, mạng xã hội"}
    assert flagged["ticket_code"].tolist() == ["KN-2026-000002"]
    assert "kiện" in flagged["evidence"][0] and "đăng lên facebook" in flagged["evidence"][0]


def test_the_queries_run_on_cases_without_scores(tmp_path):
    database = Database(tmp_path / "unscored.duckdb")
    fill(database)
    with database.cursor() as cur:
        assert risk_report.risk_by_theme(cur, NOVEMBER).empty
        assert risk_report.risk_over_time(cur, NOVEMBER).empty
        assert risk_report.escalation_by_category(cur, NOVEMBER).empty
        assert risk_report.escalated_cases(cur, NOVEMBER).empty
    database.close()
