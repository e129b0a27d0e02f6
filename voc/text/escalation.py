"""Escalation risk (R10): does the customer threaten to take the complaint outside, or to leave?

A reviewed lexicon of Vietnamese patterns in five categories: the regulator, a court or lawyer,
the press or social media, cancelling or moving to another provider, and a demand for
compensation. Matching works on the text as typed, tokenised by a plain regex (no word
segmentation, so it costs microseconds a text):

- every token is folded (lower-case, diacritics removed), and each pattern, written with its
  accents, is matched on the folded tokens, so "khoi kien" and "khởi kiện" both match;
- a token typed WITH marks must carry the marks of the pattern's syllable ("ý kiến" is an opinion,
  not "kiện"); marks are compared as a set, so the old tone placement "toà" equals "tòa";
- a few ambiguous heads have reviewed exclusions ("điều kiện", "sự kiện", "linh kiện", "bị hủy
  dịch vụ": the company cancelled, the customer does not threaten to);
- a negation cue before the match, with only linking words between ("tôi không muốn kiện",
  "chưa tính đến chuyện kiện", "ko cần bồi thường"), cancels it; "nếu không xử lý tôi sẽ kiện"
  stays a threat, since "xử lý" is no linking word.

Evidence is the matched words exactly as the customer typed them.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import Enum
from functools import lru_cache

from voc.plaintext import strip_diacritics


class EscalationCategory(str, Enum):
    REGULATOR = "regulator"
    COURT = "court"
    PUBLIC = "public"          # press and social media
    CANCEL = "cancel"          # cancel the service, move to another provider
    COMPENSATION = "compensation"

    @property
    def label(self) -> str:
        return {
            "regulator": "Cơ quan quản lý",
            "court": "Tòa án, luật sư",
            "public": "Báo chí, mạng xã hội",
            "cancel": "Hủy dịch vụ, chuyển nhà cung cấp",
            "compensation": "Đòi bồi thường, hoàn tiền",
        }[self.value]


# Patterns in accented Vietnamese (regex syntax over single-space-separated syllables, matched on
# the folded text: see the module docstring). Chat spellings are listed as customers type them.
_VERB_PUBLIC = r"(?:đăng|post|share|chia sẻ|bóc|đưa|đẩy|viết|up)(?: lên| lên trên| trên| qua| ra)?"
_PLATFORM = (r"(?:facebook|fb|face|phây|phây búc|mạng|mạng xã hội|mxh|tiktok|youtube|diễn đàn|forum|group|nhóm|"
             r"hội nhóm|báo|báo chí|voz|tinhte|otofun|webtretho|twitter|instagram|threads)")
PATTERNS: dict[EscalationCategory, tuple[str, ...]] = {
    EscalationCategory.REGULATOR: (
        r"bộ (?:tt tt|tttt|tt và tt|tt|thông tin(?: và truyền thông)?|công thương|công an)",
        r"sở (?:tt tt|tttt|tt và tt|thông tin(?: và truyền thông)?|công thương)",
        r"cục (?:viễn thông|an toàn thông tin|an ninh mạng|tần số|cạnh tranh|quản lý cạnh tranh|"
        r"cạnh tranh và bảo vệ người tiêu dùng|thuế|thương mại điện tử|bưu điện|an ninh)",
        r"vnnic", r"trung tâm internet việt nam", r"ngân hàng nhà nước",
        r"cơ quan (?:chức năng|quản lý|nhà nước|có thẩm quyền|thẩm quyền|công an)",
        r"(?:hội )?bảo vệ (?:quyền lợi )?người tiêu dùng", r"thanh tra", r"công an", r"tố cáo",
        r"cảnh sát", r"a05", r"a50",
    ),
    EscalationCategory.COURT: (
        r"kiện", r"khởi kiện", r"đâm đơn", r"đơn kiện", r"kiện tụng", r"tòa án", r"tòa",
        r"luật sư", r"pháp luật", r"(?:biện pháp|con đường|hành động|thủ tục) pháp lý", r"trọng tài", r"vi bằng", r"thừa phát lại",
    ),
    EscalationCategory.PUBLIC: (
        _VERB_PUBLIC + " " + _PLATFORM,
        r"lên báo", r"báo chí", r"nhà báo", r"phóng viên", r"truyền hình", r"mạng xã hội", r"mxh",
        r"bóc phốt", r"phốt", r"bóc phot", r"review", r"rì viu", r"đánh giá (?:1|một) sao", r"(?:1|một) sao",
        r"cộng đồng mạng", r"dân mạng", r"tẩy chay", r"cảnh báo (?:mọi người|cộng đồng|anh em|khách hàng khác)",
        r"cho (?:mọi người|cả thiên hạ|thiên hạ|cộng đồng) (?:cùng )?biết", r"viral", r"livestream",
    ),
    EscalationCategory.CANCEL: (
        r"hủy (?:dịch vụ|dv|hợp đồng|hđ|gói|đăng ký|tài khoản|tk|hosting|host|vps|server|tên miền|domain|"
        r"email|mail|thẻ|luôn|hết)",
        r"cắt hợp đồng", r"chấm dứt (?:hợp đồng|hđ|dịch vụ|dv|sử dụng)", r"thanh lý hợp đồng",
        r"ngừng (?:sử dụng|dùng|gia hạn)", r"ngưng (?:sử dụng|dùng|gia hạn)", r"thôi (?:dùng|sử dụng|gia hạn|không dùng)",
        r"(?:không|ko|k|hok|khg|kg) (?:dùng|sử dụng|xài|gia hạn|mua|quay lại|ủng hộ) (?:[^ ]+ )?nữa",
        r"chuyển (?:sang |qua )?(?:nhà cung cấp|nhà mạng|bên|chỗ|nơi|công ty|hãng|ngân hàng|nhà đăng ký) khác",
        r"chuyển nhà cung cấp", r"đổi nhà cung cấp", r"đổi nhà mạng", r"chuyển nhà mạng",
        r"(?:chuyển|đổi) (?:sang|qua) (?:viettel|vnpt|fpt|mắt bão|pa|p a|nhân hòa|tenten|inet|vinahost|"
        r"azdigi|hostinger|godaddy|namecheap|cloudflare|aws|google|digitalocean|vultr|bên kia)",
        r"bỏ (?:dịch vụ|dv|bên|nhà mạng|nhà cung cấp|ngân hàng)", r"rút hết (?:tiền|tài khoản|sổ)",
        r"đóng (?:tài khoản|tk)",
    ),
    EscalationCategory.COMPENSATION: (
        r"bồi thường", r"đền bù", r"bồi hoàn", r"đền tiền", r"hoàn tiền", r"hoàn lại tiền", r"hoàn lại phí",
        r"hoàn phí", r"hoàn trả", r"trả lại tiền", r"trả tiền lại", r"đòi (?:lại )?tiền", r"đòi bồi thường",
        r"refund", r"đền (?:cho|lại)", r"hoàn (?:lại )?(?:cho )?(?:tôi|mình|em|tui|tao|chúng tôi)",
    ),
}

# Reviewed exclusions for ambiguous folded syllables: the previous or the next syllable that makes
# them another word ("điều kiện", "ý kiến", "kiện hàng", "tòa nhà", "bị hủy dịch vụ", "sao lưu").
_NOT_AFTER: dict[str, frozenset[str]] = {
    "kien": frozenset({"dieu", "su", "linh", "buu", "phu", "y", "van", "hien", "chung", "dinh", "lanh"}),
    "huy": frozenset({"bi", "tu"}),
    "review": frozenset({"code", "duoc", "san"}),
    "len": frozenset({"goi", "gui", "nhan", "dien", "mail", "email", "ticket"}),   # "gọi lên báo": to report
}
_NOT_BEFORE: dict[str, frozenset[str]] = {
    "kien": frozenset({"hang", "nhan", "nghi", "truc", "thuc", "tri", "quyet", "dinh", "tao", "giai", "cuong"}),
    "toa": frozenset({"nha", "do", "sang", "tau", "xe", "soan"}),
    "sao": frozenset({"luu", "chep", "ke", "khong", "vay", "the", "roi", "nua", "ha", "ko", "k"}),
    "review": frozenset({"code"}),
}

NEGATION_CUES = frozenset({"khong", "ko", "k", "kg", "khg", "hok", "hong", "hem", "k0", "chua", "chang", "cha",
                           "kp"})
# A cue right after one of these is a condition ("nếu không, tôi sẽ kiện"), not a negation.
CONDITIONALS = frozenset({"neu", "bang", "hoac", "con", "thi"})
# Words that may stand between a negation cue and the threat it denies.
NEGATION_LINKS = frozenset({
    "muon", "mun", "dinh", "tinh", "can", "se", "phai", "fai", "co", "y", "nghi", "den", "toi", "minh", "mik",
    "em", "anh", "chi", "chung", "he", "thiet", "la", "di", "han", "bao", "gio", "lam", "chuyen", "viec", "tui",
    "bon", "ben", "cho", "doi", "yeu", "cau", "ai", "nham", "ly", "do", "gi", "hoi", "may", "nen", "duoc", "dc",
    "ca", "moi", "de",
})
MAX_LINKS = 4


_TOKEN = re.compile(r"[^\W_]+", re.UNICODE)
_fold_token = lru_cache(maxsize=100_000)(strip_diacritics)
_MARKS_CACHE: dict[str, tuple] = {}


def _marks(syllable: str) -> tuple:
    """The diacritics of a syllable as a position-free signature (tone and vowel marks, đ)."""
    sig = _MARKS_CACHE.get(syllable)
    if sig is None:
        nfd = unicodedata.normalize("NFD", syllable)
        sig = (tuple(sorted(c for c in nfd if unicodedata.category(c) == "Mn")), "đ" in syllable)
        if len(_MARKS_CACHE) < 100_000:
            _MARKS_CACHE[syllable] = sig
    return sig


@dataclass(frozen=True)
class _Compiled:
    category: EscalationCategory
    regex: re.Pattern[str]


def _compile() -> tuple[list[_Compiled], dict[str, set[tuple]]]:
    compiled, accents = [], {}
    for category, patterns in PATTERNS.items():
        for pattern in patterns:
            folded = strip_diacritics(pattern)
            compiled.append(_Compiled(category, re.compile(r"(?<![^ ])" + folded + r"(?![^ ])")))
            for syllable in _TOKEN.findall(pattern):
                bare = strip_diacritics(syllable)
                accents.setdefault(bare, set()).add(_marks(syllable))
    return compiled, accents


_COMPILED, _ACCENTS = _compile()


@dataclass(frozen=True)
class EscalationHit:
    category: EscalationCategory
    words: str        # as the customer typed them

    def as_dict(self) -> dict:
        return {"category": self.category.value, "words": self.words}


@dataclass(frozen=True)
class Escalation:
    hits: tuple[EscalationHit, ...]

    @property
    def flagged(self) -> bool:
        return bool(self.hits)

    @property
    def categories(self) -> list[EscalationCategory]:
        return list(dict.fromkeys(h.category for h in self.hits))

    @property
    def evidence(self) -> list[str]:
        return list(dict.fromkeys(h.words for h in self.hits))

    def as_dict(self) -> dict:
        return {"flag": self.flagged, "categories": [c.value for c in self.categories],
                "evidence": [h.as_dict() for h in self.hits]}


def _negated(folded: list[str], start: int, gaps: list[str]) -> bool:
    """A negation cue before token `start`, with at most MAX_LINKS linking words and no clause
    break (`gaps[i]`: what separates token i from the next) between, and not a condition."""
    k = start - 1
    for _ in range(MAX_LINKS + 1):
        if k < 0 or _BREAK.search(gaps[k]):
            return False
        if folded[k] in NEGATION_CUES:
            return not (k > 0 and folded[k - 1] in CONDITIONALS)
        if folded[k] not in NEGATION_LINKS:
            return False
        k -= 1
    return False


_BREAK = re.compile(r"[,.;:!?\n]")


def assess(text: str | None) -> Escalation:
    """The escalation threats in one text, each with its category and the words as typed."""
    if not text:
        return Escalation(())
    nfc = unicodedata.normalize("NFC", text)
    tokens = list(_TOKEN.finditer(nfc))
    if not tokens:
        return Escalation(())
    typed = [m.group(0).lower() for m in tokens]
    folded = [_fold_token(t) for t in typed]
    line = " ".join(folded)
    starts, pos = [], 0                  # character offset of every token in `line`
    for f in folded:
        starts.append(pos)
        pos += len(f) + 1
    index = {s: i for i, s in enumerate(starts)}
    gaps = [nfc[a.end():b.start()] for a, b in zip(tokens, tokens[1:])] + [""]
    candidates: list[tuple[int, int, EscalationCategory]] = []
    for rule in _COMPILED:
        for m in rule.regex.finditer(line):
            first = index.get(m.start())
            if first is None:
                continue
            last = first + m.group(0).count(" ")
            if not all(typed[i] == folded[i] or _marks(typed[i]) in _ACCENTS.get(folded[i], ())
                       for i in range(first, last + 1)):
                continue
            if not _excluded(folded, first, last) and not _negated(folded, first, gaps):
                candidates.append((first, last, rule.category))
    # the longest match wins ("khởi kiện" over "kiện"), then the earliest
    candidates.sort(key=lambda c: (c[0] - c[1], c[0]))
    taken: set[int] = set()
    hits: list[tuple[int, EscalationHit]] = []
    for first, last, category in candidates:
        if taken.isdisjoint(range(first, last + 1)):
            taken.update(range(first, last + 1))
            hits.append((first, EscalationHit(category, nfc[tokens[first].start():tokens[last].end()])))
    hits.sort(key=lambda h: h[0])
    seen: set[tuple[EscalationCategory, str]] = set()
    unique = []
    for _, hit in hits:                  # a phrase said twice is one piece of evidence
        if (hit.category, hit.words.lower()) not in seen:
            seen.add((hit.category, hit.words.lower()))
            unique.append(hit)
    return Escalation(tuple(unique))


def _excluded(folded: list[str], first: int, last: int) -> bool:
    for i in range(first, last + 1):
        head = folded[i]
        before = folded[i - 1] if i > 0 else ""
        after = folded[i + 1] if i + 1 < len(folded) else ""
        if i == first and before in _NOT_AFTER.get(head, ()):
            return True
        if i == last and after in _NOT_BEFORE.get(head, ()):
            return True
    return False
