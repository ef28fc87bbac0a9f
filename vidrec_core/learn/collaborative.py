"""Collaborative models learnt from interaction logs: who watched what, and which videos are watched together.

They follow scikit-learn's and implicit's convention: configuration in the constructor, `fit(user_items)` returns
the fitted model, fitted state ends in `_` (`known_`, `counts_`, `similarity_`), and `scores(histories)` maps a
binary users x items matrix to a dense users x items score matrix, one row per history. The evaluation scores
users in batches and the strategies score one history, through the same call.

- `ItemKNN` is the classic item-to-item collaborative filter: cosine similarity between the columns of the user-item
  matrix. It is the baseline a content-only recommender has to beat, and the collaborative half of the app's hybrid.
- `Popularity` counts interactions per item: the other baseline that is hard to beat on MovieLens.
- `EASE` (Steck 2019) is the closed-form item-item model a recommender-systems reader expects as the warm baseline:
  `B = argmin ||X - XB||² + λ||B||²` with a zero diagonal is `B = -P / diag(P)`, `P = (XᵀX + λI)⁻¹`, one Gram
  matrix and one inverse over the items that have interactions. The inverse is dense (items²), so it is refused
  above `max_items` and item-kNN is used instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp
from scipy.linalg import lapack

from vidrec_core.core.metrics import ndcg_of_rank
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

    def item_weights(self, rows: Sequence[int], item: int) -> np.ndarray:
        """How much each of `rows` pulls `item` up: their similarity to it (for "viewers of X also liked it")."""
        if self.similarity_ is None:
            raise RuntimeError("ItemKNN.fit must be called before item_weights")
        return np.asarray(self.similarity_[list(rows), item].todense(), dtype=np.float32).ravel()


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


LAMBDA_GRID = (50.0, 100.0, 200.0, 500.0, 1000.0, 2000.0)


class EaseTooLarge(ValueError):
    """The log has more distinct items than an exact EASE fit should hold in memory."""


class EASE:
    """Item-item weights from the closed form. Like every collaborative model here (`learn.collaborative`):
    configuration in, `fit(user_items)` returns the fitted model, `scores` maps a binary users x items matrix to
    dense scores."""

    def __init__(self, regularisation: float = 200.0, max_items: int = 20_000):
        self.regularisation = regularisation
        self.max_items = max_items
        self.weights_: np.ndarray | None = None  # (known, known) float32
        self.items_: np.ndarray = np.zeros(0, dtype=np.int64)  # catalog rows of the known items
        self.known_: np.ndarray = np.zeros(0, dtype=bool)
        self.n_items_ = 0

    def fit(self, user_items: sp.csr_matrix) -> EASE:
        users = sp.csr_matrix(user_items)
        n_items = users.shape[1]
        counts = np.asarray(users.sum(axis=0)).ravel()
        items = np.flatnonzero(counts > 0)
        if len(items) > self.max_items:
            raise EaseTooLarge(
                f"EASE needs a dense {len(items):,} x {len(items):,} matrix; above {self.max_items:,} items "
                "item-kNN is used instead."
            )
        gram = _gram(users[:, items])
        self.weights_ = _closed_form(gram, self.regularisation)
        self.items_ = items
        self.known_ = counts > 0
        self.n_items_ = n_items
        return self

    def scores(self, histories: sp.csr_matrix) -> np.ndarray:
        """(users x items) scores; items nobody interacted with score 0."""
        if self.weights_ is None:
            raise RuntimeError("EASE.fit must be called before scores")
        out = np.zeros((histories.shape[0], self.n_items_), dtype=np.float32)
        out[:, self.items_] = np.asarray(histories[:, self.items_] @ self.weights_, dtype=np.float32)
        return out

    def item_weights(self, rows: Sequence[int], item: int) -> np.ndarray:
        """How much each of `rows` pulls `item` up (its weight in B); 0 for videos nobody interacted with."""
        if self.weights_ is None:
            raise RuntimeError("EASE.fit must be called before item_weights")
        out = np.zeros(len(rows), dtype=np.float32)
        if not self.known_[item]:
            return out
        column = int(np.searchsorted(self.items_, item))
        for n, row in enumerate(rows):
            if self.known_[row]:
                out[n] = self.weights_[int(np.searchsorted(self.items_, row)), column]
        return out


def _gram(users: sp.csr_matrix) -> np.ndarray:
    return np.asarray((users.T @ users).todense(), dtype=np.float64)


def _closed_form(gram: np.ndarray, regularisation: float) -> np.ndarray:
    g = gram.copy()
    g[np.diag_indices_from(g)] += regularisation
    p = _symmetric_inverse(g)
    b = p / (-np.diag(p))
    b[np.diag_indices_from(b)] = 0.0
    return b.astype(np.float32, order="C")  # row-major: scipy's sparse @ dense copies any other layout per call


def _symmetric_inverse(g: np.ndarray) -> np.ndarray:
    """The inverse of a symmetric positive definite matrix through its Cholesky factor: half the work of a general
    inverse (0.3 vs 0.7 s for the sample's 2,405 items, part of every cold start). A matrix that is not positive
    definite (no regularisation) takes the general inverse."""
    factor, info = lapack.dpotrf(g, lower=0, clean=0)
    if info != 0:
        return np.linalg.inv(g)
    inverse, info = lapack.dpotri(factor, lower=0, overwrite_c=1)
    if info != 0:
        return np.linalg.inv(g)
    np.copyto(inverse, inverse.T, where=np.tri(len(inverse), k=-1, dtype=bool))  # potri fills the upper half
    return inverse


@dataclass(frozen=True)
class LambdaChoice:
    """The regularisation chosen on a validation split of training data, with every value tried."""

    regularisation: float
    ndcg: dict[float, float] = field(default_factory=dict)
    users: int = 0


def choose_regularisation(
    histories: Sequence[Sequence[int]], n_items: int, grid: Sequence[float] = LAMBDA_GRID, k: int = 10
) -> LambdaChoice:
    """Hold out the last item of every training history with at least three items, fit on the rest, and keep the
    λ with the best NDCG@k on those held-out items. Only training data is read: never a test target."""
    train, rows, targets = [], [], []
    for h in histories:
        h = np.asarray(h, dtype=np.int64)
        if len(h) >= 3 and h[-1] not in set(h[:-1].tolist()):
            rows.append(len(train))
            targets.append(int(h[-1]))
            train.append(h[:-1])
        else:
            train.append(h)
    if not targets:
        return LambdaChoice(grid[len(grid) // 2])
    users = user_item_matrix(train, n_items)
    counts = np.asarray(users.sum(axis=0)).ravel()
    items = np.flatnonzero(counts > 0)
    gram = _gram(users[:, items])
    validation = users[rows][:, items]
    target_cols = np.searchsorted(items, targets)
    known_target = (target_cols < len(items)) & (items[np.minimum(target_cols, len(items) - 1)] == targets)
    results: dict[float, float] = {}
    for value in grid:
        weights = _closed_form(gram, value)
        scores = np.asarray(validation @ weights, dtype=np.float64)
        scores[validation.nonzero()] = -np.inf
        target_scores = scores[np.arange(len(rows)), np.minimum(target_cols, len(items) - 1)]
        rank = (scores > target_scores[:, None]).sum(axis=1) + 1
        gain = np.where(known_target, ndcg_of_rank(rank, k), 0.0)
        results[float(value)] = float(gain.mean())
    best = max(results, key=lambda v: (results[v], -v))
    return LambdaChoice(best, results, len(targets))


@dataclass(frozen=True)
class Viewing:
    """What a catalog's viewing log gives the strategies: the collaborative model (EASE, or item-kNN for logs too
    large for EASE's dense inverse) and how many people liked each video (the fusion strategy's text prior)."""

    model: EASE | ItemKNN
    likes: np.ndarray
    source: str = ""


def viewing_from_log(
    log: InteractionLog, n_items: int, threshold: float = 4.0, regularisation: float = 200.0
) -> Viewing:
    """The app's collaborative signal from every user's positive interactions. λ = 200 is the value chosen on a
    validation split of the sample's MovieLens log (the evaluation chooses its own on each view's training data)."""
    histories = [items.tolist() for items in positives_by_user(log, threshold).values()]
    user_items = user_item_matrix(histories, n_items)
    try:
        model: EASE | ItemKNN = EASE(regularisation).fit(user_items)
    except EaseTooLarge:
        model = ItemKNN().fit(user_items)
    likes = np.asarray(user_items.sum(axis=0), dtype=np.float64).ravel()
    return Viewing(model, likes, log.report.source)
