"""Maps and clusters of very large catalogs: fitted on a seeded sample, every video assigned to its nearest group."""

from __future__ import annotations

import numpy as np
import pytest

import vidrec_core.explore.sample as sampling
from vidrec_core.data.schema import catalog_from_records
from vidrec_core.explore.cluster import ClusterConfig, cluster_catalog
from vidrec_core.explore.projection import Projection, ProjectionConfig


@pytest.fixture
def big(monkeypatch):
    """3,000 videos in six tight groups, with the sampling threshold lowered to 1,000 and samples of 600."""
    monkeypatch.setattr(sampling, "SAMPLE_FROM", 1000)
    monkeypatch.setattr(sampling, "SAMPLE_ROWS", 600)
    rng = np.random.default_rng(3)
    centres = rng.standard_normal((6, 32))
    group = rng.integers(0, 6, 3000)
    vectors = centres[group] + 0.2 * rng.standard_normal((3000, 32))
    vectors = (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)
    records = [{"id": f"v{i}", "title": f"video {i} group{g}", "genres": f"G{g}"} for i, g in enumerate(group)]
    return catalog_from_records(records, name="big"), vectors, group


def test_small_catalogs_are_mapped_whole(big, monkeypatch):
    catalog, vectors, _ = big
    monkeypatch.setattr(sampling, "SAMPLE_FROM", 5000)
    view = sampling.map_sample(catalog, vectors)
    assert not view.sampled and view.catalog is catalog and view.key == catalog.digest


def test_the_sample_is_seeded_and_every_video_joins_its_nearest_group(big):
    catalog, vectors, group = big
    view = sampling.map_sample(catalog, vectors)
    again = sampling.map_sample(catalog, vectors)
    assert view.sampled and len(view.catalog) == 600 and view.total == 3000
    assert np.array_equal(view.rows, again.rows) and np.all(np.diff(view.rows) > 0)
    assert view.catalog.ids == [catalog.ids[r] for r in view.rows] and np.array_equal(view.items, vectors[view.rows])
    clusters = cluster_catalog(view.catalog, view.items, ClusterConfig(k=6))
    labels = sampling.assign_all(clusters, view.items, vectors)
    assert np.array_equal(labels[view.rows], clusters.labels)  # sampled videos stay in their own group
    for g in range(6):  # the groups are tight: each true group lands in one cluster
        assert len(set(labels[group == g].tolist())) == 1
    sized = sampling.whole_catalog_sizes(clusters, labels)
    assert sum(c.size for c in sized.clusters) == 3000
    assert [len(c.members) for c in sized.clusters] == [len(c.members) for c in clusters.clusters]


def test_videos_outside_the_sample_are_placed_among_their_neighbours(big):
    catalog, vectors, _ = big
    view = sampling.map_sample(catalog, vectors)
    coords = np.random.default_rng(0).standard_normal((600, 2)).astype(np.float32)
    projection = Projection(coords=coords, config=ProjectionConfig(), digest="x")
    outside = np.setdiff1d(np.arange(3000), view.rows)[:5]
    rows = np.array([view.rows[7], outside[0], view.rows[3], *outside[1:]])
    points = view.points(projection, rows, vectors[rows])
    assert np.array_equal(points[0], coords[7]) and np.array_equal(points[2], coords[3])
    assert np.allclose(points[[1, 3, 4, 5, 6]], projection.place(vectors[outside], view.items))
