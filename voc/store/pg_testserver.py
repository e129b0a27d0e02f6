"""A throw-away PostgreSQL cluster on 127.0.0.1 for the tests and the server-mode benchmark.

Debian's postgresql packages (`apt-get install postgresql`): initdb and postgres refuse to run as
root, so the cluster is created and run as the postgres system user in a temporary folder that
user owns, on a free high port, with a password login for one role over TCP. Its time zone is
deliberately not UTC, so the tests see that the desk keeps UTC whatever the server says. Nothing
outside the temporary folder is touched, and the cluster is stopped (and removed) on close.
"""
from __future__ import annotations

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

SYSTEM_USER = "postgres"
ROLE = "voc"
SERVER_TIME_ZONE = "Asia/Ho_Chi_Minh"


def _bin_dir() -> Path | None:
    """The newest installed PostgreSQL's bin folder (Debian: /usr/lib/postgresql/<major>/bin)."""
    base = Path("/usr/lib/postgresql")
    versions = sorted((p for p in base.glob("*/bin") if (p / "initdb").exists()),
                      key=lambda p: int(p.parent.name) if p.parent.name.isdigit() else 0)
    return versions[-1] if versions else None


def unavailable_reason() -> str | None:
    """Why a PostgreSQL server cannot be started here, or None when it can."""
    if _bin_dir() is None:
        return "không có PostgreSQL (apt-get install postgresql)"
    try:
        pwd.getpwnam(SYSTEM_USER)
    except KeyError:
        return f"thiếu người dùng hệ thống {SYSTEM_USER} (cài lại postgresql-common)"
    if os.geteuid() != 0 and pwd.getpwuid(os.geteuid()).pw_name != SYSTEM_USER:
        return f"cần quyền root (hoặc người dùng {SYSTEM_USER}) để chạy một cụm PostgreSQL tạm"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresServer:
    """`with PostgresServer() as pg:` a running cluster; `pg.url(dbname)` a URL for VOC_DATABASE_URL."""

    def __init__(self) -> None:
        reason = unavailable_reason()
        if reason:
            raise RuntimeError(reason)
        self.bin = _bin_dir()
        self.port = _free_port()
        self.password = secrets.token_hex(12)
        self.root = Path(tempfile.mkdtemp(prefix="voc-pg-"))
        self.data = self.root / "data"
        self._started = False

    # -- running commands as the postgres user -------------------------------------------------
    def _run(self, *args: str, input: str | None = None) -> subprocess.CompletedProcess:
        command = [str(self.bin / args[0]), *args[1:]]
        if os.geteuid() == 0:
            command = ["runuser", "-u", SYSTEM_USER, "--", *command]
        return subprocess.run(command, input=input, capture_output=True, text=True, check=True, cwd="/")

    def start(self) -> "PostgresServer":
        pw = pwd.getpwnam(SYSTEM_USER)
        os.chown(self.root, pw.pw_uid, pw.pw_gid)
        self.root.chmod(0o700)
        password_file = self.root / "pw"
        password_file.write_text(self.password + "\n")
        os.chown(password_file, pw.pw_uid, pw.pw_gid)
        self._run("initdb", "-D", str(self.data), "-U", ROLE, "--pwfile", str(password_file), "-A", "scram-sha-256",
                  "-E", "UTF8", "--locale", "C.UTF-8", "--no-sync")
        password_file.unlink()
        options = (f"-c listen_addresses=127.0.0.1 -c port={self.port} -c unix_socket_directories={self.root} "
                   f"-c timezone={SERVER_TIME_ZONE} -c fsync=off -c synchronous_commit=off "
                   f"-c full_page_writes=off -c max_connections=200")
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.root / "server.log"), "-o", options, "-w",
                  "-t", "60", "start")
        self._started = True
        self._pid = int((self.data / "postmaster.pid").read_text().split()[0])
        self._wait_ready()
        return self

    def _wait_ready(self, timeout_s: float = 30) -> None:
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            done = subprocess.run([str(self.bin / "pg_isready"), "-h", "127.0.0.1", "-p", str(self.port)],
                                  capture_output=True)
            if done.returncode == 0:
                return
            time.sleep(0.2)
        raise RuntimeError("PostgreSQL không sẵn sàng sau 30 giây:\n" + self.log())

    def log(self) -> str:
        path = self.root / "server.log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""

    # -- databases -----------------------------------------------------------------------------
    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql://{ROLE}:{self.password}@127.0.0.1:{self.port}/{dbname}"

    def create_database(self, name: str, template: str | None = None) -> str:
        """A new database (a copy of `template` when given); returns its URL."""
        import psycopg
        from psycopg import sql

        query = sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name))
        if template:
            query = sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(sql.Identifier(name), sql.Identifier(template))
        with psycopg.connect(self.url(), autocommit=True) as con:
            con.execute(query)
        return self.url(name)

    def drop_database(self, name: str) -> None:
        import psycopg
        from psycopg import sql

        with psycopg.connect(self.url(), autocommit=True) as con:
            con.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))

    def stop(self) -> None:
        if self._started:
            try:
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
            except subprocess.CalledProcessError:
                # The folder went (a /tmp cleaner): stop the server by its process id instead.
                try:
                    os.kill(self._pid, signal.SIGQUIT)
                except ProcessLookupError:
                    pass
            self._started = False
        shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> "PostgresServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
