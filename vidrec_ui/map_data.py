"""Cached pieces of the map page: projections, clusters and hover texts, computed once per catalog and model.

Keys are the catalog digest, the model name and the settings, so changing only the colouring or a highlight reuses
everything here. Projections are also stored on disk (vidrec_core.explore.projection), and the sample's ship
precomputed. A large catalog's map that is not stored yet is computed as a server job (`vidrec_ui.jobs`): UMAP
takes minutes there, and the job goes on whether or not the tab that asked stays open.
"""

from __future__ import annotations

from functools import partial

import numpy as np
import pandas as pd
import streamlit as st

from vidrec_core.core.jobs import Job, JobContext, JobKey, JobState
from vidrec_core.explore.cluster import ClusterConfig, ClusterResult, cluster_catalog
from vidrec_core.explore.demand import Demand, demand_of
from vidrec_core.explore.projection import Projection, ProjectionConfig, embeddings_digest, find_projection, project
from vidrec_core.explore.sample import MapSample, assign_all, map_sample, whole_catalog_sizes
from vidrec_core.recommender import Recommender
from vidrec_ui.jobs import follow_jobs, job_runner
from vidrec_ui.notices import say
from vidrec_ui.resources import cached_log, kept_catalog_at
from vidrec_ui.text import hover_escape

MAX_POINTS = 100_000  # drawn with WebGL; beyond this the map shows a random sample and says so
MAP_JOB_ROWS = 1000  # from this many videos a map not stored yet is computed as a server job, not in the page run


@st.cache_resource(show_spinner="Drawing the catalog as a map (UMAP; about a minute the first time)…", max_entries=16)
def cached_projection(_recommender: Recommender, catalog_digest: str, model: str, dims: int) -> Projection:
    return project(_recommender.items, ProjectionConfig(n_components=dims))


class MapNotReady(Exception):
    """No stored map yet. Raised, not returned, so st.cache_resource (which keeps only results) asks again."""


def map_job_key(catalog_digest: str, model: str, dims: int) -> JobKey:
    return ("map", catalog_digest, model, dims)


@st.cache_resource(show_spinner=False, max_entries=16)
def stored_projection(_recommender: Recommender, catalog_digest: str, model: str, dims: int) -> Projection:
    """The map a finished job made, or one stored on disk (shipped or cached); MapNotReady when there is none."""
    job = job_runner().get(map_job_key(catalog_digest, model, dims))
    if job is not None and job.state is JobState.FINISHED and isinstance(job.result, Projection):
        return job.result
    items = _recommender.items
    found = find_projection(ProjectionConfig(n_components=dims), embeddings_digest(items), len(items))
    if found is None:
        raise MapNotReady
    return found


def _compute_map(ctx: JobContext, items: np.ndarray, dims: int) -> Projection:
    ctx.note(f"fitting UMAP on {len(items):,} videos")
    return project(items, ProjectionConfig(n_components=dims))


def catalog_label(recommender: Recommender) -> str:
    """The catalog's name as the sidebar shows it (a kept catalog's display name, not its folder's)."""
    kept = kept_catalog_at(recommender.catalog.source)
    return kept.name if kept is not None else recommender.catalog.name


def map_projection(recommender: Recommender, catalog_digest: str, model: str, dims: int) -> Projection | Job:
    """The catalog's map, or the server job computing it (started here when there is none; a job that failed or
    was cancelled is returned as it ended, for the page to say so). Small catalogs are drawn in the page run."""
    if len(recommender.items) < MAP_JOB_ROWS:
        return cached_projection(recommender, catalog_digest, model, dims)
    runner = job_runner()
    key = map_job_key(catalog_digest, model, dims)
    job = runner.get(key)
    if job is not None and job.active:
        return job
    try:
        return stored_projection(recommender, catalog_digest, model, dims)
    except MapNotReady:
        pass
    if job is not None and job.state in (JobState.FAILED, JobState.CANCELLED):
        return job
    name = catalog_label(recommender)
    return runner.submit(
        key,
        partial(_compute_map, items=recommender.items, dims=dims),
        title=f"Drawing the {dims}D map of '{name}'",
        unit="steps",
        meta={"name": name, "steps": False},  # UMAP cannot stop half-way: Cancel only while it waits
    )


def show_map_jobs(jobs: list[Job]) -> None:
    """While the map is computed: say so and follow the job (the page draws the map when it ends); when it
    failed or was cancelled: say why and offer to compute it again."""
    active = [job for job in jobs if job.active]
    if active:
        st.info(
            "Computing the map of this catalog. UMAP takes a while on a large catalog (the first map after a restart "
            "also prepares UMAP, about a minute). It runs on the server: the map appears here when it is ready, "
            "and it goes on if you leave this page."
        )
        follow_jobs([job.key for job in active], "map_job")
    for job in jobs:
        if job.ended:
            say(job.describe(), st.warning if job.state is JobState.CANCELLED else st.error)
            if st.button("Compute the map again", key=f"map_job_again_{job.number}"):
                job_runner().forget(job.key)
                st.rerun()


@st.cache_resource(show_spinner="Grouping the catalog and naming the groups…", max_entries=32)
def cached_clusters(
    _recommender: Recommender,
    catalog_digest: str,
    model: str,
    method: str,
    k: int | None,
    min_cluster_size: int,
    _space: np.ndarray | None = None,
) -> ClusterResult:
    """Clusters of the catalog; HDBSCAN finds its density groups on the 2D map, passed as `_space` (it is the map
    of this digest and model, so the key needs no more)."""
    config = ClusterConfig(method=method, k=k, min_cluster_size=min_cluster_size)  # type: ignore[arg-type]
    space = _space if method == "hdbscan" else None  # see vidrec_core.explore.cluster.assign
    return cluster_catalog(_recommender.catalog, _recommender.items, config, space=space)


@st.cache_resource(show_spinner="Reading what people watch in the viewing log…", max_entries=8)
def cached_demand(_recommender: Recommender, catalog_digest: str) -> Demand | None:
    """The catalog's viewing log read as demand per video (None without a log)."""
    log = cached_log(_recommender.catalog, catalog_digest)
    return None if log is None else demand_of(log, len(_recommender.catalog))


@st.cache_resource(show_spinner=False, max_entries=8)
def cached_hover(_recommender: Recommender, catalog_digest: str) -> np.ndarray:
    """One escaped hover label per video: title, year, genres and the start of the overview."""
    return hover_texts(_recommender.catalog.frame)


@st.cache_resource(show_spinner="Taking a sample of this large catalog for the map…", max_entries=4)
def cached_map_sample(_recommender: Recommender, catalog_digest: str, model: str) -> MapSample:
    """What the map works on: the whole catalog, or above SAMPLE_FROM videos a seeded sample of it."""
    return map_sample(_recommender.catalog, _recommender.items)


@st.cache_resource(show_spinner="Placing every video of the catalog in its nearest group…", max_entries=16)
def cached_whole_catalog_clusters(
    _view: MapSample, _recommender: Recommender, _clusters: ClusterResult, key: tuple
) -> ClusterResult:
    """A sampled catalog's clusters, sized over the whole catalog (`key`: the clusters' own cache key)."""
    return whole_catalog_sizes(_clusters, assign_all(_clusters, _view.items, _recommender.items))


def hover_texts(frame: pd.DataFrame) -> np.ndarray:
    """One escaped hover label per row of `frame`: title, year, genres and the start of the overview."""
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
