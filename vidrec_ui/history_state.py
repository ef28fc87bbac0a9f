"""The session's working history, shared by every page: one text, one event per line."""

from __future__ import annotations

import streamlit as st

HISTORY_KEY = "history_text"


def current_history_text() -> str:
    return st.session_state.get(HISTORY_KEY, "")


def append_line(line: str) -> None:
    """Add one event line (e.g. 'The Martian', 'dislike: Saw') to the end of the session's history."""
    line = " ".join(line.split())
    if not line:
        return
    text = current_history_text().rstrip("\n")
    st.session_state[HISTORY_KEY] = f"{text}\n{line}" if text else line
