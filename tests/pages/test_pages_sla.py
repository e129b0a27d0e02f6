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


def board(app: AppTest, index: int) -> list[str]:
    frames = [d for d in app.dataframe if "Mã hồ sơ" in d.value.columns]
    return list(frames[index].value["Mã hồ sơ"]) if index < len(frames) else []


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
    remaining = list([d for d in app.dataframe if "Mã hồ sơ" in d.value.columns][0].value["Còn lại / quá hạn"])
    assert remaining[0].startswith("còn 17 giờ") or remaining[0].startswith("còn 18 giờ")
    groups = workload(app)
    rows = {(r["Chi nhánh"], r["Nhân viên"]): (r["Đang mở"], r["Quá hạn trả lời"]) for _, r in groups.iterrows()}
    assert rows == {("Hà Nội", "lan"): (2, 1), ("Đà Nẵng", "tuan"): (1, 1), ("Hà Nội", "minh"): (1, 0)}
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
