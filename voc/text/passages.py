"""Passages of long letters: the customer's own sentences, apart from quoted replies and formulas.

A long letter (a forum post, an e-mail with a story) names its problem in one or two sentences;
the rest is narrative, a support reply quoted, a greeting and a signature. Read as one bag of
words, the narrative outweighs the problem and a theme named in passing ("tên miền mua chỗ khác")
or inside a quoted reply ("họ bảo 'do tên miền của anh'") is read as the complaint. The tagger
(voc.text.tagging) therefore also scores each of the customer's own passages of a long text and
keeps a theme only where a passage supports it (`PassageScores`).

Splitting works on the analysed text (`Analysed.marks`: the punctuation underthesea kept), so a
letter is segmented once:
- sentences end at ". ! ? … ;";
- a quotation opened right after a reply verb of someone else ("trả lời", "bảo", "nói", "reply"...
  within the four words before it) is QUOTED, and so is everything after "... đã viết:",
  "wrote:", "original message" or a ">" that opens a sentence (an e-mail's quoted thread);
- a greeting that opens the letter ("Chào anh chị," "Kính gửi BKNS.") and the sign-off ("Cảm ơn",
  "Trân trọng" and the signature after it) are FORMULA;
- the other sentences are the customer's own (OWN), quoted words inside them left out.
A text with fewer than MIN_PASSAGES own sentences is short: it is tagged exactly as before.
"""
from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

import numpy as np

from voc.model import TagSource
from voc.text.normalize import Analysed

MIN_PASSAGES = 3
SENTENCE_ENDS = frozenset(".!?…;")
DOMAIN_SUFFIXES = frozenset({"vn", "com", "net", "org", "info", "biz", "io", "edu", "gov", "asia"})
OPENING_QUOTES = {"“": "”", "‘": "’", "«": "»", '"': '"', "'": "'"}
REPLY_WINDOW = 4          # words between a reply verb and the quotation it introduces
# Reply verbs as typed (underthesea words); typed without marks only those that fold to no other
# common word ("bao" is both "bảo", said, and "báo", the browser's message; "nhan" both "nhắn" and
# "nhận", a notice received).
REPLY_VERBS = frozenset({"trả_lời", "nói", "bảo", "nhắn", "phản_hồi", "giải_thích", "kết_luận", "khuyên", "hứa",
                         "hẹn", "đáp", "reply", "replied", "said", "says", "answered", "wrote"})
REPLY_VERBS_FOLDED = frozenset({"tra_loi", "noi", "phan_hoi", "giai_thich", "ket_luan", "khuyen", "hua", "hen"})
# A quoted thread follows "... đã viết:" / "wrote:" (a ":" after these words as typed; "viet" without
# marks only after "da": "tiếng Việt:" is no thread) and "original / forwarded message".
THREAD_CUES = frozenset({"viết", "wrote", "đã_viết", "da_viet"})
THREAD_PAIRS = frozenset({("original", "message"), ("forwarded", "message")})
# Greetings (folded, a word or two words joined); "gửi", "kính", "thưa" only before an addressee
# ("Gửi mail không đi" is no greeting).
GREETINGS = frozenset({"chao", "kinh_gui", "xin_chao", "dear", "hi", "hello", "alo"})
ADDRESSED = frozenset({"gui", "kinh", "thua"})
ADDRESSEES = frozenset({"anh", "chi", "anh_chi", "em", "ban", "cac", "quy", "bo_phan", "phong", "ban_giam_doc", "bkns",
                        "cong_ty", "team", "admin", "ad", "tong_dai", "cham_soc", "ho_tro", "ky_thuat"})
GREETING_WORDS = 8        # a greeting is the letter's first clause, at most this long
SIGN_OFFS = frozenset({"cam_on", "cam_on_anh", "xin_cam_on", "em_cam_on", "toi_cam_on", "minh_cam_on", "tran_trong",
                       "regards", "best_regards", "thanks", "thank", "than_ai", "chuc"})
SIGNATURE_CUES = frozenset({"tran_trong", "regards", "best_regards", "than_ai"})


class PassageKind(Enum):
    OWN = "own"              # the customer's own sentence
    QUOTED = "quoted"        # someone else's words: a support reply, an e-mail thread
    FORMULA = "formula"      # greeting, thanks, sign-off, signature


@dataclass(frozen=True)
class Passage:
    kind: PassageKind
    words: tuple[int, ...]   # indices into the text's words, in order


