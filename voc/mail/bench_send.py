"""Benchmark of the send half of mail.

bench_send: queue N confirmation-sized mails in a scratch DuckDB file, then time one `send_pending`
pass delivering them over one SMTP connection to a real local server (aiosmtpd on 127.0.0.1),
each mail marked sent in its own transaction as in production. Target: >= 100 mails/s.
"""
from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

SEND_TARGET_PER_S = 100.0


@dataclass(frozen=True)
class SendBench:
    mails: int
    queue_s: float
    send_s: float
    received: int
    sent: int

    @property
    def per_second(self) -> float:
        return self.sent / self.send_s if self.send_s else 0.0

    def lines(self) -> list[str]:
        return [
            f"mails: {self.mails} count",
            f"queue_time: {self.queue_s:.2f} s",
            f"send_time: {self.send_s:.2f} s",
            f"sent: {self.sent} count",
            f"received_by_server: {self.received} count",
            f"send_rate: {self.per_second:.1f} mails/s (target >= {SEND_TARGET_PER_S:.0f})",
        ]


def bench_send(mails: int = 1000) -> SendBench:
    from voc.store.db import Database
    from voc.mail.local_smtp import LocalSmtpServer
    from voc.mail.outbox import MailKind, queue_mail
    from voc.mail.sender import send_pending
    from voc.mail.settings import mail_settings

    body = ("Kính gửi Quý khách,\n\nBKNS đã tiếp nhận phản ánh của Quý khách về dịch vụ Hosting.\n\n"
            "- Mã hồ sơ: {code}\n- Trạng thái: Đã tiếp nhận\n- Hạn gửi thư trả lời: 09:10 25/11/2026\n"
            "- Hạn giải quyết: 09:10 13/12/2026\n\nTrân trọng,\nBộ phận Chăm sóc khách hàng\n")
    with tempfile.TemporaryDirectory() as folder, LocalSmtpServer() as server:
        db = Database(Path(folder) / "bench.duckdb")
        settings = mail_settings({"VOC_SMTP_URL": f"smtp://127.0.0.1:{server.port}",
                                  "VOC_MAIL_FROM": "BKNS CSKH <cskh@bkns.vn>"})
        started = time.perf_counter()
        with db.transaction() as cur:
            for n in range(mails):
                code = f"KN-2026-{n + 1:06d}"
                queue_mail(cur, kind=MailKind.CONFIRMATION, to_address=f"khach{n}@example.com",
                           to_name=f"Khách hàng {n}", subject=f"[BKNS] Xác nhận tiếp nhận khiếu nại {code}",
                           body=body.format(code=code), queued_by="bench", domain=settings.domain,
                           ticket_code=code)
        queued = time.perf_counter()
        report = send_pending(db, settings, limit=mails)
        sent = time.perf_counter()
        db.close()
        return SendBench(mails, queued - started, sent - queued, len(server.received), report.sent)
