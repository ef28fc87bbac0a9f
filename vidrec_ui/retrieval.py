"""The app's retrieval switch: the vector index or exact search, per session, shown only where it applies.

The recommender is shared by every session of a server, so the choice is not stored on it: `current_recommender`
hands each page a `SessionRecommender`, the shared one answering with this session's choice.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from vidrec_core.core.settings import INDEX_FROM, index_from
from vidrec_core.data.schema import Catalog
from vidrec_core.embed.registry import find
from vidrec_core.index.build import find_index, unindexed_note
from vidrec_core.recommender import Recommender
from vidrec_ui.notices import SIDEBAR, add_detail, plain

RETRIEVAL_KEY = "retrieval_mode"


class SessionRecommender:
    """The server's recommender, answering `recommend` and `search` with this session's retrieval choice; every
    other attribute is the shared recommender's."""

    def __init__(self, shared: Recommender, mode: str):
        self._shared = shared
        self.mode = mode

    def recommend(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("index", self.mode)
        return self._shared.recommend(*args, **kwargs)

    def search(self, *args: Any, **kwargs: Any):
        kwargs.setdefault("index", self.mode)
        return self._shared.search(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._shared, name)


def session_mode() -> str:
    return st.session_state.get(RETRIEVAL_KEY, "auto")


def render_retrieval_choice(catalog: Catalog, model: str) -> None:
    """In the sidebar, for a catalog that has a vector index or is large enough to want one: the switch, or how to
    build the index. Nothing for the catalogs exact search serves well."""
    spec = find(model)
    threshold = index_from()
    large = threshold is not None and len(catalog) >= threshold
    index = find_index(catalog, spec.model_id, spec.dim) if spec is not None else None
    if index is None:
        st.session_state.pop(RETRIEVAL_KEY, None)
        note = unindexed_note(len(catalog))
        if note:
            st.caption(plain(note, SIDEBAR))
        return
    # "auto" is the index from the size on, exact below it; the other choice is the one "auto" does not make
    labels = (
        {"auto": "Vector index", "exact": "Exact: every video"}
        if large
        else {
            "auto": "Exact: every video",
            "lance": "Vector index",
        }
    )
    if st.session_state.get(RETRIEVAL_KEY) not in labels:  # another catalog's choice
        st.session_state.pop(RETRIEVAL_KEY, None)
    st.radio(
        "Retrieval",
        list(labels),
        format_func=labels.get,
        key=RETRIEVAL_KEY,
        help=f"The vector index picks a few hundred likely videos out of {index.manifest.rows:,} for each answer and "
        "scores those exactly: quick on a large catalog. Exact scores every video.",
    )
    add_detail(
        f"Vector index: LanceDB IVF-PQ, the default from {INDEX_FROM} = "
        f"{'never' if threshold is None else f'{threshold:,}'} videos.",
        SIDEBAR,
    )
