"""The one registry of interest strategies by name: the app's picker, the command line's --strategy and the
evaluation's methods all read it."""

from __future__ import annotations

from vidrec_core.profile.learned import learned_strategy
from vidrec_core.profile.strategies import (
    StrategyFn,
    hybrid_strategy,
    mean_strategy,
    multi_interest_strategy,
    recency_strategy,
)

STRATEGIES: dict[str, StrategyFn] = {
    "mean": mean_strategy,
    "recency": recency_strategy,
    "multi-interest": multi_interest_strategy,
    "hybrid": hybrid_strategy,
    "learned": learned_strategy,
}
STRATEGY_DESCRIPTIONS = {
    "mean": "the average of everything in the history (the seed article's profile)",
    "recency": "recent events weigh more; the half-life sets how fast older ones fade",
    "multi-interest": "separate tastes are found and each gets a fair share of the list",
    "hybrid": "content similarity blended with what co-viewers watched and a popularity prior",
    "learned": "a small model trained on viewing histories maps the history and every video's text to what comes next",
}
