"""Clarify (làm sáng tỏ): the use cases behind the "Làm sáng tỏ" and "Từ điển khách hàng" pages.

QA finds the words customers use that the glossary lacks (discovery), adds them to the glossary
(customer term → theme + the company's own term), edits the taxonomy, retags the cases, corrects
single cases and retrains the model. Every staff member reads the result as the customer-term
dictionary, on screen, as CSV (opens in Excel with Vietnamese intact) or as PDF.

Plain Python: no Streamlit here. Every change checks Permission.EDIT_TAXONOMY and is audited by
the taxonomy/tagging functions it calls.
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Callable, Iterable, Sequence

from voc.store import case_store
from voc.text import classifier, discovery, tagging, taxonomy
from voc.accounts.access import Actor, Permission
from voc.store.audit import record_event
from voc.clock import LOCAL_TZ, format_local, to_db, utcnow
from voc.desk.csv_excel import csv_bytes
from voc.errors import NotFound, ValidationError
from voc.text.normalize import analyse, fold_phrase
from voc.text.retag import RetagReport, retag_cases
from voc.text.tagging import BackfillReport, ThemeTag
from voc.text.taxonomy import GlossaryTerm, Theme
from voc.plaintext import fold

EXCERPT_CHARS = 220


# --- discovery ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class Example:
    ticket_code: str
    excerpt: str


@dataclass(frozen=True)
class Phrase:
    """A customer phrase that no glossary term covers, frequent in poorly tagged cases."""

    phrase: str
    key: str
    cases: int              # poorly covered cases containing it
    covered_cases: int      # well covered cases containing it
    score: float
    examples: tuple[Example, ...]


def find_phrases(db, *, coverage: float = 0.6, min_cases: int = 3, limit: int = 100,
                 max_cases: int = 3000) -> list[Phrase]:
    """Discovery's ranked phrases, each example named by its ticket code (not its row id)."""
    found = discovery.discover(db, coverage=coverage, min_cases=min_cases, limit=limit, max_cases=max_cases)
    ids = sorted({case_id for cand in found for case_id, _ in cand.examples})
    codes: dict[int, str] = {}
    if ids:
        with db.cursor() as cur:
            codes = dict(cur.execute("SELECT id, ticket_code FROM cases WHERE list_contains(?, id)", [ids]).fetchall())
    return [
        Phrase(c.phrase, c.key, c.cases, c.covered_cases, round(c.score, 2),
               tuple(Example(codes.get(case_id, f"#{case_id}"), snippet) for case_id, snippet in c.examples))
        for c in found
    ]


def filter_phrases(phrases: Sequence[Phrase], query: str) -> list[Phrase]:
    """Phrases whose words contain the query, with or without diacritics ("mail bi doi")."""
    wanted = fold(query)
    if not wanted:
        return list(phrases)
    return [p for p in phrases if wanted in fold(p.phrase) or wanted in p.key]


def without_term(phrases: Sequence[Phrase], term: str) -> list[Phrase]:
    """The phrases still uncovered once `term` is in the glossary (discovery leaves out every
    phrase that contains a glossary term)."""
    key = f" {fold_phrase(term)} "
    return [p for p in phrases if key not in f" {p.key} " and key not in f" {fold_phrase(p.phrase)} "]


def without_phrase(phrases: Sequence[Phrase], key: str) -> list[Phrase]:
    return [p for p in phrases if p.key != key]


def dismiss_phrase(db, actor: Actor, phrase: str, note: str | None = None) -> discovery.DismissedPhrase:
    """Dismiss a discovered phrase as noise: no later discovery run shows it; audited."""
    actor.require(Permission.EDIT_TAXONOMY)
    with db.transaction() as cur:
        return discovery.dismiss(cur, actor, phrase, (note or "").strip() or None)


def restore_phrase(db, actor: Actor, key: str) -> None:
    actor.require(Permission.EDIT_TAXONOMY)
    with db.transaction() as cur:
        discovery.restore(cur, actor, key)


def dismissed_phrases(db) -> list[discovery.DismissedPhrase]:
    with db.cursor() as cur:
        return discovery.dismissed_phrases(cur)


