"""Plain words on the page, engineers' details in one place: each page collects the details of what it said
(`say`) and shows them together at its end (`engineer_details`).

The sidebar runs before the page and keeps its details apart (`SIDEBAR`), so a page starting its own collection
does not lose them; the page's expander shows both. A page that stops early (`st.stop`) still gets its expander:
main.py calls `engineer_details` after the page, which draws it only when the page did not.
"""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from vidrec_core.core.notice import detail_of
from vidrec_core.core.plaintext import visible
from vidrec_ui.text import md_escape

DETAILS_KEY = "_engineer_details"
SIDEBAR = "_sidebar_engineer_details"
SHOWN_KEY = "_engineer_details_shown"
ENGINEERS = "Details for engineers"


def start_details(part: str = DETAILS_KEY) -> None:
    """Begin a page run (or, with `SIDEBAR`, a sidebar run) with no details collected."""
    st.session_state[part] = []
    if part == DETAILS_KEY:
        st.session_state[SHOWN_KEY] = False


def add_detail(detail: str, part: str = DETAILS_KEY) -> None:
    if detail and detail not in st.session_state.setdefault(part, []):
        st.session_state[part].append(detail)


def say(message: str, show: Callable[[str], object] = st.warning, part: str = DETAILS_KEY) -> None:
    """Show a message's plain words (escaped) and keep its detail, if any, for the engineers' expander."""
    show(md_escape(message))
    add_detail(detail_of(message), part)


def plain(message: str, part: str = DETAILS_KEY) -> str:
    """A message's words for a caption, its detail kept for the engineers' expander."""
    add_detail(detail_of(message), part)
    return str(message)


def engineer_details() -> None:
    """The page's and the sidebar's collected details, folded away: commands, settings and figures a product manager
    does not need. Drawn once per run."""
    if st.session_state.get(SHOWN_KEY):
        return
    st.session_state[SHOWN_KEY] = True
    page = st.session_state.get(DETAILS_KEY) or []
    details = [*page, *(d for d in st.session_state.get(SIDEBAR) or [] if d not in page)]
    if details:
        with st.expander(ENGINEERS):
            for detail in details:
                st.code(visible(detail), language=None, wrap_lines=True)
