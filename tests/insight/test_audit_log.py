"""The audit log as admins read it (issue #14 item 18): Vietnamese labels, ticket codes instead of internal
ids, filters by user, object, ticket code, dates and text (each thing an event shows, renamed names, new and
late-committed events, events from before the search index), pages, an audited export, the demo load's actor."""
from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest

from tests.conftest import BY_POST, MONDAY_0910, make_draft
from voc.accounts import branches, users
from voc.accounts.access import SYSTEM, Role
from voc.desk import cases, letters
from voc.errors import PermissionDenied
from voc.insight import audit_log
from voc.insight.audit_log import AuditFilters
from voc.model import LetterKind
from voc.plaintext import fold

PASSWORD = "mat-khau-dai-2026"


@pytest.fixture
def desk(db, admin, staff):
    """Two cases of lan's (one with a letter, on different days), an account and a branch made by admin."""
    users.create_user(db, admin, "lan", "Nguyễn Thị Lan", Role.STAFF, "Hà Nội", PASSWORD)
    first = cases.receive(db, staff, make_draft(), received_at=MONDAY_0910)
    cases.start_verification(db, staff, first.ticket_code, at=MONDAY_0910 + timedelta(hours=1))
    letters.issue_letter(db, staff, first.ticket_code, LetterKind.REPLY, "Trả lời khiếu nại",
                         "Cảm ơn Quý khách. Chúng tôi đã khắc phục trước 17:00 ngày 25/11/2026.",
                         at=MONDAY_0910 + timedelta(hours=3), delivery=BY_POST)
    second = cases.receive(db, staff, make_draft(content="Email bị trả về"),
                           received_at=MONDAY_0910 + timedelta(days=2))
    branches.add_branch(db, admin, "Cần Thơ")
    return first.ticket_code, second.ticket_code


def rows(db, admin, **filters) -> list[dict]:
    return audit_log.search(db, admin, AuditFilters(**filters))[0].to_dict("records")


def test_events_read_in_vietnamese_with_ticket_codes_not_internal_ids(db, admin, desk):
    first, _ = desk
    shown = rows(db, admin, ticket_code=first)
    assert [r["action"] for r in shown] == ["Đã gửi, chờ khách hàng phản hồi", "Phát hành thư",
                                            "Phát hành thư trả lời / giấy mời", "Bắt đầu xác minh", "Tiếp nhận hồ sơ"]
    assert {r["ticket_code"] for r in shown} == {first}
    assert {r["who"] for r in shown} == {"Nguyễn Thị Lan (lan)"}
    sent, letter, action, verify, received = shown
    assert sent["object"] == "Hồ sơ" and "Chờ khách hàng phản hồi" in sent["detail"]
    assert "Gửi: Cách gửi: Bưu điện, Người nhận: 12 Láng Hạ, Hà Nội, Lúc: " in letter["detail"]
    assert letter["object"].startswith("Thư ") and letter["object"].endswith("/2026/TL-CSKH")
    assert verify["object"] == "Hồ sơ" and verify["detail"] == "Trạng thái: Đã tiếp nhận → Đang xác minh"
    assert "Kênh: Trực tiếp" in received["detail"] and "Quá thời hiệu: Không" in received["detail"]
    for row in shown:       # no JSON, no internal ids
        assert "{" not in row["detail"] and "case_id" not in row["detail"] and '"' not in row["detail"]
    branch = rows(db, admin, entity="branch")[0]
    assert (branch["object"], branch["action"], branch["detail"]) == (
        "Chi nhánh Cần Thơ", "Thêm chi nhánh", "Tên: Cần Thơ; Hoạt động: Có")
    account = rows(db, admin, entity="user")[0]
    assert account["action"] == "Tạo tài khoản" and "Vai trò: Nhân viên CSKH" in account["detail"]


