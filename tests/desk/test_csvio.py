"""Canonical CSV: round trip, bad rows to a rejects file, no duplicates on re-import, safe cells."""
import csv
import io
from datetime import timedelta

import pytest

from tests.conftest import MONDAY_0910, make_draft
from voc import setup
from voc.store import case_store
from voc.desk import cases
from voc.accounts.access import SYSTEM
from voc.desk.csv_excel import safe_cell
from voc.desk.csvio import COLUMNS, Header, export_csv, import_csv, sample_csv
from voc.errors import PermissionDenied, ValidationError

HEADER = ",".join(COLUMNS)
GOOD = [
    "KN-2025-000777,2025-03-01T09:10:00,in_person,quality,hosting,Trần Thị Bình,+84912345678,binh@example.com,"
    "2025-02-27,Web bị sập từ thứ Bảy,Khôi phục,closed,1,2025-03-02T10:00:00,2025-03-05T10:00:00,"
    "2025-03-06T10:00:00,lan,Hà Nội",
    ",2025-04-01T09:10:00+07:00,hotline,business,domain,Lê Văn C,0987654321,,2025-03-30,bị trừ tiền 2 lần,"
    "hoàn tiền,received,1,,,,minh,Đà Nẵng",
]
BAD = [
    ("BAD1,not-a-date,hotline,business,domain,X,,,,abc,,received,1,,,,,", "received_at"),
    ("BAD2,2025-04-01T09:10:00,fax,business,domain,X,,,,abc,,received,1,,,,,", "channel"),
    ("BAD3,2025-04-01T09:10:00,hotline,business,domain,,,,,abc,,received,1,,,,,", "customer_name"),
    ("BAD4,2025-04-01T09:10:00,hotline,business,domain,X,,,2025-05-01,abc,,received,1,,,,,", "sau ngày tiếp nhận"),
    ("BAD5,2025-04-01T09:10:00,hotline,business,domain,X,,,,abc,,referred,1,,,,,", "lần giải quyết thứ 2"),
    ("BAD6,2025-04-01T09:10:00,hotline", "Số cột"),
    ("BAD7,2099-04-01T09:10:00,hotline,business,domain,X,,,,abc,,received,1,,,,,", "tương lai"),
]


def write(path, lines, encoding="utf-8"):
    path.write_bytes(("\n".join(lines) + "\n").encode(encoding))
    return path


def test_import_validates_each_row_and_writes_rejects(db, tmp_path):
    source = write(tmp_path / "old.csv", [HEADER, *GOOD, *(b for b, _ in BAD)])
    report = import_csv(db, SYSTEM, source)
    assert (report.read, report.imported, report.rejected) == (9, 2, 7)
    assert report.read == report.imported + report.rejected
    with report.rejects_path.open(encoding="utf-8-sig") as f:
        rejects = list(csv.DictReader(f))
    assert report.rejects_path == tmp_path / "old.rejects.csv"
    assert [int(r["Dòng"]) for r in rejects] == [4, 5, 6, 7, 8, 9, 10]
    for row, (_, reason) in zip(rejects, BAD):
        assert reason in row["Lý do"]
    with db.cursor() as cur:
        imported = case_store.get_case(cur, "KN-2025-000777")
        assert imported.customer.phone == "+84912345678"
        assert imported.round_replied_at is not None
        new_code = cur.execute("SELECT ticket_code FROM cases WHERE customer_name = 'Lê Văn C'").fetchall()[0][0]
    assert new_code.startswith("KN-2025-")  # an empty ticket_code gets a new code


def test_reimport_creates_no_duplicates_and_changes_nothing(db, tmp_path, staff):
    existing = cases.receive(db, staff, make_draft(), received_at=MONDAY_0910)
    source = write(tmp_path / "old.csv", [HEADER, *GOOD])
    import_csv(db, SYSTEM, source)
    with db.cursor() as cur:
        before = cur.execute("SELECT * FROM cases ORDER BY id").fetchall()
    again = import_csv(db, SYSTEM, source)
    assert (again.read, again.imported, again.rejected, again.already_present) == (2, 0, 2, 2)
    with db.cursor() as cur:
        assert cur.execute("SELECT * FROM cases ORDER BY id").fetchall() == before
    assert cases.load_case(db, staff, existing.ticket_code).version == existing.version


