"""The reply checker: scores a reply letter against the procedure's checklist for a good reply.

The seed's checklist: not a generic template, not late, not too long, no excuses, owns the
situation, states the plan to fix the problem (with a time), thanks the customer. Every rule
works on folded text (lower-case, no diacritics, đ -> d), so an unaccented reply is judged like
an accented one. Each finding names the sentence concerned and explains itself in Vietnamese.

The fix date is looked for only in the plan sentences (what we will do / have done to fix it), never
in quoted words of the customer, sentences reporting what the customer said, or the intake time.
The reply template leaves `SUMMARY_SLOT` for staff to summarise the complaint in the customer's terms;
the checker flags it while it is there and `voc.letters` refuses to issue a letter that still has it.

Scores of issued letters are stored in `reply_checks` (migration 004) so that analytics never
re-checks a million letters per page view: `score_letters` fills the rows of the letters a page
shows, `backfill` fills the rest in bounded batches.
"""
from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Iterable, Sequence

import pandas as pd

from voc.paths import TEMPLATES_DIR
from voc.clock import from_db, to_db, utcnow
from voc.numbers import vn_number
from voc.plaintext import fold

CHECKER_VERSION = 2  # 2: the fix date is looked for in the plan sentences only
MAX_WORDS = 350
SHINGLE_WORDS = 3
TEMPLATE_THRESHOLD = 0.75   # share of the reply's 3-word shingles found in one template
OTHER_REPLY_THRESHOLD = 0.75  # share of the reply's 3-word shingles found in one other reply
MIN_SHINGLES = 8            # below this a reply is too short to compare meaningfully
PENALTY = {"high": 20, "medium": 10, "low": 5}


@dataclass(frozen=True)
class Finding:
    code: str
    message_vi: str
    sentence: str | None
    severity: str  # high, medium, low


@dataclass(frozen=True)
class ReplyCheck:
    score: int
    findings: list[Finding]
    word_count: int = 0
    template_similarity: float = 0.0
    reply_similarity: float = 0.0

    @property
    def codes(self) -> list[str]:
        return [f.code for f in self.findings]


# --- text helpers -----------------------------------------------------------------------------

_SENTENCE_SPLIT = re.compile(r"(?<=[.!?;])\s+|\n+")
_WORD = re.compile(r"\w+", re.UNICODE)
_PLACEHOLDER = re.compile(r"\$\{?\w+\}?|\[[^\]]*\]")


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE_SPLIT.split(text or "") if s and s.strip()]


class _FoldTable(dict):
    """A str.translate table filled on demand: each character folded once by voc.text.fold."""

    def __missing__(self, code: int) -> str:
        folded = fold(chr(code)) if not chr(code).isspace() else " "
        self[code] = folded
        return folded


_FOLD_TABLE = _FoldTable()


def fast_fold(text: str) -> str:
    """voc.text.fold character by character through a cached table (the checker folds a lot of text)."""
    return " ".join(unicodedata.normalize("NFC", text).translate(_FOLD_TABLE).split())


def words(text: str) -> list[str]:
    return _WORD.findall(fast_fold(text))


def _shingles_of(tokens: Sequence[str], size: int = SHINGLE_WORDS) -> frozenset[tuple[str, ...]]:
    return frozenset(tuple(tokens[i:i + size]) for i in range(max(len(tokens) - size + 1, 0)))


def shingles(text: str, size: int = SHINGLE_WORDS) -> frozenset[tuple[str, ...]]:
    return _shingles_of(words(text), size)


def containment(reply: frozenset, other: frozenset) -> float:
    """Share of the reply's shingles that also occur in `other` (0..1)."""
    if len(reply) < MIN_SHINGLES or not other:
        return 0.0
    return len(reply & other) / len(reply)


@lru_cache(maxsize=1)
def default_template_texts() -> tuple[str, ...]:
    """The shipped reply template's body with its $fields and [fill-in] slots removed."""
    text = (TEMPLATES_DIR / "reply.txt").read_text(encoding="utf-8")
    body = text.partition("\n")[2]
    return (_PLACEHOLDER.sub(" ", body),)


# --- rules --------------------------------------------------------------------------------------

