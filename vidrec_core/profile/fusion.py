"""The `fusion` strategy: content understanding that earns its place (vidrec_core.learn.fusion).

The language model's reading of each video (closeness in meaning to the history's videos, kept apart) is fused with
exact evidence it blurs (shared directors, cast and creators, words, tags, genres, years), with weights learned on
warm videos. It needs no viewing log, so it is the default for a catalog that has none.
"""

from __future__ import annotations

import numpy as np

from vidrec_core.core.vectors import zscore
from vidrec_core.learn.fusion import HistoryInput
from vidrec_core.profile.intents import typed_scores, typed_share
from vidrec_core.profile.strategies import (
    ONLY_DISLIKES,
    Z_UNIT,
    EmbeddedHistory,
    ProfileResult,
    StrategyContext,
    nearest_strategy,
    weighted_mean,
)

NO_FUSION = "No fusion weights for this catalog: ranked by closeness in meaning alone (the nearest strategy)."


def history_input(history: EmbeddedHistory, ctx: StrategyContext) -> HistoryInput:
    """The positive events as fusion reads them: matched videos by catalog row, every event as a weighted vector, and
    typed lines (searches, comments, interests) as text for words and names."""
    index_of = ctx.index_of or {}
    positive = np.flatnonzero(history.positive)
    rows = [index_of[e.matched_id] for e in (history.events[i] for i in positive) if e.matched_id in index_of]
    texts = tuple(history.events[i].text for i in positive if history.events[i].matched_id is None)
    return HistoryInput(
        rows=np.asarray(rows, dtype=np.int64),
        vectors=history.vectors[positive],
        weights=history.weights[positive],
        texts=texts,
    )


def fusion_strategy(history: EmbeddedHistory, ctx: StrategyContext) -> ProfileResult:
    """Scores are a weighted sum of per-history z-scored features; each evidence group's part is kept for the
    explanations ("same director as ...", "close in meaning to ..."). Typed lines get their share of the history's
    weight read by `typed_scores`; a history of videos alone is scored by the learned weights only."""
    if ctx.fusion is None:
        result = nearest_strategy(history, ctx)
        result.notes.append(NO_FUSION)
        return result
    if not history.positive.any():
        return ProfileResult(scores=np.zeros(len(ctx.items), dtype=np.float32), notes=[ONLY_DISLIKES])
    scores, evidence = ctx.fusion.score(history_input(history, ctx))
    share = typed_share(history)
    if share > 0:
        typed = typed_scores(history, ctx)
        scores = ((1 - share) * zscore(scores) + share * typed).astype(np.float32)
        evidence = {group: (1 - share) * part for group, part in evidence.items()}
        evidence["meaning"] = evidence.get("meaning", 0.0) + share * typed
    positive = history.positive
    return ProfileResult(
        scores=scores,
        profile=weighted_mean(history.vectors[positive], history.weights[positive]),
        evidence=evidence,
        score_unit=Z_UNIT,
        notes=[ctx.fusion.note] if ctx.fusion.note else [],
    )
