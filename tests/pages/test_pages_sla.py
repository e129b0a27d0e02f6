"""SLA page (AppTest): the board lists, the grouping by branch and staff, the charts, branch scope."""
from __future__ import annotations

from datetime import timedelta

from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT, make_draft, signed_in
from voc.desk import cases
from voc.accounts.access import Actor, Role
from voc.clock import local_date, utcnow

PAGE = str(ROOT / "pages" / "sla_board.py")
ADMIN = Actor("admin", Role.ADMIN, None, "Quản trị viên")
HANOI = Actor("lan", Role.STAFF, "Hà Nội", "Nguyễn Thị Lan")


def log(branch: str, staff: str, hours_ago: float) -> str:
    from ui.session import get_db
    received = utcnow() - timedelta(hours=hours_ago)
    draft = make_draft(branch=branch, staff=staff, event_date=local_date(received))
    return cases.receive(get_db(), ADMIN, draft, received_at=received).ticket_code


def open_page(actor: Actor) -> AppTest:
    app = signed_in(AppTest.from_file(PAGE, default_timeout=30), actor)
    app.run()
    assert not app.exception, app.exception
    return app


def open_list(app: AppTest, index: int) -> AppTest:
    """Open one of the board's list tabs as a click does (only the open list is drawn)."""
    app.session_state["sla_list"] = app.tabs[index].label
    app.run()
    assert not app.exception, app.exception
    return app


def board(app: AppTest, index: int) -> list[str]:
    frames = [d for d in open_list(app, index).dataframe if "Mã hồ sơ" in d.value.columns]
    assert len(frames) <= 1
    return list(frames[0].value["Mã hồ sơ"]) if frames else []


def workload(app: AppTest):
    return next(d.value for d in app.dataframe if "Đang mở" in d.value.columns)


def test_board_lists_and_groups(app_env):
    due = log("Hà Nội", "lan", 30)       # reply due in 18 h
    late = log("Hà Nội", "lan", 50)      # reply 2 h overdue
    far = log("Đà Nẵng", "tuan", 21 * 24)  # resolution overdue (and reply)
    fresh = log("Hà Nội", "minh", 1)     # every clock more than 24 h away
    app = open_page(ADMIN)
    assert [m.value for m in app.metric] == ["1", "2", "1", "1"]
    assert [t.label for t in app.tabs] == ["Đến hạn trong 24 giờ (1)", "Quá hạn trả lời (2)", "Quá hạn giải quyết (1)",
                                           "Trong hạn (1)"]
    assert board(app, 0) == [due]
    assert board(app, 1) == [far, late]
    assert board(app, 2) == [far]
    assert board(app, 3) == [fresh]
    remaining = list([d for d in open_list(app, 0).dataframe if "Mã hồ sơ" in d.value.columns][0]
                     .value["Còn lại / quá hạn"])
    assert remaining[0].startswith("còn 17 giờ") or remaining[0].startswith("còn 18 giờ")
    groups = workload(app)
    rows = {(r["Chi nhánh"], r["Nhân viên"]): (r["Đang mở"], r["Quá hạn trả lời"]) for _, r in groups.iterrows()}
    assert rows == {("Hà Nội", "lan"): ("2", "1"), ("Đà Nẵng", "tuan"): ("1", "1"), ("Hà Nội", "minh"): ("1", "0")}
    assert len(app.get("plotly_chart")) == 2


def test_staff_see_their_branch_only(app_env):
    log("Hà Nội", "lan", 50)
    log("Đà Nẵng", "tuan", 50)
    app = open_page(HANOI)
    assert "chi nhánh Hà Nội" in app.caption[0].value
    groups = workload(app)
    assert set(groups["Chi nhánh"]) == {"Hà Nội"}


def test_empty_desk(app_env):
    app = open_page(ADMIN)
    assert [m.value for m in app.metric] == ["0", "0", "0", "0"]
    assert not app.exception


def aging_total(app: AppTest) -> int:
    """The open cases counted on the age chart (Plotly sends numbers as base64 typed arrays)."""
    import base64
    import json

    import numpy as np

    spec = json.loads(next(c for c in app.get("plotly_chart") if "Số ngày" in c.proto.spec).proto.spec)
    ys = [t["y"] for t in spec["data"]]
    return int(sum(np.frombuffer(base64.b64decode(y["bdata"]), dtype=y["dtype"]).sum() if isinstance(y, dict)
                   else sum(y) for y in ys))


def test_a_write_from_another_connection_shows_at_once(app_env):
    """The board and its charts are cached reads keyed on the data version, not on a timer."""
    from voc.store.db import Database

    log("Hà Nội", "lan", 50)
    app = open_page(ADMIN)
    assert [m.value for m in app.metric] == ["0", "1", "0", "0"] and aging_total(app) == 1
    other = Database(app_env)          # another connection to the same file, no cache cleared
    try:
        received = utcnow() - timedelta(hours=1)
        cases.receive(other, ADMIN, make_draft(branch="Đà Nẵng", staff="hoa", event_date=local_date(received)),
                      received_at=received)
    finally:
        other.close()
    app.run()
    assert not app.exception, app.exception
    assert [m.value for m in app.metric] == ["0", "1", "0", "1"]
    assert aging_total(app) == 2
    assert ("Đà Nẵng", "hoa") in {(r["Chi nhánh"], r["Nhân viên"]) for _, r in workload(app).iterrows()}


def test_the_open_list_stays_open_when_its_count_changes(app_env):
    log("Hà Nội", "lan", 50)
    app = open_page(ADMIN)
    app.session_state["sla_list_open"] = "reply_overdue"       # what a click on the tab records
    app.run()
    assert board_shown(app) == "Quá hạn trả lời (1)"
    log("Hà Nội", "minh", 60)
    app.run()
    assert board_shown(app) == "Quá hạn trả lời (2)"


def board_shown(app: AppTest) -> str:
    """The label of the list tab whose table is drawn."""
    [tab] = [t for t in app.tabs if any("Mã hồ sơ" in d.value.columns for d in t.dataframe)]
    return tab.label


def test_the_board_sorts_by_risk_escalation_first_then_negativity(app_env):
    from ui.session import get_db

    def log_text(hours_ago: float, content: str, request: str) -> str:
        received = utcnow() - timedelta(hours=hours_ago)
        draft = make_draft(event_date=local_date(received), content=content, request=request)
        return cases.receive(get_db(), ADMIN, draft, received_at=received).ticket_code

    calm = log_text(52, "Cho mình hỏi cách trỏ tên miền về hosting.", "Hướng dẫn giúp mình.")
    angry = log_text(51, "Web sập ba ngày, quá tệ, gọi không ai nghe máy, thất vọng vô cùng.", "Khắc phục ngay.")
    threat = log_text(50, "Web không vào được từ sáng.", "Không xử lý hôm nay tôi sẽ kiện ra tòa.")
    app = open_page(ADMIN)
    assert board(app, 1) == [calm, angry, threat]                   # by the clock: the oldest first
    app.radio(key="sla_sort").set_value(app.radio(key="sla_sort").options[1]).run()
    assert not app.exception, app.exception
    assert board(app, 1) == [threat, angry, calm]
    shown = next(d.value for d in app.dataframe if "Mã hồ sơ" in d.value.columns)
    assert list(shown["Vượt cấp"]) == ["Có", "", ""]
    negativity = [int(v.rstrip("%")) for v in shown["Tiêu cực"]]
    assert negativity[1] > 50 > negativity[2]
