"""Quản trị page (AppTest): only the open tab reads its data, editing an account starts from what it is,
creating one keeps the fields on an error and lists every error, the list follows at once, unlocking, the
branch list, and a CSV import from an upload that tags every imported case."""
from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT, errors_shown, signed_in
from voc.accounts import users
from voc.accounts.access import Actor, Role
from voc.desk import admin_ops, csvio
from voc.desk.csvio import COLUMNS
from voc.insight import audit_log
from voc.mail import inbound, outbox

PAGE = str(ROOT / "pages" / "admin.py")
ADMIN = Actor("admin", Role.ADMIN, None, "Quản trị viên")
PASSWORD = "mat-khau-dai-2026"


def db():
    from ui.session import get_db
    return get_db()


def account(username: str) -> users.User:
    with db().cursor() as cur:
        return users.get_user(cur, username)


def open_page(tab: str | None = None) -> AppTest:
    app = signed_in(AppTest.from_file(PAGE, default_timeout=30), ADMIN)
    return open_tab(app, tab) if tab else run(app)


def open_tab(app: AppTest, label: str) -> AppTest:
    app.session_state["admin_tab"] = label         # as a click on the tab
    return run(app)


def run(app: AppTest) -> AppTest:
    app.run()
    assert not app.exception, app.exception
    return app


def labelled(elements, label: str, index: int = 0):
    found = [e for e in elements if e.label == label]
    assert len(found) > index, f"no widget “{label}” #{index}: {[e.label for e in elements]}"
    return found[index]


def accounts_shown(app: AppTest) -> list[str]:
    frame = next(d.value for d in app.dataframe if "Tên đăng nhập" in d.value.columns)
    return list(frame["Tên đăng nhập"])


def pick(app: AppTest, username: str) -> AppTest:
    labelled(app.selectbox, "Tài khoản").set_value(username)
    app.run()
    assert not app.exception, app.exception
    return app


def submit(app: AppTest, label: str) -> AppTest:
    labelled(app.button, label).click()
    app.run()
    assert not app.exception, app.exception
    return app


# Each tab of the page -> what only it reads (module, function).
TAB_READERS = {"Tài khoản": (users, "list_users"), "Chi nhánh": (admin_ops, "branches_table"),
               "Chính sách thời hạn": (admin_ops, "current_policy"), "Nhập / xuất CSV": (csvio, "sample_csv"),
               "Hộp thư": (inbound, "mail_status"), "Thư điện tử": (outbox, "outbox_counts"),
               "Nhật ký": (audit_log, "search")}


def test_only_the_open_tab_reads_its_data(app_env, monkeypatch):
    called: list[str] = []
    for tab, (module, name) in TAB_READERS.items():
        real = getattr(module, name)
        monkeypatch.setattr(module, name, lambda *a, _tab=tab, _real=real, **k: called.append(_tab) or _real(*a, **k))
    app = open_page()
    assert set(called) == {"Tài khoản"}                 # the first tab is open at first
    for tab in TAB_READERS:
        called.clear()
        open_tab(app, tab)
        assert set(called) == {tab}, tab


@pytest.fixture
def qa2(app_env):
    return users.create_user(db(), ADMIN, "qa2", "Giám sát 2", Role.QA, None, PASSWORD, email="qa2@bkns.vn")


def test_deactivating_a_qa_account_keeps_its_role(qa2):
    """Issue #14.1: only unticking "Đang hoạt động" used to make the account branchless staff."""
    app = pick(open_page(), "qa2")
    labelled(app.checkbox, "Đang hoạt động").uncheck()
    submit(app, "Cập nhật")
    assert not errors_shown(app)
    after = account("qa2")
    assert (after.role, after.branch, after.active, after.email) == (Role.QA, None, False, "qa2@bkns.vn")


def test_the_edit_form_starts_from_the_accounts_role_and_branch(qa2):
    users.create_user(db(), ADMIN, "tuan", "Trần Văn Tuấn", Role.STAFF, "Đà Nẵng", PASSWORD, email="tuan@bkns.vn")
    app = open_page()
    assert set(labelled(app.selectbox, "Tài khoản").options) >= {"qa2 — Giám sát 2 (Giám sát chất lượng)",
                                                                 "tuan — Trần Văn Tuấn (Nhân viên CSKH)"}
    for username, role, branch, email in (("tuan", Role.STAFF, "Đà Nẵng", "tuan@bkns.vn"),
                                          ("qa2", Role.QA, None, "qa2@bkns.vn")):
        pick(app, username)
        assert labelled(app.selectbox, "Vai trò", 1).value is role
        assert labelled(app.selectbox, "Chi nhánh").value == branch
        assert labelled(app.text_input, "E-mail").value == email
        assert labelled(app.text_input, "Họ tên", 1).value == account(username).display_name
        assert labelled(app.checkbox, "Đang hoạt động").value is True


def test_branches_are_chosen_from_the_managed_list(app_env):
    app = open_page()
    assert labelled(app.selectbox, "Chi nhánh (bắt buộc với nhân viên CSKH)").options == [
        "— không thuộc chi nhánh —", "Hà Nội", "TP. Hồ Chí Minh", "Đà Nẵng"]


