"""Interest profiles: turn a history's event vectors into a score for every catalog video.

A strategy takes the embedded history and a `StrategyContext` (the catalog matrix, popularity, an optional
collaborative model, parameters) and returns one relevance score per video, plus the interests it found. The ranking
step (filters, exclusions, fair shares, diversity, explanations) is shared by every strategy. The registry of
strategies by name is `vidrec_core.profile.registry`; the learned one is in `vidrec_core.profile.learned`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import scipy.sparse as sp

from vidrec_core.core.vectors import soft_max_similarity, top_k_rows, zscore
from vidrec_core.learn.adapter import LearnedModel
from vidrec_core.learn.artefacts import UnavailableModel
from vidrec_core.learn.collaborative import user_item_matrix
from vidrec_core.learn.fusion import FusionScorer
from vidrec_core.profile.base import StrategyParams
from vidrec_core.profile.genres import GenreSpace
from vidrec_core.profile.history import Event, EventKind, shorten

# How much each kind of event counts towards the profile; a dislike pushes away.
KIND_WEIGHTS: dict[EventKind, float] = {
    EventKind.WATCHED: 1.0,
    EventKind.LIKED: 1.5,
    EventKind.SEARCHED: 1.0,
    EventKind.COMMENTED: 0.8,
    EventKind.INTEREST: 1.0,
    EventKind.DISLIKED: -1.0,
}


class CollaborativeModel(Protocol):
    """Anything fitted on interactions that scores the catalog from what people watched (ItemKNN, Popularity)."""

    known_: np.ndarray  # bool (n_items,): items seen in training interactions

    def scores(self, histories: sp.csr_matrix) -> np.ndarray:
        """(users x items) binary -> dense (users x items)."""
        ...

    def item_weights(self, rows: Sequence[int], item: int) -> np.ndarray:
        """How much each history video in `rows` pulls `item` up (for "viewers of X also liked it")."""
        ...


@dataclass(frozen=True)
class StrategyContext:
    items: np.ndarray
    popularity: np.ndarray | None = None  # (n_items,) percentile rank in [0, 1]
    collaborative: CollaborativeModel | None = None
    params: StrategyParams = field(default_factory=StrategyParams)
    index_of: dict[str, int] | None = None  # catalog id -> row, to find watched items for collaborative scoring
    # (n_items, m) rows of the m most similar videos that have interactions, for videos that have none (else -1)
    known_neighbours: np.ndarray | None = None
    learned: LearnedModel | UnavailableModel | None = None  # the learned strategy's model, or why there is none
    fusion: FusionScorer | None = None  # the fusion strategy's features and weights for this catalog and encoder
    genres: GenreSpace | None = None  # the catalog's genres in the meaning space (None: the catalog has none)
    # The similarity two videos of this catalog must reach to be called close in meaning (see `meaning_floor`)
    meaning_floor: float = 0.3


@dataclass(frozen=True)
class EmbeddedHistory:
    """A history's events (oldest first) with one unit vector each."""

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


@dataclass(frozen=True)
class Interest:
    """One taste found in a history: its events, its direction in the meaning space and its share of the list."""

    label: str
    event_rows: tuple[int, ...]
    centroid: np.ndarray
    share: float


@dataclass
class ProfileResult:
    """Scores over the catalog plus what ranking and explanations need to know about the profile."""

    scores: np.ndarray
    profile: np.ndarray | None = None
    interests: list[Interest] = field(default_factory=list)
    interest_scores: np.ndarray | None = None  # (n_interests, n_items) when several interests
    collaborative_share: np.ndarray | None = None  # (n_items,) share of each score from collaborative signal
    collaborative_known: np.ndarray | None = None  # (n_items,) videos with their own interactions
    notes: list[str] = field(default_factory=list)
    # {"people" | "meaning" | ...: (n_items,)}: each evidence group's part of the score, for explanations (fusion)
    evidence: dict[str, np.ndarray] = field(default_factory=dict)
    # How much score one cosine point is worth: 1 for cosine scores, Z_UNIT for blends of z-scores. The dislike
    # penalty (in cosine) is multiplied by it, so a dislike pushes equally hard whatever the strategy.
    score_unit: float = 1.0


# A cosine similarity's spread over a catalog is about 0.1, so one z-score is worth about ten cosine points.
Z_UNIT = 10.0


