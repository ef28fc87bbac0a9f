"""The three views' splits and the checks that no held-out video leaks into training.

- all: leave-last-out, each eligible user's last liked video is hidden;
- cold-start: a seeded share of the liked videos is held out as new (removed from every training interaction and
  history), and the users whose hidden video is one of them are scored;
- new-items: the same held-out videos; each user with enough other liked videos and at least one liked new video
  ranks only the new videos ("for videos uploaded today, which viewers should see them").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from vidrec_core.data.interactions import InteractionLog, positives_by_user
from vidrec_core.evaluate.config import EvalSettings, EvaluationError
from vidrec_core.learn.collaborative import user_item_matrix


class LeakError(AssertionError):
    """Training data contains a held-out target: every number computed from it would be inflated."""


@dataclass(frozen=True)
class Split:
    """One view's users, their histories (item rows, oldest first) and held-out targets, and the training data."""

    users: list[str]
    histories: list[np.ndarray]
    targets: np.ndarray
    train: list[np.ndarray]  # evaluated users' histories first (same order), then everyone else's positives
    skipped_users: int = 0

    def history_matrix(self, rows: Sequence[int], n_items: int) -> sp.csr_matrix:
        """The chosen users' histories as a binary users x items matrix."""
        return user_item_matrix([self.histories[r] for r in rows], n_items)


def leave_last_out(log: InteractionLog, settings: EvalSettings) -> Split:
    """Hold out each eligible user's last positive; everything else that is positive is training data."""
    positives = positives_by_user(log, settings.positive_threshold)
    eligible = [u for u, items in positives.items() if len(items) >= settings.min_positives]
    if settings.max_users is not None and len(eligible) > settings.max_users:
        rng = np.random.default_rng([settings.seed, 2])
        eligible = sorted(rng.choice(eligible, size=settings.max_users, replace=False).tolist())
    if not eligible:
        raise EvaluationError(
            f"No user has {settings.min_positives} or more positives (rating >= {settings.positive_threshold}). "
            "Lower --min-positives or --positive-threshold, or use a larger interaction log."
        )
    chosen = set(eligible)
    histories = [positives[u][:-1] for u in eligible]
    targets = np.array([positives[u][-1] for u in eligible], dtype=np.int64)
    others = [items for u, items in positives.items() if u not in chosen]
    skipped = sum(1 for items in positives.values() if len(items) < settings.min_positives)
    return Split(eligible, histories, targets, train=histories + others, skipped_users=skipped)


def held_out_new(positives: dict[str, np.ndarray], n_items: int, fraction: float, seed: int) -> np.ndarray:
    """Bool mask of the seeded random `fraction` of the liked videos treated as uploaded today. Drawn among liked
    videos, not the whole catalog: a video nobody watched can never be a target, so it would only thin the view."""
    liked = np.unique(np.concatenate([p for p in positives.values() if len(p)] or [np.zeros(0, np.int64)]))
    mask = np.zeros(n_items, dtype=bool)
    if len(liked):
        rng = np.random.default_rng([seed, 6])
        mask[rng.choice(liked, size=max(1, round(fraction * len(liked))), replace=False)] = True
    return mask


@dataclass(frozen=True)
class NewItemsSplit:
    """Users, their histories (warm liked videos, oldest first), their liked new videos, the candidates (every new
    video) and the training data, which holds no new video."""

    users: list[str]
    histories: list[np.ndarray]
    targets: list[np.ndarray]
    candidates: np.ndarray
    train: list[np.ndarray]

    def history_matrix(self, rows: Sequence[int], n_items: int) -> sp.csr_matrix:
        return user_item_matrix([self.histories[r] for r in rows], n_items)


def new_items_split(
    positives: dict[str, np.ndarray],
    new: np.ndarray,
    train: list[np.ndarray],
    min_history: int,
    max_users: int | None = None,
    seed: int = 0,
) -> NewItemsSplit:
    """Users with `min_history` or more warm liked videos and one or more liked new videos (a seeded sample of
    `max_users` of them for quick runs). `train` is the cold-start view's training data (no new video, no
    leave-last-out target), so both views share their models."""
    eligible = [u for u, items in positives.items() if (~new[items]).sum() >= min_history and new[items].any()]
    if max_users is not None and len(eligible) > max_users:
        rng = np.random.default_rng([seed, 2])
        eligible = sorted(rng.choice(eligible, size=max_users, replace=False).tolist())
    histories = [positives[u][~new[positives[u]]] for u in eligible]
    targets = [np.unique(positives[u][new[positives[u]]]) for u in eligible]
    return NewItemsSplit(eligible, histories, targets, np.flatnonzero(new), train)


