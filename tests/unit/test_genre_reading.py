"""Typed lines read by the genres they are about: clearly ("westerns"), partly, or not at all ("a heist with a
clever twist"), on a planted meaning space whose answer is known."""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from vidrec_core.profile.genres import GenreSpace

DIM = 24


GENRES = ("Western", "Horror", "Comedy", "Drama", "Romance", "War", "Music", "Crime")


def planted_space() -> tuple[GenreSpace, np.ndarray]:
    """Eight genres of 30 videos each, every genre around its own axis; the genre names read along the same axes."""
    rng = np.random.default_rng(0)
    n = len(GENRES)
    axes = np.eye(DIM, dtype=np.float32)[:n]
    items = np.vstack([axes[g] * 3 + rng.normal(size=(30, DIM)) for g in range(n)]).astype(np.float32)
    items /= np.linalg.norm(items, axis=1, keepdims=True)
    presence = sp.csr_matrix(np.kron(np.eye(n), np.ones((30, 1))), dtype=np.float32)
    names = axes + 0.1 * rng.normal(size=(n, DIM)).astype(np.float32)
    names /= np.linalg.norm(names, axis=1, keepdims=True)
    return GenreSpace.of(GENRES, presence, items, names), axes


def test_a_line_along_a_genre_reads_clearly_as_that_genre():
    space, axes = planted_space()
    reading = space.read(axes[0])[0]
    assert reading.sum() > 0.9  # clearly about a genre
    assert int(np.argmax(reading)) == 0 and reading[0] / reading.sum() > 0.9


def test_a_line_about_no_genre_reads_as_none():
    space, _ = planted_space()
    elsewhere = np.zeros(DIM, dtype=np.float32)
    elsewhere[10] = 1.0  # a direction no genre lies along
    assert space.read(elsewhere)[0].sum() == 0.0


def test_the_fit_rewards_videos_wholly_in_the_genres_a_history_watches():
    space, _ = planted_space()
    fit = space.fit(np.eye(len(GENRES))[0])
    assert fit[:30].min() == 1.0 and fit[30:].max() == 0.0
    assert space.top(np.array([0.7, 0.3] + [0.0] * 6)) == ["Western", "Horror"]


def test_a_subset_keeps_the_catalog_s_genre_directions():
    space, axes = planted_space()
    part = space.subset(np.arange(30, 60))
    assert part.shares.shape == (30, len(GENRES)) and np.allclose(part.centres, space.centres)
    np.testing.assert_allclose(part.read(axes[1]), space.read(axes[1]))
