"""Taxonomy and glossary: idempotent defaults, accent-insensitive matching with evidence, audited QA edits."""
import pytest

from voc.text import taxonomy
from voc.store.audit import events_for
from voc.errors import PermissionDenied, ValidationError
from voc.text.normalize import analyse
from voc.text.tagging import GlossaryMatcher, tag_case, tagger_for
from voc.text.taxonomy import GlossaryTerm

BOTH_BACKENDS = True     # the `db` tests run on DuckDB and on PostgreSQL (tests/conftest.py)


def _matcher(*pairs):
    return GlossaryMatcher([GlossaryTerm(i, term, "", code) for i, (term, code) in enumerate(pairs)])


def test_matching_is_accent_insensitive_skips_fillers_and_reports_the_words():
    m = _matcher(("web sập", "downtime"), ("bị trừ tiền", "billing"))
    assert m.match(analyse("Web của tôi bị sập rồi")) == {}          # "của tôi" breaks the phrase
    assert m.match(analyse("Web bị sập từ sáng")) == {"downtime": ["website bị sập"]}
    assert m.match(analyse("web bi sap tu sang")) == {"downtime": ["website bi sap"]}
    assert m.match(analyse("tháng này lại trừ tiền")) == {"billing": ["trừ tiền"]}


def test_longest_term_wins():
    m = _matcher(("hết hạn", "renewal"), ("ssl hết hạn", "ssl"))
    assert m.match(analyse("chứng chỉ SSL hết hạn hôm qua")) == {"ssl": ["ssl hết hạn"]}
    assert m.match(analyse("tên miền hết hạn")) == {"renewal": ["hết hạn"]}


def test_defaults_are_seeded_once(db):
    assert taxonomy.ensure_defaults(db) is True
    with db.cursor() as cur:
        themes = taxonomy.list_themes(cur)
        terms = taxonomy.list_glossary(cur)
    codes = {t.code for t in themes}
    assert {"downtime", "billing", "email_delivery", "support_responsiveness", "staff_attitude"} <= codes
    assert next(t for t in themes if t.code == "billing").name == "Cước phí và hóa đơn"
    assert any(t.term == "web sập" and t.theme_code == "downtime" for t in terms)
    assert any(t.term == "bị trừ tiền" and t.theme_code == "billing" for t in terms)
    assert not any("dội" in t.term for t in terms)                    # QA adds it in the demo story
    assert taxonomy.ensure_defaults(db) is False
    with db.cursor() as cur:
        assert len(taxonomy.list_glossary(cur)) == len(terms)
        assert len(taxonomy.list_themes(cur)) == len(themes)


def test_qa_adds_a_term_audited_and_tagging_uses_it(db, qa):
    taxonomy.ensure_defaults(db)
    with db.transaction() as cur:
        term = taxonomy.add_glossary_term(cur, qa, "Mail bị dội", "email_delivery", "Thư bị trả về (bounce)")
    assert term.term_key == "mail bi doi"
    with db.cursor() as cur:
        events = events_for(cur, "glossary", term.id)
        tags = tagger_for(cur).tag("mail bi doi lien tuc tu hom qua")
    assert [e.action for e in events] == ["created"] and events[0].actor == "qa1"
    assert events[0].after["term"] == "Mail bị dội"
    email = next(t for t in tags if t.code == "email_delivery")
    assert email.source == "rule" and "mail bi doi" in email.evidence


def test_glossary_edits_need_permission_and_reject_duplicates(db, qa, staff):
    taxonomy.ensure_defaults(db)
    with db.transaction() as cur:
        with pytest.raises(PermissionDenied):
            taxonomy.add_glossary_term(cur, staff, "mail bị dội", "email_delivery")
        with pytest.raises(ValidationError) as duplicate:
            taxonomy.add_glossary_term(cur, qa, "WEB SAP", "billing")       # same key as "web sập"
        with pytest.raises(ValidationError):
            taxonomy.add_glossary_term(cur, qa, "   ", "downtime")
    with db.cursor() as cur:
        downtime = taxonomy.get_theme(cur, "downtime").name
    assert str(duplicate.value) == f"Cụm từ “web sập” đã có trong từ điển (chủ đề “{downtime}”)."


def test_removed_default_term_stays_removed_and_is_audited(db, qa):
    taxonomy.ensure_defaults(db)
    with db.transaction() as cur:
        term = next(t for t in taxonomy.list_glossary(cur) if t.term == "web sập")
        taxonomy.remove_glossary_term(cur, qa, term.id)
        cur.execute("UPDATE theme_engine_meta SET value = '0'")            # force a re-seed
    taxonomy.ensure_defaults(db)
    with db.cursor() as cur:
        assert all(t.term != "web sập" for t in taxonomy.list_glossary(cur))
        assert [e.action for e in events_for(cur, "glossary", term.id)] == ["removed"]


def test_theme_edit_is_audited(db, qa):
    taxonomy.ensure_defaults(db)
    with db.transaction() as cur:
        taxonomy.save_theme(cur, qa, "downtime", "Web/máy chủ ngừng hoạt động", "Mô tả mới")
        new = taxonomy.save_theme(cur, qa, "backup_policy", "Chính sách sao lưu", "")
    with db.cursor() as cur:
        assert taxonomy.get_theme(cur, "downtime").name == "Web/máy chủ ngừng hoạt động"
        ev = events_for(cur, "theme", "downtime")
        assert ev[-1].before["name"] == "Gián đoạn dịch vụ (web, máy chủ sập)"
        assert new.origin == "qa"
        with pytest.raises(ValidationError):
            taxonomy.save_theme(cur, qa, "Mã có dấu", "x")


def test_tag_case_uses_the_database_glossary(db, qa):
    taxonomy.ensure_defaults(db)
    with db.transaction() as cur:
        tags = tag_case(cur, 42, "Tôi bị trừ tiền hai lần trong tháng")
    assert any(t.code == "billing" and t.source == "rule" and "trừ tiền" in " ".join(t.evidence) for t in tags)
