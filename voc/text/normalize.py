"""Normalisation of Vietnamese customer text for the theme engine.

One pass per text, in this order:

1. Unicode NFC and lower-casing;
2. chat abbreviations expanded ("ko" -> "không", "dc"/"đc" -> "được", ...), so that they
   segment and match like the full words;
3. underthesea's word segmentation. `word_tokenize` runs underthesea's own
   `text_normalize` step (its regex tokeniser followed by `token_normalize` on every
   token, which fixes tone-mark placement and odd characters) before the CRF, so calling
   `text_normalize` first would repeat that work for an identical result; the hot
   tagging path therefore calls `word_tokenize` once per text;
4. a diacritics-free ("folded") copy of every token, so that "web bi sap" and "web bị
   sập" share their features;
5. the words a customer rules out ("không phải lỗi DNS", "không liên quan đến SSL"): up to two
   words after such a cue and its linking words, up to a punctuation mark or a "mà"/"nhưng"
   (`Analysed.negated`), which the classifier's features mark as ruled out instead of reading
   them as the complaint's topic.

`underthesea.classify` and `underthesea.sentiment` download models and are never used.

underthesea loads each model on its first call without a lock (`word_tokenize` even publishes
its model object before loading into it), so parallel first calls in a fresh process fail with
`AttributeError: 'NoneType' object has no attribute 'process'`. Every use therefore goes through
`underthesea_function`, which imports and warms up a function once, under one lock.
"""
from __future__ import annotations

import re
import threading
import unicodedata
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Callable, Sequence

from voc.plaintext import fold, strip_diacritics

# Customer chat shorthand -> the full word. Keys are lower-case; both the accented and
# the accent-free spelling of a shorthand are listed where customers use both.
ABBREVIATIONS: dict[str, str] = {
    # không
    "ko": "không", "k": "không", "kg": "không", "hok": "không", "hem": "không", "k0": "không",
    "khg": "không", "kô": "không", "khong": "không", "hông": "không",
    # được
    "dc": "được", "đc": "được", "duoc": "được",
    # people
    "mn": "mọi người", "mng": "mọi người", "ng": "người", "ngta": "người ta", "mik": "mình",
    "mjk": "mình", "e": "em", "ad": "admin", "nv": "nhân viên", "kh": "khách hàng",
    "cskh": "chăm sóc khách hàng",
    # frequent words
    "j": "gì", "vs": "với", "z": "vậy", "v": "vậy", "r": "rồi", "oy": "rồi", "cx": "cũng",
    "cg": "cũng", "ms": "mới", "lun": "luôn", "mún": "muốn", "bik": "biết", "bít": "biết",
    "wa": "quá", "qá": "quá", "nhiu": "nhiều", "nhìu": "nhiều", "hum": "hôm", "trc": "trước",
    "bt": "bình thường", "bth": "bình thường", "ntn": "như thế nào", "bn": "bao nhiêu",
    "tl": "trả lời", "rep": "trả lời", "ib": "nhắn tin", "inbox": "nhắn tin",
    "oke": "ok", "okie": "ok", "oki": "ok",
    # services and money
    "tk": "tài khoản", "sdt": "số điện thoại", "sđt": "số điện thoại", "đt": "điện thoại",
    "dt": "điện thoại", "tg": "thời gian", "tgian": "thời gian", "ck": "chuyển khoản",
    "tt": "thanh toán", "hđ": "hợp đồng", "cty": "công ty", "ctrinh": "chương trình",
    "ktra": "kiểm tra", "tr": "triệu", "lq": "liên quan", "dv": "dịch vụ", "đv": "dịch vụ",
    "sever": "server", "sevơ": "server", "email": "mail", "e-mail": "mail", "web": "website",
    "ws": "website", "host": "hosting", "pass": "mật khẩu", "pw": "mật khẩu",
    "đki": "đăng ký", "dki": "đăng ký", "dky": "đăng ký", "đky": "đăng ký",
    # banking
    "nh": "ngân hàng", "stk": "số tài khoản", "tkhoan": "tài khoản", "ls": "lãi suất", "pgd": "phòng giao dịch",
    "gdv": "giao dịch viên", "tmcp": "thương mại cổ phần", "km": "khuyến mãi",
    "cmnd": "chứng minh nhân dân", "ebank": "internet banking", "ebanking": "internet banking",
    "ibank": "internet banking", "ibanking": "internet banking", "ibaking": "internet banking",
    "mbank": "mobile banking", "mbanking": "mobile banking", "tn": "tin nhắn", "ntin": "nhắn tin",
    # more chat
    "adm": "admin", "tks": "cảm ơn", "thks": "cảm ơn", "thanks": "cảm ơn", "thank": "cảm ơn",
    "mih": "mình", "fai": "phải", "lm": "làm", "đuoc": "được", "đươc": "được",
    "hnay": "hôm nay", "hqua": "hôm qua", "bh": "bao giờ", "ktv": "kỹ thuật viên",
    "kĩ": "kỹ", "khôg": "không", "hog": "không",
    "nhg": "nhưng", "nma": "nhưng mà", "nhma": "nhưng mà", "zậy": "vậy", "dzậy": "vậy", "wá": "quá",
    "nvien": "nhân viên", "kthuat": "kỹ thuật", "kthuật": "kỹ thuật",
    # typing slips seen in customers' messages (letters swapped or dropped), each a non-word
    "hkông": "không", "khnôg": "không", "kohng": "không", "dùg": "dùng", "exipred": "hết hạn",
    "expried": "hết hạn",
    # English words customers mix in (whole words only; "lag", "server", "ticket" stay as they are)
    "refund": "hoàn tiền", "invoice": "hóa đơn", "password": "mật khẩu", "login": "đăng nhập",
    "domain": "tên miền", "backup": "sao lưu", "renew": "gia hạn", "expired": "hết hạn", "support": "hỗ trợ",
    "error": "lỗi", "slow": "chậm", "down": "sập", "die": "chết",
    "bill": "hóa đơn", "contract": "hợp đồng", "cancel": "hủy", "restore": "khôi phục", "upgrade": "nâng cấp",
    "reply": "trả lời",
}
# Reviewed: no entry turns a real word into another one. Words that look like shorthand but are
# Vietnamese words of their own stay out ("hỏng" is "broken", never "không"; "mk" is both "mình"
# and "mật khẩu", "kt" both "kỹ thuật" and "kiểm tra", "dk" both "đăng ký" and "điều kiện"; "ns" is
# "nói" in chat but a domain's name servers in "đổi NS sang Cloudflare"; "hổng" is Southern "không"
# but also the hole of "lỗ hổng bảo mật").