def suggest_theme(db, phrase: str) -> str | None:
    """The theme the current tagger gives the phrase on its own (a default for QA to check)."""
    with db.cursor() as cur:
        tagger = tagging.tagger_for(cur)
    tags = tagger.tag(phrase)
    if tags:
        return tags[0].code
    if tagger.model is None:
        return None
    proba = tagger.model.predict_proba([analyse(phrase)])[0]
    ranked = sorted(((float(p), code) for code, p in zip(tagger.model.labels, proba) if code in tagger.themes),
                    reverse=True)
    return ranked[0][1] if ranked else None


def add_phrase(db, actor: Actor, phrase: str, theme_code: str, company_term: str | None = None,
               note: str | None = None) -> GlossaryTerm:
    """Add a discovered (or typed) customer phrase to the glossary; audited."""
    if not theme_code:
        raise ValidationError("Vui lòng chọn chủ đề cho cụm từ.", "theme_code")
    with db.transaction() as cur:
        return taxonomy.add_glossary_term(cur, actor, phrase, theme_code, company_term or None, note or None)


# --- taxonomy and glossary editors ------------------------------------------------------------

def themes(db, include_inactive: bool = True) -> list[Theme]:
    with db.cursor() as cur:
        return taxonomy.list_themes(cur, include_inactive)


def theme_rows(db) -> list[dict]:
    """The theme editor's rows: code, name, description, group, active."""
    return [dict(code=t.code, name=t.name, description=t.description, group=t.group or "", active=t.active)
            for t in themes(db)]


def _text(value) -> str:
    """A cell from an edited table as text (None and NaN become empty)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    return " ".join(str(value).split())


def save_theme_rows(db, actor: Actor, rows: Iterable[dict]) -> int:
    """Apply the edited theme rows (only the changed ones) in one transaction; returns the changes."""
    actor.require(Permission.EDIT_TAXONOMY)
    changes = 0
    with db.transaction() as cur:
        current = {t.code: t for t in taxonomy.list_themes(cur, include_inactive=True)}
        for row in rows:
            code = _text(row.get("code"))
            before = current.get(code)
            if before is None:
                continue
            name, description, group = _text(row.get("name")), _text(row.get("description")), _text(row.get("group"))
            if (name, description, group) != (before.name, before.description or "", before.group or ""):
                taxonomy.save_theme(cur, actor, code, name, description, group or None)
                changes += 1
            active = bool(row.get("active"))
            if active != before.active:
                taxonomy.set_theme_active(cur, actor, code, active)
                changes += 1
    return changes


def add_theme(db, actor: Actor, code: str, name: str, description: str = "", group: str | None = None) -> Theme:
    code = (code or "").strip().lower()
    with db.transaction() as cur:
        if code and cur.execute("SELECT count(*) FROM themes WHERE code = ?", [code]).fetchone()[0]:
            raise ValidationError(f"Mã chủ đề “{code}” đã có; hãy sửa chủ đề đó trong bảng.", "code")
        return taxonomy.save_theme(cur, actor, code, name, description, group or None)


def glossary_rows(db, theme_code: str | None = None) -> list[dict]:
    """The glossary editor's rows (id, term, theme_code, company_term, note, remove=False), in the
    taxonomy's order like the dictionary."""
    with db.cursor() as cur:
        order = {t.code: t.sort_order for t in taxonomy.list_themes(cur, include_inactive=True)}
        terms = sorted(taxonomy.list_glossary(cur, theme_code=theme_code),
                       key=lambda t: (order.get(t.theme_code, 10**6), t.term_key))
    return [dict(id=t.id, term=t.term, theme_code=t.theme_code, company_term=t.company_term or "",
                 note=t.note or "", remove=False) for t in terms]


