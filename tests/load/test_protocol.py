"""`python -m tests.load.protocol` (the load bench's protocol driver) for real at a small size: two websocket sessions speaking
Streamlit's protocol, one round, on one app process with a DuckDB file and on two app processes with a
PostgreSQL database of the test server; the cases they saved hold what their widget states said."""
from __future__ import annotations

import re
import subprocess
import sys
from datetime import datetime

import pytest

from tests.conftest import ROOT
from tests.cli.test_bench_load import CASES, SESSIONS, assert_both_setups_lose_nothing, pg_rows
from voc.cli.bench_load import LoadSession
from voc.model import Channel, Service

pytestmark = pytest.mark.slow


def run_protocol_bench(*args: str):
    return subprocess.run([sys.executable, "-m", "tests.load.protocol", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=600)


def test_the_protocol_driver_drives_both_setups_and_loses_nothing(tmp_path, pg_server):
    url = pg_server.create_database("voc_load_protocol_test")
    done = run_protocol_bench("--sessions", str(SESSIONS), "--rounds", "1",
               "--cases", str(CASES), "--db", str(tmp_path / "bench.duckdb"), "--database-url", url,
               "--action-timeout", "120")
    assert_both_setups_lose_nothing(done, url, "protocol")
    # Each case is the form as the session filled it: text inputs, text areas and the date input as typed,
    # the selectboxes at their first option, the channel radio at its first (in person, the staff's branch).
    rows = pg_rows(url, "SELECT content, customer_name, customer_phone, event_date, request, service, channel, "
                        "branch FROM cases WHERE content LIKE ? ORDER BY content", ["%LOAD-%"])
    assert len(rows) == SESSIONS
    for content, name, phone, event_date, request, service, channel, branch in rows:
        tag, index, round_no = re.search(r"LOAD-([0-9a-f]+)-(\d+)-(\d+)", content).groups()
        typed = LoadSession(int(index), "", tag, 0).form_values(int(round_no))
        assert (content, name, phone, request) == (typed["Nội dung phản ánh *"], typed["Họ tên khách hàng *"],
                                                   typed["Điện thoại"], typed["Yêu cầu cần giải quyết *"])
        assert event_date == datetime.strptime(typed["Ngày xảy ra sự việc *"], "%d/%m/%Y").date()
        assert (service, channel) == (list(Service)[0].value, list(Channel)[0].value) and branch


def test_widget_states_are_encoded_as_the_frontend_sends_them():
    from streamlit.proto.Button_pb2 import Button
    from streamlit.proto.DateInput_pb2 import DateInput
    from streamlit.proto.Selectbox_pb2 import Selectbox
    from streamlit.proto.TextArea_pb2 import TextArea

    from tests.load.protocol import initial_state

    chosen = initial_state("selectbox", Selectbox(id="s", options=["Hosting", "VPS"], default=0, raw_value="VPS",
                                                  set_value=True))
    assert (chosen.id, chosen.WhichOneof("value"), chosen.string_value) == ("s", "string_value", "VPS")
    assert initial_state("selectbox", Selectbox(id="s", options=["Hosting", "VPS"], default=1)).string_value == "VPS"
    assert initial_state("text_area", TextArea(id="t", default="")).string_value == ""
    assert initial_state("text_area", TextArea(id="t")) is None          # value=None: the frontend holds none
    assert list(initial_state("date_input", DateInput(id="d", default=["2026-11-29"])).string_array_value.data) \
        == ["2026-11-29"]
    assert initial_state("button", Button(id="b", label="Lưu hồ sơ")) is None   # a trigger only when clicked
