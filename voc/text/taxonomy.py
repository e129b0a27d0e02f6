"""The theme taxonomy and the customer-term glossary: shipped defaults, storage, audited edits.

Defaults live in data/taxonomy.json (versioned) and data/glossary.csv; `ensure_defaults(db)`
seeds them into DuckDB, idempotently. After that the database is the truth: QA edits themes
and glossary terms there, each edit audited in the same transaction. Removing a glossary term
is a soft delete, so a later seeding never brings a removed default back.
"""
from __future__ import annotations

import csv
import json
from dataclasses import asdict, dataclass
from pathlib import Path

from voc.accounts.access import SYSTEM, Actor, Permission
from voc.store.audit import record_event
from voc.store.dialect import one_at_a_time
from voc.paths import DATA_DIR
from voc.clock import to_db, utcnow
from voc.errors import NotFound, ValidationError
from voc.text.normalize import fold_phrase

TAXONOMY_FILE = DATA_DIR / "taxonomy.json"
GLOSSARY_FILE = DATA_DIR / "glossary.csv"
EXAMPLES_FILE = DATA_DIR / "theme_examples.csv"
# The labelled hosting-complaint corpus (data/hosting_corpus/build.py); its train part is part of
# the default training data, its held-out part never is.
CORPUS_TRAIN_FILE = DATA_DIR / "hosting_corpus" / "train.csv"
META_TAXONOMY_VERSION = "default_taxonomy_version"

MAX_TERM_CHARS = 120
MAX_NAME_CHARS = 120
MAX_DESCRIPTION_CHARS = 1000


@dataclass(frozen=True)
class Theme:
    code: str
    name: str
    description: str = ""
    group: str | None = None
    sort_order: int = 0
    active: bool = True
    origin: str = "default"


@dataclass(frozen=True)
class GlossaryTerm:
    id: int
    term: str
    term_key: str
    theme_code: str
    company_term: str | None = None
    note: str | None = None
    active: bool = True
    origin: str = "default"


# --- shipped defaults ------------------------------------------------------------------------

def load_default_taxonomy(path: Path = TAXONOMY_FILE) -> tuple[int, list[Theme]]:
    raw = json.loads(path.read_text(encoding="utf-8"))
    themes = [
        Theme(t["code"], t["name"], t.get("description", ""), t.get("group"), i)
        for i, t in enumerate(raw["themes"])
    ]
    return int(raw["version"]), themes


def load_default_glossary(path: Path = GLOSSARY_FILE) -> list[GlossaryTerm]:
    with path.open(encoding="utf-8", newline="") as handle:
        return [
            GlossaryTerm(0, row["term"].strip(), fold_phrase(row["term"]), row["theme_code"].strip(),
                         (row.get("company_term") or "").strip() or None, (row.get("note") or "").strip() or None)
            for row in csv.DictReader(handle)
            if (row.get("term") or "").strip()
        ]


def load_default_examples(*paths: Path) -> tuple[list[str], list[list[str]]]:
    """The labelled examples the first model is trained on: the seed examples and the train part of
    the hosting corpus (rows without a theme are thanks, sales and how-to questions)."""
    texts, labels = [], []
    for path in paths or (EXAMPLES_FILE, CORPUS_TRAIN_FILE):
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                texts.append(row["text"])
                labels.append([label for label in (row["labels"] or "").split("|") if label])
    return texts, labels


def ensure_defaults(db) -> bool:
    """Seed the default taxonomy and glossary when the shipped version is newer than the file's.

    Idempotent: themes are inserted only when their code is new, glossary terms only when their
    matching key is new (a removed term keeps its key), so QA's edits are never overwritten.
    Returns True when something was seeded.
    """
    version, themes = load_default_taxonomy()
    seeded = False
    with db.transaction() as cur:
        one_at_a_time(cur, "taxonomy_defaults")
        row = cur.execute("SELECT value FROM theme_engine_meta WHERE key = ?", [META_TAXONOMY_VERSION]).fetchone()
        if row is None or int(row[0]) < version:
            seeded = _seed(cur, version, themes, load_default_glossary())
    return seeded


