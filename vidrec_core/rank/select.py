"""From scores to a list: the allowed candidates, the top k by partial sort, MMR diversity, and a fair share of the
list for each interest."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from vidrec_core.core.vectors import top_k
from vidrec_core.data.schema import Catalog
from vidrec_core.rank.filters import Filters, apply_filters


@dataclass
class Ranking:
    indices: list[int]
    scores: list[float]
    messages: list[str] = field(default_factory=list)
    interest_of: list[int | None] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.interest_of:
            self.interest_of = [None] * len(self.indices)


def mmr_select(scores: np.ndarray, candidates: np.ndarray, items: np.ndarray, k: int, diversity: float) -> list[int]:
    """Maximal marginal relevance: trade relevance against similarity to what is already picked.

    diversity=0 is pure relevance; 1 ignores relevance after the first pick.
    """
    picked, _ = fair_share_select(scores[None, :], np.ones(1), candidates, items, k, diversity)
    return picked


def fair_share_quotas(shares: np.ndarray, k: int) -> np.ndarray:
    """Seats per interest in a list of k: proportional to share (largest remainder), at least one each when k allows."""
    shares = np.asarray(shares, dtype=np.float64)
    exact = shares / shares.sum() * k
    quotas = np.floor(exact).astype(int)
    for i in np.argsort(-(exact - quotas), kind="stable")[: k - quotas.sum()]:
        quotas[i] += 1
    for i in np.argsort(-shares, kind="stable"):  # every interest gets a seat, taken from the largest
        if quotas[i] == 0 and quotas.max() > 1:
            quotas[i] += 1
            quotas[int(np.argmax(quotas))] -= 1
    return quotas


def pool_size(k: int) -> int:
    """How many of each interest's best candidates diversity and fair shares choose from."""
    return max(k * 10, 100)


def fair_share_select(
    interest_scores: np.ndarray,
    shares: np.ndarray,
    candidates: np.ndarray,
    items: np.ndarray,
    k: int,
    diversity: float,
) -> tuple[list[int], list[int]]:
    """Pick k videos, each interest filling its quota from its own candidates, with optional MMR diversity.

    Returns the picked rows and, for each, the interest it was picked for. With one interest this is plain MMR.
    """
    n_interests = len(interest_scores)
    quotas = fair_share_quotas(shares, k) if n_interests > 1 else np.array([k])
    pools = []
    for scores in interest_scores:
        pools.append(top_k(scores, candidates, pool_size(k)))
    pool = np.unique(np.concatenate(pools))
    pool_rows = [np.searchsorted(pool, order) for order in pools]
    pool_vectors = items[pool]
    max_sim = np.full(len(pool), -np.inf, dtype=np.float32)
    available = np.ones(len(pool), dtype=bool)
    picked: list[int] = []
    picked_for: list[int] = []
    filled = np.zeros(n_interests, dtype=int)
    exhausted = np.zeros(n_interests, dtype=bool)
    while len(picked) < min(k, len(pool)):
        open_interests = [i for i in range(n_interests) if not exhausted[i] and filled[i] < quotas[i]]
        if not open_interests:  # an interest ran out of candidates: the others take its seats
            live = np.flatnonzero(~exhausted)
            if len(live) == 0:
                break
            quotas[live] += 1
            continue
        interest = min(open_interests, key=lambda i: (filled[i] / quotas[i], -shares[i]))
        rows = pool_rows[interest][available[pool_rows[interest]]]
        if len(rows) == 0:
            exhausted[interest] = True
            continue
        relevance = interest_scores[interest][pool[rows]]
        value = relevance if diversity <= 0 or not picked else (1 - diversity) * relevance - diversity * max_sim[rows]
        best = int(rows[int(np.argmax(value))])
        picked.append(int(pool[best]))
        picked_for.append(interest)
        filled[interest] += 1
        available[best] = False
        max_sim = np.maximum(max_sim, pool_vectors @ pool_vectors[best])
    return picked, picked_for


def rank(
    catalog: Catalog,
    items: np.ndarray,
    scores: np.ndarray,
    exclude: np.ndarray,
    k: int = 10,
    filters: Filters | None = None,
    diversity: float = 0.0,
    interest_scores: np.ndarray | None = None,
    interest_shares: np.ndarray | None = None,
) -> Ranking:
    """Top-k of the allowed videos; with several interests, each interest gets its fair share of the list."""
    allowed, messages = apply_filters(catalog, filters)
    allowed &= ~exclude
    candidates = np.flatnonzero(allowed)
    if len(candidates) == 0:
        if not messages:
            messages.append("Every video in the catalog is already in the history.")
        return Ranking([], [], messages)
    k = max(1, int(k))
    interest_of: list[int | None]
    if interest_scores is not None and len(interest_scores) > 1:
        picked, chosen_for = fair_share_select(
            interest_scores, np.asarray(interest_shares), candidates, items, k, diversity
        )
        interest_of = list(chosen_for)
    elif diversity <= 0 and len(candidates) > k:
        picked = top_k(scores, candidates, k).tolist()
        interest_of = [None] * len(picked)
    else:
        picked = mmr_select(scores, candidates, items, k, diversity)
        interest_of = [None] * len(picked)
    return Ranking(picked, [float(scores[i]) for i in picked], messages, interest_of)
