"""Clarify service (voc/clarify.py) on a real DuckDB file: discovered phrases into the glossary,
audited edits, retagging with progress, QA corrections, and the customer dictionary as CSV and PDF."""
from __future__ import annotations

import csv
import io
import json
import unicodedata
from datetime import date, datetime, timezone

import pytest
from pypdf import PdfReader

from voc.insight import clarify
from voc.text import tagging
from voc.errors import PermissionDenied, ValidationError
from voc.setup import ensure_defaults

BOUNCE_TEXTS = [
    "Mail bị dội liên tục từ sáng, khách không nhận được báo giá",
    "khách báo mail bị dội, không gửi được hợp đồng cho đối tác",
    "mail bi doi het, xu ly gap giup minh",
    "Từ hôm qua mail bị dội về hết, mất đơn hàng",
]
OTHER_TEXTS = [
    "Xin chào, web bị sập từ sáng thứ Bảy, khách không vào được",
    "Bị trừ tiền hai lần khi gia hạn tên miền",
]
# received (UTC): the bounces in early November 2026, the others in October
RECEIVED = [datetime(2026, 11, 2 + i, 3, tzinfo=timezone.utc) for i in range(len(BOUNCE_TEXTS))] + \
           [datetime(2026, 10, 5 + i, 3, tzinfo=timezone.utc) for i in range(len(OTHER_TEXTS))]


def add_cases(db, texts=BOUNCE_TEXTS + OTHER_TEXTS, received=RECEIVED, first: int = 900001) -> list[int]:
    """Cases as an import would leave them: received, not yet tagged."""
    ids = []
    with db.transaction() as cur:
        for i, (text, at) in enumerate(zip(texts, received)):
            ids.append(cur.execute(
                "INSERT INTO cases (ticket_code, received_at, channel, issue_kind, service, customer_name, content, "
                "status, round_opened_at, reply_due_at, resolution_due_at) VALUES (?, ?, 'email', 'quality', 'email', "
                "'Khách hàng', ?, 'received', ?, ?, ?) RETURNING id",
                [f"KN-2026-{first + i}", at.replace(tzinfo=None), text] + [at.replace(tzinfo=None)] * 3,
            ).fetchone()[0])
    return ids


@pytest.fixture
def desk(db):
    ensure_defaults(db)
    add_cases(db)
    return db


def glossary_events(db, action: str) -> list[tuple]:
    with db.cursor() as cur:
        return cur.execute("SELECT actor, after FROM events WHERE entity = 'glossary' AND action = ?",
                           [action]).fetchall()


def test_a_discovered_phrase_goes_into_the_glossary_with_an_audit_event(desk, qa):
    found = clarify.find_phrases(desk, min_cases=3)
    bounce = next(p for p in found if "mail bi doi" in p.key)
    assert bounce.cases >= 3
    assert all(e.ticket_code.startswith("KN-2026-") and e.excerpt for e in bounce.examples)
    assert clarify.filter_phrases(found, "MAIL BỊ DỘI") == clarify.filter_phrases(found, "mail bi doi")
    assert bounce in clarify.filter_phrases(found, "bi doi")
    assert clarify.suggest_theme(desk, "mail bị dội") == "email_delivery"

    added = clarify.add_phrase(desk, qa, "mail bị dội", "email_delivery", "Email bị trả về (bounce)")

    entries = clarify.dictionary(desk)
    assert {"term": "mail bị dội", "theme_code": "email_delivery", "theme_name": "Gửi và nhận email",
            "company_term": "Email bị trả về (bounce)", "note": None} in entries
    (actor, after), = glossary_events(desk, "created")
    assert actor == "qa1" and json.loads(after)["term"] == "mail bị dội"
    # the phrase, and every longer phrase containing it, leave the list
    assert all("mail bi doi" not in p.key for p in clarify.without_term(found, added.term))
    # discovery no longer proposes it either
    assert all("mail bi doi" not in p.key for p in clarify.find_phrases(desk, min_cases=3))


def test_adding_needs_qa_and_a_new_term(desk, qa, staff):
    with pytest.raises(PermissionDenied):
        clarify.add_phrase(desk, staff, "mail bị dội", "email_delivery")
    clarify.add_phrase(desk, qa, "mail bị dội", "email_delivery")
    with pytest.raises(ValidationError, match="đã có trong từ điển"):
        clarify.add_phrase(desk, qa, "Mail bi doi", "email_delivery")      # same words without accents
    with pytest.raises(ValidationError):
        clarify.add_phrase(desk, qa, "   ", "email_delivery")