def test_a_create_error_keeps_every_field_and_lists_every_error(app_env):
    app = open_page()
    labelled(app.text_input, "Tên đăng nhập").input("Lan Nguyen")
    labelled(app.text_input, "Họ tên").input("Nguyễn Thị Lan")
    labelled(app.selectbox, "Vai trò").set_value(Role.STAFF)
    labelled(app.text_input, "E-mail (không bắt buộc)").input("lan@bkns")
    labelled(app.text_input, f"Mật khẩu ban đầu (ít nhất {users.MIN_PASSWORD_CHARS} ký tự)").input("ngan")
    submit(app, "Tạo tài khoản")
    shown = errors_shown(app)
    assert len(shown) == 1
    for message in ("Tên đăng nhập gồm", "e-mail", "ít nhất", "phải thuộc một chi nhánh"):
        assert message in shown[0], shown
    assert labelled(app.text_input, "Tên đăng nhập").value == "Lan Nguyen"
    assert labelled(app.text_input, "Họ tên").value == "Nguyễn Thị Lan"
    assert labelled(app.selectbox, "Vai trò").value is Role.STAFF
    assert labelled(app.text_input, "E-mail (không bắt buộc)").value == "lan@bkns"
    assert accounts_shown(app) == []


def test_the_account_list_shows_a_new_account_at_once(app_env):
    app = open_page()
    labelled(app.text_input, "Tên đăng nhập").input("lan")
    labelled(app.text_input, "Họ tên").input("Nguyễn Thị Lan")
    labelled(app.selectbox, "Vai trò").set_value(Role.STAFF)
    labelled(app.selectbox, "Chi nhánh (bắt buộc với nhân viên CSKH)").set_value("Hà Nội")
    labelled(app.text_input, "E-mail (không bắt buộc)").input("Lan@BKNS.vn")
    labelled(app.text_input, f"Mật khẩu ban đầu (ít nhất {users.MIN_PASSWORD_CHARS} ký tự)").input(PASSWORD)
    submit(app, "Tạo tài khoản")
    assert not errors_shown(app)
    assert [s.value for s in app.success] == ["Đã tạo tài khoản lan."]
    assert accounts_shown(app) == ["lan"]
    frame = next(d.value for d in app.dataframe if "Tên đăng nhập" in d.value.columns)
    assert (frame["Chi nhánh"][0], frame["E-mail"][0]) == ("Hà Nội", "Lan@bkns.vn")     # shown unmasked to admins
    assert labelled(app.text_input, "Tên đăng nhập").value == ""       # ready for the next account
    assert account("lan").branch == "Hà Nội"


def test_an_admin_unlocks_a_locked_account(app_env):
    users.create_user(db(), ADMIN, "lan", "Nguyễn Thị Lan", Role.STAFF, "Hà Nội", PASSWORD)
    for _ in range(users.MAX_FAILED_ATTEMPTS):
        with pytest.raises(users.LoginFailed):
            users.authenticate(db(), "lan", "sai-mat-khau")
    app = pick(open_page(), "lan")
    assert any("tạm khóa" in w.value for w in app.warning)
    submit(app, "Mở khóa tài khoản")
    assert [s.value for s in app.success] == ["Đã mở khóa tài khoản lan."]
    assert not account("lan").locked()
    assert not any("tạm khóa" in w.value for w in app.warning)
    assert users.authenticate(db(), "lan", PASSWORD).username == "lan"


def test_adding_a_branch_and_refusing_a_spelling_variant(app_env):
    app = open_page("Chi nhánh")
    labelled(app.text_input, "Tên chi nhánh").input("Ha Noi")
    submit(app, "Thêm chi nhánh")
    assert any("Đã có chi nhánh “Hà Nội”" in e for e in errors_shown(app))
    labelled(app.text_input, "Tên chi nhánh").input("Cần Thơ")
    submit(app, "Thêm chi nhánh")
    assert [s.value for s in app.success] == ["Đã thêm chi nhánh Cần Thơ."]
    open_tab(app, "Tài khoản")
    assert "Cần Thơ" in labelled(app.selectbox, "Chi nhánh (bắt buộc với nhân viên CSKH)").options


ROWS = [  # Vietnamese labels where the codes would go, as an export from another desk may have them
    "OLD-1,2025-04-01T09:10:00,Email / web ticket,Chất lượng dịch vụ,Hosting,Khách A,0912345678,,,"
    "Website bị sập cả ngày không vào được,Khôi phục,Đã đóng,1,,,,lan,Hà Nội",
    "OLD-2,2025-04-02T09:10:00,dien thoai,kinh doanh,ten mien,Khách B,0912345679,,,"
    "Bị trừ tiền hai lần khi gia hạn tên miền,Hoàn tiền,da giai quyet,1,,,,lan,Hà Nội",
]


def test_import_from_the_admin_page_tags_the_imported_cases(app_env):
    from ui.session import get_db

    app = open_tab(signed_in(AppTest.from_file(PAGE, default_timeout=60), ADMIN), "Nhập / xuất CSV")
    content = ("\n".join([",".join(COLUMNS), *ROWS]) + "\n").encode("utf-8")
    app.get("file_uploader")[0].set_value(("old.csv", content, "text/csv"))
    app.run()
    next(b for b in app.button if b.label == "Nhập dữ liệu").click()
    app.run()
    assert not app.exception, app.exception
    assert [s.value for s in app.success] == [
        "Đã đọc 2 dòng: nhập 2, từ chối 0. Đã gắn chủ đề: 2/2 hồ sơ mới có ít nhất một chủ đề."]
    with get_db().cursor() as cur:
        stored = dict(cur.execute(
            "SELECT c.ticket_code, list(t.theme_code ORDER BY t.theme_code) FROM cases c "
            "JOIN case_themes t ON t.case_id = c.id GROUP BY 1").fetchall())
        channels = cur.execute("SELECT channel, service FROM cases ORDER BY ticket_code").fetchall()
    assert "downtime" in stored["OLD-1"] and "billing" in stored["OLD-2"]
    assert channels == [("email", "hosting"), ("hotline", "domain")]
