"""Quản trị page (AppTest): a CSV import from an upload reports its themes and tags every imported case."""
from __future__ import annotations

from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT, signed_in
from voc.accounts.access import Actor, Role
from voc.desk.csvio import COLUMNS

PAGE = str(ROOT / "pages" / "admin.py")
ADMIN = Actor("admin", Role.ADMIN, None, "Quản trị viên")
ROWS = [  # Vietnamese labels where the codes would go, as an export from another desk may have them
    "OLD-1,2025-04-01T09:10:00,Email / web ticket,Chất lượng dịch vụ,Hosting,Khách A,0912345678,,,"
    "Website bị sập cả ngày không vào được,Khôi phục,Đã đóng,1,,,,lan,Hà Nội",
    "OLD-2,2025-04-02T09:10:00,dien thoai,kinh doanh,ten mien,Khách B,0912345679,,,"
    "Bị trừ tiền hai lần khi gia hạn tên miền,Hoàn tiền,da giai quyet,1,,,,lan,Hà Nội",
]


def test_import_from_the_admin_page_tags_the_imported_cases(app_env):
    from ui.session import get_db

    app = signed_in(AppTest.from_file(PAGE, default_timeout=60), ADMIN)
    app.run()
    assert not app.exception, app.exception
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
