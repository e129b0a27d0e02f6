"""Tagging complaints by theme: glossary rules + the statistical classifier, with evidence.

Every case gets zero or more themes, each with a score in [0, 1], the words that triggered it
and its source (`TagSource`: a glossary rule, the classifier alone, or a QA correction, which
always wins over the machine).

The tagging path is one underthesea word_tokenize per text plus vectorised work: glossary
matching on the folded syllables and one sparse matrix product for the classifier.
"""
from __future__ import annotations

import json
import multiprocessing as mp
import threading
import time
from dataclasses import dataclass, replace
from typing import Callable, Iterable, NamedTuple, Sequence

import numpy as np

from voc.accounts.access import SYSTEM
from voc.text.classifier import (GATE_THRESHOLD, ThemeModel, current_labels, load_active_model, save_model,
                                 training_examples)
from voc.text.model_cache import train_cached
from voc.clock import to_db, utcnow
from voc.model import TagSource
from voc.text import risk
from voc.text.normalize import RULED_OUT_LINKS, Analysed, analyse, as_typed, fold_phrase
from voc.text.passages import PassageScores
from voc.numbers import vn_number
from voc.store.dialect import database_key, one_at_a_time
from voc.store.pending import insert_rows
from voc.text.taxonomy import GlossaryTerm, glossary_revision, list_glossary, list_themes

RULE_SCORE = 0.9            # confidence of a glossary match on its own
# A match of a shipped glossary term (origin "default") counts only when the model gives its theme
# at least this probability, or the text has no theme the model is sure of: ambiguous terms
# ("hết hạn" of an SSL certificate, "hợp đồng" sent by e-mail) do not add a second theme against
# the model's judgement. Terms QA added always count.
RULE_FLOOR = 0.2
MAX_EVIDENCE = 5
# Filler syllables (folded) skipped when matching glossary terms, so "web sập" matches
# "web bị sập" and "web đã sập", and "bị trừ tiền" matches "trừ tiền".
FILLERS = frozenset({"bi", "da", "dang", "van", "cu", "rat", "roi", "luon", "cung", "thi", "nay"})
@dataclass(frozen=True)
class ThemeTag:
    code: str
    name: str
    score: float
    evidence: list[str]
    source: TagSource

    def as_dict(self) -> dict:
        return {"code": self.code, "name": self.name, "score": round(self.score, 4),
                "evidence": list(self.evidence), "source": self.source.value}


# --- glossary rules ----------------------------------------------------------------------------

class GlossaryMatcher:
    """Finds glossary terms in a text, accent-insensitively, skipping filler syllables."""

    def __init__(self, terms: Iterable[GlossaryTerm]):
        self._by_first: dict[str, list[tuple[tuple[str, ...], str, bool]]] = {}
        for term in terms:
            key = tuple(s for s in (term.term_key or fold_phrase(term.term)).split() if s not in FILLERS)
            if key:
                self._by_first.setdefault(key[0], []).append((key, term.theme_code, term.origin != "default"))
        for candidates in self._by_first.values():
            candidates.sort(key=lambda c: -len(c[0]))

    def match(self, doc: Analysed) -> dict[str, list[str]]:
        """theme code -> evidence (the matched words as they appear in the normalised text)."""
        return self.match_with_origin(doc)[0]

    def match_with_origin(self, doc: Analysed) -> tuple[dict[str, list[str]], set[str]]:
        """`match`, and the themes matched by at least one term QA added (not a shipped one)."""
        syllables, accented = doc.syllables, doc.accented_syllables
        # a term the customer rules out ("không phải lỗi DNS") does not count: the same scope as the
        # classifier's "n:" features (voc.text.normalize.ruled_out_words)
        ruled_out = doc.negated_syllables if doc.negated else None
        kept = [i for i, s in enumerate(syllables) if s not in FILLERS]
        seq = [syllables[i] for i in kept]
        found: dict[str, list[str]] = {}
        firm: set[str] = set()
        covered_to = -1
        for pos, first in enumerate(seq):
            for key, theme, added in self._by_first.get(first, ()):
                n = len(key)
                if tuple(seq[pos:pos + n]) == key:
                    end = pos + n - 1
                    if end <= covered_to:      # inside a longer term already matched
                        break
                    covered_to = end
                    if ruled_out is not None and _ruled_out(seq, kept, pos, end, ruled_out):
                        break
                    words = " ".join(accented[kept[pos]:kept[end] + 1])
                    evidence = found.setdefault(theme, [])
                    if words not in evidence:
                        evidence.append(words)
                    if added:
                        firm.add(theme)
                    break
        return found, firm