_WORD = re.compile(r"[\w-]+", re.UNICODE)
_SPACES = re.compile(r"\s+")
# Characters repeated for emphasis ("chậmmmm", "quá quá") are squeezed to one.
_REPEATS = re.compile(r"([^\W\d_])\1{2,}", re.UNICODE)


# Only the shorthand itself is matched (as a whole [\w-]+ word), so the replacement callback runs
# for the few words that change rather than for every word of the text.
_SHORTHAND = re.compile(
    r"(?<![\w-])(?:" + "|".join(re.escape(k) for k in sorted(ABBREVIATIONS, key=len, reverse=True)) + r")(?![\w-])",
    re.UNICODE)


def _expand(match: re.Match[str]) -> str:
    word = match.group(0)
    return ABBREVIATIONS.get(word, word)


def expand_abbreviations(text: str) -> str:
    """Replace whole-word chat shorthand in lower-case text: "web ko vào dc" -> "website không vào được"."""
    return _SHORTHAND.sub(_expand, text)


def prepare(text: str | None) -> str:
    """NFC, lower-case, squeeze repeated letters, expand shorthand: the text word segmentation sees."""
    if not text:
        return ""
    lowered = unicodedata.normalize("NFC", text).lower()
    lowered = _REPEATS.sub(r"\1", lowered)
    return _SPACES.sub(" ", expand_abbreviations(lowered)).strip()


_underthesea_lock = threading.Lock()
_underthesea_loaded: dict[str, Callable] = {}
WARM_UP_TEXT = "khởi động máy chủ"


def underthesea_function(name: str) -> Callable:
    """underthesea's `name` ("word_tokenize", "chunk", "text_normalize"...) with its models loaded.

    Imported lazily (loading the CRFs takes ~0.5 s) and called once on a warm-up text under a lock,
    so that the first calls of several threads at once wait for one load instead of racing it."""
    function = _underthesea_loaded.get(name)
    if function is None:
        with _underthesea_lock:
            function = _underthesea_loaded.get(name)
            if function is None:
                import underthesea

                function = getattr(underthesea, name)
                function(WARM_UP_TEXT)
                _underthesea_loaded[name] = function
    return function