def save_glossary_rows(db, actor: Actor, rows: Iterable[dict]) -> int:
    """Apply the edited glossary rows in one transaction: a ticked `remove` removes the term, a
    changed term, theme, company term or note updates it. All or nothing; returns the changes."""
    actor.require(Permission.EDIT_TAXONOMY)
    changes = 0
    with db.transaction() as cur:
        current = {t.id: t for t in taxonomy.list_glossary(cur)}
        for row in rows:
            try:
                term_id = int(row.get("id"))
            except (TypeError, ValueError):
                continue
            before = current.get(term_id)
            if before is None:
                continue
            if bool(row.get("remove")):
                taxonomy.remove_glossary_term(cur, actor, term_id)
                changes += 1
                continue
            after = (_text(row.get("term")), _text(row.get("theme_code")) or before.theme_code,
                     _text(row.get("company_term")), _text(row.get("note")))
            if after != (before.term, before.theme_code, before.company_term or "", before.note or ""):
                taxonomy.update_glossary_term(cur, actor, term_id, term=after[0], theme_code=after[1],
                                              company_term=after[2], note=after[3])
                changes += 1
    return changes


# --- retagging ---------------------------------------------------------------------------------

def _local_bounds(start: date | None, end: date | None) -> tuple[datetime | None, datetime | None]:
    low = to_db(datetime.combine(start, time.min, LOCAL_TZ)) if start else None
    high = to_db(datetime.combine(end + timedelta(days=1), time.min, LOCAL_TZ)) if end else None
    return low, high


def case_ids_received(db, start: date | None = None, end: date | None = None) -> list[int]:
    """Ids of the cases received between two local dates (inclusive; either end may be open)."""
    low, high = _local_bounds(start, end)
    with db.cursor() as cur:
        return [r[0] for r in cur.execute(
            "SELECT id FROM cases WHERE ($low IS NULL OR received_at >= $low) AND ($high IS NULL OR received_at < $high) "
            "ORDER BY id", {"low": low, "high": high}).fetchall()]


def retag(db, actor: Actor, *, start: date | None = None, end: date | None = None,
          progress: Callable[[int, int], None] | None = None, workers: int = 2) -> RetagReport:
    """Tag all cases again (or those received between `start` and `end`) with the current glossary,
    themes and model; progress(done, total) after each batch; audited with the changes per theme."""
    actor.require(Permission.EDIT_TAXONOMY)
    if start and end and start > end:
        raise ValidationError("Ngày bắt đầu phải trước hoặc bằng ngày kết thúc.", "period")
    ids = case_ids_received(db, start, end) if (start or end) else None
    if ids == []:
        if progress:
            progress(0, 0)
        report = RetagReport(BackfillReport(0, 0, 0.0, 0), ())
    else:
        report = retag_cases(db, workers=workers, progress=progress, case_ids=ids)
    period = {"from": start.isoformat() if start else None, "to": end.isoformat() if end else None}
    with db.transaction() as cur:
        record_event(cur, actor.username, "case_themes", "period" if ids is not None else "all", "retagged",
                     None, {**period, "cases": report.cases, "tags": report.tags, "themes": report.as_dict()})
    return report


# --- QA corrections and retraining ------------------------------------------------------------

@dataclass(frozen=True)
class CaseThemes:
    case_id: int
    ticket_code: str
    received: str
    excerpt: str
    tags: tuple[ThemeTag, ...]


