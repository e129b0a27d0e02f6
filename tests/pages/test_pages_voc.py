"""VOC pages (AppTest): Lắng nghe, Trả lời, Giám sát on an empty and on a filled database."""
from __future__ import annotations

import json

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


MONITOR_TABS = ["Xu hướng chủ đề", "Vấn đề lặp lại & theo dõi", "Quy trình & SLA", "Nhân sự", "Cảm xúc & rủi ro"]


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


def test_monitor_risk_tab_shows_negativity_and_escalation_by_theme_and_over_time(filled, manager):
    from tests.insight.test_risk_report import THREAT, score_cases

    score_cases(get_db(), {2: THREAT})
    app = open_page(MONITOR, manager, tab="rui-ro", **NOVEMBER)
    assert app.session_state["monitor_tab"] == "Cảm xúc & rủi ro"
    titles = [s.value for s in app.subheader]
    assert {"Cảm xúc và rủi ro theo chủ đề", "Cảm xúc và rủi ro theo thời gian", "Dấu hiệu khiếu nại vượt cấp theo loại",
            "Hồ sơ mới nhất có dấu hiệu vượt cấp"} <= set(titles)
    assert "Số hồ sơ theo chủ đề" not in titles                     # the other tabs do not run
    by_theme = table_with(app, "% có dấu hiệu vượt cấp")
    assert by_theme.loc[by_theme["Chủ đề"].str.startswith("Gián đoạn dịch vụ"), "Có dấu hiệu vượt cấp"].tolist() == ["1"]
    flagged = table_with(app, "Căn cứ (lời khách hàng)")
    assert flagged["Mã hồ sơ"].tolist() == ["KN-2026-000002"] and "kiện" in flagged["Căn cứ (lời khách hàng)"][0]
    assert len(app.get("plotly_chart")) >= 3
    app.radio(key="monitor_grain").set_value("month").run()
    assert not app.exception and app.query_params["grain"] == "month" and app.query_params["tab"] == "rui-ro"


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
    assert [e.value for e in app.error] == ["Bạn không có quyền mở trang này."]
    assert not app.get("plotly_chart") and not app.metric


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


def test_listen_story_masks_contacts_in_notes_for_qa(filled, qa, manager):
    from voc.desk import cases

    cases.record_followup(get_db(), STAFF, "KN-2026-000001", 5, "Khách nhắn 0912.345.678 / an.nguyen@icloud.com")
    shown = {}
    for who in (qa, manager):
        app = open_page(LISTEN, who, **NOVEMBER)
        next(t for t in app.text_input if t.key.startswith("listen_code")).input("KN-2026-000001").run()
        assert not app.exception
        shown[who.role] = "\n".join([t.value for t in app.text] + [table_with(app, "Người thực hiện").to_string()])
    assert "0912.345.678" not in shown[qa.role] and "an.nguyen@icloud.com" not in shown[qa.role]
    assert "Khách nhắn •••••••678 / a•••@icloud.com" in shown[qa.role]
    assert "Khách nhắn 0912.345.678 / an.nguyen@icloud.com" in shown[manager.role]


def test_an_emerging_issue_alert_links_to_its_verbatims_in_listen(app_env, qa):
    from urllib.parse import parse_qs

    from tests.insight.test_alerts import plant_spike
    from voc.clock import utcnow

    plant_spike(get_db(), utcnow())
    app = open_page(MONITOR, qa)
    [alert] = [w.value for w in app.warning if w.value.startswith("Gửi nhận email")]
    current = int(alert.split(": ")[1].split(" ")[0])
    # the page link (shown as a caption with its address when the page runs without app.py's navigation)
    [link] = [c.value for c in app.caption if c.value.startswith("Đọc lời khách hàng: Gửi nhận email")]
    assert f"{current} hồ sơ" in link
    params = parse_qs(link.split("pages/listen.py?")[1])
    assert params["theme"] == ["email"]
    # the filters this session was showing stay in its widgets from page to page, but the link's own win
    listen = signed_in(AppTest.from_file(LISTEN, default_timeout=30), qa).run()
    assert listen.multiselect(key="voc_filters_themes").value == []
    for name, values in params.items():
        listen.query_params[name] = values
    listen.run()
    assert not listen.exception, listen.exception
    assert listen.multiselect(key="voc_filters_themes").value == ["email"]
    assert listen.number_input(key="listen_page").label == f"Trang (tổng {current} hồ sơ)"