def weighted_mean(vectors: np.ndarray, weights: np.ndarray) -> np.ndarray:
    total = float(np.abs(weights).sum())
    if total == 0 or len(vectors) == 0:
        return np.zeros(vectors.shape[1] if vectors.ndim == 2 else 0, dtype=np.float32)
    mean = (vectors * weights[:, None]).sum(axis=0) / total
    norm = float(np.linalg.norm(mean))
    return (mean / norm).astype(np.float32) if norm > 1e-9 else mean.astype(np.float32)


ONLY_DISLIKES = "Only dislikes given: nothing to aim at, so videos are ordered away from the dislikes."


def _profile_scores(history: EmbeddedHistory, ctx: StrategyContext, weights: np.ndarray) -> ProfileResult:
    positive = history.positive
    if not positive.any():
        return ProfileResult(scores=np.zeros(len(ctx.items), dtype=np.float32), notes=[ONLY_DISLIKES])
    profile = weighted_mean(history.vectors[positive], weights[positive])
    return ProfileResult(scores=ctx.items @ profile, profile=profile)


def mean_strategy(history: EmbeddedHistory, ctx: StrategyContext) -> ProfileResult:
    """The seed article's profile: the kind-weighted mean of the history's vectors, cosine to each video."""
    return _profile_scores(history, ctx, history.weights)


def recency_weights(n_events: int, half_life: float, ages: np.ndarray | None = None) -> np.ndarray:
    """The newest event weighs 1, one `half_life` events earlier 0.5, and so on."""
    age = np.arange(n_events - 1, -1, -1, dtype=np.float32) if ages is None else ages.astype(np.float32)
    return np.power(0.5, age / max(half_life, 1e-3)).astype(np.float32)


def event_ages(events: Sequence[Event]) -> np.ndarray:
    """How many events ago each one happened: by date when every event has one, else by line order."""
    n = len(events)
    if n and all(e.when for e in events):
        order = sorted(range(n), key=lambda i: (events[i].when, i))
        ages = np.empty(n, dtype=np.float32)
        ages[order] = np.arange(n - 1, -1, -1, dtype=np.float32)
        return ages
    return np.arange(n - 1, -1, -1, dtype=np.float32)


def recency_strategy(history: EmbeddedHistory, ctx: StrategyContext) -> ProfileResult:
    """Recent events weigh more: the mean profile with an exponential decay over the history's order."""
    decay = recency_weights(len(history.events), ctx.params.half_life, event_ages(history.events))
    return _profile_scores(history, ctx, history.weights * decay)


def kernel_scores(vectors: np.ndarray, weights: np.ndarray, items: np.ndarray, chunk: int = 65_536) -> np.ndarray:
    """`core.vectors.soft_max_similarity` of every catalog video to the events, in blocks of `chunk` videos so a
    long history over a million videos never holds the whole events x videos matrix."""
    out = np.empty(len(items), dtype=np.float32)
    for start in range(0, len(items), chunk):
        out[start : start + chunk] = soft_max_similarity(vectors @ items[start : start + chunk].T, weights)
    return out


def nearest_strategy(history: EmbeddedHistory, ctx: StrategyContext) -> ProfileResult:
    """Distinct videos stay apart: each video's score is about its similarity to the closest history event (a soft
    maximum over them, kind-weighted), not to the average of the history, which blurs distinct videos together."""
    positive = history.positive
    if not positive.any():
        return ProfileResult(scores=np.zeros(len(ctx.items), dtype=np.float32), notes=[ONLY_DISLIKES])
    vectors, weights = history.vectors[positive], history.weights[positive]
    return ProfileResult(scores=kernel_scores(vectors, weights, ctx.items), profile=weighted_mean(vectors, weights))


def find_interests(history: EmbeddedHistory, params: StrategyParams) -> list[Interest]:
    """Group the positive events into separate tastes (average-linkage clustering on cosine distance)."""
    rows = np.flatnonzero(history.positive)
    if len(rows) == 0:
        return []
    vectors = history.vectors[rows]
    weights = np.abs(history.weights[rows])
    labels = split_into_tastes(vectors, params)
    groups = [list(np.flatnonzero(labels == label)) for label in np.unique(labels)]
    total = float(weights.sum()) or 1.0
    interests = []
    for group in groups:
        event_rows = tuple(int(rows[m]) for m in sorted(group))
        interests.append(
            Interest(
                label=interest_label([history.events[r] for r in event_rows]),
                event_rows=event_rows,
                centroid=weighted_mean(vectors[group], weights[group]),
                share=float(weights[group].sum()) / total,
            )
        )
    interests.sort(key=lambda i: -i.share)
    return interests


