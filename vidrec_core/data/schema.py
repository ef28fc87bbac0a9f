"""The catalog schema: the canonical table every catalog becomes, and the text a language model reads per video.

Every catalog, whatever its source, becomes one canonical table (see `CANONICAL_COLUMNS`) so the rest of the
engine never guesses column names again. This module reads no file (that is `readers` and `load`): it is the leaf
the rest of `vidrec_core.data` builds on.
"""

from __future__ import annotations

import ast
import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from vidrec_core.core.errors import CatalogError
from vidrec_core.data.columns import guess_roles
from vidrec_core.data.titles import normalise_title

# Column role -> accepted source names (lower-case). The first match in the file wins.
COLUMN_SYNONYMS: dict[str, tuple[str, ...]] = {
    "id": ("id", "video_id", "item_id", "movie_id", "vid", "编号"),
    "title": ("title", "name", "video_title", "movie_title", "标题", "名称", "片名"),
    "overview": (
        "overview",
        "description",
        "plot",
        "summary",
        "synopsis",
        "desc",
        "简介",
        "描述",
        "剧情",
    ),
    "genres": ("genres", "genre", "category", "categories", "类型", "分类"),
    "keywords": ("keywords", "tags", "tag", "keyword", "标签", "关键词"),
    "tagline": ("tagline", "slogan"),
    "year": ("year", "release_date", "release_year", "date", "published", "年份", "上映日期"),
    "runtime": ("runtime", "duration", "length", "minutes", "时长"),
    "language": ("language", "lang", "original_language", "语言"),
    "popularity": ("popularity", "views", "view_count", "plays", "热度"),
    "vote_average": ("vote_average", "rating", "score", "评分"),
    "director": ("director", "directors", "导演"),
    "cast": ("cast", "actors", "stars", "主演"),
    # Who made a video where there is no director: a channel, creator, uploader or author (a list of names).
    "creator": (
        "creator",
        "creators",
        "channel",
        "channel_name",
        "channel_title",
        "uploader",
        "author",
        "authors",
        "作者",
        "频道",
        "up主",
    ),
}
LIST_COLUMNS = ("genres", "keywords", "cast", "creator")
TEXT_COLUMNS = ("title", "tagline", "overview", "language", "director")
CANONICAL_COLUMNS = (
    "id",
    "title",
    "year",
    "genres",
    "keywords",
    "tagline",
    "overview",
    "runtime",
    "language",
    "popularity",
    "vote_average",
    "director",
    "cast",
    "creator",
)
# Fields that can go into the embedded text, and the default order (the one `build_text` always used).
TEXT_FIELDS = ("title", "tagline", "overview", "genres", "keywords", "director", "cast", "creator")
DEFAULT_TEXT_FIELDS = ("title", "tagline", "overview", "genres", "keywords")
EXTRA_PREFIX = "extra:"  # other source columns kept as text, e.g. "extra:channel"
_FIELD_LABELS = {"genres": "Genres", "keywords": "Keywords", "director": "Director", "cast": "Cast", "creator": "By"}
_CJK_CHAR = re.compile(r"[\u1100-\u11ff\u2e80-\u9fff\ua960-\ua97f\uac00-\ud7ff\uf900-\ufaff\uff00-\uffef]")
_LIST_SPLIT = re.compile(r"\s*[|;,/、，；]\s*")


def guess_column_roles(columns: Iterable[str]) -> dict[str, str]:
    """Map each canonical role to the first source column whose name (any case) is one of its synonyms."""
    return guess_roles(columns, COLUMN_SYNONYMS)


def parse_list(value: Any) -> list[str]:
    """Genres and tags as a list of clean names, whatever shape the cell has: a list, a JSON or Python-style list
    (of strings or {"name": ...}), items each in single or double quotes (`"Romance Film",  "Drama"`, a common
    export shape), or a delimited string (`Drama|Comedy`). Items are unquoted, trimmed and kept once, in order."""
    if value is None:
        return []
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, (list, tuple)):
        items = list(value)
    else:
        if isinstance(value, float) and np.isnan(value):
            return []
        text = str(value).strip()
        if not text:
            return []
        items = _bracketed_list(text) if text[0] in "[{" else None
        if items is None:
            items = _quoted_items(text)
        if items is None:
            items = _LIST_SPLIT.split(text)
    names = []
    for item in items:
        name = item.get("name", "") if isinstance(item, Mapping) else item
        name = _unquote(str(name)) if name is not None else ""
        if name and name not in names:
            names.append(name)
    return names


