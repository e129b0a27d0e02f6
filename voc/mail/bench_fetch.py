"""Benchmark of the fetch half of mail: N messages in a real Dovecot mailbox -> cases, one pass.

The messages are Vietnamese complaints (the bank test set's texts when present, else the taxonomy's
seed examples) in the shapes a complaints mailbox gets: plain UTF-8, HTML, windows-1258, a PNG
screenshot attached, answers to an earlier message (joined), out-of-office replies (ignored).
The figure is the fetch pass alone (IMAP fetch, parse, case with its theme tags, inbox row, server
mark) on a scratch DuckDB file; peak RSS is the whole process's (setup included). On a shared
machine the wall-clock rate follows the load; the rate per CPU-second of the process does not.
"""
from __future__ import annotations

import base64
import os
import resource
import tempfile
import time
import unicodedata
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

from voc.mail.inbound import FetchReport, fetch_once
from voc.mail.settings import mail_settings
from voc.mail.testserver import Dovecot

PNG_1PX = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==")
_TONES = {"\u0300", "\u0301", "\u0303", "\u0309", "\u0323"}


@dataclass(frozen=True)
class FetchBench:
    messages: int
    seconds: float
    cpu_seconds: float          # CPU time of this process during the pass (the server's not counted)
    report: FetchReport
    peak_rss_mb: float
    load_average: float         # of the machine at the end: wall figures depend on it

    @property
    def per_second(self) -> float:
        return self.messages / self.seconds if self.seconds else 0.0

    def lines(self) -> list[str]:
        return [
            f"mail_fetch_messages: {self.messages} count",
            f"mail_fetch_seconds: {self.seconds:.2f} s",
            f"mail_fetch_rate: {self.per_second:.1f} messages/s",
            f"mail_fetch_cpu_seconds: {self.cpu_seconds:.2f} s",
            f"mail_fetch_rate_per_cpu_second: {self.messages / self.cpu_seconds if self.cpu_seconds else 0:.1f} messages/s",
            f"load_average_1min: {self.load_average:.1f}",
            f"mail_fetch_counts: {self.report.line()}",
            f"peak_rss: {self.peak_rss_mb:.0f} MB",
        ]


def windows_1258(text: str) -> bytes:
    """Vietnamese in windows-1258 as Windows writes it: base letters precomposed, tones combining."""
    out = []
    for ch in unicodedata.normalize("NFC", text):
        parts = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", "".join(c for c in parts if c not in _TONES))
        out.append(base + "".join(c for c in parts if c in _TONES))
    return "".join(out).encode("cp1258", errors="replace")


def sample_messages(n: int, texts: list[str]) -> list[bytes]:
    """n messages cycling through the shapes above; deterministic."""
    out: list[bytes] = []
    for i in range(n):
        text = texts[i % len(texts)]
        msg = EmailMessage()
        msg["From"] = f"Khách hàng {i} <kh{i}@example.vn>"
        msg["To"] = "khieunai@voc-desk.local"
        msg["Message-ID"] = f"<bench-{i}@example.vn>"
        shape = i % 20
        if shape == 0:      # out-of-office
            msg["Subject"] = "Trả lời tự động: đang nghỉ phép"
            msg["Auto-Submitted"] = "auto-replied"
            msg.set_content("Tôi đang nghỉ phép đến thứ Hai.")
        elif shape == 1 and i > 20:     # an answer to an earlier complaint
            msg["Subject"] = "Re: Khiếu nại dịch vụ"
            msg["In-Reply-To"] = f"<bench-{i - 19}@example.vn>"
            msg.set_content("Bổ sung thông tin: " + text)
        else:
            msg["Subject"] = f"Khiếu nại dịch vụ số {i}"
            if shape in (2, 3):
                msg.set_content(f"<html><body><p>{text}</p><script>alert(1)</script></body></html>", subtype="html")
            elif shape == 4:
                msg.set_content(windows_1258(text), maintype="text", subtype="plain", cte="8bit",
                                params={"charset": "windows-1258"})
            else:
                msg.set_content(text)
            if shape == 5:
                msg.add_attachment(PNG_1PX, maintype="image", subtype="png", filename="man-hinh.png")
        out.append(msg.as_bytes())
    return out


def _peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_fetch(messages: int = 1000, texts: list[str] | None = None) -> FetchBench:
    """Fill a fresh mailbox with `messages` messages and time one fetch pass into a scratch database."""
    from voc.cli.bench_tagging import load_texts
    from voc.store.db import Database
    from voc.setup import ensure_defaults

    texts = texts or load_texts()
    with tempfile.TemporaryDirectory(prefix="voc-mail-bench-") as tmp, Dovecot() as server:
        db = Database(Path(tmp) / "bench.duckdb")
        try:
            ensure_defaults(db)         # theme model and the tagging hook, as in the app
            server.append(*sample_messages(messages, texts))
            settings = mail_settings({"VOC_IMAP_URL": server.url})
            started, cpu_started = time.perf_counter(), time.process_time()
            report = fetch_once(db, settings)
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        finally:
            db.close()
    return FetchBench(report.counts.fetched, seconds, cpu, report, _peak_rss_mb(), os.getloadavg()[0])
