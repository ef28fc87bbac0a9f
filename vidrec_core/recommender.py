"""The engine's front door: a catalog, its embeddings and an encoder, answering histories and searches.

The app and the command line both go through `Recommender`, so they always agree.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import numpy as np

from vidrec_core.catalog import Catalog, load_catalog
from vidrec_core.core.vectors import top_k_rows
from vidrec_core.embed import (
    DEFAULT_BATCH_SIZE,
    EmbeddingStore,
    EmbedReport,
    Encoder,
    ProgressFn,
    QueryEmbedder,
    embed_texts,
    get_encoder,
    model_slug,
)
from vidrec_core.errors import HistoryError, VidrecError
from vidrec_core.history import EMPTY_HISTORY_MESSAGE, Event, TitleMatcher, history_notices, parse_history
from vidrec_core.paths import SAMPLE_CATALOG, SAMPLE_EMBEDDINGS_DIR, cache_dir
from vidrec_core.profile import (
    STRATEGIES,
    CollaborativeModel,
    EmbeddedHistory,
    ProfileResult,
    StrategyContext,
    StrategyParams,
    dislike_penalty,
)
from vidrec_core.rank import Filters, Recommendation, explain, rank


@dataclass
class RecommendationResult:
    events: list[Event]
    recommendations: list[Recommendation]
    strategy: str
    messages: list[str] = field(default_factory=list)
    profile: ProfileResult | None = None
    embedded: EmbeddedHistory | None = None

    def as_dict(self) -> dict:
        return {
            "strategy": self.strategy,
            "history": [event_as_dict(e) for e in self.events],
            "recommendations": [r.as_dict() for r in self.recommendations],
            "interests": [
                {"label": i.label, "share": round(i.share, 4), "lines": [self.events[r].line_no for r in i.event_rows]}
                for i in (self.profile.interests if self.profile else [])
            ],
            "messages": list(self.messages),
        }


def event_as_dict(event: Event) -> dict:
    out = {"line": event.line_no, "kind": event.kind.value, "text": event.text}
    if event.matched_id is not None:
        out.update(matched_id=event.matched_id, matched_title=event.matched_title, match_score=event.match_score)
    if event.note:
        out["note"] = event.note
    return out


def catalog_store(encoder: Encoder, writable: bool = True) -> EmbeddingStore:
    """The store for one encoder: shipped sample vectors (read-only) plus the user's cache folder."""
    folder: Path | None = cache_dir() / "embeddings"
    if writable:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            folder = None
    shipped = SAMPLE_EMBEDDINGS_DIR / f"{model_slug(encoder.name)}.npz"
    return EmbeddingStore(encoder.name, encoder.dim, folder if writable else None, extra_files=[shipped])


def embed_catalog(
    catalog: Catalog,
    encoder: Encoder,
    progress: ProgressFn | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    should_stop=None,
) -> tuple[np.ndarray, EmbedReport]:
    return embed_texts(
        encoder,
        catalog.texts,
        catalog_store(encoder),
        batch_size=batch_size,
        progress=progress,
        should_stop=should_stop,
    )


