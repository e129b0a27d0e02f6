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


def test_an_intake_submit_is_one_run_that_tags_and_searches_once(app_env, monkeypatch):
    """The submit used to save in one run and show the result in a second (st.rerun), the whole page and
    app again; "Tiếp nhận hồ sơ mới" likewise. Tagging, the duplicate check and the similar cases run once."""
    import ui.session
    from tests.pages.test_pages_intake import fill, saved_code, submit
    from voc.desk import duplicates
    from voc.text import similar, tagging

    STAFF = Actor("lan", Role.STAFF, "Hà Nội", "Nguyễn Thị Lan")
    app = signed_in(AppTest.from_file(str(ROOT / "pages" / "intake.py"), default_timeout=30), STAFF)
    app.run()
    fill(app, phone="0912345678")
    runs = count_calls(monkeypatch, ui.session, "page_actor")
    tagged = count_calls(monkeypatch, tagging, "tag_received_case")
    duplicate_checks = count_calls(monkeypatch, duplicates, "likely_duplicates")
    alike = count_calls(monkeypatch, similar, "similar_cases")
    submit(app)
    code = saved_code(app)
    assert any(code in s.value for s in app.success)
    assert (len(runs), len(tagged), len(duplicate_checks), len(alike)) == (1, 1, 1, 1)
    runs.clear()
    next(b for b in app.button if b.label == "Tiếp nhận hồ sơ mới").click().run()
    assert len(runs) == 1
    assert "intake_done" not in app.session_state and any(b.label == "Lưu hồ sơ" for b in app.button)


def test_sla_board_reads_only_the_open_list(app_env, monkeypatch):
    """The board read all four lists (up to 500 rows each) on every load and drew one."""
    from voc.insight import sla_report

    log_cases(["lan", "minh", "tuan"])
    lists = count_calls(monkeypatch, sla_report, "board_rows")
    app = open_page("sla_board.py")
    assert [args[1] for args in lists] == ["due_24h"]
    app.session_state["sla_list"] = app.tabs[3].label      # "Trong hạn", as a click opens it
    app.run()
    assert [args[1] for args in lists] == ["due_24h", "on_time"]
    board = next(d.value for d in app.dataframe if "Mã hồ sơ" in d.value.columns)
    assert len(board) == 3


def test_sla_board_reads_the_data_version_once_a_run(app_env, monkeypatch):
    """The page read it, then the list table's and the workload table's staff names read it again each."""
    log_cases(["lan", "minh"])
    app = signed_in(AppTest.from_file(str(ROOT / "pages" / "sla_board.py"), default_timeout=30), ADMIN)
    app.session_state["sla_list_open"] = "on_time"          # the list the cases are on, as a click opens it
    app.run()
    log_cases(["tuan"])                       # a write: every read of the board is due again
    from ui import tables

    versions = count_calls(monkeypatch, analytics, "data_version")
    names_versions = count_calls(monkeypatch, tables, "data_version")      # its own import of the function
    app.run()
    assert not app.exception, app.exception
    assert len(next(d.value for d in app.dataframe if "Mã hồ sơ" in d.value.columns)) == 3
    assert any("Đang mở" in d.value.columns for d in app.dataframe)         # the workload table
    assert len(versions) + len(names_versions) == 1


def test_an_intake_save_does_not_throw_away_what_other_sessions_read_since(app_env, monkeypatch):
    """Every write cleared st.cache_data in the whole process, though each cached read is keyed on the data
    version: a board another session read after the save (the new version) was thrown away by the saving run
    and read again by the next session. Here the other session loads while the saving run is still going."""
    from tests.pages.test_pages_intake import fill, saved_code, submit
    from voc.insight import sla_report

    log_cases(["lan", "minh"])
    board_page = open_page("sla_board.py")
    staff = Actor("lan", Role.STAFF, "Hà Nội", "Nguyễn Thị Lan")
    intake = signed_in(AppTest.from_file(str(ROOT / "pages" / "intake.py"), default_timeout=30), staff)
    intake.run()
    fill(intake, phone="0912345678")
    real_receive = cases.receive

    def receive_then_other_session_loads(*args, **kwargs):
        case = real_receive(*args, **kwargs)
        board_page.run()                  # another session opens SLA right after the save has committed
        assert not board_page.exception, board_page.exception
        return case

    monkeypatch.setattr(cases, "receive", receive_then_other_session_loads)
    submit(intake)
    saved_code(intake)
    reads = [count_calls(monkeypatch, sla_report, name) for name in ("workload", "weekly_compliance", "aging")]
    board_page.run()
    assert not board_page.exception, board_page.exception
    assert [len(calls) for calls in reads] == [0, 0, 0]
    assert [m.value for m in board_page.metric][3] == "3"

