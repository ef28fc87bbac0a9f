"""Explanations that name the evidence: for each pick, the history video it shares a director, cast or creator with,
the event it is closest to in meaning, the watched video whose viewers also liked it, and the interest it serves.

"same director as Inception (2010): Christopher Nolan", "shares cast with Heat (1995): Al Pacino, Robert De Niro",
"close in meaning to Interstellar (2014) (similarity 0.71)", "viewers of Memento (2000) also liked it". People are
named only when the strategy weighed them (fusion, hybrid); viewers only when it used the viewing log.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from vidrec_core.data.lexical import PEOPLE_FIELDS, person_key, split_names
from vidrec_core.data.schema import Catalog
from vidrec_core.profile.genres import GenreSpace
from vidrec_core.profile.history import Event
from vidrec_core.profile.intents import Intent
from vidrec_core.profile.strategies import CollaborativeModel, EmbeddedHistory, ProfileResult
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
    search: str | None = None  # the search this pick answers
    match: float = 1.0  # 0-1: from the typical candidate's score (0) to the best's (1), `rank.select.match_shares`

    def as_dict(self) -> dict:
        return {
            "id": self.id,
            "title": self.title,
            "year": self.year,
            "genres": list(self.genres),
            "score": round(float(self.score), 4),
            "match": round(float(self.match), 4),
            "because": self.because,
            "because_line": self.because_line,
            "because_similarity": None if self.because_similarity is None else round(float(self.because_similarity), 4),
            "overview": self.overview,
            **({"interest": self.interest} if self.interest else {}),
            **({"search": self.search} if self.search else {}),
        }


PEOPLE_PHRASES = {"director": "same director as", "cast": "shares cast with", "creator": "same creator as"}
MAX_NAMED = 3  # people named per reason
MAX_VIEWER_EVIDENCE = 50  # the most recent watched videos searched for "viewers of X also liked it"


def _people(frame: pd.DataFrame, row: int) -> dict[str, dict[str, str]]:
    """{field: {person key: name as written}} for one catalog row."""
    out: dict[str, dict[str, str]] = {}
    for field in PEOPLE_FIELDS:
        if field in frame.columns:
            names = split_names(frame.iat[row, frame.columns.get_loc(field)])
            out[field] = {person_key(n): n for n in names if person_key(n)}
    return out


def people_reason(
    frame: pd.DataFrame,
    pick: int,
    events: list[tuple[Event, int]],
    people_of: Callable[[int], dict[str, dict[str, str]]] | None = None,
) -> tuple[str, Event] | None:
    """The strongest shared-people reason between the pick and a history video: a shared director first, then the
    video sharing the most cast (or creators); most recent video on ties. `people_of` (row -> its people) lets one
    list read each history video's names once instead of once per pick."""
    people_of = people_of or (lambda row: _people(frame, row))
    theirs = people_of(pick)
    best: tuple[int, int, str, Event] | None = None
    for order, (event, row) in enumerate(events):
        mine = people_of(row)
        for rank, field in enumerate(PEOPLE_FIELDS):
            shared = [theirs[field][k] for k in theirs.get(field, {}) if k in mine.get(field, {})]
            if not shared:
                continue
            strength = (len(PEOPLE_FIELDS) - rank) * 10 + len(shared)
            if best is None or (strength, order) > (best[0], best[1]):
                names = ", ".join(shared[:MAX_NAMED])
                best = (strength, order, f"{PEOPLE_PHRASES[field]} {event.matched_title}: {names}", event)
    return None if best is None else (best[2], best[3])


def viewers_reason(
    collaborative: CollaborativeModel, pick: int, events: list[tuple[Event, int]]
) -> tuple[str, Event] | None:
    """The watched video with the strongest item-to-item weight towards the pick: "viewers of X also liked it"."""
    recent = events[-MAX_VIEWER_EVIDENCE:]
    if not recent:
        return None
    weights = collaborative.item_weights([row for _, row in recent], pick)
    best = int(np.argmax(weights))
    if weights[best] <= 0:
        return None
    event = recent[best][0]
    return f"viewers of {event.matched_title} also liked it", event


def meaning_reason(history: EmbeddedHistory, rows: np.ndarray, vector: np.ndarray) -> tuple[str, Event, float]:
    sims = history.vectors[rows] @ vector
    best = int(np.argmax(sims))
    event = history.events[rows[best]]
    return f"close in meaning to {event.reference} (similarity {float(sims[best]):.2f})", event, float(sims[best])


def search_reason(intent: Intent, similarity: float, floor: float, genres: list[str]) -> str:
    """ "matches your search “…”", with what matched: the genre the search is about, or closeness in meaning."""
    said = f"matches your search “{intent.label}”"
    if intent.genre and intent.genre in genres:
        return f"{said} ({intent.genre})"
    return f"{said} (similarity {similarity:.2f})" if similarity >= floor else said