def _ends(doc: Analysed) -> set[int]:
    """Indices of the words that open a sentence (a "." before a domain's suffix, "bkns.vn", ends none)."""
    folded, n = doc.folded, len(doc.words)
    return {i for i, mark in doc.marks if any(c in SENTENCE_ENDS for c in mark)
            and not (mark == "." and i < n and folded[i] in DOMAIN_SUFFIXES)}


def _sentences(doc: Analysed, ends: set[int]) -> list[tuple[int, int]]:
    """[start, end) word ranges of the sentences that open at `ends` (`_ends`)."""
    cuts = sorted(ends | {0, len(doc.words)})
    return [(a, b) for a, b in zip(cuts, cuts[1:]) if b > a]


def _is_reply_verb(word: str, folded: str) -> bool:
    return word in REPLY_VERBS if word != folded else folded in REPLY_VERBS_FOLDED


def _thread_starts(doc: Analysed, k: int) -> bool:
    """An e-mail's quoted thread starts at mark k: "... đã viết:", "wrote:", "original message", or a
    ">" opening a sentence."""
    i, mark = doc.marks[k]
    words, folded = doc.words, doc.folded
    if ":" in mark and i and (words[i - 1] in THREAD_CUES or folded[max(0, i - 2):i] == ("da", "viet")):
        return True
    if mark == ">" and i < len(words) and (k == 0 or any(c in SENTENCE_ENDS or c == ">" for c in doc.marks[k - 1][1])):
        return True
    return i >= 2 and folded[i - 2:i] in THREAD_PAIRS


def _quoted_words(doc: Analysed) -> set[int]:
    """Indices of the words quoted from someone else."""
    quoted: set[int] = set()
    words, folded, marks = doc.words, doc.folded, doc.marks
    opened: tuple[int, str] | None = None
    for k, (i, mark) in enumerate(marks):
        if _thread_starts(doc, k):
            quoted.update(range(i, len(words)))
            return quoted
        for c in mark:
            if opened is None:
                if c in OPENING_QUOTES:
                    opened = (i, c)
            elif c == OPENING_QUOTES[opened[1]]:
                start = opened[0]
                opened = None
                if any(_is_reply_verb(words[j], folded[j]) for j in range(max(0, start - REPLY_WINDOW), start)):
                    quoted.update(range(start, i))
    return quoted


def _greeting(folded: tuple[str, ...], start: int, end: int) -> bool:
    if folded[start] in GREETINGS or "_".join(folded[start:start + 2]) in GREETINGS:
        return True
    return folded[start] in ADDRESSED and start + 1 < end and folded[start + 1] in ADDRESSEES


def split(doc: Analysed, ends: set[int] | None = None) -> list[Passage]:
    """The text's sentences, each OWN, QUOTED or FORMULA, quoted words taken out of own sentences
    (`ends`: the text's `_ends`, if already known)."""
    quoted = _quoted_words(doc)
    folded = doc.folded
    out: list[Passage] = []
    signed = False
    for n, (start, end) in enumerate(_sentences(doc, _ends(doc) if ends is None else ends)):
        own = tuple(i for i in range(start, end) if i not in quoted)
        if quoted.issuperset(range(start, end)):
            out.append(Passage(PassageKind.QUOTED, tuple(range(start, end))))
            continue
        if n == 0 and _greeting(folded, start, end):
            clause = next((i for i, mark in doc.marks if start < i < end and mark == ","), end)
            if clause - start <= GREETING_WORDS:
                out.append(Passage(PassageKind.FORMULA, tuple(range(start, clause))))
                own = tuple(i for i in own if i >= clause)
                if not own:
                    continue
        opening = {folded[own[0]], "_".join(folded[i] for i in own[:2])}
        if signed or opening & SIGN_OFFS:
            signed = signed or bool(opening & SIGNATURE_CUES)
            out.append(Passage(PassageKind.FORMULA, own))
            continue
        out.append(Passage(PassageKind.OWN, own))
    return out


def own_passages(doc: Analysed) -> list[Analysed]:
    """The customer's own passages of a long text as analysed texts; [] for a short text (fewer than
    MIN_PASSAGES of them), which is tagged as a whole only."""
    ends = _ends(doc)
    if len(ends) + 1 < MIN_PASSAGES:
        return []                            # cheap test first: most texts have one or two sentences
    own = [p for p in split(doc, ends) if p.kind is PassageKind.OWN]
    return [sub_doc(doc, p.words) for p in own] if len(own) >= MIN_PASSAGES else []


def sub_doc(doc: Analysed, indices: tuple[int, ...]) -> Analysed:
    """The words at `indices` as an analysed text of their own (negation scopes kept)."""
    position = {i: k for k, i in enumerate(indices)}
    words = tuple(doc.words[i] for i in indices)
    return Analysed(" ".join(w.replace("_", " ") for w in words), words, tuple(doc.folded[i] for i in indices),
                    frozenset(position[i] for i in doc.negated if i in position),
                    tuple((position[i], m) for i, m in doc.marks if i in position))


