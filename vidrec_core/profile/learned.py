"""The `learned` strategy: the trained adapter's scores (vidrec_core.learn.adapter), blended with the catalog's
collaborative model (EASE) when the model's configuration asks for it."""

from __future__ import annotations

import numpy as np

from vidrec_core.learn.adapter import LearnedModel
from vidrec_core.learn.artefacts import NO_MODEL, UnavailableModel
from vidrec_core.profile.strategies import (
    ONLY_DISLIKES,
    Z_UNIT,
    EmbeddedHistory,
    ProfileResult,
    StrategyContext,
    blend_collaborative,
    event_ages,
    mean_strategy,
    weighted_mean,
)


def learned_strategy(history: EmbeddedHistory, ctx: StrategyContext) -> ProfileResult:
    """An adapter trained on interaction histories over the frozen embeddings; the mean profile, with the reason,
    when no model fits this catalog and encoder."""
    model = ctx.learned
    if not isinstance(model, LearnedModel) or model.n_items_ != len(ctx.items):
        result = mean_strategy(history, ctx)
        result.notes.append(model.reason if isinstance(model, UnavailableModel) else NO_MODEL)
        return result
    positive = history.positive
    if not positive.any():
        return ProfileResult(scores=np.zeros(len(ctx.items), dtype=np.float32), notes=[ONLY_DISLIKES])
    rows = np.flatnonzero(positive)
    ages_all = event_ages(history.events)
    ages = np.argsort(np.argsort(ages_all[rows], kind="stable"), kind="stable").astype(np.float32)  # recency rank
    scores = model.scores(ctx.items, history.vectors[rows], ages, history.weights[rows])
    # The adapter has no single profile vector; the history's kind-weighted centre stands in for the map and for
    # "similarity to profile".
    centre = weighted_mean(history.vectors[rows], history.weights[rows])
    weight = model.config.collaborative_weight
    blend = blend_collaborative(scores, history, ctx, weight) if weight > 0 else None
    if blend is None or isinstance(blend, str):
        return ProfileResult(scores=scores, profile=centre, score_unit=float(scores.std()) / 0.1 or 1.0)
    return ProfileResult(
        scores=blend.scores.astype(np.float32),
        profile=centre,
        collaborative_share=blend.collaborative_share,
        collaborative_known=blend.collaborative_known,
        score_unit=Z_UNIT,
    )