def _seed(cur, version: int, themes: list[Theme], terms: list[GlossaryTerm]) -> bool:
    now = to_db(utcnow())
    known_codes = {r[0] for r in cur.execute("SELECT code FROM themes").fetchall()}
    new_themes = [t for t in themes if t.code not in known_codes]
    for t in new_themes:
        cur.execute(
            "INSERT INTO themes (code, name_vi, description, theme_group, sort_order, active, origin, "
            "updated_at, updated_by) VALUES (?, ?, ?, ?, ?, true, 'default', ?, ?)",
            [t.code, t.name, t.description, t.group, t.sort_order, now, SYSTEM.username],
        )
    known_keys = {r[0] for r in cur.execute("SELECT term_key FROM glossary_terms").fetchall()}
    new_terms = []
    for term in terms:
        if term.term_key not in known_keys:
            known_keys.add(term.term_key)
            new_terms.append(term)
    for term in new_terms:
        cur.execute(
            "INSERT INTO glossary_terms (term, term_key, theme_code, company_term, note, active, origin, "
            "updated_at, updated_by) VALUES (?, ?, ?, ?, ?, true, 'default', ?, ?)",
            [term.term, term.term_key, term.theme_code, term.company_term, term.note, now, SYSTEM.username],
        )
    cur.execute(
        "INSERT INTO theme_engine_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        [META_TAXONOMY_VERSION, str(version)],
    )
    record_event(cur, SYSTEM.username, "taxonomy", "default", "seeded", None,
                 {"version": version, "themes": len(new_themes), "glossary_terms": len(new_terms)})
    return bool(new_themes or new_terms)


# --- themes ----------------------------------------------------------------------------------

def _theme(row) -> Theme:
    return Theme(row[0], row[1], row[2] or "", row[3], row[4], row[5], row[6])


_THEME_COLUMNS = "code, name_vi, description, theme_group, sort_order, active, origin"


def list_themes(cur, include_inactive: bool = False) -> list[Theme]:
    rows = cur.execute(
        f"SELECT {_THEME_COLUMNS} FROM themes WHERE active OR ? ORDER BY sort_order, code", [include_inactive]
    ).fetchall()
    return [_theme(r) for r in rows]


def get_theme(cur, code: str) -> Theme:
    row = cur.execute(f"SELECT {_THEME_COLUMNS} FROM themes WHERE code = ?", [code]).fetchone()
    if row is None:
        raise NotFound(f"Không tìm thấy chủ đề “{code}”.")
    return _theme(row)


def theme_names(cur) -> dict[str, str]:
    return dict(cur.execute("SELECT code, name_vi FROM themes").fetchall())


def _clean(value: str | None, limit: int, field: str, label: str, required: bool = True) -> str:
    text = " ".join((value or "").split())
    if required and not text:
        raise ValidationError(f"Vui lòng nhập {label}.", field)
    if len(text) > limit:
        raise ValidationError(f"{label[:1].upper()}{label[1:]} dài quá {limit} ký tự.", field)
    return text


def _valid_code(code: str) -> str:
    code = (code or "").strip().lower()
    if not code or not all(ch.isascii() and (ch.isalnum() or ch == "_") for ch in code) or len(code) > 40:
        raise ValidationError("Mã chủ đề chỉ gồm chữ không dấu, số và dấu gạch dưới (tối đa 40 ký tự).", "code")
    return code


