"""Collaborative models learnt from interaction logs: who watched what, and which videos are watched together.

They follow scikit-learn's and implicit's convention: configuration in the constructor, `fit(user_items)` returns
the fitted model, fitted state ends in `_` (`known_`, `counts_`, `similarity_`), and `scores(histories)` maps a
binary users x items matrix to a dense users x items score matrix, one row per history. The evaluation scores
users in batches and the strategies score one history, through the same call.

- `ItemKNN` is the classic item-to-item collaborative filter: cosine similarity between the columns of the user-item
  matrix. It is the baseline a content-only recommender has to beat, and the collaborative half of the app's hybrid.
- `Popularity` counts interactions per item: the other baseline that is hard to beat on MovieLens.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import scipy.sparse as sp

from vidrec_core.data.interactions import InteractionLog, positives_by_user


def user_item_matrix(histories: Sequence[Sequence[int]], n_items: int) -> sp.csr_matrix:
    """Binary users x items matrix (a repeated item counts once)."""
    rows = np.repeat(np.arange(len(histories)), [len(h) for h in histories])
    cols = np.fromiter((i for h in histories for i in h), dtype=np.int64, count=len(rows))
    if len(cols) and (cols.min() < 0 or cols.max() >= n_items):
        raise ValueError(f"item indices must lie in [0, {n_items}); got {cols.min()}..{cols.max()}")
    matrix = sp.csr_matrix(
        (np.ones(len(rows), dtype=np.float32), (rows, cols)), shape=(len(histories), n_items), dtype=np.float32
    )
    matrix.data[:] = 1.0  # duplicates were summed
    return matrix


class Popularity:
    """Most-popular: every history gets the same scores, each item's count of users who interacted with it."""

    def __init__(self) -> None:
        self.counts_: np.ndarray | None = None

    def fit(self, user_items: sp.csr_matrix) -> Popularity:
        self.counts_ = np.asarray(user_items.sum(axis=0), dtype=np.float64).ravel()
        return self

    def _fitted(self) -> np.ndarray:
        if self.counts_ is None:
            raise RuntimeError("Popularity.fit must be called before it is used")
        return self.counts_

    @property
    def known_(self) -> np.ndarray:
        """bool (n_items,): items seen in the training interactions."""
        return self._fitted() > 0

    @property
    def percentile_(self) -> np.ndarray:
        """Counts as a percentile rank in [0, 1] (ties share their average rank), the form `StrategyContext` takes."""
        from scipy.stats import rankdata

        counts = self._fitted()
        if len(counts) < 2:
            return np.zeros(len(counts), dtype=np.float32)
        return ((rankdata(counts, method="average") - 1) / (len(counts) - 1)).astype(np.float32)

    def scores(self, histories: sp.csr_matrix) -> np.ndarray:
        """(users x items) binary -> dense (users x items): the counts, the same row for everyone."""
        counts = self._fitted()
        return np.broadcast_to(counts, (histories.shape[0], len(counts))).copy()


class ItemKNN:
    """Item-to-item collaborative filtering: cosine similarity of the items' user columns.

    `fit` builds the item x item similarity once (a sparse matrix product); scoring one history is a sparse row times
    it, a few milliseconds, so the app can call it on every rerun. `neighbours` keeps only each item's most similar
    items, which removes the long tail of one-co-watch noise and keeps the matrix small.
    """

    def __init__(self, neighbours: int | None = 200, shrink: float = 0.0):
        self.neighbours = neighbours
        self.shrink = shrink
        self.similarity_: sp.csr_matrix | None = None
        self.known_: np.ndarray = np.zeros(0, dtype=bool)

    def fit(self, user_items: sp.csr_matrix) -> ItemKNN:
        """Learn from a binary users x items matrix (see `user_item_matrix`)."""
        n_items = user_items.shape[1]
        counts = np.asarray(user_items.sum(axis=0), dtype=np.float64).ravel()
        co = (user_items.T @ user_items).tocsr().astype(np.float64)
        co.setdiag(0.0)
        co.eliminate_zeros()
        norms = np.sqrt(counts)
        norms[norms == 0] = 1.0
        # Cosine: co-occurrences / sqrt(n_i * n_j); `shrink` damps pairs seen by few users.
        rows = np.repeat(np.arange(n_items), np.diff(co.indptr))
        denominator = norms[rows] * norms[co.indices] + self.shrink
        co.data = co.data / denominator
        similarity = co.astype(np.float32)
        if self.neighbours is not None:
            similarity = _keep_top(similarity, self.neighbours)
        self.similarity_ = similarity
        self.known_ = counts > 0
        return self

    def scores(self, histories: sp.csr_matrix) -> np.ndarray:
        """(users x items) binary -> dense (users x items): each item's summed similarity to the history's items,
        higher = more often watched together."""
        if self.similarity_ is None:
            raise RuntimeError("ItemKNN.fit must be called before scores")
        return np.asarray((histories @ self.similarity_).todense(), dtype=np.float32)


def _keep_top(matrix: sp.csr_matrix, k: int) -> sp.csr_matrix:
    """Keep the k largest entries of each row (a sparse row-wise top-k)."""
    matrix = matrix.tocsr()
    keep = np.zeros(len(matrix.data), dtype=bool)
    for row in range(matrix.shape[0]):
        start, end = matrix.indptr[row], matrix.indptr[row + 1]
        if end - start <= k:
            keep[start:end] = True
        else:
            top = np.argpartition(matrix.data[start:end], -k)[-k:]
            keep[start + top] = True
    pruned = matrix.copy()
    pruned.data = np.where(keep, pruned.data, 0.0).astype(pruned.data.dtype)
    pruned.eliminate_zeros()
    return pruned


def collaborative_from_log(log: InteractionLog, n_items: int, threshold: float = 4.0) -> ItemKNN:
    """Item-kNN over every user's positive interactions: the app's collaborative signal for the hybrid strategy."""
    histories = [items.tolist() for items in positives_by_user(log, threshold).values()]
    return ItemKNN().fit(user_item_matrix(histories, n_items))
