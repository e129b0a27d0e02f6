"""`python -m voc ...`: a thin command line over the library. Every command takes --db PATH."""
from __future__ import annotations

import argparse
import json
import sys

import duckdb

from voc.cli import bench_load, mail_commands, text_commands
from voc.cli.database import open_database
from voc.accounts.access import SYSTEM
from voc.clock import parse_iso, utcnow
from voc.store.db import Database, db_path, open_db
from voc.errors import DomainError
from voc.progress import console_progress as _progress


def _db(args) -> Database:
    return open_database(args, defaults=True)


def cmd_init(args) -> int:
    """Create or upgrade the schema, seed the defaults and create the first admin, as the app's first start does."""
    from voc.accounts import users
    from voc.setup import ensure_defaults
    from voc.store.backup import target_of

    db = open_database(args, migrate=False)
    before = db.schema_version()
    applied = db.migrate()
    ensure_defaults(db)
    print(f"Cơ sở dữ liệu: {target_of(db).describe()}")
    if applied:
        print(f"Lược đồ: phiên bản lược đồ {before} → {db.schema_version()}; vừa áp dụng {len(applied)} migration: "
              + ", ".join(f"{v:03d}" for v in applied) + ".")
    else:
        print(f"Lược đồ: phiên bản lược đồ {db.schema_version()}, đã cập nhật (không có migration mới).")
    with db.cursor() as cur:
        existing = users.count_users(cur)
    password = users.ensure_first_admin(db)
    sign_in = "Mở ứng dụng (streamlit run app.py) và đăng nhập"
    if existing:
        print(f"Tài khoản: đã có {existing} tài khoản. {sign_in} bằng tài khoản của bạn.")
    elif password:
        print(f"Đã tạo tài khoản quản trị: tên đăng nhập admin, mật khẩu {password}\n"
              f"Mật khẩu này chỉ hiện một lần — hãy ghi lại. {sign_in} bằng admin rồi đổi mật khẩu ngay "
              "(Trang chủ → Đổi mật khẩu của tôi).")
    else:
        print(f"Đã tạo tài khoản quản trị: tên đăng nhập admin, mật khẩu là giá trị của {users.ADMIN_PASSWORD_ENV}. "
              f"{sign_in} bằng admin.")
    db.close()
    return 0


def cmd_demo(args) -> int:
    from voc.insight.overview import generate_and_tag_demo

    report, tagged = generate_and_tag_demo(_db(args), SYSTEM, args.cases, seed=args.seed, tag=not args.no_tag,
                                           progress=_progress("Tạo dữ liệu mẫu"),
                                           tag_progress=_progress("Gắn chủ đề"))
    print(f"\nĐã tạo dữ liệu mẫu (demo): {report}")
    if tagged:
        print(tagged.message())
    return 0


def cmd_sla(args) -> int:
    from voc.store import case_store

    at = parse_iso(args.at) if args.at else utcnow()
    db = _db(args)
    with db.cursor() as cur:
        counts = case_store.sla_counts(cur, at)
    if args.json:
        print(json.dumps(counts))
    else:
        from voc.model import SlaState

        for state in SlaState:
            print(f"{state.label}: {counts[state.value]}")
    return 0


def cmd_import(args) -> int:
    from voc.desk.csvio import import_csv

    db = _db(args)
    report = import_csv(db, SYSTEM, args.file, progress=_progress("Kiểm tra CSV" if args.dry_run else "Nhập CSV và gắn chủ đề"),
                        dry_run=args.dry_run)
    print()
    print(report.summary())
    print(f"read={report.read} imported={report.imported} rejected={report.rejected}")
    if report.rejected and args.dry_run:
        for reject in sorted(report.rejects, key=lambda r: r.line_no):
            print(f"Dòng {reject.line_no}: {reject.reason}")
    elif report.rejected:
        print(f"Các dòng bị từ chối và lý do: {report.rejects_path}")
    return 0


def cmd_export(args) -> int:
    from voc.desk.csvio import export_csv

    count = export_csv(_db(args), SYSTEM, args.file)
    print(f"Đã xuất {count} hồ sơ ra {args.file}")
    return 0


def _backup_target(args):
    """The database the command names, as backup/restore see it (the connection is closed again)."""
    from voc.store.backup import target_of

    db = open_database(args, migrate=False)
    try:
        return target_of(db)
    finally:
        db.close()


def cmd_backup(args) -> int:
    from voc.store.backup import backup

    print(backup(_backup_target(args), args.dest).summary())
    return 0


def cmd_restore(args) -> int:
    from voc.store.backup import restore

    print(restore(args.src, _backup_target(args), force=args.force).summary())
    return 0


def cmd_score_replies(args) -> int:
    from voc.text.reply_check import backfill

    count = backfill(_db(args), limit=args.limit, progress=_progress("Chấm điểm thư trả lời"))
    print(f"\nĐã chấm điểm {count} thư trả lời.")
    return 0


