"""Ranking every user's catalog and measuring it: HR@k, NDCG@k, MRR, coverage, diversity and novelty, each with a
95% bootstrap interval over users.

"novelty" here is the mean -log2 of each recommended video's share of training interactions, in bits; the app's
list novelty (1 - mean popularity percentile) is another figure, `vidrec_core.rank.listmetrics.popularity_novelty`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from vidrec_core.core.metrics import ndcg_of_hits, ndcg_of_rank
from vidrec_core.evaluate.results import Estimate
from vidrec_core.evaluate.scorers import BatchScorer
from vidrec_core.evaluate.split import NewItemsSplit, Split

METRICS: dict[str, str] = {
    "recall": "Recall@k (new-items view): share of a user's liked new videos in their top k (of at most k)",
    "hr": "HR@k: share of users whose held-out video is in the top k",
    "ndcg": "NDCG@k: like HR@k, but a hit at rank 1 counts 1 and lower ranks less (1/log2(rank+1))",
    "mrr": "MRR: mean of 1/rank of the held-out video over the full ranking",
    "coverage": "coverage: share of the catalog that appears in anyone's top k",
    "diversity": "diversity: mean pairwise cosine distance within each top k (first model's space)",
    "novelty": "novelty: mean -log2 of each recommended video's share of training interactions (higher = less popular)",
}
BATCH = 128


@dataclass(frozen=True)
class PerUser:
    """Per-user metric values plus each user's top-k list (for coverage)."""

    hr: np.ndarray
    ndcg: np.ndarray
    rr: np.ndarray
    diversity: np.ndarray
    novelty: np.ndarray | None  # None in the new-items view: every candidate is new, so all share one value
    top: np.ndarray  # (users, k) item rows
    recall: np.ndarray | None = None  # the new-items view only: several liked videos per user
    universe: int | None = None  # coverage's denominator when not the whole catalog (the new videos)


def rank_users(
    scorer: BatchScorer,
    split: Split,
    n_items: int,
    k: int,
    space: np.ndarray,
    novelty_of: np.ndarray,
    seed: int,
) -> PerUser:
    """Rank the catalog minus each history; ties broken by a seeded random key shared by every method."""
    n = len(split.users)
    ranks = np.empty(n, dtype=np.int64)
    top = np.empty((n, k), dtype=np.int64)
    for start in range(0, n, BATCH):
        rows = list(range(start, min(n, start + BATCH)))
        scores = np.asarray(scorer(rows), dtype=np.float64)
        scores = np.where(np.isnan(scores), -np.inf, scores)
        history = split.history_matrix(rows, n_items)
        scores[history.nonzero()] = -np.inf
        tie_break = np.random.default_rng([seed, 4, start]).random(scores.shape)
        order = np.lexsort((tie_break, -scores), axis=-1)
        targets = split.targets[rows]
        ranks[rows] = np.argmax(order == targets[:, None], axis=1) + 1
        top[rows] = order[:, :k]
    return per_user_metrics(ranks, top, k, space, novelty_of)


def per_user_metrics(ranks: np.ndarray, top: np.ndarray, k: int, space: np.ndarray, novelty_of: np.ndarray) -> PerUser:
    hit = ranks <= k
    ndcg = ndcg_of_rank(ranks, k)
    vectors = space[top]  # (users, k, d)
    gram = np.einsum("ukd,ujd->ukj", vectors, vectors)
    pairs = k * (k - 1)
    diversity = (1.0 - gram).sum(axis=(1, 2)) / pairs if pairs else np.zeros(len(top))
    return PerUser(
        hr=hit.astype(np.float64),
        ndcg=ndcg,
        rr=1.0 / ranks,
        diversity=diversity.astype(np.float64),
        novelty=novelty_of[top].mean(axis=1),
        top=top,
    )


