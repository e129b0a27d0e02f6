"""The managed branch list: seeding from existing data, add / rename / merge / deactivate (audited),
cases and imports limited to its branches, and staff actors that never act without a branch."""
from dataclasses import fields

import pytest

from tests.conftest import MONDAY_0910, make_draft
from voc.insight import timeline
from voc.accounts import branches, users
from voc.desk import cases
from voc.demo import people
from voc.accounts.access import SYSTEM, Actor, Role
from voc.store.audit import events_for
from voc.desk.csvio import COLUMNS, import_csv
from voc.store.db import Database, available_migrations
from voc.errors import NotFound, PermissionDenied, ValidationError

PASSWORD = "mat-khau-dai-2026"


def names(db, active_only=False):
    return branches.branch_names(db, active_only=active_only)


def test_a_fresh_database_lists_the_demo_branches(db):
    assert set(names(db)) == {city.branch for city in people.CITIES}


def test_existing_branches_are_migrated_into_the_list_not_lost(tmp_path, monkeypatch):
    path = tmp_path / "old.duckdb"
    every = available_migrations()
    monkeypatch.setattr("voc.store.db.available_migrations", lambda: [m for m in every if m[0] < 8])
    old = Database(path)
    with old.transaction() as cur:
        cur.execute("INSERT INTO users (username, display_name, role, branch, password_hash, created_at, "
                    "password_changed_at) VALUES ('ct1', 'Cần Thơ 1', 'staff', 'Cần Thơ', 'x', now(), now())")
        cur.execute("INSERT INTO cases (ticket_code, received_at, channel, issue_kind, service, customer_name, "
                    "content, status, round_opened_at, reply_due_at, resolution_due_at, branch) VALUES "
                    "('KN-2025-000001', now(), 'hotline', 'quality', 'hosting', 'An', 'x', 'received', now(), now(), "
                    "now(), 'Ha Noi')")
    old.close()
    monkeypatch.undo()
    db = Database(path)
    try:
        assert set(names(db)) == {"Cần Thơ", "Ha Noi", "Hà Nội", "TP. Hồ Chí Minh", "Đà Nẵng"}
        with db.cursor() as cur:
            assert cur.execute("SELECT username, branch, email FROM users").fetchall() == [("ct1", "Cần Thơ", None)]
    finally:
        db.close()


def test_adding_a_branch_is_audited_and_a_spelling_variant_is_refused(db, admin, staff):
    added = branches.add_branch(db, admin, "  Cần   Thơ ", now=MONDAY_0910)
    assert added.name == "Cần Thơ" and added.active
    assert [(e.action, e.after) for e in events_for_branch(db, added.id)] == [
        ("branch_created", {"name": "Cần Thơ", "active": True})]
    for variant in ("Ha Noi", "HÀ NỘI", "tp ho chi minh", "Can Tho"):
        with pytest.raises(ValidationError, match="Đã có chi nhánh"):
            branches.add_branch(db, admin, variant)
    with pytest.raises(ValidationError):
        branches.add_branch(db, admin, " .. ")
    with pytest.raises(PermissionDenied):
        branches.add_branch(db, staff, "Hải Phòng")
    assert "Ha Noi" not in names(db)


def events_for_branch(db, branch_id):
    with db.cursor() as cur:
        return events_for(cur, "branch", branch_id)


def test_renaming_moves_accounts_and_cases_each_with_its_event(db, admin):
    lan = users.create_user(db, admin, "lan", "Nguyễn Thị Lan", Role.STAFF, "Đà Nẵng", PASSWORD)
    case = cases.receive(db, lan.actor(), make_draft(branch="Đà Nẵng"), received_at=MONDAY_0910)
    renamed = branches.rename_branch(db, admin, "Đà Nẵng", "Chi nhánh Đà Nẵng", now=MONDAY_0910)
    assert (renamed.name, renamed.accounts, renamed.cases) == ("Chi nhánh Đà Nẵng", 1, 1)
    with db.cursor() as cur:
        assert users.get_user(cur, "lan").branch == "Chi nhánh Đà Nẵng"
        moved = events_for(cur, "case", case.id)[-1]
        account_event = events_for(cur, "user", "lan")[-1]
        branch_event = events_for(cur, "branch", renamed.id)[-1]
        version = cur.execute("SELECT version FROM cases WHERE id = ?", [case.id]).fetchone()[0]
    assert cases.load_case(db, admin, case.ticket_code).branch == "Chi nhánh Đà Nẵng"
    assert version == case.version + 1            # a stale case view conflicts instead of undoing the move
    assert (moved.action, moved.before, moved.after) == ("branch_renamed", {"branch": "Đà Nẵng"},
                                                         {"branch": "Chi nhánh Đà Nẵng"})
    assert timeline.event_label(moved.action).startswith("Chuyển chi nhánh")      # as the case timeline shows it
    assert (account_event.before, account_event.after) == ({"branch": "Đà Nẵng"}, {"branch": "Chi nhánh Đà Nẵng"})
    assert (branch_event.before, branch_event.after) == ({"name": "Đà Nẵng"}, {"name": "Chi nhánh Đà Nẵng"})


