"""What is compared: the baselines, and every registered strategy called exactly as the app calls it.

Baselines a recommender-systems reader expects: random, most-popular, item-kNN and EASE (its λ chosen on a
validation split of the view's training data, never on test targets), TF-IDF word overlap, and BM25 over the
embedded text and over each people/creator field the catalog has (director, cast, creator) and all of them together.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import scipy.sparse as sp

from vidrec_core.core.paths import cache_dir
from vidrec_core.data.lexical import LexicalIndex
from vidrec_core.data.schema import Catalog
from vidrec_core.evaluate.config import EvaluationError
from vidrec_core.evaluate.split import LeakError
from vidrec_core.learn.adapter import LearnedModel
from vidrec_core.learn.artefacts import trained_for_split
from vidrec_core.learn.collaborative import (
    EASE,
    ItemKNN,
    LambdaChoice,
    Popularity,
    choose_regularisation,
    user_item_matrix,
)
from vidrec_core.learn.config import SHIPPED_CONFIG, LearnProgress
from vidrec_core.learn.fusion import (
    FusionFeatures,
    FusionModel,
    FusionScorer,
    like_counts,
    text_prior,
)
from vidrec_core.profile.genres import GenreSpace
from vidrec_core.profile.history import Event, EventKind
from vidrec_core.profile.registry import STRATEGIES
from vidrec_core.profile.strategies import EmbeddedHistory, StrategyContext, nearest_known
from vidrec_core.rank.pipeline import lifted_scores, strategy_list

BASELINES: dict[str, str] = {
    "random": "a uniformly random order (the floor)",
    "popular": "most-watched first, the same list for everyone",
    "item-knn": "item-to-item collaborative filtering: cosine of co-watching",
    "ease": "EASE (Steck 2019): closed-form item-item regression; λ chosen on a validation split of training data",
    "tfidf": "TF-IDF word overlap between catalog texts, mean of the history rows",
    "bm25-text": "BM25 over the text the language model reads, the history's words as the query",
    "bm25-director": "BM25 over directors: films by the history's directors",
    "bm25-cast": "BM25 over cast: films with the history's actors",
    "bm25-creator": "BM25 over creators, channels, uploaders or authors",
    "bm25-people": "BM25 over every people/creator field together",
}
LEXICAL_FIELDS = {"bm25-director": "director", "bm25-cast": "cast", "bm25-creator": "creator", "bm25-people": "people"}
BatchScorer = Callable[[Sequence[int]], np.ndarray]  # the rows of the split's users -> (rows x items) scores


class HasHistories(Protocol):
    """What a scorer needs of a view: its users' histories (any of the split types)."""

    histories: list[np.ndarray]

    def history_matrix(self, rows: Sequence[int], n_items: int) -> sp.csr_matrix: ...


def available_baselines(lexical: LexicalIndex) -> list[str]:
    """Every baseline this catalog can run: a BM25 baseline per people field it fills."""
    fields = set(lexical.people)
    return [b for b in BASELINES if b not in LEXICAL_FIELDS or LEXICAL_FIELDS[b] in fields]


@dataclass
class Fit:
    """What one training set fits, shared by every view trained on it (the cold-start and new-items views share
    one): popularity, item-kNN, EASE with its validated λ, and per encoder the fusion scorer and learned adapter."""

    train: list[np.ndarray]
    n_items: int
    held_out: np.ndarray | None  # the videos this training set must never hold (None for the all view)
    popularity: Popularity
    knn: ItemKNN
    ease: EASE
    regularisation: LambdaChoice
    fusion: dict[str, FusionScorer] = field(default_factory=dict)
    learned: dict[str, LearnedModel] = field(default_factory=dict)

    @staticmethod
    def of(train: list[np.ndarray], n_items: int, held_out: np.ndarray | None = None) -> Fit:
        matrix = user_item_matrix(train, n_items)
        choice = choose_regularisation(train, n_items)
        return Fit(
            train,
            n_items,
            held_out,
            Popularity().fit(matrix),
            ItemKNN().fit(matrix),
            EASE(choice.regularisation).fit(matrix),
            choice,
        )

    @property
    def likes(self) -> np.ndarray:
        return like_counts(self.train, self.n_items)


def baseline_scorer(name: str, split: HasHistories, fit: Fit, lexical: LexicalIndex, seed: int) -> BatchScorer:
    n_items = fit.n_items
    if name == "random":

        def random_scores(rows: Sequence[int]) -> np.ndarray:
            # Seeded by the first row so a batch gets the same numbers whatever ran before it.
            return np.random.default_rng([seed, 3, int(rows[0])]).random((len(rows), n_items))

        return random_scores
    models = {"popular": fit.popularity, "item-knn": fit.knn, "ease": fit.ease}
    if name in models:
        model = models[name]
        return lambda rows: model.scores(split.history_matrix(rows, n_items))
    if name == "tfidf":
        tfidf = lexical.tfidf

        def tfidf_scores(rows: Sequence[int]) -> np.ndarray:
            history = split.history_matrix(rows, n_items)
            sizes = np.asarray(history.sum(axis=1)).ravel()
            sizes[sizes == 0] = 1.0
            profile = sp.diags(1.0 / sizes) @ history @ tfidf  # mean of the history's TF-IDF rows
            return np.asarray((profile @ tfidf.T).todense())

        return tfidf_scores
    if name == "bm25-text" or name in LEXICAL_FIELDS:
        index = lexical.text if name == "bm25-text" else lexical.people[LEXICAL_FIELDS[name]]
        return lambda rows: index.scores(index.query_from_rows([split.histories[r] for r in rows]))
    raise EvaluationError(f"Unknown baseline '{name}'.")