# Excuses and blame, as folded phrases matched on word boundaries.
EXCUSES: dict[str, str] = {
    "do loi khach quan": "do lỗi khách quan",
    "ly do khach quan": "lý do khách quan",
    "nguyen nhan khach quan": "nguyên nhân khách quan",
    "khong phai loi cua chung toi": "không phải lỗi của chúng tôi",
    "khong phai do chung toi": "không phải do chúng tôi",
    "khong thuoc trach nhiem": "không thuộc trách nhiệm",
    "do ben thu ba": "do bên thứ ba",
    "do doi tac": "do đối tác",
    "do nha cung cap": "do nhà cung cấp",
    "do khach hang": "do khách hàng",
    "do quy khach": "do Quý khách",
    "loi cua quy khach": "lỗi của Quý khách",
    "loi cua khach hang": "lỗi của khách hàng",
    "bat kha khang": "bất khả kháng",
    "ngoai tam kiem soat": "ngoài tầm kiểm soát",
    "ngoai kha nang": "ngoài khả năng",
}
_EXCUSE_RE = re.compile(r"\b(" + "|".join(re.escape(k) for k in EXCUSES) + r")\b")
_THANKS_RE = re.compile(r"\b(cam on|cam ta|tri an|thank)")
_OWNERSHIP_RE = re.compile(r"\b(xin loi|nhan trach nhiem|chiu trach nhiem|rat tiec|thanh that)\b")
_TIME_RE = re.compile(
    r"\b\d{1,2}/\d{1,2}(/\d{2,4})?\b"                                   # 30/11, 30/11/2026
    r"|\bngay \d{1,2}\b"                                                # ngày 30
    r"|\b(trong|trong vong|sau|chua den|toi da) \d+ (phut|gio|ngay|tuan|thang)\b"  # trong 24 giờ
    r"|\b\d{1,2} ?(h|gio)( ?\d{2})?\b"                                # 17h, 17h30, 17 giờ
    r"|\b\d{1,2}:\d{2}\b"                                               # 17:00
    r"|\b(truoc|den|trong|vao) (ngay mai|hom nay|sang mai|chieu nay|chieu mai|toi nay|cuoi ngay|cuoi tuan"
    r"|tuan nay|tuan toi|tuan sau|thang nay|thu (hai|ba|tu|nam|sau|bay)|chu nhat)\b"
)
_LEFTOVER_RE = re.compile(r"\[[^\]]*\]|\$\{?[a-z_]+\}?|\b(ngày|ngay|trước|truoc)\s*(\.\.\.|…)")

# The slot the reply template leaves for the complaint in the customer's own terms (never the intake note).
SUMMARY_SLOT = "[TÓM TẮT NỘI DUNG KHIẾU NẠI THEO LỜI KHÁCH HÀNG]"
SUMMARY_SLOT_MESSAGE = ("Thư còn chỗ trống của mẫu “" + SUMMARY_SLOT + "”: hãy tóm tắt điều khách hàng phản ánh "
                        "bằng lời của khách hàng (viết có dấu, xưng “Quý khách”), không dán ghi chú nội bộ lúc "
                        "tiếp nhận.")
_SUMMARY_SLOT_RE = re.compile(r"\btom tat noi dung khieu nai theo loi khach hang\b")

# Plan sentences: what we will do or have done to fix the problem (folded text).
_PLAN_RE = re.compile(
    r"(?<!chia )\bse\b|\b(du kien|ke hoach|khac phuc|hoan tat|hoan thanh|xu ly|khoi phuc|cam ket|trien khai"
    r"|bo sung|nang cap|bien phap|da thuc hien|cham nhat|muon nhat|han chot|boi thuong|hoan tien|hoan tra"
    r"|dieu chinh|sua loi|hoat dong lai)\b")
# A sentence that reports what the customer said is theirs, not our plan.
_CUSTOMER_SAYS_RE = re.compile(
    r"^[-+*•\s]*(theo |nhu |noi dung )?(quy khach|khach hang|anh|chi)( da)? (phan anh|cho biet|bao|trinh bay|noi"
    r"|viet|khieu nai|mo ta|yeu cau)\b"
    r"|^[-+*•\s]*(theo |nhu )?(phan anh|khieu nai|y kien) cua (quy khach|khach hang)\b")