def test_a_typed_variant_is_merged_into_the_real_branch(tmp_path, monkeypatch, admin):
    path = tmp_path / "old.duckdb"
    every = available_migrations()
    monkeypatch.setattr("voc.store.db.available_migrations", lambda: [m for m in every if m[0] < 8])
    old = Database(path)
    with old.transaction() as cur:
        cur.execute("INSERT INTO cases (ticket_code, received_at, channel, issue_kind, service, customer_name, "
                    "content, status, round_opened_at, reply_due_at, resolution_due_at, branch) VALUES "
                    "('KN-2025-000001', now(), 'hotline', 'quality', 'hosting', 'An', 'x', 'received', now(), now(), "
                    "now(), 'Ha Noi')")
    old.close()
    monkeypatch.undo()
    db = Database(path)
    try:
        with pytest.raises(ValidationError, match="Chọn gộp"):
            branches.rename_branch(db, admin, "Ha Noi", "Hà Nội")
        merged = branches.rename_branch(db, admin, "Ha Noi", "Hà Nội", merge=True)
        assert (merged.name, merged.cases) == ("Hà Nội", 1)
        assert "Ha Noi" not in names(db)
        with db.cursor() as cur:
            assert branches.resolve(cur, "Ha Noi") == "Hà Nội"     # the typed spelling now means the real one
            actions = [r[0] for r in cur.execute("SELECT action FROM events WHERE entity IN ('branch', 'case') "
                                                 "AND action LIKE 'branch_%' ORDER BY id").fetchall()]
        assert actions[-2:] == ["branch_renamed", "branch_merged"]
    finally:
        db.close()


def test_a_branch_with_active_staff_cannot_be_deactivated(db, admin):
    users.create_user(db, admin, "tuan", "Trần Văn Tuấn", Role.STAFF, "Đà Nẵng", PASSWORD)
    with pytest.raises(ValidationError, match="tuan"):
        branches.set_branch_active(db, admin, "Đà Nẵng", False)
    users.update_user(db, admin, "tuan", active=False)
    stopped = branches.set_branch_active(db, admin, "Đà Nẵng", False, now=MONDAY_0910)
    assert not stopped.active and "Đà Nẵng" not in names(db, active_only=True)
    assert [(e.action, e.before, e.after) for e in events_for_branch(db, stopped.id)][-1] == (
        "branch_deactivated", {"name": "Đà Nẵng", "active": True}, {"name": "Đà Nẵng", "active": False})
    with pytest.raises(ValidationError, match="đã ngừng hoạt động"):
        branches.set_branch_active(db, admin, "Đà Nẵng", False)
    with pytest.raises(NotFound):
        branches.set_branch_active(db, admin, "Hải Phòng", False)
    assert branches.set_branch_active(db, admin, "Đà Nẵng", True).active


def test_cases_get_a_managed_active_branch_only(db, admin, staff):
    assert cases.receive(db, admin, make_draft(branch="ha noi"), received_at=MONDAY_0910).branch == "Hà Nội"
    with pytest.raises(ValidationError, match="không có trong danh sách"):
        cases.receive(db, admin, make_draft(branch="Hải Phòng"), received_at=MONDAY_0910)
    users.create_user(db, admin, "tuan", "Trần Văn Tuấn", Role.STAFF, "Đà Nẵng", PASSWORD)
    users.update_user(db, admin, "tuan", active=False)
    branches.set_branch_active(db, admin, "Đà Nẵng", False)
    with pytest.raises(ValidationError, match="ngừng hoạt động"):
        cases.receive(db, admin, make_draft(branch="Đà Nẵng"), received_at=MONDAY_0910)
    assert names(db) == sorted(city.branch for city in people.CITIES)     # nothing typed became a branch


def test_import_maps_a_row_to_a_managed_branch_or_rejects_it(db, tmp_path):
    row = ("{code},2025-03-01T09:10:00,hotline,quality,hosting,An,,,2025-02-27,Web sập,Khôi phục,closed,1,,,,lan,"
           "{branch}")
    lines = [",".join(COLUMNS), row.format(code="KN-2025-000001", branch="HA NOI"),
             row.format(code="KN-2025-000002", branch="Hải Phòng"), row.format(code="KN-2025-000003", branch="")]
    source = tmp_path / "old.csv"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    report = import_csv(db, SYSTEM, source, now=MONDAY_0910)
    assert (report.imported, report.rejected) == (2, 1)
    assert "Cột branch" in report.rejects_path.read_text(encoding="utf-8")
    with db.cursor() as cur:
        assert cur.execute("SELECT ticket_code, branch FROM cases ORDER BY ticket_code").fetchall() == [
            ("KN-2025-000001", "Hà Nội"), ("KN-2025-000003", None)]
    assert "Hải Phòng" not in names(db)


def test_a_staff_actor_without_a_branch_cannot_exist():
    for branch in (None, ""):
        with pytest.raises(PermissionDenied, match="chưa được gán chi nhánh"):
            Actor("x", Role.STAFF, branch)
    assert Actor("q", Role.QA).may_touch_branch(None)


def test_a_forged_branchless_staff_actor_touches_no_branch():
    """Behind the constructor: even an Actor built around it never means "every branch"."""
    forged = object.__new__(Actor)
    for f, value in zip(fields(Actor), ("x", Role.STAFF, None, None)):
        object.__setattr__(forged, f.name, value)
    assert not forged.may_touch_branch(None)
    assert not forged.may_touch_branch("Hà Nội")
