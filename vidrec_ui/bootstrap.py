"""Every page runs inside main.py's navigation, even when its URL is the first thing a fresh server sees.

With a `pages/` folder, Streamlit answers a direct page URL on a server that has not yet run main.py by running the
page file alone (its legacy multipage mode): no sidebar, no navigation. The page then hands over to main.py, which
opens the wanted page in the app's own navigation.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

APP_RAN = "_app_ran"
WANTED = "_wanted_page"


def mark_app_running() -> None:
    st.session_state[APP_RAN] = True


def ensure_app(page_file: str) -> None:
    """Call first thing in each page; a no-op when main.py is running the page, as it should."""
    if st.session_state.get(APP_RAN):
        return
    st.session_state[WANTED] = f"pages/{Path(page_file).name}"
    st.switch_page("main.py")


def open_wanted_page() -> None:
    """Called by main.py after its navigation exists: go to the page a direct URL asked for."""
    wanted = st.session_state.pop(WANTED, None)
    if wanted:
        st.switch_page(wanted)


def init_session() -> None:
    """A new session starts on the first sample persona, whichever page it opens first."""
    from vidrec_ui.history_state import HISTORY_KEY, has, put, set_history
    from vidrec_ui.resources import cached_personas

    if not has(HISTORY_KEY):
        personas = cached_personas()
        first = next(iter(personas))
        put("persona", first)
        set_history(personas[first].history)