def test_retag_reports_progress_and_updates_the_tags(desk, qa):
    clarify.add_phrase(desk, qa, "mail bị dội", "email_delivery")
    calls = []
    report = clarify.retag(desk, qa, progress=lambda done, total: calls.append((done, total)))
    total = len(BOUNCE_TEXTS) + len(OTHER_TEXTS)
    assert report.cases == total and report.tags > 0
    assert calls[0] == (0, total) and calls[-1] == (total, total)
    with desk.cursor() as cur:
        first = tagging.case_tags(cur, 1)
        audit = cur.execute("SELECT actor, after FROM events WHERE entity = 'case_themes' AND action = 'retagged'"
                            ).fetchall()
    email = next(t for t in first if t.code == "email_delivery")
    assert email.source == "rule" and "mail bị dội" in " ".join(email.evidence).lower()
    assert audit[0][0] == "qa1" and json.loads(audit[0][1])["cases"] == total


def test_retag_a_period_only_touches_the_cases_received_in_it(desk, qa, staff):
    calls = []
    report = clarify.retag(desk, qa, start=date(2026, 11, 1), end=date(2026, 11, 30), workers=1,
                           progress=lambda done, total: calls.append((done, total)))
    assert report.cases == len(BOUNCE_TEXTS) and calls[-1] == (len(BOUNCE_TEXTS), len(BOUNCE_TEXTS))
    with desk.cursor() as cur:
        tagged = {r[0] for r in cur.execute("SELECT DISTINCT case_id FROM case_themes").fetchall()}
    assert tagged and tagged <= set(range(1, len(BOUNCE_TEXTS) + 1))
    empty = clarify.retag(desk, qa, start=date(2020, 1, 1), end=date(2020, 1, 31))
    assert empty.cases == 0
    with pytest.raises(ValidationError):
        clarify.retag(desk, qa, start=date(2026, 11, 30), end=date(2026, 11, 1))
    with pytest.raises(PermissionDenied):
        clarify.retag(desk, staff)


def test_local_days_bound_the_period(desk):
    # 00:30 on 2 November in Hà Nội is still 1 November in UTC
    late = add_cases(desk, ["mail bị dội lúc nửa đêm"], [datetime(2026, 11, 1, 17, 30, tzinfo=timezone.utc)],
                     first=900100)
    assert late[0] in clarify.case_ids_received(desk, date(2026, 11, 2), date(2026, 11, 2))
    assert late[0] not in clarify.case_ids_received(desk, date(2026, 11, 1), date(2026, 11, 1))


def test_glossary_rows_edit_and_remove_all_or_nothing(desk, qa):
    clarify.add_phrase(desk, qa, "mail bị dội", "email_delivery")
    rows = clarify.glossary_rows(desk, "email_delivery")
    target = next(r for r in rows if r["term"] == "mail bị dội")
    other = next(r for r in rows if r["term"] != "mail bị dội")
    target.update(company_term="Email bị trả về", note=float("nan"))        # a cleared cell from the table
    other["remove"] = True
    assert clarify.save_glossary_rows(desk, qa, rows) == 2
    after = {r["term"]: r for r in clarify.glossary_rows(desk)}
    assert after["mail bị dội"]["company_term"] == "Email bị trả về" and other["term"] not in after
    assert glossary_events(desk, "removed")

    rows = clarify.glossary_rows(desk, "email_delivery")
    rows[0]["company_term"] = "Đổi tên"
    rows[1]["term"] = rows[2]["term"]                                          # a duplicate: nothing is saved
    with pytest.raises(ValidationError, match="đã có trong từ điển"):
        clarify.save_glossary_rows(desk, qa, rows)
    assert clarify.glossary_rows(desk, "email_delivery")[0]["company_term"] != "Đổi tên"


def test_theme_rows_rename_and_retire(desk, qa, staff):
    rows = clarify.theme_rows(desk)
    email = next(r for r in rows if r["code"] == "email_delivery")
    email["name"] = "Email: gửi, nhận, bị trả về"
    ssl = next(r for r in rows if r["code"] == "ssl")
    ssl["active"] = False
    assert clarify.save_theme_rows(desk, qa, rows) == 2
    assert clarify.save_theme_rows(desk, qa, clarify.theme_rows(desk)) == 0
    names = {t.code: (t.name, t.active) for t in clarify.themes(desk)}
    assert names["email_delivery"] == ("Email: gửi, nhận, bị trả về", True) and names["ssl"][1] is False
    new = clarify.add_theme(desk, qa, "mail_bounce", "Email bị trả về", "Thư bị dội lại", "Kỹ thuật")
    assert new.code == "mail_bounce"
    with pytest.raises(ValidationError, match="đã có"):
        clarify.add_theme(desk, qa, "mail_bounce", "Trùng", "", None)
    with pytest.raises(PermissionDenied):
        clarify.save_theme_rows(desk, staff, rows)


