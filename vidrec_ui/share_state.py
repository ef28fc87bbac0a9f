"""Keep the Recommend page's view in the URL, and restore it when a shared link is opened."""

from __future__ import annotations

from collections.abc import Mapping

import streamlit as st

from vidrec_core.profile.registry import STRATEGIES
from vidrec_core.saved.links import MAX_PARAM_CHARS, ShareError, params_to_view, view_to_params
from vidrec_ui.controls import keep_restored
from vidrec_ui.history_origin import CUSTOM_PERSONA, ORIGIN_KEY
from vidrec_ui.history_state import get, put, set_history

RESTORED_FLAG = "_view_restored"


def restore_from_link() -> str | None:
    """On a session's first run, load the view from the query string. Returns a problem to show, if any."""
    if st.session_state.get(RESTORED_FLAG):
        return None
    st.session_state[RESTORED_FLAG] = True
    params = {key: st.query_params.get(key) for key in st.query_params}
    if not params:
        return None
    try:
        view = params_to_view(params, set(STRATEGIES))
    except ShareError as exc:
        st.query_params.clear()
        return f"{exc} The sample view is shown instead."
    if "history" in view:
        set_history(view.pop("history"))
        put("persona", CUSTOM_PERSONA)
        put(ORIGIN_KEY, None)  # a saved or shared history is its own
    for key, value in view.items():
        put(key, value)
    keep_restored(set(view))
    return None


def persona_options(personas: Mapping[str, object]) -> list[str]:
    """The picker's choices: every persona, then the viewer's own history, named after the persona it started from
    when it did ("Your history, from Space sci-fi fan")."""
    chosen = get("persona")
    own = chosen if chosen and chosen not in personas else CUSTOM_PERSONA
    return [*personas, own]


def write_to_link(view: dict) -> bool:
    """Put the current view in the address bar. False when the history is too long for a link."""
    params = view_to_params(view)
    if sum(len(k) + len(v) for k, v in params.items()) > MAX_PARAM_CHARS:
        st.query_params.clear()
        return False
    if dict(st.query_params) != params:
        st.query_params.from_dict(params)
    return True