@dataclass(frozen=True)
class Analysed:
    """A text after normalisation and word segmentation.

    `words` are underthesea words in lower case with syllables joined by "_" ("máy_chủ");
    `folded` is the same list without diacritics ("may_chu"); `text` is the prepared
    text (NFC, lower-case, shorthand expanded) and `folded_text` its diacritics-free copy,
    which glossary matching uses. The derived forms are computed once per text (cached).
    """

    text: str
    words: tuple[str, ...]
    folded: tuple[str, ...]
    negated: frozenset[int] = frozenset()     # indices of the words in a ruled-out scope
    # punctuation as typed: (index of the word it comes before, the mark), in text order; a mark
    # after the last word has index len(words). Passage splitting (voc.text.passages) reads it.
    marks: tuple[tuple[int, str], ...] = ()

    @cached_property
    def negated_syllables(self) -> tuple[bool, ...]:
        """Per syllable of `syllables`: inside a ruled-out scope."""
        if not self.negated:
            return (False,) * len(self.syllables)
        return tuple(i in self.negated for i, w in enumerate(self.folded) for _ in w.split("_"))

    @cached_property
    def plain_syllables(self) -> tuple[str, ...]:
        """`syllables` without those in a ruled-out scope."""
        if not self.negated:
            return self.syllables
        return tuple(s for s, neg in zip(self.syllables, self.negated_syllables) if not neg)

    @cached_property
    def folded_text(self) -> str:
        return " ".join(w.replace("_", " ") for w in self.folded)

    @cached_property
    def syllables(self) -> tuple[str, ...]:
        """Diacritics-free syllables, independent of how the words were segmented."""
        return tuple(s for w in self.folded for s in w.split("_"))

    @cached_property
    def accented_syllables(self) -> tuple[str, ...]:
        """The same syllables as typed (after normalisation), aligned with `syllables`."""
        return tuple(s for w in self.words for s in w.split("_"))


_KEEP = re.compile(r"\w", re.UNICODE)
# Folding word by word repeats itself (the same words recur in every text): memoised.
_fold_word = lru_cache(maxsize=200_000)(strip_diacritics)


# Cues by which a customer rules a cause out, as typed: a syllable typed with marks must carry
# the cue's marks ("không đổ" is no "không do"), one typed without them matches by its folded form.
RULED_OUT_CUES: tuple[tuple[str, ...], ...] = (
    ("không", "phải"), ("chẳng", "phải"), ("chả", "phải"), ("đâu", "phải"), ("không", "liên", "quan"),
    ("không", "do"))
# Folded syllables between a cue and what it rules out ("không phải LỖI DO dns").
RULED_OUT_LINKS = frozenset({"do", "la", "loi", "vi", "tai", "van", "de", "o", "cua", "den", "toi", "voi", "gi",
                             "bi", "boi", "phia", "ben", "phan"})
# Folded words that end the ruled-out scope ("không phải DNS MÀ web chậm").
RULED_OUT_STOPS = frozenset({"ma", "nhung", "con", "chi", "thi", "la", "ma_la", "nhung_ma", "van", "vi", "dau"})
RULED_OUT_WORDS = 2
_FOLDED_CUES = tuple(tuple(strip_diacritics(s) for s in cue) for cue in RULED_OUT_CUES)
_CUE_FIRSTS = frozenset(cue[0] for cue in _FOLDED_CUES)
_CUE_SECONDS = frozenset(cue[1] for cue in _FOLDED_CUES)


def _cue_syllable(typed: str, folded: str, cue: str, cue_folded: str) -> bool:
    return typed == cue if typed != folded else folded == cue_folded


