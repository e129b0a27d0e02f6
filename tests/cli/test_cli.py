"""`python -m voc`: init, sla --json, import/export, run as real subprocesses on a temp file."""
import json
import os
import re
import subprocess
import sys
from datetime import date, timedelta

from tests.conftest import MONDAY_0910, ROOT, make_draft
from voc.desk import cases
from voc.desk.csvio import sample_csv
from voc.accounts.access import Actor, Role
from voc.accounts import users
from voc.store.db import Database, available_migrations


def run(*args, env: dict[str, str] | None = None):
    """`python -m voc ARGS` as a user runs it; `env` adds to the environment (e.g. VOC_DATABASE_URL)."""
    return subprocess.run([sys.executable, "-m", "voc", *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300, env={**os.environ, **env} if env else None)


def test_init_creates_schema(tmp_path):
    path = tmp_path / "cli.duckdb"
    result = run("init", "--db", str(path))
    assert result.returncode == 0, result.stderr
    assert "phiên bản lược đồ" in result.stdout
    assert path.exists()


def test_init_reports_the_migrations_and_creates_the_first_admin(tmp_path):
    path = tmp_path / "first.duckdb"
    versions = [v for v, _, _ in available_migrations()]
    result = run("init", "--db", str(path))
    assert result.returncode == 0, result.stderr
    assert f"phiên bản lược đồ 0 → {versions[-1]}; vừa áp dụng {len(versions)} migration: 001, 002" in result.stdout
    password = re.search(r"tên đăng nhập admin, mật khẩu (\S+)", result.stdout).group(1)
    assert "chỉ hiện một lần" in result.stdout and "streamlit run app.py" in result.stdout
    database = Database(path)
    try:
        assert users.authenticate(database, "admin", password).role is Role.ADMIN
    finally:
        database.close()

    again = run("init", "--db", str(path))
    assert again.returncode == 0, again.stderr
    assert f"phiên bản lược đồ {versions[-1]}, đã cập nhật (không có migration mới)" in again.stdout
    assert "đã có 1 tài khoản" in again.stdout and password not in again.stdout


def test_init_takes_the_admin_password_from_the_environment(tmp_path):
    path = tmp_path / "given.duckdb"
    env = {**os.environ, "VOC_ADMIN_PASSWORD": "mat-khau-du-dai-2026"}
    result = subprocess.run([sys.executable, "-m", "voc", "init", "--db", str(path)], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr
    assert "mật khẩu là giá trị của VOC_ADMIN_PASSWORD" in result.stdout
    assert "mat-khau-du-dai-2026" not in result.stdout
    database = Database(path)
    try:
        assert users.authenticate(database, "admin", "mat-khau-du-dai-2026").username == "admin"
    finally:
        database.close()


def test_sla_json_counts_most_urgent_state(tmp_path):
    path = tmp_path / "sla.duckdb"
    db = Database(path)
    staff = Actor("lan", Role.STAFF, "Hà Nội")
    cases.receive(db, staff, make_draft(), received_at=MONDAY_0910)                          # reply overdue at +49h
    cases.receive(db, staff, make_draft(), received_at=MONDAY_0910 + timedelta(hours=10))     # due within 24 h
    cases.receive(db, staff, make_draft(), received_at=MONDAY_0910 + timedelta(hours=48))     # on time
    old = cases.receive(db, staff, make_draft(event_date=date(2026, 10, 30)),
                        received_at=MONDAY_0910 - timedelta(days=21))  # resolution overdue
    cases.start_verification(db, staff, old.ticket_code, at=MONDAY_0910 - timedelta(days=20))
    db.close()
    at = (MONDAY_0910 + timedelta(hours=49)).isoformat()
    result = run("sla", "--at", at, "--json", "--db", str(path))
    assert result.returncode == 0, result.stderr
    counts = json.loads(result.stdout)
    assert counts == {"on_time": 1, "due_24h": 1, "reply_overdue": 1, "resolution_overdue": 1}
    assert all(isinstance(v, int) for v in counts.values())


def test_import_export_commands(tmp_path):
    src = tmp_path / "in.csv"
    src.write_text(
        "ticket_code,received_at,channel,issue_kind,service,customer_name,customer_phone,customer_email,event_date,"
        "content,request,status,round,first_reply_at,resolved_at,closed_at,staff,branch\n"
        ",2025-04-01T09:10:00,hotline,business,domain,Lê Văn C,0987654321,,2025-03-30,bị trừ tiền,hoàn tiền,"
        "received,1,,,,minh,Đà Nẵng\n"
        "X,bad,hotline,business,domain,Lê Văn C,,,,x,,received,1,,,,,\n", encoding="utf-8")
    db = str(tmp_path / "io.duckdb")
    result = run("import", str(src), "--db", db)
    assert result.returncode == 0, result.stderr
    assert "read=2 imported=1 rejected=1" in result.stdout
    assert (tmp_path / "in.rejects.csv").exists()
    out = tmp_path / "out.csv"
    result = run("export", str(out), "--db", db)
    assert result.returncode == 0 and "Lê Văn C" in out.read_text(encoding="utf-8")


def test_import_dry_run_lists_rejects_and_writes_nothing(tmp_path):
    src = tmp_path / "in.csv"
    src.write_bytes(sample_csv().replace(b",hotline,", b",fax,"))
    db = tmp_path / "dry.duckdb"
    result = run("import", str(src), "--dry-run", "--db", str(db))
    assert result.returncode == 0, result.stderr
    assert "read=2 imported=1 rejected=1" in result.stdout and "chưa nhập" in result.stdout
    assert "Dòng 3: Cột Kênh (channel): “fax” không hợp lệ" in result.stdout
    assert not (tmp_path / "in.rejects.csv").exists()
    database = Database(db)
    with database.cursor() as cur:
        assert cur.execute("SELECT count(*) FROM cases").fetchone()[0] == 0
    database.close()


def test_domain_errors_exit_nonzero_with_vietnamese_message(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    result = run("import", str(empty), "--db", str(tmp_path / "e.duckdb"))
    assert result.returncode == 1
    assert "rỗng" in result.stderr


def test_database_held_by_another_process_gives_a_clear_message(tmp_path):
    path = tmp_path / "held.duckdb"
    holder = subprocess.Popen([sys.executable, "-c", f"import duckdb, time; c = duckdb.connect({str(path)!r}); "
                               "print('ready', flush=True); time.sleep(60)"], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ready"
        result = run("sla", "--json", "--db", str(path))
    finally:
        holder.kill()
        holder.wait()
    assert result.returncode == 1
    assert "không mở được cơ sở dữ liệu" in result.stderr


def test_backfill_reports_the_cases_that_gained_and_lost_each_theme(tmp_path):
    """#14, 25: `backfill` after a glossary edit says, per theme, which cases gained or lost it."""
    from tests.insight.test_clarify import add_cases
    from voc.insight import clarify
    from voc.setup import ensure_defaults
    from voc.text import taxonomy

    path = tmp_path / "retag.duckdb"
    db = Database(path)
    ensure_defaults(db)
    add_cases(db)
    qa = Actor("qa1", Role.QA)
    clarify.retag(db, qa, workers=1)
    clarify.add_phrase(db, qa, "mất đơn hàng", "contract")
    with db.transaction() as cur:
        taxonomy.set_theme_active(cur, qa, "downtime", False)
    db.close()
    result = run("backfill", "--workers", "1", "--db", str(path))
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "2 hồ sơ đổi chủ đề" in lines[0]
    assert any(line.endswith("(contract): thêm 1 hồ sơ, bớt 0 hồ sơ") for line in lines)
    assert "    thêm: KN-2026-900004" in lines
    assert any(line.endswith("(downtime): thêm 0 hồ sơ, bớt 1 hồ sơ") for line in lines)
    assert "    bớt: KN-2026-900005" in lines


def test_tag_csv_prints_one_json_object_per_row_in_one_process(tmp_path):
    source = tmp_path / "texts.csv"
    source.write_text("id,text\n1,Web bị sập từ sáng. Không xử lý tôi sẽ kiện ra tòa!\n2,\n"
                      "3,\"Cảm ơn bạn, hỗ trợ rất nhanh\"\n4,web bi sap tu sang toi se dang len facebook\n",
                      encoding="utf-8")
    result = run("tag", "--defaults", "--csv", str(source))
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["row"] for r in rows] == [0, 1, 2, 3]
    angry, empty, thanks, bare = rows
    assert "downtime" in [t["code"] for t in angry["themes"]]
    assert all(set(t) >= {"code", "score", "evidence"} for t in angry["themes"])
    assert angry["sentiment"] == "negative" and angry["negativity"] > 0.5
    assert angry["escalation"] is True and angry["escalation_categories"] == ["court"]
    assert {"category": "court", "words": "kiện"} in angry["escalation_evidence"]
    assert (empty["themes"], empty["escalation"], empty["negativity"]) == ([], False, 0.0)
    assert thanks["sentiment"] == "positive" and thanks["escalation"] is False
    assert bare["escalation_categories"] == ["public"] and "downtime" in [t["code"] for t in bare["themes"]]


def test_tag_csv_without_a_text_column_says_so(tmp_path):
    source = tmp_path / "bad.csv"
    source.write_text("noi_dung\nabc\n", encoding="utf-8")
    result = run("tag", "--defaults", "--csv", str(source))
    assert result.returncode == 2 and "cột text" in result.stderr


def test_evaluate_sentiment_prints_the_engine_beside_the_baseline(tmp_path):
    from voc.text.sentiment import SENTIMENT_HELDOUT

    lines = SENTIMENT_HELDOUT.read_text(encoding="utf-8").splitlines()
    (tmp_path / "train.csv").write_text("\n".join(lines[:301]) + "\n", encoding="utf-8")
    (tmp_path / "test.csv").write_text("\n".join(lines[:1] + lines[301:401]) + "\n", encoding="utf-8")
    result = run("evaluate", "--sentiment", "--train", str(tmp_path / "train.csv"), "--test", str(tmp_path / "test.csv"))
    assert result.returncode == 0, result.stderr
    assert "in-domain" in result.stdout and "baseline, as given" in result.stdout and "shipped" in result.stdout
    summary = dict(part.split("=") for part in result.stdout.strip().splitlines()[-1].split())
    assert 0 < float(summary["sentiment_accuracy"]) <= 1 and "baseline_macro_f1" in summary
