"""The reply checker: scores a reply letter against the procedure's checklist for a good reply.

The seed's checklist: not a generic template, not late, not too long, no excuses, owns the
situation, states the plan to fix the problem (with a time), thanks the customer. Every rule
works on folded text (lower-case, no diacritics, đ -> d), so an unaccented reply is judged like
an accented one. Each finding names the sentence concerned and explains itself in Vietnamese.

Scores of issued letters are stored in `reply_checks` (migration 004) so that analytics never
re-checks a million letters per page view: `score_letters` fills the rows of the letters a page
shows, `backfill` fills the rest in bounded batches.
"""
from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Iterable, Sequence

from voc.clock import from_db, to_db, utcnow
from voc.text import fold

CHECKER_VERSION = 1
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


def words(text: str) -> list[str]:
    return _WORD.findall(fold(text))


def shingles(text: str, size: int = SHINGLE_WORDS) -> frozenset[tuple[str, ...]]:
    tokens = words(text)
    return frozenset(tuple(tokens[i:i + size]) for i in range(max(len(tokens) - size + 1, 0)))


def containment(reply: frozenset, other: frozenset) -> float:
    """Share of the reply's shingles that also occur in `other` (0..1)."""
    if len(reply) < MIN_SHINGLES or not other:
        return 0.0
    return len(reply & other) / len(reply)


@lru_cache(maxsize=1)
def default_template_texts() -> tuple[str, ...]:
    """The shipped reply template's body with its $fields and [fill-in] slots removed."""
    from voc.letters import TEMPLATES_DIR

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


def _sentence_matching(sents: Sequence[str], pattern: re.Pattern) -> list[tuple[str, re.Match]]:
    found = []
    for sent in sents:
        match = pattern.search(fold(sent))
        if match:
            found.append((sent, match))
    return found


def _check_excuses(sents: Sequence[str]) -> list[Finding]:
    out = []
    for sent, match in _sentence_matching(sents, _EXCUSE_RE):
        phrase = EXCUSES[match.group(1)]
        out.append(Finding(
            "excuse",
            f"Câu này viện lý do hoặc đổ lỗi (“{phrase}”). Thư trả lời cần thẳng thắn, nhận trách nhiệm "
            "về trải nghiệm của khách hàng thay vì giải thích vì sao không phải lỗi của công ty.",
            sent, "high"))
    return out


def _check_thanks(text: str) -> list[Finding]:
    if _THANKS_RE.search(fold(text)):
        return []
    return [Finding("no_thanks", "Thư chưa cảm ơn khách hàng (“cảm ơn”/“cám ơn”) đã phản ánh và đã dành "
                    "thời gian cho công ty.", None, "medium")]


def _check_plan_time(text: str) -> list[Finding]:
    if _TIME_RE.search(fold(text)):
        return []
    return [Finding("no_plan_time", "Thư chưa nêu kế hoạch khắc phục với thời hạn cụ thể (ví dụ “trước ngày "
                    "30/11”, “trong 24 giờ”, “trước 17h”). Khách hàng cần biết việc gì sẽ được làm và khi nào.",
                    None, "high")]


def _check_ownership(text: str) -> list[Finding]:
    if _OWNERSHIP_RE.search(fold(text)):
        return []
    return [Finding("no_ownership", "Thư chưa thể hiện sự nhận trách nhiệm hay lời xin lỗi về sự bất tiện "
                    "khách hàng đã gặp.", None, "low")]


def _check_leftovers(sents: Sequence[str]) -> list[Finding]:
    out = []
    for sent in sents:
        if _LEFTOVER_RE.search(sent):
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
    return [Finding("late", f"Thư trễ hạn trả lời 48 giờ: {when} là sau hạn {hours:.1f} giờ "
                    "(quy trình: trả lời bằng văn bản trong 48 giờ kể từ khi tiếp nhận).", None, "high")]


def _best_similarity(reply: frozenset, others: Iterable[str]) -> tuple[float, str | None]:
    best, best_text = 0.0, None
    for other in others:
        value = containment(reply, shingles(other))
        if value > best:
            best, best_text = value, other
    return best, best_text


def _check_similarity(reply: frozenset, template_texts: Sequence[str],
                      other_replies: Sequence[str]) -> tuple[list[Finding], float, float]:
    out = []
    tmpl, _ = _best_similarity(reply, template_texts)
    if tmpl >= TEMPLATE_THRESHOLD:
        out.append(Finding(
            "generic_template",
            f"Thư gần như nguyên văn thư mẫu: {tmpl:.0%} cụm 3 từ của thư có trong mẫu (ngưỡng "
            f"{TEMPLATE_THRESHOLD:.0%}; đo bằng tỷ lệ chứa cụm 3 từ trên văn bản bỏ dấu). "
            "Hãy viết riêng cho trường hợp của khách hàng.", None, "high"))
    other, _ = _best_similarity(reply, other_replies)
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
    text = text or ""
    sents = sentences(text)
    word_count = len(words(text))
    if not text.strip():
        return ReplyCheck(0, [Finding("empty", "Thư trả lời đang trống.", None, "high")])
    findings: list[Finding] = []
    findings += _check_leftovers(sents)
    similar, tmpl, other = _check_similarity(shingles(text), list(template_texts) or default_template_texts(),
                                             other_replies)
    findings += similar
    findings += _check_late(case, issued_at, reply_due_at)
    findings += _check_length(word_count)
    findings += _check_excuses(sents)
    findings += _check_thanks(text)
    findings += _check_plan_time(text)
    findings += _check_ownership(text)
    score = max(0, 100 - sum(PENALTY[f.severity] for f in findings))
    return ReplyCheck(score, findings, word_count, round(tmpl, 3), round(other, 3))


