"""The catalog's genres as a taste is read against: which genres a history watches, which a typed line is about, and
how well each video fits a genre mix.

A sentence encoder reading a long plot barely registers the genre names at its end (a 1,000-film catalog of plot
summaries lost half its science-fiction picks when the quotes around those names went), so the structured field is
read on its own terms: a typed line ("I love space adventures with aliens and starships") is placed among the
genres by its closeness to each genre's centre in the meaning space (the mean of its videos) and to the genre's name,
and a list can then be asked to follow the history's genres (`rank.select`'s calibration).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import scipy.sparse as sp

from vidrec_core.core.metrics import genre_distribution
from vidrec_core.core.vectors import normalise_rows

READING_SHARPNESS = 0.5  # spreads per e-fold between a line's genres: one spread apart weigh 7.4 : 1
NORM_SAMPLE = 20_000  # videos a genre's usual closeness is measured on
# A line is about a genre when its closeness to the genre (centre and name, each in spreads above the catalog's own
# videos' usual closeness) stands this far out, and fully one spread further. Measured on the sample and on 1,000
# plot summaries: "the docking scene gave me chills" 1.0 and 1.0, "a heist with a clever twist" 1.7 and 1.8,
# "I love space adventures with aliens and starships" 2.6 and 2.7, "a haunted house" 3.3 and 3.8, "horror" 6.8, 7.5.
CLEAR_FROM = 1.75
MIN_GENRE_SHARE = 0.002  # genres with fewer videos than this share of the catalog (and 5) have no reliable centre


@dataclass(frozen=True)
class GenreSpace:
    """Per-video genre shares and each genre's centre and name in the meaning space. Read-only."""

    names: tuple[str, ...]
    shares: sp.csr_matrix  # (videos, genres): p(genre | video), each video's genres sharing its weight equally
    presence: sp.csr_matrix  # (videos, genres): 1 where the video has the genre
    centres: np.ndarray  # (genres, dim) unit vectors: each genre's direction from the catalog's centre
    name_vectors: np.ndarray | None  # (genres, dim): the genre names read by the encoder, when it was at hand
    readable: np.ndarray  # bool (genres,): genres with enough videos to have a centre
    # (2, genres) mean and spread of the catalog's own videos' closeness to each centre, and to each name: how
    # close a line must be to stand out (a genre of short, generic texts is close to every vague line)
    centre_norms: np.ndarray
    name_norms: np.ndarray | None

    @staticmethod
    def of(
        names: tuple[str, ...], presence: sp.spmatrix, items: np.ndarray, name_vectors: np.ndarray | None = None
    ) -> GenreSpace:
        presence = sp.csr_matrix(presence, dtype=np.float32)
        presence.data[:] = 1.0
        counts = np.asarray(presence.sum(axis=0)).ravel()
        per_video = np.asarray(presence.sum(axis=1)).ravel()
        shares = sp.diags(1.0 / np.maximum(per_video, 1.0)).astype(np.float32) @ presence
        # Each genre's own direction: the mean of its videos less the catalog's mean. A broad genre's plain mean
        # points at the catalog's centre, where every vague line is close ("scary movies about ghosts" read as
        # "Silent film" in a catalog of plot summaries).
        means = np.asarray(presence.T @ items, dtype=np.float32) / np.maximum(counts, 1.0)[:, None]
        centres = normalise_rows(means - items.mean(axis=0, keepdims=True))
        readable = counts >= max(5.0, MIN_GENRE_SHARE * presence.shape[0])
        sample = items[np.random.default_rng(0).choice(len(items), min(len(items), NORM_SAMPLE), replace=False)]
        name_norms = None if name_vectors is None else _norms(sample @ np.asarray(name_vectors, np.float32).T)
        return GenreSpace(
            tuple(names),
            shares.tocsr(),
            presence,
            centres,
            name_vectors,
            readable,
            _norms(sample @ centres.T),
            name_norms,
        )

    def subset(self, rows: np.ndarray) -> GenreSpace:
        """The same genres over some videos only (a vector index's candidates): centres stay the catalog's."""
        return replace(self, shares=self.shares[rows], presence=self.presence[rows])

    @property
    def size(self) -> int:
        return len(self.names)

    def of_videos(self, rows: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
        """The genre distribution of some videos (their shares, weighted)."""
        rows = np.asarray(rows, dtype=np.int64)
        if not len(rows):
            return np.zeros(self.size)
        return genre_distribution(self.shares[rows].toarray(), weights)

    def read(self, vectors: np.ndarray) -> np.ndarray:
        """(lines, genres): what each typed line is about. A row is a distribution over the readable genres (a
        softmax of the line's closeness to each genre's centre plus, where known, to the genre's name) scaled by
        how clearly the line is about a genre at all (`CLEAR_FROM`): "westerns" sums to 1, "a heist with a clever
        twist" to 0 (the closest genre, Mystery, is hardly closer to it than to a typical video)."""
        vectors = np.atleast_2d(np.asarray(vectors, dtype=np.float32))
        out = np.zeros((len(vectors), self.size))
        if self.readable.sum() < 2 or not len(vectors):
            return out
        keep = self.readable
        closeness = _standing(vectors @ self.centres[keep].T, self.centre_norms[:, keep])
        if self.name_vectors is not None and self.name_norms is not None:
            closeness = (closeness + _standing(vectors @ self.name_vectors[keep].T, self.name_norms[:, keep])) / 2
        weights = np.exp((closeness - closeness.max(axis=1, keepdims=True)) / READING_SHARPNESS)
        clarity = np.clip(closeness.max(axis=1) - CLEAR_FROM, 0.0, 1.0)
        out[:, self.readable] = weights / weights.sum(axis=1, keepdims=True) * clarity[:, None]
        return out

    def fit(self, distribution: np.ndarray) -> np.ndarray:
        """(videos,): the mean share of a video's genres in `distribution`: 1 for a video wholly in the one genre a
        history watches, 0 for one in genres it never watches."""
        per_video = np.asarray(self.presence.sum(axis=1)).ravel()
        return np.asarray(self.presence @ distribution).ravel() / np.maximum(per_video, 1.0)

    def top(self, distribution: np.ndarray, n: int = 2, least: float = 0.15) -> list[str]:
        """The names of a distribution's main genres (at most n, each with at least `least` of it)."""
        order = np.argsort(-distribution, kind="stable")[:n]
        return [self.names[g] for g in order if distribution[g] >= least]


def _norms(closeness: np.ndarray) -> np.ndarray:
    """(2, genres): the mean and spread of each column."""
    return np.stack([closeness.mean(axis=0), np.maximum(closeness.std(axis=0), 1e-6)])


def _standing(closeness: np.ndarray, norms: np.ndarray) -> np.ndarray:
    """Closeness in spreads above what the catalog's own videos usually have."""
    return (closeness - norms[0]) / norms[1]
