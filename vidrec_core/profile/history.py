"""Parse a typed viewing history (one event per line) into events; titles are matched by `matching.TitleMatcher`.

Syntax, one event per line:
    Alien                     a title -> watched (fuzzy: "Intersteller" finds Interstellar)
    Alien (1979)              a title with its year, to pick between remakes
    watched: Alien            explicit kind; like:, dislike:, search:, comment:, interest: work the same way
    I love heist movies       anything that matches no title -> a free-text interest
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, replace
from datetime import date
from enum import StrEnum

import pandas as pd

from vidrec_core.data.schema import Catalog
from vidrec_core.profile.matching import TitleMatcher

MAX_LINE_CHARS = 2000
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
    suggestions: tuple[str, ...] = ()  # closest catalog titles (with year) for a title line that matched none

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

    @property
    def reference(self) -> str:
        """The event as the object of a reason: "Toy Story (1995)", "your search “heist movies”"."""
        if self.matched_title:
            return self.matched_title
        noun = {EventKind.SEARCHED: "your search", EventKind.COMMENTED: "your comment"}.get(self.kind, "your interest")
        return f"{noun} “{shorten(self.text, 60)}”"


def shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def clean_line(line: str) -> str:
    """Drop control and bidi-override characters and collapse whitespace; keep every script."""
    line = unicodedata.normalize("NFC", line)
    return " ".join(_CONTROL.sub(" ", line).split())


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
    suggestions: tuple[str, ...] = ()
    if matcher is not None and (kind is not None or looks_like_a_title(body)):
        # Say so when a line that names a video finds none here (e.g. after switching catalogs), with the closest.
        note = (note + "; " if note else "") + NO_TITLE_NOTE
        suggestions = tuple(dict.fromkeys(_title_with_year(matcher.catalog, i) for i in matcher.suggest(body)))
    if kind == EventKind.WATCHED:
        return Event(EventKind.INTEREST, body, line_no, note=note, suggestions=suggestions)
    return Event(kind or EventKind.INTEREST, body, line_no, note=note, suggestions=suggestions)


NO_TITLE_NOTE = "no catalog title matched; read as an interest"


def title_unmatched(event: Event) -> bool:
    """A line written as a title that names no video of this catalog (read as an interest instead)."""
    return NO_TITLE_NOTE in event.note


def with_title(line: str, title: str) -> str:
    """The typed line with its title replaced, its prefix and fields kept: `like: Heat | 2` -> `like: Heat (1995)
    | 2`. How a one-click suggestion fixes a line."""
    body, *fields = line.split(" | ")
    prefix = _PREFIX.match(body.strip())
    head = f"{prefix.group(1)}: " if prefix else ("watched: " if _PREFIX.match(title) else "")
    return " | ".join([head + " ".join(title.split()).replace(" | ", " / "), *fields])


def replace_title_on_line(text: str, line_no: int, title: str) -> str:
    """The history with line `line_no` (1-based, as events count) naming `title`; unchanged when there is no such
    line."""
    lines = text.splitlines()
    if not 1 <= line_no <= len(lines) or not lines[line_no - 1].strip():
        return text
    lines[line_no - 1] = with_title(lines[line_no - 1].strip(), title)
    return "\n".join(lines)


def looks_like_a_title(text: str) -> bool:
    """Short and not a sentence: "Interstellar" is meant as a title, "I love heist movies." is not."""
    words = text.split()
    return 0 < len(words) <= 6 and not text.rstrip().endswith((".", "!", "?", "。", "！", "？")) and words[0] != "I"


def _title_with_year(catalog: Catalog, index: int) -> str:
    title = catalog.titles[index]
    year = catalog.frame["year"].iloc[index]
    return title if pd.isna(year) else f"{title} ({year})"