def test_qa_correction_by_ticket_code(desk, qa):
    clarify.retag(desk, qa, workers=1)
    before = clarify.case_themes(desk, "kn-2026-900001")                    # typed in lower case
    assert before.ticket_code == "KN-2026-900001" and "Mail bị dội" in before.excerpt
    added = clarify.correct(desk, qa, "KN-2026-900001", "support_responsiveness", True, "khách chờ lâu")
    support = next(t for t in added.tags if t.code == "support_responsiveness")
    assert support.source == "qa" and support.score == 1.0
    rejected = clarify.correct(desk, qa, "KN-2026-900001", "support_responsiveness", False)
    assert "support_responsiveness" not in {t.code for t in rejected.tags}
    rows = clarify.tag_rows(rejected.tags)
    assert rows and set(rows[0]) == {"theme", "code", "score", "source", "evidence"}
    with pytest.raises(Exception, match="Không tìm thấy"):
        clarify.case_themes(desk, "KN-0000-000000")


def test_dictionary_search_ignores_diacritics(desk, qa):
    clarify.add_phrase(desk, qa, "mail bị dội", "email_delivery", "Email bị trả về")
    for query in ("mail bi doi", "MAIL BỊ DỘI", "bi tra ve"):
        assert "mail bị dội" in [e["term"] for e in clarify.dictionary(desk, query)]
    assert clarify.dictionary(desk, "không có cụm này") == []
    groups = clarify.group_by_theme(clarify.dictionary(desk))
    assert len({name for name, _ in groups}) == len(groups) > 1


def test_dictionary_csv_opens_in_excel_with_safe_cells(desk, qa):
    clarify.add_phrase(desk, qa, "mail bị dội", "email_delivery", "=HYPERLINK(\"http://x\")", "@chú ý")
    data = clarify.dictionary_csv(clarify.dictionary(desk))
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert rows[0] == ["Khách hàng nói", "Chủ đề", "Thuật ngữ nội bộ", "Ghi chú"]
    row = next(r for r in rows if r[0] == "mail bị dội")
    assert row == ["mail bị dội", "Gửi và nhận email", "'=HYPERLINK(\"http://x\")", "'@chú ý"]


def test_dictionary_pdf_prints_vietnamese_diacritics(desk, qa):
    clarify.add_phrase(desk, qa, "mail bị dội", "email_delivery", "Email bị trả về")
    pdf = clarify.dictionary_pdf(clarify.dictionary(desk, "dội"), query="dội")
    text = unicodedata.normalize("NFC", "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf)).pages))
    assert "TỪ ĐIỂN KHÁCH HÀNG" in text
    assert "mail bị dội" in text and "Email bị trả về" in text and "Gửi và nhận email" in text
    full = PdfReader(io.BytesIO(clarify.dictionary_pdf(clarify.dictionary(desk))))
    assert len(full.pages) >= 2


def _having(db, theme: str) -> set[str]:
    with db.cursor() as cur:
        return {r[0] for r in cur.execute("SELECT c.ticket_code FROM cases c JOIN case_themes t ON t.case_id = c.id "
                                          "WHERE t.theme_code = ?", [theme]).fetchall()}


def test_the_retag_report_names_the_cases_that_gained_and_lost_each_theme(desk, qa):
    """#14, 25: a retag says what changed, per theme, with the cases either way; so does its audit event."""
    from voc.text import taxonomy

    clarify.retag(desk, qa, workers=1)
    assert clarify.retag(desk, qa, workers=1).changes == ()             # nothing new: nothing changed
    downtime, contract_before = _having(desk, "downtime"), _having(desk, "contract")
    assert downtime
    clarify.add_phrase(desk, qa, "mất đơn hàng", "contract")
    with desk.transaction() as cur:
        taxonomy.set_theme_active(cur, qa, "downtime", False)
    report = clarify.retag(desk, qa, workers=1)
    changes = {c.theme_code: c for c in report.changes}
    gained = _having(desk, "contract") - contract_before
    assert gained == {"KN-2026-900004"}
    assert changes["contract"].gained == ("KN-2026-900004",) and changes["contract"].lost == ()
    assert set(changes["downtime"].lost) == downtime and changes["downtime"].gained == ()
    assert "downtime" not in {t for t, c in changes.items() if c.gained}
    assert f"+{len(gained)}/−0" in report.message()
    lines = report.lines()
    assert any(line.startswith("    bớt: ") and sorted(downtime)[0] in line for line in lines)
    with desk.cursor() as cur:
        after = cur.execute("SELECT after FROM events WHERE entity = 'case_themes' AND action = 'retagged' "
                            "ORDER BY id DESC LIMIT 1").fetchone()[0]
    assert json.loads(after)["themes"]["downtime"] == {"gained": 0, "lost": len(downtime)}