def test_filters_offer_no_english_select_all(filled, qa):
    app = open_page(MONITOR, qa, **NOVEMBER)
    boxes = [m for m in app.multiselect if m.key.startswith("voc_filters_")]
    assert len(boxes) == 4
    assert all(m.proto.select_all == 0 and m.placeholder == "Tất cả" for m in boxes)


def subheaders(app: AppTest) -> list[str]:
    return [s.value for s in app.subheader]


def test_monitor_link_keeps_the_open_tab_and_the_grouping(filled, manager):
    app = open_page(MONITOR, manager, tab="quy-trinh", sla="branch", **NOVEMBER)
    assert app.radio(key="monitor_sla_by").value == "branch"
    assert "Tuân thủ SLA theo chi nhánh" in subheaders(app) and "Số hồ sơ theo chủ đề" not in subheaders(app)
    app.radio(key="monitor_sla_by").set_value("branch_week").run()
    assert "Tuân thủ SLA theo chi nhánh và tuần" in subheaders(app)
    assert (app.query_params["tab"], app.query_params["sla"]) == ("quy-trinh", "branch_week")
    assert app.query_params["from"] == "2026-11-01"                   # the filters stay in the link
    open_tab(app, "Nhân sự")
    assert (app.query_params["tab"], app.query_params["sla"]) == ("nhan-su", "branch_week")
    open_tab(app, "Xu hướng chủ đề")                                  # defaults stay out of the link
    app.radio(key="monitor_grain").set_value("month").run()
    assert "tab" not in app.query_params and app.query_params["grain"] == "month"
    app = open_page(MONITOR, manager, tab="khong-co", sla="'; DROP TABLE cases; --", **NOVEMBER)
    assert "Số hồ sơ theo chủ đề" in subheaders(app)                  # unknown values: the default view


def test_monitor_sla_by_branch_and_week_together(filled, manager):
    app = open_page(MONITOR, manager, tab="quy-trinh", sla="branch_week", **NOVEMBER)
    figure = next(c for c in app.get("plotly_chart") if c.key == "fig_sla_branch_week")
    spec = json.loads(figure.proto.spec)
    lines = {(t["name"], t["xaxis"]) for t in spec["data"]}
    assert lines == {("Hà Nội", "x"), ("Đà Nẵng", "x"), ("Hà Nội", "x2"), ("Đà Nẵng", "x2")}  # a line per branch and stage
    titles = {a["text"] for a in spec["layout"]["annotations"]}
    assert titles == {"Trả lời trong 48 giờ", "Giải quyết trong 20 ngày"}


def test_monitor_chart_without_values_says_so(filled, manager):
    """On 03/11 only C2 arrived, whose reply has no check score: the staff chart has no point to draw
    (Plotly would show bare −1…1 axes)."""
    app = open_tab(open_page(MONITOR, manager, **{"from": "2026-11-03", "to": "2026-11-03"}), "Nhân sự")
    assert "fig_staff_performance" not in {c.key for c in app.get("plotly_chart")}
    assert [i.value for i in app.info] == ["Chưa có số liệu nào để vẽ biểu đồ cho bộ lọc đang chọn."]
    assert table_with(app, "Nhân viên")["Nhân viên"].tolist() == ["lan"]   # the figures are still in the table
    app = open_tab(open_page(MONITOR, manager, **NOVEMBER), "Nhân sự")    # with scores, the chart is drawn
    assert "fig_staff_performance" in {c.key for c in app.get("plotly_chart")} and not app.info


def test_monitor_period_is_two_dates_each_applied_at_once(filled, qa):
    from datetime import date

    app = open_page(MONITOR, qa, **NOVEMBER)
    app.date_input(key="voc_filters_start").set_value(date(2026, 11, 16)).run()
    assert (app.query_params["from"], app.query_params["to"]) == ("2026-11-16", "2026-11-30")
    assert metric(app, "Hồ sơ") == "3"
    app.date_input(key="voc_filters_end").set_value(date(2026, 11, 1)).run()   # the wrong way round
    assert metric(app, "Hồ sơ") == metric(open_page(MONITOR, qa, **{"from": "2026-11-01", "to": "2026-11-16"}), "Hồ sơ")
    assert any("sau “đến ngày”" in c.value for c in app.sidebar.caption)
