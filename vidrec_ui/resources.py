"""Engine pieces cached once per server process and shared, read-only, by every session."""

from __future__ import annotations

import os
from dataclasses import dataclass

import streamlit as st

from vidrec_core.catalog import Catalog, load_catalog
from vidrec_core.embed import Encoder, get_encoder
from vidrec_core.errors import VidrecError
from vidrec_core.paths import SAMPLE_CATALOG
from vidrec_core.personas import Persona, load_personas
from vidrec_core.recommender import Recommender, embed_catalog, load_collaborative

MODELS = {
    "minilm": "MiniLM (English, 384-d)",
    "multilingual": "Universal Sentence Encoder (16 languages incl. Chinese, 512-d)",
}
SAMPLE_LABEL = "Sample: TMDB 5000 movies"


@dataclass(frozen=True)
class CatalogChoice:
    label: str
    path: str


def catalog_choices() -> list[CatalogChoice]:
    """The shipped sample, plus a catalog named by VIDREC_CATALOG when set."""
    choices = [CatalogChoice(SAMPLE_LABEL, str(SAMPLE_CATALOG))]
    extra = os.environ.get("VIDREC_CATALOG")
    if extra:
        choices.insert(0, CatalogChoice(f"VIDREC_CATALOG: {os.path.basename(extra)}", extra))
    return choices


@st.cache_resource(show_spinner="Loading the language model…")
def cached_encoder(model: str) -> Encoder:
    return get_encoder(model)


@st.cache_resource(show_spinner="Reading the catalog…", max_entries=8)
def cached_catalog(path: str) -> Catalog:
    return load_catalog(path, name="sample" if path == str(SAMPLE_CATALOG) else None)


@st.cache_resource(show_spinner="Learning what viewers watch together…", max_entries=8)
def cached_collaborative(path: str):
    return load_collaborative(cached_catalog(path))


@st.cache_resource(show_spinner="Placing every video in the meaning space…", max_entries=8)
def cached_recommender(path: str, model: str) -> Recommender:
    catalog = cached_catalog(path)
    encoder = cached_encoder(model)
    vectors, _ = embed_catalog(catalog, encoder)
    return Recommender(catalog, vectors, encoder, collaborative=cached_collaborative(path))


@st.cache_data(show_spinner=False)
def cached_personas() -> dict[str, Persona]:
    return load_personas()


def current_recommender() -> Recommender | None:
    """The recommender for the sidebar's catalog and model; shows the problem and returns None if it fails."""
    path = st.session_state.get("catalog_path", str(SAMPLE_CATALOG))
    model = st.session_state.get("model", "minilm")
    try:
        return cached_recommender(path, model)
    except VidrecError as exc:
        st.error(str(exc))
        return None
