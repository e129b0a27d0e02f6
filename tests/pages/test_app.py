"""The app starts on an empty database: login gate, first admin, home page with the demo offer."""
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT, signed_in
from ui.session import get_db
from voc.accounts import sessions, users
from voc.store.db import Database

APP = str(ROOT / "app.py")


def test_first_start_creates_schema_admin_and_shows_login(app_env, monkeypatch):
    monkeypatch.setenv("VOC_ADMIN_PASSWORD", "Mat-khau-rat-dai-1")
    app = AppTest.from_file(APP, default_timeout=60).run()
    assert not app.exception
    assert app.title[0].value == "VOC Desk — Đăng nhập"
    app.text_input[0].input("admin")
    app.text_input[1].input("sai-mat-khau-roi")
    app.button[0].click().run()
    assert "không đúng" in app.error[0].value
    app.text_input[1].input("Mat-khau-rat-dai-1")
    app.button[0].click().run()
    assert not app.exception
    assert app.title[0].value == "VOC Desk"
    assert any("trống" in i.value for i in app.info)
    db = Database(app_env)
    assert db.schema_version() >= 3
    db.close()


def test_generated_admin_password_is_shown_once(app_env, monkeypatch):
    monkeypatch.delenv("VOC_ADMIN_PASSWORD", raising=False)
    app = AppTest.from_file(APP, default_timeout=60).run()
    assert any("admin" in w.value and "chỉ hiện một lần" in w.value for w in app.warning)
    app.run()  # the same browser session keeps seeing it until it signs in
    assert any("chỉ hiện một lần" in w.value for w in app.warning)
    other = AppTest.from_file(APP, default_timeout=60).run()  # any later visitor does not
    assert not any("chỉ hiện một lần" in w.value for w in other.warning)


def test_home_offers_demo_data_to_admin_on_empty_database(app_env, admin):
    app = signed_in(AppTest.from_file(APP, default_timeout=60), admin).run()
    assert not app.exception
    assert app.button(key="FormSubmitter:demo-Nạp dữ liệu mẫu") is not None


def test_idle_session_expires(app_env, admin):
    from datetime import datetime, timedelta, timezone

    app = AppTest.from_file(APP, default_timeout=60)
    signed_in(app, admin)
    app.session_state["voc_last_seen"] = datetime.now(timezone.utc) - timedelta(hours=9)
    app.run()
    assert app.title[0].value == "VOC Desk — Đăng nhập"
    assert any("hết hạn" in i.value for i in app.info)


def login(monkeypatch) -> AppTest:
    monkeypatch.setenv("VOC_ADMIN_PASSWORD", "Mat-khau-rat-dai-1")
    app = AppTest.from_file(APP, default_timeout=60).run()
    app.text_input[0].input("admin")
    app.text_input[1].input("Mat-khau-rat-dai-1")
    app.button[0].click().run()
    assert app.title[0].value == "VOC Desk"
    return app


def test_login_hands_the_browser_a_session_cookie(app_env, monkeypatch):
    app = login(monkeypatch)
    token = app.session_state["voc_session_token"]
    scripts = [h.proto.body for h in app.get("html")]
    assert any("document.cookie" in s and f"voc_session={token}; Path=/; SameSite=Strict" in s for s in scripts)
    db = get_db()
    assert sessions.resume_session(db, token).username == "admin"


def test_signing_out_in_another_tab_ends_this_one(app_env, monkeypatch):
    app = login(monkeypatch)
    sessions.end_session(get_db(), app.session_state["voc_session_token"])
    app.run()
    assert app.title[0].value == "VOC Desk — Đăng nhập"
    assert any("hết hạn" in i.value for i in app.info)



def test_changing_my_password_on_the_home_page(app_env, monkeypatch):
    app = login(monkeypatch)
    form = {t.label: t for t in app.text_input}
    form["Mật khẩu hiện tại"].input("Mat-khau-rat-dai-1")
    form["Mật khẩu mới (ít nhất 10 ký tự)"].input("Mat-khau-moi-hon-2")
    form["Nhập lại mật khẩu mới"].input("Mat-khau-moi-hon-3")
    app.button(key="FormSubmitter:own_password-Đổi mật khẩu").click().run()
    assert [e.value for e in app.error] == ["Hai lần nhập mật khẩu mới không khớp\\."]
    form = {t.label: t for t in app.text_input}
    form["Mật khẩu hiện tại"].input("Mat-khau-rat-dai-1")
    form["Mật khẩu mới (ít nhất 10 ký tự)"].input("Mat-khau-moi-hon-2")
    form["Nhập lại mật khẩu mới"].input("Mat-khau-moi-hon-2")
    app.button(key="FormSubmitter:own_password-Đổi mật khẩu").click().run()
    assert any("Đã đổi mật khẩu" in s.value for s in app.success)
    assert app.title[0].value == "VOC Desk"                       # this session goes on
    assert users.authenticate(get_db(), "admin", "Mat-khau-moi-hon-2").username == "admin"


def test_setting_my_email_on_the_home_page(app_env, monkeypatch):
    app = login(monkeypatch)
    field = next(t for t in app.text_input if t.label == "Địa chỉ e-mail")
    assert field.value == ""
    field.input("admin@bkns")
    app.button(key="FormSubmitter:own_email-Lưu e-mail").click().run()
    assert any("không hợp lệ" in e.value for e in app.error)
    next(t for t in app.text_input if t.label == "Địa chỉ e-mail").input("Admin@BKNS.vn")
    app.button(key="FormSubmitter:own_email-Lưu e-mail").click().run()
    assert any("Đã lưu địa chỉ e-mail" in s.value for s in app.success)
    with get_db().cursor() as cur:
        assert users.get_user(cur, "admin").email == "Admin@bkns.vn"


def test_my_notification_settings_on_the_home_page(app_env, monkeypatch):
    from voc.accounts.access import Actor, Role
    from voc.mail import notifications

    login(monkeypatch)
    admin = Actor("admin", Role.ADMIN, None, "Quản trị")
    staff = users.create_user(get_db(), admin, "hoa", "Trần Thị Hoa", Role.STAFF, "Hà Nội", "Mat-khau-rat-dai-2",
                              email="hoa@bkns.vn").actor()
    app = signed_in(AppTest.from_file(APP, default_timeout=60), staff).run()
    assert not app.exception
    boxes = {c.label: c for c in app.checkbox}
    assert boxes["Mỗi hồ sơ mới của chi nhánh Hà Nội"].value is False
    assert not any("Cảnh báo vấn đề nổi lên" in label for label in boxes)       # QA and managers only
    hours = next(n for n in app.number_input if n.label == "Báo trước (giờ)")
    assert hours.value == 4
    hours.set_value(6)
    boxes["Mỗi hồ sơ mới của chi nhánh Hà Nội"].check()
    app.button(key="FormSubmitter:notification_settings-Lưu cài đặt thông báo").click().run()
    assert any("Đã lưu cài đặt thông báo" in s.value for s in app.success)
    assert notifications.own_settings(get_db(), staff) == notifications.NotificationSettings(True, 6, True, True)
