"""Parse a typed viewing history (one event per line) and match titles to the catalog, tolerating typos.

Syntax, one event per line:
    Alien                     a title -> watched (fuzzy: "Intersteller" finds Interstellar)
    Alien (1979)              a title with its year, to pick between remakes
    watched: Alien            explicit kind; like:, dislike:, search:, comment:, interest: work the same way
    I love heist movies       anything that matches no title -> a free-text interest
"""

from __future__ import annotations

import functools
import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

import numpy as np
import pandas as pd
from rapidfuzz import fuzz, process

from vidrec_core.catalog import Catalog

MAX_LINE_CHARS = 2000
PARALLEL_FUZZY_FROM = 200_000  # titles; below this one thread is faster than starting several
MAX_EVENTS = 2000
EMPTY_HISTORY_MESSAGE = (
    "The history is empty. Type one event per line: a title you watched, "
    "'search: heist movies', 'like: Alien', or a sentence about what you enjoy."
)


class EventKind(StrEnum):
    WATCHED = "watched"
    LIKED = "liked"
    DISLIKED = "disliked"
    SEARCHED = "searched"
    COMMENTED = "commented"
    INTEREST = "interest"


PREFIXES: dict[str, EventKind] = {
    "watched": EventKind.WATCHED,
    "watch": EventKind.WATCHED,
    "saw": EventKind.WATCHED,
    "like": EventKind.LIKED,
    "liked": EventKind.LIKED,
    "love": EventKind.LIKED,
    "dislike": EventKind.DISLIKED,
    "disliked": EventKind.DISLIKED,
    "not interested": EventKind.DISLIKED,
    "search": EventKind.SEARCHED,
    "searched": EventKind.SEARCHED,
    "comment": EventKind.COMMENTED,
    "commented": EventKind.COMMENTED,
    "interest": EventKind.INTEREST,
    "interests": EventKind.INTEREST,
}
_PREFIX = re.compile(
    r"^\s*(" + "|".join(sorted(map(re.escape, PREFIXES), key=len, reverse=True)) + r")\s*[:：]\s*(.*)$",
    re.IGNORECASE | re.DOTALL,
)
_YEAR_SUFFIX = re.compile(r"^(.*\S)\s*[\(\[]\s*((?:18|19|20|21)\d\d)\s*[\)\]]\s*$")
_ARTICLE_SUFFIX = re.compile(r"^(.*),\s*(the|a|an|le|la|les|l'|el|il|der|die|das)$", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u202a-\u202e\u2066-\u2069]")


@dataclass(frozen=True)
class Event:
    """One understood history line."""

    kind: EventKind
    text: str
    line_no: int
    matched_id: str | None = None
    matched_title: str | None = None
    match_score: float | None = None
    weight: float = 1.0
    when: str | None = None  # ISO date, when given; orders the history for recency
    note: str = ""
    lines_before_not_used: int = 0  # on the first kept event of a history longer than MAX_EVENTS

    @property
    def is_video(self) -> bool:
        return self.matched_id is not None

    @property
    def label(self) -> str:
        """How the event reads in an explanation."""
        if self.matched_title:
            verb = {
                EventKind.LIKED: "liked",
                EventKind.DISLIKED: "disliked",
            }.get(self.kind, "watched")
            return f"you {verb} {self.matched_title}"
        verb = {
            EventKind.SEARCHED: "you searched",
            EventKind.COMMENTED: "you commented",
            EventKind.DISLIKED: "you dislike",
        }.get(self.kind, "your interest")
        return f"{verb} “{shorten(self.text, 60)}”"


def shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def clean_line(line: str) -> str:
    """Drop control and bidi-override characters and collapse whitespace; keep every script."""
    line = unicodedata.normalize("NFC", line)
    return " ".join(_CONTROL.sub(" ", line).split())


def normalise_title(title: str) -> str:
    """Lower-case, accents and punctuation folded, "Matrix, The" read as "the matrix"."""
    text = unicodedata.normalize("NFKD", title)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower().strip()
    match = _ARTICLE_SUFFIX.match(text)
    if match:
        text = f"{match.group(2)} {match.group(1)}"
    text = text.replace("&", " and ")
    text = re.sub(r"[^\w\s]", " ", text)
    return " ".join(text.split())