def test_export_import_round_trip(db, tmp_path, staff):
    for i, content in enumerate(["Web sập", "=HYPERLINK(\"http://x\")", "Email, \"trả về\"\nnhiều dòng"]):
        c = cases.receive(db, staff, make_draft(content=content), received_at=MONDAY_0910 + timedelta(hours=i))
        cases.start_verification(db, staff, c.ticket_code, at=MONDAY_0910 + timedelta(hours=i + 1))
    out = tmp_path / "export.csv"
    assert export_csv(db, SYSTEM, out) == 3
    text = out.read_text(encoding="utf-8")
    assert "'=HYPERLINK" in text  # Excel will not run it
    assert "+07:00" in text
    from voc.store.db import Database

    other = Database(tmp_path / "other.duckdb")
    report = import_csv(other, SYSTEM, out)
    assert (report.imported, report.rejected) == (3, 0)
    cols = "ticket_code, received_at, channel, service, customer_name, customer_phone, content, request, status, event_date"
    with db.cursor() as a, other.cursor() as b:
        assert a.execute(f"SELECT {cols} FROM cases ORDER BY 1").fetchall() == \
            b.execute(f"SELECT {cols} FROM cases ORDER BY 1").fetchall()
    other.close()


def test_invalid_utf8_row_is_rejected_alone(db, tmp_path):
    good = GOOD[0].encode()
    bad = "KN-X1,2025-04-01T09:10:00,hotline,business,domain,Nguy\u1ec5n,,,,abc,,received,1,,,,,".encode("cp1258", "replace")
    bad = bad.replace(b"abc", b"ab\xff\xfe")
    path = tmp_path / "mixed.csv"
    path.write_bytes(HEADER.encode() + b"\n" + good + b"\n" + bad + b"\n")
    report = import_csv(db, SYSTEM, path)
    assert (report.imported, report.rejected) == (1, 1)
    assert "UTF-8" in report.rejects_path.read_text(encoding="utf-8")


@pytest.mark.parametrize("content, message", [
    (b"", "rỗng"),
    (b"a,b,c\n1,2,3\n", "thiếu cột"),
])
def test_unusable_files_get_a_clear_message(db, tmp_path, content, message):
    path = tmp_path / "x.csv"
    path.write_bytes(content)
    with pytest.raises(ValidationError) as error:
        import_csv(db, SYSTEM, path)
    assert message in str(error.value)


def test_header_only_file_imports_nothing(db, tmp_path):
    report = import_csv(db, SYSTEM, write(tmp_path / "h.csv", ["\ufeff" + HEADER]))
    assert (report.read, report.imported, report.rejected) == (0, 0, 0)


def test_only_admins_import(db, tmp_path, staff):
    with pytest.raises(PermissionDenied):
        import_csv(db, staff, write(tmp_path / "h.csv", [HEADER]))


def test_export_masks_contacts_for_roles_without_them(db, tmp_path, staff, qa):
    cases.receive(db, staff, make_draft(), received_at=MONDAY_0910)
    out = tmp_path / "qa.csv"
    export_csv(db, qa, out)
    row = next(csv.DictReader(out.open(encoding="utf-8")))
    assert row["customer_phone"] == "•••••••678" and row["customer_email"] == "a•••@example.com"
    with db.cursor() as cur:
        [(who, after)] = cur.execute("SELECT actor, CAST(after AS VARCHAR) FROM events WHERE entity = 'export'").fetchall()
    assert who == "qa1" and '"contacts_masked": true' in after


@pytest.mark.parametrize("value, expected", [
    ("=1+1", "'=1+1"), ("+84912", "'+84912"), ("-2", "'-2"), ("@SUM(A1)", "'@SUM(A1)"), ("bình thường", "bình thường"),
])
def test_safe_cell(value, expected):
    assert safe_cell(value) == expected


