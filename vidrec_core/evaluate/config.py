"""What an evaluation run is asked to do (everything that changes its numbers), and the error it refuses with."""

from __future__ import annotations

from dataclasses import dataclass

from vidrec_core.core.errors import VidrecError
from vidrec_core.embed.registry import ENCODERS


class EvaluationError(VidrecError):
    """The evaluation cannot run as asked (unknown method, too little data...)."""


@dataclass(frozen=True)
class EvalSettings:
    """Everything that changes the numbers; all of it goes into the cache key."""

    k: int = 10
    positive_threshold: float = 4.0
    min_positives: int = 5
    seed: int = 0
    cold_fraction: float = 0.1  # share of the liked videos held out as new (the cold-start and new-items views)
    new_items_k: int = 20  # list length of the new-items view
    min_history: int = 3  # new-items view: a user needs this many other liked videos
    bootstrap: int = 1000
    max_users: int | None = None  # a seeded sample of the eligible users, for quick runs
    taste_history: int = 10  # on-taste view: the last this many liked titles are typed as the history
    taste_users: int = 300  # on-taste view: a seeded sample of at most this many users
    taste_search_share: float = 0.5  # on-taste view: the share of its users whose history gets a search line
    methods: tuple[str, ...] | None = None  # None: every baseline and every registered strategy
    models: tuple[str, ...] = tuple(ENCODERS)  # every registered encoder

    def validate(self) -> None:
        if self.k < 1 or self.new_items_k < 1:
            raise EvaluationError("k must be at least 1.")
        if self.min_history < 1:
            raise EvaluationError("min-history must be at least 1: a history to rank new videos from.")
        if self.min_positives < 2:
            raise EvaluationError("min-positives must be at least 2: one for the history, one held out.")
        if not 0.0 < self.cold_fraction < 1.0:
            raise EvaluationError("The cold-start fraction must lie between 0 and 1 (0.1 holds out a tenth).")
        if self.max_users is not None and self.max_users < 1:
            raise EvaluationError("max-users must be at least 1.")
        if self.bootstrap < 10:
            raise EvaluationError("Use at least 10 bootstrap resamples (1000 is the default).")
        if self.taste_history < 1 or self.taste_users < 1:
            raise EvaluationError("taste-history and taste-users must be at least 1.")
        if not 0.0 <= self.taste_search_share <= 1.0:
            raise EvaluationError("The share of on-taste users given a search line must lie between 0 and 1.")
        if not self.models:
            raise EvaluationError("Name at least one model, e.g. --models minilm.")
