"""A throw-away Dovecot IMAP server on 127.0.0.1 for the tests and the mail benchmark.

Debian's dovecot-imapd (`apt-get install dovecot-imapd`), run as root from a temporary config on a
free high port: one passdb/userdb passwd-file readable by the dovecot user, mail stored as the
dovenull user (hence `first_valid_uid` low enough for it) in a temporary maildir, plaintext login
allowed because it only listens on loopback. Nothing outside the temporary folder is touched.
"""
from __future__ import annotations

import grp
import imaplib
import os
import pwd
import secrets
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

DOVECOT = Path("/usr/sbin/dovecot")
MAIL_USER = "dovenull"


def unavailable_reason() -> str | None:
    """Why a Dovecot server cannot be started here, or None when it can."""
    if not DOVECOT.exists():
        return f"{DOVECOT} không có (apt-get install dovecot-imapd)"
    if os.geteuid() != 0:
        return "cần quyền root để chạy dovecot từ cấu hình tạm"
    for name in (MAIL_USER, "dovecot"):
        try:
            pwd.getpwnam(name)
        except KeyError:
            return f"thiếu người dùng hệ thống {name} (cài lại dovecot-core)"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


_CONFIG = """\
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
log_path = {root}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain
first_valid_uid = {uid}
first_valid_gid = {gid}
default_internal_user = dovecot
default_login_user = dovenull
mail_location = maildir:{root}/mail/%u/Maildir
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/passwd
}}
userdb {{
  driver = static
  args = uid={uid} gid={gid} home={root}/mail/%u
}}
service imap-login {{
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
"""


class Dovecot:
    """`with Dovecot() as server:` a running server; `server.url` is a VOC_IMAP_URL for it."""

    def __init__(self, user: str = "khieunai@voc-desk.local"):
        self.user = user
        self.password = secrets.token_urlsafe(12)
        self.port = 0
        self.root: Path | None = None
        self._pid: int | None = None

    @property
    def url(self) -> str:
        return f"imap://{self.user.replace('@', '%40')}:{self.password}@127.0.0.1:{self.port}/INBOX"

    def __enter__(self) -> "Dovecot":
        reason = unavailable_reason()
        if reason:
            raise RuntimeError(reason)
        self.root = Path(tempfile.mkdtemp(prefix="vocdv-"))
        self.root.chmod(0o755)          # the dovecot and dovenull users must reach their files
        try:
            self._start()
        except BaseException:
            self.__exit__()
            raise
        return self

    def _start(self) -> None:
        uid, gid = pwd.getpwnam(MAIL_USER).pw_uid, grp.getgrnam(MAIL_USER).gr_gid
        (self.root / "mail").mkdir()
        os.chown(self.root / "mail", uid, gid)
        passwd = self.root / "passwd"
        passwd.write_text(f"{self.user}:{{PLAIN}}{self.password}\n", encoding="utf-8")
        os.chown(passwd, 0, grp.getgrnam("dovecot").gr_gid)
        passwd.chmod(0o640)
        for attempt in range(5):
            self.port = _free_port()
            config = self.root / "dovecot.conf"
            config.write_text(_CONFIG.format(root=self.root, uid=uid, gid=gid, port=self.port), encoding="utf-8")
            # The daemon keeps its inherited stdout/stderr: give it a file, never a pipe we would wait on.
            with open(self.root / "start.log", "wb") as out:
                started = subprocess.run([str(DOVECOT), "-c", str(config)], stdout=out, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL, timeout=30)
            if started.returncode != 0:
                text = (self.root / "start.log").read_text(errors="replace")
                raise RuntimeError(f"dovecot did not start: {text.strip()[:500]}")
            self._pid = self._read_pid()
            if self._wait_ready():
                return
            self._stop()
        raise RuntimeError(f"dovecot did not listen; log: {self.log()[-500:]}")

    def _read_pid(self, seconds: float = 10.0) -> int:
        """The master's pid, which the daemon writes just after it has forked."""
        path = self.root / "run" / "master.pid"
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            text = path.read_text().strip() if path.exists() else ""
            if text.isdigit():
                return int(text)
            time.sleep(0.02)
        raise RuntimeError(f"dovecot wrote no pid file; log: {self.log()[-500:]}")

    def _wait_ready(self, seconds: float = 10.0) -> bool:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                    if s.recv(64).startswith(b"* OK"):
                        return True
            except OSError:
                time.sleep(0.05)
        return False

    def log(self) -> str:
        path = self.root / "dovecot.log" if self.root else None
        return path.read_text(errors="replace") if path and path.exists() else ""

    def _stop(self) -> None:
        if self._pid is None:
            return
        try:
            os.kill(self._pid, signal.SIGTERM)
        except ProcessLookupError:
            self._pid = None
            return
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                os.kill(self._pid, 0)
            except ProcessLookupError:
                break
            time.sleep(0.05)
        self._pid = None

    def __exit__(self, *exc) -> None:
        self._stop()
        if self.root is not None:
            shutil.rmtree(self.root, ignore_errors=True)
            self.root = None

    # --- talking to it as a mail client would -------------------------------------------------

    def client(self) -> imaplib.IMAP4:
        imap = imaplib.IMAP4("127.0.0.1", self.port, timeout=30)
        imap.login(self.user, self.password)
        imap.select("INBOX")
        return imap

    def append(self, *messages: bytes) -> None:
        imap = self.client()
        try:
            for raw in messages:
                status, data = imap.append("INBOX", None, None, raw)
                if status != "OK":
                    raise RuntimeError(f"APPEND failed: {data}")
        finally:
            imap.logout()

    def flags(self) -> dict[int, str]:
        """UID -> the FLAGS list as the server reports it."""
        imap = self.client()
        try:
            _, data = imap.uid("FETCH", "1:*", "(FLAGS)")
        finally:
            imap.logout()
        out = {}
        for item in data:
            if isinstance(item, bytes) and b"UID" in item:
                text = item.decode()
                uid = int(text.split("UID ")[1].split()[0].rstrip(")"))
                out[uid] = text.split("FLAGS (")[1].split(")")[0]
        return out

    def reset_flags(self) -> None:
        """Take every flag off every message, as if nothing had ever been marked done."""
        imap = self.client()
        try:
            imap.uid("STORE", "1:*", "-FLAGS.SILENT", "($VocDone \\Seen)")
        finally:
            imap.logout()

    def clear(self) -> None:
        """Remove every message (between tests)."""
        imap = self.client()
        try:
            imap.uid("STORE", "1:*", "+FLAGS.SILENT", "(\\Deleted)")
            imap.expunge()
        finally:
            imap.logout()