def _ruled_out(seq: Sequence[str], kept: list[int], pos: int, end: int, flags: tuple[bool, ...]) -> bool:
    """The term at seq[pos..end] is ruled out: its first syllable that is no linking word ("lỗi" of "lỗi
    SSL") lies in a ruled-out scope."""
    first = next((j for j in range(pos, end + 1) if seq[j] not in RULED_OUT_LINKS), pos)
    return flags[kept[first]]


# --- the tagger --------------------------------------------------------------------------------

@dataclass
class Tagger:
    themes: dict[str, str]              # active theme code -> Vietnamese name
    matcher: GlossaryMatcher
    model: ThemeModel | None
    model_id: int | None = None
    rule_floor: float = RULE_FLOOR

    def tag_docs(self, docs: Sequence[Analysed]) -> list[list[ThemeTag]]:
        if not docs:
            return []
        model = self.model
        if model is not None:
            x = model.transform(docs)
            proba = model.proba_matrix(x)
            gate = model.gate_proba(x) >= GATE_THRESHOLD
            thresholds = model.label_thresholds()
            columns = [(j, code) for j, code in enumerate(model.labels) if code in self.themes]
            passages = PassageScores(model, self.matcher, docs)      # long letters: read sentence by sentence
        results = []
        for i, doc in enumerate(docs):
            if model is not None and not gate[i]:      # thanks, a sales question: no theme at all
                results.append([])
                continue
            rules, firm = self.matcher.match_with_origin(doc)
            scores: dict[str, tuple[float, list[str], TagSource]] = {}
            for code, evidence in rules.items():
                if code in self.themes:
                    scores[code] = (RULE_SCORE, list(evidence), TagSource.RULE)
            if model is not None:
                row = proba[i]
                sure = any(row[j] >= thresholds[j] for j, _ in columns)
                for j, code in columns:
                    p = float(row[j])
                    if code in scores and sure and p < self.rule_floor and code not in firm:
                        del scores[code]           # the model rules the glossary's reading out
                    elif code in scores:
                        score, evidence, source = scores[code]
                        extra = model.evidence(_row(x, i), j, doc, top=2) if p >= thresholds[j] else []
                        scores[code] = (1 - (1 - score) * (1 - p), _merge(evidence, extra), source)
                    elif p >= thresholds[j]:
                        scores[code] = (p, model.evidence(_row(x, i), j, doc), TagSource.MODEL)
                if not scores and model.gate_weights is not None and columns:
                    # the gate says complaint: its best theme, even below that theme's threshold
                    j, code = max(columns, key=lambda c: row[c[0]])
                    scores[code] = (float(row[j]), model.evidence(_row(x, i), j, doc), TagSource.MODEL)
                scores = passages.refine(i, scores, columns, thresholds, row)
            tags = [ThemeTag(code, self.themes[code], score, evidence[:MAX_EVIDENCE], source)
                    for code, (score, evidence, source) in scores.items()]
            tags.sort(key=lambda t: (-t.score, t.code))
            results.append(tags)
        return results

    def tag_texts(self, texts: Sequence[str]) -> list[list[ThemeTag]]:
        return self.tag_docs([analyse(t) for t in texts])

    def tag(self, text: str) -> list[ThemeTag]:
        return self.tag_texts([text])[0]


class _Row(NamedTuple):
    """One row of a CSR matrix as the evidence code reads it (slicing x[i] costs ~70 µs a call)."""
    indices: np.ndarray
    data: np.ndarray


