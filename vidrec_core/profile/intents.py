"""Typed lines read on their own terms, and searches as intents the list answers.

A search is not one more point to average: a person who types `search: a heist with a clever twist` expects heists.
Each search line, when the catalog has what it asks for, gets seats in the list (`rank.select` fills them), the
newest the most, and the picks that fill them say so. Any strategy composes with this: `search_intents` reads only
the history and the context.

A typed line (search, comment, stated taste) is scored by closeness in meaning, by the people it names ("anything
with Tom Hardy") and by the genres it is about (`GenreSpace.read`), so a catalog's genre field counts for a sentence
even where a long description drowns the genre names in the text the encoder reads.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from vidrec_core.core.metrics import genre_distribution
from vidrec_core.core.vectors import top_k, zscore
from vidrec_core.profile.history import EventKind, shorten
from vidrec_core.profile.strategies import EmbeddedHistory, StrategyContext, kernel_scores

LINE_GENRE_WEIGHT = 1.0  # a typed line's genre fit, in spreads, beside its closeness in meaning (one spread)
CLEAR_READING = 0.5  # a search is about a genre when clearly about genres and that one has half its reading


def typed_rows(history: EmbeddedHistory) -> list[int]:
    """Rows of the positive typed lines (searches, comments, stated tastes), oldest first."""
    return [int(r) for r in np.flatnonzero(history.positive) if history.events[r].matched_id is None]


def typed_share(history: EmbeddedHistory) -> float:
    """The share of the positive events' weight carried by typed lines (searches, comments, stated tastes)."""
    rows = np.flatnonzero(history.positive)
    weights = np.abs(history.weights[rows])
    typed = np.array([history.events[r].matched_id is None for r in rows], dtype=bool)
    return float(weights[typed].sum() / weights.sum()) if len(rows) and weights.sum() > 0 else 0.0


def line_genres(history: EmbeddedHistory, rows: list[int], ctx: StrategyContext) -> tuple[np.ndarray, float] | None:
    """The genre distribution the typed lines `rows` are about (weighted like the events) and how clearly they are
    about genres at all (0..1, `GenreSpace.read`); None without genres or when no line is about one."""
    if ctx.genres is None or not rows:
        return None
    weights = np.abs(history.weights[rows]).astype(np.float64)
    read = weights @ ctx.genres.read(history.vectors[rows])
    clarity = float(read.sum() / weights.sum()) if weights.sum() > 0 else 0.0
    return (genre_distribution(read), clarity) if clarity > 0 else None


def typed_scores(history: EmbeddedHistory, ctx: StrategyContext, rows: list[int] | None = None) -> np.ndarray:
    """Typed lines (all of them, or `rows`) scored as z-scores: closeness in meaning, the genres they are about,
    and shared people when a line names someone."""
    rows = typed_rows(history) if rows is None else rows
    if not rows:
        return np.zeros(len(ctx.items), dtype=np.float32)
    scores = zscore(kernel_scores(history.vectors[rows], history.weights[rows], ctx.items))
    genres = line_genres(history, rows, ctx)
    if genres is not None:
        distribution, clarity = genres
        scores = scores + LINE_GENRE_WEIGHT * clarity * zscore(ctx.genres.fit(distribution).astype(np.float32))
    if ctx.fusion is not None:
        lexical = ctx.fusion.features.lexical
        names = lexical.names_in_text(" ".join(history.events[r].text for r in rows))
        people = lexical.people.get("people")
        if names and people is not None:
            scores = scores + zscore(people.scores(people.query_from_tokens(names))[0])
    return scores.astype(np.float32)


@dataclass(frozen=True)
class Intent:
    """One search the list answers: its scores over the catalog, the videos that really match it (close in meaning
    or in the genre it is about), and how many seats of the list it asks for."""

    row: int  # the search's event row in the history
    label: str
    scores: np.ndarray
    matches: np.ndarray  # bool (n_items,)
    seats: int
    genre: str | None = None  # the genre the search is clearly about, when it is


