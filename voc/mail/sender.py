"""Delivering the outbox over SMTP: claim due mails, send them over one connection, mark each sent.

A pass claims due rows by pushing their next attempt a lease ahead and counting the attempt, in one
transaction; so a crash mid-pass leaves nothing stuck (the rows come due again when the lease ends).
Each mail is marked sent as soon as the server accepts it (on a marker thread, so the commit
overlaps the next mail's SMTP exchange). A refused or failed attempt is retried with exponential
backoff (1, 2, 4 … minutes, capped); after the last allowed attempt the mail is marked failed and
stays in the outbox until an admin retries it. Nothing is ever deleted.

The one window that cannot be closed: the server accepted a mail and the process died before its
mark was committed. Such a mail is sent once more when its lease ends, with the same Message-ID,
so the receiving side can recognise it. That is at most MARK_AHEAD + 2 = 3 mails, the last ones
accepted: one waiting in the marker's queue, one being committed, one the sender just had accepted.
"""
from __future__ import annotations

import queue
import smtplib
import ssl
import threading
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from email.header import Header
from email.message import Message
from email.mime.application import MIMEApplication
from email.mime.multipart import MIMEMultipart
from email.mime.text import MIMEText
from email.utils import format_datetime, formataddr, parseaddr

from voc.accounts.access import Actor, Permission
from voc.store.audit import record_event
from voc.clock import to_db, utcnow
from voc.errors import ConflictError
from voc.mail.outbox import OUTBOX_COLUMNS, MailStatus, OutboxMail, row_to_mail
from voc.mail.settings import MailSettings, SmtpSecurity, SmtpSettings
from voc.store.dialect import CONFLICT_ERRORS

SYSTEM_ACTOR = "system"
CLAIM_CHUNK = 100
MARK_AHEAD = 1     # accepted mails waiting for the marker thread (see _Marker)
DEFAULT_LIMIT = 1000
MAX_ERROR_CHARS = 500

# One pass at a time in this process: the background worker, `mail send --once` and "retry now"
# never interleave, so a mail claimed by a pass is only ever touched by that pass.
_pass_lock = threading.Lock()


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 8
    first_delay: timedelta = timedelta(minutes=1)
    max_delay: timedelta = timedelta(hours=1)
    lease: timedelta = timedelta(minutes=10)   # a claimed mail is not due again before this
    timeout_s: float = 30.0                    # per SMTP operation

    def delay(self, attempts: int) -> timedelta:
        """Wait after the `attempts`-th failed attempt: 1, 2, 4 … minutes, at most `max_delay`."""
        return min(self.first_delay * (2 ** max(attempts - 1, 0)), self.max_delay)


DEFAULT_POLICY = RetryPolicy()


@dataclass
class SendReport:
    sending: bool          # False: VOC_SMTP_URL / VOC_MAIL_FROM unset, the pass only counted
    sent: int = 0
    failed: int = 0        # attempts that failed in this pass (retried later, or given up)
    gave_up: int = 0       # of those, mails now marked failed
    queued: int = 0        # mails still waiting after the pass

    def counts(self) -> str:
        return f"sent={self.sent} failed={self.failed} queued={self.queued}"

    def summary(self) -> str:
        if not self.sending:
            return (f"Gửi thư đang tắt (chưa đặt đủ VOC_SMTP_URL và VOC_MAIL_FROM): {self.queued} thư đang chờ, "
                    "sẽ được gửi khi bật gửi thư.")
        text = f"Đã gửi {self.sent} thư, {self.failed} lần gửi lỗi"
        if self.gave_up:
            text += f" ({self.gave_up} thư đã ngừng thử lại)"
        return text + f"; còn {self.queued} thư đang chờ."


# --- the message ---------------------------------------------------------------------------------