def save_theme(cur, actor: Actor, code: str, name: str, description: str = "", group: str | None = None) -> Theme:
    """Create a theme or change its name/description; audited."""
    actor.require(Permission.EDIT_TAXONOMY)
    code = _valid_code(code)
    name = _clean(name, MAX_NAME_CHARS, "name", "tên chủ đề")
    description = _clean(description, MAX_DESCRIPTION_CHARS, "description", "mô tả", required=False)
    group = _clean(group, MAX_NAME_CHARS, "group", "nhóm", required=False) or None
    now = to_db(utcnow())
    existing = cur.execute(f"SELECT {_THEME_COLUMNS} FROM themes WHERE code = ?", [code]).fetchone()
    if existing is None:
        order = cur.execute("SELECT coalesce(max(sort_order), 0) + 1 FROM themes").fetchone()[0]
        cur.execute(
            "INSERT INTO themes (code, name_vi, description, theme_group, sort_order, active, origin, updated_at, "
            "updated_by) VALUES (?, ?, ?, ?, ?, true, 'qa', ?, ?)",
            [code, name, description, group, order, now, actor.username],
        )
        after = get_theme(cur, code)
        record_event(cur, actor.username, "theme", code, "created", None, asdict(after))
        return after
    before = _theme(existing)
    cur.execute(
        "UPDATE themes SET name_vi = ?, description = ?, theme_group = ?, updated_at = ?, updated_by = ? WHERE code = ?",
        [name, description, group if group is not None else before.group, now, actor.username, code],
    )
    after = get_theme(cur, code)
    record_event(cur, actor.username, "theme", code, "updated", asdict(before), asdict(after))
    return after


def set_theme_active(cur, actor: Actor, code: str, active: bool) -> Theme:
    """Retire (or bring back) a theme; its past tags stay, new tagging ignores it."""
    actor.require(Permission.EDIT_TAXONOMY)
    before = get_theme(cur, code)
    cur.execute("UPDATE themes SET active = ?, updated_at = ?, updated_by = ? WHERE code = ?",
                [active, to_db(utcnow()), actor.username, code])
    after = get_theme(cur, code)
    record_event(cur, actor.username, "theme", code, "activated" if active else "retired", asdict(before), asdict(after))
    return after


# --- glossary --------------------------------------------------------------------------------

_TERM_COLUMNS = "id, term, term_key, theme_code, company_term, note, active, origin"


def _term(row) -> GlossaryTerm:
    return GlossaryTerm(*row)


def list_glossary(cur, include_inactive: bool = False, theme_code: str | None = None) -> list[GlossaryTerm]:
    rows = cur.execute(
        f"SELECT {_TERM_COLUMNS} FROM glossary_terms WHERE (active OR ?) AND (CAST(? AS VARCHAR) IS NULL OR theme_code = ?) "
        "ORDER BY theme_code, term_key",
        [include_inactive, theme_code, theme_code],
    ).fetchall()
    return [_term(r) for r in rows]


def get_glossary_term(cur, term_id: int) -> GlossaryTerm:
    row = cur.execute(f"SELECT {_TERM_COLUMNS} FROM glossary_terms WHERE id = ?", [term_id]).fetchone()
    if row is None:
        raise NotFound(f"Không tìm thấy mục từ điển số {term_id}.")
    return _term(row)


def _check_term(cur, term: str, theme_code: str, exclude_id: int | None) -> tuple[str, str]:
    term = _clean(term, MAX_TERM_CHARS, "term", "cụm từ của khách hàng")
    key = fold_phrase(term)
    if not key:
        raise ValidationError("Cụm từ phải có ít nhất một chữ.", "term")
    theme = get_theme(cur, theme_code)
    if not theme.active:
        raise ValidationError(f"Chủ đề “{theme.name}” đã ngừng sử dụng.", "theme_code")
    clash = cur.execute(
        "SELECT t.term, coalesce(th.name_vi, t.theme_code) FROM glossary_terms t "
        "LEFT JOIN themes th ON th.code = t.theme_code WHERE t.term_key = ? AND t.active AND t.id IS DISTINCT FROM ?",
        [key, exclude_id],
    ).fetchone()
    if clash:
        raise ValidationError(f"Cụm từ “{clash[0]}” đã có trong từ điển (chủ đề “{clash[1]}”).", "term")
    return term, key


