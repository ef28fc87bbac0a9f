"""The Map & clusters page on a catalog above the sampling threshold (lowered here so the sample catalog is one):
the map and its groups come from a seeded sample, the page says so, group sizes count every video, and the
history's picks outside the sample are still on the map."""

from __future__ import annotations

import numpy as np
import pytest
from streamlit.testing.v1 import AppTest

import vidrec_core.explore.sample as sampling
from vidrec_core.core.paths import REPO_ROOT, cache_dir
from vidrec_core.explore.projection import Projection, ProjectionConfig, embeddings_digest, file_name, save_projection

pytestmark = pytest.mark.app


def clear_map_caches() -> None:
    from vidrec_ui.map_data import cached_clusters, cached_map_sample, cached_whole_catalog_clusters, stored_projection

    for cached in (cached_map_sample, cached_clusters, cached_whole_catalog_clusters, stored_projection):
        cached.clear()


def test_a_sampled_catalog_s_map(monkeypatch):
    from vidrec_core.core.paths import SAMPLE_CATALOG
    from vidrec_ui.resources import cached_recommender

    monkeypatch.setattr(sampling, "SAMPLE_FROM", 2000)
    monkeypatch.setattr(sampling, "SAMPLE_ROWS", 1500)
    clear_map_caches()
    try:
        recommender = cached_recommender(str(SAMPLE_CATALOG), "minilm")
        view = sampling.map_sample(recommender.catalog, recommender.items)
        for dims in (2, 3):  # a stored map for the sample's vectors, so the page draws instead of fitting UMAP
            config = ProjectionConfig(n_components=dims)
            digest = embeddings_digest(view.items)
            coords = np.random.default_rng(dims).standard_normal((1500, dims)).astype(np.float32)
            save_projection(Projection(coords, config, digest), cache_dir() / "projections" / file_name(config, digest))
        at = AppTest.from_file(str(REPO_ROOT / "main.py"), default_timeout=180)
        at.run()
        at.switch_page("pages/clusters.py").run()
        assert not at.exception, at.exception
        captions = " ".join(c.value for c in at.caption)
        assert (
            "showing a random 1,500 of 4,803 videos" in captions and "every video is in its nearest group" in captions
        )
        summary = at.dataframe[0].value
        assert len(summary) == 12 and summary["size"].sum() == 4803
        spec = at.get("plotly_chart")[0].proto.spec
        for name in ('"name":"history"', '"name":"recommended"', '"name":"profile"'):
            assert name in spec
        at.text_input(key="map_query").input("astronauts stranded on Mars").run()
        assert not at.exception and "The Martian" in at.get("plotly_chart")[0].proto.spec
    finally:
        clear_map_caches()