def check_new_items(split: NewItemsSplit, new: np.ndarray, n_items: int) -> None:
    """Fail loudly if a new video appears in any training interaction or history, or a target is not new."""
    seen = np.asarray(user_item_matrix(split.train, n_items).sum(axis=0)).ravel() > 0
    if (seen & new).any():
        raise LeakError(f"{int((seen & new).sum())} new videos appear in training interactions.")
    if any(new[h].any() for h in split.histories):
        raise LeakError("A new video appears in a history of the new-items view.")
    if any(not new[t].all() for t in split.targets):
        raise LeakError("A target of the new-items view is not a new video.")


def cold_start_split(split: Split, cold: np.ndarray) -> Split:
    """Remove the cold items from all training data and histories; keep users whose target is cold.

    Users not scored in this view still train the models, without their targets and without cold items.
    """
    keep: list[int] = []
    histories: list[np.ndarray] = []
    for i, target in enumerate(split.targets):
        history = split.histories[i][~cold[split.histories[i]]]
        if cold[target] and len(history):
            keep.append(i)
            histories.append(history)
    kept = set(keep)
    unscored = [h[~cold[h]] for i, h in enumerate(split.histories) if i not in kept]
    others = [t[~cold[t]] for t in split.train[len(split.users) :]]
    return Split(
        users=[split.users[i] for i in keep],
        histories=histories,
        targets=split.targets[keep],
        train=histories + unscored + others,
    )


def check_no_leak(split: Split, n_items: int, cold: np.ndarray | None = None) -> None:
    """Fail loudly if any evaluated user's target is in the training data the models learn from.

    The first len(users) training rows are the evaluated users' histories; their targets must not be there, nor in
    their histories; in the cold-start view no cold item may appear anywhere in training.
    """
    n = len(split.users)
    train = user_item_matrix(split.train, n_items)
    own = np.asarray(train[np.arange(n), split.targets]).ravel() if n else np.zeros(0)
    if own.any():
        raise LeakError(f"{int(own.sum())} held-out targets appear in their own user's training row.")
    if any(t in set(h.tolist()) for h, t in zip(split.histories, split.targets, strict=True)):
        raise LeakError("A held-out target appears in its user's history.")
    for i, history in enumerate(split.histories):
        if not np.array_equal(np.unique(history), np.unique(split.train[i])):
            raise LeakError(f"Training row {i} is not exactly user {split.users[i]}'s history.")
    if cold is not None:
        seen = np.asarray(train.sum(axis=0)).ravel() > 0
        if (seen & cold).any():
            raise LeakError(f"{int((seen & cold).sum())} cold-start items appear in training interactions.")


@dataclass(frozen=True)
class TasteSplit:
    """The on-taste view's users: each one's last liked videos typed as a history (the all view's history, cut to
    its newest `n`), the all view's held-out next video, and for a seeded share of them one search line aimed at a
    genre their history hardly watches. Trained on the all view's data, which holds none of those targets."""

    users: list[str]
    histories: list[np.ndarray]
    targets: np.ndarray
    search_genre: list[int | None]  # a genre column of the catalog, or None for users without a search
    train: list[np.ndarray]

    def history_matrix(self, rows: Sequence[int], n_items: int) -> sp.csr_matrix:
        return user_item_matrix([self.histories[r] for r in rows], n_items)


def taste_split(
    split: Split,
    genre_presence: sp.csr_matrix,
    n: int,
    max_users: int,
    search_share: float,
    seed: int,
    min_genre_videos: int = 20,
) -> TasteSplit:
    """See `TasteSplit`. A search is aimed at a genre with `min_genre_videos` or more videos (so the catalog has
    what is searched for) that holds under a tenth of the user's history, drawn with the seed."""
    presence = sp.csr_matrix(genre_presence)
    eligible = [i for i, h in enumerate(split.histories) if len(h) >= n]
    rng = np.random.default_rng([seed, 11])
    if len(eligible) > max_users:
        eligible = sorted(rng.choice(eligible, size=max_users, replace=False).tolist())
    sizes = np.asarray(presence.sum(axis=0)).ravel()
    searchable = np.flatnonzero(sizes >= min_genre_videos)
    histories, genres = [], []
    for i in eligible:
        history = split.histories[i][-n:]
        histories.append(history)
        watched = np.asarray(presence[history].sum(axis=0)).ravel() / len(history)
        options = searchable[watched[searchable] < 0.1]
        wants = rng.random() < search_share
        genres.append(int(rng.choice(options)) if wants and len(options) else None)
    return TasteSplit([split.users[i] for i in eligible], histories, split.targets[eligible], genres, split.train)
