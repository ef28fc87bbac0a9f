"""Interest profiles: turn a history's event vectors into a score for every catalog video.

A strategy takes the embedded history and the catalog matrix and returns one relevance score per video. The
ranking step (filters, exclusions, diversity, explanations) is shared by every strategy.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from vidrec_core.history import Event, EventKind

# How much each kind of event counts towards the profile; a dislike pushes away.
KIND_WEIGHTS: dict[EventKind, float] = {
    EventKind.WATCHED: 1.0,
    EventKind.LIKED: 1.5,
    EventKind.SEARCHED: 1.0,
    EventKind.COMMENTED: 0.8,
    EventKind.INTEREST: 1.0,
    EventKind.DISLIKED: -1.0,
}


@dataclass(frozen=True)
class EmbeddedHistory:
    """A history's events with one unit vector each."""

    events: list[Event]
    vectors: np.ndarray

    @property
    def weights(self) -> np.ndarray:
        return np.array([KIND_WEIGHTS[e.kind] * e.weight for e in self.events], dtype=np.float32)

    @property
    def positive(self) -> np.ndarray:
        return np.array([e.kind != EventKind.DISLIKED for e in self.events], dtype=bool)

    @property
    def negative(self) -> np.ndarray:
        return ~self.positive


@dataclass
class ProfileResult:
    """Scores over the catalog plus what the explanation needs to know about the profile."""

    scores: np.ndarray
    profile: np.ndarray | None = None
    notes: list[str] = field(default_factory=list)


def weighted_mean(vectors: np.ndarray, weights: np.ndarray) -> np.ndarray:
    total = float(np.abs(weights).sum())
    if total == 0 or len(vectors) == 0:
        return np.zeros(vectors.shape[1] if vectors.ndim == 2 else 0, dtype=np.float32)
    mean = (vectors * weights[:, None]).sum(axis=0) / total
    norm = float(np.linalg.norm(mean))
    return (mean / norm).astype(np.float32) if norm > 1e-9 else mean.astype(np.float32)


def mean_strategy(history: EmbeddedHistory, items: np.ndarray) -> ProfileResult:
    """The seed article's profile: the (kind-weighted) mean of the liked and watched vectors, cosine to each video."""
    positive = history.positive
    if not positive.any():
        return ProfileResult(
            scores=np.zeros(len(items), dtype=np.float32),
            notes=["Only dislikes given: nothing to aim at, so videos are ordered away from the dislikes."],
        )
    profile = weighted_mean(history.vectors[positive], history.weights[positive])
    return ProfileResult(scores=items @ profile, profile=profile)


StrategyFn = Callable[[EmbeddedHistory, np.ndarray], ProfileResult]
STRATEGIES: dict[str, StrategyFn] = {"mean": mean_strategy}


def dislike_penalty(history: EmbeddedHistory, items: np.ndarray, strength: float = 1.0) -> np.ndarray:
    """Push down videos close to anything disliked: the disliked video itself and its near neighbours."""
    negative = history.negative
    if not negative.any():
        return np.zeros(len(items), dtype=np.float32)
    closeness = items @ history.vectors[negative].T  # (n_items, n_dislikes)
    nearest = closeness.max(axis=1)
    # Only clearly similar videos are pushed; far ones are left alone.
    return strength * np.clip(nearest - 0.3, 0.0, None).astype(np.float32)
