"""Plain words on the page, engineers' details in one place: each page collects the details of what it said
(`say`) and shows them together at its end (`engineer_details`)."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from vidrec_core.core.notice import detail_of
from vidrec_core.core.plaintext import visible
from vidrec_ui.text import md_escape

DETAILS_KEY = "_engineer_details"
ENGINEERS = "Details for engineers"


def start_details() -> None:
    """Begin a page run with no details collected."""
    st.session_state[DETAILS_KEY] = []


def add_detail(detail: str) -> None:
    if detail and detail not in st.session_state.setdefault(DETAILS_KEY, []):
        st.session_state[DETAILS_KEY].append(detail)


def say(message: str, show: Callable[[str], object] = st.warning) -> None:
    """Show a message's plain words (escaped) and keep its detail, if any, for the engineers' expander."""
    show(md_escape(message))
    add_detail(detail_of(message))


def plain(message: str) -> str:
    """A message's words for a caption, its detail kept for the engineers' expander."""
    add_detail(detail_of(message))
    return str(message)


def engineer_details() -> None:
    """The page's collected details, folded away: commands, settings and figures a product manager does not need."""
    details = st.session_state.get(DETAILS_KEY) or []
    if details:
        with st.expander(ENGINEERS):
            for detail in details:
                st.code(visible(detail), language=None, wrap_lines=True)
