"""The one place where the desk's SQL meets PostgreSQL: the DuckDB idioms it uses, translated.

The desk's queries are written once, in the SQL both engines accept where that exists (ON CONFLICT,
RETURNING, INTERVAL '24 hours', regexp_replace, split_part ...). The few DuckDB idioms left are
translated here, outside string literals and comments, for the PostgreSQL backend only (the DuckDB
path runs its SQL untouched):

- placeholders `?` and `$name` become PostgreSQL's `$1, $2 ...` (a name used twice is one parameter);
- `list_contains(list, x)` becomes `(x) = ANY(list)`;
- `json_object(k, v, ...)` becomes `json_build_object(k, v, ...)` (a parameter there is text);
- `TRY_CAST(x AS BIGINT)` becomes `voc_try_bigint(x)` (a function of the PostgreSQL migrations);
- the aggregate `list(x)` becomes `array_agg(x)`; `arg_max(x, k)`, `arg_min`, `max_by(x, k[, n])` and
  `min_by` become the first (n) of `array_agg(x ORDER BY k)`;
- `GROUP BY ALL` and `ORDER BY ALL` become the positions of the select items (without an aggregate);
- `INTERVAL 7 HOUR` becomes `INTERVAL '7 hours'`, `INTERVAL (n) DAY` becomes `((n) * INTERVAL '1 day')`.

Translations are cached by SQL text: the statements are constants, so each is translated once a process.
The error classes the callers catch (a write conflict, a broken constraint, a missing table) are named
here too, one tuple per meaning for both engines.
"""
from __future__ import annotations

import re
from functools import lru_cache

import duckdb

try:  # the PostgreSQL driver is needed only in server mode
    import psycopg.errors as _pg_errors
except ImportError:  # pragma: no cover - psycopg is in requirements.txt
    _pg_errors = None

DUCKDB = "duckdb"
POSTGRES = "postgres"

# Two transactions wrote the same row: DuckDB's write-write conflict; PostgreSQL's serialization
# failure or deadlock (its READ COMMITTED waits for the other writer instead, so these are rare).
CONFLICT_ERRORS: tuple[type[BaseException], ...] = (duckdb.TransactionException,)
# A unique key or check was broken.
CONSTRAINT_ERRORS: tuple[type[BaseException], ...] = (duckdb.ConstraintException,)
# A table (or other catalog entry) does not exist.
CATALOG_ERRORS: tuple[type[BaseException], ...] = (duckdb.CatalogException,)
if _pg_errors is not None:
    CONFLICT_ERRORS += (_pg_errors.SerializationFailure, _pg_errors.DeadlockDetected,
                        _pg_errors.LockNotAvailable)
    CONSTRAINT_ERRORS += (_pg_errors.IntegrityError,)
    CATALOG_ERRORS += (_pg_errors.UndefinedTable,)

# A string literal, a quoted identifier or a comment: copied through untouched.
_OPAQUE = re.compile(r"'(?:[^']|'')*'|\"(?:[^\"]|\"\")*\"|--[^\n]*|/\*.*?\*/", re.S)
_MASK = "\x00{}\x00"
_UNMASK = re.compile(r"\x00(\d+)\x00")
_PLACEHOLDER = re.compile(r"\?|(?<![\w$])\$([A-Za-z_]\w*)")
_INTERVAL = re.compile(r"\bINTERVAL\s+(\d+)\s+(SECOND|MINUTE|HOUR|DAY|WEEK|MONTH|YEAR)S?\b", re.I)
_INTERVAL_OF = re.compile(r"\bINTERVAL\s*\(([^()]*)\)\s*(SECOND|MINUTE|HOUR|DAY|WEEK|MONTH|YEAR)S?\b", re.I)
_NUMBERED = re.compile(r"\$(\d+)")
_CALL = re.compile(r"(?<![\w.])(list_contains|json_object|try_cast|list|arg_max|arg_min|max_by|min_by)\s*\(", re.I)
_AS_BIGINT = re.compile(r"^(.*)\s+AS\s+(BIGINT|INTEGER|INT)\s*$", re.I | re.S)


def is_duckdb(cur) -> bool:
    """Whether `cur` is a DuckDB cursor (else a PostgreSQL one, voc.store.pg.PgCursor)."""
    return isinstance(cur, duckdb.DuckDBPyConnection)


