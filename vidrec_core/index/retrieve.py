"""Candidate retrieval: the query vectors a history asks the index with, and the candidates they bring back.

The queries follow what each strategy scores by. The kind-weighted mean of the positive events is every strategy's
profile (`mean`'s whole score); `recency` adds its decayed mean; the strategies that score a video by its closest
history events (`nearest`, `multi-interest`, `fusion`, `hybrid`, `learned`) add the most recent events themselves,
and `multi-interest` each interest's centre. A history of only dislikes asks for the videos farthest from them.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

import numpy as np

from vidrec_core.index import lance
from vidrec_core.index.files import IndexManifest
from vidrec_core.profile.strategies import (
    EmbeddedHistory,
    StrategyParams,
    event_ages,
    find_interests,
    recency_weights,
    weighted_mean,
)

PROFILE_QUERIES_ONLY = frozenset({"mean", "recency"})  # strategies whose score is one profile's cosine
MAX_EVENT_QUERIES = 8  # the most recent positive events asked about, for the strategies that score by events
MAX_EXTRA_FOR_EXCLUDED = 1000  # the history's own videos come back too and are dropped: ask for that many more


@dataclass(frozen=True)
class RetrievalSettings:
    """How much to ask the index for. Measured at 5M (docs/speed-and-scale.md): 300 candidates from 4 % of the
    partitions gave recall@10 0.9995 after exact re-scoring, and the pool MMR and fair shares pick from."""

    candidates: int = 300  # per profile query
    event_candidates: int = 100  # per history-event query
    probe_share: float = 0.04
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

    @property
    def nprobes(self) -> int:
        if self.settings.nprobes is not None:
            return self.settings.nprobes
        return lance.nprobes_for(max(1, self.manifest.partitions), self.settings.probe_share)

    def candidates(self, queries: np.ndarray, limits: list[int], where: str | None = None) -> np.ndarray:
        """The sorted union of each query's nearest catalog rows; query i brings `limits[i]` of them."""
        if len(queries) == 0:
            return np.zeros(0, dtype=np.int64)
        found: list[np.ndarray] = []
        for limit in sorted(set(limits)):  # one call per distinct limit (usually two: profiles and events)
            asked = [i for i, wanted in enumerate(limits) if wanted == limit]
            found += lance.search(self.table, queries[asked], limit, self.nprobes, where)
        return np.unique(np.concatenate(found)).astype(np.int64) if found else np.zeros(0, dtype=np.int64)

    def describe(self, n_candidates: int) -> str:
        how = (
            f"IVF-PQ, {self.nprobes} of {self.manifest.partitions:,} partitions"
            if self.manifest.kind == "ivf_pq"
            else "flat scan"
        )
        return f"vector index: {n_candidates:,} candidates re-scored exactly ({how})"


def retrieval_queries(
    history: EmbeddedHistory, strategy: str, params: StrategyParams, settings: RetrievalSettings
) -> tuple[np.ndarray, list[int]]:
    """The query vectors for a history and strategy, and how many candidates each asks for (see the module)."""
    positive = np.flatnonzero(history.positive)
    dim = history.vectors.shape[1]
    if len(positive) == 0:
        away = -weighted_mean(history.vectors, np.ones(len(history.vectors), dtype=np.float32))
        return away[None, :], [settings.candidates]
    vectors, weights = history.vectors[positive], history.weights[positive]
    queries = [weighted_mean(vectors, weights)]
    limits = [settings.candidates]
    if strategy == "recency":
        decay = recency_weights(len(history.events), params.half_life, event_ages(history.events))[positive]
        queries.append(weighted_mean(vectors, weights * decay))
        limits.append(settings.candidates)
    if strategy not in PROFILE_QUERIES_ONLY:
        if strategy == "multi-interest":
            for interest in find_interests(history, params):
                queries.append(interest.centroid)
                limits.append(settings.candidates)
        recent = np.argsort(event_ages(history.events)[positive], kind="stable")[:MAX_EVENT_QUERIES]
        queries += [vectors[i] for i in recent]
        limits += [settings.event_candidates] * len(recent)
    return np.stack(queries).astype(np.float32).reshape(-1, dim), limits