def genre_reason(genres: list[str], space: GenreSpace | None, target: np.ndarray | None) -> str | None:
    """ "in genres you watch: Horror, Thriller": the pick's genres that carry a tenth or more of the history's."""
    if space is None or target is None:
        return None
    column = {name: n for n, name in enumerate(space.names)}
    mine = [g for g in genres if g in column and target[column[g]] >= 0.1]
    mine.sort(key=lambda g: -target[column[g]])
    return f"in genres you watch: {', '.join(mine[:MAX_NAMED])}" if mine else None


VIEWING_MODEL_REASON = "viewers with histories like yours went on to watch it"


def explain(
    catalog: Catalog,
    items: np.ndarray,
    history: EmbeddedHistory,
    ranking: Ranking,
    profile: ProfileResult | None = None,
    collaborative: CollaborativeModel | None = None,
    intents: Sequence[Intent] = (),
    meaning_floor: float = 0.0,
    genres: GenreSpace | None = None,
    target: np.ndarray | None = None,
) -> list[Recommendation]:
    """Name the evidence for each pick, the part that carried it most first (see the module docstring for the
    forms). Closeness in meaning below `meaning_floor` (what two videos of this catalog reach by chance) is never
    named: a 0.17 similarity is not a reason."""
    positive = np.flatnonzero(history.positive)
    interests = profile.interests if profile is not None else []
    evidence = profile.evidence if profile is not None else {}
    collab_share = profile.collaborative_share if profile is not None else None
    frame = catalog.frame
    index_of = catalog.index_of
    people_of = functools.cache(lambda row: _people(frame, row))
    recs = []
    for index, score, interest_index, search_index, match in zip(
        ranking.indices, ranking.scores, ranking.interest_of, ranking.search_of, ranking.matches, strict=True
    ):
        rows, interest_label = positive, None
        if interest_index is not None and interest_index < len(interests):
            interest_label = interests[interest_index].label
            rows = np.array(interests[interest_index].event_rows)
        videos = [
            (history.events[r], index_of[history.events[r].matched_id])
            for r in rows
            if history.events[r].matched_id in index_of
        ]
        row = frame.iloc[index]
        pick_genres = list(row["genres"])
        reasons: list[tuple[float, str, Event | None]] = []  # (weight, text, event)
        line, similarity = None, None
        if len(rows):
            text, event, similarity = meaning_reason(history, rows, items[index])
            if similarity >= meaning_floor:
                reasons.append((float(evidence["meaning"][index]) if "meaning" in evidence else 0.5, text, event))
        if "people" in evidence and videos:
            found = people_reason(frame, index, videos, people_of)
            if found:
                reasons.append((float(evidence["people"][index]), *found))
        collab = None if collab_share is None else float(collab_share[index])
        known = profile is not None and profile.collaborative_known is not None and profile.collaborative_known[index]
        viewing = float(evidence["viewing"][index]) if "viewing" in evidence else collab
        if viewing is not None and collaborative is not None and videos and (known or "viewing" in evidence):
            found = viewers_reason(collaborative, index, videos)
            if found:
                reasons.append((viewing, *found))
            elif "viewing" in evidence and viewing > 0:
                reasons.append((viewing, VIEWING_MODEL_REASON, None))
        reasons.sort(key=lambda r: -r[0])
        said = [text for _, text, _ in reasons]
        if search_index is not None and search_index < len(intents):
            intent = intents[search_index]
            found_similarity = float(items[index] @ history.vectors[intent.row])
            said.insert(0, search_reason(intent, found_similarity, meaning_floor, pick_genres))
            line = history.events[intent.row].line_no
        elif reasons and reasons[0][2] is not None:
            line = reasons[0][2].line_no
        if not said:
            fallback = genre_reason(pick_genres, genres, target)
            said.append(fallback or "close to the history as a whole")
        because = "because " + "; ".join(said)
        if interest_label:
            because += f"; serves the interest “{interest_label}”"
        if collab is not None:
            if not known:
                because += f"; nobody has watched it yet: {collab:.0%} of the score borrowed from similar videos"
            else:
                because += f"; {collab:.0%} of the score from viewers with similar histories"
        year = row["year"]
        recs.append(
            Recommendation(
                index=int(index),
                id=str(row["id"]),
                title=str(row["title"]),
                year=None if pd.isna(year) else int(year),
                genres=pick_genres,
                overview=str(row["overview"]),
                score=float(score),
                because=because,
                because_line=line,
                because_similarity=similarity,
                interest=interest_label,
                collaborative_share=collab,
                search=None if search_index is None else intents[search_index].label,
                match=match,
            )
        )
    return recs
