"""Shared fixtures: a real database per test (a DuckDB file; a PostgreSQL database for the server-mode
runs), actors of each role, a valid intake draft, AppTest runs."""
from __future__ import annotations

import itertools
import os
import re
from dataclasses import replace
from datetime import date, datetime, timezone
from pathlib import Path

import pytest

from voc.accounts.access import Actor, Role
from voc.store.db import Database
from voc.model import CaseDraft, Channel, Customer, Delivery, IssueKind, LetterDelivery, Service

ROOT = Path(__file__).resolve().parent.parent
# A fixed "now" for rules tests: Monday 09:10 in Hà Nội.
MONDAY_0910 = datetime(2026, 11, 23, 2, 10, tzinfo=timezone.utc)
# How the tests' letters are sent unless a test is about sending.
BY_EMAIL = Delivery(LetterDelivery.EMAIL, "an@example.com")
BY_POST = Delivery(LetterDelivery.POST, "12 Láng Hạ, Hà Nội")


@pytest.fixture(scope="session")
def pg_server():
    """One throw-away PostgreSQL cluster for the session (voc/store/pg_testserver.py). Where it cannot
    start the PostgreSQL tests skip, except in CI (CI=true), where they must run."""
    from voc.store import pg_testserver

    reason = pg_testserver.unavailable_reason()
    if reason:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI: PostgreSQL tests must run, but {reason}")
        pytest.skip(reason)
    with pg_testserver.PostgresServer() as server:
        yield server


@pytest.fixture(scope="session", autouse=True)
def analytics_copies(tmp_path_factory):
    """Server mode's analytics copies (voc.insight.replica_file) of this session's processes, served apps
    included, go to a folder of the session, not to data/."""
    from voc.insight.replica_file import REPLICA_DIR_ENV

    folder = tmp_path_factory.mktemp("analytics-copies")
    previous = os.environ.get(REPLICA_DIR_ENV)
    os.environ[REPLICA_DIR_ENV] = str(folder)
    yield folder
    if previous is None:
        os.environ.pop(REPLICA_DIR_ENV, None)
    else:
        os.environ[REPLICA_DIR_ENV] = previous


PG_TEMPLATE = "voc_template"
# The test folders whose `db` tests run on both backends ([duckdb] and [postgres]); elsewhere `db` is the
# DuckDB file only. A test module can opt in with `BOTH_BACKENDS = True`.
BOTH_BACKEND_DIRS = ("store", "desk", "accounts", "mail", "insight", "demo")
_pg_names = itertools.count(1)


def pytest_generate_tests(metafunc):
    if "db" not in metafunc.fixturenames or metafunc.definition.get_closest_marker("duckdb_only"):
        return
    folder = Path(str(metafunc.definition.path)).parent
    if (folder.parent == ROOT / "tests" and folder.name in BOTH_BACKEND_DIRS) or getattr(
            metafunc.module, "BOTH_BACKENDS", False):
        metafunc.parametrize("db", ["duckdb", "postgres"], indirect=True)


@pytest.fixture(scope="session")
def pg_template(pg_server):
    """A database migrated once per session: every PostgreSQL test starts from a copy of it."""
    from voc.store.pg import PostgresDatabase

    PostgresDatabase(pg_server.create_database(PG_TEMPLATE)).close()
    return PG_TEMPLATE


@pytest.fixture
def pg_db(pg_server, pg_template):
    """A fresh, migrated PostgreSQL database for one test (a copy of the template), dropped afterwards."""
    from voc.store.pg import PostgresDatabase

    name = f"voc_test_{os.getpid()}_{next(_pg_names)}"
    database = PostgresDatabase(pg_server.create_database(name, template=pg_template))
    yield database
    database.close()
    pg_server.drop_database(name)


@pytest.fixture
def db(request, tmp_path):
    """The test's database: a DuckDB file, or (parametrised "postgres", see pytest_generate_tests) a
    fresh PostgreSQL database."""
    if getattr(request, "param", "duckdb") == "postgres":
        yield request.getfixturevalue("pg_db")
        return
    database = Database(tmp_path / "voc.duckdb")
    yield database
    database.close()


@pytest.fixture
def staff() -> Actor:
    return Actor("lan", Role.STAFF, "Hà Nội", "Nguyễn Thị Lan")


@pytest.fixture
def other_branch_staff() -> Actor:
    return Actor("tuan", Role.STAFF, "Đà Nẵng", "Trần Văn Tuấn")


@pytest.fixture
def qa() -> Actor:
    return Actor("qa1", Role.QA, None, "Giám sát 1")


@pytest.fixture
def manager() -> Actor:
    return Actor("ql1", Role.MANAGER, None, "Quản lý 1")


@pytest.fixture
def admin() -> Actor:
    return Actor("admin", Role.ADMIN, None, "Quản trị viên")


def make_draft(**changes) -> CaseDraft:
    draft = CaseDraft(
        customer=Customer("Nguyễn Văn An", "0912345678", "an@example.com", "12 Láng Hạ, Hà Nội"),
        channel=Channel.IN_PERSON,
        service=Service.HOSTING,
        issue_kind=IssueKind.QUALITY,
        event_date=date(2026, 11, 21),
        content="Website bị sập từ sáng thứ Bảy, khách của tôi không truy cập được.",
        request="Khôi phục website ngay và bồi thường thời gian gián đoạn.",
        branch="Hà Nội",
    )
    return replace(draft, **changes)


@pytest.fixture
def draft() -> CaseDraft:
    return make_draft()


@pytest.fixture(scope="session")
def text_engine_warm(tmp_path_factory):
    """The text engine (the first theme model, the sentiment model) fitted, or read from the disk cache,
    once per test process before any AppTest: on a machine without the cache the fits take minutes, longer
    than a page run's timeout (the app's first intake waits for them). Each test's fresh database then gets
    the same models from the in-process cache."""
    from voc.setup import ensure_defaults

    database = Database(tmp_path_factory.mktemp("text-engine") / "warm.duckdb")
    ensure_defaults(database)
    database.close()


@pytest.fixture
def app_env(tmp_path, monkeypatch, text_engine_warm):
    """Point the app at a fresh database file and clear Streamlit's caches between tests."""
    import streamlit as st

    monkeypatch.setenv("VOC_DB_PATH", str(tmp_path / "app.duckdb"))
    st.cache_resource.clear()
    st.cache_data.clear()
    yield tmp_path / "app.duckdb"
    st.cache_resource.clear()
    st.cache_data.clear()


def signed_in(app, actor: Actor):
    """Put `actor` in the AppTest session as if they had logged in."""
    app.session_state["voc_user"] = actor
    app.session_state["voc_last_seen"] = datetime.now(timezone.utc)
    return app


def errors_shown(app) -> list[str]:
    """The error boxes' texts as the user reads them (Markdown escapes removed)."""
    return [re.sub(r"\\(.)", r"\1", e.value) for e in app.error]


@pytest.fixture(scope="session")
def imap_server():
    """A real Dovecot on 127.0.0.1 (voc.mail.testserver). In CI (CI=true) these tests must run."""
    import os

    from voc.mail.testserver import Dovecot, unavailable_reason

    reason = unavailable_reason()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run the IMAP tests, but: {reason}")
        pytest.skip(reason)
    with Dovecot() as server:
        yield server


@pytest.fixture
def mailbox(imap_server):
    """The test server with an empty INBOX."""
    imap_server.clear()
    yield imap_server
    imap_server.clear()
