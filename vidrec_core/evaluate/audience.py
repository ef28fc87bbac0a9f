"""The audience view: for each held-out new video of the new-items view, every user of that view ranked by how
strongly a method would recommend it to them. Recall@k of its real viewers (k = 10% of the users) and AUC, per
video, with bootstrap intervals over videos and paired differences against the most-active-viewers baseline.

A method's scores are read per user, as the share of the other new videos each one outscores for that user (a person
whose scores are all high is not thereby everyone's audience), then beside how much the user watches: users are
ranked by `likely_to_watch`, the same reading the Map page's audience of one video uses. The baselines the view adds:
`random`, and `most-active` (people with the longest histories first, the same order for every video).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.stats import rankdata

from vidrec_core.audience import DEFAULT_CUTOFF, Audience, likely_to_watch
from vidrec_core.evaluate.config import EvalSettings
from vidrec_core.evaluate.metrics import bootstrap_means
from vidrec_core.evaluate.results import ResultRow
from vidrec_core.evaluate.split import NewItemsSplit, held_out_new

AUDIENCE_SHARE = 0.1  # the top of the users' ranking read as the audience: 10% of them
REFERENCE = "most-active"
AUDIENCE_BASELINES = {
    "random": "users in a random order (the floor)",
    REFERENCE: "the most active viewers first (the longest histories), the same order for every video",
}
AUDIENCE_METRICS = {
    "recall": "Recall@10% of users: the share of a new video's real viewers among the top tenth of all users",
    "auc": "AUC: the chance that a real viewer of the video is ranked above a user who did not watch it",
}


def outscored_share(scores: np.ndarray) -> np.ndarray:
    """(users, videos): per user, the share of the other new videos each one outscores (ties count half; a score
    that is not finite is the lowest)."""
    scores = np.where(np.isfinite(scores), scores, -np.inf)
    return (rankdata(scores, axis=1) - 0.5) / scores.shape[1]


def user_affinity(scores: np.ndarray, activity: np.ndarray) -> np.ndarray:
    """(users, videos): how likely each user is to watch each new video, from a method's raw scores and each user's
    number of liked videos."""
    return likely_to_watch(outscored_share(scores), activity[:, None], scores.shape[1])


def viewers_of(split: NewItemsSplit) -> np.ndarray:
    """(users, videos) True where the user liked the new video."""
    column = {int(v): n for n, v in enumerate(split.candidates)}
    watched = np.zeros((len(split.users), len(split.candidates)), dtype=bool)
    for row, targets in enumerate(split.targets):
        watched[row, [column[int(t)] for t in targets if int(t) in column]] = True
    return watched


def per_video(affinity: np.ndarray, watched: np.ndarray, seed: int) -> dict[str, np.ndarray]:
    """Recall@k and AUC for every video with at least one viewer and one non-viewer (in that order of columns)."""
    users = affinity.shape[0]
    k = max(1, math.ceil(AUDIENCE_SHARE * users))
    usable = np.flatnonzero(watched.any(axis=0) & (~watched).any(axis=0))
    recall, auc = np.zeros(len(usable)), np.zeros(len(usable))
    tie_break = np.random.default_rng([seed, 11]).random(users)
    for n, video in enumerate(usable):
        column, real = affinity[:, video], watched[:, video]
        top = np.lexsort((tie_break, -column))[:k]
        recall[n] = real[top].sum() / min(real.sum(), k)
        ranks = rankdata(column)  # ties share their mean rank
        positives = real.sum()
        auc[n] = (ranks[real].sum() - positives * (positives + 1) / 2) / (positives * (users - positives))
    return {"recall": recall, "auc": auc}


def activity_of(split: NewItemsSplit) -> np.ndarray:
    """Each user's number of liked videos in the view's history."""
    return np.array([len(h) for h in split.histories], dtype=np.float64)


def baseline_affinity(name: str, split: NewItemsSplit, seed: int) -> np.ndarray:
    users, videos = len(split.users), len(split.candidates)
    if name == "random":
        return np.random.default_rng([seed, 12]).random((users, videos))
    return np.repeat(activity_of(split)[:, None], videos, axis=1)


def audience_rows(
    scores: dict[tuple[str, str], np.ndarray],
    kinds: dict[str, str],
    split: NewItemsSplit,
    seed: int,
    bootstrap: int,
) -> tuple[list[ResultRow], dict]:
    """One row per method (and the view's own baselines), each metric beside its paired difference from
    most-active; and the view's info. `scores`: (method, encoder) -> (users, videos) raw scores of the new
    videos."""
    watched = viewers_of(split)
    measured = {
        (name, "-"): per_video(baseline_affinity(name, split, seed), watched, seed) for name in AUDIENCE_BASELINES
    }
    activity = activity_of(split)
    for key, matrix in scores.items():
        if key not in measured:  # the view's own `random` (users in a random order) is not the list baseline's
            measured[key] = per_video(user_affinity(matrix, activity), watched, seed)
    videos = len(next(iter(measured.values()))["auc"])
    info = {
        "users": len(split.users),
        "videos": videos,
        "k": max(1, math.ceil(AUDIENCE_SHARE * len(split.users))),
        "compared_with": REFERENCE,
    }
    if videos == 0:
        return [], info
    samples = np.random.default_rng([seed, 13]).integers(0, videos, (bootstrap, videos))
    reference = measured[(REFERENCE, "-")]
    rows = []
    for (method, encoder), values in measured.items():
        metrics = {name: bootstrap_means(values[name], samples) for name in AUDIENCE_METRICS}
        diffs = {}
        if (method, encoder) != (REFERENCE, "-"):
            diffs = {name: bootstrap_means(values[name] - reference[name], samples) for name in AUDIENCE_METRICS}
        rows.append(
            ResultRow(
                view="audience",
                method=method,
                kind="baseline" if method in AUDIENCE_BASELINES else kinds.get(method, "strategy"),
                encoder=encoder,
                users=len(split.users),
                metrics=metrics,
                baseline=REFERENCE if diffs else None,
                diffs=diffs,
            )
        )
    return rows, info


@dataclass(frozen=True)
class HeldOutVideos:
    """The new-items view's held-out videos, for asking the audience of one of them as if it were new: its real
    viewers are known, and nobody's history holds any held-out video."""

    viewers: dict[int, list[str]]  # catalog row -> the users who liked it, rows with the most viewers first
    warm: dict[str, np.ndarray]  # each user's liked videos without the held-out ones (users left with none dropped)

    @property
    def rows(self) -> list[int]:
        return list(self.viewers)


def held_out_videos(positives: dict[str, np.ndarray], n_items: int, settings: EvalSettings) -> HeldOutVideos:
    """The same seeded held-out videos the evaluation's new-items and audience views use."""
    new = held_out_new(positives, n_items, settings.cold_fraction, settings.seed)
    viewers: dict[int, list[str]] = {}
    for user, items in positives.items():
        for row in np.unique(items[new[items]]):
            viewers.setdefault(int(row), []).append(user)
    ordered = dict(sorted(viewers.items(), key=lambda kv: (-len(kv[1]), kv[0])))
    warm = {user: items[~new[items]] for user, items in positives.items() if (~new[items]).any()}
    return HeldOutVideos(ordered, warm)


def real_viewers_found(found: Audience, real: Sequence[str], cutoff: float = DEFAULT_CUTOFF) -> dict[str, float]:
    """How the audience of a held-out video compares with who really watched it: its real viewers, how many of them
    are in the audience at `cutoff` and among the likeliest tenth of viewers, and what chance alone would give."""
    real_set = {str(u) for u in real}
    ranked = [str(u) for u in found.viewers["user_id"]]
    chosen = {str(u) for u in found.audience(cutoff)["user_id"]}
    top = set(ranked[: max(1, math.ceil(AUDIENCE_SHARE * len(ranked)))])
    present = real_set & set(ranked)
    return {
        "real_viewers": len(present),
        "in_audience": len(present & chosen),
        "audience_size": len(chosen),
        "in_top_tenth": len(present & top),
        "top_tenth": len(top),
        "chance_in_audience": len(present) * len(chosen) / max(len(ranked), 1),
        "chance_in_top_tenth": len(present) * len(top) / max(len(ranked), 1),
    }