def _excerpt(text: str, limit: int = EXCERPT_CHARS) -> str:
    text = " ".join((text or "").split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def case_themes(db, ticket_code: str) -> CaseThemes:
    """A case's current themes (score, evidence, source) by its ticket code."""
    code = (ticket_code or "").strip()
    if not code:
        raise ValidationError("Vui lòng nhập mã hồ sơ.", "ticket_code")
    with db.cursor() as cur:
        try:
            case = case_store.get_case(cur, code)
        except NotFound:
            if code.upper() == code:
                raise
            case = case_store.get_case(cur, code.upper())      # "kn-2026-000123" as typed
        tags = tagging.shown_tags(cur, case)
    return CaseThemes(case.id, case.ticket_code, format_local(case.received_at),
                      _excerpt(tagging.case_text(case.content, case.request)), tuple(tags))


def correct(db, actor: Actor, ticket_code: str, theme_code: str, is_positive: bool,
            note: str | None = None) -> CaseThemes:
    """QA confirms/adds (is_positive) or rejects a theme on a case; returns its themes afterwards."""
    found = case_themes(db, ticket_code)
    tagging.correct_case(db, actor, found.case_id, theme_code, is_positive, (note or "").strip() or None)
    return case_themes(db, found.ticket_code)


def tag_rows(tags: Iterable[ThemeTag]) -> list[dict]:
    """Tags as table rows for display."""
    return [dict(theme=t.name, code=t.code, score=round(float(t.score), 3), source=t.source.label,
                 evidence=", ".join(t.evidence)) for t in tags]



def retrain(db, actor: Actor, *, force: bool = False) -> classifier.RetrainReport:
    return classifier.retrain(db, actor, force=force)


# --- the customer-term dictionary ------------------------------------------------------------

DICTIONARY_COLUMNS = {"term": "Khách hàng nói", "theme_name": "Chủ đề", "company_term": "Thuật ngữ nội bộ",
                      "note": "Ghi chú"}


def dictionary(db, query: str = "") -> list[dict]:
    """The customer-term dictionary (term, theme_code, theme_name, company_term, note), filtered by
    a diacritics-insensitive search over every column."""
    with db.cursor() as cur:
        entries = taxonomy.customer_dictionary(cur)
    return search_dictionary(entries, query)


def search_dictionary(entries: Sequence[dict], query: str) -> list[dict]:
    wanted = fold(query)
    if not wanted:
        return list(entries)
    return [e for e in entries
            if any(wanted in fold(e.get(k)) for k in ("term", "theme_name", "company_term", "note"))]


def group_by_theme(entries: Sequence[dict]) -> list[tuple[str, list[dict]]]:
    """(theme name, its entries) in the dictionary's order."""
    groups: dict[str, tuple[str, list[dict]]] = {}
    for entry in entries:
        groups.setdefault(entry["theme_code"], (entry["theme_name"], []))[1].append(entry)
    return list(groups.values())


def dictionary_csv(entries: Sequence[dict]) -> bytes:
    """CSV for Excel (voc.desk.csv_excel): UTF-8 with BOM, Vietnamese headings, formula-safe cells."""
    return csv_bytes(list(DICTIONARY_COLUMNS.values()), ([e.get(k) for k in DICTIONARY_COLUMNS] for e in entries))


def dictionary_pdf(entries: Sequence[dict], *, query: str = "", at: datetime | None = None) -> bytes:
    """The dictionary as an A4 PDF grouped by theme, in DejaVu Serif so diacritics print correctly."""
    from fpdf.enums import XPos, YPos

    from voc.desk.documents import FONT_FAMILY, _Pdf, nfc

    pdf = _Pdf()
    pdf.alias_nb_pages()
    pdf.add_page()
    pdf.set_font(FONT_FAMILY, "B", 15)
    pdf.cell(0, 8, "TỪ ĐIỂN KHÁCH HÀNG", align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.set_font(FONT_FAMILY, "I", 9)
    subtitle = f"Cách khách hàng nói → chủ đề → thuật ngữ nội bộ. Cập nhật {format_local(at or utcnow())}."
    if query.strip():
        subtitle += f" Lọc theo: “{nfc(query.strip())}”."
    pdf.multi_cell(0, 5, subtitle, align="C", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    pdf.ln(3)
    groups = group_by_theme(entries)
    if not groups:
        pdf.set_font(FONT_FAMILY, "", 11)
        pdf.cell(0, 6, "Không có mục nào.", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
    for name, items in groups:
        if pdf.get_y() > pdf.h - 45:
            pdf.add_page()
        pdf.set_font(FONT_FAMILY, "B", 12)
        pdf.multi_cell(0, 7, f"{nfc(name)} ({len(items)})", new_x=XPos.LMARGIN, new_y=YPos.NEXT)
        pdf.set_font(FONT_FAMILY, "", 10)
        with pdf.table(col_widths=(40, 32, 28), text_align="LEFT", line_height=5.5,
                       first_row_as_headings=True) as table:
            heading = table.row()
            for label in ("Khách hàng nói", "Thuật ngữ nội bộ", "Ghi chú"):
                heading.cell(label)
            for item in items:
                row = table.row()
                row.cell(nfc(item.get("term")))
                row.cell(nfc(item.get("company_term")))
                row.cell(nfc(item.get("note")))
        pdf.ln(4)
    return bytes(pdf.output())