class TitleMatcher:
    """Finds the catalog video a typed title means: exact first, then fuzzy with a strict cut-off."""

    def __init__(self, catalog: Catalog, cutoff: float = 86.0):
        self.catalog = catalog
        self.cutoff = cutoff
        self._norm = [normalise_title(t) for t in catalog.titles]
        self._years = catalog.frame["year"].tolist()
        popularity = catalog.frame["popularity"].fillna(0.0).to_numpy()
        self._popularity = popularity
        self._remembered = functools.lru_cache(maxsize=16_384)(self._match)
        self._exact: dict[str, list[int]] = {}
        for i, norm in enumerate(self._norm):
            if norm:
                self._exact.setdefault(norm, []).append(i)

    def _best_of(self, candidates: list[int], year: int | None) -> int:
        if year is not None:
            same_year = [i for i in candidates if self._years[i] == year]
            if same_year:
                candidates = same_year
        return max(candidates, key=lambda i: self._popularity[i])

    def match(self, text: str, cutoff: float | None = None) -> tuple[int, float] | None:
        """Index of the matched video and a 0-100 score, or None. Remembered: an edit re-matches only new lines."""
        return self._remembered(text, cutoff)

    def _match(self, text: str, cutoff: float | None) -> tuple[int, float] | None:
        year = None
        year_match = _YEAR_SUFFIX.match(text)
        if year_match:
            text, year = year_match.group(1), int(year_match.group(2))
        norm = normalise_title(text)
        if not norm or len(norm) > 200:
            return None
        exact = self._exact.get(norm)
        if exact:
            return self._best_of(exact, year), 100.0
        cutoff = self.cutoff if cutoff is None else cutoff
        # Short strings make fuzzy matches unreliable ("Up" vs "Us"): demand exactness there.
        if len(norm) < 4:
            return None
        if len(self._norm) > PARALLEL_FUZZY_FROM:  # huge catalogs: score every title on all cores
            scores = process.cdist([norm], self._norm, scorer=fuzz.ratio, score_cutoff=cutoff, workers=-1)[0]
            best = float(scores.max())
            if best < cutoff:
                return None
            return self._best_of(np.flatnonzero(scores >= best - 1e-3).tolist(), year), round(best, 4)
        found = process.extract(norm, self._norm, scorer=fuzz.ratio, score_cutoff=cutoff, limit=5)
        if not found:
            return None
        best_score = found[0][1]
        candidates = [index for _, score, index in found if score >= best_score - 1e-9]
        return self._best_of(candidates, year), round(float(best_score), 4)


def parse_history(text: str, matcher: TitleMatcher | None) -> list[Event]:
    """Understand each non-empty line; never raises on odd input.

    Lines run oldest to newest, so a history longer than MAX_EVENTS keeps its last MAX_EVENTS events (the recent
    ones) and the first kept event counts the event lines left out. A prefix with nothing after it ("like:", as
    while typing) is skipped like a blank line, not read as an interest in the word "like".
    """
    kept: list[tuple[int, str]] = []
    left_out = 0
    lines = text.splitlines()
    for line_no in range(len(lines), 0, -1):
        raw = lines[line_no - 1]
        if len(kept) >= MAX_EVENTS:
            stripped = raw.strip()
            left_out += bool(stripped) and not stripped.startswith("#")
            continue
        line = clean_line(raw[: MAX_LINE_CHARS * 2])
        if not line or line.startswith("#") or _is_bare_prefix(line):
            continue
        kept.append((line_no, line))
    events = []
    for line_no, line in reversed(kept):
        note = ""
        if len(line) > MAX_LINE_CHARS:
            line = line[:MAX_LINE_CHARS]
            note = f"line shortened to {MAX_LINE_CHARS} characters"
        events.append(parse_line(line, line_no, matcher, note))
    if left_out:
        first = events[0]
        note = f"the {left_out:,} event line(s) before this one were not used (the last {MAX_EVENTS:,} are kept)"
        events[0] = replace(first, note="; ".join(filter(None, [note, first.note])), lines_before_not_used=left_out)
    return events


def history_notices(events: list[Event]) -> list[str]:
    """What a viewer should be told about the history as a whole (per-line notes live on the events)."""
    if events and events[0].lines_before_not_used:
        left_out = events[0].lines_before_not_used
        return [
            f"This history has {left_out + len(events):,} events; only the last {len(events):,} were used. "
            "Older lines above them are left out."
        ]
    return []


