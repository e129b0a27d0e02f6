"""Accounts: Argon2id hashes, the first admin, lock-out after repeated failures, role checks."""
from datetime import timedelta

import pytest

from tests.conftest import MONDAY_0910
from voc.accounts import branches, users
from voc.accounts.access import Role
from voc.store.audit import events_for
from voc.errors import PermissionDenied, ValidationError, ValidationErrors
from voc.desk.policy import Policy, save_policy


def test_first_admin_from_environment_and_hash_only(db, monkeypatch):
    monkeypatch.setenv("VOC_ADMIN_PASSWORD", "Mot-mat-khau-dai")
    assert users.ensure_first_admin(db) is None
    assert users.ensure_first_admin(db) is None  # only once
    with db.cursor() as cur:
        stored = cur.execute("SELECT password_hash FROM users WHERE username = 'admin'").fetchall()[0][0]
        logged = cur.execute("SELECT CAST(after AS VARCHAR) FROM events WHERE entity = 'user'").fetchall()
    assert stored.startswith("$argon2id$") and "Mot-mat-khau-dai" not in stored
    assert all("Mot-mat-khau-dai" not in (row[0] or "") for row in logged)
    assert users.authenticate(db, "admin", "Mot-mat-khau-dai").role is Role.ADMIN


def test_generated_admin_password_works(db, monkeypatch):
    monkeypatch.delenv("VOC_ADMIN_PASSWORD", raising=False)
    password = users.ensure_first_admin(db)
    assert password and len(password) >= 12
    assert users.authenticate(db, "admin", password).username == "admin"


def test_repeated_failures_lock_the_account(db, admin):
    users.create_user(db, admin, "lan", "Nguyễn Thị Lan", Role.STAFF, "Hà Nội", "dung-mat-khau-1", now=MONDAY_0910)
    for attempt in range(users.MAX_FAILED_ATTEMPTS):
        with pytest.raises(users.LoginFailed) as error:
            users.authenticate(db, "lan", "sai", now=MONDAY_0910 + timedelta(seconds=attempt))
        assert "không đúng" in str(error.value)
    with pytest.raises(users.LoginFailed) as error:  # even the right password is refused while locked
        users.authenticate(db, "lan", "dung-mat-khau-1", now=MONDAY_0910 + timedelta(minutes=1))
    assert "tạm khóa" in str(error.value)
    later = MONDAY_0910 + timedelta(minutes=users.LOCK_MINUTES + 1)
    assert users.authenticate(db, "lan", "dung-mat-khau-1", now=later).branch == "Hà Nội"
    with db.cursor() as cur:
        failures = cur.execute("SELECT count(*) FROM events WHERE action = 'login_failed'").fetchall()[0][0]
    assert failures == users.MAX_FAILED_ATTEMPTS


def test_unknown_user_gets_the_same_message(db):
    with pytest.raises(users.LoginFailed) as error:
        users.authenticate(db, "khong-co", "bat-ky")
    assert str(error.value) == "Tên đăng nhập hoặc mật khẩu không đúng."


def test_only_admins_manage_users_and_policy(db, staff, manager, admin):
    with pytest.raises(PermissionDenied):
        users.create_user(db, staff, "x-user", "X", Role.STAFF, "Hà Nội", "mat-khau-du-dai")
    with pytest.raises(PermissionDenied):
        save_policy(db, manager, Policy(reply_hours=24))
    save_policy(db, admin, Policy(reply_hours=24))
    with db.cursor() as cur:
        event = cur.execute("SELECT actor, CAST(after AS VARCHAR) FROM events WHERE action = 'policy_changed'").fetchall()
    assert event[0][0] == "admin" and '"reply_hours": 24' in event[0][1]


@pytest.mark.parametrize("username, password, message", [
    ("ab", "mat-khau-du-dai", "3–32"),
    ("new.user", "ngan", "ít nhất"),
    ("Nhân Viên", "mat-khau-du-dai", "3–32"),
])
def test_account_validation(db, admin, username, password, message):
    with pytest.raises(ValidationError) as error:
        users.create_user(db, admin, username, "Tên", Role.QA, None, password)
    assert message in str(error.value)


def test_admin_cannot_demote_themselves(db, admin, monkeypatch):
    monkeypatch.setenv("VOC_ADMIN_PASSWORD", "Mot-mat-khau-dai")
    users.ensure_first_admin(db)
    with pytest.raises(ValidationError):
        users.update_user(db, admin, "admin", role=Role.STAFF)


PASSWORD = "mat-khau-dai-2026"


def account(db, username):
    with db.cursor() as cur:
        return users.get_user(cur, username)


def last_event(db, username):
    with db.cursor() as cur:
        return events_for(cur, "user", username)[-1]


