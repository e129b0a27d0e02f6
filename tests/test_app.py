"""The app starts on an empty database: login gate, first admin, home page with the demo offer."""
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT, signed_in
from voc.db import Database

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
