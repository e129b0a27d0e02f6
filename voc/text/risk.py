"""A case's risk: its negativity (voc.text.sentiment) and escalation flag (voc.text.escalation),
each with its evidence, computed wherever themes are (intake, import, backfill) and stored in
case_risk, one row per case, replaced as a whole like case_themes.

Like the machine's theme tags, these are derived values recomputed from the case's text, not a
change of the case: no audit event of their own (the intake, import or retag that runs them is
audited where it happens)."""
from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Sequence

from voc.store.pending import insert_rows
from voc.text.escalation import Escalation, EscalationCategory, assess as assess_escalation
from voc.text.normalize import Analysed, as_typed
from voc.text.sentiment import Sentiment, default_sentiment_model


@dataclass(frozen=True)
class CaseRisk:
    sentiment: str
    negativity: float
    negativity_evidence: list[str]
    escalation: bool
    categories: list[EscalationCategory]
    escalation_evidence: list[dict]      # {"category", "words"}

    @property
    def escalation_words(self) -> list[str]:
        return list(dict.fromkeys(e["words"] for e in self.escalation_evidence))


def combine(text: str, sentiment: Sentiment, escalation: Escalation) -> CaseRisk:
    """One text's risk; the negativity evidence shown in the customer's own words."""
    evidence = list(dict.fromkeys(as_typed(w, text) for w in sentiment.evidence))
    return CaseRisk(sentiment.label, sentiment.negativity, evidence, escalation.flagged, escalation.categories,
                    [h.as_dict() for h in escalation.hits])


def assess_docs(texts: Sequence[str], docs: Sequence[Analysed]) -> list[CaseRisk]:
    """The risk of texts already analysed (the tagging path analyses each text once for both)."""
    sentiments = default_sentiment_model().assess_docs(docs)
    return [combine(text, s, assess_escalation(text)) for text, s in zip(texts, sentiments)]


def assess_text(text: str) -> CaseRisk:
    from voc.text.normalize import analyse

    return assess_docs([text], [analyse(text)])[0]


_COLUMNS = ["case_id", "sentiment", "negativity", "negativity_evidence", "escalation", "escalation_categories",
            "escalation_evidence", "scored_at"]


def rows(case_ids: Sequence[int], risks: Sequence[CaseRisk], at) -> list[tuple]:
    return [(case_id, r.sentiment, float(r.negativity), json.dumps(r.negativity_evidence, ensure_ascii=False),
             r.escalation, json.dumps([c.value for c in r.categories]),
             json.dumps(r.escalation_evidence, ensure_ascii=False), at) for case_id, r in zip(case_ids, risks)]


def write_rows(cur, case_ids: Sequence[int], new_rows: list[tuple]) -> None:
    """Replace the case_risk rows of these cases, inside the caller's transaction."""
    if not case_ids:
        return
    if len(case_ids) == 1:
        cur.execute("DELETE FROM case_risk WHERE case_id = ?", [case_ids[0]])
    else:
        cur.execute("DELETE FROM case_risk WHERE case_id BETWEEN ? AND ? AND list_contains(?, case_id)",
                    [min(case_ids), max(case_ids), list(case_ids)])
    insert_rows(cur, "case_risk", _COLUMNS, new_rows, timestamps=["scored_at"])


def case_risk(cur, case_id: int) -> CaseRisk | None:
    row = cur.execute(
        "SELECT sentiment, negativity, negativity_evidence, escalation, escalation_categories, escalation_evidence "
        "FROM case_risk WHERE case_id = ?", [case_id]).fetchone()
    if row is None:
        return None
    return CaseRisk(row[0], row[1], json.loads(row[2] or "[]"), bool(row[3]),
                    [EscalationCategory(c) for c in json.loads(row[4] or "[]")], json.loads(row[5] or "[]"))
