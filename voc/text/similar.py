"""Listen (VOC): the most similar earlier complaints about the same service.

Similarity is the Jaccard index of the two complaints' sets of content words: the text
(what happened + what the customer asks) is folded (lower-case, no diacritics, đ → d), split
into syllables, and common function words are dropped, so "mang cham" and "Mạng chậm" match.

"Similar" is what a person would call similar (issue #14, item 24): a score of at least
`MIN_SIMILARITY` (0.30, measured on the demo history: below it most pairs only share a word or two
such as "web" or "gia hạn"; above it most are the same problem), the same service, open or closed;
those received in the `RECENT_DAYS` (7) before the case come first, then the rest, each best first.

The candidate set is bounded in SQL before any scoring: the same service, received before the
case (within `within_days` when given) and at most `POOL_SIZE` of the most recent such cases,
so the query stays fast on a desk with a million cases. Scoring runs inside DuckDB as well; on
PostgreSQL it runs here, over each pooled case's words kept per process (`pool_tokens`): a case's text
is folded once, not at every intake whose pool it falls in.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache

from voc.clock import from_db, to_db
from voc.model import Case, Service, Status
from voc.plaintext import fold
from voc.store.dialect import is_duckdb

POOL_SIZE = 5_000
POOL_TOKENS_KEPT = 2 * POOL_SIZE     # texts whose words a process keeps (PostgreSQL's scoring)
MIN_SIMILARITY = 0.30
RECENT_DAYS = 7
MIN_TOKEN_CHARS = 2
_SPLIT = re.compile(r"[^a-z0-9]+")

# Frequent Vietnamese function syllables (folded): they say nothing about what went wrong.
STOPWORDS = frozenset("""
a ai anh ba ban bao bi boi ca cac cai can chi cho chua chung cua cung da dang day de den deu di do
duoc em gi giup ha hay hon khach khi khong ko la lai lam luc ma minh mot nao nay ne neu nha nhe nhu
nhung nua o oi qua quy ra rang rat roi sao se ta tai the thi thoi toi tren trong tu va vao van
ve vi voi vui xin yeu cau hang
""".split()) | frozenset("""
kinh gui quy cong ty chao cam on mong phan hoi som tot cang de nghi xu ly kiem bo cskh hi ad support bkns
ho tro kh dich vu su dung truoc cuoi tuan gap giai quyet
""".split())     # courtesy, address and request boilerplate: "Kính gửi Quý công ty", "mong phản hồi sớm"

# The SQL twin of voc.text.fold for the scored columns (strip_accents leaves đ as is).
_FOLD_SQL = ("lower(strip_accents(replace(replace(content || ' ' || coalesce(request, ''), 'đ', 'd'), "
             "'Đ', 'D')))")


@dataclass(frozen=True)
class SimilarCase:
    ticket_code: str
    received_at: datetime
    status: Status
    excerpt: str
    score: float
    recent: bool = False        # received in the RECENT_DAYS before the case


def tokens(text: str | None) -> list[str]:
    """The distinct content words of `text`, folded, in order of first appearance."""
    seen: dict[str, None] = {}
    for token in _SPLIT.split(fold(text)):
        if len(token) >= MIN_TOKEN_CHARS and token not in STOPWORDS:
            seen.setdefault(token, None)
    return list(seen)


@lru_cache(maxsize=POOL_TOKENS_KEPT)
def pool_tokens(text: str) -> frozenset[str]:
    """`tokens` of a pooled case's text, as a set: computed once per text and process (a pure function of
    the text, so an edited case is a new key)."""
    return frozenset(tokens(text))


_POOL_SQL = """
    SELECT ticket_code, received_at, status, content, request
    FROM cases
    WHERE service = $service AND received_at <= $before AND received_at >= $since
      AND (CAST($exclude AS BIGINT) IS NULL OR id <> $exclude)
    ORDER BY received_at DESC
    LIMIT $pool
"""
_SQL = f"""
WITH pool AS ({_POOL_SQL}), tokenised AS (
    SELECT ticket_code, received_at, status, content,
           list_distinct(list_filter(regexp_split_to_array({_FOLD_SQL}, '[^a-z0-9]+'),
                                     lambda t: length(t) >= $min_chars AND NOT list_contains($stop, t))) AS toks
    FROM pool
), scored AS (
    SELECT *, len(list_intersect(toks, $query)) AS shared FROM tokenised
)
SELECT ticket_code, received_at, status, left(content, $excerpt_chars) AS excerpt,
       shared / (len(toks) + $query_len - shared) AS score, received_at >= $recent_since AS recent
FROM scored
WHERE shared > 0 AND shared / (len(toks) + $query_len - shared) >= $min_score
ORDER BY recent DESC, score DESC, received_at DESC, ticket_code
LIMIT $limit
"""


def similar_to_text(cur, service: Service, text: str, before: datetime, *, exclude_id: int | None = None,
                    limit: int = 5, within_days: int | None = None, excerpt_chars: int = 200,
                    min_score: float = MIN_SIMILARITY, recent_days: int = RECENT_DAYS) -> list[SimilarCase]:
    """Cases about `service` received up to `before` whose text is like `text` (score >= `min_score`):
    those of the last `recent_days` first, then the older ones, each group best first."""
    query = tokens(text)
    if not query or limit <= 0:
        return []
    since = before - timedelta(days=within_days) if within_days else datetime(1900, 1, 1)
    params = {
        "service": service.value, "before": to_db(before), "since": to_db(since), "exclude": exclude_id,
        "pool": POOL_SIZE, "min_chars": MIN_TOKEN_CHARS, "stop": sorted(STOPWORDS), "query": query,
        "query_len": len(query), "excerpt_chars": excerpt_chars, "limit": limit, "min_score": min_score,
        "recent_since": to_db(before - timedelta(days=recent_days)),
    }
    if not is_duckdb(cur):
        return _scored_here(cur, params, query, limit, excerpt_chars, min_score)
    rows = cur.execute(_SQL, params).fetchall()
    return [SimilarCase(r[0], from_db(r[1]), Status(r[2]), r[3], round(float(r[4]), 4), bool(r[5])) for r in rows]


def _scored_here(cur, params: dict, query: list[str], limit: int, excerpt_chars: int,
                 min_score: float) -> list[SimilarCase]:
    """The same scoring in Python over the same bounded pool, for PostgreSQL (which has neither DuckDB's
    list functions nor, without an extension, strip_accents): `tokens` is the fold the SQL twins."""
    wanted = set(query)
    found = []
    for code, received_at, status, content, request in cur.execute(
            _POOL_SQL, {k: params[k] for k in ("service", "before", "since", "exclude", "pool")}).fetchall():
        toks = pool_tokens(f"{content} {request or ''}")
        shared = len(toks & wanted)
        score = shared / (len(toks) + len(wanted) - shared) if shared else 0.0
        if shared and score >= min_score:
            found.append(SimilarCase(code, from_db(received_at), Status(status), content[:excerpt_chars],
                                     round(score, 4), received_at >= params["recent_since"]))
    found.sort(key=lambda s: (not s.recent, -s.score, -s.received_at.timestamp(), s.ticket_code))
    return found[:limit]


def similar_cases(cur, case: Case, limit: int = 5, within_days: int | None = None,
                  min_score: float = MIN_SIMILARITY) -> list[SimilarCase]:
    """The complaints about the same service as `case` (itself excluded) received before it that a
    person would call similar, the last week's first."""
    text = f"{case.content or ''} {case.request or ''}"
    return similar_to_text(cur, case.service, text, case.received_at, exclude_id=case.id, limit=limit,
                           within_days=within_days, min_score=min_score)
