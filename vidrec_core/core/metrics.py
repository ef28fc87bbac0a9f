"""The one home of every ranking and list formula: the evaluation, the EASE λ choice, the fusion fit and the list's
calibration step all import these, so a formula fixed here is fixed everywhere.

- NDCG: a hit at (1-based) rank r gains 1 / log2(r + 1); a list's gain is divided by the ideal list's;
- genre miscalibration (Steck, "Calibrated recommendations", RecSys 2018): the KL divergence between a history's
  genre distribution p and a list's q, the list's mixed with a little of the history's (q~ = (1 - a) q + a p) so a
  genre the list misses costs a large but finite amount; each video's genres share its weight equally;
- on-taste share: the part of a list that shares a genre with the history's main genres.
"""

from __future__ import annotations

import numpy as np

MISCALIBRATION_MIX = 0.01  # Steck's a: how much of the history's distribution the list's is mixed with
MAIN_GENRES = 2  # on-taste share: the history's genres a pick must share one of


def discounts(n: int) -> np.ndarray:
    """The gain of a hit at ranks 1..n: 1 / log2(rank + 1)."""
    return 1.0 / np.log2(np.arange(2, n + 2, dtype=np.float64))


def ndcg_of_rank(ranks: np.ndarray, k: int) -> np.ndarray:
    """NDCG@k of one held-out video per row, found at `ranks` (1-based): the ideal list has it first."""
    ranks = np.asarray(ranks, dtype=np.float64)
    return np.where(ranks <= k, 1.0 / np.log2(ranks + 1.0), 0.0)


def ndcg_of_hits(hits: np.ndarray, relevant: np.ndarray | int) -> np.ndarray:
    """NDCG of lists given as booleans (lists x k: is the video at each rank relevant?) against the ideal list of
    min(relevant, k) hits."""
    hits = np.atleast_2d(np.asarray(hits, dtype=np.float64))
    k = hits.shape[1]
    gains = discounts(k)
    ideal = np.cumsum(gains)[np.clip(np.broadcast_to(relevant, len(hits)).astype(int), 1, max(k, 1)) - 1]
    got = hits @ gains
    return np.divide(got, ideal, out=np.zeros_like(got), where=(np.broadcast_to(relevant, len(hits)) > 0))


def ndcg_at(scores: np.ndarray, liked: np.ndarray, k: int) -> np.ndarray:
    """NDCG@k of each row of `scores` (lists, candidates) against the boolean `liked` (stable order on ties)."""
    k = min(k, scores.shape[1])
    order = np.argsort(-scores, axis=1, kind="stable")[:, :k]
    return ndcg_of_hits(np.take_along_axis(liked, order, axis=1), liked.sum(axis=1))


def genre_shares(presence: np.ndarray) -> np.ndarray:
    """p(genre | video): each video's genres share its weight equally (rows of zeros for videos without one)."""
    presence = np.asarray(presence, dtype=np.float64)
    return presence / np.maximum(presence.sum(axis=-1, keepdims=True), 1.0)


def genre_distribution(shares: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
    """The weighted mix of some videos' `genre_shares` rows, summing to 1 (zeros when none has a genre)."""
    shares = np.atleast_2d(np.asarray(shares, dtype=np.float64))
    w = np.ones(len(shares)) if weights is None else np.clip(np.asarray(weights, dtype=np.float64), 0.0, None)
    total = w @ shares
    mass = float(total.sum())
    return total / mass if mass > 0 else total


def miscalibration(history: np.ndarray, listed: np.ndarray, mix: float = MISCALIBRATION_MIX) -> float:
    """Steck's KL(p || q~) between a history's genre distribution p and a list's q (see the module)."""
    p = np.asarray(history, dtype=np.float64)
    q = (1.0 - mix) * np.asarray(listed, dtype=np.float64) + mix * p
    present = p > 0
    return float((p[present] * np.log(p[present] / q[present])).sum())


def main_genres(distribution: np.ndarray, n: int = MAIN_GENRES) -> np.ndarray:
    """Column indexes of the n largest genres of a distribution (fewer when it has fewer)."""
    order = np.argsort(-np.asarray(distribution), kind="stable")[:n]
    return order[np.asarray(distribution)[order] > 0]


def on_taste_share(list_presence: np.ndarray, history: np.ndarray, n: int = MAIN_GENRES) -> float:
    """The share of a list (its rows of genre presence) sharing a genre with the history's n main genres."""
    list_presence = np.atleast_2d(np.asarray(list_presence))
    if not len(list_presence):
        return 0.0
    main = main_genres(history, n)
    return float((list_presence[:, main] > 0).any(axis=1).mean()) if len(main) else 0.0
