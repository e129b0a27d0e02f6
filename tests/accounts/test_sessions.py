"""Login sessions kept across reloads and tabs: token handling, idle expiry, and what ends them."""
from datetime import timedelta

import pytest

from tests.conftest import MONDAY_0910
from voc.accounts import sessions, users
from voc.accounts.access import Role
from voc.store.audit import events_for
from voc.accounts.sessions import SESSION_HOURS

PASSWORD = "mat-khau-dai-2026"


@pytest.fixture
def lan(db, admin):
    return users.create_user(db, admin, "lan", "Nguyễn Thị Lan", Role.STAFF, "Hà Nội", PASSWORD, now=MONDAY_0910)


def test_token_resumes_the_account_and_only_its_hash_is_stored(db, lan):
    token = sessions.open_session(db, lan, MONDAY_0910)
    actor = sessions.resume_session(db, token, MONDAY_0910 + timedelta(minutes=1))
    assert (actor.username, actor.role, actor.branch, actor.display_name) == ("lan", Role.STAFF, "Hà Nội",
                                                                              "Nguyễn Thị Lan")
    with db.cursor() as cur:
        stored = cur.execute("SELECT token_hash FROM user_sessions").fetchall()
    assert len(stored) == 1 and token not in stored[0][0] and len(stored[0][0]) == 64
    assert sessions.open_session(db, lan, MONDAY_0910) != token


@pytest.mark.parametrize("token", [None, "", "khong-co-that", "x" * 10_000, "' OR 1=1 --"])
def test_unknown_or_hostile_tokens_resume_nothing(db, lan, token):
    sessions.open_session(db, lan, MONDAY_0910)
    assert sessions.resume_session(db, token, MONDAY_0910) is None


def test_idle_for_exactly_eight_hours_still_works_one_second_more_does_not(db, lan):
    token = sessions.open_session(db, lan, MONDAY_0910)
    limit = MONDAY_0910 + timedelta(hours=SESSION_HOURS)
    assert sessions.resume_session(db, token, limit) is not None          # touched: idle clock restarts
    assert sessions.resume_session(db, token, limit + timedelta(hours=SESSION_HOURS)) is not None
    later = limit + timedelta(hours=2 * SESSION_HOURS, seconds=1)
    assert sessions.resume_session(db, token, later) is None
    assert sessions.resume_session(db, token, later) is None              # ended, not only refused
    with db.cursor() as cur:
        assert cur.execute("SELECT end_reason FROM user_sessions").fetchone()[0] == "idle"


def test_activity_is_written_at_most_every_five_minutes(db, lan):
    token = sessions.open_session(db, lan, MONDAY_0910)

    def last_seen():
        with db.cursor() as cur:
            return cur.execute("SELECT last_seen_at FROM user_sessions").fetchone()[0]

    before = last_seen()
    sessions.resume_session(db, token, MONDAY_0910 + timedelta(minutes=4, seconds=59))
    assert last_seen() == before
    sessions.resume_session(db, token, MONDAY_0910 + sessions.TOUCH_EVERY)
    assert last_seen() > before


def test_signing_out_ends_the_token_everywhere_and_is_audited(db, lan):
    token = sessions.open_session(db, lan, MONDAY_0910)
    assert sessions.end_session(db, token, MONDAY_0910 + timedelta(minutes=3))
    assert sessions.resume_session(db, token, MONDAY_0910 + timedelta(minutes=4)) is None
    assert not sessions.end_session(db, token)            # a second sign-out changes nothing
    with db.cursor() as cur:
        assert [e.action for e in events_for(cur, "user", "lan")].count("logout") == 1


def test_password_change_ends_the_other_sessions(db, lan, admin):
    here = sessions.open_session(db, lan, MONDAY_0910)
    elsewhere = sessions.open_session(db, lan, MONDAY_0910)
    users.set_password(db, lan.actor(), "lan", "mat-khau-moi-2026", MONDAY_0910, keep_session=here)
    assert sessions.resume_session(db, here, MONDAY_0910) is not None
    assert sessions.resume_session(db, elsewhere, MONDAY_0910) is None
    users.set_password(db, admin, "lan", "mat-khau-khac-2026", MONDAY_0910)     # an admin's reset: all end
    assert sessions.resume_session(db, here, MONDAY_0910) is None


def test_deactivation_ends_sessions_and_a_role_change_applies_at_once(db, lan, admin):
    token = sessions.open_session(db, lan, MONDAY_0910)
    users.update_user(db, admin, "lan", role=Role.QA, branch="", now=MONDAY_0910)
    changed = sessions.resume_session(db, token, MONDAY_0910)
    assert (changed.role, changed.branch) == (Role.QA, None)
    users.update_user(db, admin, "lan", active=False, now=MONDAY_0910)
    assert sessions.resume_session(db, token, MONDAY_0910) is None
    users.update_user(db, admin, "lan", active=True, now=MONDAY_0910)
    assert sessions.resume_session(db, token, MONDAY_0910) is None       # reactivating needs a new login


def test_a_lock_out_does_not_throw_the_owner_out(db, lan):
    token = sessions.open_session(db, lan, MONDAY_0910)
    for _ in range(users.MAX_FAILED_ATTEMPTS):
        with pytest.raises(users.LoginFailed):
            users.authenticate(db, "lan", "doan-mo-sai", MONDAY_0910)
    assert sessions.resume_session(db, token, MONDAY_0910) is not None


def test_changing_ones_own_password(db, lan):
    here = sessions.open_session(db, lan, MONDAY_0910)
    elsewhere = sessions.open_session(db, lan, MONDAY_0910)
    me = lan.actor()
    with pytest.raises(users.ValidationError, match="không khớp"):
        users.change_own_password(db, me, PASSWORD, "mat-khau-moi-2026", "mat-khau-moi-2027", here, MONDAY_0910)
    with pytest.raises(users.ValidationError, match="hiện tại không đúng"):
        users.change_own_password(db, me, "doan-sai-roi", "mat-khau-moi-2026", "mat-khau-moi-2026", here, MONDAY_0910)
    with pytest.raises(users.ValidationError, match="ít nhất"):
        users.change_own_password(db, me, PASSWORD, "ngan", "ngan", here, MONDAY_0910)
    assert sessions.resume_session(db, elsewhere, MONDAY_0910) is not None     # nothing changed yet
    users.change_own_password(db, me, PASSWORD, "mat-khau-moi-2026", "mat-khau-moi-2026", here, MONDAY_0910)
    assert users.authenticate(db, "lan", "mat-khau-moi-2026", MONDAY_0910).username == "lan"
    assert sessions.resume_session(db, here, MONDAY_0910) is not None
    assert sessions.resume_session(db, elsewhere, MONDAY_0910) is None


def test_guessing_the_current_password_counts_towards_the_lock_out(db, lan):
    for _ in range(users.MAX_FAILED_ATTEMPTS):
        with pytest.raises(users.ValidationError):
            users.change_own_password(db, lan.actor(), "doan-mo", "mat-khau-moi-2026", "mat-khau-moi-2026",
                                      now=MONDAY_0910)
    with pytest.raises(users.LoginFailed, match="tạm khóa"):
        users.authenticate(db, "lan", PASSWORD, MONDAY_0910)
    with pytest.raises(users.LoginFailed, match="tạm khóa"):        # the right password no longer helps
        users.change_own_password(db, lan.actor(), PASSWORD, "mat-khau-moi-2026", "mat-khau-moi-2026",
                                  now=MONDAY_0910)
