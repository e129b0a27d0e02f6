"""Discovery for Clarify (làm sáng tỏ): customer phrases frequent in cases no theme covers well.

A case is "poorly covered" when its best theme score is below `coverage` (or it has no theme).
Its text goes through underthesea's chunker; candidate phrases are noun-phrase chunks and short
runs of 2-4 chunk words inside a clause that start with a noun, verb or adjective and end with
one ("mail bị dội"). Phrases are counted once per case, compared with their frequency in the
well-covered cases, and ranked; each comes with example cases so QA can judge and add it to
the glossary. Phrases already covered by a glossary term are left out, and overlapping windows
of one longer phrase (found in nearly the same cases) are shown once.

Noise is kept out two ways. Generic words — the verbs of any request ("giải thích", "kiểm tra",
"hướng dẫn", "xử lý"...) and question words — are a stoplist: a phrase made only of them and
function words is no candidate, however often it appears (a document-frequency cut was tried on the
demo data and could not tell "giải thích" from "mail server": both sit in a few percent of cases
across several themes). And phrases QA dismissed (`dismiss`) are left out of every later run.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache

from voc.accounts.access import Actor
from voc.clock import from_db, to_db, utcnow
from voc.errors import NotFound, ValidationError
from voc.store.audit import record_event
from voc.text.normalize import fold_phrase, prepare, underthesea_function
from voc.text.taxonomy import list_glossary

CONTENT_TAGS = {"N", "Np", "Nc", "Nu", "V", "A", "Ny", "Vy"}
BREAK_TAGS = {"CH", "E", "C", "CC"}      # punctuation, prepositions, conjunctions end a run
MAX_PHRASE_SYLLABLES = 10
SAME_CASES = 0.8     # case-set Jaccard above which two overlapping phrases count as one
_SYLLABLE = re.compile(r"\w+", re.UNICODE)
STOP = frozenset("bi da dang van cu rat roi luon cung thi la co khong duoc nay do ay nhe a".split())
# Folded; what any request says whatever the issue: a phrase of only these (and STOP words) is generic.
GENERIC = frozenset({
    "giai thich", "kiem tra", "huong dan", "xu ly", "ho tro", "giup", "cho biet", "lien he", "phan hoi",
    "tra loi", "yeu cau", "de nghi", "mong", "muon", "can", "lam on", "xem", "xem lai", "bao", "bao cho",
    "thong bao", "cap nhat", "khac phuc", "giai quyet", "dut", "dut diem", "lai", "ngay",
    "vi sao", "tai sao", "luc nao", "bao gio", "nhu the nao", "the nao", "cho", "duoc", "lam", "di",
})


@dataclass
class PhraseCandidate:
    phrase: str                 # as customers wrote it (normalised), e.g. "mail bị dội"
    key: str                    # folded key
    cases: int                  # poorly covered cases containing it
    covered_cases: int          # well covered cases containing it
    score: float
    examples: list[tuple[int, str]] = field(default_factory=list)   # (case id, snippet)
    case_ids: set[int] = field(default_factory=set, repr=False)


@lru_cache(maxsize=20_000)
def _phrases(text: str) -> frozenset[tuple[str, str]]:
    """(folded key, surface) of the candidate phrases of one text. The chunker is the slow part of
    discovery (about 5 ms a text), so results are kept for the process: QA's second search, or the
    refresh after adding a term, only chunks texts not seen before."""
    out: set[tuple[str, str]] = set()
    tagged = underthesea_function("chunk")(prepare(text))
    clause: list[tuple[str, str, str]] = []
    for word, pos, tag in tagged + [("", "CH", "O")]:
        if pos in BREAK_TAGS or not any(ch.isalnum() for ch in word):
            for i in range(len(clause)):
                for n in (2, 3, 4):
                    run = clause[i:i + n]
                    if len(run) < n:
                        break
                    if run[0][1] in CONTENT_TAGS and run[-1][1] in CONTENT_TAGS:
                        _add_candidate(out, " ".join(w for w, _, _ in run))
            # multi-syllable noun-phrase chunks on their own
            for w, p, _ in clause:
                if " " in w and p in CONTENT_TAGS:
                    _add_candidate(out, w)
            clause = []
        else:
            clause.append((word, pos, tag))
    return frozenset(out)


def _add_candidate(out: set[tuple[str, str]], surface: str) -> None:
    """Keep a phrase unless it starts or ends on a function word ("mail bị", "thì báo": fragments)
    or says nothing but generic words ("giải thích", "kiểm tra lại")."""
    key = _key(surface)
    parts = key.split()
    if parts and parts[0] not in STOP and parts[-1] not in STOP and not is_generic(key):
        out.add((key, surface))


def is_generic(key: str) -> bool:
    """Whether a folded phrase is only generic words and function words (two-syllable words first)."""
    parts, i = key.split(), 0
    while i < len(parts):
        if " ".join(parts[i:i + 2]) in GENERIC and i + 1 < len(parts):
            i += 2
        elif parts[i] in GENERIC or parts[i] in STOP:
            i += 1
        else:
            return False
    return True


def _key(phrase: str) -> str:
    return " ".join(_SYLLABLE.findall(fold_phrase(phrase)))


def _ngrams(text: str) -> set[str]:
    """Every run of up to MAX_PHRASE_SYLLABLES folded syllables of a text, space-joined."""
    syllables = _SYLLABLE.findall(fold_phrase(text))
    out = set()
    for i in range(len(syllables)):
        for n in range(1, min(MAX_PHRASE_SYLLABLES, len(syllables) - i) + 1):
            out.add(" ".join(syllables[i:i + n]))
    return out


def _snippet(text: str, limit: int = 160) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def discover(db, *, coverage: float = 0.6, min_cases: int = 3, limit: int = 30, max_cases: int = 3000,
             examples: int = 3) -> list[PhraseCandidate]:
    """Ranked phrases from poorly covered cases (the most recent `max_cases` of them)."""
    with db.cursor() as cur:
        rows = cur.execute(
            "SELECT c.id, coalesce(c.content, '') || ' ' || coalesce(c.request, ''), "
            "       coalesce(max(t.score), 0) AS best "
            "FROM cases c LEFT JOIN case_themes t ON t.case_id = c.id "
            "GROUP BY c.id, c.content, c.request, c.received_at ORDER BY c.received_at DESC, c.id DESC LIMIT ?",
            [max_cases * 2],
        ).fetchall()
        glossary_keys = [t.term_key for t in list_glossary(cur)]
        dismissed = {d.key for d in dismissed_phrases(cur)}
    poor = [(r[0], r[1]) for r in rows if r[2] < coverage][:max_cases]
    good = [(r[0], r[1]) for r in rows if r[2] >= coverage][:max_cases]
    return rank_phrases(poor, good, glossary_keys, min_cases=min_cases, limit=limit, examples=examples,
                        dismissed=dismissed)


def rank_phrases(poor: list[tuple[int, str]], good: list[tuple[int, str]], glossary_keys: list[str], *,
                 min_cases: int = 3, limit: int = 30, examples: int = 3,
                 dismissed: set[str] = frozenset()) -> list[PhraseCandidate]:
    """Score = cases × log-odds of appearing in poorly rather than well covered cases."""
    # candidates come from the chunker; a case "has" a phrase when its folded syllables contain it,
    # so unaccented typing that the segmenter splits differently still counts
    poor_grams = [(case_id, text, _ngrams(text)) for case_id, text in poor]
    surfaces: dict[str, str] = {}
    for _, text, _grams in poor_grams:
        for key, surface in _phrases(text):
            surfaces.setdefault(key, surface)
    found: dict[str, PhraseCandidate] = {}
    for case_id, text, grams in poor_grams:
        for key in grams & surfaces.keys():
            cand = found.get(key)
            if cand is None:
                cand = found[key] = PhraseCandidate(surfaces[key], key, 0, 0, 0.0)
            cand.cases += 1
            cand.case_ids.add(case_id)
            if len(cand.examples) < examples:
                cand.examples.append((case_id, _snippet(text)))
    padded = {f" {_key(k)} " for k in glossary_keys}
    keep = {k: c for k, c in found.items()
            if c.cases >= min_cases and k not in dismissed and not any(g in f" {k} " for g in padded)}
    if good and keep:
        for _, text in good:
            present = _ngrams(text) & keep.keys()
            for key in present:
                keep[key].covered_cases += 1
    n_poor, n_good = max(len(poor), 1), max(len(good), 1)
    for cand in keep.values():
        odds = ((cand.cases + 0.5) / n_poor) / ((cand.covered_cases + 0.5) / n_good)
        cand.score = cand.cases * max(math.log(odds), 0.05)
    # a phrase inside a longer candidate found in as many cases adds nothing: keep the longer one
    keys = list(keep)
    dropped = {key for key in keys
               if any(other != key and f" {key} " in f" {other} " and keep[other].cases >= keep[key].cases
                      for other in keys)}
    for key in dropped:
        del keep[key]
    # overlapping runs found in (nearly) the same cases are one phrase seen through different windows
    # ("mail den cham ca", "ca tieng moi nhan"): the best-ranked one stands for the others
    shown: list[PhraseCandidate] = []
    for cand in sorted(keep.values(), key=lambda c: (-c.score, -c.cases, c.key)):
        if not any(_overlap(other.key, cand.key) and _jaccard(other.case_ids, cand.case_ids) >= SAME_CASES
                   for other in shown):
            shown.append(cand)
            if len(shown) == limit:
                break
    return shown


def _jaccard(a: set[int], b: set[int]) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


def _overlap(a: str, b: str) -> bool:
    """Whether one run of syllables ends where the other begins (by at least one syllable)."""
    x, y = a.split(), b.split()
    return any(x[-k:] == y[:k] or y[-k:] == x[:k] for k in range(1, min(len(x), len(y))))



# --- phrases QA dismissed as noise ---------------------------------------------------------------

@dataclass(frozen=True)
class DismissedPhrase:
    key: str
    phrase: str
    dismissed_by: str
    dismissed_at: datetime
    note: str | None


def phrase_key(phrase: str) -> str:
    """The key discovery compares phrases by: folded syllables ("Mail bị DỘI" -> "mail bi doi")."""
    return _key(phrase or "")


def dismissed_phrases(cur) -> list[DismissedPhrase]:
    return [DismissedPhrase(r[0], r[1], r[2], from_db(r[3]), r[4]) for r in cur.execute(
        "SELECT phrase_key, phrase, dismissed_by, dismissed_at, note FROM dismissed_phrases "
        "ORDER BY dismissed_at DESC, phrase_key").fetchall()]


def dismiss(cur, actor: Actor, phrase: str, note: str | None = None) -> DismissedPhrase:
    """Leave `phrase` out of every later discovery run; audited. Dismissing it again changes nothing."""
    key = phrase_key(phrase)
    if not key:
        raise ValidationError("Vui lòng chọn cụm từ cần bỏ qua.", "phrase")
    existing = next((d for d in dismissed_phrases(cur) if d.key == key), None)
    if existing is not None:
        return existing
    at = utcnow()
    surface = " ".join(phrase.split())
    cur.execute("INSERT INTO dismissed_phrases (phrase_key, phrase, dismissed_by, dismissed_at, note) "
                "VALUES (?, ?, ?, ?, ?)", [key, surface, actor.username, to_db(at), note])
    record_event(cur, actor.username, "dismissed_phrase", key, "dismissed", None, {"phrase": surface}, note)
    return DismissedPhrase(key, surface, actor.username, at, note)


def restore(cur, actor: Actor, key: str) -> None:
    """Let a dismissed phrase show in discovery again; audited."""
    found = next((d for d in dismissed_phrases(cur) if d.key == key), None)
    if found is None:
        raise NotFound("Cụm từ này không nằm trong danh sách đã bỏ qua.")
    cur.execute("DELETE FROM dismissed_phrases WHERE phrase_key = ?", [key])
    record_event(cur, actor.username, "dismissed_phrase", key, "restored", {"phrase": found.phrase}, None)
