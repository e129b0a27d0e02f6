"""Quản trị page (AppTest), import/export and audit log (issue #14 items 16-18): the import result stays on
screen after the rejects file is downloaded, rejected rows are listed with their reasons, a dry run writes
nothing, the sample file, and the audit log's filters."""
from __future__ import annotations

from datetime import timedelta

from streamlit.testing.v1 import AppTest

from tests.conftest import MONDAY_0910, ROOT, make_draft, signed_in
from tests.desk.test_csvio import BAD, GOOD, HEADER
from voc.accounts import users
from voc.accounts.access import Actor, Role
from voc.desk import cases

PAGE = str(ROOT / "pages" / "admin.py")
ADMIN = Actor("admin", Role.ADMIN, None, "Quản trị viên")
STAFF = Actor("lan", Role.STAFF, "Hà Nội", "Nguyễn Thị Lan")
UPLOAD = ("tickets-2025.csv", ("\n".join([HEADER, *GOOD, BAD[1][0], BAD[2][0]]) + "\n").encode("utf-8"), "text/csv")


def db():
    from ui.session import get_db
    return get_db()


def case_count() -> int:
    with db().cursor() as cur:
        return cur.execute("SELECT count(*) FROM cases").fetchone()[0]


def open_page(tab: str = "Nhập / xuất CSV") -> AppTest:
    app = signed_in(AppTest.from_file(PAGE, default_timeout=60), ADMIN)
    app.session_state["admin_tab"] = tab           # as a click on the tab
    app.run()
    assert not app.exception, app.exception
    return app


def press(app: AppTest, widget) -> AppTest:
    widget.click()
    app.run()
    assert not app.exception, app.exception
    return app


def button(app: AppTest, label: str):
    return next(b for b in app.button if b.label == label)


def download(app: AppTest, starts: str):
    found = [b for b in app.get("download_button") if b.label.startswith(starts)]
    assert found, [b.label for b in app.get("download_button")]
    return found[0]


def rejected_table(app: AppTest):
    return next(d.value for d in app.dataframe if "Lý do" in d.value.columns)


def uploaded(app_env) -> AppTest:
    app = open_page()
    app.file_uploader(key="import_csv").set_value(UPLOAD)
    app.run()
    return app


def test_the_import_result_stays_after_the_rejects_file_is_downloaded(app_env):
    app = uploaded(app_env)
    press(app, button(app, "Nhập dữ liệu"))
    summary = "Đã đọc 4 dòng: nhập 2, từ chối 2. Đã gắn chủ đề: 2/2 hồ sơ mới có ít nhất một chủ đề."
    assert [w.value for w in app.warning] == [summary]
    press(app, download(app, "Tải tệp các dòng bị từ chối"))      # the download used to wipe the result
    assert [w.value for w in app.warning] == [summary]
    assert "tickets-2025.rejects.csv" in download(app, "Tải tệp các dòng bị từ chối").label
    assert list(rejected_table(app)["Dòng"]) == [4, 5]
    assert case_count() == 2


def test_rejected_rows_are_listed_with_their_reasons(app_env):
    app = uploaded(app_env)
    press(app, button(app, "Nhập dữ liệu"))
    table = rejected_table(app)
    assert list(table.columns[:4]) == ["Dòng", "Lý do", "Mã hồ sơ", "Thời điểm tiếp nhận"]
    assert list(table["Mã hồ sơ"]) == ["BAD2", "BAD3"]
    assert "Kênh (channel)" in table["Lý do"][0] and "fax" in table["Lý do"][0]
    assert "Tên khách hàng (customer_name)" in table["Lý do"][1]


def test_a_dry_run_checks_every_row_and_imports_nothing(app_env):
    app = uploaded(app_env)
    press(app, button(app, "Kiểm tra, chưa nhập"))
    assert case_count() == 0
    assert any("sẽ nhập 2, sẽ từ chối 2" in w.value for w in app.warning)
    assert any("Chưa có gì được ghi" in i.value for i in app.info)
    assert list(rejected_table(app)["Mã hồ sơ"]) == ["BAD2", "BAD3"]
    press(app, button(app, "Nhập dữ liệu"))
    assert case_count() == 2
    assert any(w.value.startswith("Đã đọc 4 dòng: nhập 2") for w in app.warning)


def test_the_sample_file_and_the_column_guide_are_offered(app_env):
    app = open_page()
    assert download(app, "Tải tệp CSV mẫu")
    guide = next(d.value for d in app.dataframe if "Cột (mã)" in d.value.columns)
    assert guide["Tên tiếng Việt"][0] == "Mã hồ sơ" and len(guide) == 18
    assert button(app, "Kiểm tra, chưa nhập").disabled and button(app, "Nhập dữ liệu").disabled


def audit_table(app: AppTest):
    return next(d.value for d in app.dataframe if "Người thực hiện" in d.value.columns)


def test_the_audit_log_filters_by_user_ticket_code_and_text(app_env):
    users.create_user(db(), ADMIN, "lan", "Nguyễn Thị Lan", Role.STAFF, "Hà Nội", "mat-khau-dai-2026")
    first = cases.receive(db(), STAFF, make_draft(), received_at=MONDAY_0910)
    cases.start_verification(db(), STAFF, first.ticket_code, at=MONDAY_0910 + timedelta(hours=1))
    cases.receive(db(), STAFF, make_draft(content="Email bị trả về"), received_at=MONDAY_0910)
    app = open_page("Tài khoản")
    assert not any("Người thực hiện" in d.value.columns for d in app.dataframe)   # read only when opened
    app.session_state["admin_tab"] = "Nhật ký"                                      # as a click on the tab
    app.run()
    assert "Tiếp nhận hồ sơ" in set(audit_table(app)["Hành động"])
    app.text_input(key="audit_ticket").input(first.ticket_code)
    app.run()
    table = audit_table(app)
    assert list(table["Mã hồ sơ"]) == [first.ticket_code] * 2
    assert list(table["Hành động"]) == ["Bắt đầu xác minh", "Tiếp nhận hồ sơ"]
    assert table["Thay đổi"][0] == "Trạng thái: Đã tiếp nhận → Đang xác minh"
    assert table["Người thực hiện"][0] == "Nguyễn Thị Lan (lan)"
    app.text_input(key="audit_ticket").input("")
    app.selectbox(key="audit_actor").set_value("admin")
    app.run()
    assert set(audit_table(app)["Hành động"]) == {"Tạo tài khoản"}
    app.selectbox(key="audit_actor").set_value(None)
    app.text_input(key="audit_text").input("bat dau xac minh")
    app.run()
    assert list(audit_table(app)["Mã hồ sơ"]) == [first.ticket_code]
    assert download(app, "Tải CSV (1 sự kiện")