# Quoted words (the customer's) and the template's [slots] are not the writer's plan.
_QUOTED_RE = re.compile(r"“[^”]*”|\"[^\"]*\"|«[^»]*»|\[[^\]]*\]")
# The time of an event already past (intake, the complaint, the incident) is not a deadline.
_EVENT_WORD = r"(\d[\d:/.h]*|ngay|luc|gio|sang|trua|chieu|toi|dem)"
_EVENT_TIME_RE = re.compile(
    r"\b(tiep nhan|phan anh|khieu nai|xay ra)( (luc|ngay|vao|tu|hoi))* " + _EVENT_WORD + r"( " + _EVENT_WORD + r")*")
_BULLET_RE = re.compile(r"^\s*([-+*•]|\d+[.)])\s*")


def _plan_core(sentence: str) -> str:
    """The folded sentence without past events' times, where a fix date is looked for."""
    return _EVENT_TIME_RE.sub(" ", fast_fold(sentence))


def _masked(text: str) -> str:
    """`text` with quotes and slots replaced by "…"; a quote ending a sentence still ends it."""
    return _QUOTED_RE.sub(lambda m: "….\n" if m.group(0)[-2:-1] in ".!?" else "…", text or "")


def plan_sentences(text: str) -> list[str]:
    """The sentences of `text` stating what we will do or have done to fix the problem, with quotes and
    slots masked; a plan heading ending in ":" makes the bullet lines under it plan sentences too."""
    found: list[str] = []
    under_heading = False
    for sent in sentences(_masked(text)):
        folded = fast_fold(sent)
        if under_heading and _BULLET_RE.match(sent):
            found.append(sent)
            continue
        under_heading = False
        if _PLAN_RE.search(folded) and not _CUSTOMER_SAYS_RE.search(folded):
            found.append(sent)
            under_heading = folded.endswith(":")
    return found


def unfilled_summary_slot(text: str) -> bool:
    """Whether the template's slot for the complaint summary is still in `text` (with or without accents)."""
    return bool(_SUMMARY_SLOT_RE.search(fast_fold(text or "")))


def _check_summary_slot(sents: Sequence[str]) -> list[Finding]:
    return [Finding("summary_slot", SUMMARY_SLOT_MESSAGE, sent, "high")
            for sent in sents if unfilled_summary_slot(sent)]


def _sentence_matching(sents: Sequence[str], pattern: re.Pattern) -> list[tuple[str, re.Match]]:
    found = []
    for sent in sents:
        match = pattern.search(fast_fold(sent))
        if match:
            found.append((sent, match))
    return found


def _check_excuses(sents: Sequence[str], folded: str) -> list[Finding]:
    out: list[Finding] = []
    if not _EXCUSE_RE.search(folded):
        return out
    for sent, match in _sentence_matching(sents, _EXCUSE_RE):
        phrase = EXCUSES[match.group(1)]
        out.append(Finding(
            "excuse",
            f"Câu này viện lý do hoặc đổ lỗi (“{phrase}”). Thư trả lời cần thẳng thắn, nhận trách nhiệm "
            "về trải nghiệm của khách hàng thay vì giải thích vì sao không phải lỗi của công ty.",
            sent, "high"))
    return out


def _check_thanks(folded: str) -> list[Finding]:
    if _THANKS_RE.search(folded):
        return []
    return [Finding("no_thanks", "Thư chưa cảm ơn khách hàng (“cảm ơn”/“cám ơn”) đã phản ánh và đã dành "
                    "thời gian cho công ty.", None, "medium")]


def _check_plan_time(text: str) -> list[Finding]:
    plans = plan_sentences(text)
    if any(_TIME_RE.search(_plan_core(sent)) for sent in plans):
        return []
    if not plans:
        return [Finding("no_plan_time", "Thư chưa có câu nêu kế hoạch khắc phục (“chúng tôi sẽ…”, “dự kiến…”, "
                        "“hoàn tất trước…”) với thời hạn cụ thể (ví dụ “trước ngày 30/11”, “trong 24 giờ”, "
                        "“trước 17h”). Khách hàng cần biết việc gì sẽ được làm và khi nào.", None, "high")]
    return [Finding("no_plan_time", "Câu nêu kế hoạch khắc phục chưa có thời hạn cụ thể (ví dụ “trước ngày 30/11”, "
                    "“trong 24 giờ”, “trước 17h”). Ngày giờ ở chỗ khác trong thư (thời điểm tiếp nhận, lời khách "
                    "hàng) không được tính là thời hạn khắc phục.", plans[-1], "high")]