def search_seats(n_searches: int, k: int, share: float) -> list[int]:
    """Seats per search, newest first: the newest `share` of the list (at least one), each older one half the one
    after it, all of them together at most half the list."""
    if share <= 0 or n_searches == 0:
        return [0] * n_searches
    seats, budget, want = [], k // 2, max(1.0, share * k)
    for _ in range(n_searches):
        take = min(budget, max(1, round(want))) if budget > 0 and want >= 0.5 else 0
        seats.append(take)
        budget -= take
        want /= 2
    return seats


def search_intents(history: EmbeddedHistory, ctx: StrategyContext, k: int, share: float) -> list[Intent]:
    """The history's searches, newest first, each with its seats (see `search_seats`); a search the catalog has
    nothing for (no video close in meaning or in its genre) asks for no seat."""
    rows = [r for r in typed_rows(history) if history.events[r].kind == EventKind.SEARCHED]
    intents = []
    for row, seats in zip(reversed(rows), search_seats(len(rows), k, share), strict=True):
        if seats == 0:
            continue
        similarity = ctx.items @ history.vectors[row]
        matches = similarity >= ctx.meaning_floor
        genre = None
        reading = line_genres(history, [row], ctx)
        if reading is not None and reading[1] >= CLEAR_READING and reading[0].max() >= CLEAR_READING:
            column = int(reading[0].argmax())
            genre = ctx.genres.names[column]
            matches |= np.asarray(ctx.genres.presence[:, column].todense()).ravel() > 0
        if matches.any():
            label = shorten(history.events[row].text, 60)
            intents.append(Intent(row, label, typed_scores(history, ctx, [row]), matches, seats, genre))
    return intents


RETRIEVED = 20  # a typed line's genre mix is that of the videos closest to it in meaning (past the chance level)


def retrieved_genres(vector: np.ndarray, ctx: StrategyContext) -> np.ndarray:
    """The genre mix of the `RETRIEVED` videos closest to a typed line: what the line asks for, read from the videos
    it brings back rather than guessed from genre names. "I love films about astronauts and space exploration" is
    closest to the Documentary direction (space documentaries), but what it retrieves is Apollo 13, The Martian and
    In the Shadow of the Moon: a list calibrated to the guess filled up with Freakonomics."""
    assert ctx.genres is not None
    similarity = ctx.items @ vector
    closest = top_k(similarity, np.arange(len(ctx.items)), RETRIEVED)
    closest = closest[similarity[closest] >= ctx.meaning_floor]  # only what is really close says what it asks for
    if not len(closest):
        return np.zeros(ctx.genres.size)
    return np.asarray(ctx.genres.shares[closest].mean(axis=0)).ravel()


def history_genres(
    history: EmbeddedHistory, ctx: StrategyContext, answered: Sequence[Intent] = ()
) -> np.ndarray | None:
    """The genre distribution a list is calibrated to: the positive events' genres weighted like the events (a
    liked video 1.5, a watched one 1), typed lines counting with the genres of what they retrieve
    (`retrieved_genres`), except the searches `answered` by seats of their own. None when the catalog has no
    genres or the history touches none."""
    if ctx.genres is None or not ctx.genres.size:
        return None
    index_of = ctx.index_of or {}
    seated = {intent.row for intent in answered}
    rows = np.array([r for r in np.flatnonzero(history.positive) if r not in seated], dtype=np.int64)
    weights = np.abs(history.weights[rows]).astype(np.float64)
    mix = np.zeros(ctx.genres.size)
    videos = [
        (n, index_of[history.events[r].matched_id])
        for n, r in enumerate(rows)
        if history.events[r].matched_id in index_of
    ]
    if videos:
        positions, catalog_rows = zip(*videos, strict=True)
        mix += np.asarray(ctx.genres.shares[list(catalog_rows)].T @ weights[list(positions)]).ravel()
    for n, r in enumerate(rows):
        if history.events[r].matched_id is None:
            mix += weights[n] * retrieved_genres(history.vectors[r], ctx)
    total = float(mix.sum())
    return mix / total if total > 0 else None