class Recommender:
    """Answers histories and searches over one catalog with one encoder. Read-only after construction."""

    def __init__(
        self,
        catalog: Catalog,
        item_vectors: np.ndarray,
        encoder: Encoder,
        collaborative: CollaborativeModel | None = None,
        learned: object | None = None,
    ):
        if item_vectors.shape != (len(catalog), encoder.dim):
            raise ValueError(
                f"Embeddings must be a numpy array of shape (len(catalog), dim) = ({len(catalog)}, "
                f"{encoder.dim}); got {item_vectors.shape}."
            )
        self.catalog = catalog
        self.items = np.ascontiguousarray(item_vectors, dtype=np.float32)
        self.items.setflags(write=False)
        self.encoder = encoder
        self.queries = QueryEmbedder(encoder)
        self.collaborative = collaborative
        self.learned = learned  # vidrec_core.learned.LearnedModel (or why none is usable) for the learned strategy

    @cached_property
    def popularity(self) -> np.ndarray:
        """Percentile rank of the catalog's popularity column in [0, 1] (0.5 everywhere when it has none)."""
        values = self.catalog.frame["popularity"].astype("float64")
        if values.notna().sum() == 0:
            return np.full(len(values), 0.5, dtype=np.float32)
        return values.fillna(values.min()).rank(pct=True).to_numpy(np.float32)

    @cached_property
    def known_neighbours(self) -> np.ndarray | None:
        """For each video without interactions, the 10 most similar videos that have some (by embedding)."""
        if self.collaborative is None:
            return None
        return nearest_known(self.items, self.collaborative.known)

    def context(self, params: StrategyParams | None = None) -> StrategyContext:
        return StrategyContext(
            items=self.items,
            popularity=self.popularity,
            collaborative=self.collaborative,
            params=params or StrategyParams(),
            index_of=self.catalog.index_of,
            known_neighbours=self.known_neighbours,
            learned=self.learned,
        )

    @cached_property
    def matcher(self) -> TitleMatcher:
        return TitleMatcher(self.catalog)

    def understand(self, history_text: str) -> list[Event]:
        return parse_history(history_text, self.matcher)

    def embed_events(self, events: list[Event]) -> EmbeddedHistory:
        vectors = np.zeros((len(events), self.encoder.dim), dtype=np.float32)
        text_rows = [i for i, e in enumerate(events) if e.matched_id is None]
        for i, event in enumerate(events):
            if event.matched_id is not None:
                vectors[i] = self.items[self.catalog.index_of[event.matched_id]]
        if text_rows:
            vectors[text_rows] = self.queries.encode([events[i].text for i in text_rows])
        return EmbeddedHistory(events=events, vectors=vectors)

    def recommend(
        self,
        history: str | list[Event],
        strategy: str = "mean",
        k: int = 10,
        filters: Filters | None = None,
        diversity: float = 0.0,
        params: StrategyParams | None = None,
    ) -> RecommendationResult:
        events = self.understand(history) if isinstance(history, str) else list(history)
        if not events:
            raise HistoryError(EMPTY_HISTORY_MESSAGE)
        if strategy not in STRATEGIES:
            raise HistoryError(f"Unknown strategy '{strategy}'. Choose one of: {', '.join(STRATEGIES)}")
        embedded = self.embed_events(events)
        result = STRATEGIES[strategy](embedded, self.context(params))
        penalty = dislike_penalty(embedded, self.items)
        scores = result.scores - penalty
        interest_scores = None if result.interest_scores is None else result.interest_scores - penalty
        exclude = np.zeros(len(self.catalog), dtype=bool)
        for event in events:
            if event.matched_id is not None:
                exclude[self.catalog.index_of[event.matched_id]] = True
        ranking = rank(
            self.catalog,
            self.items,
            scores,
            exclude,
            k=k,
            filters=filters,
            diversity=diversity,
            interest_scores=interest_scores,
            interest_shares=np.array([i.share for i in result.interests]) if result.interests else None,
        )
        recs = explain(self.catalog, self.items, embedded, ranking, result)
        return RecommendationResult(
            events,
            recs,
            strategy,
            messages=history_notices(events) + result.notes + ranking.messages,
            profile=result,
            embedded=embedded,
        )

    def list_metrics(self, result: RecommendationResult) -> dict[str, float | None]:
        """Similarity to the profile, intra-list diversity, genre spread and novelty of one answer's list."""
        from vidrec_core.listmetrics import describe_list

        recs = result.recommendations
        return describe_list(
            self.items,
            [r.index for r in recs],
            [r.genres for r in recs],
            self.popularity,
            result.profile.profile if result.profile else None,
        )

    def search(self, query: str, k: int = 20, filters: Filters | None = None) -> list[tuple[int, float]]:
        """Semantic search: the videos whose meaning is closest to the query."""
        query = query.strip()
        if not query:
            return []
        vector = self.queries.encode([query])[0]
        scores = self.items @ vector
        ranking = rank(self.catalog, self.items, scores, np.zeros(len(scores), bool), k=k, filters=filters)
        return list(zip(ranking.indices, ranking.scores, strict=True))


def nearest_known(items: np.ndarray, known: np.ndarray, m: int = 10, chunk: int = 4096) -> np.ndarray:
    """(n_items, m) rows of the m nearest known videos for every unknown video; -1 rows for known ones."""
    out = np.full((len(items), m), -1, dtype=np.int64)
    known_rows = np.flatnonzero(known)
    if len(known_rows) == 0:
        return out
    m = min(m, len(known_rows))
    unknown_rows = np.flatnonzero(~known)
    for start in range(0, len(unknown_rows), chunk):
        rows = unknown_rows[start : start + chunk]
        sims = items[rows] @ items[known_rows].T
        out[rows, :m] = known_rows[top_k_rows(sims, m)]
    return out


def load_collaborative(catalog: Catalog, interactions: str | Path | None = None) -> CollaborativeModel | None:
    """Item-kNN from an interaction log; for the sample catalog the MovieLens log is used by default.

    Returns None when there is no log for this catalog (the hybrid strategy then says it uses content alone).
    """
    from vidrec_core.collab import collaborative_from_log, load_interactions
    from vidrec_core.movielens import sample_interactions_path

    if interactions is None:
        if catalog.name != "sample":
            return None
        try:
            interactions = sample_interactions_path()
        except VidrecError:
            return None
    return collaborative_from_log(load_interactions(interactions, catalog), len(catalog))


def load_recommender(
    catalog_path: str | Path | None = None,
    model: str = "minilm",
    progress: ProgressFn | None = None,
    interactions: str | Path | None = None,
) -> tuple[Recommender, EmbedReport]:
    """Everything the command line needs in one call; the app caches the same pieces separately."""
    catalog = load_catalog(catalog_path or SAMPLE_CATALOG, name=None if catalog_path else "sample")
    encoder = get_encoder(model)
    vectors, report = embed_catalog(catalog, encoder, progress=progress)
    collaborative = load_collaborative(catalog, interactions)
    learned = load_learned(catalog, encoder)
    return Recommender(catalog, vectors, encoder, collaborative=collaborative, learned=learned), report


def load_learned(catalog: Catalog, encoder: Encoder):
    """The learned strategy's model for this catalog and encoder, or the reason there is none (see learned.py)."""
    from vidrec_core.learned import find_learned_model

    return find_learned_model(catalog.digest, catalog.name, encoder.name)