def build_message(mail: OutboxMail, sender: str) -> Message:
    """The RFC 5322 message of an outbox row; the same message on every attempt.

    Built with the classic email.mime classes: four times faster than EmailMessage's header
    registry, which is most of the cost of a mail on the benchmark.
    """
    text = MIMEText(mail.body_text, "plain", "utf-8")
    if mail.attachment is None:
        msg: Message = text
    else:
        msg = MIMEMultipart()
        msg.attach(text)
        maintype, _, subtype = (mail.attachment_type or "").partition("/")
        part = MIMEApplication(mail.attachment, subtype if maintype == "application" and subtype else "octet-stream")
        part.add_header("Content-Disposition", "attachment", filename=("utf-8", "", mail.attachment_name or "attachment"))
        msg.attach(part)
    msg["From"] = formataddr(parseaddr(sender), charset="utf-8")
    msg["To"] = formataddr((mail.to_name or "", mail.to_address), charset="utf-8")
    msg["Subject"] = _subject(mail.subject)
    msg["Date"] = format_datetime(mail.queued_at)
    msg["Message-ID"] = mail.message_id
    if mail.in_reply_to:
        msg["In-Reply-To"] = mail.in_reply_to
    if mail.references:
        msg["References"] = " ".join(mail.references)
    if mail.auto_submitted:
        msg["Auto-Submitted"] = "auto-generated"
    return msg


def _subject(subject: str) -> str | Header:
    """Non-ASCII words encoded (RFC 2047); a leading "[KN-2026-000123]" stays readable as is."""
    if subject.isascii():
        return subject
    tag, sep, rest = subject.partition("] ")
    if not (sep and tag.startswith("[") and tag.isascii()):
        return Header(subject, "utf-8")
    header = Header(tag + "]", "us-ascii")
    header.append(rest, "utf-8")
    return header


def failure_text(error: BaseException) -> str:
    """The last error as Quản trị shows it: the server's code and words, never our credentials."""
    code, words = getattr(error, "smtp_code", None), getattr(error, "smtp_error", None)
    recipients = getattr(error, "recipients", None)
    if code is None and isinstance(recipients, dict) and recipients:   # SMTPRecipientsRefused
        code, words = next(iter(recipients.values()))
    if isinstance(words, bytes):
        words = words.decode("utf-8", "replace")
    text = f"{code} {words}" if code is not None else (str(error) or "")
    return " ".join(f"{type(error).__name__}: {text}".split())[:MAX_ERROR_CHARS]


def connect(smtp: SmtpSettings, timeout: float = DEFAULT_POLICY.timeout_s) -> smtplib.SMTP:
    """An SMTP session by the configured security (plain, STARTTLS, implicit TLS), logged in if a user is set."""
    context = ssl.create_default_context()
    if smtp.security is SmtpSecurity.TLS:
        conn: smtplib.SMTP = smtplib.SMTP_SSL(smtp.host, smtp.port, timeout=timeout, context=context)
    else:
        conn = smtplib.SMTP(smtp.host, smtp.port, timeout=timeout)
    try:
        if smtp.security is SmtpSecurity.STARTTLS:
            conn.starttls(context=context)
        if smtp.user:
            if not (smtp.user.isascii() and (smtp.password or "").isascii()):
                raise smtplib.SMTPException("Tài khoản hoặc mật khẩu SMTP có ký tự ngoài ASCII; smtplib không đăng nhập được.")
            conn.login(smtp.user, smtp.password or "")
    except BaseException:
        conn.close()
        raise
    return conn


# --- the outbox rows -----------------------------------------------------------------------------

def _retrying(work, tries: int = 5):
    """Run `work()` (one transaction); a write conflict with another writer is retried, never dropped."""
    for attempt in range(tries):
        try:
            return work()
        except CONFLICT_ERRORS:
            if attempt == tries - 1:
                raise
            time.sleep(0.05 * (attempt + 1))