_QUOTES = {'"': '"', "'": "'", "“": "”", "‘": "’", "「": "」", "『": "』"}  # opening -> closing
_SEPARATORS = "|;,/、，；"
_LITERAL_LIMIT = 100_000  # longer bracketed cells are split, never evaluated


def _unquote(item: str) -> str:
    """'"Drama"' -> 'Drama': matching quotes around the whole item go (twice quoted too), and the spaces inside."""
    item = item.strip()
    while len(item) >= 2 and _QUOTES.get(item[0]) == item[-1]:
        item = item[1:-1].strip()
    return item


def _bracketed_list(text: str) -> list[Any] | None:
    """`["a", "b"]`, `['a', 'b']`, `[{'name': 'a'}]`, `{"name": "a"}`: JSON first, then a Python literal (never
    code: `ast.literal_eval`), then the bracket's inside as quoted items; None when it is none of these."""
    for load in (json.loads, ast.literal_eval):
        if load is ast.literal_eval and len(text) > _LITERAL_LIMIT:
            break
        try:
            items = load(text)
        except (ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
            continue
        if isinstance(items, Mapping):
            return [items]
        if isinstance(items, (list, tuple)):
            return list(items)
    if text[0] == "[" and text[-1] == "]":
        inside = text[1:-1].strip()
        return [] if not inside else _quoted_items(inside) or _LIST_SPLIT.split(inside)
    return None


def _quoted_items(text: str) -> list[str] | None:
    """`"Romance Film",  "Drama"` or `'a'; 'b'`: every item wholly in quotes, separated by the usual separators
    (a separator inside the quotes belongs to the item). None when the text is not of that shape."""
    items: list[str] = []
    position, end = 0, len(text)
    while True:
        while position < end and text[position].isspace():
            position += 1
        if position == end and items:
            return items  # a separator at the end
        if position == end or text[position] not in _QUOTES:
            return None
        close = text.find(_QUOTES[text[position]], position + 1)
        if close < 0:
            return None
        items.append(text[position + 1 : close])
        position = close + 1
        while position < end and text[position].isspace():
            position += 1
        if position == end:
            return items
        if text[position] not in _SEPARATORS:
            return None  # an apostrophe inside a quoted item, say: split the plain way instead
        position += 1


def _parse_year(series: pd.Series) -> pd.Series:
    numeric = pd.to_numeric(series, errors="coerce")
    years = numeric.where((numeric >= 1800) & (numeric <= 2200))
    dates = pd.to_datetime(series.where(years.isna()), errors="coerce", format="mixed")
    return years.fillna(dates.dt.year).round().astype("Int64")


def _clean_text(series: pd.Series) -> pd.Series:
    return series.map(lambda v: "" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v))


def normalise_catalog(
    raw: pd.DataFrame,
    roles: Mapping[str, str] | None = None,
    *,
    source: str = "catalog",
    extra_columns: Iterable[str] = (),
) -> pd.DataFrame:
    """Turn any table into the canonical catalog table, or refuse with a message naming what was found.

    `extra_columns` are other source columns kept as plain text (as `extra:<name>`) so they can be embedded.
    """
    if raw is None or raw.shape[1] == 0:
        raise CatalogError(f"{source} has no columns: it looks empty.")
    roles = dict(roles) if roles is not None else guess_column_roles(raw.columns)
    if "title" not in roles:
        found = ", ".join(map(str, list(raw.columns)[:30])) or "none"
        raise CatalogError(
            f"{source} has no title column. Name one of the columns 'title' or 'name'. Columns found: {found}"
        )
    if len(raw) == 0:
        raise CatalogError(f"{source} has a header but no rows.")
    out = pd.DataFrame(index=raw.index)
    for role in CANONICAL_COLUMNS:
        column = roles.get(role)
        values = raw[column] if column is not None else pd.Series([None] * len(raw), index=raw.index)
        if role in LIST_COLUMNS:
            out[role] = values.map(parse_list)
        elif role == "year":
            out[role] = _parse_year(values)
        elif role in ("runtime", "popularity", "vote_average"):
            out[role] = pd.to_numeric(values, errors="coerce").astype("float64")
        elif role == "id":
            out[role] = values
        else:
            out[role] = _clean_text(values).str.strip()
    for column in extra_columns:
        if column not in raw.columns:
            raise CatalogError(f"{source} has no column '{column}' to add to the embedded text.")
        name = column if str(column).startswith(EXTRA_PREFIX) else f"{EXTRA_PREFIX}{column}"
        out[name] = _clean_text(raw[column]).str.strip()
    out = out[out["title"].str.len() > 0]
    if out.empty:
        raise CatalogError(f"{source}: every row has an empty title.")
    if roles.get("id") is None:
        out["id"] = [str(i) for i in range(len(out))]
    else:
        out["id"] = _clean_text(out["id"]).str.strip()
        missing = out["id"] == ""
        out.loc[missing, "id"] = [f"row-{i}" for i in np.flatnonzero(missing.to_numpy())]
        out = out.drop_duplicates("id", keep="first")
    return out.reset_index(drop=True)


