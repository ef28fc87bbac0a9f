"""Session values that every page shares: the working history and the view settings.

Streamlit forgets a widget's value when the page holding the widget is not shown. So each such value lives under
a plain session key (which Streamlit keeps), and its widget is seeded from it on every run and writes back to it on
change. Pages, callbacks and links read and write the plain key through `get` and `put`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import streamlit as st

HISTORY_KEY = "history_text"


def _canonical(name: str) -> str:
    return f"_kept_{name}"


def get(name: str, default: Any = None) -> Any:
    return st.session_state.get(_canonical(name), default)


def put(name: str, value: Any) -> None:
    st.session_state[_canonical(name)] = value


def has(name: str) -> bool:
    return _canonical(name) in st.session_state


def _from_widget(name: str, then: Callable[[], None] | None) -> None:
    put(name, st.session_state[name])
    if then is not None:
        then()


def bind(name: str, default: Any = None, on_change: Callable[[], None] | None = None) -> dict[str, Any]:
    """Keyword arguments for a widget whose value must survive page changes: `st.slider(..., **bind("k", 10))`."""
    if get(name) is None:
        put(name, default)
    st.session_state[name] = get(name)
    return {"key": name, "on_change": _from_widget, "args": (name, on_change)}


def current_history_text() -> str:
    return get(HISTORY_KEY, "") or ""


def set_history(text: str) -> None:
    put(HISTORY_KEY, text)


def append_line(line: str) -> None:
    """Add one event line (e.g. 'The Martian (2015)', 'dislike: Saw (2004)') to the end of the history."""
    line = " ".join(line.split())
    if not line:
        return
    text = current_history_text().rstrip("\n")
    set_history(f"{text}\n{line}" if text else line)
