"""`voc tag --csv`: themes, sentiment and escalation of many texts, one JSON object a text.

Each text is analysed once (underthesea word_tokenize) for the theme tagger and the sentiment
model, in batches so the classifiers score a batch in one sparse product. One line a text:

    {"row": 0, "themes": [{"code", "name", "score", "evidence"}, ...], "sentiment": "negative",
     "negativity": 0.93, "sentiment_evidence": [...], "escalation": true,
     "escalation_categories": ["court"], "escalation_evidence": [{"category", "words"}, ...]}

Evidence is in the customer's own words.
"""
from __future__ import annotations

import json
from itertools import islice
from typing import Iterable, Iterator

from voc.text import risk
from voc.text.normalize import analyse
from voc.text.tagging import Tagger, in_customers_words


def row_object(index: int, text: str, tags, case_risk: risk.CaseRisk) -> dict:
    return {
        "row": index,
        "themes": [{"code": t.code, "name": t.name, "score": round(t.score, 4), "evidence": list(t.evidence)}
                   for t in in_customers_words(tags, text)],
        "sentiment": case_risk.sentiment,
        "negativity": round(case_risk.negativity, 4),
        "sentiment_evidence": case_risk.negativity_evidence,
        "escalation": case_risk.escalation,
        "escalation_categories": [c.value for c in case_risk.categories],
        "escalation_evidence": case_risk.escalation_evidence,
    }


def tag_rows(tagger: Tagger, texts: Iterable[str], batch: int = 256) -> Iterator[str]:
    """One JSON line per text, in order."""
    source = iter(texts)
    index = 0
    while True:
        chunk = list(islice(source, batch))
        if not chunk:
            return
        docs = [analyse(t) for t in chunk]
        for text, tags, case_risk in zip(chunk, tagger.tag_docs(docs), risk.assess_docs(chunk, docs)):
            yield json.dumps(row_object(index, text, tags, case_risk), ensure_ascii=False)
            index += 1