# --- combining the whole text's themes with its passages' ------------------------------------

SUPPORT = 0.3           # a passage supports a theme when it gives it this share of the theme's threshold,
SUPPORT_RULE = 0.8      # this share for a theme a glossary term gave (terms are blind to their context)
ADD_WORDS = 6           # a passage this long or longer can add a theme (not "bạn kỹ thuật bảo")...
STRONG = 0.95           # ...when it gives the theme this much...
STRONG_WHOLE = 0.35     # ...and the whole text at least this share of the theme's threshold


class PassageScores:
    """The model's and the glossary's reading of every own passage of the long texts of a batch
    (one matrix product for all of them), and the rule that combines it with the whole text's:

    - a theme the whole text gives is kept only if one of the customer's own passages supports it:
      gives it at least SUPPORT × its threshold, SUPPORT_RULE × if a glossary term gave it (a term
      matches a passing mention, "đã gia hạn xong", as readily as the complaint). A theme read from
      the narrative as a whole, or from a quoted reply, that no sentence of the customer's leans
      towards is dropped;
    - a theme the whole text missed is added when one own passage of ADD_WORDS words or more gives
      it STRONG or more and the whole text at least STRONG_WHOLE × its threshold (the one sentence
      that names the problem, outweighed by the story around it);
    - the evidence of a kept or added theme comes from the passage that names it best: one with a
      glossary term of the theme, else the likeliest (the whole text's evidence if it has none);
    - a complaint keeps at least the whole text's best theme (the gate read the whole text), and
      a glossary theme the model has no column for is kept when an own passage names it.
    Chosen on the development letters (data/hosting_corpus/messages_dev_long.py) and the long
    letters of the train part's grouped cross-validation (README, theme engine)."""

    def __init__(self, model, matcher, docs: list[Analysed]):
        self.model = model
        self.passages = [own_passages(doc) for doc in docs]
        self.flat = [p for ps in self.passages for p in ps]
        self.first: list[int] = []
        n = 0
        for ps in self.passages:
            self.first.append(n)
            n += len(ps)
        if self.flat:
            self.x = model.transform(self.flat)
            self.proba = model.proba_matrix(self.x)
            self.rules = [matcher.match(p) for p in self.flat]
            self.long = [len(p.words) >= ADD_WORDS for p in self.flat]

    def refine(self, i: int, scores: dict[str, tuple[float, list[str], TagSource]], columns: list[tuple[int, str]],
               thresholds: np.ndarray, whole: np.ndarray) -> dict[str, tuple[float, list[str], TagSource]]:
        """Text i's theme scores (code -> (score, evidence, source), read from the whole text, whose
        model probabilities are `whole`) after its passages' reading; unchanged for a short text."""
        rows = range(self.first[i], self.first[i] + len(self.passages[i]))
        if not rows or not scores:
            return scores
        block = self.proba[rows.start:rows.stop]
        top = block.max(axis=0)
        long = [k - rows.start for k in rows if self.long[k]]
        top_long = block[long].max(axis=0) if long else np.zeros(block.shape[1])
        known = {code for _, code in columns}
        out = {code: value for code, value in scores.items()      # a glossary theme the model does not know
               if code not in known and any(code in self.rules[k] for k in rows)}
        for j, code in columns:
            if code in scores:
                score, evidence, source = scores[code]
                if top[j] >= (SUPPORT_RULE if source is TagSource.RULE else SUPPORT) * thresholds[j]:
                    out[code] = (score, self._evidence(rows, j, code) or evidence, source)
            elif top_long[j] >= STRONG and whole[j] >= STRONG_WHOLE * thresholds[j]:
                out[code] = (float(top_long[j]), self._evidence(rows, j, code), TagSource.MODEL)
        if not out:
            code = max(scores, key=lambda c: scores[c][0])
            out[code] = scores[code]
        return out

    def _evidence(self, rows: range, j: int, code: str) -> list[str]:
        """The theme's words in the passage that names it best: one with a glossary term of the theme
        if any, the model's likeliest otherwise (its glossary terms first, then the model's words)."""
        k = max(rows, key=lambda k: (code in self.rules[k], self.proba[k, j]))
        words = list(self.rules[k].get(code, []))
        for word in self.model.evidence(self.x[k], j, self.flat[k]):
            if not any(word in w or w in word for w in words):
                words.append(word)
        return words
