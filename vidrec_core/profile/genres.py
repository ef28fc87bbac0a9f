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

READING_SHARPNESS = 0.02  # similarity points per e-fold between a line's genres: 0.04 apart weigh 7.4 : 1
# A line's closest genre centre must stand this many spreads above its mean closeness to all of them to count at
# all, and one more to count fully. On the sample (20 genres): "a heist with a clever twist" 1.3 (Mystery), "feel-good
# movies about friendship" 2.1, "I love space adventures with aliens and starships" 2.3, "horror" 2.9, "westerns" 3.8.
CLEAR_FROM = 1.5
MIN_GENRE_SHARE = 0.002  # genres with fewer videos than this share of the catalog (and 5) have no reliable centre


@dataclass(frozen=True)
class GenreSpace:
    """Per-video genre shares and each genre's centre and name in the meaning space. Read-only."""

    names: tuple[str, ...]
    shares: sp.csr_matrix  # (videos, genres): p(genre | video), each video's genres sharing its weight equally
    presence: sp.csr_matrix  # (videos, genres): 1 where the video has the genre
    centres: np.ndarray  # (genres, dim) unit vectors: the mean of each genre's videos
    name_vectors: np.ndarray | None  # (genres, dim): the genre names read by the encoder, when it was at hand
    readable: np.ndarray  # bool (genres,): genres with enough videos to have a centre

    @staticmethod
    def of(
        names: tuple[str, ...], presence: sp.spmatrix, items: np.ndarray, name_vectors: np.ndarray | None = None
    ) -> GenreSpace:
        presence = sp.csr_matrix(presence, dtype=np.float32)
        presence.data[:] = 1.0
        counts = np.asarray(presence.sum(axis=0)).ravel()
        per_video = np.asarray(presence.sum(axis=1)).ravel()
        shares = sp.diags(1.0 / np.maximum(per_video, 1.0)).astype(np.float32) @ presence
        centres = normalise_rows(np.asarray(presence.T @ items, dtype=np.float32))
        readable = counts >= max(5.0, MIN_GENRE_SHARE * presence.shape[0])
        return GenreSpace(tuple(names), shares.tocsr(), presence, centres, name_vectors, readable)

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
        how clearly the line is about a genre at all (`clarity`): "westerns" sums to 1, "a heist with a clever
        twist" to 0 (its closest genre centre, Mystery, stands out no more than chance)."""
        vectors = np.atleast_2d(np.asarray(vectors, dtype=np.float32))
        out = np.zeros((len(vectors), self.size))
        if self.readable.sum() < 2 or not len(vectors):
            return out
        to_centres = vectors @ self.centres[self.readable].T
        closeness = to_centres.copy()
        if self.name_vectors is not None:
            closeness += vectors @ self.name_vectors[self.readable].T
        logits = (closeness - closeness.max(axis=1, keepdims=True)) / READING_SHARPNESS
        weights = np.exp(logits)
        stand_out = (to_centres.max(axis=1) - to_centres.mean(axis=1)) / np.maximum(to_centres.std(axis=1), 1e-6)
        clarity = np.clip(stand_out - CLEAR_FROM, 0.0, 1.0)
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