def test_no_path_leaves_a_staff_account_without_a_branch(db, admin):
    """Issue #14.1: the old form sent role=staff with an empty branch when it only meant to deactivate."""
    users.create_user(db, admin, "qa2", "Giám sát 2", Role.QA, None, PASSWORD)
    for branch in ("", None):
        with pytest.raises(ValidationError, match="phải thuộc một chi nhánh"):
            users.update_user(db, admin, "qa2", role=Role.STAFF, branch=branch, active=False)
    with pytest.raises(ValidationError, match="phải thuộc một chi nhánh"):
        users.create_user(db, admin, "lan", "Nguyễn Thị Lan", Role.STAFF, "  ", PASSWORD)
    users.create_user(db, admin, "lan", "Nguyễn Thị Lan", Role.STAFF, "Hà Nội", PASSWORD)
    with pytest.raises(ValidationError, match="phải thuộc một chi nhánh"):
        users.update_user(db, admin, "lan", branch="")
    assert (account(db, "qa2").role, account(db, "lan").branch) == (Role.QA, "Hà Nội")


def test_deactivating_leaves_role_and_branch_alone(db, admin):
    users.create_user(db, admin, "qa2", "Giám sát 2", Role.QA, None, PASSWORD)
    users.create_user(db, admin, "lan", "Nguyễn Thị Lan", Role.STAFF, "Hà Nội", PASSWORD)
    for username in ("qa2", "lan"):
        before = account(db, username)
        after = users.update_user(db, admin, username, active=False, now=MONDAY_0910)
        assert (after.role, after.branch, after.active) == (before.role, before.branch, False)
        event = last_event(db, username)
        assert (event.action, event.before, event.after) == ("user_updated", {"active": True}, {"active": False})


def test_an_account_branch_comes_from_the_managed_list(db, admin):
    lan = users.create_user(db, admin, "lan", "Nguyễn Thị Lan", Role.STAFF, "ha noi", PASSWORD)
    assert lan.branch == "Hà Nội"                     # the typed spelling is the listed branch, not a new scope
    with pytest.raises(ValidationError, match="không có trong danh sách"):
        users.create_user(db, admin, "hp1", "Hải Phòng 1", Role.STAFF, "Hải Phòng", PASSWORD)
    with pytest.raises(ValidationError, match="không có trong danh sách"):
        users.update_user(db, admin, "lan", branch="Hải Phòng")
    with pytest.raises(ValidationError, match="không có trong danh sách"):
        users.create_user(db, admin, "ql2", "Quản lý 2", Role.MANAGER, "Hải Phòng", PASSWORD)
    with db.cursor() as cur:
        assert cur.execute("SELECT count(*) FROM branches WHERE name IN ('ha noi', 'Hải Phòng')").fetchone()[0] == 0


def test_reactivation_needs_an_active_branch(db, admin):
    users.create_user(db, admin, "tuan", "Trần Văn Tuấn", Role.STAFF, "Đà Nẵng", PASSWORD)
    users.update_user(db, admin, "tuan", active=False)
    branches.set_branch_active(db, admin, "Đà Nẵng", False)
    with pytest.raises(ValidationError, match="ngừng hoạt động"):
        users.update_user(db, admin, "tuan", active=True)
    with pytest.raises(ValidationError, match="ngừng hoạt động"):
        users.create_user(db, admin, "tuan2", "Tuấn 2", Role.STAFF, "Đà Nẵng", PASSWORD)
    back = users.update_user(db, admin, "tuan", active=True, branch="Hà Nội", now=MONDAY_0910)
    assert (back.active, back.branch) == (True, "Hà Nội")
    assert (last_event(db, "tuan").before, last_event(db, "tuan").after) == (
        {"branch": "Đà Nẵng", "active": False}, {"branch": "Hà Nội", "active": True})


def test_a_corrupt_row_cannot_reactivate_into_a_branchless_staff(db, admin):
    users.create_user(db, admin, "lan", "Nguyễn Thị Lan", Role.STAFF, "Hà Nội", PASSWORD)
    users.update_user(db, admin, "lan", active=False)
    with db.transaction() as cur:
        cur.execute("UPDATE users SET branch = NULL WHERE username = 'lan'")
    with pytest.raises(ValidationError, match="phải thuộc một chi nhánh"):
        users.update_user(db, admin, "lan", active=True)
    assert users.update_user(db, admin, "lan", active=True, branch="Hà Nội").active


