"""Explanations: for each pick, the history event it is closest to, the interest it serves and its collaborative
share."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from vidrec_core.data.schema import Catalog
from vidrec_core.profile.strategies import EmbeddedHistory, ProfileResult
from vidrec_core.rank.select import Ranking


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
