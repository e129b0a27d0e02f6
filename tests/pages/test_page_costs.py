"""What a page load or an intake submit costs the server, as counts (never times): the work must not
grow with the data (issue #13: server CPU per intake, case-list and SLA-board load)."""
from __future__ import annotations

from datetime import timedelta

from streamlit.testing.v1 import AppTest

from tests.conftest import ROOT, make_draft, signed_in
from voc.accounts.access import Actor, Role
from voc.clock import local_date, utcnow
from voc.desk import cases
from voc.insight import analytics

ADMIN = Actor("admin", Role.ADMIN, None, "Quản trị viên")


def count_calls(monkeypatch, module, name: str) -> list:
    """Note every call of module.name (the real function still runs)."""
    calls: list = []
    real = getattr(module, name)

    def noted(*args, **kwargs):
        calls.append(args)
        return real(*args, **kwargs)

    monkeypatch.setattr(module, name, noted)
    return calls


def log_cases(staff: list[str]) -> None:
    from ui.session import get_db

    for n, username in enumerate(staff):
        cases.receive(get_db(), ADMIN, make_draft(staff=username, event_date=local_date(utcnow()) - timedelta(days=1),
                                                  content=f"Website bị sập lần {n}."))


def open_page(page: str) -> AppTest:
    app = signed_in(AppTest.from_file(str(ROOT / "pages" / page), default_timeout=30), ADMIN)
    app.run()
    assert not app.exception, app.exception
    return app


def test_case_list_reads_the_data_version_as_often_with_many_staff_as_with_few(app_env, monkeypatch):
    """The staff filter's options were named one by one, each name reading the data version again."""
    log_cases(["lan", "minh"])
    versions = count_calls(monkeypatch, analytics, "data_version")
    open_page("cases.py")
    few = len(versions)
    log_cases([f"nv{n:02d}" for n in range(12)])
    versions.clear()
    app = open_page("cases.py")
    assert len(next(m for m in app.multiselect if m.label == "Nhân viên").options) == 14
    assert len(versions) == few
