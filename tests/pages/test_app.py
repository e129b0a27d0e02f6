"""The app starts on an empty database: login gate, first admin, home page with the demo offer."""
from datetime import datetime, timezone

from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT, signed_in
from ui.session import get_db
from voc.accounts import sessions, users
from voc.accounts.access import Actor
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


def test_a_page_run_reads_the_session_once_and_a_page_opened_alone_still_checks_it(app_env, monkeypatch):
    """app.py checks the session token against the database; the page it runs takes that check instead
    of reading the session a second time in the same run (issue #13: per-run server cost)."""
    token = login(monkeypatch).session_state["voc_session_token"]
    checks: list = []
    real = sessions.resume_session
    monkeypatch.setattr(sessions, "resume_session", lambda *a, **k: checks.append(a) or real(*a, **k))

    def tab(script: str) -> AppTest:
        app = AppTest.from_file(script, default_timeout=60)
        app.session_state["voc_user"] = real(get_db(), token)
        app.session_state["voc_last_seen"] = datetime.now(timezone.utc)
        app.session_state["voc_session_token"] = token
        return app

    app = tab(APP).run()                               # app.py and the home page it runs
    assert not app.exception and app.title[0].value == "VOC Desk"
    assert len(checks) == 1 and "voc_actor_checked_this_run" not in app.session_state
    alone = tab(str(ROOT / "pages" / "cases.py"))      # a page file run without app.py checks it itself
    sessions.end_session(get_db(), token)              # signed out in another tab meanwhile
    checks.clear()
    alone.run()
    assert len(checks) == 1 and not any(t.value == "Hồ sơ khiếu nại" for t in alone.title)


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



def _log_in_form(app: AppTest, username: str, password: str) -> AppTest:
    _through_app(app)
    app.text_input[0].input(username)
    app.text_input[1].input(password)
    app.button[0].click().run()
    assert not app.exception, app.exception
    return app


def _through_app(app: AppTest) -> AppTest:
    """The next run goes through app.py's navigation and sidebar (AppTest runs the last page's file on its
    own when it remembers that page)."""
    app._finished_page_script_hash = ""
    return app


def _with_lan(app: AppTest) -> AppTest:
    from voc.accounts.access import SYSTEM, Role
    users.create_user(get_db(), SYSTEM, "lan", "Nguyễn Thị Lan", Role.STAFF, "Hà Nội", "Mat-khau-cua-lan-1")
    # what the signed-in user was looking at: an open case and the case list's filters
    app.query_params.update(ticket="KN-2026-000001", status="received")
    app.session_state["f_status"] = ["received"]
    app.session_state["f_signature"] = "the previous user's list"
    return _through_app(app)


def test_signing_out_clears_the_page_and_filters_for_the_next_user(app_env, monkeypatch):
    app = _with_lan(login(monkeypatch))
    app.button(key="sign_out").click().run()
    assert app.title[0].value == "VOC Desk — Đăng nhập"
    assert dict(app.query_params) == {}
    assert "f_status" not in app.session_state and "f_signature" not in app.session_state
    _log_in_form(app, "lan", "Mat-khau-cua-lan-1")
    assert app.title[0].value == "VOC Desk" and dict(app.query_params) == {}


def test_someone_else_signing_in_after_a_timeout_starts_afresh(app_env, monkeypatch):
    from datetime import datetime, timedelta, timezone

    app = _with_lan(login(monkeypatch))
    app.session_state["voc_last_seen"] = datetime.now(timezone.utc) - timedelta(hours=9)
    app.run()
    assert app.title[0].value == "VOC Desk — Đăng nhập"
    assert "f_signature" in app.session_state            # kept for the same user's return
    _log_in_form(app, "lan", "Mat-khau-cua-lan-1")
    assert app.title[0].value == "VOC Desk"
    assert "f_signature" not in app.session_state and "f_status" not in app.session_state


def test_home_kpis_open_the_matching_filtered_case_list_and_staff_see_their_work(app_env):
    from urllib.parse import parse_qsl

    from tests.conftest import ROOT as root
    from tests.insight.test_overview import desk
    from voc.accounts.access import Role

    staff, other = Actor("lan", Role.STAFF, "Hà Nội", "Nguyễn Thị Lan"), Actor("tuan", Role.STAFF, "Đà Nẵng")
    desk(get_db(), staff, other)
    app = signed_in(AppTest.from_file(APP, default_timeout=60), staff).run()
    assert not app.exception, app.exception
    figures = {m.label: m.value for m in app.metric}
    links = [dict(parse_qsl(p.proto.query_string)) for p in app.get("page_link") if p.proto.label == "Xem danh sách"]
    assert links == [{"open": "1"}, {"sla": "due_24h"}, {"sla": "reply_overdue"}, {"sla": "resolution_overdue"}, {}]
    for label, params in zip(figures, links):
        listing = signed_in(AppTest.from_file(str(root / "pages" / "cases.py"), default_timeout=60), staff)
        for name, value in params.items():
            listing.query_params[name] = value
        listing.run()
        assert not listing.exception, listing.exception
        assert any(c.value.startswith(f"{figures[label]} hồ sơ") for c in listing.caption), label
    assert any(s.value == "Việc của tôi (4 hồ sơ đang mở)" for s in app.subheader)
    mine = app.dataframe(key="my_work").value
    assert list(mine["SLA"]) == ["Quá hạn giải quyết", "Quá hạn trả lời", "Đến hạn trong 24 giờ", "Trong hạn"]


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
