"""The engine's front door: a catalog, its embeddings and an encoder, answering histories and searches.

The app and the command line both go through `Recommender` (and `load_recommender`), so they always agree.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

import numpy as np

from vidrec_core.core.errors import HistoryError, VidrecError
from vidrec_core.core.notice import Notice, joined, whole
from vidrec_core.core.paths import SHIPPED_EVALUATION
from vidrec_core.core.settings import index_from
from vidrec_core.core.vectors import closeness_floor
from vidrec_core.data.interactions import load_interactions
from vidrec_core.data.lexical import LexicalIndex
from vidrec_core.data.load import is_sample, open_catalog
from vidrec_core.data.movielens import sample_log
from vidrec_core.data.schema import Catalog
from vidrec_core.embed.encoders import Encoder
from vidrec_core.embed.queries import QueryEmbedder
from vidrec_core.embed.registry import DEFAULT_ENCODER, get_encoder
from vidrec_core.embed.registry import short_name as encoder_short_name
from vidrec_core.embed.store import DEFAULT_BATCH_SIZE, EmbedReport, ProgressFn, embed_texts, embedding_store
from vidrec_core.index.build import find_index, unindexed_note
from vidrec_core.index.retrieve import MAX_EXTRA_FOR_EXCLUDED, Ask, VectorIndex, retrieval_queries
from vidrec_core.index.space import NO_COLLABORATIVE_WITH_INDEX, CandidateSpace
from vidrec_core.index.where import prefilter
from vidrec_core.learn.adapter import LearnedModel
from vidrec_core.learn.artefacts import FusionChoice, UnavailableModel, find_fusion_weights, find_learned_model
from vidrec_core.learn.collaborative import Viewing, viewing_from_log
from vidrec_core.learn.fusion import FusionFeatures, FusionScorer, text_prior
from vidrec_core.profile.base import ListSteps
from vidrec_core.profile.genres import GenreSpace
from vidrec_core.profile.history import EMPTY_HISTORY_MESSAGE, Event, history_notices, parse_history
from vidrec_core.profile.matching import TitleMatcher
from vidrec_core.profile.registry import STRATEGIES, Strategy, default_strategy
from vidrec_core.profile.strategies import (
    CollaborativeModel,
    EmbeddedHistory,
    ProfileResult,
    StrategyContext,
    StrategyParams,
    nearest_known,
)
from vidrec_core.rank.explain import Recommendation, explain
from vidrec_core.rank.filters import Filters
from vidrec_core.rank.listmetrics import describe_list
from vidrec_core.rank.pipeline import strategy_list
from vidrec_core.rank.select import pool_size, rank


@dataclass
class RecommendationResult:
    events: list[Event]
    recommendations: list[Recommendation]
    strategy: str
    messages: list[str] = field(default_factory=list)
    profile: ProfileResult | None = None
    embedded: EmbeddedHistory | None = None
    strategy_reason: str | None = None  # why the strategy was chosen, when the caller left the choice to vidrec
    retrieval: str | None = None  # how the candidates came from the vector index; None: every video was scored

    def as_dict(self) -> dict:
        return {
            "strategy": self.strategy,
            **({"strategy_reason": whole(self.strategy_reason)} if self.strategy_reason else {}),
            "history": [event_as_dict(e) for e in self.events],
            "recommendations": [r.as_dict() for r in self.recommendations],
            "interests": [
                {"label": i.label, "share": round(i.share, 4), "lines": [self.events[r].line_no for r in i.event_rows]}
                for i in (self.profile.interests if self.profile else [])
            ],
            "messages": [whole(m) for m in self.messages],
            **({"retrieval": self.retrieval} if self.retrieval else {}),
        }


def event_as_dict(event: Event) -> dict:
    out = {"line": event.line_no, "kind": event.kind.value, "text": event.text}
    if event.matched_id is not None:
        out.update(matched_id=event.matched_id, matched_title=event.matched_title, match_score=event.match_score)
    if event.note:
        out["note"] = event.note
    if event.suggestions:
        out["suggestions"] = list(event.suggestions)
    return out


def embed_catalog(
    catalog: Catalog,
    encoder: Encoder,
    progress: ProgressFn | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    should_stop: Callable[[], bool] | None = None,
) -> tuple[np.ndarray, EmbedReport]:
    """The catalog's vectors: the store's, and any missing ones embedded and kept."""
    return embed_texts(
        encoder,
        catalog.texts,
        embedding_store(encoder),
        batch_size=batch_size,
        progress=progress,
        should_stop=should_stop,
    )


@dataclass(frozen=True)
class DefaultStrategy:
    """The strategy a catalog opens on, and why (shown on the page and in the JSON)."""

    name: str
    reason: str


INDEX_MODES = ("auto", "exact", "lance")


def measured_figures(strategy: str, encoder: str, path: Path = SHIPPED_EVALUATION) -> Notice:
    """What the evaluation shipped for the sample measured for this strategy and encoder: in plain words (how much
    better than the best standard method it ranked what people watched next, and how much of a typed history's list
    kept to its main genres), with the figures (all users' NDCG@10 against the best baseline; for `fusion`, new
    videos' NDCG@20; genre miscalibration) as the detail. Empty when the file or the rows are missing."""
    try:
        rows = json.loads(path.read_text(encoding="utf-8"))["rows"]
    except (OSError, ValueError, KeyError, TypeError):
        return Notice("")
    short = encoder_short_name(encoder)
    found = {r["view"]: r for r in rows if r.get("method") == strategy and r.get("encoder") == short}
    words, figures = [], []
    view = "new-items" if strategy == "fusion" else "all"
    if view in found:
        row = found[view]
        k = 20 if view == "new-items" else 10
        ndcg = row["metrics"]["ndcg"]["value"]
        best = next((r for r in rows if r["view"] == view and r["method"] == row.get("baseline")), None)
        against = f" against {best['metrics']['ndcg']['value']:.3f} for {best['method']}" if best else ""
        scope = "new videos" if view == "new-items" else "the next liked video"
        figures.append(f"NDCG@{k} {ndcg:.3f} on {scope}{against}")
        if best and best["metrics"]["ndcg"]["value"] > 0:
            lift = ndcg / best["metrics"]["ndcg"]["value"] - 1
            what = (
                "new videos to the people who went on to like them"
                if view == "new-items"
                else ("the video each person watched next")
            )
            direction = "higher" if lift >= 0 else "lower"
            words.append(f"it ranked {what} {abs(lift):.0%} {direction} than the best standard method")
    if "on-taste" in found:
        m = found["on-taste"]["metrics"]
        words.append(f"{m['on_taste']['value']:.0%} of its picks for typed histories were in the person's main genres")
        figures.append(
            f"typed histories' lists with genre miscalibration {m['miscalibration']['value']:.2f} and "
            f"{m['on_taste']['value']:.0%} of picks in their main genres"
        )
    if not words:
        return Notice("")
    return Notice(
        f"Tested on the sample's viewing log: {' and '.join(words)}.",
        f"Measured on the sample's viewing log: {'; '.join(figures)} (docs/evaluation.md).",
    )


class Recommender:
    """Answers histories and searches over one catalog with one encoder. Read-only after construction.

    `likes` (how many people liked each video, from the viewing log) feeds the fusion strategy's text prior;
    `fusion` holds the fusion weights and where they were learned. `index`, the catalog's built vector index,
    retrieves the candidates that are scored when the catalog is at least `VIDREC_INDEX_FROM` videos (`index="auto"`)
    or when asked (`"lance"`); below, every video is scored exactly, as without one."""

    def __init__(
        self,
        catalog: Catalog,
        item_vectors: np.ndarray,
        encoder: Encoder,
        collaborative: CollaborativeModel | None = None,
        learned: LearnedModel | UnavailableModel | None = None,
        likes: np.ndarray | None = None,
        fusion: FusionChoice | None = None,
        index: VectorIndex | None = None,
        lexical: LexicalIndex | None = None,
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
        self.learned = learned  # the learned strategy's model, or why none is usable
        self.likes = likes
        self.fusion = fusion
        self.index = index
        if lexical is not None:  # built elsewhere, e.g. on a thread while the rest loaded (the app's cold start)
            if lexical.catalog is not catalog:
                raise ValueError("The lexical index must be built on this recommender's catalog.")
            self.lexical = lexical

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
        return nearest_known(self.items, self.collaborative.known_)

    @cached_property
    def lexical(self) -> LexicalIndex:
        """Words, tags and names of the catalog as sparse vectors, built on first use (about 2 s for the sample)."""
        return LexicalIndex(self.catalog)

    @cached_property
    def fusion_scorer(self) -> FusionScorer | None:
        """The fusion strategy's features and weights; None (with `fusion.note` saying why) when no weights load."""
        if self.fusion is None or self.fusion.weights is None:
            return None
        prior = None if self.likes is None else text_prior(self.items, self.likes)
        model = self.fusion.weights.for_catalog(has_log=prior is not None)
        return FusionScorer.of(FusionFeatures(self.lexical, self.items, prior), model, self.fusion.note)

    @cached_property
    def default_strategy(self) -> DefaultStrategy:
        """The best measured strategy this catalog can run (`profile.registry.default_strategy`): `learned` where a
        model trained on its viewing log exists, else `hybrid` where it has a viewing log, else `fusion`. The
        reason gives the figures that chose it, accuracy and taste, from the evaluation shipped for the sample."""
        chosen = default_strategy(self.collaborative is not None, self.has_trained_model)
        why = {
            "learned": "A model trained on this catalog's viewing log is available.",
            "hybrid": "This catalog has a viewing log but no model trained on it: content blended with what "
            "co-viewers watched.",
            "fusion": "This catalog has no viewing log: meaning, people, words, genres and years read from the "
            "videos' own text.",
        }.get(chosen.name, "")
        return DefaultStrategy(chosen.name, joined(why, measured_figures(chosen.name, self.encoder.name)))

    @cached_property
    def genres(self) -> GenreSpace | None:
        """The catalog's genres in the meaning space (their names read by the encoder); None without genres."""
        names = self.catalog.genre_names
        if not names:
            return None
        return GenreSpace.of(tuple(names), self.catalog.genre_presence, self.items, self.queries.encode(names))

    @cached_property
    def meaning_floor(self) -> float:
        """The similarity below which "close in meaning" says nothing in this catalog (`closeness_floor`)."""
        return closeness_floor(self.items)

    def context(self, params: StrategyParams | None = None, fusion: bool = True) -> StrategyContext:
        """What the strategies read; `fusion=False` skips building the fusion features for strategies that do not
        use them."""
        return StrategyContext(
            items=self.items,
            popularity=self.popularity,
            collaborative=self.collaborative,
            params=params or StrategyParams(),
            index_of=self.catalog.index_of,
            known_neighbours=self.known_neighbours,
            learned=self.learned,
            fusion=self.fusion_scorer if fusion else None,
            genres=self.genres,
            meaning_floor=self.meaning_floor,
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

    def uses_index(self, mode: str = "auto") -> bool:
        """Whether answers retrieve candidates from the vector index: `auto` from `VIDREC_INDEX_FROM` videos when
        the index is built, `lance` always (an error without one), `exact` never."""
        if mode not in INDEX_MODES:
            raise VidrecError(f"Unknown index mode '{mode}'. Choose one of: {', '.join(INDEX_MODES)}.")
        if mode == "lance" and self.index is None:
            raise VidrecError(
                Notice(
                    "This catalog has no search index for this language model yet.",
                    "Build it with `vidrec index --catalog PATH` (the catalog's file or kept folder).",
                )
            )
        threshold = index_from()
        return mode == "lance" or (
            mode == "auto" and self.index is not None and threshold is not None and len(self.catalog) >= threshold
        )

    @property
    def index_note(self) -> str | None:
        """Why a catalog this large still scores every video: its index is not built."""
        return None if self.index is not None else unindexed_note(len(self.catalog))

    def candidate_space(self, asks: list[Ask], filters: Filters | None, keep=()) -> CandidateSpace:
        """The index's candidates for the queries (filters applied as a prefilter), plus the rows in `keep`."""
        assert self.index is not None
        rows = self.index.candidates(asks, prefilter(filters))
        rows = np.union1d(rows, np.asarray(list(keep), dtype=np.int64))
        return CandidateSpace.of(rows, self.catalog, self.items, self.popularity)

    def history_rows(self, events: list[Event]) -> set[int]:
        """The catalog rows the history's lines matched (watched, liked or disliked)."""
        index_of = self.catalog.index_of
        return {index_of[e.matched_id] for e in events if e.matched_id is not None and e.matched_id in index_of}

    def same_as_history(self, events: list[Event]) -> np.ndarray:
        """Catalog rows that are another copy of a video in the history (`Catalog.duplicates_of`): excluded like the
        history's own rows, so watching one of two "Interstellar" rows does not recommend the other."""
        return self.catalog.duplicates_of(self.history_rows(events))

    def retrieve(
        self,
        embedded: EmbeddedHistory,
        strategy: Strategy,
        params: StrategyParams | None,
        filters: Filters | None,
        k: int,
        steps: ListSteps | None = None,
    ) -> CandidateSpace:
        """The index's candidates for a history (`index.retrieve`), plus the history's own videos, which are excluded
        from the list but named by explanations. Each query asks for more when the list's pool or the history's own
        videos would otherwise eat into its candidates."""
        assert self.index is not None
        watched = self.history_rows(embedded.events)
        excluded = len(watched) + len(self.catalog.duplicates_of(watched))
        settings = self.index.settings
        asks = retrieval_queries(embedded, strategy, params or StrategyParams(), settings, steps)
        extra = min(excluded, MAX_EXTRA_FOR_EXCLUDED) + max(0, pool_size(k) - settings.candidates)
        return self.candidate_space([a.more(extra) for a in asks], filters, keep=watched)

    @property
    def has_trained_model(self) -> bool:
        return isinstance(self.learned, LearnedModel)

    @cached_property
    def missing(self) -> dict[str, str]:
        """{strategy: why it cannot run as designed on this catalog} for those that cannot (no viewing log, no
        trained model): they still answer, in a simpler form, and the menu says so."""
        has_viewing = self.collaborative is not None
        found = {s.name: s.missing(has_viewing, self.has_trained_model) for s in STRATEGIES.values()}
        return {name: why for name, why in found.items() if why}

    def strategy(self, name: str | None) -> tuple[Strategy, str | None]:
        """The named strategy, or the catalog's default and why it was chosen."""
        if name is None:
            return STRATEGIES[self.default_strategy.name], self.default_strategy.reason
        if name not in STRATEGIES:
            raise HistoryError(f"Unknown strategy '{name}'. Choose one of: {', '.join(STRATEGIES)}")
        return STRATEGIES[name], None

    def recommend(
        self,
        history: str | list[Event],
        strategy: str | None = None,
        k: int = 10,
        filters: Filters | None = None,
        diversity: float = 0.0,
        params: StrategyParams | None = None,
        index: str = "auto",
        calibration: float | None = None,
    ) -> RecommendationResult:
        """The list for a history. `calibration` (0..1) overrides the strategy's own list step (None: keep it)."""
        events = self.understand(history) if isinstance(history, str) else list(history)
        if not events:
            raise HistoryError(EMPTY_HISTORY_MESSAGE)
        chosen, reason = self.strategy(strategy)
        steps = replace(
            chosen.steps,
            diversity=float(diversity),
            **({} if calibration is None else {"calibration": float(calibration)}),
        )
        embedded = self.embed_events(events)
        # With the index, everything below runs on the candidates' sub-catalog instead of the whole catalog.
        space = self.retrieve(embedded, chosen, params, filters, k, steps) if self.uses_index(index) else None
        fusion = self.fusion_scorer if chosen.reads_fusion else None
        if space is None:
            catalog, context = self.catalog, self.context(params, fusion=chosen.reads_fusion)
        else:
            catalog = space.catalog
            genres = None if self.genres is None else self.genres.subset(space.rows)
            context = space.context(params, fusion, genres, self.meaning_floor)
        notes = []
        if space is not None and chosen.needs_viewing and not chosen.needs_model and self.collaborative is not None:
            notes.append(NO_COLLABORATIVE_WITH_INDEX)
        if space is None and index == "auto" and self.index_note:
            notes.append(self.index_note)
        copies = self.same_as_history(events)
        if space is not None:
            copies = space.places(copies)
        made = strategy_list(chosen, embedded, context, catalog, k, steps, filters, also_excluded=copies)
        result, ranking = made.profile, made.ranking
        recs = explain(
            catalog,
            context.items,
            embedded,
            ranking,
            result,
            self.collaborative if space is None else None,
            intents=made.intents,
            meaning_floor=self.meaning_floor,
            genres=context.genres,
            target=made.target,
        )
        return RecommendationResult(
            events,
            recs if space is None else space.in_catalog(recs),
            chosen.name,
            messages=history_notices(events) + result.notes + ranking.messages + notes,
            profile=result,
            embedded=embedded,
            strategy_reason=reason,
            retrieval=None if space is None else self.index.describe(len(space.rows)),
        )

    def list_metrics(self, result: RecommendationResult) -> dict[str, float | None]:
        """Similarity to the profile, intra-list diversity, genre spread and novelty of one answer's list."""
        recs = result.recommendations
        return describe_list(
            self.items,
            [r.index for r in recs],
            [r.genres for r in recs],
            self.popularity,
            result.profile.profile if result.profile else None,
        )

    def search(
        self, query: str, k: int = 20, filters: Filters | None = None, index: str = "auto"
    ) -> list[tuple[int, float]]:
        """Semantic search: the videos whose meaning is closest to the query (among the index's candidates, re-scored
        exactly, when the index is used)."""
        query = query.strip()
        if not query:
            return []
        vector = self.queries.encode([query])[0]
        if self.uses_index(index):
            settings = self.index.settings
            ask = Ask(vector, max(settings.candidates, 2 * k), settings.probe_share)
            space = self.candidate_space([ask], filters)
            scores = space.items @ vector
            ranking = rank(space.catalog, space.items, scores, np.zeros(len(scores), bool), k=k, filters=filters)
            return [(int(space.rows[i]), s) for i, s in zip(ranking.indices, ranking.scores, strict=True)]
        scores = self.items @ vector
        ranking = rank(self.catalog, self.items, scores, np.zeros(len(scores), bool), k=k, filters=filters)
        return list(zip(ranking.indices, ranking.scores, strict=True))


def load_viewing(catalog: Catalog, interactions: str | Path | None = None) -> Viewing | None:
    """The collaborative model and like counts from an interaction log; for the sample catalog the MovieLens log is
    used by default. None when there is no log for this catalog (strategies then use content alone, and say so)."""
    if interactions is None:
        if not is_sample(catalog):
            return None
        log = sample_log(catalog)
        return None if log is None else viewing_from_log(log, len(catalog))
    return viewing_from_log(load_interactions(interactions, catalog), len(catalog))


def catalog_vectors(
    catalog: Catalog, encoder: Encoder, progress: ProgressFn | None = None
) -> tuple[np.ndarray, EmbedReport, VectorIndex | None]:
    """The catalog's vectors: memory-mapped from its built vector index when there is one (nothing is read into
    memory or embedded), else from the embedding store (embedding what is missing)."""
    index = find_index(catalog, encoder.name, encoder.dim)
    if index is not None:
        return index.vectors, EmbedReport(total=len(catalog), reused=len(catalog)), index
    vectors, report = embed_catalog(catalog, encoder, progress=progress)
    return vectors, report, None


def load_recommender(
    catalog_path: str | Path | None = None,
    model: str = DEFAULT_ENCODER,
    progress: ProgressFn | None = None,
    interactions: str | Path | None = None,
) -> tuple[Recommender, EmbedReport]:
    """Everything the command line needs in one call; the app caches the same pieces separately."""
    catalog = open_catalog(catalog_path)
    encoder = get_encoder(model)
    vectors, report, index = catalog_vectors(catalog, encoder, progress=progress)
    viewing = load_viewing(catalog, interactions)
    recommender = assemble_recommender(catalog, encoder, vectors, index, viewing, load_learned(catalog, encoder))
    return recommender, report


def assemble_recommender(
    catalog: Catalog,
    encoder: Encoder,
    vectors: np.ndarray,
    index: VectorIndex | None,
    viewing: Viewing | None,
    learned: LearnedModel | UnavailableModel,
    lexical: LexicalIndex | None = None,
) -> Recommender:
    """One wiring of a catalog's pieces: the command line loads them here, the app caches each one separately (and
    builds the catalog's `lexical` index on a thread meanwhile)."""
    return Recommender(
        catalog,
        vectors,
        encoder,
        collaborative=viewing.model if viewing else None,
        learned=learned,
        likes=viewing.likes if viewing else None,
        fusion=find_fusion_weights(catalog.name, encoder.name),
        index=index,
        lexical=lexical,
    )


def warm_lexical(catalog: Catalog) -> LexicalIndex:
    """The catalog's words and names index, built, with the scikit-learn parts a first answer imports on its way (the
    text prior's ridge regression, the tastes' clustering; scikit-learn's import alone is about 1.3 s here): the app
    runs it on a thread while the viewing model is fitted, and passes it to `assemble_recommender`."""
    lexical = LexicalIndex(catalog).warm()
    for module in ("sklearn.cluster", "sklearn.linear_model", "sklearn.metrics"):
        importlib.import_module(module)
    return lexical


def load_learned(catalog: Catalog, encoder: Encoder) -> LearnedModel | UnavailableModel:
    """The learned strategy's model for this catalog and encoder, or the reason there is none."""
    return find_learned_model(catalog.digest, catalog.name, encoder.name)
