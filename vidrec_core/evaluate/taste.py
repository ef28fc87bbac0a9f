"""The on-taste view: do the lists of typed histories look right, and does a search move them?

For users of the log, their last liked titles are typed as a history (`split.TasteSplit`). Each method's list of k is
measured for:

- genre miscalibration (Steck 2018, `core.metrics.miscalibration`): how far the list's genre mix is from the
  history's, lower is better;
- on-taste share: the part of the list sharing a genre with the history's two main genres;
- search response: for a seeded share of the users, one `search:` line aimed at a genre their history hardly
  watches is appended (written from the genre's name, so any catalog with genres works), and the picks of that
  genre in the new list are counted against the old one;
- HR@k and NDCG@k of the held-out next liked title (the all view's), so accuracy sits beside taste.

Baselines read no typed line: their search response is 0 by construction.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from vidrec_core.core.metrics import genre_distribution, miscalibration, ndcg_of_rank, on_taste_share
from vidrec_core.data.schema import Catalog
from vidrec_core.evaluate.results import Estimate
from vidrec_core.evaluate.scorers import BatchScorer, watched_history, with_line
from vidrec_core.evaluate.split import TasteSplit
from vidrec_core.profile.history import EventKind
from vidrec_core.profile.registry import STRATEGIES
from vidrec_core.profile.strategies import StrategyContext
from vidrec_core.rank.pipeline import strategy_list

TASTE_METRICS: dict[str, str] = {
    "miscalibration": "genre miscalibration: KL divergence of the list's genre mix from the history's (lower: better)",
    "on_taste": "on-taste share: picks sharing a genre with the history's two main genres",
    "search_response": "search response: picks of the searched genre after one search: line, minus before",
}


def search_text(genre: str) -> str:
    """The search line aimed at a genre, written from its name alone (works for any catalog's genres)."""
    return genre.lower()


@dataclass(frozen=True)
class TasteLists:
    """Each user's list of k (item rows) without and, where the user has one, with the search line."""

    before: np.ndarray  # (users, k)
    after: dict[int, np.ndarray]  # user row -> list with the search


def strategy_lists(
    name: str,
    split: TasteSplit,
    catalog: Catalog,
    context: StrategyContext,
    k: int,
    search_vectors: dict[int, np.ndarray],
    genre_names: Sequence[str],
) -> TasteLists:
    """A strategy's lists as the app makes them for the typed histories, with and without the search line."""
    strategy = STRATEGIES[name]
    before = np.full((len(split.users), k), -1, dtype=np.int64)
    after: dict[int, np.ndarray] = {}
    for row, rows in enumerate(split.histories):
        history = watched_history(rows, catalog, context.items)
        listed = strategy_list(strategy, history, context, catalog, k).ranking.indices
        before[row, : len(listed)] = listed
        genre = split.search_genre[row]
        if genre is not None:
            searched = with_line(history, EventKind.SEARCHED, search_text(genre_names[genre]), search_vectors[genre])
            found = strategy_list(strategy, searched, context, catalog, k).ranking.indices
            after[row] = np.full(k, -1, dtype=np.int64)
            after[row][: len(found)] = found
    return TasteLists(before, after)


def baseline_lists(scorer: BatchScorer, split: TasteSplit, n_items: int, k: int, batch: int = 128) -> TasteLists:
    """A baseline's top k per history (it reads no search line, so the list with one is the same)."""
    before = np.empty((len(split.users), k), dtype=np.int64)
    for start in range(0, len(split.users), batch):
        rows = list(range(start, min(len(split.users), start + batch)))
        scores = np.asarray(scorer(rows), dtype=np.float64)
        scores[split.history_matrix(rows, n_items).nonzero()] = -np.inf
        before[rows] = np.argsort(-scores, axis=1, kind="stable")[:, :k]
    return TasteLists(before, {row: before[row] for row, g in enumerate(split.search_genre) if g is not None})


@dataclass(frozen=True)
class PerUserTaste:
    """Per-user values; `search_response` is NaN for users without a search line."""

    values: dict[str, np.ndarray]


def per_user_taste(lists: TasteLists, split: TasteSplit, presence: sp.csr_matrix, k: int) -> PerUserTaste:
    presence = sp.csr_matrix(presence)
    shares = presence.multiply(1.0 / np.maximum(np.asarray(presence.sum(axis=1)), 1.0)).tocsr()
    n = len(split.users)
    out = {name: np.full(n, np.nan) for name in ("miscalibration", "on_taste", "search_response", "hr", "ndcg")}
    for row, history in enumerate(split.histories):
        listed = lists.before[row][lists.before[row] >= 0]
        target = genre_distribution(shares[history].toarray())
        got = genre_distribution(shares[listed].toarray()) if len(listed) else np.zeros_like(target)
        out["miscalibration"][row] = miscalibration(target, got)
        out["on_taste"][row] = on_taste_share(presence[listed].toarray(), target)
        hits = np.flatnonzero(listed == split.targets[row])
        rank = hits[0] + 1 if len(hits) else k + 1
        out["hr"][row] = float(rank <= k)
        out["ndcg"][row] = float(ndcg_of_rank(np.array([rank]), k)[0])
        genre = split.search_genre[row]
        if genre is not None and row in lists.after:
            found = lists.after[row][lists.after[row] >= 0]
            column = presence[:, genre].toarray().ravel()
            out["search_response"][row] = column[found].sum() - column[listed].sum()
    return PerUserTaste(out)


def nan_bootstrap(values: np.ndarray, samples: np.ndarray) -> Estimate | None:
    """Mean and 95% interval over the users that have a value (None when none has)."""
    present = ~np.isnan(values)
    if not present.any():
        return None
    drawn, kept = np.where(present, values, 0.0)[samples], present[samples]
    counts = kept.sum(axis=1)
    means = drawn.sum(axis=1)[counts > 0] / counts[counts > 0]
    low, high = np.percentile(means, [2.5, 97.5])
    return Estimate(float(values[present].mean()), float(low), float(high))
