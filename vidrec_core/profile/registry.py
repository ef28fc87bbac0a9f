"""What an interest strategy is, and the one registry of them.

A strategy is one object with its name, description, parameters, what it needs, how it scores, what it asks a
vector index, and the list steps it composes with (implicit's `RecommenderBase` gives its models one shape the same
way). The app's menu and sliders, the command line's --strategy, the index's queries and the evaluation's methods
read these attributes instead of branching on names.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from vidrec_core.profile.base import HALF_LIFE, HYBRID_WEIGHT, Knob, ListSteps
from vidrec_core.profile.fusion import fusion_strategy
from vidrec_core.profile.hybrid import hybrid_strategy
from vidrec_core.profile.learned import learned_strategy
from vidrec_core.profile.strategies import (
    EmbeddedHistory,
    ProfileResult,
    StrategyContext,
    mean_strategy,
    multi_interest_strategy,
    nearest_strategy,
    recency_strategy,
)

# What a strategy asks a vector index (index.retrieve reads these): the kind-weighted mean of the history always;
# "recency" its decayed mean, "interests" each interest's centre, "events" the most recent events themselves.
QUERIES = ("recency", "interests", "events")


@dataclass(frozen=True)
class Strategy:
    """An interest strategy: `score(history, context)` gives one score per catalog video and what the ranking and
    explanations need; everything else describes it."""

    name: str
    description: str
    scorer: Callable[[EmbeddedHistory, StrategyContext], ProfileResult]
    knobs: tuple[Knob, ...] = ()
    needs_viewing: bool = False  # scores well only with a viewing log for this catalog
    needs_model: bool = False  # needs an adapter trained on that log
    reads_fusion: bool = False  # reads the fusion features (people, words, genres, years)
    queries: tuple[str, ...] = ("events",)  # extra index queries, from QUERIES
    steps: ListSteps = field(default_factory=ListSteps)  # the list steps it runs with unless told otherwise
    baseline: bool = False  # the seed article's method, kept as the baseline
    # Among the strategies a catalog can run, the one with the lowest preference is its default (None: never)
    preference: int | None = None

    def score(self, history: EmbeddedHistory, context: StrategyContext) -> ProfileResult:
        return self.scorer(history, context)

    def missing(self, has_viewing: bool, has_model: bool) -> str | None:
        """Why this strategy cannot run as designed on a catalog, in a product manager's words; None when it can."""
        if self.needs_viewing and not has_viewing:
            return "needs a viewing log for this catalog"
        if self.needs_model and not has_model:
            return "needs a model trained on this catalog's viewing log"
        return None


_ALL = (
    Strategy(
        "mean",
        "the average of everything in the history (the seed article's profile, kept as the baseline: its list is "
        "its scores' own order)",
        mean_strategy,
        queries=(),
        steps=ListSteps.none(),
        baseline=True,
    ),
    Strategy(
        "recency",
        "recent events weigh more; the half-life sets how fast older ones fade",
        recency_strategy,
        knobs=(HALF_LIFE,),
        queries=("recency",),
    ),
    Strategy(
        "multi-interest",
        "separate tastes are found and each gets a fair share of the list",
        multi_interest_strategy,
        queries=("interests", "events"),
    ),
    Strategy(
        "nearest",
        "each video is scored by the history events closest to it, so distinct videos are not averaged away",
        nearest_strategy,
    ),
    Strategy(
        "fusion",
        "closeness in meaning fused with shared people, words, tags, genres and years; weights learned on warm "
        "videos; needs no viewing log",
        fusion_strategy,
        reads_fusion=True,
        preference=3,
    ),
    Strategy(
        "hybrid",
        "content (fusion) blended with what co-viewers watched (EASE) and a popularity prior",
        hybrid_strategy,
        knobs=(HYBRID_WEIGHT,),
        needs_viewing=True,
        reads_fusion=True,
        preference=2,
    ),
    Strategy(
        "learned",
        "a small model trained on viewing histories maps the history to what comes next, blended with the content "
        "fusion's reading and with what co-viewers watched",
        learned_strategy,
        needs_viewing=True,
        needs_model=True,
        reads_fusion=True,
        preference=1,
    ),
)
STRATEGIES: dict[str, Strategy] = {s.name: s for s in _ALL}
ARTICLE_BASELINE = next(s.name for s in _ALL if s.baseline)
KNOBS: dict[str, Knob] = {knob.name: knob for s in _ALL for knob in s.knobs}  # every strategy's, once


def get_strategy(name: str) -> Strategy:
    """The registered strategy of that name; KeyError names the choices."""
    try:
        return STRATEGIES[name]
    except KeyError:
        raise KeyError(f"Unknown strategy '{name}'. Choose one of: {', '.join(STRATEGIES)}") from None


def default_strategy(has_viewing: bool, has_model: bool) -> Strategy:
    """The catalog's default: the most preferred strategy it can run as designed (`Strategy.preference`, set from
    the evaluation's figures: docs/evaluation.md)."""
    runnable = [s for s in _ALL if s.preference is not None and s.missing(has_viewing, has_model) is None]
    return min(runnable, key=lambda s: s.preference)