def database_key(cur) -> str | None:
    """Which database `cur` works on (the DuckDB file's path, the PostgreSQL URL without password): a part
    of the keys of per-process caches, whose other part is a version read from the database itself."""
    key = getattr(cur, "database_key", None)          # a PostgreSQL cursor names its database itself
    if key is not None:
        return key
    row = cur.execute("SELECT path FROM duckdb_databases() WHERE database_name = current_database()").fetchone()
    return row[0] if row else None


def one_at_a_time(cur, name: str) -> None:
    """Inside a transaction: wait until no other process's transaction holds `name`, then hold it until this
    one ends (PostgreSQL's advisory lock). For start-up seeding that checks, then inserts: two app processes
    starting at once seed once. A DuckDB file has one process, whose seeding threads DuckDB serialises."""
    if not is_duckdb(cur):
        cur.execute("SET LOCAL lock_timeout = 0")           # the other process's seeding may take a while
        cur.execute("SELECT pg_advisory_xact_lock(hashtext(?))", [name])


def wait_for_row_locks(cur, seconds: int) -> None:
    """Inside a transaction: its row-lock waits may last `seconds` instead of the pool's short lock_timeout
    (voc.store.pg.LOCK_TIMEOUT), for a row every writer takes in turn and holds only to the end of a short
    transaction, such as the letter register's counter. DuckDB never waits (a conflict fails at once)."""
    if not is_duckdb(cur):
        cur.execute(f"SET LOCAL lock_timeout = '{int(seconds)}s'")      # an int: nothing of a caller's text


class Translated:
    """A statement for PostgreSQL: its SQL, split at the parameters, and how to order a caller's parameters."""

    __slots__ = ("parts", "slots", "names", "sql")

    def __init__(self, parts: tuple[str, ...], slots: tuple[int, ...], names: tuple[str, ...]) -> None:
        self.parts, self.slots, self.names = parts, slots, names     # parts[i], $slots[i], parts[i + 1] ...
        self.sql = self._joined(lambda n: f"${n + 1}")

    def _joined(self, param) -> str:
        out = [self.parts[0]]
        for slot, part in zip(self.slots, self.parts[1:]):
            out += [param(slot), part]
        return "".join(out)

    def bind(self, params) -> tuple[str, list | None]:
        """The SQL and the parameter list for these values. A None value is written as NULL in the SQL: a
        NULL parameter has no type, and PostgreSQL cannot type `$1 IS NULL` on its own."""
        if not self.slots:
            return self.sql, None
        values = [params[name] for name in self.names] if isinstance(params, dict) else list(params)
        if all(v is not None for v in values):
            return self.sql, values
        numbers: dict[int, int] = {}
        kept = []
        for i, value in enumerate(values):
            if value is not None:
                kept.append(value)
                numbers[i] = len(kept)
        return self._joined(lambda n: f"${numbers[n]}" if n in numbers else "NULL"), kept


_GROUP_BY_ALL = re.compile(r"\b(GROUP|ORDER)\s+BY\s+ALL\b", re.I)
_KEYWORD = re.compile(r"\b(SELECT|FROM)\b", re.I)
_AGGREGATE = re.compile(r"\b(count|sum|avg|min|max|array_agg|string_agg|bool_or|bool_and|median|mode|stddev\w*|"
                        r"var_\w+|variance|percentile_\w+|quantile_\w+|any_value|first|last)\s*\(", re.I)


def _depths(text: str) -> list[int]:
    depth, out = 0, []
    for ch in text:
        if ch == "(":
            depth += 1
        out.append(depth)
        if ch == ")":
            depth -= 1
    return out


