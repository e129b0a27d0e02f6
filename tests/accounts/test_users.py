"""Accounts: Argon2id hashes, the first admin, lock-out after repeated failures, role checks."""
from datetime import timedelta

import pytest

from tests.conftest import MONDAY_0910
from voc.accounts import users
from voc.accounts.access import Role
from voc.errors import PermissionDenied, ValidationError
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