def _row(x, i: int) -> _Row:
    start, end = x.indptr[i], x.indptr[i + 1]
    return _Row(x.indices[start:end], x.data[start:end])


def _merge(first: list[str], second: list[str]) -> list[str]:
    out = list(first)
    for word in second:
        if not any(word in w or w in word for w in out):
            out.append(word)
    return out


# --- where the tagger comes from ---------------------------------------------------------------

_cache_lock = threading.Lock()
_cache: dict[tuple, Tagger] = {}
_default_tagger: Tagger | None = None


def _revision(cur) -> tuple:
    model = cur.execute("SELECT id, created_at FROM theme_models WHERE active ORDER BY id DESC LIMIT 1").fetchone()
    return (database_key(cur), tuple(glossary_revision(cur)), tuple(model) if model else None)


def tagger_for(cur) -> Tagger:
    """The tagger of this database (its active themes, glossary and model), cached until one changes."""
    key = _revision(cur)
    with _cache_lock:
        cached = _cache.get(key)
    if cached is not None:
        return cached
    themes = {t.code: t.name for t in list_themes(cur)}
    loaded = load_active_model(cur)
    tagger = Tagger(themes, GlossaryMatcher(list_glossary(cur)), loaded[1] if loaded else None,
                    loaded[0] if loaded else None)
    with _cache_lock:
        if len(_cache) > 8:
            _cache.clear()
        _cache[key] = tagger
    return tagger


def default_tagger() -> Tagger:
    """A tagger from the shipped defaults only (data/), for use without a database."""
    global _default_tagger
    if _default_tagger is None:
        from voc.text.taxonomy import load_default_examples, load_default_glossary, load_default_taxonomy

        _, themes = load_default_taxonomy()
        texts, labels = load_default_examples()
        _default_tagger = Tagger({t.code: t.name for t in themes}, GlossaryMatcher(load_default_glossary()),
                                 train_cached(texts, labels))
    return _default_tagger


def tag_text(text: str, tagger: Tagger | None = None) -> list[ThemeTag]:
    """Themes of one text with scores and evidence (shipped defaults unless a tagger is given)."""
    return (tagger or default_tagger()).tag(text)


def ensure_model(db) -> int:
    """Make sure the database has an active theme model; train one from the seeds if not (~2 s)."""
    with db.cursor() as cur:
        row = cur.execute("SELECT max(id) FROM theme_models WHERE active").fetchone()
        if row and row[0] is not None:
            return row[0]
        texts, labels = training_examples(cur)
    model = train_cached(texts, labels)
    with db.transaction() as cur:
        one_at_a_time(cur, "first_theme_model")
        row = cur.execute("SELECT max(id) FROM theme_models WHERE active").fetchone()
        if row and row[0] is not None:
            return row[0]
        return save_model(cur, model, SYSTEM, activate=True)


# --- tagging cases -----------------------------------------------------------------------------

def case_text(content: str | None, request: str | None) -> str:
    return f"{content or ''} {request or ''}".strip()


def in_customers_words(tags: Iterable[ThemeTag], text: str) -> list[ThemeTag]:
    """The tags with their evidence shown as the customer typed it (see `normalize.as_typed`)."""
    return [replace(t, evidence=list(dict.fromkeys(as_typed(e, text) for e in t.evidence))) for t in tags]


def shown_tags(cur, case) -> list[ThemeTag]:
    """A case's stored tags as users see them: evidence in the customer's words."""
    return in_customers_words(case_tags(cur, case.id), case_text(case.content, case.request))


def _apply_labels(tags: list[ThemeTag], labels: dict[str, bool] | None, themes: dict[str, str]) -> list[ThemeTag]:
    """QA's corrections win: negatives remove a theme, positives add or confirm it (source qa)."""
    if not labels:
        return tags
    by_code = {t.code: t for t in tags if labels.get(t.code) is not False}
    for code, positive in labels.items():
        if positive and code in themes:
            machine = by_code.get(code)
            by_code[code] = ThemeTag(code, themes[code], 1.0, machine.evidence if machine else [], TagSource.QA)
    return sorted(by_code.values(), key=lambda t: (-t.score, t.code))