def _check_ownership(folded: str) -> list[Finding]:
    if _OWNERSHIP_RE.search(folded):
        return []
    return [Finding("no_ownership", "Thư chưa thể hiện sự nhận trách nhiệm hay lời xin lỗi về sự bất tiện "
                    "khách hàng đã gặp.", None, "low")]


def _check_leftovers(sents: Sequence[str]) -> list[Finding]:
    out = []
    for sent in sents:
        if _LEFTOVER_RE.search(sent) and not unfilled_summary_slot(sent):
            out.append(Finding("placeholder", "Câu này còn chỗ trống của mẫu ([...], $..., “ngày ...”) chưa được "
                               "điền nội dung cụ thể.", sent, "high"))
    return out


def _check_length(word_count: int) -> list[Finding]:
    if word_count <= MAX_WORDS:
        return []
    return [Finding("too_long", f"Thư dài {word_count} từ, vượt ngưỡng {MAX_WORDS} từ. Thư trả lời nên ngắn gọn, "
                    "đi thẳng vào nguyên nhân, biện pháp và thời hạn.", None, "medium")]


def _check_late(case, issued_at: datetime | None, reply_due_at: datetime | None) -> list[Finding]:
    due = reply_due_at or (case.reply_due_at if case is not None else None)
    if due is None:
        return []
    at = issued_at or utcnow()
    due, at = from_db(to_db(due)), from_db(to_db(at))
    if at <= due:
        return []
    hours = (at - due).total_seconds() / 3600
    when = "phát hành" if issued_at else "nếu phát hành bây giờ"
    return [Finding("late", f"Thư trễ hạn trả lời 48 giờ: {when} là sau hạn {vn_number(hours, 1)} giờ "
                    "(quy trình: trả lời bằng văn bản trong 48 giờ kể từ khi tiếp nhận).", None, "high")]


def _best_similarity(reply: frozenset, others: Iterable[frozenset]) -> float:
    return max((containment(reply, other) for other in others), default=0.0)


@lru_cache(maxsize=1)
def _default_template_shingles() -> tuple[frozenset, ...]:
    return tuple(shingles(t) for t in default_template_texts())


def _check_similarity(reply: frozenset, templates: Sequence[frozenset],
                      others: Sequence[frozenset]) -> tuple[list[Finding], float, float]:
    out = []
    tmpl = _best_similarity(reply, templates)
    if tmpl >= TEMPLATE_THRESHOLD:
        out.append(Finding(
            "generic_template",
            f"Thư gần như nguyên văn thư mẫu: {tmpl:.0%} cụm 3 từ của thư có trong mẫu (ngưỡng "
            f"{TEMPLATE_THRESHOLD:.0%}; đo bằng tỷ lệ chứa cụm 3 từ trên văn bản bỏ dấu). "
            "Hãy viết riêng cho trường hợp của khách hàng.", None, "high"))
    other = _best_similarity(reply, others)
    if other >= OTHER_REPLY_THRESHOLD:
        out.append(Finding(
            "copied_reply",
            f"Thư trùng {other:.0%} cụm 3 từ với một thư trả lời khác (ngưỡng {OTHER_REPLY_THRESHOLD:.0%}). "
            "Mỗi khách hàng cần một câu trả lời cho chính vấn đề của họ.", None, "high"))
    return out, tmpl, other


# --- the check ----------------------------------------------------------------------------------

def check_reply(text: str, *, case=None, issued_at: datetime | None = None,
                other_replies: Sequence[str] = (), template_texts: Sequence[str] = (),
                reply_due_at: datetime | None = None) -> ReplyCheck:
    """Score `text` 0-100 against the reply checklist; each finding costs points by severity.

    `case` (voc.model.Case) gives the 48 h due time (`reply_due_at` overrides it, e.g. for an
    earlier round); `issued_at` defaults to now. `template_texts` defaults to the shipped template.
    """
    templates = [shingles(t) for t in template_texts] if template_texts else _default_template_shingles()
    return _check(text, case, issued_at, reply_due_at, [shingles(o) for o in other_replies], templates)