def cmd_bench(args) -> int:
    ran = False
    if args.tagging:
        from voc.cli.text_commands import run_tagging_bench

        ran = True
        code = run_tagging_bench(args)
        if code:
            return code
    if args.load:
        ran = True
        code = bench_load.run_load_bench(args)
        if code:
            return code
    elif args.cases:
        from voc.cli.bench_analytics import run_analytics_bench
        from voc.cli.bench_server import run_server_bench

        ran = True
        if args.postgres and args.database_url:
            print("Chọn --postgres hoặc --database-url, không chọn cả hai.", file=sys.stderr)
            return 2
        code = (run_server_bench if args.postgres or args.database_url else run_analytics_bench)(args)
        if code:
            return code
    if args.mail:
        ran = True
        code = mail_commands.run_mail_bench(args)
        if code:
            return code
    if not ran:
        print("Chọn --tagging, --cases N, --load và/hoặc --mail.", file=sys.stderr)
        return 2
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m voc", description="VOC Desk — dòng lệnh")
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--db", default=None, help=f"tệp DuckDB (mặc định {db_path(None)} hoặc $VOC_DB_PATH)")
    sub = parser.add_subparsers(dest="command", required=True)

    sub.add_parser("init", parents=[common], help="tạo hoặc nâng cấp cơ sở dữ liệu").set_defaults(func=cmd_init)

    demo = sub.add_parser("demo", parents=[common], help="tạo lịch sử khiếu nại mẫu (demo)")
    demo.add_argument("--cases", type=int, required=True)
    demo.add_argument("--seed", type=int, default=42)
    demo.add_argument("--no-tag", action="store_true", help="không gắn chủ đề cho các hồ sơ mẫu")
    demo.set_defaults(func=cmd_demo)

    sla = sub.add_parser("sla", parents=[common], help="hồ sơ đang mở theo trạng thái SLA")
    sla.add_argument("--at", default=None, help="thời điểm ISO 8601 (mặc định: bây giờ)")
    sla.add_argument("--json", action="store_true")
    sla.set_defaults(func=cmd_sla)

    imp = sub.add_parser("import", parents=[common], help="nhập hồ sơ từ CSV chuẩn")
    imp.add_argument("file")
    imp.add_argument("--dry-run", action="store_true", help="kiểm tra mọi dòng, chưa nhập và không ghi gì")
    imp.set_defaults(func=cmd_import)

    exp = sub.add_parser("export", parents=[common], help="xuất hồ sơ ra CSV chuẩn")
    exp.add_argument("file")
    exp.set_defaults(func=cmd_export)

    back = sub.add_parser("backup", parents=[common], help="sao lưu toàn bộ cơ sở dữ liệu (DuckDB: một thư mục "
                          "EXPORT DATABASE; PostgreSQL: một tệp pg_dump)")
    back.add_argument("dest", help="thư mục (DuckDB) hoặc tệp (PostgreSQL) chưa có")
    back.set_defaults(func=cmd_backup)
    rest = sub.add_parser("restore", parents=[common], help="khôi phục một bản sao lưu vào cơ sở dữ liệu (mới)")
    rest.add_argument("src", help="bản sao lưu do `python -m voc backup` tạo")
    rest.add_argument("--force", action="store_true", help="thay thế cơ sở dữ liệu đích dù nó đã có dữ liệu")
    rest.set_defaults(func=cmd_restore)

    score = sub.add_parser("score-replies", parents=[common], help="chấm điểm các thư trả lời đã phát hành chưa có điểm")
    score.add_argument("--limit", type=int, default=None)
    score.set_defaults(func=cmd_score_replies)

    bench = sub.add_parser("bench", parents=[common], help="đo tốc độ")
    bench.add_argument("--tagging", action="store_true", help="gắn chủ đề so với word_tokenize; backfill 1 và 2 lõi")
    bench.add_argument("--cases", type=int, default=0, help="số hồ sơ cho phép đo truy vấn biểu đồ và trang")
    bench.add_argument("--no-pages", action="store_true", help="không đo thời gian mở trang trong trình duyệt")
    bench.add_argument("--postgres", action="store_true",
                       help="chế độ máy chủ: nạp N hồ sơ vào một cụm PostgreSQL tạm, đo bản sao phân tích và biểu đồ")
    bench.add_argument("--database-url", default=None,
                       help="chế độ máy chủ trên cơ sở dữ liệu PostgreSQL này (các bảng của desk bị làm trống "
                            "nếu chưa có đúng N hồ sơ)")
    text_commands.add_tagging_bench_args(bench)
    mail_commands.add_mail_bench_args(bench)
    bench_load.add_load_bench_args(bench)
    bench.set_defaults(func=cmd_bench)
    text_commands.register(sub, common)
    mail_commands.register(sub, common)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except DomainError as error:
        print(f"Lỗi: {error}", file=sys.stderr)
        return 1
    except duckdb.IOException as error:
        print(f"Lỗi: không mở được cơ sở dữ liệu {db_path(args.db)} — tệp có thể đang được ứng dụng "
              f"(streamlit) giữ; hãy dừng ứng dụng hoặc dùng --db với tệp khác. Chi tiết: {error}", file=sys.stderr)
        return 1
