"""VOC pages (AppTest): Lắng nghe, Trả lời, Giám sát on an empty and on a filled database."""
from __future__ import annotations

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT, signed_in
from tests.insight.test_analytics import BAD_BODY, ensure_theme_tables, fill
from voc.accounts.access import Actor, Role

LISTEN = str(ROOT / "pages" / "listen.py")
RESPOND = str(ROOT / "pages" / "respond.py")
MONITOR = str(ROOT / "pages" / "monitor.py")
STAFF = Actor("lan", Role.STAFF, "Hà Nội", "Nguyễn Thị Lan")
NOVEMBER = {"from": "2026-11-01", "to": "2026-11-30"}


def get_db():
    from ui.session import get_db as shared
    return shared()


@pytest.fixture
def empty(app_env):
    with get_db().transaction() as cur:
        ensure_theme_tables(cur)  # until the text engine's migration provides them
    return app_env


@pytest.fixture
def filled(app_env):
    fill(get_db())
    return app_env


def open_page(path: str, actor: Actor, **params) -> AppTest:
    app = signed_in(AppTest.from_file(path, default_timeout=30), actor)
    for name, value in params.items():
        app.query_params[name] = value
    app.run()
    assert not app.exception, app.exception
    return app


def table_with(app: AppTest, column: str) -> pd.DataFrame:
    return next(d.value for d in app.dataframe if column in d.value.columns)


def metric(app: AppTest, label: str) -> str:
    return next(m.value for m in app.metric if m.label == label)


@pytest.mark.parametrize("path", [LISTEN, RESPOND, MONITOR])
def test_pages_run_on_an_empty_database(empty, qa, path):
    app = open_page(path, qa)
    assert app.title[0].value in ("Lắng nghe", "Trả lời", "Giám sát")


MONITOR_TABS = ["Xu hướng chủ đề", "Vấn đề lặp lại & theo dõi", "Quy trình & SLA", "Nhân sự"]


def open_tab(app: AppTest, label: str) -> AppTest:
    """Switch the Giám sát tabs as a click does (only the open tab's content runs)."""
    app.session_state["monitor_tab"] = label
    app.run()
    assert not app.exception, app.exception
    return app


def test_monitor_filled(filled, manager):
    app = open_page(MONITOR, manager, **NOVEMBER)
    assert metric(app, "Hồ sơ") == "7"
    assert metric(app, "Đang mở") == "3"
    assert metric(app, "Trả lời ≤ 48 giờ") == "57,1%"
    assert any("Poisson" in c.value and "p < 0,01" in c.value for c in app.caption)
    assert app.query_params["from"] == "2026-11-01"
    assert [t.label for t in app.tabs] == MONITOR_TABS
    titles = {s.value for s in app.subheader}
    assert "Số hồ sơ theo chủ đề" in titles and "Thời gian ở mỗi trạng thái (giờ)" not in titles  # closed tab not run
    charts, downloads = set(), set()
    for label in MONITOR_TABS:
        open_tab(app, label)
        titles |= {s.value for s in app.subheader}
        charts |= {c.proto.id for c in app.get("plotly_chart")}
        downloads |= {b.proto.id for b in app.get("download_button")}
    assert {"Thời gian ở mỗi trạng thái (giờ)", "Theo nhân viên", "Kết quả theo dõi sau giải quyết"} <= titles
    assert len(charts) >= 8
    assert len(downloads) >= 8


def test_monitor_tab_keeps_its_choices_while_closed(filled, manager):
    app = open_page(MONITOR, manager, **NOVEMBER)
    app.radio(key="monitor_grain").set_value("month").run()
    open_tab(app, "Nhân sự")
    open_tab(app, "Xu hướng chủ đề")
    assert app.radio(key="monitor_grain").value == "month"


def test_monitor_filters_come_from_the_link(filled, qa):
    app = open_page(MONITOR, qa, service="email", **NOVEMBER)
    assert metric(app, "Hồ sơ") == "3"
    assert app.multiselect(key="voc_filters_services").value == ["email"]
    # unknown values in a crafted link are dropped, not trusted
    app = open_page(MONITOR, qa, service="'; DROP TABLE cases; --", theme="nope", **NOVEMBER)
    assert metric(app, "Hồ sơ") == "7"