def test_import_accepts_the_vietnamese_labels_as_well_as_the_codes(db, tmp_path):
    rows = [  # channel, issue_kind, service, status as a spreadsheet user types them
        ("LB1", "Email / web ticket", "Chất lượng dịch vụ", "Email doanh nghiệp", "Đã giải quyết"),
        ("LB2", "dien thoai", "KINH DOANH", "ten mien", "cho khach hang phan hoi"),
        ("LB3", "Bưu điện", "chat luong dich vu", "Cloud server", "đã tiếp nhận"),
        ("LB4", "hotline", "business", "vps", "received"),
    ]
    lines = [f"{code},2025-04-01T09:10:00,{channel},{kind},{service},Khách {code},0912345678,,,nội dung,,{status},1,,,,,"
             for code, channel, kind, service, status in rows]
    report = import_csv(db, SYSTEM, write(tmp_path / "labels.csv", [HEADER, *lines]))
    assert (report.imported, report.rejected) == (4, 0)
    with db.cursor() as cur:
        stored = cur.execute("SELECT ticket_code, channel, issue_kind, service, status FROM cases ORDER BY ticket_code").fetchall()
    assert stored == [
        ("LB1", "email", "quality", "email", "resolved"),
        ("LB2", "hotline", "business", "domain", "awaiting_customer"),
        ("LB3", "post", "quality", "cloud", "received"),
        ("LB4", "hotline", "business", "vps", "received"),
    ]


def test_a_label_of_another_column_is_rejected_with_the_allowed_codes_and_labels(db, tmp_path):
    line = "LB9,2025-04-01T09:10:00,Email doanh nghiệp,quality,hosting,Khách,0912345678,,,nội dung,,received,1,,,,,"
    report = import_csv(db, SYSTEM, write(tmp_path / "wrong.csv", [HEADER, line]))
    assert (report.imported, report.rejected) == (0, 1)
    with report.rejects_path.open(encoding="utf-8-sig") as f:
        reason = list(csv.DictReader(f))[0]["Lý do"]
    assert reason.startswith("Cột Kênh (channel): “Email doanh nghiệp” không hợp lệ")
    assert "email (Email / web ticket)" in reason


IMPORT_TEXTS = [  # (content, a theme it must get)
    ("Website bị sập từ sáng, khách không truy cập được", "downtime"),
    ("web bi sap, goi ko ai nghe may", "support_responsiveness"),
    ("Tôi bị trừ tiền hai lần khi gia hạn", "billing"),
    ("Chứng chỉ SSL hết hạn, trình duyệt báo không an toàn", "ssl"),
]


def test_imported_cases_are_tagged_in_batches_by_the_intake_tagger(db, tmp_path):
    from voc.desk.csvio import BATCH_ROWS
    from voc.text.tagging import backfill

    setup.ensure_defaults(db)
    n = BATCH_ROWS + 100                       # two batches, tagged on two processes
    lines = [f"OLD-{i:05d},2025-04-01T09:10:00,hotline,quality,hosting,Khách {i},0912345678,,,"
             f"\"{IMPORT_TEXTS[i % len(IMPORT_TEXTS)][0]} (lần {i})\",,closed,1,,,,lan,Hà Nội" for i in range(n)]
    seen = []
    report = import_csv(db, SYSTEM, write(tmp_path / "old.csv", [HEADER, *lines]),
                        progress=lambda done, total: seen.append(done))
    assert report.imported == n and report.tagged == n
    assert seen == sorted(seen) and len(seen) >= 2 and seen[-1] == n
    with db.cursor() as cur:
        themes = dict(cur.execute(
            "SELECT c.ticket_code, list(t.theme_code) FROM cases c JOIN case_themes t ON t.case_id = c.id "
            "GROUP BY 1").fetchall())
        stored = cur.execute("SELECT case_id, theme_code, score, evidence, source FROM case_themes ORDER BY 1, 2").fetchall()
    assert len(themes) == n
    for i in range(n):
        assert IMPORT_TEXTS[i % len(IMPORT_TEXTS)][1] in themes[f"OLD-{i:05d}"]
    backfill(db, workers=1)                    # tagging them again as the backfill does changes nothing
    with db.cursor() as cur:
        assert cur.execute("SELECT case_id, theme_code, score, evidence, source FROM case_themes "
                           "ORDER BY 1, 2").fetchall() == stored