def split_into_tastes(vectors: np.ndarray, params: StrategyParams) -> np.ndarray:
    """A taste label per event: the average-linkage split with the best cosine silhouette, if it is clear enough.

    Similarity levels differ a lot between genres (two romances can be less alike than two horror films), so a
    distance threshold alone fails; the silhouette compares each event's group with the nearest other group, and
    a split is kept only where the groups are also far apart in absolute terms.
    """
    n = len(vectors)
    if n == 1:
        return np.zeros(1, dtype=int)
    similarity = np.clip(vectors @ vectors.T, -1.0, 1.0)
    if n == 2:
        return np.array([0, int(similarity[0, 1] < params.split_similarity)])
    import sklearn
    from sklearn.cluster import AgglomerativeClustering
    from sklearn.metrics import silhouette_score

    distance = np.clip(1.0 - similarity, 0.0, None)
    np.fill_diagonal(distance, 0.0)
    best_labels, best_score = np.zeros(n, dtype=int), params.min_silhouette
    # The inputs are ours and finite: sklearn's checks took 3 of the 8 ms of a 13-event split, on every edit.
    with sklearn.config_context(skip_parameter_validation=True, assume_finite=True):
        for k in range(2, min(params.max_interests, n - 1) + 1):
            clusters = AgglomerativeClustering(n_clusters=k, metric="precomputed", linkage="average")
            labels = clusters.fit_predict(distance)
            score = float(silhouette_score(distance, labels, metric="precomputed"))
            if score > best_score and _max_cross_similarity(similarity, labels) < params.split_similarity:
                best_labels, best_score = labels, score
    return best_labels


def _max_cross_similarity(similarity: np.ndarray, labels: np.ndarray) -> float:
    """The highest mean similarity between two different groups: how alike the least separate tastes are."""
    groups = [labels == label for label in np.unique(labels)]
    return max(float(similarity[np.ix_(a, b)].mean()) for i, a in enumerate(groups) for b in groups[i + 1 :])


def interest_label(events: list[Event]) -> str:
    """A short name: the titles or texts of the interest's first events."""
    names = [e.matched_title.rsplit(" (", 1)[0] if e.matched_title else shorten(e.text, 30) for e in events]
    counts = Counter(names)
    top = [name for name, _ in counts.most_common(2)]
    label = " + ".join(top)
    return label + (f" (+{len(events) - len(top)})" if len(events) > len(top) else "")


def multi_interest_strategy(history: EmbeddedHistory, ctx: StrategyContext) -> ProfileResult:
    """Each separate taste retrieves its own candidates; the ranking gives each a fair share of the list. Within a
    taste, videos are scored like `nearest` (by their closest events), not by the taste's average."""
    interests = find_interests(history, ctx.params)
    if not interests:
        return ProfileResult(scores=np.zeros(len(ctx.items), dtype=np.float32), notes=[ONLY_DISLIKES])
    centroids = np.stack([i.centroid for i in interests])
    interest_scores = np.stack(
        [
            kernel_scores(history.vectors[list(i.event_rows)], history.weights[list(i.event_rows)], ctx.items)
            for i in interests
        ]
    )  # (n_interests, n_items)
    return ProfileResult(
        scores=interest_scores.max(axis=0),
        profile=weighted_mean(centroids, np.array([i.share for i in interests], dtype=np.float32)),
        interests=interests,
        interest_scores=interest_scores if len(interests) > 1 else None,
    )


NO_INTERACTIONS = "No interaction data for this catalog: the collaborative part is left out."
NO_WATCHED_KNOWN = "No watched video has interaction data: the collaborative part is left out."


@dataclass(frozen=True)
class Blend:
    """A strategy's own scores blended with the collaborative signal, and each video's share from the latter."""

    scores: np.ndarray
    collaborative_share: np.ndarray
    collaborative_known: np.ndarray


def watched_rows(history: EmbeddedHistory, ctx: StrategyContext) -> list[int]:
    """Catalog rows of the history's videos, dislikes left out."""
    index_of = ctx.index_of or {}
    return [index_of[e.matched_id] for e in history.events if e.kind != EventKind.DISLIKED and e.matched_id in index_of]


CONTENT_GATE_AT = 1.0  # own z-score at which a gated blend lets half the collaborative part through


