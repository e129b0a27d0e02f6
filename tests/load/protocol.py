"""`python -m tests.load.protocol [the options of python -m voc bench --load]`: the load bench with the
protocol driver: each session is one websocket client that speaks Streamlit's own protocol, as the
browser's frontend does, with no browser. It lives under tests/ because it needs Streamlit's wire format
(streamlit.proto), and voc/ never imports Streamlit.

Why: on a small machine chromium with 10-30 tabs takes more than a core of its own, so two app processes
never get two cores and the bench measures the browser as much as the server. A protocol session costs
the server the same runs (the same BackMsgs, the same widget states, the same ForwardMsgs sent back) and
all of them together take a few per cent of a core (client_cpu), so submits per second measure the server.
What it leaves out is the browser's own work: drawing, and the frontend's timers (no heartbeat is sent).

Streamlit 1.67's protocol as its frontend speaks it (streamlit/proto; static/js; web/server/starlette):
- connecting: GET /_stcore/health (which sets the `_streamlit_xsrf` cookie) and /_stcore/host-config, as
  the frontend pings them, then ws://HOST/_stcore/stream
  with the cookies (the desk's session cookie, voc.accounts.sessions.COOKIE_NAME, and the XSRF one),
  Origin http://HOST (same origin passes the server's Origin check), Sec-WebSocket-Protocol
  "streamlit, XSRF-TOKEN" and permessage-deflate, as chromium offers it;
- a run is asked for with BackMsg.rerun_script (ClientState: page_script_hash, widget_states, the hashes of
  the messages the client keeps, context_info); the server answers new_session (a run starts), navigation
  (app_pages: each page's title, page_script_hash and whether the menu hides it), deltas (new_element or
  add_block at metadata.delta_path, replacing what was there; ref_hash for a message the client said it
  keeps) and script_finished (FINISHED_EARLY_FOR_RERUN when st.rerun starts another run at once);
- the client keeps each message marked cacheable until it went unused for max_cached_message_age runs;
- widget states as the frontend's WidgetStateManager holds them: every drawn widget with its value
  (string_value for text_input and text_area, the formatted option for selectbox and radio, ISO dates in
  string_array_value for date_input, an empty FileUploaderState); a form's widgets are sent only when it
  is submitted, with the submit button's trigger_value; a button outside a form sends the widgets outside
  forms and its trigger; a page change sends the main script's widgets (the sidebar's) and the page's hash.
A run's page is the elements its deltas left; a submit succeeds when the "Đã lưu hồ sơ" success alert with
the ticket code is among them; error alerts and exceptions (and a script compile error) are error boxes.
"""
from __future__ import annotations

import asyncio
import sys
import time
import urllib.request
from datetime import datetime
from typing import Any, Callable
from urllib.parse import urlsplit

from voc.cli.bench_load import CODE, LoadSession, Run, run_phases

XSRF_COOKIE = "_streamlit_xsrf"
# What the frontend tells the server about the browser (ClientState.context_info).
CONTEXT = {"timezone": "Asia/Ho_Chi_Minh", "timezone_offset": -420, "locale": "vi-VN", "color_scheme": "light"}
SAVED = "Đã lưu hồ sơ"
MAYBE_SAVED = "Có thể hồ sơ này đã được lưu"


def initial_state(kind: str, proto):
    """The value the frontend registers for a widget it has drawn (a WidgetState), or None when it holds
    none: buttons (a trigger is sent only when clicked) and kinds these pages do not draw."""
    from streamlit.proto.WidgetStates_pb2 import WidgetState

    state, current = WidgetState(id=proto.id), getattr(proto, "set_value", False)
    if kind in ("text_input", "text_area"):
        if current and proto.HasField("value"):
            state.string_value = proto.value
        elif proto.HasField("default"):
            state.string_value = proto.default
        else:
            return None
    elif kind in ("selectbox", "radio"):
        if current and proto.HasField("raw_value"):
            state.string_value = proto.raw_value
        elif proto.HasField("default"):
            state.string_value = proto.options[proto.default]
        else:
            return None
    elif kind == "date_input":
        state.string_array_value.data.extend(proto.value if current else proto.default)
    elif kind == "checkbox":
        state.bool_value = proto.value if current else proto.default
    elif kind == "file_uploader":
        state.file_uploader_state_value.SetInParent()
    else:
        return None
    return state