def test_reimport_does_not_tag_existing_cases_again(db, tmp_path):

    setup.ensure_defaults(db)
    source = write(tmp_path / "old.csv", [HEADER, *GOOD])
    assert import_csv(db, SYSTEM, source).tagged == 2
    with db.cursor() as cur:
        before = cur.execute("SELECT case_id, theme_code, tagged_at FROM case_themes ORDER BY 1, 2").fetchall()
    again = import_csv(db, SYSTEM, source)
    assert (again.imported, again.tagged, again.already_present) == (0, 0, 2)
    with db.cursor() as cur:
        assert cur.execute("SELECT case_id, theme_code, tagged_at FROM case_themes ORDER BY 1, 2").fetchall() == before
# --- issue #14 item 16: the rejects file, re-importing it after a fix, a dry run, the sample ---------------

def tables(db) -> dict[str, list[tuple]]:
    with db.cursor() as cur:
        return {t: cur.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall()
                for t in ("cases", "case_rounds", "events", "settings", "branches")}


def test_the_rejects_file_has_vietnamese_columns_and_imports_again_once_fixed(db, tmp_path):
    source = write(tmp_path / "tickets-2025.csv", [HEADER, GOOD[0], BAD[1][0], BAD[2][0]])
    report = import_csv(db, SYSTEM, source)
    assert (report.imported, report.rejected) == (1, 2)
    assert report.rejects_path == tmp_path / "tickets-2025.rejects.csv"
    raw = report.rejects_path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert rows[0] == ["Dòng", "Lý do", "Mã hồ sơ", "Thời điểm tiếp nhận", "Kênh", "Loại khiếu nại", "Dịch vụ",
                       "Tên khách hàng", "Điện thoại", "Email", "Ngày xảy ra sự việc", "Nội dung phản ánh",
                       "Yêu cầu giải quyết", "Trạng thái", "Lần giải quyết", "Trả lời lần đầu lúc",
                       "Giải quyết xong lúc", "Đóng hồ sơ lúc", "Nhân viên", "Chi nhánh"]
    assert [r[:3] for r in rows[1:]] == [["3", rows[1][1], "BAD2"], ["4", rows[2][1], "BAD3"]]
    assert "Kênh (channel)" in rows[1][1] and "Tên khách hàng (customer_name)" in rows[2][1]
    # What an admin does: fix both rows in Excel (here: a Vietnamese label, a name) and save it; Excel in a
    # comma-decimal locale saves with semicolons. The same file then imports; Dòng and Lý do are ignored.
    rows[1][4] = "Điện thoại"
    rows[2][7] = "Phạm Thị Dung"
    fixed = io.StringIO(newline="")
    csv.writer(fixed, delimiter=";").writerows(rows)
    report.rejects_path.write_bytes(b"\xef\xbb\xbf" + fixed.getvalue().encode("utf-8"))
    again = import_csv(db, SYSTEM, report.rejects_path)
    assert (again.read, again.imported, again.rejected) == (2, 2, 0)
    with db.cursor() as cur:
        assert cur.execute("SELECT ticket_code, channel, customer_name FROM cases WHERE ticket_code LIKE 'BAD%' "
                           "ORDER BY 1").fetchall() == [("BAD2", "hotline", "X"), ("BAD3", "hotline", "Phạm Thị Dung")]