def _check(text: str, case, issued_at: datetime | None, reply_due_at: datetime | None,
           others: Sequence[frozenset], templates: Sequence[frozenset]) -> ReplyCheck:
    text = text or ""
    if not text.strip():
        return ReplyCheck(0, [Finding("empty", "Thư trả lời đang trống.", None, "high")])
    sents = sentences(text)
    folded = fast_fold(text)
    tokens = _WORD.findall(folded)
    findings: list[Finding] = []
    findings += _check_summary_slot(sents)
    findings += _check_leftovers(sents)
    similar, tmpl, other = _check_similarity(_shingles_of(tokens), templates, others)
    findings += similar
    findings += _check_late(case, issued_at, reply_due_at)
    findings += _check_length(len(tokens))
    findings += _check_excuses(sents, folded)
    findings += _check_thanks(folded)
    findings += _check_plan_time(text)
    findings += _check_ownership(folded)
    score = max(0, 100 - sum(PENALTY[f.severity] for f in findings))
    return ReplyCheck(score, findings, len(tokens), round(tmpl, 3), round(other, 3))


# --- stored scores of issued letters ------------------------------------------------------------

@dataclass(frozen=True)
class _LetterRow:
    letter_id: int
    case_id: int
    body: str
    issued_at: datetime
    issued_by: str
    reply_due_at: datetime | None


PEER_DAYS = 7     # a reply is compared with the same writer's replies of the week before it
PEER_LIMIT = 20   # ... at most this many, the most recent first


_REPLACE_CHECK = ("ON CONFLICT (letter_id) DO UPDATE SET case_id = excluded.case_id, score = excluded.score, "
                  "codes = excluded.codes, checked_at = excluded.checked_at, checker_version = excluded.checker_version")


def store_check(cur, letter_id: int, case_id: int, result: ReplyCheck, at: datetime | None = None) -> None:
    cur.execute(
        "INSERT INTO reply_checks (letter_id, case_id, score, codes, checked_at, checker_version) "
        "VALUES (?, ?, ?, ?, ?, ?) " + _REPLACE_CHECK,
        [letter_id, case_id, result.score, json.dumps(result.codes), to_db(at or utcnow()), CHECKER_VERSION],
    )


def _letter_rows(cur, letter_ids: Sequence[int]) -> list[_LetterRow]:
    rows = cur.execute(
        "SELECT l.id, l.case_id, l.body, l.issued_at, l.issued_by, r.reply_due_at FROM letters l "
        "LEFT JOIN case_rounds r ON r.case_id = l.case_id AND r.round = l.round "
        "WHERE list_contains($ids, l.id)", {"ids": list(letter_ids)}).fetchall()
    return [_LetterRow(r[0], r[1], r[2], from_db(r[3]), r[4], from_db(r[5])) for r in rows]


@dataclass(frozen=True)
class _Peer:
    letter_id: int
    case_id: int
    issued_by: str
    issued_at: datetime
    shingles: frozenset


def _peer_pool(cur, rows: Sequence[_LetterRow], cache: dict[int, frozenset] | None = None
               ) -> dict[str, list[_Peer]]:
    """The replies each writer of `rows` issued in the window the rows' peers can come from, newest first."""
    if not rows:
        return {}
    params = {"by": sorted({r.issued_by for r in rows}),
              "from": to_db(min(r.issued_at for r in rows) - timedelta(days=PEER_DAYS)),
              "to": to_db(max(r.issued_at for r in rows))}
    pool: dict[str, list[_Peer]] = {}
    for lid, cid, by, at, body in cur.execute(
            "SELECT id, case_id, issued_by, issued_at, body FROM letters WHERE kind = 'reply' "
            "AND list_contains($by, issued_by) AND issued_at BETWEEN $from AND $to ORDER BY issued_at DESC",
            params).fetchall():
        sh = cache.get(lid) if cache is not None else None
        if sh is None:
            sh = shingles(body)
            if cache is not None:
                cache[lid] = sh
        pool.setdefault(by, []).append(_Peer(lid, cid, by, from_db(at), sh))
    return pool


def _peers_of(row: _LetterRow, pool: dict[str, list[_Peer]]) -> list[frozenset]:
    since = row.issued_at - timedelta(days=PEER_DAYS)
    found = []
    for peer in pool.get(row.issued_by, ()):
        if peer.issued_at > row.issued_at or peer.letter_id == row.letter_id or peer.case_id == row.case_id:
            continue
        if peer.issued_at < since or len(found) >= PEER_LIMIT:
            break
        found.append(peer.shingles)
    return found


def check_letter(cur, row: _LetterRow, pool: dict[str, list[_Peer]] | None = None) -> ReplyCheck:
    """Check an issued reply against its round's 48 h clock and the writer's replies of the week before."""
    pool = pool if pool is not None else _peer_pool(cur, [row])
    return _check(row.body, None, row.issued_at, row.reply_due_at, _peers_of(row, pool),
                  _default_template_shingles())


