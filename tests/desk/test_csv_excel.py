"""Every CSV the desk writes opens cleanly in Vietnamese Excel (issue #14 item 17): BOM, decimal comma,
Có/Không, Vietnamese labels and file names, formula-safe text."""
import csv
import io
from datetime import date, datetime, timezone

import numpy as np
import pandas as pd

from tests.conftest import MONDAY_0910, make_draft
from voc.accounts.access import SYSTEM
from voc.desk import cases, csv_excel
from voc.desk.csvio import export_csv, import_csv, sample_csv
from voc.model import Status

BOM = b"\xef\xbb\xbf"


def rows_of(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_cells_are_written_the_vietnamese_way():
    frame = pd.DataFrame({
        "Tỷ lệ": [4.5, 0.1 + 0.2, float("nan")], "Số hồ sơ": [1234, -1, 0], "Quá hạn": [True, False, np.bool_(True)],
        "Nội dung": ["=HYPERLINK(\"x\")", "@chú ý", "bình thường"],
        "Lúc": [datetime(2026, 11, 23, 2, 10, tzinfo=timezone.utc), pd.NaT, datetime(2026, 1, 1, 0, 0)],
        "Ngày": [date(2026, 11, 23), None, None]})
    data = csv_excel.frame_csv(frame, {"Tỷ lệ": "Tỷ lệ (%)"})
    assert data.startswith(BOM)
    assert rows_of(data) == [
        ["Tỷ lệ (%)", "Số hồ sơ", "Quá hạn", "Nội dung", "Lúc", "Ngày"],
        ["4,5", "1234", "Có", "'=HYPERLINK(\"x\")", "2026-11-23 09:10", "2026-11-23"],
        ["0,3", "-1", "Không", "'@chú ý", "", ""],
        ["", "0", "Có", "bình thường", "2026-01-01 00:00", ""]]
    assert rows_of(csv_excel.csv_bytes(["Trạng thái", "Ghi chú"], [[Status.CLOSED, None]]))[1] == ["Đã đóng", ""]


def test_file_names_are_vietnamese_without_diacritics():
    assert csv_excel.file_name("Tuần hiện tại so với mức nền") == "tuan-hien-tai-so-voi-muc-nen.csv"
    assert csv_excel.file_name("Nhật ký hệ thống", day=date(2026, 11, 23)) == "nhat-ky-he-thong-2026-11-23.csv"
    assert csv_excel.file_name("Đổi / gộp: chi nhánh!") == "doi-gop-chi-nhanh.csv"


def test_the_case_export_and_the_rejects_file_start_with_a_bom(db, tmp_path, staff):
    """Issue #14.17: neither had a BOM, so Vietnamese Excel showed mojibake."""
    cases.receive(db, staff, make_draft(content="Website bị sập"), received_at=MONDAY_0910)
    out = tmp_path / "all.csv"
    export_csv(db, SYSTEM, out)
    assert out.read_bytes().startswith(BOM)
    source = tmp_path / "old.csv"
    source.write_bytes(sample_csv().replace(b"in_person", b"fax"))
    report = import_csv(db, SYSTEM, source)
    assert report.rejected == 1
    assert report.rejects_path.read_bytes().startswith(BOM)
    assert "Website bị sập" in out.read_text(encoding="utf-8-sig")


def test_the_chart_and_dictionary_downloads_use_the_same_writer():
    from ui.charts import to_csv
    from voc.insight.clarify import dictionary_csv

    chart = to_csv(pd.DataFrame({"share": [0.25], "overdue": [True]}), {"share": "Tỷ lệ", "overdue": "Quá hạn"})
    assert chart.startswith(BOM) and rows_of(chart) == [["Tỷ lệ", "Quá hạn"], ["0,25", "Có"]]
    entry = {"term": "mail bị dội", "theme_name": "Gửi và nhận email", "company_term": "-bounce", "note": None}
    assert rows_of(dictionary_csv([entry]))[1] == ["mail bị dội", "Gửi và nhận email", "'-bounce", ""]