def test_a_dry_run_reports_what_an_import_would_do_and_writes_nothing(db, tmp_path, staff):
    cases.receive(db, staff, make_draft(), received_at=MONDAY_0910)
    source = write(tmp_path / "old.csv", [HEADER, *GOOD, *(b for b, _ in BAD)])
    import_csv(db, SYSTEM, write(tmp_path / "first.csv", [HEADER, GOOD[0]]))
    before = tables(db)
    check = import_csv(db, SYSTEM, source, dry_run=True)
    assert tables(db) == before
    assert not (tmp_path / "old.rejects.csv").exists()
    assert (check.dry_run, check.read, check.imported, check.rejected, check.already_present) == (True, 9, 1, 8, 1)
    assert "chưa nhập" in check.summary() and "sẽ nhập 1" in check.summary()
    assert sorted(r.line_no for r in check.rejects) == [2, 4, 5, 6, 7, 8, 9, 10]
    assert check.rejects_csv().startswith(b"\xef\xbb\xbf")
    real = import_csv(db, SYSTEM, source)
    assert (real.read, real.imported, real.rejected, real.already_present) == (9, 1, 8, 1)


def test_the_sample_file_imports_cleanly(db, tmp_path):
    path = tmp_path / "mau.csv"
    path.write_bytes(sample_csv())
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")
    assert next(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig")))) == COLUMNS
    report = import_csv(db, SYSTEM, path, dry_run=True)
    assert (report.read, report.imported, report.rejected) == (2, 2, 0)


def test_the_vietnamese_export_imports_back(db, tmp_path, staff):
    for i in range(2):
        cases.receive(db, staff, make_draft(content=f"Web sập lần {i}"), received_at=MONDAY_0910 + timedelta(hours=i))
    out = tmp_path / "ho-so.csv"
    assert export_csv(db, SYSTEM, out, header=Header.VIETNAMESE) == 2
    assert out.read_text(encoding="utf-8-sig").startswith("Mã hồ sơ,Thời điểm tiếp nhận,Kênh,")
    from voc.store.db import Database

    other = Database(tmp_path / "other.duckdb")
    report = import_csv(other, SYSTEM, out)
    assert (report.imported, report.rejected) == (2, 0)
    other.close()


def test_a_themes_column_becomes_qa_labels_and_retrains_the_model(db, tmp_path):
    setup.ensure_defaults(db)
    header = HEADER + ",themes"
    texts = [("Mail nội bộ bị dội về hết", "email_delivery"), ("Bị tính tiền gói tôi đã hủy", "billing|refund"),
             ("Web cứ chiều là đứng hình", "downtime"), ("Chưa ai gọi lại sau 3 ngày", "support_responsiveness")]
    lines = [f"HIS-{i:03d},2025-04-01T09:10:00,hotline,quality,hosting,Khách {i},,,,\"{text} ({i})\",,closed,1,,,,lan,"
             f"Hà Nội,{codes}" for i, (text, codes) in enumerate(texts * 3)]
    lines.append("HIS-999,2025-04-01T09:10:00,hotline,quality,hosting,Khách,,,,web chậm,,closed,1,,,,lan,Hà Nội,"
                 "khong_co")
    with db.cursor() as cur:
        models_before = cur.execute("SELECT count(*) FROM theme_models").fetchone()[0]
    report = import_csv(db, SYSTEM, write(tmp_path / "history.csv", [header, *lines]))
    assert (report.imported, report.rejected, report.labelled, report.tagged) == (12, 1, 12, 12)
    assert "khong_co" in report.rejects_path.read_text(encoding="utf-8")
    assert report.retrain_message and "cột themes" in report.summary()
    with db.cursor() as cur:
        labels = cur.execute("SELECT c.ticket_code, list(l.theme_code ORDER BY l.theme_code) FROM theme_labels l "
                             "JOIN cases c ON c.id = l.case_id WHERE l.is_positive GROUP BY 1").fetchall()
        qa = cur.execute("SELECT c.ticket_code, list(t.theme_code ORDER BY t.theme_code) FROM case_themes t "
                         "JOIN cases c ON c.id = t.case_id WHERE t.source = 'qa' GROUP BY 1").fetchall()
        assert cur.execute("SELECT count(*) FROM theme_models").fetchone()[0] == models_before + 1
        assert cur.execute("SELECT count(*) FROM events WHERE action = 'imported_labels'").fetchone()[0] == 12
    expected = {f"HIS-{i:03d}": sorted(codes.split("|")) for i, (_, codes) in enumerate(texts * 3)}
    assert dict(labels) == expected and dict(qa) == expected