def fusion_for(fit: Fit, lexical: LexicalIndex, items: np.ndarray, weights: FusionModel) -> FusionScorer:
    """The fusion scorer of one view: weights fitted on the held-out training data (no test video ever seen), the
    text prior fitted on this view's training data, without the held-out videos (whose zero likes are not real)."""
    prior = text_prior(items, fit.likes, fit.held_out)
    return FusionScorer.of(FusionFeatures(lexical, items, prior), weights)


def fusion_weights_for(
    fit: Fit, lexical: LexicalIndex, items: np.ndarray, held_out: np.ndarray
) -> tuple[FusionModel, dict]:
    """Fusion weights learned on pseudo-new videos of the held-out training data (which holds no test video of any
    view), as `vidrec fit-fusion` does on a whole log."""
    likes = fit.likes

    def builder(set_aside: np.ndarray) -> FusionFeatures:
        return FusionFeatures(lexical, items, text_prior(items, likes, set_aside | held_out))

    model = FusionModel().fit(fit.train, builder, fit.n_items)
    return model, {**model.info, "weights": model.weights}


def strategy_context(
    catalog: Catalog, items: np.ndarray, fit: Fit, encoder: str, genres: GenreSpace | None, meaning_floor: float
) -> StrategyContext:
    """What a strategy reads in one view, as the app gives it: the view's fitted models and the catalog's genres."""
    return StrategyContext(
        items=items,
        popularity=fit.popularity.percentile_,
        collaborative=fit.ease,
        index_of=catalog.index_of,
        known_neighbours=nearest_known(items, fit.ease.known_),
        learned=fit.learned.get(encoder),
        fusion=fit.fusion.get(encoder),
        genres=genres,
        meaning_floor=meaning_floor,
    )


def watched_history(rows: np.ndarray, catalog: Catalog, items: np.ndarray) -> EmbeddedHistory:
    """A history of watched videos, as the app gets it from their titles typed one per line."""
    ids, titles = catalog.ids, catalog.titles
    events = [
        Event(kind=EventKind.WATCHED, text=titles[i], line_no=pos, matched_id=ids[i], matched_title=titles[i])
        for pos, i in enumerate(rows, start=1)
    ]
    return EmbeddedHistory(events=events, vectors=items[rows])


def with_line(history: EmbeddedHistory, kind: EventKind, text: str, vector: np.ndarray) -> EmbeddedHistory:
    """The history with one typed line appended (newest)."""
    event = Event(kind=kind, text=text, line_no=len(history.events) + 1)
    return EmbeddedHistory([*history.events, event], np.vstack([history.vectors, vector[None, :]]))


def strategy_scorer(
    name: str,
    split: HasHistories,
    catalog: Catalog,
    context: StrategyContext,
    k: int,
    candidates: np.ndarray | None = None,
) -> BatchScorer:
    """A registered strategy per user, exactly as the app calls it with a watched-titles history: its list of k
    (with the strategy's list steps; only `candidates` may be listed when given), then the rest by score."""
    strategy = STRATEGIES[name]
    allowed = None
    if candidates is not None:
        allowed = np.zeros(len(context.items), dtype=bool)
        allowed[candidates] = True

    def scores(rows: Sequence[int]) -> np.ndarray:
        out = np.empty((len(rows), len(context.items)), dtype=np.float64)
        for n, row in enumerate(rows):
            history = watched_history(split.histories[row], catalog, context.items)
            made = strategy_list(strategy, history, context, catalog, k, allowed=allowed)
            out[n] = lifted_scores(made.profile.scores, made.ranking.indices)
        return out

    return scores


def learned_for_fit(
    fit: Fit,
    items: np.ndarray,
    encoder: str,
    catalog: Catalog,
    progress: LearnProgress,
    held_out: np.ndarray | None,
    should_stop: Callable[[], bool] | None = None,
) -> LearnedModel:
    """The learned strategy's adapter trained on this training set only (cached on disk by its digest).

    The training set never holds an evaluated user's target (`check_no_leak`), and the held-out fit no new video;
    the check below repeats that for the trained model: a held-out video must have no learnt residual.
    """
    model = trained_for_split(
        fit.train,
        items,
        SHIPPED_CONFIG,
        cache_dir() / "learned",
        catalog.digest,
        encoder,
        progress=progress,
        should_stop=should_stop,
    )
    if held_out is not None and (model.known_ & held_out).any():
        raise LeakError("The learned model has per-video weights for held-out new videos.")
    return model