def build_text(row: Mapping[str, Any], fields: Iterable[str] | None = None) -> str:
    """The text the language model reads for one video: what it is about, most telling parts first.

    `fields` picks the parts and their order (default `DEFAULT_TEXT_FIELDS`); lists are written as
    "Genres: a, b", other kept columns as "<column>: value". The title always comes first when it is not listed.
    """
    fields = DEFAULT_TEXT_FIELDS if fields is None else tuple(fields)
    if "title" not in fields:
        fields = ("title", *fields)
    parts = []
    for key in fields:
        value = row.get(key)
        if key in LIST_COLUMNS or key in _FIELD_LABELS:
            items = list(value) if isinstance(value, (list, tuple, np.ndarray)) else parse_list(value)
            if items:
                parts.append(f"{_FIELD_LABELS.get(key, key)}: " + ", ".join(map(str, items)))
            continue
        text = "" if value is None or (isinstance(value, float) and np.isnan(value)) else str(value).strip()
        if key == "title":
            parts.append(text)
        elif text and key.startswith(EXTRA_PREFIX):
            parts.append(f"{key[len(EXTRA_PREFIX) :]}: {text}")
        elif text:
            parts.append(text)
    return ". ".join(p.rstrip(".") for p in parts if p)


def estimated_tokens(text: str) -> float:
    """A cheap token estimate: one per CJK character, one per four other characters (English averages ~4)."""
    cjk = len(_CJK_CHAR.findall(text))
    return cjk + (len(text) - cjk) / 4


def truncate_text(text: str, max_tokens: int) -> tuple[str, bool]:
    """Cut a text to about `max_tokens` (see `estimated_tokens`): the model ignores the rest anyway, and a
    bounded text keeps embedding time predictable. Returns the text and whether it was cut."""
    if len(text) <= max_tokens or estimated_tokens(text) <= max_tokens:
        return text, False
    budget = float(max_tokens)
    for position, char in enumerate(text):
        budget -= 1.0 if _CJK_CHAR.match(char) else 0.25
        if budget < 0:
            return text[:position].rstrip(), True
    return text, False