def _by_all(text: str) -> str:
    """DuckDB's GROUP BY ALL (every select item without an aggregate) and ORDER BY ALL (every item), as the
    items' positions."""
    while match := _GROUP_BY_ALL.search(text):
        depths = _depths(text)
        level = depths[match.start()]
        keywords = [k for k in _KEYWORD.finditer(text, 0, match.start()) if depths[k.start()] == level]
        select = next((k for k in reversed(keywords) if k.group(1).upper() == "SELECT"), None)
        end = next((k for k in keywords if select and k.start() > select.start() and k.group(1).upper() == "FROM"),
                   None)
        if select is None or end is None:
            raise ValueError("GROUP BY ALL without a SELECT ... FROM at its level")
        items, begin = [], select.end()
        for i in range(select.end(), end.start()):
            if text[i] == "," and depths[i] == level:
                items.append(text[begin:i])
                begin = i + 1
        items.append(text[begin:end.start()])
        grouping = match.group(1).upper() == "GROUP"
        positions = [str(n + 1) for n, item in enumerate(items) if not (grouping and _AGGREGATE.search(item))]
        by = f"{match.group(1)} BY {', '.join(positions)}" if positions else ""
        text = text[:match.start()] + by + text[match.end():]
    return text


def _split_args(text: str, start: int) -> tuple[list[str], int]:
    """The comma-separated arguments of the call whose '(' is just before `start`; and the index after ')'."""
    depth, args, begin = 0, [], start
    for i in range(start, len(text)):
        ch = text[i]
        if ch == "(":
            depth += 1
        elif ch == ")":
            if depth == 0:
                args.append(text[begin:i])
                return args, i + 1
            depth -= 1
        elif ch == "," and depth == 0:
            args.append(text[begin:i])
            begin = i + 1
    raise ValueError("unbalanced parentheses in SQL")


def _rewrite_calls(text: str) -> str:
    out, pos = [], 0
    while match := _CALL.search(text, pos):
        args, end = _split_args(text, match.end())
        args = [_rewrite_calls(a) for a in args]
        name = match.group(1).lower()
        if name == "list_contains":
            call = f"(({args[1].strip()}) = ANY({args[0].strip()}))"
        elif name == "json_object":         # a bare parameter has no type there: a text value
            call = "json_build_object(" + ",".join(
                f"{a.strip()}::text" if _NUMBERED.fullmatch(a.strip()) else a for a in args) + ")"
        elif name == "list":
            call = f"array_agg({','.join(args)})"
        elif name in ("arg_max", "arg_min", "max_by", "min_by"):  # rows with a NULL value or key do not count
            value, key = args[0].strip(), args[1].strip()
            order = "DESC" if name in ("arg_max", "max_by") else "ASC"
            picked = f"1:{args[2].strip()}" if len(args) == 3 else "1"
            call = (f"((array_agg({value} ORDER BY {key} {order}) FILTER (WHERE ({value}) IS NOT NULL "
                    f"AND ({key}) IS NOT NULL))[{picked}])")
        else:
            typed = _AS_BIGINT.match(args[0])
            if not typed:
                raise ValueError(f"TRY_CAST is translated only to an integer type: {args[0]!r}")
            call = f"voc_try_bigint({typed.group(1).strip()})"
        out.append(text[pos:match.start()] + call)
        pos = end
    out.append(text[pos:])
    return "".join(out)


@lru_cache(maxsize=4096)
def to_postgres(sql: str) -> Translated:
    """`sql` as written for DuckDB, for PostgreSQL (see the module's docstring)."""
    kept: list[str] = []

    def mask(match: re.Match) -> str:
        kept.append(match.group(0))
        return _MASK.format(len(kept) - 1)

    text = _OPAQUE.sub(mask, sql)
    names: list[str] = []
    positional = 0

    def number(match: re.Match) -> str:
        nonlocal positional
        name = match.group(1)
        if name is None:
            positional += 1
            return f"${positional}"
        if name not in names:
            names.append(name)
        return f"${names.index(name) + 1}"

    text = _rewrite_calls(_PLACEHOLDER.sub(number, text))
    text = _by_all(text)
    text = _INTERVAL.sub(lambda m: f"INTERVAL '{m.group(1)} {m.group(2).lower()}s'", text)
    text = _INTERVAL_OF.sub(lambda m: f"(({m.group(1)}) * INTERVAL '1 {m.group(2).lower()}')", text)
    if positional and names:
        raise ValueError("SQL mixes ? and $name placeholders")
    pieces = _NUMBERED.split(text)       # text, slot, text, slot ... text
    unmask = lambda t: _UNMASK.sub(lambda m: kept[int(m.group(1))], t)   # noqa: E731
    return Translated(tuple(unmask(t) for t in pieces[0::2]), tuple(int(n) - 1 for n in pieces[1::2]),
                      tuple(names))
