"""Save, load, rename and delete named histories (SQLite under the data folder)."""

from __future__ import annotations

import streamlit as st

from vidrec_core.core.errors import VidrecError
from vidrec_core.saved.histories import SavedHistories
from vidrec_ui.controls import VIEW_KEYS, keep_restored
from vidrec_ui.history_origin import CUSTOM_PERSONA, ORIGIN_KEY
from vidrec_ui.history_state import current_history_text, get, put, set_history
from vidrec_ui.resources import cached_personas
from vidrec_ui.text import md_escape

MESSAGE_KEY = "_saved_message"


def _histories() -> SavedHistories:
    return SavedHistories(read_only=frozenset(cached_personas()))


def _report(kind: str, text: str) -> None:
    st.session_state[MESSAGE_KEY] = (kind, text)


def _suggested_name() -> str:
    persona = get("persona")
    return f"{persona} (copy)" if persona in cached_personas() else "My history"


def _save() -> None:
    name = st.session_state.get("save_name", "").strip() or _suggested_name()
    try:
        settings = {key: get(key) for key in VIEW_KEYS}
        saved = _histories().save(name, current_history_text(), settings)
        _report("success", f"Saved “{saved}”.")
    except VidrecError as exc:
        _report("error", str(exc))


def _load() -> None:
    name = st.session_state.get("saved_choice")
    try:
        saved = _histories().load(name)
    except VidrecError as exc:
        _report("error", str(exc))
        return
    set_history(saved.text)
    put("persona", CUSTOM_PERSONA)
    put(ORIGIN_KEY, None)  # a saved or shared history is its own
    restored = {key for key in VIEW_KEYS if saved.settings.get(key) is not None}
    for key in restored:
        put(key, saved.settings[key])
    keep_restored(restored)
    _report("success", f"Loaded “{saved.name}”.")


def _rename() -> None:
    try:
        new = _histories().rename(st.session_state.get("saved_choice"), st.session_state.get("rename_to", ""))
        st.session_state["saved_choice"] = new
        _report("success", f"Renamed to “{new}”.")
    except VidrecError as exc:
        _report("error", str(exc))


def _delete() -> None:
    name = st.session_state.get("saved_choice")
    try:
        _histories().delete(name)
        st.session_state.pop("saved_choice", None)
        _report("success", f"Deleted “{name}”.")
    except VidrecError as exc:
        _report("error", str(exc))


def saved_histories_panel() -> None:
    with st.expander("Saved histories"):
        try:
            names = _histories().names()
        except VidrecError as exc:
            st.error(md_escape(exc))
            return
        st.text_input("Save the current history as", placeholder=_suggested_name(), key="save_name", max_chars=80)
        st.button("Save", on_click=_save, key="save_button")
        if names:
            st.selectbox("Saved", names, key="saved_choice")
            cols = st.columns(3)
            cols[0].button("Load", on_click=_load, key="load_button")
            cols[2].button("Delete", on_click=_delete, key="delete_button")
            st.text_input("Rename to", key="rename_to", max_chars=80)
            st.button("Rename", on_click=_rename, key="rename_button")
        else:
            st.caption("Nothing saved yet.")
        message = st.session_state.pop(MESSAGE_KEY, None)
        if message:
            getattr(st, message[0])(md_escape(message[1]))
