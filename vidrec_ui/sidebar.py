"""The sidebar every page shares: which catalog and which language model are in use."""

from __future__ import annotations

import streamlit as st

from vidrec_core.core.errors import VidrecError
from vidrec_core.core.notice import Notice
from vidrec_core.core.paths import SAMPLE_CATALOG
from vidrec_core.embed.registry import ENCODERS, label
from vidrec_ui.jobs import sidebar_indicator
from vidrec_ui.notices import SIDEBAR, add_detail, plain, start_details
from vidrec_ui.resources import CatalogChoice, cached_catalog, catalog_choices, kept_catalogs
from vidrec_ui.retrieval import render_retrieval_choice
from vidrec_ui.text import md_escape

CHOICE_KEY = "catalog_choice"  # the selected catalog's path (labels change on rename, paths do not)
PENDING_KEY = "pending_catalog"  # (path, model) asked for by another page, applied before the widgets exist
SHARED_SERVER = Notice(
    "Everyone using this server shares its kept catalogs and saved histories.",
    "The server answers only this computer unless started with `--server.address 0.0.0.0`.",
)


def select_catalog(path: str, model: str | None = None) -> None:
    """Ask the sidebar to switch to a catalog (and its encoder) on the next run; call `st.rerun()` after."""
    st.session_state[PENDING_KEY] = (path, model)


def _follow_catalog_model(choices: dict[str, CatalogChoice]) -> None:
    """On a catalog switch the model follows the catalog's chosen encoder; the user may change it after."""
    choice = choices.get(st.session_state.get(CHOICE_KEY, ""))
    if choice is not None and choice.model in ENCODERS:
        st.session_state["model"] = choice.model


def render_sidebar() -> None:
    choices = {c.path: c for c in catalog_choices()}
    paths = list(choices)
    pending = st.session_state.pop(PENDING_KEY, None)
    if pending is not None and pending[0] in choices:
        st.session_state[CHOICE_KEY] = pending[0]
        model = pending[1] or choices[pending[0]].model
        if model in ENCODERS:
            st.session_state["model"] = model
    if st.session_state.get(CHOICE_KEY) not in choices:  # deleted, or first run
        st.session_state.pop(CHOICE_KEY, None)
    start_details(SIDEBAR)
    with st.sidebar:
        st.markdown("### vidrec")
        path = st.selectbox(
            "Catalog",
            paths,
            format_func=lambda p: choices[p].label,
            key=CHOICE_KEY,
            on_change=_follow_catalog_model,
            args=(choices,),
            help="The sample, and the catalogs kept from the Data page.",
        )
        choice = choices[path]
        add_detail(choice.detail, SIDEBAR)
        st.selectbox("Language model", list(ENCODERS), format_func=label, key="model")
        for problem in kept_catalogs()[1]:
            st.caption(md_escape(plain(problem, SIDEBAR)))
        try:
            catalog = cached_catalog(choice.path)
        except VidrecError as exc:
            st.error(f"This catalog cannot be used: {md_escape(plain(exc.notice, SIDEBAR))}")
            st.session_state["catalog_path"] = str(SAMPLE_CATALOG)
            return
        st.session_state["catalog_path"] = choice.path
        st.session_state["catalog_label"] = choice.label
        st.caption(f"{len(catalog):,} videos · {len(catalog.genre_names)} genres")
        if catalog.titles_only:
            st.caption("titles only: descriptions would help")
        if catalog.notes:
            with st.expander(f"Notes on this catalog ({len(catalog.notes)})"):
                for note in catalog.notes:
                    st.caption(md_escape(note))
        render_retrieval_choice(catalog, st.session_state.get("model", choice.model))
        sidebar_indicator()
        st.caption(plain(SHARED_SERVER, SIDEBAR))
