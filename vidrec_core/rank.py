"""From scores to a list a person can read: filters, exclusions, diversity (MMR) and the reason for each pick."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from vidrec_core.catalog import Catalog
from vidrec_core.core.vectors import top_k
from vidrec_core.profile import EmbeddedHistory, ProfileResult


@dataclass(frozen=True)
class Filters:
    """Optional constraints; empty means 'no constraint'."""

    include_genres: tuple[str, ...] = ()
    exclude_genres: tuple[str, ...] = ()
    year_range: tuple[int, int] | None = None
    runtime_range: tuple[float, float] | None = None
    languages: tuple[str, ...] = ()

    def masks(self, catalog: Catalog) -> list[tuple[str, np.ndarray]]:
        """One (description, passing rows) pair per active filter, so an empty result can name its cause."""
        frame = catalog.frame
        out: list[tuple[str, np.ndarray]] = []
        if self.include_genres:
            wanted = set(self.include_genres)
            out.append(
                (
                    f"genre is one of {', '.join(self.include_genres)}",
                    frame["genres"].map(lambda g: bool(wanted.intersection(g))).to_numpy(bool),
                )
            )
        if self.exclude_genres:
            unwanted = set(self.exclude_genres)
            out.append(
                (
                    f"genre is none of {', '.join(self.exclude_genres)}",
                    frame["genres"].map(lambda g: not unwanted.intersection(g)).to_numpy(bool),
                )
            )
        if self.year_range is not None:
            low, high = self.year_range
            years = frame["year"].astype("float64").to_numpy()
            out.append((f"year between {low} and {high}", (years >= low) & (years <= high)))
        if self.runtime_range is not None:
            low, high = self.runtime_range
            runtime = frame["runtime"].to_numpy(dtype="float64", na_value=np.nan)
            out.append((f"runtime between {low:g} and {high:g} min", (runtime >= low) & (runtime <= high)))
        if self.languages:
            out.append(
                (
                    f"language is one of {', '.join(self.languages)}",
                    frame["language"].isin(self.languages).to_numpy(bool),
                )
            )
        return out


@dataclass(frozen=True)
class Recommendation:
    index: int
    id: str
    title: str
    year: int | None
    genres: list[str]
    overview: str
    score: float
    because: str
    because_line: int | None = None
    because_similarity: float | None = None
    interest: str | None = None
    collaborative_share: float | None = None

    def as_dict(self) -> dict:
        return {
            "id": self.id,
            "title": self.title,
            "year": self.year,
            "genres": list(self.genres),
            "score": round(float(self.score), 4),
            "because": self.because,
            "because_line": self.because_line,
            "because_similarity": None if self.because_similarity is None else round(float(self.because_similarity), 4),
            "overview": self.overview,
        }


@dataclass
class Ranking:
    indices: list[int]
    scores: list[float]
    messages: list[str] = field(default_factory=list)
    interest_of: list[int | None] = field(default_factory=list)

    def __post_init__(self) -> None:
        if not self.interest_of:
            self.interest_of = [None] * len(self.indices)


def apply_filters(catalog: Catalog, filters: Filters | None) -> tuple[np.ndarray, list[str]]:
    """Rows passing every filter; if none pass, messages say which filter emptied the list."""
    allowed = np.ones(len(catalog), dtype=bool)
    messages: list[str] = []
    if filters is None:
        return allowed, messages
    for description, mask in filters.masks(catalog):
        narrowed = allowed & mask
        if not narrowed.any() and allowed.any():
            alone = int(mask.sum())
            messages.append(
                f"No video is left after the filter “{description}” "
                f"({alone} videos pass it on its own, none together with the other filters)."
            )
        allowed = narrowed
    return allowed, messages


def mmr_select(scores: np.ndarray, candidates: np.ndarray, items: np.ndarray, k: int, diversity: float) -> list[int]:
    """Maximal marginal relevance: trade relevance against similarity to what is already picked.

    diversity=0 is pure relevance; 1 ignores relevance after the first pick.
    """
    picked, _ = fair_share_select(scores[None, :], np.ones(1), candidates, items, k, diversity)
    return picked


def fair_share_quotas(shares: np.ndarray, k: int) -> np.ndarray:
    """Seats per interest in a list of k: proportional to share (largest remainder), at least one each when k allows."""
    shares = np.asarray(shares, dtype=np.float64)
    exact = shares / shares.sum() * k
    quotas = np.floor(exact).astype(int)
    for i in np.argsort(-(exact - quotas), kind="stable")[: k - quotas.sum()]:
        quotas[i] += 1
    for i in np.argsort(-shares, kind="stable"):  # every interest gets a seat, taken from the largest
        if quotas[i] == 0 and quotas.max() > 1:
            quotas[i] += 1
            quotas[int(np.argmax(quotas))] -= 1
    return quotas


def fair_share_select(
    interest_scores: np.ndarray,
    shares: np.ndarray,
    candidates: np.ndarray,
    items: np.ndarray,
    k: int,
    diversity: float,
) -> tuple[list[int], list[int]]:
    """Pick k videos, each interest filling its quota from its own candidates, with optional MMR diversity.

    Returns the picked rows and, for each, the interest it was picked for. With one interest this is plain MMR.
    """
    n_interests = len(interest_scores)
    quotas = fair_share_quotas(shares, k) if n_interests > 1 else np.array([k])
    pool_size = max(k * 10, 100)
    pools = []
    for scores in interest_scores:
        pools.append(top_k(scores, candidates, pool_size))
    pool = np.unique(np.concatenate(pools))
    pool_rows = [np.searchsorted(pool, order) for order in pools]
    pool_vectors = items[pool]
    max_sim = np.full(len(pool), -np.inf, dtype=np.float32)
    available = np.ones(len(pool), dtype=bool)
    picked: list[int] = []
    picked_for: list[int] = []
    filled = np.zeros(n_interests, dtype=int)
    exhausted = np.zeros(n_interests, dtype=bool)
    while len(picked) < min(k, len(pool)):
        open_interests = [i for i in range(n_interests) if not exhausted[i] and filled[i] < quotas[i]]
        if not open_interests:  # an interest ran out of candidates: the others take its seats
            live = np.flatnonzero(~exhausted)
            if len(live) == 0:
                break
            quotas[live] += 1
            continue
        interest = min(open_interests, key=lambda i: (filled[i] / quotas[i], -shares[i]))
        rows = pool_rows[interest][available[pool_rows[interest]]]
        if len(rows) == 0:
            exhausted[interest] = True
            continue
        relevance = interest_scores[interest][pool[rows]]
        value = relevance if diversity <= 0 or not picked else (1 - diversity) * relevance - diversity * max_sim[rows]
        best = int(rows[int(np.argmax(value))])
        picked.append(int(pool[best]))
        picked_for.append(interest)
        filled[interest] += 1
        available[best] = False
        max_sim = np.maximum(max_sim, pool_vectors @ pool_vectors[best])
    return picked, picked_for


def rank(
    catalog: Catalog,
    items: np.ndarray,
    scores: np.ndarray,
    exclude: np.ndarray,
    k: int = 10,
    filters: Filters | None = None,
    diversity: float = 0.0,
    interest_scores: np.ndarray | None = None,
    interest_shares: np.ndarray | None = None,
) -> Ranking:
    """Top-k of the allowed videos; with several interests, each interest gets its fair share of the list."""
    allowed, messages = apply_filters(catalog, filters)
    allowed &= ~exclude
    candidates = np.flatnonzero(allowed)
    if len(candidates) == 0:
        if not messages:
            messages.append("Every video in the catalog is already in the history.")
        return Ranking([], [], messages)
    k = max(1, int(k))
    interest_of: list[int | None]
    if interest_scores is not None and len(interest_scores) > 1:
        picked, chosen_for = fair_share_select(
            interest_scores, np.asarray(interest_shares), candidates, items, k, diversity
        )
        interest_of = list(chosen_for)
    elif diversity <= 0 and len(candidates) > k:
        picked = top_k(scores, candidates, k).tolist()
        interest_of = [None] * len(picked)
    else:
        picked = mmr_select(scores, candidates, items, k, diversity)
        interest_of = [None] * len(picked)
    return Ranking(picked, [float(scores[i]) for i in picked], messages, interest_of)


def explain(
    catalog: Catalog,
    items: np.ndarray,
    history: EmbeddedHistory,
    ranking: Ranking,
    profile: ProfileResult | None = None,
) -> list[Recommendation]:
    """Say, for each pick, which history event it is closest to, the interest it serves and the collaborative share."""
    positive = np.flatnonzero(history.positive)
    interests = profile.interests if profile is not None else []
    recs = []
    frame = catalog.frame
    for index, score, interest_index in zip(ranking.indices, ranking.scores, ranking.interest_of, strict=True):
        because, line, similarity, interest_label, collab = "close to the overall profile", None, None, None, None
        rows = positive
        if interest_index is not None and interest_index < len(interests):
            interest_label = interests[interest_index].label
            rows = np.array(interests[interest_index].event_rows)
        if len(rows):
            sims = history.vectors[rows] @ items[index]
            best = int(np.argmax(sims))
            event = history.events[rows[best]]
            similarity = float(sims[best])
            because = f"because {event.label} (similarity {similarity:.2f})"
            line = event.line_no
        if interest_label:
            because += f"; serves the interest “{interest_label}”"
        if profile is not None and profile.collaborative_share is not None:
            collab = float(profile.collaborative_share[index])
            if profile.collaborative_known is not None and not profile.collaborative_known[index]:
                because += f"; nobody has watched it yet: {collab:.0%} of the score borrowed from similar videos"
            else:
                because += f"; {collab:.0%} of the score from viewers with similar histories"
        row = frame.iloc[index]
        year = row["year"]
        recs.append(
            Recommendation(
                index=int(index),
                id=str(row["id"]),
                title=str(row["title"]),
                year=None if pd.isna(year) else int(year),
                genres=list(row["genres"]),
                overview=str(row["overview"]),
                score=float(score),
                because=because,
                because_line=line,
                because_similarity=similarity,
                interest=interest_label,
                collaborative_share=collab,
            )
        )
    return recs
