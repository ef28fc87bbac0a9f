"""Candidate retrieval: the query vectors a history asks the index with, and the candidates they bring back.

The queries follow what each strategy scores by, as its `Strategy.queries` says. The kind-weighted mean of the
positive events is every strategy's profile (`mean`'s whole score); "recency" adds the decayed mean, "interests"
each interest's centre, and "events" (the strategies that score a video by its closest history events) the most
recent events themselves. A history of only dislikes asks for the videos farthest from them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from vidrec_core.index import lance
from vidrec_core.index.files import IndexManifest
from vidrec_core.profile.base import ListSteps
from vidrec_core.profile.registry import Strategy
from vidrec_core.profile.strategies import (
    EmbeddedHistory,
    StrategyParams,
    event_ages,
    find_interests,
    recency_weights,
    weighted_mean,
)

MAX_EVENT_QUERIES = 8  # the most recent positive events asked about, for the strategies that score by events
MAX_EXTRA_FOR_EXCLUDED = 1000  # the history's own videos come back too and are dropped: ask for that many more


@dataclass(frozen=True)
class RetrievalSettings:
    """How much to ask the index for. Measured at 5M (docs/speed-and-scale.md): 300 candidates from 4 % of the
    partitions gave recall@10 0.9995 after exact re-scoring, and the pool MMR and fair shares pick from."""

    candidates: int = 300  # per profile query
    event_candidates: int = 100  # per history-event query
    probe_share: float = 0.04
    # A history event is one video or line, its neighbours close by: at 5M, 20 partitions instead of 49 kept recall
    # (multi-interest 0.992, nearest 0.97) and took a fifth off the multi-interest answer.
    event_probe_share: float = 0.016
    nprobes: int | None = None  # every partition when set to their number: then only PQ ranks the candidates


@dataclass
class VectorIndex:
    """A built index: its manifest, the memory-mapped vectors, and the LanceDB table (opened on first use)."""

    manifest: IndexManifest
    vectors: np.ndarray
    settings: RetrievalSettings = RetrievalSettings()

    @cached_property
    def table(self):
        try:
            return lance.connect(self.manifest.uri).open_table(self.manifest.table)
        except lance.VectorIndexError:
            raise
        except Exception as exc:
            raise lance.VectorIndexError(
                f"The vector index table {self.manifest.table} could not be opened at {self.manifest.uri} "
                f"({type(exc).__name__}). Build it again with `vidrec index --catalog ...`."
            ) from exc

    def probes(self, share: float | None = None) -> int:
        """Partitions searched per query: `share` of them (the profile's share by default), at least MIN_PROBES."""
        if self.settings.nprobes is not None:
            return self.settings.nprobes
        return lance.nprobes_for(max(1, self.manifest.partitions), share or self.settings.probe_share)

    @property
    def nprobes(self) -> int:
        return self.probes()

    def candidates(self, asks: list[Ask], where: str | None = None) -> np.ndarray:
        """The sorted union of each query's nearest catalog rows."""
        if not asks:
            return np.zeros(0, dtype=np.int64)
        found: list[np.ndarray] = []
        for limit, share in sorted({(a.limit, a.probe_share) for a in asks}):  # one call per kind of query
            queries = np.stack([a.vector for a in asks if (a.limit, a.probe_share) == (limit, share)])
            found += lance.search(self.table, queries, limit, self.probes(share), where)
        return np.unique(np.concatenate(found)).astype(np.int64)

    def describe(self, n_candidates: int) -> str:
        how = (
            f"IVF-PQ, {self.nprobes} of {self.manifest.partitions:,} partitions"
            if self.manifest.kind == "ivf_pq"
            else "flat scan"
        )
        return f"vector index: {n_candidates:,} candidates re-scored exactly ({how})"


@dataclass(frozen=True)
class Ask:
    """One query to the index: a vector, how many candidates it brings, from which share of the partitions."""

    vector: np.ndarray
    limit: int
    probe_share: float

    def more(self, extra: int) -> Ask:
        return Ask(self.vector, self.limit + extra, self.probe_share)


def retrieval_queries(
    history: EmbeddedHistory,
    strategy: Strategy,
    params: StrategyParams,
    settings: RetrievalSettings,
    steps: ListSteps | None = None,
) -> list[Ask]:
    """The queries a history and strategy ask the index: the profile, those in `strategy.queries`, and each typed
    line when the list steps read it (a search's seats are filled from what matches it; calibration reads the genres
    of what a line retrieves), so the candidates hold what the whole catalog would have given them."""
    positive = np.flatnonzero(history.positive)

    def profile(vector: np.ndarray) -> Ask:
        return Ask(np.asarray(vector, dtype=np.float32), settings.candidates, settings.probe_share)

    if len(positive) == 0:
        return [profile(-weighted_mean(history.vectors, np.ones(len(history.vectors), dtype=np.float32)))]
    vectors, weights = history.vectors[positive], history.weights[positive]
    asks = [profile(weighted_mean(vectors, weights))]
    if "recency" in strategy.queries:
        decay = recency_weights(len(history.events), params.half_life, event_ages(history.events))[positive]
        asks.append(profile(weighted_mean(vectors, weights * decay)))
    if "interests" in strategy.queries:
        asks += [profile(interest.centroid) for interest in find_interests(history, params)]
    chosen: list[int] = []
    if "events" in strategy.queries:
        chosen += np.argsort(event_ages(history.events)[positive], kind="stable")[:MAX_EVENT_QUERIES].tolist()
    steps = steps or strategy.steps
    if steps.calibration > 0 or steps.search_share > 0:
        typed = [n for n, row in enumerate(positive) if history.events[row].matched_id is None]
        chosen += [n for n in typed[-MAX_EVENT_QUERIES:] if n not in chosen]
    asks += [
        Ask(np.asarray(vectors[i], dtype=np.float32), settings.event_candidates, settings.event_probe_share)
        for i in chosen
    ]
    return asks
