"""The one registry of interest strategies by name: the app's picker, the command line's --strategy and the
evaluation's methods all read it."""

from __future__ import annotations

from vidrec_core.profile.fusion import fusion_strategy
from vidrec_core.profile.hybrid import hybrid_strategy
from vidrec_core.profile.learned import learned_strategy
from vidrec_core.profile.strategies import (
    StrategyFn,
    mean_strategy,
    multi_interest_strategy,
    nearest_strategy,
    recency_strategy,
)

ARTICLE_BASELINE = "mean"  # the seed article's method, kept as the baseline every other strategy is compared with
STRATEGIES: dict[str, StrategyFn] = {
    "mean": mean_strategy,
    "recency": recency_strategy,
    "multi-interest": multi_interest_strategy,
    "nearest": nearest_strategy,
    "fusion": fusion_strategy,
    "hybrid": hybrid_strategy,
    "learned": learned_strategy,
}
STRATEGY_DESCRIPTIONS = {
    "mean": "the average of everything in the history (the seed article's profile, kept as the baseline)",
    "recency": "recent events weigh more; the half-life sets how fast older ones fade",
    "multi-interest": "separate tastes are found and each gets a fair share of the list",
    "nearest": "each video is scored by the history events closest to it, so distinct videos are not averaged away",
    "fusion": "closeness in meaning fused with shared people, words, tags, genres and years; weights learned on "
    "warm videos; needs no viewing log",
    "hybrid": "content (fusion) blended with what co-viewers watched (EASE) and a popularity prior",
    "learned": "a small model trained on viewing histories maps the history and every video's text to what comes "
    "next, blended with what co-viewers watched",
}
USES_FUSION = frozenset(
    {"fusion", "hybrid", "learned"}
)  # strategies that read the fusion features (learned: typed lines)
# Strategies that read nothing but the catalog's content: the candidates when a catalog has no viewing log.
CONTENT_ONLY = ("mean", "recency", "multi-interest", "nearest", "fusion")
