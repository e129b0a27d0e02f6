"""Mail settings from the environment: VOC_IMAP_URL, VOC_SMTP_URL, VOC_MAIL_FROM, VOC_MAIL_BRANCH.

VOC_MAIL_BRANCH is the branch that receives the cases opened from mail (default: Hà Nội, the
head office that answers the complaints address). VOC_MAIL_WORKER says who runs the mail worker
(`worker_mode`): the app (default) or one separate `python -m voc worker` process.

Unset means that part of mail is off; nothing else errors. Passwords never leave this module in a
printable form: `describe()` is what Quản trị shows.
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from enum import Enum
from urllib.parse import unquote, urlsplit

from voc.errors import ValidationError


class ImapSecurity(str, Enum):
    PLAIN = "imap"
    TLS = "imaps"


class SmtpSecurity(str, Enum):
    PLAIN = "smtp"
    STARTTLS = "smtp+starttls"
    TLS = "smtps"


_IMAP_PORTS = {ImapSecurity.PLAIN: 143, ImapSecurity.TLS: 993}
_SMTP_PORTS = {SmtpSecurity.PLAIN: 25, SmtpSecurity.STARTTLS: 587, SmtpSecurity.TLS: 465}


@dataclass(frozen=True)
class ImapSettings:
    security: ImapSecurity
    host: str
    port: int
    user: str
    password: str = field(repr=False)
    mailbox: str = "INBOX"

    def describe(self) -> str:
        return f"{self.security.value}://{self.user}@{self.host}:{self.port}/{self.mailbox}"


@dataclass(frozen=True)
class SmtpSettings:
    security: SmtpSecurity
    host: str
    port: int
    user: str | None
    password: str | None = field(repr=False)

    def describe(self) -> str:
        who = f"{self.user}@" if self.user else ""
        return f"{self.security.value}://{who}{self.host}:{self.port}"


DEFAULT_MAIL_BRANCH = "Hà Nội"


@dataclass(frozen=True)
class MailSettings:
    imap: ImapSettings | None
    smtp: SmtpSettings | None
    sender: str | None
    intake_branch: str = DEFAULT_MAIL_BRANCH

    @property
    def fetching(self) -> bool:
        return self.imap is not None

    @property
    def sending(self) -> bool:
        return self.smtp is not None and bool(self.sender)

    @property
    def our_addresses(self) -> frozenset[str]:
        """Addresses whose mail is our own: the sender address and the complaints mailbox's login."""
        found = set()
        if self.sender:
            found.add(self.sender.rsplit("<", 1)[-1].strip(" >").lower())
        if self.imap and "@" in self.imap.user:
            found.add(self.imap.user.lower())
        return frozenset(a for a in found if "@" in a)

    @property
    def domain(self) -> str:
        """The domain of our Message-IDs: the sender address's, else a fixed local name."""
        if self.sender and "@" in self.sender:
            return self.sender.rsplit("@", 1)[1].strip(">").strip() or "voc-desk.local"
        return "voc-desk.local"


def parse_imap_url(url: str) -> ImapSettings:
    parts = urlsplit(url.strip())
    try:
        security = ImapSecurity(parts.scheme.lower())
    except ValueError:
        raise ValidationError(f"VOC_IMAP_URL phải bắt đầu bằng imap:// hoặc imaps:// (nhận được: {parts.scheme or 'trống'}).")
    if not parts.hostname or not parts.username:
        raise ValidationError("VOC_IMAP_URL cần tên máy chủ và tài khoản: imaps://user:password@host:port/MAILBOX.")
    mailbox = unquote(parts.path.lstrip("/")) or "INBOX"
    return ImapSettings(security, parts.hostname, parts.port or _IMAP_PORTS[security],
                        unquote(parts.username), unquote(parts.password or ""), mailbox)


def parse_smtp_url(url: str) -> SmtpSettings:
    parts = urlsplit(url.strip())
    try:
        security = SmtpSecurity(parts.scheme.lower())
    except ValueError:
        raise ValidationError("VOC_SMTP_URL phải bắt đầu bằng smtp://, smtp+starttls:// hoặc smtps:// "
                              f"(nhận được: {parts.scheme or 'trống'}).")
    if not parts.hostname:
        raise ValidationError("VOC_SMTP_URL cần tên máy chủ: smtp://[user:password@]host:port.")
    user = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password else None
    return SmtpSettings(security, parts.hostname, parts.port or _SMTP_PORTS[security], user, password)


def mail_settings(environ: dict[str, str] | None = None) -> MailSettings:
    """Read the three settings; an empty or missing variable turns that part off."""
    env = os.environ if environ is None else environ
    imap_url = (env.get("VOC_IMAP_URL") or "").strip()
    smtp_url = (env.get("VOC_SMTP_URL") or "").strip()
    sender = (env.get("VOC_MAIL_FROM") or "").strip() or None
    branch = (env.get("VOC_MAIL_BRANCH") or "").strip() or DEFAULT_MAIL_BRANCH
    return MailSettings(parse_imap_url(imap_url) if imap_url else None,
                        parse_smtp_url(smtp_url) if smtp_url else None,
                        sender, branch)


WORKER_ENV = "VOC_MAIL_WORKER"


class WorkerMode(str, Enum):
    IN_APP = "app"            # each app process runs the mail worker on a thread (one app process, DuckDB)
    EXTERNAL = "external"     # `python -m voc worker` runs it; app processes start none (server mode)


def worker_mode(environ: dict[str, str] | None = None) -> WorkerMode:
    """Who runs the mail worker: VOC_MAIL_WORKER=external for one separate process, else the app."""
    env = os.environ if environ is None else environ
    value = (env.get(WORKER_ENV) or "").strip().lower() or WorkerMode.IN_APP.value
    try:
        return WorkerMode(value)
    except ValueError:
        raise ValidationError(f"{WORKER_ENV} phải là “app” (mặc định: ứng dụng tự chạy tiến trình thư) hoặc "
                              f"“external” (tiến trình riêng `python -m voc worker`); nhận được: “{value}”.") from None