def test_filters_by_user_object_type_dates_and_free_text(db, admin, desk):
    first, second = desk
    assert {r["who"] for r in rows(db, admin, actor="admin")} == {"admin"}
    assert {r["object"] for r in rows(db, admin, actor="admin")} == {"Tài khoản lan", "Chi nhánh Cần Thơ"}
    assert {r["ticket_code"] for r in rows(db, admin, entity="case")} == {first, second}
    monday = MONDAY_0910.date()
    on_monday = rows(db, admin, entity="case", date_from=monday, date_to=monday)
    assert {r["ticket_code"] for r in on_monday} == {first}
    later = rows(db, admin, entity="case", date_from=monday + timedelta(days=1))
    assert [r["ticket_code"] for r in later] == [second]
    # Free text without diacritics matches the Vietnamese action names, notes and values.
    assert [r["action"] for r in rows(db, admin, text="xac minh")] == ["Bắt đầu xác minh"]
    assert [r["object"] for r in rows(db, admin, text="can tho")] == ["Chi nhánh Cần Thơ"]
    assert {r["ticket_code"] for r in rows(db, admin, text=second.lower())} == {second}
    assert rows(db, admin, text="không có gì như thế này") == []
    assert audit_log.search(db, admin, AuditFilters(actor="lan", date_from=date(2030, 1, 1)))[1] == 0


def test_pages_and_options(db, admin, desk):
    branches.add_branch(db, SYSTEM, "Huế")
    first_page, total = audit_log.search(db, admin, AuditFilters(), limit=3)
    rest, same_total = audit_log.search(db, admin, AuditFilters(), limit=100, offset=3)
    assert len(first_page) == 3 and len(first_page) + len(rest) == total == same_total > 3
    past_the_end, nothing = audit_log.search(db, admin, AuditFilters(), offset=total)
    assert past_the_end.empty and nothing == 0
    assert not set(first_page["detail"] + first_page["at"].astype(str)) & set(rest["detail"] + rest["at"].astype(str))
    assert list(first_page["at"]) == sorted(first_page["at"], reverse=True)
    options = audit_log.actor_options(db, admin)
    assert options["lan"] == "Nguyễn Thị Lan (lan)" and options["system"] == "Hệ thống (system)"
    assert audit_log.entity_options(db, admin)["case"] == "Hồ sơ"


def test_the_export_is_excel_ready_filtered_and_audited(db, admin, desk):
    first, _ = desk
    data = audit_log.export_csv(db, admin, AuditFilters(ticket_code=first))
    assert data.startswith(b"\xef\xbb\xbf")
    table = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    assert table[0] == ["Thời điểm", "Người thực hiện", "Đối tượng", "Mã hồ sơ", "Hành động", "Thay đổi", "Ghi chú"]
    assert len(table) == 6 and {r[3] for r in table[1:]} == {first}
    assert table[-1][0] == "2026-11-23 09:10:00" and table[-1][4] == "Tiếp nhận hồ sơ"
    exported = rows(db, admin, entity="export")[0]
    assert exported["who"] == "admin" and exported["object"] == "Xuất dữ liệu: nhật ký"
    assert "Số dòng: 5" in exported["detail"] and f"Bộ lọc: Mã hồ sơ: {first}" in exported["detail"]


def test_only_admins_read_the_log(db, qa, manager):
    for actor in (qa, manager):
        with pytest.raises(PermissionDenied):
            audit_log.search(db, actor, AuditFilters())
        with pytest.raises(PermissionDenied):
            audit_log.export_csv(db, actor, AuditFilters())


def test_the_demo_load_is_attributed_to_the_admin_who_loaded_it(db, admin):
    """Issue #14.18: the home page's demo button was logged as "system"."""
    from voc.insight.overview import generate_and_tag_demo

    generate_and_tag_demo(db, admin, 100, tag=False)
    [demo] = rows(db, admin, entity="demo")
    assert (demo["who"], demo["action"], demo["object"]) == ("admin", "Nạp dữ liệu mẫu (demo)", "Dữ liệu mẫu")
    assert "Số hồ sơ: 100" in demo["detail"]