def with_labels(rows: list[tuple], labelled: dict[int, list[str]], model_id: int | None) -> list[tuple]:
    """case_themes rows with QA's positive labels applied (as `_apply_labels` does for tags): a
    labelled theme gets score 1 and source qa, keeping the machine's evidence if it had found it."""
    if not labelled:
        return rows
    out, machine = [], {}
    for row in rows:
        if row[1] in labelled.get(row[0], ()):
            machine[(row[0], row[1])] = row
        else:
            out.append(row)
    at = rows[0][6] if rows else to_db(utcnow())
    for case_id, codes in labelled.items():
        for code in codes:
            found = machine.get((case_id, code))
            out.append((case_id, code, 1.0, found[3] if found else "[]", TagSource.QA.value, model_id, at))
    return out


def _rows(case_id: int, tags: list[ThemeTag], model_id: int | None, at) -> list[tuple]:
    return [(case_id, t.code, float(t.score), json.dumps(t.evidence, ensure_ascii=False), t.source.value,
             model_id, at) for t in tags]


_COLUMNS = ["case_id", "theme_code", "score", "evidence", "source", "model_id", "tagged_at"]


def write_rows(cur, case_ids: Sequence[int], rows: list[tuple]) -> None:
    """Replace the case_themes rows of these cases, inside the caller's transaction."""
    if len(case_ids) == 1:
        cur.execute("DELETE FROM case_themes WHERE case_id = ?", [case_ids[0]])
    else:
        cur.execute("DELETE FROM case_themes WHERE case_id BETWEEN ? AND ? AND list_contains(?, case_id)",
                    [min(case_ids), max(case_ids), list(case_ids)])
    insert_rows(cur, "case_themes", _COLUMNS, rows)


def tag_case(cur, case_id: int, text: str | None = None, tagger: Tagger | None = None) -> list[ThemeTag]:
    """(Re)tag one case inside the caller's transaction, replacing its case_themes rows."""
    if text is None:
        row = cur.execute("SELECT content, request FROM cases WHERE id = ?", [case_id]).fetchone()
        text = case_text(*row) if row else ""
    tagger = tagger or tagger_for(cur)
    labels = current_labels_for(cur, case_id)
    doc = analyse(text)
    tags = _apply_labels(tagger.tag_docs([doc])[0] if text.strip() else [], labels, tagger.themes)
    at = to_db(utcnow())
    write_rows(cur, [case_id], _rows(case_id, tags, tagger.model_id, at))
    risk.write_rows(cur, [case_id], risk.rows([case_id], risk.assess_docs([text], [doc]), at))
    return tags


def current_labels_for(cur, case_id: int) -> dict[str, bool]:
    """QA's current labels of one case: theme -> is_positive (later labels override earlier ones)."""
    rows = cur.execute(
        "SELECT theme_code, is_positive FROM theme_labels WHERE case_id = ? ORDER BY labelled_at, id",
        [case_id]).fetchall()
    return {code: positive for code, positive in rows}


def case_tags(cur, case_id: int) -> list[ThemeTag]:
    """The stored tags of a case, best first."""
    rows = cur.execute(
        "SELECT ct.theme_code, coalesce(t.name_vi, ct.theme_code), ct.score, ct.evidence, ct.source "
        "FROM case_themes ct LEFT JOIN themes t ON t.code = ct.theme_code WHERE ct.case_id = ? "
        "ORDER BY ct.score DESC, ct.theme_code", [case_id]).fetchall()
    return [ThemeTag(r[0], r[1], r[2], json.loads(r[3]) if r[3] else [], TagSource(r[4])) for r in rows]


# --- intake (the hook is installed by voc.setup) -----------------------------------------------

def tag_received_case(cur, case) -> None:
    tag_case(cur, case.id, case_text(case.content, case.request))