def score_letters(cur, letter_ids: Sequence[int], cache: dict[int, frozenset] | None = None) -> dict[int, int]:
    """Check and store the letters among `letter_ids` that have no current score; return all scores."""
    if not letter_ids:
        return {}
    stored = dict(cur.execute(
        "SELECT letter_id, score FROM reply_checks WHERE list_contains($ids, letter_id) AND checker_version = $v",
        {"ids": list(letter_ids), "v": CHECKER_VERSION}).fetchall())
    rows = _letter_rows(cur, [i for i in letter_ids if i not in stored])
    pool = _peer_pool(cur, rows, cache)
    results = [(row, check_letter(cur, row, pool)) for row in rows]
    if results:
        _store_many(cur, results)
    stored.update({row.letter_id: r.score for row, r in results})
    return stored


def _store_many(cur, results: Sequence[tuple[_LetterRow, ReplyCheck]]) -> None:
    batch = pd.DataFrame({
        "letter_id": [row.letter_id for row, _ in results], "case_id": [row.case_id for row, _ in results],
        "score": [r.score for _, r in results], "codes": [json.dumps(r.codes) for _, r in results],
    })
    cur.register("reply_check_batch", batch)
    try:
        cur.execute(
            "INSERT INTO reply_checks (letter_id, case_id, score, codes, checked_at, checker_version) "
            "SELECT letter_id, case_id, score, codes::JSON, $at, $v FROM reply_check_batch " + _REPLACE_CHECK,
            {"at": to_db(utcnow()), "v": CHECKER_VERSION})
    finally:
        cur.unregister("reply_check_batch")


def unchecked_letter_ids(cur, limit: int) -> list[int]:
    return [r[0] for r in cur.execute(
        "SELECT l.id FROM letters l WHERE l.kind = 'reply' AND NOT EXISTS (SELECT 1 FROM reply_checks c "
        "WHERE c.letter_id = l.id AND c.checker_version = $v) ORDER BY l.issued_at DESC LIMIT $limit",
        {"v": CHECKER_VERSION, "limit": limit}).fetchall()]


def backfill(db, *, limit: int | None = None, batch: int = 500, progress=None) -> int:
    """Score issued replies without a stored score, newest first, at most `limit`; returns the count."""
    done = 0
    cache: dict[int, frozenset] = {}
    while limit is None or done < limit:
        size = batch if limit is None else min(batch, limit - done)
        with db.transaction() as cur:
            ids = unchecked_letter_ids(cur, size)
            if not ids:
                break
            score_letters(cur, ids, cache)
        done += len(ids)
        if len(cache) > 50_000:
            cache.clear()
        if progress:
            progress(done, limit or done)
    return done


def check_draft(db, text: str, *, ticket_code: str | None = None, writer: str | None = None) -> ReplyCheck:
    """Check a reply being written, in the context of its case (48 h clock as if issued now, the case's
    earlier replies) and of the writer's recent replies to other cases."""
    from voc.store import case_store

    others: list[str] = []
    case = None
    with db.cursor() as cur:
        if ticket_code:
            case = case_store.get_case(cur, ticket_code)
            others += [r[0] for r in cur.execute(
                "SELECT body FROM letters WHERE case_id = ? AND kind = 'reply' ORDER BY issued_at DESC LIMIT 10",
                [case.id]).fetchall()]
        if writer:
            others += [r[0] for r in cur.execute(
                "SELECT body FROM letters WHERE issued_by = ? AND kind = 'reply' AND case_id <> ? "
                "ORDER BY issued_at DESC LIMIT 20", [writer, case.id if case else -1]).fetchall()]
    due_known = case is not None and case.round_replied_at is None
    return check_reply(text, case=case if due_known else None, other_replies=others)


def check_stored_letter(db, letter_id: int) -> tuple[str, ReplyCheck] | None:
    """Re-check an issued letter with the context it was scored in; (body, result)."""
    with db.cursor() as cur:
        rows = _letter_rows(cur, [letter_id])
        if not rows:
            return None
        return rows[0].body, check_letter(cur, rows[0])


def finding_rows(result: ReplyCheck) -> list[dict]:
    return [asdict(f) for f in result.findings]
