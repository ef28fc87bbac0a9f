"""Numbers that describe one recommendation list, so two lists can be compared side by side.

"novelty" here is the app's list figure: 1 - the mean popularity percentile of the list (0 = only blockbusters,
near 1 = only rarely watched videos). The evaluation's novelty is another measure with the same name, the mean -log2
share of training interactions in bits (`vidrec_core.evaluate.metrics.novelty_bits`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import numpy as np


def intra_list_diversity(vectors: np.ndarray) -> float:
    """Mean pairwise cosine distance of the list's videos: 0 = all alike, higher = more varied."""
    n = len(vectors)
    if n < 2:
        return 0.0
    sims = vectors @ vectors.T
    return max(0.0, float(1.0 - (sims.sum() - np.trace(sims)) / (n * (n - 1))))  # alike videos round below 0


def genre_spread(genre_lists: Sequence[Sequence[str]]) -> float:
    """Shannon entropy (bits) of the genres in the list: how evenly the list covers different genres."""
    counts = Counter(g for genres in genre_lists for g in genres)
    total = sum(counts.values())
    if not total:
        return 0.0
    p = np.array(list(counts.values()), dtype=np.float64) / total
    return max(0.0, float(-(p * np.log2(p)).sum()))  # one genre alone sums to -0.0, which the page wrote "-0.00"


def popularity_novelty(popularity_pct: np.ndarray, indices: Sequence[int]) -> float:
    """How far the list is from the most popular titles: 1 - mean popularity percentile (0 = only blockbusters).
    Not the evaluation's novelty (mean -log2 share of interactions, in bits)."""
    if len(indices) == 0:
        return 0.0
    return float(1.0 - popularity_pct[list(indices)].mean())


def profile_similarity(items: np.ndarray, indices: Sequence[int], profile: np.ndarray | None) -> float | None:
    if profile is None or len(indices) == 0 or not np.any(profile):
        return None
    return float((items[list(indices)] @ profile).mean())


def describe_list(
    items: np.ndarray,
    indices: Sequence[int],
    genre_lists: Sequence[Sequence[str]],
    popularity_pct: np.ndarray,
    profile: np.ndarray | None,
) -> dict[str, float | None]:
    indices = list(indices)
    return {
        "similarity to profile": profile_similarity(items, indices, profile),
        "intra-list diversity": intra_list_diversity(items[indices]) if indices else 0.0,
        "genre spread (bits)": genre_spread(genre_lists),
        "novelty": popularity_novelty(popularity_pct, indices),
    }