# --- stored scores of issued letters ------------------------------------------------------------

@dataclass(frozen=True)
class _LetterRow:
    letter_id: int
    case_id: int
    body: str
    issued_at: datetime
    issued_by: str
    reply_due_at: datetime | None


def store_check(cur, letter_id: int, case_id: int, result: ReplyCheck, at: datetime | None = None) -> None:
    cur.execute(
        "INSERT OR REPLACE INTO reply_checks (letter_id, case_id, score, codes, checked_at, checker_version) "
        "VALUES (?, ?, ?, ?, ?, ?)",
        [letter_id, case_id, result.score, json.dumps(result.codes), to_db(at or utcnow()), CHECKER_VERSION],
    )


def _letter_rows(cur, letter_ids: Sequence[int]) -> list[_LetterRow]:
    rows = cur.execute(
        "SELECT l.id, l.case_id, l.body, l.issued_at, l.issued_by, r.reply_due_at FROM letters l "
        "LEFT JOIN case_rounds r ON r.case_id = l.case_id AND r.round = l.round "
        "WHERE list_contains($ids, l.id)", {"ids": list(letter_ids)}).fetchall()
    return [_LetterRow(r[0], r[1], r[2], from_db(r[3]), r[4], from_db(r[5])) for r in rows]


def _peer_replies(cur, row: _LetterRow, limit: int = 20) -> list[str]:
    """The same writer's replies to other cases just before this one (where copy-paste shows)."""
    rows = cur.execute(
        "SELECT body FROM letters WHERE issued_by = $by AND kind = 'reply' AND case_id <> $case "
        "AND issued_at <= $at AND id <> $id ORDER BY issued_at DESC LIMIT $limit",
        {"by": row.issued_by, "case": row.case_id, "at": to_db(row.issued_at), "id": row.letter_id,
         "limit": limit}).fetchall()
    return [r[0] for r in rows]


def check_letter(cur, row: _LetterRow) -> ReplyCheck:
    return check_reply(row.body, issued_at=row.issued_at, reply_due_at=row.reply_due_at,
                       other_replies=_peer_replies(cur, row))


def score_letters(cur, letter_ids: Sequence[int]) -> dict[int, int]:
    """Check and store the letters among `letter_ids` that have no current score; return all scores."""
    if not letter_ids:
        return {}
    stored = dict(cur.execute(
        "SELECT letter_id, score FROM reply_checks WHERE list_contains($ids, letter_id) AND checker_version = $v",
        {"ids": list(letter_ids), "v": CHECKER_VERSION}).fetchall())
    missing = [i for i in letter_ids if i not in stored]
    for row in _letter_rows(cur, missing):
        result = check_letter(cur, row)
        store_check(cur, row.letter_id, row.case_id, result)
        stored[row.letter_id] = result.score
    return stored


def unchecked_letter_ids(cur, limit: int) -> list[int]:
    return [r[0] for r in cur.execute(
        "SELECT l.id FROM letters l ANTI JOIN reply_checks c ON c.letter_id = l.id AND c.checker_version = $v "
        "WHERE l.kind = 'reply' ORDER BY l.issued_at DESC LIMIT $limit",
        {"v": CHECKER_VERSION, "limit": limit}).fetchall()]


def backfill(db, *, limit: int | None = None, batch: int = 500, progress=None) -> int:
    """Score issued replies without a stored score, newest first, at most `limit`; returns the count."""
    done = 0
    while limit is None or done < limit:
        size = batch if limit is None else min(batch, limit - done)
        with db.transaction() as cur:
            ids = unchecked_letter_ids(cur, size)
            if not ids:
                break
            score_letters(cur, ids)
        done += len(ids)
        if progress:
            progress(done, limit or done)
    return done


def check_draft(db, text: str, *, ticket_code: str | None = None, writer: str | None = None) -> ReplyCheck:
    """Check a reply being written, in the context of its case (48 h clock as if issued now, the case's
    earlier replies) and of the writer's recent replies to other cases."""
    from voc import case_store

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


def main(argv: list[str] | None = None) -> int:
    """`python -m voc.reply_check backfill [--db PATH] [--limit N]`: store scores of issued replies."""
    import argparse

    from voc.db import Database

    parser = argparse.ArgumentParser(prog="python -m voc.reply_check")
    parser.add_argument("command", choices=["backfill"])
    parser.add_argument("--db", default=None)
    parser.add_argument("--limit", type=int, default=None)
    args = parser.parse_args(argv)
    count = backfill(Database(args.db), limit=args.limit)
    print(f"Đã chấm điểm {count} thư trả lời.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
