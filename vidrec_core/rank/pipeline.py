"""One history through one strategy to a list: its scores, the dislike penalty, the searches' seats, the history's
genres, then `rank`. The app, the command line and the evaluation all call this, so a list is made one way."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from vidrec_core.data.schema import Catalog
from vidrec_core.profile.base import ListSteps
from vidrec_core.profile.intents import Intent, history_genres, search_intents
from vidrec_core.profile.registry import Strategy
from vidrec_core.profile.strategies import EmbeddedHistory, ProfileResult, StrategyContext, dislike_penalty
from vidrec_core.rank.filters import Filters
from vidrec_core.rank.select import Ranking, rank


@dataclass(frozen=True)
class StrategyList:
    """A strategy's list for one history, with what made it."""

    profile: ProfileResult
    ranking: Ranking
    intents: list[Intent]
    target: np.ndarray | None  # the history's genre distribution the list was calibrated to


def strategy_list(
    strategy: Strategy,
    history: EmbeddedHistory,
    context: StrategyContext,
    catalog: Catalog,
    k: int,
    steps: ListSteps | None = None,
    filters: Filters | None = None,
    allowed: np.ndarray | None = None,
    also_excluded: np.ndarray | None = None,
) -> StrategyList:
    """The list `strategy` makes for `history` (see the module); `steps` default to the strategy's own, and only
    `allowed` videos (bool, when given: the evaluation's new videos) may be listed. Besides the history's own rows,
    the rows `also_excluded` (of `catalog`) are never listed: the Recommender's other copies of watched videos (the
    evaluation passes none, so it still excludes only the history's own rows)."""
    steps = steps or strategy.steps
    result = strategy.score(history, context)
    penalty = dislike_penalty(history, context.items) * result.score_unit
    scores = result.scores - penalty
    interest_scores = None if result.interest_scores is None else result.interest_scores - penalty
    exclude = np.zeros(len(catalog), dtype=bool) if allowed is None else ~allowed
    index_of = catalog.index_of
    for event in history.events:
        if event.matched_id is not None and event.matched_id in index_of:
            exclude[index_of[event.matched_id]] = True
    if also_excluded is not None and len(also_excluded):
        exclude[np.asarray(also_excluded, dtype=np.int64)] = True
    intents = search_intents(history, context, k, steps.search_share)
    target = history_genres(history, context, intents) if steps.calibration > 0 else None
    ranking = rank(
        catalog,
        context.items,
        scores,
        exclude,
        k=k,
        filters=filters,
        steps=steps,
        interest_scores=interest_scores,
        interest_shares=np.array([i.share for i in result.interests]) if result.interests else None,
        intents=intents,
        target=target,
        genres=context.genres,
    )
    return StrategyList(result, ranking, intents, target)


def lifted_scores(scores: np.ndarray, picked: list[int]) -> np.ndarray:
    """Scores whose order starts with the list (as shown) and goes on in score order: how the evaluation ranks a
    strategy's whole catalog as the app would show its top."""
    out = np.asarray(scores, dtype=np.float64).copy()
    if picked:
        top = float(np.nanmax(np.where(np.isfinite(out), out, -np.inf))) if np.isfinite(out).any() else 0.0
        out[picked] = top + 1.0 + np.arange(len(picked), 0, -1, dtype=np.float64)
    return out