def _is_bare_prefix(line: str) -> bool:
    prefix = _PREFIX.match(line)
    return prefix is not None and not prefix.group(2).strip()


LINE_PREFIX = {
    EventKind.WATCHED: "",
    EventKind.LIKED: "like: ",
    EventKind.DISLIKED: "dislike: ",
    EventKind.SEARCHED: "search: ",
    EventKind.COMMENTED: "comment: ",
    EventKind.INTEREST: "interest: ",
}
MAX_WEIGHT = 10.0


def split_fields(line: str) -> tuple[str, float, str | None, list[str]]:
    """`Alien | 2 | 2024-05-01` -> body, weight, date. Fields after ' | ' are a weight or an ISO date."""
    parts = line.split(" | ")
    body, weight, when, problems = parts[0].strip(), 1.0, None, []
    for field in (p.strip() for p in parts[1:]):
        if not field:
            continue
        try:
            weight = float(field)
            if not 0 <= weight <= MAX_WEIGHT or weight != weight:
                problems.append(f"weight {field} outside 0–{MAX_WEIGHT:g}; used 1")
                weight = 1.0
            continue
        except ValueError:
            pass
        try:
            when = date.fromisoformat(field).isoformat()
        except ValueError:
            problems.append(f"ignored “{shorten(field, 20)}” (not a weight or a YYYY-MM-DD date)")
    return body, weight, when, problems


def format_line(kind: EventKind, text: str, weight: float = 1.0, when: str | None = None) -> str:
    """The inverse of parsing: one event as a typed line."""
    text = " ".join(str(text).split()).replace(" | ", " / ")
    prefix = LINE_PREFIX[kind]
    if not prefix and _PREFIX.match(text):  # a title such as "Search: ..." must not read as a search
        prefix = "watched: "
    line = prefix + text
    if weight != 1.0:
        line += f" | {weight:g}"
    if when:
        line += f" | {when}"
    return line


def parse_line(line: str, line_no: int, matcher: TitleMatcher | None, note: str = "") -> Event:
    line, weight, when, problems = split_fields(line)
    if problems:
        note = "; ".join([note, *problems]) if note else "; ".join(problems)
    event = _parse_body(line, line_no, matcher, note)
    return replace(event, weight=weight, when=when) if (weight != 1.0 or when) else event


def _parse_body(line: str, line_no: int, matcher: TitleMatcher | None, note: str) -> Event:
    prefix = _PREFIX.match(line)
    kind: EventKind | None = None
    body = line
    if prefix:
        kind = PREFIXES[prefix.group(1).lower()]
        body = prefix.group(2).strip()
        if not body:  # "like: | 2": only fields after the prefix
            return Event(EventKind.INTEREST, line, line_no, note="empty after the prefix; read as text")
    if kind in (EventKind.SEARCHED, EventKind.COMMENTED, EventKind.INTEREST):
        return Event(kind, body, line_no, note=note)
    found = None
    if matcher is not None:
        # An explicit "watched:" may be looser; a bare line must look very much like a title.
        found = matcher.match(body, cutoff=75.0 if kind == EventKind.WATCHED else None)
    if found is not None:
        index, score = found
        catalog = matcher.catalog
        return Event(
            kind or EventKind.WATCHED,
            body,
            line_no,
            matched_id=catalog.ids[index],
            matched_title=_title_with_year(catalog, index),
            match_score=round(score, 1),
            note=note,
        )
    if matcher is not None and (kind is not None or looks_like_a_title(body)):
        # Say so when a line that names a video finds none here (e.g. after switching catalogs).
        note = (note + "; " if note else "") + "no catalog title matched; read as an interest"
    if kind == EventKind.WATCHED:
        return Event(EventKind.INTEREST, body, line_no, note=note)
    return Event(kind or EventKind.INTEREST, body, line_no, note=note)


def looks_like_a_title(text: str) -> bool:
    """Short and not a sentence: "Interstellar" is meant as a title, "I love heist movies." is not."""
    words = text.split()
    return 0 < len(words) <= 6 and not text.rstrip().endswith((".", "!", "?", "。", "！", "？")) and words[0] != "I"


def _title_with_year(catalog: Catalog, index: int) -> str:
    title = catalog.titles[index]
    year = catalog.frame["year"].iloc[index]
    return title if pd.isna(year) else f"{title} ({year})"