class ProtocolSession(LoadSession):
    """One signed-in staff member as one websocket client on one app process."""

    def __init__(self, index: int, url: str, token: str, tag: str, timeout_s: float):
        super().__init__(index, url, tag, timeout_s)
        self.token = token
        self.socket = None
        self.pages: dict[str, str] = {}             # the sidebar's page titles -> page_script_hash
        self.main_hash = self.page_hash = ""
        self.elements: dict[tuple[int, ...], tuple[str, Any, str]] = {}   # delta path -> kind, proto, script
        self.cache: dict[str, list] = {}            # hash -> [ForwardMsg, the run it was last used in]
        self.max_age, self.runs = 2, 0
        self.typed: dict[str, Any] = {}             # widget id -> the WidgetState the user typed in
        self.compile_errors: list[str] = []

    # --- connection and runs

    def _xsrf_token(self) -> str | None:
        """The frontend's pings before it connects: the health check (which sets the XSRF cookie) and the
        host configuration; the XSRF token, as the browser then holds it."""
        token = None
        for path in ("/_stcore/health", "/_stcore/host-config"):
            with urllib.request.urlopen(self.url + path, timeout=self.timeout_s) as response:
                for header in response.headers.get_all("Set-Cookie") or []:
                    name, _, rest = header.partition("=")
                    if name.strip() == XSRF_COOKIE:
                        token = rest.split(";", 1)[0]
        return token

    async def _connect(self) -> None:
        from websockets.asyncio.client import connect

        from voc.accounts.sessions import COOKIE_NAME

        xsrf = await asyncio.to_thread(self._xsrf_token)
        cookies = f"{COOKIE_NAME}={self.token}" + (f"; {XSRF_COOKIE}={xsrf}" if xsrf else "")
        self.socket = await connect(
            f"ws://{urlsplit(self.url).netloc}/_stcore/stream", origin=self.url,
            subprotocols=["streamlit", xsrf] if xsrf else ["streamlit"], additional_headers={"Cookie": cookies},
            proxy=None, open_timeout=self.timeout_s, ping_interval=None, max_size=None)

    async def close(self) -> None:
        if self.socket is not None:
            await self.socket.close()

    async def _rerun(self, widget_states: list, page_hash: str, seen: Callable[[], bool] | None = None) -> float:
        """One rerun_script and the run(s) it starts until the last finishes: the seconds until `seen` was
        first true of the page (or until the end)."""
        from streamlit.proto.BackMsg_pb2 import BackMsg
        from streamlit.proto.ClientState_pb2 import ClientState, ContextInfo
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        state = ClientState(query_string="", page_script_hash=page_hash, page_name="",
                            cached_message_hashes=list(self.cache),
                            context_info=ContextInfo(url=self.url + "/", is_embedded=False, **CONTEXT))
        state.widget_states.widgets.extend(widget_states)
        start, shown = time.monotonic(), None
        await self.socket.send(BackMsg(rerun_script=state).SerializeToString())
        while True:
            msg = ForwardMsg.FromString(await self.socket.recv())
            if msg.WhichOneof("type") == "ref_hash":
                entry = self.cache[msg.ref_hash]
                entry[1] = self.runs
                full = ForwardMsg()
                full.CopyFrom(entry[0])
                full.metadata.CopyFrom(msg.metadata)
                msg = full
            elif msg.metadata.cacheable:
                self.cache[msg.hash] = [msg, self.runs]
            kind = msg.WhichOneof("type")
            if kind == "new_session":
                self.elements, self.compile_errors = {}, []
                self.main_hash, self.page_hash = msg.new_session.main_script_hash, msg.new_session.page_script_hash
                self.max_age = msg.new_session.config.max_cached_message_age or self.max_age
            elif kind == "navigation":      # st.navigation's menu: the sidebar's links
                self.pages = {p.page_name: p.page_script_hash for p in msg.navigation.app_pages if not p.is_hidden}
                self.page_hash = msg.navigation.page_script_hash or self.page_hash
            elif kind == "delta":
                self._apply(msg)
                if seen is not None and shown is None and seen():
                    shown = time.monotonic() - start
            elif kind == "session_event" and msg.session_event.HasField("script_compilation_exception"):
                error = msg.session_event.script_compilation_exception
                self.compile_errors.append(f"{error.type}: {error.message}"[:200])
            elif kind == "page_not_found":
                raise RuntimeError(f"không có trang {msg.page_not_found.page_name!r}")
            elif kind == "script_finished" and msg.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                self.runs += 1
                self.cache = {h: e for h, e in self.cache.items() if self.runs - e[1] <= self.max_age}
                return shown if shown is not None else time.monotonic() - start

    def _apply(self, msg) -> None:
        """A delta replaces what was at its path, with everything inside it."""
        path = tuple(msg.metadata.delta_path)
        for old in [p for p in self.elements if p[:len(path)] == path]:
            del self.elements[old]
        delta = msg.delta
        if delta.WhichOneof("type") == "new_element":
            kind = delta.new_element.WhichOneof("type")
            self.elements[path] = (kind, getattr(delta.new_element, kind), msg.metadata.active_script_hash)
        elif delta.WhichOneof("type") == "add_block":
            self.elements[path] = ("block", delta.add_block, msg.metadata.active_script_hash)

    # --- the page as the run left it

    def _of_kind(self, *kinds: str) -> list:
        return [proto for kind, proto, _ in self.elements.values() if kind in kinds]

    def _widget(self, label: str, *kinds: str):
        """The drawn widget labelled `label` (of one of `kinds`): (kind, proto); RuntimeError if none."""
        for kind, proto, _ in self.elements.values():
            if kind in kinds and getattr(proto, "label", None) == label:
                return kind, proto
        raise RuntimeError(f"không thấy {label!r} trên trang")

    def _button(self, label: str):
        return next((b for b in self._of_kind("button") if b.label == label), None)

    def _states(self, trigger=None, form_id: str = "", page_change: bool = False) -> list:
        """The widget states the frontend sends: the widgets outside forms (on a page change only the main
        script's), `form_id`'s widgets when it is submitted, what was typed, and `trigger` clicked."""
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        states = []
        for kind, proto, script in self.elements.values():
            if not getattr(proto, "id", "") or getattr(proto, "form_id", "") not in ("", form_id):
                continue
            if page_change and script != self.main_hash:
                continue
            state = self.typed[proto.id] if proto.id in self.typed else initial_state(kind, proto)
            if state is not None:
                states.append(state)
        if trigger is not None:
            states.append(WidgetState(id=trigger.id, trigger_value=True))
        return states

    def _alerts(self, format_name: str) -> list[str]:
        from streamlit.proto.Alert_pb2 import Alert

        return [a.body for a in self._of_kind("alert") if a.format == Alert.Format.Value(format_name)]

    def _submit_outcome(self) -> bool:
        """What the browser driver waits for after "Lưu hồ sơ": success, an error box or the duplicate note."""
        return bool(any(SAVED in body for body in self._alerts("SUCCESS")) or self._alerts("ERROR")
                    or self._of_kind("exception") or any(MAYBE_SAVED in b for b in self._alerts("WARNING")))

    async def _count_error_boxes(self) -> None:
        texts = ([body[:200] for body in self._alerts("ERROR")] + self.compile_errors
                 + [f"{e.type}: {e.message}"[:200] for e in self._of_kind("exception")])
        self.error_boxes += len(texts)
        self.error_texts += texts

    # --- the actions

    async def _nav(self, title: str) -> None:
        if title not in self.pages:
            raise RuntimeError(f"không có trang {title!r} trong thanh bên")
        await self._rerun(self._states(page_change=True), self.pages[title])

    async def sign_in(self) -> None:
        await self._connect()
        await self._rerun([], "")
        if self._button("Đăng xuất") is None:
            raise RuntimeError("không thấy nút Đăng xuất: phiên chưa đăng nhập")

    async def intake_open(self, round_no: int) -> float:
        start = time.monotonic()
        await self._nav("Tiếp nhận")
        again = self._button("Tiếp nhận hồ sơ mới")
        if again is not None:
            await self._rerun(self._states(trigger=again), self.page_hash)
        self._widget("Lưu hồ sơ", "button")
        seconds = time.monotonic() - start
        self._fill(round_no)
        return seconds

    def _fill(self, round_no: int) -> None:
        from streamlit.proto.WidgetStates_pb2 import WidgetState

        self.typed = {}
        for label, value in self.form_values(round_no).items():
            kind, proto = self._widget(label, "text_input", "text_area", "date_input")
            state = WidgetState(id=proto.id)
            if kind == "date_input":
                state.string_array_value.data.append(datetime.strptime(value, "%d/%m/%Y").date().isoformat())
            else:
                state.string_value = value
            self.typed[proto.id] = state

    async def intake_submit(self, round_no: int) -> float:
        marker = self.marker(round_no)
        _, button = self._widget("Lưu hồ sơ", "button")
        states = self._states(trigger=button, form_id=button.form_id)
        self.submitted.append(marker)
        seconds = await self._rerun(states, self.page_hash, seen=self._submit_outcome)
        saved = [body for body in self._alerts("SUCCESS") if SAVED in body]
        if not saved:
            shown = self._alerts("ERROR") + self._alerts("WARNING") + [e.message for e in self._of_kind("exception")]
            raise RuntimeError(f"không thấy thông báo đã lưu: {' | '.join(shown)[:200]}")
        self.codes[marker] = CODE.search(saved[0]).group(0)
        return seconds

    async def _open_page(self, title: str, heading: str) -> float:
        start = time.monotonic()
        await self._nav(title)
        if not any(heading in h.body for h in self._of_kind("heading")):
            raise RuntimeError(f"không thấy tiêu đề {heading!r}")
        return time.monotonic() - start


async def drive(run: Run, urls: list[str], tokens: list[str], app_pids: list[int], db_pids: list[int],
                rounds: int, timeout_s: float, deadline: float, tag: str) -> list[LoadSession]:
    """The protocol driver: N websocket sessions through `rounds` rounds (bench_load.run_phases)."""
    sessions = [ProtocolSession(index, urls[index % len(urls)], token, tag, timeout_s)
                for index, token in enumerate(tokens)]
    try:
        await run_phases(run, sessions, len(urls), app_pids, db_pids, rounds, deadline)
        return sessions
    finally:
        await asyncio.gather(*(s.close() for s in sessions), return_exceptions=True)


def main(argv: list[str] | None = None) -> int:
    from voc.cli.bench_load import run_load_bench
    from voc.cli.commands import build_parser

    args = build_parser().parse_args(["bench", "--load", *(sys.argv[1:] if argv is None else argv)])
    return run_load_bench(args, drive, "protocol")


if __name__ == "__main__":
    sys.exit(main())
