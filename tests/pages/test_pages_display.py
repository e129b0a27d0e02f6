"""What the tables show a reader (AppTest): no ISO timestamps, no raw codes, Vietnamese numbers,
display names for usernames; a scoped branch filter names the branch (issue #14 item 20)."""
from __future__ import annotations

import re
from datetime import date

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT, signed_in
from tests.insight.test_analytics import THEMES, fill
from voc.accounts import users
from voc.accounts.access import Actor, Role
from voc.desk import root_causes
from voc.model import RootCauseCategory, Status

ADMIN = Actor("admin", Role.ADMIN, None, "Quản trị viên")
HANOI = Actor("lan", Role.STAFF, "Hà Nội", "Nguyễn Thị Lan")
PASSWORD = "mat-khau-dai-2026"
ISO_DAY = re.compile(r"\d{4}-\d\d-\d\d")
ENGLISH_DECIMAL = re.compile(r"^-?\d+\.\d+%?$")          # "0.97", "4.17" (a Vietnamese "3.003" has 3 digits)
CODES = set(THEMES) | {s.value for s in Status} | {c.value for c in RootCauseCategory}
NOVEMBER = {"from": "2026-11-01", "to": "2026-11-30"}


def get_db():
    from ui.session import get_db as shared
    return shared()


@pytest.fixture
def filled(app_env):
    db = get_db()
    fill(db)
    users.create_user(db, ADMIN, "lan", "Nguyễn Thị Lan", Role.STAFF, "Hà Nội", PASSWORD)
    users.create_user(db, ADMIN, "tuan", "Trần Văn Tuấn", Role.STAFF, "Đà Nẵng", PASSWORD)
    root_causes.record_root_cause(db, HANOI, "KN-2026-000001", RootCauseCategory.INFRASTRUCTURE, "Ổ đĩa hỏng",
                                  action="Thay ổ đĩa", owner="Phòng kỹ thuật", due_date=date(2026, 11, 21))
    return app_env


def open_page(name: str, actor: Actor, **params) -> AppTest:
    app = signed_in(AppTest.from_file(str(ROOT / "pages" / name), default_timeout=30), actor)
    for key, value in params.items():
        app.query_params[key] = value
    app.run()
    assert not app.exception, app.exception
    return app


def cells(app: AppTest, *columns: str) -> list[str]:
    """Every cell of every table on the page (or of the tables with one of `columns`), as text."""
    return [str(v) for d in app.dataframe if not columns or set(columns) & set(d.value.columns)
            for column in d.value.columns for v in d.value[column].tolist()]


def assert_readable(app: AppTest, *columns: str) -> list[str]:
    shown = cells(app, *columns)
    assert shown
    assert not [c for c in shown if ISO_DAY.search(c)]
    assert not [c for c in shown if c in CODES]
    assert not [c for c in shown if ENGLISH_DECIMAL.match(c)]
    return shown


def table_with(app: AppTest, column: str) -> pd.DataFrame:
    return next(d.value for d in app.dataframe if column in d.value.columns)


def test_monitor_tables_read_as_vietnamese(filled):
    app = open_page("monitor.py", ADMIN, **NOVEMBER)
    app.session_state["monitor_tab"] = "Vấn đề lặp lại & theo dõi"
    app.run()
    shown = assert_readable(app)
    fixes = table_with(app, "Biện pháp")
    assert fixes.iloc[0].tolist() == ["KN-2026-000001", "Thay ổ đĩa", "Phòng kỹ thuật", "21/11/2026", "Quá hạn",
                                      "Hạ tầng / máy chủ / mạng"]
    assert "Mã chủ đề" not in table_with(app, "Đã theo dõi").columns
    assert any(c.startswith("Gián đoạn dịch vụ") for c in shown)
    app.session_state["monitor_tab"] = "Nhân sự"
    app.run()
    staff = table_with(app, "Nhân viên")
    assert_readable(app)
    assert set(staff["Nhân viên"]) == {"Nguyễn Thị Lan", "Trần Văn Tuấn"}
    assert all(re.fullmatch(r"\d+(,\d)?%", v) for v in staff["% trả lời đúng hạn"] if v)


def test_monitor_charts_write_numbers_the_vietnamese_way(filled):
    app = open_page("monitor.py", ADMIN, **NOVEMBER)
    charts = [c.proto for c in app.get("plotly_chart")]
    assert charts and all('"separators":",."' in c.spec.replace(" ", "") for c in charts)


def test_case_list_shows_labels_local_days_and_staff_names(filled):
    app = open_page("cases.py", ADMIN)
    listed = table_with(app, "Mã hồ sơ")
    assert_readable(app)
    assert "Nguyễn Thị Lan" in set(listed["Nhân viên"])
    assert all(re.fullmatch(r"\d\d:\d\d \d\d/\d\d/\d{4}", v) for v in listed["Tiếp nhận"])


def test_a_scoped_branch_filter_names_the_branch(filled):
    app = open_page("cases.py", HANOI)
    branch = next(m for m in app.multiselect if m.label == "Chi nhánh")
    assert branch.value == ["Hà Nội"] and branch.disabled
    assert set(table_with(app, "Mã hồ sơ")["Chi nhánh"]) == {"Hà Nội"}


def test_sla_board_tables_read_as_vietnamese(filled):
    app = open_page("sla_board.py", ADMIN)
    for index in range(len(app.tabs)):
        app.session_state["sla_list"] = app.tabs[index].label
        app.run()
        assert not app.exception, app.exception
        if any("Mã hồ sơ" in d.value.columns for d in app.dataframe):
            break
    assert_readable(app)
    assert set(table_with(app, "Đang mở")["Nhân viên"]) <= {"Nguyễn Thị Lan", "Trần Văn Tuấn"}


def test_admin_tables_read_as_vietnamese(filled):
    app = open_page("admin.py", ADMIN)
    shown = assert_readable(app, "Tên đăng nhập")
    accounts = table_with(app, "Tên đăng nhập")
    assert set(accounts["Hoạt động"]) == {"Có"}
    assert "Có" in shown
    app.session_state["admin_tab"] = "Chi nhánh"
    app.run()
    assert_readable(app, "Tài khoản")
    branches = table_with(app, "Tài khoản")
    assert branches.set_index("Chi nhánh").loc["Hà Nội", "Hồ sơ"] == "5"


def test_the_case_file_names_its_staff_member(filled):
    app = open_page("cases.py", ADMIN, ticket="KN-2026-000001")
    assert any("nhân viên Nguyễn Thị Lan" in c.value for c in app.caption)


def test_the_reply_queue_names_writers_and_writes_local_times(filled):
    qa = Actor("qa1", Role.QA, None, "Giám sát 1")
    app = open_page("respond.py", qa, **NOVEMBER)
    queue = table_with(app, "Mã thư")
    assert_readable(app)
    assert set(queue["Người viết"]) == {"Nguyễn Thị Lan", "Trần Văn Tuấn"}
    assert all(re.fullmatch(r"\d\d:\d\d \d\d/\d\d/\d{4}", v) for v in queue["Phát hành"])
