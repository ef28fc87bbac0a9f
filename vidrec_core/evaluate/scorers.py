"""What is compared: the baselines, and every registered strategy called exactly as the app calls it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from vidrec_core.core.paths import cache_dir
from vidrec_core.data.schema import Catalog
from vidrec_core.evaluate.config import EvaluationError
from vidrec_core.evaluate.split import LeakError, Split
from vidrec_core.learn.adapter import LearnedModel
from vidrec_core.learn.artefacts import trained_for_split
from vidrec_core.learn.collaborative import ItemKNN, Popularity, user_item_matrix
from vidrec_core.learn.config import SHIPPED_CONFIG, LearnProgress
from vidrec_core.profile.history import Event, EventKind
from vidrec_core.profile.registry import STRATEGIES
from vidrec_core.profile.strategies import EmbeddedHistory, StrategyContext, nearest_known

BASELINES: dict[str, str] = {
    "random": "a uniformly random order (the floor)",
    "popular": "most-watched first, the same list for everyone",
    "item-knn": "item-to-item collaborative filtering: cosine of co-watching",
    "tfidf": "TF-IDF word overlap between catalog texts, mean of the history rows",
}


@dataclass
class ViewModels:
    """What one view trains, from the view's training data only: popularity and item-kNN."""

    popularity: Popularity
    knn: ItemKNN

    @staticmethod
    def fit(split: Split, n_items: int) -> ViewModels:
        train = user_item_matrix(split.train, n_items)
        return ViewModels(Popularity().fit(train), ItemKNN().fit(train))


BatchScorer = Callable[[Sequence[int]], np.ndarray]  # the rows of the split's users -> (rows x items) scores


def baseline_scorer(
    name: str, split: Split, models: ViewModels, n_items: int, tfidf: sp.csr_matrix | None, seed: int
) -> BatchScorer:
    if name == "random":

        def random_scores(rows: Sequence[int]) -> np.ndarray:
            # Seeded by the first row so a batch gets the same numbers whatever ran before it.
            return np.random.default_rng([seed, 3, int(rows[0])]).random((len(rows), n_items))

        return random_scores
    if name == "popular":
        return lambda rows: models.popularity.scores(split.history_matrix(rows, n_items))
    if name == "item-knn":
        return lambda rows: models.knn.scores(split.history_matrix(rows, n_items))
    if name == "tfidf":
        assert tfidf is not None

        def tfidf_scores(rows: Sequence[int]) -> np.ndarray:
            history = split.history_matrix(rows, n_items)
            sizes = np.asarray(history.sum(axis=1)).ravel()
            sizes[sizes == 0] = 1.0
            profile = sp.diags(1.0 / sizes) @ history @ tfidf  # mean of the history's TF-IDF rows
            return np.asarray((profile @ tfidf.T).todense())

        return tfidf_scores
    raise EvaluationError(f"Unknown baseline '{name}'.")


def tfidf_matrix(catalog: Catalog) -> sp.csr_matrix:
    """L2-normalised TF-IDF rows of the catalog texts (the same texts the language models read)."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(stop_words="english", sublinear_tf=True, min_df=2, dtype=np.float32)
    return vectorizer.fit_transform(catalog.texts).tocsr()


def strategy_scorer(
    name: str,
    split: Split,
    catalog: Catalog,
    items: np.ndarray,
    models: ViewModels,
    learned: LearnedModel | None = None,
) -> BatchScorer:
    """Call a registered profile strategy per user, exactly as the app would with a watched-titles history."""
    fn = STRATEGIES[name]
    context = StrategyContext(
        items=items,
        popularity=models.popularity.percentile_,
        collaborative=models.knn,
        index_of=catalog.index_of,
        known_neighbours=nearest_known(items, models.knn.known_),
        learned=learned,
    )
    ids, titles = catalog.ids, catalog.titles

    def scores(rows: Sequence[int]) -> np.ndarray:
        out = np.empty((len(rows), len(items)), dtype=np.float32)
        for n, row in enumerate(rows):
            history = split.histories[row]
            events = [
                Event(kind=EventKind.WATCHED, text=titles[i], line_no=pos, matched_id=ids[i], matched_title=titles[i])
                for pos, i in enumerate(history, start=1)
            ]
            embedded = EmbeddedHistory(events=events, vectors=items[history])
            out[n] = fn(embedded, context).scores
        return out

    return scores


LEARNED_STRATEGIES = ("learned",)  # strategies that need a model trained on the view's training data


def learned_for_view(
    split: Split, items: np.ndarray, encoder: str, catalog: Catalog, progress: LearnProgress, cold: np.ndarray | None
) -> LearnedModel:
    """The learned strategy's adapter trained on this view's training histories only (cached on disk by their digest).

    `split.train` never holds an evaluated user's target (`check_no_leak`), and in the cold-start view no cold item;
    the check below repeats that for the trained model: a cold item must have no learnt residual.
    """
    model = trained_for_split(
        split.train, items, SHIPPED_CONFIG, cache_dir() / "learned", catalog.digest, encoder, progress=progress
    )
    if cold is not None and (model.known_ & cold).any():
        raise LeakError("The learned model has per-video weights for cold-start items.")
    return model