def tag_received_cases(cur, cases: Sequence) -> None:
    """The batch form (many cases received in one transaction): one tagger, one write. New cases
    have no QA labels yet."""
    tagger = tagger_for(cur)
    texts = [case_text(c.content, c.request) for c in cases]
    docs = [analyse(t) for t in texts]
    tag_lists = tagger.tag_docs(docs)
    at = to_db(utcnow())
    ids = [c.id for c in cases]
    write_rows(cur, ids, [row for c, tags in zip(cases, tag_lists) for row in _rows(c.id, tags, tagger.model_id, at)])
    risk.write_rows(cur, ids, risk.rows(ids, risk.assess_docs(texts, docs), at))


# --- backfill ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class BackfillReport:
    cases: int
    tags: int
    seconds: float
    workers: int

    def message(self) -> str:
        return f"Đã gắn chủ đề cho {vn_number(self.cases)} hồ sơ ({vn_number(self.tags)} nhãn) trong {vn_number(self.seconds, 1)} giây, {self.workers} tiến trình."


Batch = tuple[list[int], list[str]]          # case ids and their texts
Tagged = tuple[list[int], list[tuple], list[tuple]]    # case ids, their case_themes and case_risk rows
_worker_state: tuple[Tagger, dict[int, dict[str, bool]]] | None = None
_fork_lock = threading.Lock()


def _tag_rows(tagger: Tagger, labels: dict[int, dict[str, bool]], batch: Batch) -> Tagged:
    """Tag a batch and build its finished case_themes rows (QA labels applied) and case_risk rows."""
    ids, texts = batch
    at = to_db(utcnow())
    docs = [analyse(t) for t in texts]
    rows: list[tuple] = []
    for case_id, tags in zip(ids, tagger.tag_docs(docs)):
        rows.extend(_rows(case_id, _apply_labels(tags, labels.get(case_id), tagger.themes), tagger.model_id, at))
    return ids, rows, risk.rows(ids, risk.assess_docs(texts, docs), at)


def _tag_batch(batch: Batch) -> Tagged:
    """Worker side: the tagger and labels were inherited when the worker was forked."""
    assert _worker_state is not None
    return _tag_rows(*_worker_state, batch)


class BatchTagger:
    """Tags batches of cases on `workers` processes, forked once so they share the loaded tagger and
    models; the caller writes the rows (`write_rows`) in its own transactions. Use it in a `with`
    block: the workers end with it. One worker tags in this process."""

    def __init__(self, tagger: Tagger, workers: int = 2, labels: dict[int, dict[str, bool]] | None = None,
                 batch_size: int = 250):
        self.tagger, self.labels, self.batch_size = tagger, labels or {}, batch_size
        self.workers = max(1, workers)
        self._pool = None

    def __enter__(self) -> "BatchTagger":
        global _worker_state
        analyse("khởi động")             # load the segmenter and the sentiment model once, before any fork
        risk.default_sentiment_model()
        if self.workers > 1:
            with _fork_lock:             # the workers copy _worker_state when they are forked
                _worker_state = (self.tagger, self.labels)
                try:
                    self._pool = mp.get_context("fork").Pool(self.workers)
                finally:
                    _worker_state = None
        return self

    def __exit__(self, *exc) -> None:
        if self._pool is not None:
            self._pool.close()
            self._pool.join()
            self._pool = None

    def imap(self, batches: Iterable[Batch]) -> Iterable[Tagged]:
        """(ids, case_themes rows, case_risk rows) per batch, in order, as the workers finish them."""
        if self._pool is not None:
            return self._pool.imap(_tag_batch, batches)
        return (_tag_rows(self.tagger, self.labels, batch) for batch in batches)

    def rows(self, ids: Sequence[int], texts: Sequence[str]) -> tuple[list[tuple], list[tuple]]:
        """The case_themes and case_risk rows of these cases, their texts split into batches over
        the workers."""
        n = self.batch_size
        batches = [(list(ids[i:i + n]), list(texts[i:i + n])) for i in range(0, len(ids), n)]
        done = list(self.imap(batches))
        return [row for _, rows, _ in done for row in rows], [row for _, _, risks in done for row in risks]


