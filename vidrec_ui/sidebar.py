"""The sidebar every page shares: which catalog and which language model are in use."""

from __future__ import annotations

import streamlit as st

from vidrec_core.errors import VidrecError
from vidrec_ui.resources import MODELS, cached_catalog, catalog_choices


def render_sidebar() -> None:
    choices = catalog_choices()
    labels = [c.label for c in choices]
    with st.sidebar:
        st.markdown("### vidrec")
        label = st.selectbox("Catalog", labels, key="catalog_label")
        choice = choices[labels.index(label)]
        st.selectbox("Language model", list(MODELS), format_func=MODELS.get, key="model")
        try:
            catalog = cached_catalog(choice.path)
        except VidrecError as exc:
            st.error(f"This catalog cannot be used: {exc}")
            st.session_state["catalog_path"] = choices[-1].path
            return
        st.session_state["catalog_path"] = choice.path
        st.caption(f"{len(catalog):,} videos · {len(catalog.genre_names)} genres")
        for note in catalog.notes:
            st.caption(note)
