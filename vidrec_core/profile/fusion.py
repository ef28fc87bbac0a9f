"""The `fusion` strategy: content understanding that earns its place (vidrec_core.learn.fusion).

The language model's reading of each video (closeness in meaning to the history's videos, kept apart) is fused with
exact evidence it blurs (shared directors, cast and creators, words, tags, genres, years), with weights learned on
warm videos. It needs no viewing log, so it is the default for a catalog that has none.
"""

from __future__ import annotations

import numpy as np

from vidrec_core.core.vectors import zscore
from vidrec_core.learn.fusion import HistoryInput
from vidrec_core.profile.strategies import (
    ONLY_DISLIKES,
    Z_UNIT,
    EmbeddedHistory,
    ProfileResult,
    StrategyContext,
    kernel_scores,
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


def typed_share(history: EmbeddedHistory) -> float:
    """The share of the positive events' weight carried by typed lines (searches, comments, stated tastes)."""
    rows = np.flatnonzero(history.positive)
    weights = np.abs(history.weights[rows])
    typed = np.array([history.events[r].matched_id is None for r in rows], dtype=bool)
    return float(weights[typed].sum() / weights.sum()) if len(rows) and weights.sum() > 0 else 0.0


def typed_scores(history: EmbeddedHistory, ctx: StrategyContext) -> np.ndarray:
    """Typed lines read on their own terms (z-scores): closeness in meaning to them, plus shared people when a line
    names someone ("anything with Tom Hardy"). The fusion weights were learned from histories of videos, where
    years, genres and a likability prior carry much of the score; a sentence has none of those."""
    rows = [r for r in np.flatnonzero(history.positive) if history.events[r].matched_id is None]
    if not rows:
        return np.zeros(len(ctx.items), dtype=np.float32)
    scores = zscore(kernel_scores(history.vectors[rows], history.weights[rows], ctx.items))
    if ctx.fusion is not None:
        lexical = ctx.fusion.features.lexical
        names = lexical.names_in_text(" ".join(history.events[r].text for r in rows))
        people = lexical.people.get("people")
        if names and people is not None:
            scores = scores + zscore(people.scores(people.query_from_tokens(names))[0])
    return scores.astype(np.float32)


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
        scores = ((1 - share) * zscore(scores) + share * typed_scores(history, ctx)).astype(np.float32)
        evidence = {group: (1 - share) * part for group, part in evidence.items()}
        evidence["meaning"] = evidence.get("meaning", 0.0) + share * typed_scores(history, ctx)
    positive = history.positive
    return ProfileResult(
        scores=scores,
        profile=weighted_mean(history.vectors[positive], history.weights[positive]),
        evidence=evidence,
        score_unit=Z_UNIT,
        notes=[ctx.fusion.note] if ctx.fusion.note else [],
    )
