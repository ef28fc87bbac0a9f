"""Load a video catalog from a file, recognise its columns and build the text a language model reads.

Every catalog, whatever its source, becomes one canonical table (see `CANONICAL_COLUMNS`) so the rest of the
engine never guesses column names again.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from vidrec_core.errors import CatalogError

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
}
LIST_COLUMNS = ("genres", "keywords", "cast")
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
)
SUPPORTED_SUFFIXES = (".csv", ".tsv", ".txt", ".json", ".jsonl", ".ndjson", ".parquet", ".pq")
_LIST_SPLIT = re.compile(r"\s*[|;,/、，；]\s*")


def read_table(path: str | Path) -> pd.DataFrame:
    """Read a catalog-like file by its suffix; every failure becomes a `CatalogError` that says what to do."""
    path = Path(path)
    if not path.exists():
        raise CatalogError(f"Catalog file not found: {path}")
    if path.is_dir():
        raise CatalogError(f"{path} is a folder; give the path of a catalog file.")
    suffix = path.suffix.lower()
    if suffix not in SUPPORTED_SUFFIXES:
        raise CatalogError(
            f"Unsupported catalog format '{suffix or path.name}'. Use one of: " + ", ".join(SUPPORTED_SUFFIXES)
        )
    try:
        if suffix in (".parquet", ".pq"):
            return pd.read_parquet(path)
        if suffix in (".jsonl", ".ndjson"):
            return pd.read_json(path, lines=True, dtype=False)
        if suffix == ".json":
            return _read_json(path)
        sep = "\t" if suffix == ".tsv" else _sniff_delimiter(path)
        return pd.read_csv(path, sep=sep, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    except CatalogError:
        raise
    except UnicodeDecodeError as exc:
        raise CatalogError(
            f"Could not read {path.name} as UTF-8 text ({exc.reason} at byte {exc.start}). "
            "Save the file as UTF-8 and try again."
        ) from exc
    except pd.errors.EmptyDataError as exc:
        raise CatalogError(f"{path.name} is empty: it has no header and no rows.") from exc
    except Exception as exc:
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise CatalogError(f"Could not read {path.name} as {suffix[1:]}: {first_line}") from exc


def _sniff_delimiter(path: Path) -> str:
    """Comma unless the header line clearly uses ; tab or | (spreadsheet exports vary by locale)."""
    with open(path, "rb") as handle:
        head = handle.read(64_000).decode("utf-8", errors="ignore")
    first_line = head.lstrip("\ufeff").split("\n", 1)[0]
    counts = {sep: first_line.count(sep) for sep in (",", ";", "\t", "|")}
    best = max(counts, key=counts.get)
    return best if counts[best] > 0 else ","


def _read_json(path: Path) -> pd.DataFrame:
    data = json.loads(path.read_text(encoding="utf-8-sig"))
    if isinstance(data, dict):
        # Either {"videos": [...]} or a column-oriented dict.
        lists = [v for v in data.values() if isinstance(v, list) and v and isinstance(v[0], dict)]
        data = lists[0] if lists else data
    if isinstance(data, list) and not all(isinstance(row, dict) for row in data):
        raise CatalogError(f"{path.name} must hold a list of objects, one per video.")
    return pd.DataFrame(data)


def guess_column_roles(columns: Iterable[str]) -> dict[str, str]:
    """Map each canonical role to the first source column whose name is one of its synonyms."""
    by_lower = {}
    for column in columns:
        by_lower.setdefault(str(column).strip().lower(), column)
    roles: dict[str, str] = {}
    used: set[str] = set()
    for role, names in COLUMN_SYNONYMS.items():
        for name in names:
            source = by_lower.get(name)
            if source is not None and source not in used:
                roles[role] = source
                used.add(source)
                break
    return roles


def parse_list(value: Any) -> list[str]:
    """Genres and tags arrive as lists, JSON lists (of strings or {"name": ...}) or delimited strings."""
    if value is None:
        return []
    if isinstance(value, np.ndarray):
        value = value.tolist()
    if isinstance(value, (list, tuple)):
        items = value
    else:
        if isinstance(value, float) and np.isnan(value):
            return []
        text = str(value).strip()
        if not text:
            return []
        items = None
        if text[0] in "[{":
            try:
                items = json.loads(text)
            except json.JSONDecodeError:
                items = None
            if isinstance(items, dict):
                items = [items]
        if items is None:
            items = _LIST_SPLIT.split(text)
    names = []
    for item in items:
        name = item.get("name", "") if isinstance(item, Mapping) else item
        name = str(name).strip() if name is not None else ""
        if name and name not in names:
            names.append(name)
    return names


def _parse_year(series: pd.Series) -> pd.Series:
    numeric = pd.to_numeric(series, errors="coerce")
    years = numeric.where((numeric >= 1800) & (numeric <= 2200))
    dates = pd.to_datetime(series.where(years.isna()), errors="coerce", format="mixed")
    return years.fillna(dates.dt.year).round().astype("Int64")


def _clean_text(series: pd.Series) -> pd.Series:
    return series.map(lambda v: "" if v is None or (isinstance(v, float) and np.isnan(v)) else str(v))


def normalise_catalog(
    raw: pd.DataFrame, roles: Mapping[str, str] | None = None, *, source: str = "catalog"
) -> pd.DataFrame:
    """Turn any table into the canonical catalog table, or refuse with a message naming what was found."""
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


def build_text(row: Mapping[str, Any]) -> str:
    """The text the language model reads for one video: what it is about, most telling parts first."""
    parts = [str(row.get("title") or "").strip()]
    for key in ("tagline", "overview"):
        value = str(row.get(key) or "").strip()
        if value:
            parts.append(value)
    genres = row.get("genres") or []
    if len(genres):
        parts.append("Genres: " + ", ".join(genres))
    keywords = row.get("keywords") or []
    if len(keywords):
        parts.append("Keywords: " + ", ".join(keywords))
    text = ". ".join(p.rstrip(".") for p in parts if p)
    return text


@dataclass(frozen=True)
class Catalog:
    """A validated catalog: the canonical table plus the texts that get embedded."""

    frame: pd.DataFrame
    name: str = "catalog"
    source: str = ""
    notes: tuple[str, ...] = field(default=())

    def __len__(self) -> int:
        return len(self.frame)

    @cached_property
    def texts(self) -> list[str]:
        return [build_text(row) for row in self.frame.to_dict("records")]

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
    def languages(self) -> list[str]:
        return sorted({lang for lang in self.frame["language"] if lang})

    def record(self, index: int) -> dict[str, Any]:
        return self.frame.iloc[index].to_dict()


def load_catalog(path: str | Path, roles: Mapping[str, str] | None = None, name: str | None = None) -> Catalog:
    """Read, recognise and validate a catalog file."""
    path = Path(path)
    raw = read_table(path)
    frame = normalise_catalog(raw, roles, source=path.name)
    notes = []
    dropped = len(raw) - len(frame)
    if dropped:
        notes.append(f"{dropped} rows dropped (empty title or duplicate id).")
    if not (frame["overview"].str.len() > 0).any():
        notes.append("No descriptions found: only titles are embedded, so results will be rougher.")
    return Catalog(frame=frame, name=name or path.stem, source=str(path), notes=tuple(notes))


def catalog_from_records(records: list[dict[str, Any]], name: str = "catalog") -> Catalog:
    """Build a catalog from in-memory rows (tests, notebooks)."""
    frame = normalise_catalog(pd.DataFrame(records), source=name)
    return Catalog(frame=frame, name=name, source="memory")
