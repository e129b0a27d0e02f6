"""`python -m voc mail ...`: the mail commands (voc.cli calls `register`)."""
from __future__ import annotations

import sys
import time


def cmd_fetch(args) -> int:
    """One pass (--once) or a pass every --every seconds; prints the counts of each pass.
    Exit 0 when the pass ran, refused messages included; 1 when it could not run or stopped early."""
    from voc.cli.commands import _db
    from voc.mail.imap import MailServerError
    from voc.mail.inbound import FETCH_OFF, fetch_once
    from voc.mail.settings import mail_settings

    settings = mail_settings()
    if not settings.fetching:
        print(FETCH_OFF)
        return 0
    db = _db(args)
    while True:
        try:
            report = fetch_once(db, settings, limit=args.limit)
        except MailServerError as error:
            print(f"Lỗi: {error}", file=sys.stderr)
            if args.once:
                return 1
        else:
            print(report.line())
            print(report.summary())
            if args.once:
                return 1 if report.error else 0
        time.sleep(args.every)


def register(sub, common) -> None:
    mail = sub.add_parser("mail", parents=[common], help="hộp thư khiếu nại (IMAP) và hộp thư đi")
    mail_sub = mail.add_subparsers(dest="mail_command", required=True)
    fetch = mail_sub.add_parser("fetch", parents=[common], help="nhận thư mới thành hồ sơ (VOC_IMAP_URL)")
    fetch.add_argument("--once", action="store_true", help="một lượt rồi thoát")
    fetch.add_argument("--every", type=float, default=60.0, help="không có --once: số giây giữa hai lượt")
    fetch.add_argument("--limit", type=int, default=None, help="tối đa số thư mỗi lượt")
    fetch.set_defaults(func=cmd_fetch)


def add_bench_args(bench) -> None:
    bench.add_argument("--mail", action="store_true", help="nhận thư: N thư trên Dovecot thật thành hồ sơ")
    bench.add_argument("--mail-messages", type=int, default=1000, help="số thư cho --mail")