def rank_candidates(
    scorer: BatchScorer,
    split: NewItemsSplit,
    k: int,
    space: np.ndarray,
    seed: int,
    kept: list[np.ndarray] | None = None,
) -> PerUser:
    """The new-items view: rank only the new videos for each user (the scorer scores the whole catalog, as the app
    does, and the candidates are read from it). Several liked new videos per user: NDCG@k uses the ideal ordering
    of min(liked, k) hits; MRR is that of the first liked one. Ties are broken by a seeded key shared by every
    method. `kept`, when given, receives each batch's scores of the new videos (the audience view reads them)."""
    n, candidates = len(split.users), split.candidates
    k = min(k, len(candidates))
    recall, ndcg, hr, rr = (np.zeros(n) for _ in range(4))
    top = np.zeros((n, k), dtype=np.int64)
    for start in range(0, n, BATCH):
        rows = list(range(start, min(n, start + BATCH)))
        scores = np.asarray(scorer(rows), dtype=np.float64)[:, candidates]
        scores = np.where(np.isnan(scores), -np.inf, scores)
        if kept is not None:
            kept.append(scores)
        tie_break = np.random.default_rng([seed, 8, start]).random(scores.shape)
        order = np.lexsort((tie_break, -scores), axis=-1)
        for offset, row in enumerate(rows):
            ranked = candidates[order[offset]]
            hit = np.isin(ranked, split.targets[row])
            liked = len(split.targets[row])
            ndcg[row] = ndcg_of_hits(hit[:k], liked)[0]
            recall[row] = hit[:k].sum() / min(liked, k)
            hr[row] = float(hit[:k].any())
            rr[row] = 1.0 / (int(np.argmax(hit)) + 1)
            top[row] = ranked[:k]
    vectors = space[top]
    gram = np.einsum("ukd,ujd->ukj", vectors, vectors)
    pairs = k * (k - 1)
    diversity = (1.0 - gram).sum(axis=(1, 2)) / pairs if pairs else np.zeros(n)
    return PerUser(hr, ndcg, rr, diversity.astype(np.float64), None, top, recall, len(candidates))


def novelty_bits(counts: np.ndarray) -> np.ndarray:
    """-log2 of each item's share of training interactions, add-one smoothed so unseen items stay finite."""
    return -np.log2((counts + 1.0) / (counts.sum() + len(counts)))


def bootstrap_means(values: np.ndarray, samples: np.ndarray) -> Estimate:
    means = values[samples].mean(axis=1)
    low, high = np.percentile(means, [2.5, 97.5])
    return Estimate(float(values.mean()), float(low), float(high))


def coverage_estimate(top: np.ndarray, n_items: int, samples: np.ndarray, universe: int | None = None) -> Estimate:
    """Share of the catalog in anyone's top k, with a re-centred bootstrap interval.

    A resample repeats some users and misses others (about 37%), so it always reaches fewer items than the full set:
    the raw percentile interval would sit below the estimate. The spread of the resamples is kept and moved to be
    centred on the estimate (a bias-corrected percentile interval).
    """
    users = top.shape[0]
    incidence = sp.csr_matrix(
        (np.ones(top.size, dtype=np.float32), (np.repeat(np.arange(users), top.shape[1]), top.ravel())),
        shape=(users, n_items),
    )
    weights = np.zeros((samples.shape[0], users), dtype=np.float32)
    np.add.at(weights, (np.repeat(np.arange(samples.shape[0]), samples.shape[1]), samples.ravel()), 1.0)
    denominator = universe or n_items
    reached = np.asarray((incidence.T @ weights.T) > 0).sum(axis=0) / denominator
    value = len(np.unique(top)) / denominator
    low, high = np.percentile(reached, [2.5, 97.5]) + (value - reached.mean())
    return Estimate(float(value), float(max(low, 0.0)), float(min(high, 1.0)))


def summarise(per: PerUser, n_items: int, samples: np.ndarray) -> dict[str, Estimate]:
    out = {} if per.recall is None else {"recall": bootstrap_means(per.recall, samples)}
    out |= {
        "hr": bootstrap_means(per.hr, samples),
        "ndcg": bootstrap_means(per.ndcg, samples),
        "mrr": bootstrap_means(per.rr, samples),
        "coverage": coverage_estimate(per.top, n_items, samples, per.universe),
        "diversity": bootstrap_means(per.diversity, samples),
    }
    if per.novelty is not None:
        out["novelty"] = bootstrap_means(per.novelty, samples)
    return out