def _claim(db, at: datetime, limit: int, policy: RetryPolicy) -> list[OutboxMail]:
    """Take up to `limit` due mails: count the attempt and hold them for the lease, in one transaction."""
    def claim() -> list[tuple]:
        with db.transaction() as cur:
            return cur.execute(
                f"UPDATE mail_outbox SET attempts = attempts + 1, next_attempt_at = ? "
                f"WHERE status = ? AND next_attempt_at <= ? AND id IN (SELECT id FROM mail_outbox "
                f"WHERE status = ? AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT ?) "
                f"RETURNING {OUTBOX_COLUMNS}, attachment",
                [to_db(at + policy.lease), MailStatus.QUEUED.value, to_db(at), MailStatus.QUEUED.value, to_db(at),
                 limit]).fetchall()

    return sorted((row_to_mail(r) for r in _retrying(claim)), key=lambda m: m.id)


def _write(db, statement: str, params: list, event: tuple | None = None) -> None:
    """One small update of outbox rows (and the system's audit event for it)."""
    def write() -> None:
        with db.transaction() as cur:
            cur.execute(statement, params)
            if event:
                record_event(cur, SYSTEM_ACTOR, "mail", *event)

    _retrying(write)


def _mark_sent(db, mail: OutboxMail, at: datetime) -> None:
    """The row is the record of the delivery (sent_at, attempts); only give-ups and retries are events."""
    _write(db, "UPDATE mail_outbox SET status = ?, sent_at = ?, last_error = NULL WHERE id = ?",
           [MailStatus.SENT.value, to_db(at), mail.id])


def _mark_failed_attempt(db, mail: OutboxMail, error: BaseException, at: datetime, policy: RetryPolicy,
                         report: SendReport) -> None:
    text = failure_text(error)
    report.failed += 1
    if mail.attempts >= policy.max_attempts:
        report.gave_up += 1
        _write(db, "UPDATE mail_outbox SET status = ?, last_error = ? WHERE id = ?",
               [MailStatus.FAILED.value, text, mail.id],
               (mail.id, "gave_up", None, {"attempts": mail.attempts, "error": text}, None, at))
    else:
        _write(db, "UPDATE mail_outbox SET next_attempt_at = ?, last_error = ? WHERE id = ?",
               [to_db(at + policy.delay(mail.attempts)), text, mail.id])


def _release(db, mails: list[OutboxMail], at: datetime) -> None:
    """Give back claimed mails that were not tried: the attempt is not counted, they are due at once."""
    if mails:
        _write(db, "UPDATE mail_outbox SET attempts = attempts - 1, next_attempt_at = ? "
                   "WHERE list_contains(?, id) AND status = ?",
               [to_db(at), [m.id for m in mails], MailStatus.QUEUED.value])


def queued_count(db) -> int:
    with db.cursor() as cur:
        return cur.execute("SELECT count(*) FROM mail_outbox WHERE status = ?", [MailStatus.QUEUED.value]).fetchone()[0]


class _Marker:
    """Writes the "sent" marks on a thread of its own as the server accepts each mail, so a mark's
    commit overlaps the next mail's SMTP exchange instead of holding it up. At most MARK_AHEAD
    accepted mails wait in its queue; a failed mark stops the pass."""

    def __init__(self, db) -> None:
        self._db = db
        self._queue: queue.Queue = queue.Queue(maxsize=MARK_AHEAD)
        self.error: Exception | None = None
        self._thread = threading.Thread(target=self._run, name="voc-mail-marker", daemon=True)
        self._thread.start()

    def mark(self, mail: OutboxMail, at: datetime) -> None:
        if self.error is not None:
            raise self.error
        self._queue.put((mail, at))

    def _run(self) -> None:
        while (item := self._queue.get()) is not None:
            if self.error is None:
                try:
                    _mark_sent(self._db, *item)
                except Exception as error:     # raised again on the pass's thread by mark() / close()
                    self.error = error

    def close(self) -> None:
        self._queue.put(None)
        self._thread.join()
        if self.error is not None:
            raise self.error


# --- a pass --------------------------------------------------------------------------------------