def test_monitor_sidebar_change_updates_the_link(filled, qa):
    app = open_page(MONITOR, qa, **NOVEMBER)
    app.multiselect(key="voc_filters_branches").set_value(["Đà Nẵng"]).run()
    assert not app.exception
    assert metric(app, "Hồ sơ") == "3"
    assert app.query_params["branch"] in ("Đà Nẵng", ["Đà Nẵng"])


def test_monitor_refused_to_staff(filled):
    app = open_page(MONITOR, STAFF)
    assert "không có quyền" in app.error[0].value


def test_listen_search_without_diacritics_and_story(filled, qa):
    app = open_page(LISTEN, qa, **NOVEMBER)
    app.text_input(key="listen_q").input("mat ket noi").run()
    assert not app.exception
    table = app.dataframe(key="listen_table").value
    assert table["Mã hồ sơ"].tolist() == ["KN-2026-000005", "KN-2026-000001"]
    assert app.query_params["q"] == "mat ket noi"
    code_box = next(t for t in app.text_input if t.key.startswith("listen_code"))
    code_box.input("KN-2026-000001").run()
    assert not app.exception
    timeline = table_with(app, "Người thực hiện")
    assert timeline["Việc"].tolist()[0] == "Tiếp nhận hồ sơ"
    assert any(t.value == "Website bị sập từ sáng, mất kết nối hoàn toàn." for t in app.text)
    assert any("tương tự" in s.value for s in app.subheader)


def test_listen_search_from_link_and_unknown_ticket(filled, qa):
    app = open_page(LISTEN, qa, q="MAIL BI DOI", **NOVEMBER)
    assert app.dataframe(key="listen_table").value["Mã hồ sơ"].tolist() == ["KN-2026-000003"]
    next(t for t in app.text_input if t.key.startswith("listen_code")).input("KN-KHONG-CO").run()
    assert "Không tìm thấy" in app.error[0].value


def test_listen_masks_contacts_for_qa(filled, qa):
    app = open_page(LISTEN, qa, **NOVEMBER)
    next(t for t in app.text_input if t.key.startswith("listen_code")).input("KN-2026-000001").run()
    line = next(t.value for t in app.text if t.value.startswith("Khách hàng:"))
    assert "0901000001" not in line and "001" in line


def test_respond_checker_for_staff(filled):
    app = open_page(RESPOND, STAFF)
    app.text_area(key="respond_text").input(BAD_BODY)
    app.button[0].click().run()
    assert not app.exception
    findings = table_with(app, "Mức độ")
    assert "Nghiêm trọng" in findings["Mức độ"].tolist()
    assert any("khách quan" in m for m in findings["Vấn đề"])
    assert int(metric(app, "Điểm").split("/")[0]) < 50


def test_respond_queue_scores_every_letter_shown(filled, qa):
    app = open_page(RESPOND, qa, **NOVEMBER)
    queue = table_with(app, "Mã thư")
    assert queue["Mã thư"].tolist() == ["2", "3", "4", "1"]
    assert all(queue["Điểm"])
    with get_db().cursor() as cur:
        assert cur.execute("SELECT count(*) FROM reply_checks").fetchone()[0] == 4


def test_csv_cells_are_safe_against_formula_injection():
    from ui.charts import to_csv

    data = to_csv(pd.DataFrame({"content": ["=HYPERLINK(\"x\")", "bình thường"], "cases": [-1, 2]}),
                  {"content": "Nội dung", "cases": "Số hồ sơ"})
    text = data.decode("utf-8-sig")
    assert text.splitlines() == ["Nội dung,Số hồ sơ", "\"'=HYPERLINK(\"\"x\"\")\",-1", "bình thường,2"]


def test_monitor_shows_root_causes_and_open_fixes(filled, manager):
    from datetime import date

    from voc.desk import root_causes
    from voc.model import RootCauseCategory

    with get_db().cursor() as cur:
        code = cur.execute("SELECT ticket_code FROM cases WHERE id = 2").fetchone()[0]   # C2, Hà Nội, 03/11
    root_causes.record_root_cause(get_db(), STAFF, code, RootCauseCategory.INFRASTRUCTURE, "Ổ đĩa hỏng",
                                  action="Thay ổ đĩa", owner="Hạ tầng", due_date=date(2026, 11, 10))
    app = open_tab(open_page(MONITOR, manager, **NOVEMBER), "Vấn đề lặp lại & theo dõi")
    fixes = table_with(app, "Biện pháp")
    assert fixes["Mã hồ sơ"].tolist() == [code]
    assert fixes["Tình trạng"].tolist() == ["Quá hạn"]
