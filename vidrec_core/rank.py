"""From scores to a list a person can read: filters, exclusions, diversity (MMR) and the reason for each pick."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from vidrec_core.catalog import Catalog
from vidrec_core.profile import EmbeddedHistory


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
    order = candidates[np.argsort(-scores[candidates], kind="stable")]
    if diversity <= 0 or len(order) <= 1:
        return order[:k].tolist()
    pool = order[: max(k * 10, 100)]
    pool_vectors = items[pool]
    relevance = scores[pool]
    chosen: list[int] = [0]
    max_sim = pool_vectors @ pool_vectors[0]
    available = np.ones(len(pool), dtype=bool)
    available[0] = False
    while len(chosen) < min(k, len(pool)):
        value = (1 - diversity) * relevance - diversity * max_sim
        value[~available] = -np.inf
        pick = int(np.argmax(value))
        chosen.append(pick)
        available[pick] = False
        max_sim = np.maximum(max_sim, pool_vectors @ pool_vectors[pick])
    return pool[chosen].tolist()


def rank(
    catalog: Catalog,
    items: np.ndarray,
    scores: np.ndarray,
    exclude: np.ndarray,
    k: int = 10,
    filters: Filters | None = None,
    diversity: float = 0.0,
) -> Ranking:
    allowed, messages = apply_filters(catalog, filters)
    allowed &= ~exclude
    candidates = np.flatnonzero(allowed)
    if len(candidates) == 0:
        if not messages:
            messages.append("Every video in the catalog is already in the history.")
        return Ranking([], [], messages)
    k = max(1, int(k))
    if diversity <= 0 and len(candidates) > k:
        top = candidates[np.argpartition(-scores[candidates], k - 1)[:k]]
        picked = top[np.argsort(-scores[top], kind="stable")].tolist()
    else:
        picked = mmr_select(scores, candidates, items, k, diversity)
    return Ranking(picked, [float(scores[i]) for i in picked], messages)


def explain(catalog: Catalog, items: np.ndarray, history: EmbeddedHistory, ranking: Ranking) -> list[Recommendation]:
    """Name, for each pick, the history event closest to it and how close it is."""
    positive = np.flatnonzero(history.positive)
    recs = []
    frame = catalog.frame
    for index, score in zip(ranking.indices, ranking.scores, strict=True):
        because, line, similarity = "close to the overall profile", None, None
        if len(positive):
            sims = history.vectors[positive] @ items[index]
            best = int(np.argmax(sims))
            event = history.events[positive[best]]
            similarity = float(sims[best])
            because = f"because {event.label} (similarity {similarity:.2f})"
            line = event.line_no
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
            )
        )
    return recs
