"""Mail commands for `python -m voc`: `mail send --once` (one pass over the outbox) and `bench --mail`.

voc.cli calls `register(subparsers, common)`; handlers are a few lines over voc.mail.
"""
from __future__ import annotations

import argparse
import time


def _open(args):
    from voc.store.db import Database

    return Database(args.db)


def cmd_mail_send(args) -> int:
    from voc.mail.sender import send_pending
    from voc.mail.settings import mail_settings

    settings = mail_settings()
    db = _open(args)
    try:
        while True:
            report = send_pending(db, settings, limit=args.limit)
            print(report.counts())
            print(report.summary(), flush=True)
            if args.once:
                return 0
            time.sleep(args.interval)
    except KeyboardInterrupt:
        return 0
    finally:
        db.close()


def run_mail_bench(args) -> int:
    from voc.mail.bench import bench_send

    for line in bench_send(args.mails).lines():
        print(line)
    return 0


def register(subparsers, common: argparse.ArgumentParser) -> None:
    mail = subparsers.add_parser("mail", help="thư điện tử: gửi hàng đợi thư đi")
    mail_sub = mail.add_subparsers(dest="mail_command", required=True)
    send = mail_sub.add_parser("send", parents=[common], help="gửi các thư đến hạn trong hàng đợi (SMTP)")
    send.add_argument("--once", action="store_true", help="chỉ một lượt gửi rồi thoát")
    send.add_argument("--limit", type=int, default=1000, help="số thư tối đa mỗi lượt")
    send.add_argument("--interval", type=float, default=15.0, help="số giây giữa hai lượt khi chạy liên tục")
    send.set_defaults(func=cmd_mail_send)


def add_mail_bench_args(bench: argparse.ArgumentParser) -> None:
    bench.add_argument("--mail", action="store_true", help="gửi thư qua máy chủ SMTP cục bộ (mục tiêu ≥ 100 thư/giây)")
    bench.add_argument("--mails", type=int, default=1000, help="số thư cho phép đo --mail")