def backfill(db, workers: int = 2, batch_size: int = 250, progress: Callable[[int, int], None] | None = None,
             case_ids: Sequence[int] | None = None) -> BackfillReport:
    """Tag every case (or the given ones) again, in batches: the CPU work on `workers` processes
    (forked, so they share the loaded models), the database writes in this process, one
    transaction per batch; progress(done, total) after each batch."""
    started = time.perf_counter()
    with db.cursor() as cur:
        tagger = tagger_for(cur)
        sql = "SELECT id, content, request FROM cases"
        params: list = []
        if case_ids is not None:
            sql += " WHERE list_contains(?, id)"
            params.append(list(case_ids))
        cases = cur.execute(sql + " ORDER BY id", params).fetchall()
        labels = current_labels(cur)
    total = len(cases)
    batches = [([c[0] for c in cases[i:i + batch_size]], [case_text(c[1], c[2]) for c in cases[i:i + batch_size]])
               for i in range(0, total, batch_size)]
    workers = max(1, min(workers, len(batches) or 1))
    done = n_tags = 0
    if progress:
        progress(0, total)
    with BatchTagger(tagger, workers, labels) as pool:
        for ids, rows, risk_rows in pool.imap(batches):
            with db.transaction() as cur:
                write_rows(cur, ids, rows)
                risk.write_rows(cur, ids, risk_rows)
            done += len(ids)
            n_tags += len(rows)
            if progress:
                progress(done, total)
    return BackfillReport(total, n_tags, time.perf_counter() - started, workers)


# --- QA corrections ----------------------------------------------------------------------------

def correct_case(db, actor, case_id: int, theme_code: str, is_positive: bool, note: str | None = None) -> list[ThemeTag]:
    """QA confirms (is_positive) or rejects a theme on a case: stored as a label for retraining,
    audited, and the case's tags updated at once."""
    from voc.accounts.access import Permission
    from voc.store.audit import record_event
    from voc.errors import NotFound
    from voc.text.taxonomy import get_theme

    actor.require(Permission.EDIT_TAXONOMY)
    with db.transaction() as cur:
        get_theme(cur, theme_code)
        if cur.execute("SELECT count(*) FROM cases WHERE id = ?", [case_id]).fetchone()[0] == 0:
            raise NotFound(f"Không tìm thấy hồ sơ số {case_id}.")
        before = [t.as_dict() for t in case_tags(cur, case_id) if t.code == theme_code]
        cur.execute(
            "INSERT INTO theme_labels (case_id, theme_code, is_positive, labelled_by, labelled_at) VALUES (?, ?, ?, ?, ?)",
            [case_id, theme_code, is_positive, actor.username, to_db(utcnow())],
        )
        tags = tag_case(cur, case_id)
        after = [t.as_dict() for t in tags if t.code == theme_code]
        record_event(cur, actor.username, "case_theme", case_id, "confirmed" if is_positive else "rejected",
                     {"theme": theme_code, "tags": before}, {"theme": theme_code, "tags": after}, note)
    return tags


def tag_summary(tags: Sequence[ThemeTag]) -> list[dict]:
    return [t.as_dict() for t in tags]


__all__ = [
    "ThemeTag", "GlossaryMatcher", "Tagger", "tag_text", "tag_case", "case_tags", "backfill", "BackfillReport",
    "tagger_for", "default_tagger", "ensure_model", "tag_received_case", "tag_received_cases", "correct_case",
    "BatchTagger", "write_rows",
]


def untagged_demo_case_ids(cur) -> list[int]:
    """Demo cases that have no theme row yet (freshly generated demo data)."""
    return [r[0] for r in cur.execute(
        "SELECT id FROM cases c WHERE is_demo AND NOT EXISTS (SELECT 1 FROM case_themes t WHERE t.case_id = c.id) "
        "ORDER BY id").fetchall()]
