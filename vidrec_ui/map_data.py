"""Cached pieces of the map page: projections, clusters and hover texts, computed once per catalog and model.

Keys are the catalog digest, the model name and the settings, so changing only the colouring or a highlight reuses
everything here. Projections are also stored on disk (vidrec_core.explore.projection), and the sample's ship
precomputed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import streamlit as st

from vidrec_core.explore.cluster import ClusterConfig, ClusterResult, cluster_catalog
from vidrec_core.explore.projection import Projection, ProjectionConfig, project
from vidrec_core.recommender import Recommender
from vidrec_ui.text import hover_escape

MAX_POINTS = 100_000  # drawn with WebGL; beyond this the map shows a random sample and says so


@st.cache_resource(show_spinner="Drawing the catalog as a map (UMAP; about a minute the first time)…", max_entries=16)
def cached_projection(_recommender: Recommender, catalog_digest: str, model: str, dims: int) -> Projection:
    return project(_recommender.items, ProjectionConfig(n_components=dims))


@st.cache_resource(show_spinner="Grouping the catalog and naming the groups…", max_entries=32)
def cached_clusters(
    _recommender: Recommender,
    catalog_digest: str,
    model: str,
    method: str,
    k: int | None,
    min_cluster_size: int,
) -> ClusterResult:
    config = ClusterConfig(method=method, k=k, min_cluster_size=min_cluster_size)  # type: ignore[arg-type]
    space = None
    if method == "hdbscan":  # density groups on the 2D map: see vidrec_core.explore.cluster.assign
        space = cached_projection(_recommender, catalog_digest, model, 2).coords
    return cluster_catalog(_recommender.catalog, _recommender.items, config, space=space)


@st.cache_resource(show_spinner=False, max_entries=8)
def cached_hover(_recommender: Recommender, catalog_digest: str) -> np.ndarray:
    """One escaped hover label per video: title, year, genres and the start of the overview."""
    frame = _recommender.catalog.frame
    overview_limit = 160 if len(frame) <= 20_000 else 80
    out = []
    for title, year, genres, overview in zip(
        frame["title"], frame["year"], frame["genres"], frame["overview"], strict=True
    ):
        year_text = "" if pd.isna(year) else f" ({int(year)})"
        lines = [f"<b>{hover_escape(title, 90)}</b>{year_text}"]
        if len(genres):
            lines.append(hover_escape(", ".join(genres), 90))
        if overview:
            lines.append(f"<i>{hover_escape(overview, overview_limit)}</i>")
        out.append("<br>".join(lines))
    return np.array(out, dtype=object)


def sample_for_display(n: int, limit: int = MAX_POINTS, seed: int = 0) -> np.ndarray:
    """Rows to draw: all of them up to `limit`, else a fixed random sample (same picture on every rerun)."""
    if n <= limit:
        return np.arange(n)
    return np.sort(np.random.default_rng(seed).choice(n, limit, replace=False))
