"""Mail commands for `python -m voc`: `mail fetch --once` (one pass over the complaints mailbox),
`mail send --once` (one pass over the outbox), `mail notify --once` (staff notifications into the
outbox) and `bench --mail`.

voc.cli calls `register(subparsers, common)`; handlers are a few lines over voc.mail.
"""
from __future__ import annotations

import argparse
import sys
import time
from typing import Callable


def _open(args):
    from voc.store.db import open_db

    return open_db(args.db)


def _repeat(args, one_pass: Callable[[object], tuple[str, str]]) -> int:
    """Run `one_pass(db)` once (--once) or every --interval seconds, printing its two lines each time."""
    db = _open(args)
    try:
        while True:
            for line in one_pass(db):
                print(line, flush=True)
            if args.once:
                return 0
            time.sleep(args.interval)
    except KeyboardInterrupt:
        return 0
    finally:
        db.close()


def cmd_mail_send(args) -> int:
    from voc.mail.sender import send_pending
    from voc.mail.settings import mail_settings

    settings = mail_settings()

    def one_pass(db):
        report = send_pending(db, settings, limit=args.limit)
        return report.counts(), report.summary()
    return _repeat(args, one_pass)


def cmd_fetch(args) -> int:
    """One pass (--once) or a pass every --every seconds; prints the counts of each pass.
    Exit 0 when the pass ran, refused messages included; 1 when it could not run or stopped early."""
    from voc.mail.imap import MailServerError
    from voc.mail.inbound import FETCH_OFF, fetch_once
    from voc.mail.settings import mail_settings

    settings = mail_settings()
    if not settings.fetching:
        print(FETCH_OFF)
        return 0
    db = _open(args)
    try:
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
    finally:
        db.close()


def cmd_notify(args) -> int:
    """One notification pass (--once) or one every --interval seconds; prints its counts."""
    from voc.mail.notifications import notify_once

    def one_pass(db):
        report = notify_once(db)
        return report.line(), report.summary()
    return _repeat(args, one_pass)


def run_mail_bench(args) -> int:
    from voc.mail.bench_fetch import bench_fetch
    from voc.mail.bench_send import bench_send

    print("\n".join(bench_fetch(args.mail_messages).lines()))
    print("\n".join(bench_send(args.mails).lines()))
    return 0


def register(subparsers, common: argparse.ArgumentParser) -> None:
    mail = subparsers.add_parser("mail", help="thư điện tử: nhận thư khiếu nại (IMAP), gửi hàng đợi thư đi (SMTP)")
    mail_sub = mail.add_subparsers(dest="mail_command", required=True)
    fetch = mail_sub.add_parser("fetch", parents=[common], help="nhận thư mới thành hồ sơ (VOC_IMAP_URL)")
    fetch.add_argument("--once", action="store_true", help="một lượt rồi thoát")
    fetch.add_argument("--every", type=float, default=60.0, help="không có --once: số giây giữa hai lượt")
    fetch.add_argument("--limit", type=int, default=None, help="tối đa số thư mỗi lượt")
    fetch.set_defaults(func=cmd_fetch)
    send = mail_sub.add_parser("send", parents=[common], help="gửi các thư đến hạn trong hàng đợi (SMTP)")
    send.add_argument("--once", action="store_true", help="chỉ một lượt gửi rồi thoát")
    send.add_argument("--limit", type=int, default=1000, help="số thư tối đa mỗi lượt")
    send.add_argument("--interval", type=float, default=15.0, help="số giây giữa hai lượt khi chạy liên tục")
    send.set_defaults(func=cmd_mail_send)
    notify = mail_sub.add_parser("notify", parents=[common],
                                 help="xếp hàng thư thông báo cho nhân viên: hồ sơ đến hạn/quá hạn, cảnh báo")
    notify.add_argument("--once", action="store_true", help="chỉ một lượt rồi thoát")
    notify.add_argument("--interval", type=float, default=300.0, help="số giây giữa hai lượt khi chạy liên tục")
    notify.set_defaults(func=cmd_notify)


def add_mail_bench_args(bench: argparse.ArgumentParser) -> None:
    bench.add_argument("--mail", action="store_true",
                       help="nhận N thư từ Dovecot thật thành hồ sơ (≥ 50 thư/giây) và gửi N thư qua SMTP cục bộ (≥ 100 thư/giây)")
    bench.add_argument("--mail-messages", type=int, default=1000, help="số thư nhận cho phép đo --mail")
    bench.add_argument("--mails", type=int, default=1000, help="số thư cho phép đo --mail")
