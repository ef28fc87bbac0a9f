"""Projections: disk cache keyed by embeddings and settings, stored files, placing new points, hover escaping."""

from __future__ import annotations

import numpy as np
import pytest

from vidrec_core.explore.projection import (
    SAMPLE_PROJECTIONS_DIR,
    Projection,
    ProjectionConfig,
    ProjectionError,
    embeddings_digest,
    file_name,
    find_projection,
    project,
    read_projection,
    save_projection,
)
from vidrec_ui.map_data import sample_for_display
from vidrec_ui.text import hover_escape

PCA2 = ProjectionConfig(method="pca", n_components=2)


def test_pca_projection_is_cached_on_disk_and_reused(tiny_recommender, monkeypatch):
    first = project(tiny_recommender.items, PCA2)
    assert first.source == "computed" and first.coords.shape == (9, 2)
    assert first.path is not None and first.path.exists() and first.path.with_suffix(".joblib").exists()

    import vidrec_core.explore.projection as module

    monkeypatch.setattr(module, "fit_projection", lambda *a: pytest.fail("recomputed a cached projection"))
    again = project(tiny_recommender.items, PCA2)
    assert again.source == "cache"
    np.testing.assert_array_equal(again.coords, first.coords)


def test_the_cache_key_holds_the_settings_and_the_embeddings(tiny_recommender):
    project(tiny_recommender.items, PCA2)
    digest = embeddings_digest(tiny_recommender.items)
    assert find_projection(PCA2, digest, 9) is not None
    assert find_projection(ProjectionConfig(method="pca", n_components=3), digest, 9) is None
    changed = tiny_recommender.items.copy()
    changed[0, 0] += 0.01
    assert embeddings_digest(changed) != digest
    assert find_projection(PCA2, embeddings_digest(changed), 9) is None


def test_clusters_of_the_tiny_catalog_stay_apart_on_the_map(tiny_recommender):
    coords = project(tiny_recommender.items, PCA2, use_cache=False).coords
    centres = coords.reshape(3, 3, 2).mean(axis=1)
    spread = max(np.linalg.norm(coords.reshape(3, 3, 2) - centres[:, None], axis=2).max(), 1e-6)
    gaps = [np.linalg.norm(centres[a] - centres[b]) for a, b in ((0, 1), (0, 2), (1, 2))]
    assert min(gaps) > spread


def test_new_points_land_among_their_neighbours(tiny_recommender):
    projection = project(tiny_recommender.items, PCA2, use_cache=False)
    items = tiny_recommender.items
    placed = projection.place(items[[0, 4]], items)
    np.testing.assert_allclose(placed, projection.coords[[0, 4]], atol=0.05)
    query = tiny_recommender.queries.encode(["haunted ghost terror"])
    spot = projection.place(query, items)[0]
    nearest = int(np.argmin(np.linalg.norm(projection.coords - spot, axis=1)))
    assert tiny_recommender.catalog.ids[nearest].startswith("h")
    exact = projection.place(items[:2], items, exact=True)  # PCA's own transform
    np.testing.assert_allclose(exact, projection.coords[:2], atol=0.01)


def test_saved_projection_round_trips_as_float16(tmp_path, tiny_recommender):
    projection = project(tiny_recommender.items, PCA2, use_cache=False)
    path = save_projection(projection, tmp_path / file_name(PCA2, projection.digest))
    loaded = read_projection(path)
    assert loaded.config == PCA2 and loaded.digest == projection.digest
    np.testing.assert_allclose(loaded.coords, projection.coords, atol=1e-2)
    assert find_projection(PCA2, projection.digest, 9, folders=[tmp_path]) is not None
    assert find_projection(PCA2, projection.digest, 10, folders=[tmp_path]) is None


def test_bad_files_and_settings_say_what_to_do(tmp_path):
    junk = tmp_path / "junk.npz"
    junk.write_bytes(b"not a projection")
    with pytest.raises(ProjectionError, match="vidrec_core project"):
        read_projection(junk)
    with pytest.raises(ProjectionError, match="not found"):
        read_projection(tmp_path / "missing.npz")
    with pytest.raises(ProjectionError, match="2 or 3"):
        project(np.eye(5, dtype=np.float32), ProjectionConfig(n_components=4))
    with pytest.raises(ProjectionError, match="at least 3"):
        project(np.eye(2, dtype=np.float32), PCA2, use_cache=False)


def test_shipped_sample_projections_are_small_and_well_formed():
    files = sorted(SAMPLE_PROJECTIONS_DIR.glob("*.npz"))
    assert len(files) >= 2
    assert sum(f.stat().st_size for f in files) < 15_000_000
    for path in files:
        projection: Projection = read_projection(path)
        assert projection.coords.shape == (4803, projection.config.n_components)
        assert np.isfinite(projection.coords).all()
        assert path.name.endswith(file_name(projection.config, projection.digest))


def test_display_sample_is_everything_up_to_the_limit():
    assert len(sample_for_display(5000)) == 5000
    rows = sample_for_display(250_000)
    assert len(rows) == 100_000 and len(set(rows.tolist())) == 100_000
    np.testing.assert_array_equal(rows, sample_for_display(250_000))


def test_hover_text_is_escaped_and_shortened():
    assert hover_escape("<b>Tom & Jerry</b>") == "&lt;b&gt;Tom &amp; Jerry&lt;/b&gt;"
    assert hover_escape("a\nb   c") == "a b c"
    assert hover_escape("x" * 50, limit=10) == "x" * 9 + "…"


def test_a_history_sits_on_the_map_where_the_map_page_draws_it(tiny_recommender):
    from vidrec_core.explore.overlay import event_points, profile_point

    projection = project(tiny_recommender.items, PCA2, use_cache=False)
    items, catalog = tiny_recommender.items, tiny_recommender.catalog
    result = tiny_recommender.recommend("Star Voyage\nastronaut rocket space station", strategy="recency", k=3)
    points = event_points(projection, items, catalog.index_of, result.events, result.embedded.vectors)
    np.testing.assert_array_equal(points[0], projection.coords[catalog.index_of["s1"]])  # a watched video: its point
    np.testing.assert_allclose(points[1], projection.place(result.embedded.vectors[1:], items)[0])  # a typed line
    profile = profile_point(projection, items, result.profile.profile)  # the chosen strategy's own profile
    np.testing.assert_allclose(profile, projection.place(result.profile.profile[None, :], items))
    assert profile_point(projection, items, None) is None