def ruled_out_words(words: Sequence[str], folded: Sequence[str], boundaries: frozenset[int]) -> frozenset[int]:
    """Indices of the words a negation cue rules out: after the cue and any linking syllables, up to
    RULED_OUT_WORDS words, stopping at a word that follows a punctuation mark (`boundaries`) or at
    a stop word."""
    syllables = [s for w in folded for s in w.split("_")]
    starts = [i for i, s in enumerate(syllables[:-1]) if s in _CUE_FIRSTS and syllables[i + 1] in _CUE_SECONDS]
    if not starts:                           # the common case, kept cheap: no cue at all
        return frozenset()
    flat = [(t, f, k) for k, (w, fw) in enumerate(zip(words, folded)) for t, f in zip(w.split("_"), fw.split("_"))]

    def opens_clause(i: int) -> bool:        # the first syllable of a word after a punctuation mark
        return flat[i][2] in boundaries and (i == 0 or flat[i - 1][2] != flat[i][2])

    out: set[int] = set()
    for pos in starts:
        for cue, cue_folded in zip(RULED_OUT_CUES, _FOLDED_CUES):
            n = len(cue)
            if pos + n > len(flat) or not all(
                    _cue_syllable(flat[pos + j][0], flat[pos + j][1], cue[j], cue_folded[j]) for j in range(n)):
                continue
            cue_word, end = flat[pos + n - 1][2], pos + n
            while end < len(flat) and flat[end][1] in RULED_OUT_LINKS and not opens_clause(end):
                end += 1
            taken: list[int] = []
            for i in range(end, len(flat)):
                k = flat[i][2]
                if k == cue_word or k in taken:
                    continue
                if len(taken) == RULED_OUT_WORDS or opens_clause(i) or folded[k] in RULED_OUT_STOPS:
                    break
                taken.append(k)
            out.update(taken)
            break
    return frozenset(out)


def analyse(text: str | None) -> Analysed:
    """Normalise and segment one text (one call of underthesea.word_tokenize)."""
    prepared = prepare(text)
    if not prepared:
        return Analysed("", (), ())
    tokens = underthesea_function("word_tokenize")(prepared)
    kept: list[str] = []
    boundaries: set[int] = set()
    marks: list[tuple[int, str]] = []
    for t in tokens:
        first = _KEEP.search(t)
        if first:
            if first.start():                  # a mark glued to the word ("‘ ok", "! a")
                marks.append((len(kept), t[:first.start()].strip()))
            kept.append(t.replace(" ", "_"))
        else:
            if kept:
                boundaries.add(len(kept))      # the next kept word follows a punctuation mark
            marks.append((len(kept), t))
    words = tuple(kept)
    folded = tuple(_fold_word(w) for w in words)
    return Analysed(prepared, words, folded, ruled_out_words(words, folded, frozenset(boundaries)), tuple(marks))


def analyse_many(texts: list[str]) -> list[Analysed]:
    return [analyse(t) for t in texts]


def normalize_text(text: str | None) -> str:
    """Display/storage form of a short phrase (a glossary term): NFC, underthesea
    text_normalize, lower-case, shorthand expanded, single spaces."""
    if not text:
        return ""
    return prepare(underthesea_function("text_normalize")(unicodedata.normalize("NFC", text)))


def fold_phrase(text: str | None) -> str:
    """The accent-free matching key of a phrase: "Web  SẬP" -> "website sap"."""
    return fold(prepare(text))


_fold_typed_word = lru_cache(maxsize=200_000)(fold_phrase)


@lru_cache(maxsize=64)
def _typed_syllables(text: str) -> tuple[list[re.Match[str]], list[tuple[str, int]]]:
    """The words of a text and its folded syllables with the index of the word each came from
    (a text's evidence phrases are traced back one after another: computed once per text)."""
    words = list(_WORD.finditer(text))
    return words, [(syllable, k) for k, m in enumerate(words) for syllable in _fold_typed_word(m.group(0)).split()]


def as_typed(phrase: str, text: str) -> str:
    """The words of `text`, as the customer typed them, that a normalised phrase came from:
    as_typed("website bị sập", "Web bi sập từ sáng") -> "Web bi sập". Evidence is found on the
    normalised text (shorthand expanded, accents folded); this shows it in the customer's words.
    The phrase itself when it cannot be traced back."""
    target = fold_phrase(phrase).split()
    if not target:
        return phrase
    words, flat = _typed_syllables(text or "")
    n = len(target)
    for i in range(len(flat) - n + 1):
        if all(flat[i + j][0] == target[j] for j in range(n)):
            return text[words[flat[i][1]].start():words[flat[i + n - 1][1]].end()]
    return phrase
