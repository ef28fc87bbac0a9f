"""Engine pieces cached once per server process and shared, read-only, by every session."""

from __future__ import annotations

import gc
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import streamlit as st

from vidrec_core.core.errors import VidrecError
from vidrec_core.core.paths import SAMPLE_CATALOG
from vidrec_core.core.settings import CATALOG, extra_catalog
from vidrec_core.data.embed_kept import embed_job_key
from vidrec_core.data.interactions import InteractionLog, load_interactions
from vidrec_core.data.kept import KeptCatalog, KeptCatalogs, is_kept_catalog
from vidrec_core.data.load import is_sample, open_catalog
from vidrec_core.data.movielens import sample_interactions_path
from vidrec_core.data.personas import Persona, load_personas
from vidrec_core.data.schema import Catalog
from vidrec_core.embed.encoders import Encoder
from vidrec_core.embed.registry import DEFAULT_ENCODER, label, lazy_encoder
from vidrec_core.learn.adapter import LearnedModel
from vidrec_core.learn.artefacts import UnavailableModel
from vidrec_core.learn.collaborative import Viewing
from vidrec_core.profile.registry import STRATEGIES
from vidrec_core.recommender import (
    Recommender,
    assemble_recommender,
    catalog_vectors,
    load_learned,
    load_viewing,
    warm_lexical,
)
from vidrec_ui.jobs import follow_jobs, job_runner
from vidrec_ui.model_loading import model_loading_note
from vidrec_ui.notices import say
from vidrec_ui.retrieval import SessionRecommender, session_mode
from vidrec_ui.text import md_escape

SAMPLE_LABEL = "Sample: TMDB 5000 movies"


# A kept catalog not yet embedded with the chosen encoder is embedded on first use only when this small; larger
# ones are sent to the Data page, which shows progress and can be cancelled.
INLINE_EMBED_LIMIT = 2000


@dataclass(frozen=True)
class CatalogChoice:
    label: str
    path: str
    model: str | None = None  # the encoder chosen for a kept catalog
    kept: KeptCatalog | None = None
    detail: str = ""  # for engineers: where the choice comes from, when that is a setting


def kept_catalogs() -> tuple[list[KeptCatalog], list[str]]:
    """Kept catalogs (read fresh each run: renames and deletes show at once) and problems met reading them."""
    kept = KeptCatalogs()
    return kept.list(), list(kept.problems)


def catalog_choices() -> list[CatalogChoice]:
    """A catalog named by VIDREC_CATALOG when set, the shipped sample, then the kept catalogs."""
    choices = [CatalogChoice(SAMPLE_LABEL, str(SAMPLE_CATALOG), model=DEFAULT_ENCODER)]
    extra = extra_catalog()
    if extra:
        where = f"This catalog is the file named by the setting {CATALOG}: {extra}"
        choices.insert(0, CatalogChoice(f"Set for this app: {os.path.basename(extra)}", extra, detail=where))
    for kept in kept_catalogs()[0]:
        choices.append(CatalogChoice(kept.name, str(kept.path), model=kept.model, kept=kept))
    return choices


def kept_catalog_at(path: str) -> KeptCatalog | None:
    if not is_kept_catalog(path):
        return None
    return KeptCatalogs().find(path)


@st.cache_resource(show_spinner="Loading the language model…")
def cached_encoder(model: str) -> Encoder:
    """A registered model loads in the background (`model_loading`): a first list needs only stored vectors. Once
    loaded, its objects are frozen out of the garbage collector's walks, as the recommender's are."""
    return lazy_encoder(model, then=gc.freeze)


@st.cache_resource(show_spinner="Reading the catalog…", max_entries=8)
def cached_catalog(path: str) -> Catalog:
    return open_catalog(None if path == str(SAMPLE_CATALOG) else path)  # the sample choice is the sample


@st.cache_resource(show_spinner="Reading the viewing log…", max_entries=8)
def cached_log(_catalog: Catalog, catalog_digest: str) -> InteractionLog | None:
    """The catalog's viewing log as the map reads it (the sample's MovieLens log for the sample; None for a catalog
    without one), read once per server: demand on the map and the audience of a new video share it."""
    if not is_sample(_catalog):
        return None
    try:
        return load_interactions(sample_interactions_path(), _catalog)
    except VidrecError:
        return None


@st.cache_resource(show_spinner="Learning what viewers watch together…", max_entries=8)
def cached_viewing(path: str) -> Viewing | None:
    return load_viewing(cached_catalog(path))


@st.cache_resource(show_spinner="Placing every video in the meaning space…", max_entries=8)
def cached_recommender(path: str, model: str) -> Recommender:
    catalog = cached_catalog(path)
    encoder = cached_encoder(model)
    # The words and names index (about half of a first answer's work) is built on a thread meanwhile: the viewing
    # model's matrix inverse and the file reads below leave Python's interpreter lock free for it.
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="vidrec-lexical") as pool:
        lexical = pool.submit(warm_lexical, catalog)
        vectors, _, index = catalog_vectors(catalog, encoder)  # memory-mapped when the catalog has a vector index
        viewing, learned = cached_viewing(path), cached_learned(path, model)
        recommender = assemble_recommender(catalog, encoder, vectors, index, viewing, learned, lexical.result())
    if STRATEGIES[recommender.default_strategy.name].reads_fusion:
        _ = recommender.fusion_scorer  # the words and names index, built once here rather than on the first edit
    _ = recommender.genres, recommender.meaning_floor  # the genre centres and names, read once per server
    # The model, catalog and their libraries are half a million long-lived objects. Streamlit runs a full garbage
    # collection after every script run, which walked all of them: 0.27 s per rerun, holding the GIL for every
    # session. Frozen objects are skipped by the collector (and still freed by reference counting).
    gc.freeze()
    return recommender


@st.cache_resource(show_spinner="Loading the learned model…", max_entries=8)
def cached_learned(path: str, model: str) -> LearnedModel | UnavailableModel:
    """The learned strategy's trained adapter for this catalog and model (or why none is usable)."""
    return load_learned(cached_catalog(path), cached_encoder(model))


@st.cache_data(show_spinner=False)
def cached_personas() -> dict[str, Persona]:
    return load_personas()


def current_recommender() -> Recommender | None:
    """The recommender for the sidebar's catalog and model, answering with this session's retrieval choice (the
    sidebar shows it for catalogs with a vector index); shows the problem and returns None if it fails."""
    path = st.session_state.get("catalog_path", str(SAMPLE_CATALOG))
    model = st.session_state.get("model", DEFAULT_ENCODER)
    kept = kept_catalog_at(path)
    if kept is not None and not kept.is_embedded(model) and kept.rows > INLINE_EMBED_LIMIT:
        key = embed_job_key(kept.slug, model)
        job = job_runner().get(key)
        if job is not None and job.active:
            st.info(
                f"The catalog '{md_escape(kept.name)}' is being embedded with {label(model)} now "
                f"({kept.rows:,} videos). This page shows its results when the job ends; the Data page can cancel it."
            )
            follow_jobs([key], "embedding_wait")
            return None
        st.info(
            f"The catalog '{md_escape(kept.name)}' is not embedded with {label(model)} yet "
            f"({kept.rows:,} videos). "
            "Open the Data page and press 'Embed' there: it shows the progress and can be cancelled and resumed."
        )
        return None
    try:
        shared = cached_recommender(path, model)
    except VidrecError as exc:
        say(exc.notice, st.error)
        return None
    model_loading_note(shared.encoder)
    mode = session_mode()
    return shared if mode == "auto" else SessionRecommender(shared, mode)  # type: ignore[return-value]