def test_create_reports_every_problem_at_once(db, admin):
    users.create_user(db, admin, "lan", "Nguyễn Thị Lan", Role.STAFF, "Hà Nội", PASSWORD)
    with pytest.raises(ValidationErrors) as error:
        users.create_user(db, admin, "lan", " ", Role.STAFF, None, "ngan", email="lan@")
    assert [p.field for p in error.value.problems] == ["username", "display_name", "email", "password", "branch"]
    assert "đã tồn tại" in str(error.value.problems[0])
    with pytest.raises(ValidationErrors) as error:
        users.create_user(db, admin, "A B", "Tên", Role.QA, None, PASSWORD)
    assert [p.field for p in error.value.problems] == ["username"]


@pytest.mark.parametrize("typed, stored", [
    ("Lan.NT@BKNS.VN", "Lan.NT@bkns.vn"),
    ("  lan+desk@mail.bkns.vn ", "lan+desk@mail.bkns.vn"),
    ("lan@công-ty.vn", "lan@xn--cng-ty-ixa.vn"),
    ("", None),
])
def test_email_is_normalised(typed, stored):
    assert users.normalize_email(typed) == stored


@pytest.mark.parametrize("typed", ["lan", "lan@", "@bkns.vn", "lan@bkns", "lan@@bkns.vn", "lan..nt@bkns.vn",
                                   "Lan <lan@bkns.vn>", "lan@bkns.vn, an@bkns.vn", "lan@bkns.vn\nBcc: x@y.vn",
                                   "lan@-bkns.vn", "lan@1.2.3.4", "a" * 65 + "@bkns.vn"])
def test_email_that_is_not_one_plain_address_is_refused(typed):
    with pytest.raises(ValidationError, match="không hợp lệ"):
        users.normalize_email(typed)


def test_email_set_by_the_admin_and_by_the_user_is_audited(db, admin):
    lan = users.create_user(db, admin, "lan", "Nguyễn Thị Lan", Role.STAFF, "Hà Nội", PASSWORD,
                            email="lan@bkns.vn", now=MONDAY_0910)
    assert lan.email == "lan@bkns.vn" and last_event(db, "lan").after["email"] == "lan@bkns.vn"
    users.update_user(db, admin, "lan", email="lan.nt@bkns.vn", now=MONDAY_0910)
    assert (last_event(db, "lan").before, last_event(db, "lan").after) == (
        {"email": "lan@bkns.vn"}, {"email": "lan.nt@bkns.vn"})
    own = users.set_own_email(db, lan.actor(), "Lan@BKNS.vn", now=MONDAY_0910)
    assert own.email == account(db, "lan").email == "Lan@bkns.vn"
    event = last_event(db, "lan")
    assert (event.actor, event.action, event.before, event.after) == (
        "lan", "email_changed", {"email": "lan.nt@bkns.vn"}, {"email": "Lan@bkns.vn"})
    with pytest.raises(ValidationError):
        users.set_own_email(db, lan.actor(), "khong-phai-email")
    assert users.set_own_email(db, lan.actor(), "").email is None
    assert users.list_users(db, admin)[0].email is None


def test_an_admin_unlocks_an_account_locked_by_wrong_passwords(db, admin, staff):
    users.create_user(db, admin, "lan", "Nguyễn Thị Lan", Role.STAFF, "Hà Nội", PASSWORD, now=MONDAY_0910)
    with pytest.raises(ValidationError, match="không bị khóa"):
        users.unlock_user(db, admin, "lan", now=MONDAY_0910)
    for _ in range(users.MAX_FAILED_ATTEMPTS):
        with pytest.raises(users.LoginFailed):
            users.authenticate(db, "lan", "sai-mat-khau", now=MONDAY_0910)
    locked = account(db, "lan")
    assert locked.locked(MONDAY_0910)
    with pytest.raises(PermissionDenied):
        users.unlock_user(db, staff, "lan", now=MONDAY_0910)
    assert not users.unlock_user(db, admin, "lan", now=MONDAY_0910).locked(MONDAY_0910)
    event = last_event(db, "lan")
    assert (event.action, event.before["locked_until"], event.after) == (
        "user_unlocked", locked.locked_until.isoformat(),
        {"failed_attempts": 0, "locked_until": None})
    assert users.authenticate(db, "lan", PASSWORD, now=MONDAY_0910).username == "lan"


def test_a_branchless_staff_row_cannot_sign_in(db, admin):
    users.create_user(db, admin, "lan", "Nguyễn Thị Lan", Role.STAFF, "Hà Nội", PASSWORD)
    with db.transaction() as cur:
        cur.execute("UPDATE users SET branch = NULL WHERE username = 'lan'")
    with pytest.raises(users.LoginFailed, match="chưa được gán chi nhánh"):
        users.authenticate(db, "lan", PASSWORD)
    assert last_event(db, "lan").action == "login_refused"
    assert account(db, "lan").needs_branch