def add_glossary_term(cur, actor: Actor, term: str, theme_code: str, company_term: str | None = None,
                      note: str | None = None) -> GlossaryTerm:
    """Add a customer phrase → theme mapping (e.g. "mail bị dội" → email_delivery); audited.

    A term removed earlier with the same matching key is brought back with the new values.
    """
    actor.require(Permission.EDIT_TAXONOMY)
    term, key = _check_term(cur, term, theme_code, None)
    company_term = _clean(company_term, MAX_NAME_CHARS, "company_term", "thuật ngữ nội bộ", required=False) or None
    note = _clean(note, MAX_DESCRIPTION_CHARS, "note", "ghi chú", required=False) or None
    now = to_db(utcnow())
    removed = cur.execute("SELECT id FROM glossary_terms WHERE term_key = ? AND NOT active ORDER BY id LIMIT 1",
                          [key]).fetchone()
    if removed:
        before = get_glossary_term(cur, removed[0])
        cur.execute(
            "UPDATE glossary_terms SET term = ?, theme_code = ?, company_term = ?, note = ?, active = true, "
            "updated_at = ?, updated_by = ? WHERE id = ?",
            [term, theme_code, company_term, note, now, actor.username, removed[0]],
        )
        after = get_glossary_term(cur, removed[0])
        record_event(cur, actor.username, "glossary", after.id, "restored", asdict(before), asdict(after))
        return after
    new_id = cur.execute(
        "INSERT INTO glossary_terms (term, term_key, theme_code, company_term, note, active, origin, updated_at, "
        "updated_by) VALUES (?, ?, ?, ?, ?, true, 'qa', ?, ?) RETURNING id",
        [term, key, theme_code, company_term, note, now, actor.username],
    ).fetchone()[0]
    after = get_glossary_term(cur, new_id)
    record_event(cur, actor.username, "glossary", new_id, "created", None, asdict(after))
    return after


def update_glossary_term(cur, actor: Actor, term_id: int, *, term: str | None = None, theme_code: str | None = None,
                         company_term: str | None = None, note: str | None = None) -> GlossaryTerm:
    """Change a term's words, theme, company term or note; unspecified fields stay; audited."""
    actor.require(Permission.EDIT_TAXONOMY)
    before = get_glossary_term(cur, term_id)
    new_term, key = _check_term(cur, term if term is not None else before.term,
                                theme_code or before.theme_code, term_id)
    values = [
        new_term, key, theme_code or before.theme_code,
        _clean(company_term, MAX_NAME_CHARS, "company_term", "thuật ngữ nội bộ", required=False) or None
        if company_term is not None else before.company_term,
        _clean(note, MAX_DESCRIPTION_CHARS, "note", "ghi chú", required=False) or None
        if note is not None else before.note,
        to_db(utcnow()), actor.username, term_id,
    ]
    cur.execute(
        "UPDATE glossary_terms SET term = ?, term_key = ?, theme_code = ?, company_term = ?, note = ?, "
        "updated_at = ?, updated_by = ? WHERE id = ?",
        values,
    )
    after = get_glossary_term(cur, term_id)
    record_event(cur, actor.username, "glossary", term_id, "updated", asdict(before), asdict(after))
    return after


def remove_glossary_term(cur, actor: Actor, term_id: int) -> GlossaryTerm:
    """Soft-delete a term (kept for the record and so defaults do not return); audited."""
    actor.require(Permission.EDIT_TAXONOMY)
    before = get_glossary_term(cur, term_id)
    cur.execute("UPDATE glossary_terms SET active = false, updated_at = ?, updated_by = ? WHERE id = ?",
                [to_db(utcnow()), actor.username, term_id])
    after = get_glossary_term(cur, term_id)
    record_event(cur, actor.username, "glossary", term_id, "removed", asdict(before), asdict(after))
    return after


def glossary_revision(cur) -> tuple:
    """A cheap fingerprint that changes whenever a glossary term or theme changes."""
    return cur.execute(
        "SELECT (SELECT count(*) FROM glossary_terms), (SELECT max(updated_at) FROM glossary_terms), "
        "(SELECT count(*) FROM themes WHERE active), (SELECT max(updated_at) FROM themes)"
    ).fetchone()


def customer_dictionary(cur) -> list[dict]:
    """The "Từ điển khách hàng" every staff member reads: customer term, theme, company term."""
    rows = cur.execute(
        "SELECT g.term, g.theme_code, t.name_vi, g.company_term, g.note FROM glossary_terms g "
        "JOIN themes t ON t.code = g.theme_code WHERE g.active ORDER BY t.sort_order, g.term_key"
    ).fetchall()
    return [dict(term=r[0], theme_code=r[1], theme_name=r[2], company_term=r[3], note=r[4]) for r in rows]
