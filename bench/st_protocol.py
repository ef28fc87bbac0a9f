"""One Streamlit session driven over the server's own websocket protocol, without a browser.

Why: a load test that opens N chromium pages on a small machine measures chromium, not the server. This client
speaks what the browser frontend speaks on `/_stcore/stream` (Streamlit 1.67, Starlette server): binary protobuf
frames, a `BackMsg` up to ask for a run, `ForwardMsg`s down with the run's elements, ending in `script_finished`.

What the server expects, and what this client does about it:

- Subprotocol: the frontend repurposes `Sec-WebSocket-Protocol` as "streamlit, <xsrf token>, <session id to
  resume>". The server selects the first entry; the xsrf token is only checked before it reads an auth cookie, and
  a connection without an Origin header is allowed. A fresh session therefore needs just "streamlit".
- Runs: a run starts when the client sends `rerun_script` with its `ClientState` (query string, page, the widget
  states it holds). The server answers `new_session`, `navigation` (the page's script hash), deltas,
  `page_info_changed` (the new query string, i.e. the address bar) and `script_finished`. A run cut short by
  `st.rerun` or `st.switch_page` ends in `FINISHED_EARLY_FOR_RERUN` and the next run follows on its own.
- Forward message cache: the server replaces a large element by a `ref_hash` reference only when the
  `ClientState` lists that element's hash in `cached_message_hashes`. This client lists none, so every message
  arrives whole, and a reference is a protocol error.
- Fragments: a delta made inside an `st.fragment` carries its fragment id. A widget there, changed, asks the
  server for a run of that fragment only (`ClientState.fragment_id`), as the browser does; the run's deltas are then
  the fragment's alone.
- Keep-alive: the server pings and the websockets library answers. `app_heartbeat` only keeps proxies from
  dropping an idle connection, which localhost has none of. Like a browser, the client sends no pings itself.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.Element_pb2 import Element
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from streamlit.runtime.state.common import is_element_id, user_key_from_element_id
from websockets.asyncio.client import ClientConnection, connect
from websockets.typing import Subprotocol

TEXT_WIDGETS = frozenset({"text_area", "text_input"})


class ProtocolError(Exception):
    """The server sent something this client does not expect (a cached-message reference)."""


@dataclass
class Run:
    """What one script run showed: enough to tell whether an edit went through and what the session holds."""

    status: int | None = None
    widget_ids: dict[str, str] = field(default_factory=dict)  # user key -> element id
    text_values: dict[str, str] = field(default_factory=dict)  # user key -> value the server set on a text widget
    exceptions: list[str] = field(default_factory=list)
    markdown: list[str] = field(default_factory=list)
    fragments: dict[str, str] = field(default_factory=dict)  # user key -> the fragment the widget was drawn in
    elements_outside_fragments: int = 0  # none in a fragment's own run

    @property
    def succeeded(self) -> bool:
        done = (ForwardMsg.FINISHED_SUCCESSFULLY, ForwardMsg.FINISHED_FRAGMENT_RUN_SUCCESSFULLY)
        return self.status in done and not self.exceptions

    def add(self, element: Element, fragment_id: str = "") -> None:
        if not fragment_id:
            self.elements_outside_fragments += 1
        kind = element.WhichOneof("type")
        if kind is None:
            return
        proto = getattr(element, kind)
        if kind == "exception":
            self.exceptions.append(f"{proto.type}: {proto.message}")
        elif kind == "markdown":
            self.markdown.append(proto.body)
        element_id = getattr(proto, "id", "")
        key = user_key_from_element_id(element_id) if is_element_id(element_id) else None
        if key is None:
            return
        self.widget_ids[key] = element_id
        if fragment_id:
            self.fragments[key] = fragment_id
        if kind in TEXT_WIDGETS and proto.set_value:
            self.text_values[key] = proto.value


class Session:
    """A browser tab's worth of protocol: it remembers the page, the query string and its widget states."""

    def __init__(self, connection: ClientConnection) -> None:
        self._connection = connection
        self._query_string = ""
        self._page_script_hash = ""  # empty: the app's default page, as when a browser opens the bare URL
        # By element id; all of them go with every rerun, as the frontend sends every widget state it holds.
        self._widget_states: dict[str, WidgetState] = {}
        self._fragment_id = ""  # the fragment of the widget changed since the last run, if any
        self.last_run = Run()

    def set_text(self, user_key: str, value: str) -> None:
        """Type `value` into the text widget with this user key (seen in the last run); sent with the next rerun."""
        widget_id = self.last_run.widget_ids[user_key]
        self._widget_states[widget_id] = WidgetState(id=widget_id, string_value=value)
        self._fragment_id = self.last_run.fragments.get(user_key, "")

    async def rerun(self, timeout: float = 300) -> Run:
        """Ask for a run with the current client state and wait until it has finished: the changed widget's
        fragment only, when it was drawn in one, as the browser asks."""
        message = BackMsg()
        state = message.rerun_script
        state.query_string = self._query_string
        state.page_script_hash = self._page_script_hash
        state.fragment_id, self._fragment_id = self._fragment_id, ""
        state.widget_states.widgets.extend(self._widget_states.values())
        await self._connection.send(message.SerializeToString())
        async with asyncio.timeout(timeout):
            self.last_run = await self._read_run()
        return self.last_run

    async def _read_run(self) -> Run:
        run = Run()
        while True:
            message = ForwardMsg.FromString(await self._connection.recv(decode=False))
            kind = message.WhichOneof("type")
            if kind == "ref_hash":
                raise ProtocolError("the server sent a cached-message reference, but this client caches nothing")
            if kind == "new_session":
                run = Run()  # each run, including one that follows a rerun request, starts here
            elif kind == "navigation":
                self._page_script_hash = message.navigation.page_script_hash
            elif kind == "page_info_changed":
                self._query_string = message.page_info_changed.query_string
            elif kind == "delta" and message.delta.WhichOneof("type") == "new_element":
                run.add(message.delta.new_element, message.delta.fragment_id)
            elif kind == "script_finished" and message.script_finished != ForwardMsg.FINISHED_EARLY_FOR_RERUN:
                run.status = message.script_finished
                return run


@asynccontextmanager
async def open_session(base_url: str) -> AsyncIterator[Session]:
    """A new session on the server at `base_url` (http://host:port); no run has happened yet."""
    address = base_url.replace("http", "ws", 1).rstrip("/") + "/_stcore/stream"
    async with connect(
        address, subprotocols=[Subprotocol("streamlit")], max_size=None, ping_interval=None
    ) as connection:
        yield Session(connection)