def test_free_text_finds_an_event_by_each_thing_it_shows(db, admin, desk):
    """Notes, changed values, the object's id, ticket codes, letter numbers, user, branch, glossary and theme
    names, with or without diacritics; JSON keys, internal ids and ISO times are not searched."""
    from voc.text import taxonomy

    first, second = desk
    taxonomy.ensure_defaults(db)
    with db.cursor() as cur:
        doc_number = cur.execute("SELECT doc_number FROM letters").fetchone()[0]
        term, theme = cur.execute("SELECT g.term, t.name_vi FROM glossary_terms g JOIN themes t "
                                  "ON t.code = g.theme_code LIMIT 1").fetchone()
    cases.start_verification(db, admin, second, note="Khách gọi lại hỏi tiến độ")
    assert [r["action"] for r in rows(db, admin, text="khach goi lai")] == ["Bắt đầu xác minh"]
    assert {r["ticket_code"] for r in rows(db, admin, text="verifying")} == {first, second}      # a changed value
    assert {r["object"] for r in rows(db, admin, text=doc_number.lower())} == {f"Thư {doc_number}", "Hồ sơ"}
    assert {r["ticket_code"] for r in rows(db, admin, text=first[-6:])} == {first}
    by_name = rows(db, admin, text="nguyen thi lan")          # her events, and her account's creation
    assert {(r["who"], r["action"]) for r in by_name if r["who"] == "admin"} == {("admin", "Tạo tài khoản")}
    assert {r["who"] for r in by_name} == {"Nguyễn Thị Lan (lan)", "admin"}
    assert {r["object"] for r in rows(db, admin, text="Cần thơ")} == {"Chi nhánh Cần Thơ"}
    with db.transaction() as cur:       # events naming a glossary entry and a theme
        cur.execute("INSERT INTO events (occurred_at, actor, entity, entity_id, action) VALUES "
                    "(now()::TIMESTAMP, 'admin', 'glossary', (SELECT CAST(min(id) AS VARCHAR) FROM glossary_terms "
                    "WHERE term = ?), 'term_updated'), (now()::TIMESTAMP, 'admin', 'theme', "
                    "(SELECT code FROM themes WHERE name_vi = ?), 'theme_updated')", [term, theme])
    assert f"Từ điển khách hàng: “{term}”" in {r["object"] for r in rows(db, admin, text=fold(term))}
    assert any(r["object"].startswith(f"Chủ đề {theme}") for r in rows(db, admin, text=fold(theme)))
    for hidden in ("reply_due_at", "case_id", "2026-11-23t"):
        assert rows(db, admin, text=hidden) == [], hidden


def test_free_text_follows_renamed_names_and_new_events(db, admin, desk):
    branches.rename_branch(db, admin, "Cần Thơ", "Tây Đô")
    renamed = {r["action"] for r in rows(db, admin, text="tay do")}          # the branch's events under its new name
    assert renamed == {"Thêm chi nhánh", "Chuyển chi nhánh (đổi tên / gộp chi nhánh)"}
    assert rows(db, admin, text="Email da doi") == []
    _, second = desk
    cases.start_verification(db, admin, second, note="Email đã đổi mật khẩu")
    assert [r["action"] for r in rows(db, admin, text="Email da doi")] == ["Bắt đầu xác minh"]


def test_an_event_committed_out_of_id_order_is_still_searchable(db, admin, desk):
    """A transaction may commit after a later id was already indexed: each refresh looks back."""
    cases.start_verification(db, admin, desk[1], note="Ghi chú muộn")
    rows(db, admin, text="bat ky")                              # indexes everything so far
    with db.transaction() as cur:                               # as if that event had not committed yet
        cur.execute("DELETE FROM event_search WHERE event_id = (SELECT max(id) FROM events WHERE note = ?)",
                    ["Ghi chú muộn"])
    assert [r["note"] for r in rows(db, admin, text="ghi chu muon")] == ["Ghi chú muộn"]


def test_the_migration_indexes_the_events_already_written(tmp_path, monkeypatch, admin, staff):
    from voc.store.db import Database, available_migrations

    every = available_migrations()
    monkeypatch.setattr("voc.store.db.available_migrations", lambda: [m for m in every if m[0] not in (18, 20)])
    old = Database(tmp_path / "old.duckdb")
    case = cases.receive(old, staff, make_draft())
    cases.start_verification(old, staff, case.ticket_code, note="Gọi từ số lạ")
    old.close()
    monkeypatch.undo()
    db = Database(tmp_path / "old.duckdb")
    with db.cursor() as cur:
        indexed = cur.execute("SELECT text FROM event_search").fetchall()
    assert len(indexed) == 2 and any("goi tu so la" in t and "verifying" in t for (t,) in indexed)
    assert [r["note"] for r in rows(db, admin, text="so la")] == ["Gọi từ số lạ"]
    db.close()
