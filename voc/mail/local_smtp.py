"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps what it receives: for the tests and the
send benchmark. It can be stopped and started again on the same port (a server that is down, then
up), made to refuse (5xx at RCPT or DATA), given STARTTLS / implicit TLS and a login, and told to
call a function when it has taken a mail, before it answers 250 (to kill a sender in that window)."""
from __future__ import annotations

import email
import socket
import ssl
from dataclasses import dataclass
from typing import Callable
from email.message import EmailMessage
from email.policy import default as default_policy

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@dataclass(frozen=True)
class CapturedMail:
    mail_from: str
    rcpt_tos: tuple[str, ...]
    data: bytes

    @property
    def message(self) -> EmailMessage:
        return email.message_from_bytes(self.data, policy=default_policy)


class _Handler:
    def __init__(self) -> None:
        self.received: list[CapturedMail] = []
        self.refuse_rcpt: str | None = None   # e.g. "550 5.1.1 No such user"
        self.refuse_data: str | None = None   # e.g. "554 5.7.1 Rejected"
        self.on_accept: Callable[[], None] | None = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refuse_rcpt:
            return self.refuse_rcpt
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.refuse_data:
            return self.refuse_data
        self.received.append(CapturedMail(envelope.mail_from, tuple(envelope.rcpt_tos), envelope.original_content))
        if self.on_accept:
            self.on_accept()
        return "250 Message accepted for delivery"


class LocalSmtpServer:
    """`with LocalSmtpServer() as server:` … `server.received`; `stop()` / `start()` keep the port."""

    def __init__(self, port: int | None = None, *, starttls: ssl.SSLContext | None = None,
                 implicit_tls: ssl.SSLContext | None = None, login: tuple[str, str] | None = None) -> None:
        self.port = port or free_port()
        self.handler = _Handler()
        self._starttls, self._implicit_tls, self._login = starttls, implicit_tls, login
        self._controller: Controller | None = None

    @property
    def received(self) -> list[CapturedMail]:
        return self.handler.received

    def refuse(self, *, rcpt: str | None = None, data: str | None = None) -> None:
        """Answer RCPT or DATA with this reply from now on; `refuse()` accepts again."""
        self.handler.refuse_rcpt, self.handler.refuse_data = rcpt, data

    def _authenticate(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        ok = (isinstance(auth_data, LoginPassword) and self._login is not None
              and (auth_data.login.decode(), auth_data.password.decode()) == self._login)
        return AuthResult(success=ok, handled=False)

    def start(self) -> "LocalSmtpServer":
        kwargs: dict = {}
        if self._starttls:
            kwargs.update(tls_context=self._starttls, require_starttls=True)
        if self._implicit_tls:
            kwargs.update(ssl_context=self._implicit_tls)
        if self._login:
            kwargs.update(authenticator=self._authenticate, auth_required=True)
        self._controller = Controller(self.handler, hostname=HOST, port=self.port, **kwargs)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def __enter__(self) -> "LocalSmtpServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