def send_pending(db, settings: MailSettings, now: datetime | None = None, limit: int = DEFAULT_LIMIT,
                 policy: RetryPolicy = DEFAULT_POLICY) -> SendReport:
    """One pass: send up to `limit` due mails over one connection. With sending off it only counts."""
    report = SendReport(sending=settings.sending)
    if settings.sending:
        with _pass_lock:
            _Pass(db, settings, now or utcnow(), policy, report).run(limit)
    report.queued = queued_count(db)
    return report


class _Pass:
    def __init__(self, db, settings: MailSettings, now: datetime, policy: RetryPolicy, report: SendReport) -> None:
        self.db, self.settings, self.policy, self.report = db, settings, policy, report
        self._now, self._started = now, time.monotonic()
        self.envelope_from = parseaddr(settings.sender)[1] or settings.sender
        # Stop sending a claimed mail well before its lease ends (another pass may take it after that).
        self.safe_for_s = policy.lease.total_seconds() - 2 * policy.timeout_s
        self.conn: smtplib.SMTP | None = None

    def clock(self) -> datetime:
        return self._now + timedelta(seconds=time.monotonic() - self._started)

    def fail(self, mail: OutboxMail, error: BaseException) -> None:
        _mark_failed_attempt(self.db, mail, error, self.clock(), self.policy, self.report)

    def run(self, limit: int) -> None:
        marker = _Marker(self.db)
        try:
            while limit > 0:
                batch = _claim(self.db, self.clock(), min(CLAIM_CHUNK, limit), self.policy)
                if not batch or not self._send_batch(batch, marker):
                    return
                limit -= len(batch)
        finally:
            marker.close()
            if self.conn is not None:
                try:
                    self.conn.quit()
                except (OSError, smtplib.SMTPException):
                    self.conn.close()

    def _send_batch(self, batch: list[OutboxMail], marker: _Marker) -> bool:
        """Send a claimed batch; False when the pass must end (server gone, lease nearly over)."""
        claimed_at = time.monotonic()
        if self.conn is None:
            try:
                self.conn = connect(self.settings.smtp, self.policy.timeout_s)
            except (OSError, smtplib.SMTPException) as error:    # server down, TLS or login refused
                for mail in batch:
                    self.fail(mail, error)
                return False
        for index, mail in enumerate(batch):
            if time.monotonic() - claimed_at > self.safe_for_s:
                _release(self.db, batch[index:], self.clock())
                return False
            try:
                message = build_message(mail, self.settings.sender)
            except Exception as error:     # a row that cannot become a message must not stop the pass
                self.fail(mail, error)
                continue
            try:
                self.conn.send_message(message, self.envelope_from, [mail.to_address])
            except (smtplib.SMTPServerDisconnected, OSError) as error:   # the connection is gone
                self.fail(mail, error)
                _release(self.db, batch[index + 1:], self.clock())
                return False
            except smtplib.SMTPException as error:                       # this mail refused
                self.fail(mail, error)
                continue
            marker.mark(mail, self.clock())
            self.report.sent += 1
        return True


def retry_now(db, actor: Actor, mail_ids: list[int], at: datetime | None = None,
              wait_s: float = 5.0) -> int:
    """Quản trị's "retry now": failed or waiting mails become due at once with a fresh set of attempts.

    Sent mails are never touched. Waits for a running pass to finish, so a mail being sent right
    now cannot be made due a second time.
    """
    actor.require(Permission.MANAGE_USERS)
    at = at or utcnow()
    if not _pass_lock.acquire(timeout=wait_s):
        raise ConflictError("Đang có một lượt gửi thư; vui lòng thử lại sau ít giây.")
    try:
        with db.transaction() as cur:
            rows = cur.execute(
                "UPDATE mail_outbox SET status = ?, attempts = 0, next_attempt_at = ? "
                "WHERE list_contains(?, id) AND status <> ? RETURNING id",
                [MailStatus.QUEUED.value, to_db(at), [int(i) for i in mail_ids], MailStatus.SENT.value]).fetchall()
            for (mail_id,) in rows:
                record_event(cur, actor.username, "mail", mail_id, "retry_requested", None, None, at=at)
    finally:
        _pass_lock.release()
    return len(rows)