@dataclass(frozen=True)
class Catalog:
    """A validated catalog: the canonical table plus the texts that get embedded."""

    frame: pd.DataFrame
    name: str = "catalog"
    source: str = ""
    notes: tuple[str, ...] = field(default=())
    text_fields: tuple[str, ...] = DEFAULT_TEXT_FIELDS
    max_tokens: int | None = None  # texts longer than this are cut (uploaded catalogs); None keeps them whole

    def __len__(self) -> int:
        return len(self.frame)

    @cached_property
    def _built_texts(self) -> tuple[list[str], int]:
        texts = [build_text(row, self.text_fields) for row in self.frame.to_dict("records")]
        if self.max_tokens is None:
            return texts, 0
        cut = [truncate_text(t, self.max_tokens) for t in texts]
        return [t for t, _ in cut], sum(1 for _, was_cut in cut if was_cut)

    @cached_property
    def texts(self) -> list[str]:
        return self._built_texts[0]

    @cached_property
    def truncated(self) -> int:
        """How many texts were cut to `max_tokens`."""
        return self._built_texts[1]

    @cached_property
    def titles_only(self) -> bool:
        """True when nothing but the title reaches the model (no description, tags, genres or other field)."""
        for key in self.text_fields:
            if key == "title" or key not in self.frame.columns:
                continue
            column = self.frame[key]
            if key in LIST_COLUMNS:
                if column.map(len).any():
                    return False
            elif (column.astype(str).str.len() > 0).any():
                return False
        return True

    @cached_property
    def ids(self) -> list[str]:
        return self.frame["id"].astype(str).tolist()

    @cached_property
    def titles(self) -> list[str]:
        return self.frame["title"].tolist()

    @cached_property
    def index_of(self) -> dict[str, int]:
        return {video_id: i for i, video_id in enumerate(self.ids)}

    @cached_property
    def normalised_titles(self) -> list[str]:
        """Each row's title as the title matcher compares it (`normalise_title`), each distinct title folded once."""
        folded = {title: normalise_title(str(title)) for title in dict.fromkeys(self.titles)}
        return [folded[title] for title in self.titles]

    @cached_property
    def _same_title_groups(self) -> dict[int, np.ndarray]:
        """{row: every row with its normalised title (itself included)}, only for titles held by several rows: an
        uploaded catalog may list one film twice, and most catalogs have few such rows, so the mapping stays small.
        An empty normalised title (a title of punctuation only) groups nothing."""
        keys = pd.Series(self.normalised_titles, dtype=object)
        shared = keys[(keys != "") & keys.duplicated(keep=False)]
        groups: dict[int, np.ndarray] = {}
        for rows in shared.groupby(shared, sort=False).indices.values():
            members = shared.index.to_numpy()[rows].astype(np.int64)
            groups.update(dict.fromkeys(members.tolist(), members))
        return groups

    def duplicates_of(self, rows: Iterable[int]) -> np.ndarray:
        """The other rows that are the same video as one of `rows` (sorted): the same normalised title, and the same
        year where both rows have one (if either lacks a year the title alone decides). Watching or disliking one
        copy of a film means its other copy must not be recommended as something new."""
        rows = [int(r) for r in rows]
        groups = self._same_title_groups
        if not groups or not rows:
            return np.zeros(0, dtype=np.int64)
        years = self.frame["year"].astype("float64").to_numpy()  # a missing year is NaN
        found: set[int] = set()
        for row in rows:
            members = groups.get(row)
            if members is None:
                continue
            mine, theirs = years[row], years[members]
            found.update(members[np.isnan(mine) | np.isnan(theirs) | (theirs == mine)].tolist())
        found.difference_update(rows)
        return np.array(sorted(found), dtype=np.int64)

    @cached_property
    def digest(self) -> str:
        """Identifies the catalog's content: ids and embedded texts, so any edit changes it."""
        h = hashlib.blake2b(digest_size=16)
        for video_id, text in zip(self.ids, self.texts, strict=True):
            h.update(video_id.encode())
            h.update(b"\x1f")
            h.update(text.encode())
            h.update(b"\x1e")
        return h.hexdigest()

    @cached_property
    def has_descriptions(self) -> bool:
        return bool((self.frame["overview"].str.len() > 0).any())

    @cached_property
    def genre_names(self) -> list[str]:
        return sorted({g for genres in self.frame["genres"] for g in genres})

    @cached_property
    def genre_presence(self) -> sp.csr_matrix:
        """(videos, genre_names) float32: 1 where a video has the genre."""
        column = {g: i for i, g in enumerate(self.genre_names)}
        genres = self.frame["genres"]
        rows = np.repeat(np.arange(len(genres)), genres.map(len).to_numpy())
        cols = np.fromiter((column[g] for gs in genres for g in gs), dtype=np.int64, count=len(rows))
        onehot = sp.csr_matrix((np.ones(len(rows), np.float32), (rows, cols)), shape=(len(genres), len(column)))
        onehot.sum_duplicates()
        onehot.data[:] = 1.0
        return onehot

    @cached_property
    def languages(self) -> list[str]:
        return sorted({lang for lang in self.frame["language"] if lang})

    def record(self, index: int) -> dict[str, Any]:
        return self.frame.iloc[index].to_dict()


def catalog_from_records(records: list[dict[str, Any]], name: str = "catalog") -> Catalog:
    """Build a catalog from in-memory rows (tests, notebooks)."""
    frame = normalise_catalog(pd.DataFrame(records), source=name)
    return Catalog(frame=frame, name=name, source="memory")