def blend_collaborative(
    own: np.ndarray, history: EmbeddedHistory, ctx: StrategyContext, weight: float, gated: bool = True
) -> Blend | str:
    """`own` scores blended, as z-scores, with the collaborative model's scores for the history's videos.

    A video nobody has interacted with borrows its collaborative part from the most similar videos that have
    interactions (`known_neighbours`, by text), so new videos compete on equal terms instead of being ignored or
    over-promoted. `gated` (the default, and what every strategy uses) lets the collaborative part count only where
    `own` already finds a video plausible (a logistic gate centred at `CONTENT_GATE_AT` spreads): EASE's scores have
    a long tail (11 spreads for Aliens after Apollo 13, where `own` tops out near 4), so ungated it filled a space
    fan's list with Forrest Gump and Shawshank. Returns why there is no blend when the collaborative signal cannot
    apply.
    """
    collab = collaborative_z(history, ctx)
    if isinstance(collab, str):
        return collab
    w = weight
    own_z = zscore(own)
    collab_z = collab.scores.copy()
    if gated:
        collab_z *= (1.0 / (1.0 + np.exp(CONTENT_GATE_AT - own_z))).astype(np.float32)
    blended = (1 - w) * own_z + w * collab_z
    parts = np.abs((1 - w) * own_z) + np.abs(w * collab_z) + 1e-9
    share = (np.abs(w * collab_z) / parts).astype(np.float32)
    return Blend(blended, share, collab.known)


@dataclass(frozen=True)
class Collaborative:
    """The collaborative model's scores for one history, standardised over the videos it knows; a video nobody has
    interacted with borrows from the most similar videos that have interactions (`known_neighbours`)."""

    scores: np.ndarray
    known: np.ndarray


def collaborative_z(history: EmbeddedHistory, ctx: StrategyContext) -> Collaborative | str:
    """See `Collaborative`; a string saying why when the collaborative signal cannot apply."""
    if ctx.collaborative is None:
        return NO_INTERACTIONS
    watched = watched_rows(history, ctx)
    known = ctx.collaborative.known_
    if not watched or not known[watched].any():
        return NO_WATCHED_KNOWN
    collab = ctx.collaborative.scores(user_item_matrix([watched], len(ctx.items)))[0]
    collab_z = zscore(np.asarray(collab, dtype=np.float32), known)
    collab_z = np.where(known, collab_z, 0.0).astype(np.float32)
    if ctx.known_neighbours is not None:
        unknown = np.flatnonzero(~known)
        collab_z[unknown] = collab_z[ctx.known_neighbours[unknown]].mean(axis=1)
    return Collaborative(collab_z, known)


COLLABORATIVE_CLIP = 3.0  # spreads: EASE's long tail (Forrest Gump at 9 after four space films) is held here


def bounded_collaborative(history: EmbeddedHistory, ctx: StrategyContext) -> Collaborative | str:
    """`collaborative_z` held within ±`COLLABORATIVE_CLIP` spreads: co-viewing can lift a video as much as strong
    content evidence, never drown it."""
    collab = collaborative_z(history, ctx)
    if isinstance(collab, str):
        return collab
    return Collaborative(np.clip(collab.scores, -COLLABORATIVE_CLIP, COLLABORATIVE_CLIP), collab.known)


def nearest_known(items: np.ndarray, known: np.ndarray, m: int = 10, chunk: int = 4096) -> np.ndarray:
    """(n_items, m) rows of the m nearest known videos for every unknown video; -1 rows for known ones. This is
    `StrategyContext.known_neighbours`, where `blend_collaborative` borrows from."""
    out = np.full((len(items), m), -1, dtype=np.int64)
    known_rows = np.flatnonzero(known)
    if len(known_rows) == 0:
        return out
    m = min(m, len(known_rows))
    unknown_rows = np.flatnonzero(~known)
    for start in range(0, len(unknown_rows), chunk):
        rows = unknown_rows[start : start + chunk]
        sims = items[rows] @ items[known_rows].T
        out[rows, :m] = known_rows[top_k_rows(sims, m)]
    return out


def dislike_penalty(history: EmbeddedHistory, items: np.ndarray, strength: float = 1.0) -> np.ndarray:
    """Push down videos close to anything disliked: the disliked video itself and its near neighbours."""
    negative = history.negative
    if not negative.any():
        return np.zeros(len(items), dtype=np.float32)
    closeness = items @ history.vectors[negative].T  # (n_items, n_dislikes)
    nearest = closeness.max(axis=1)
    # Only clearly similar videos are pushed; far ones are left alone.
    return strength * np.clip(nearest - 0.3, 0.0, None).astype(np.float32)
