"""Interaction logs: who watched what and when, matched to a catalog, every dropped row counted with its reason.

`load_interactions` reads a log (CSV/TSV/Parquet/JSON Lines) of user, time, optional rating and either a catalog id
or a title + year, matches it to a catalog and reports every dropped row, so a poor match rate is visible instead of
silently shrinking the data. The collaborative models that learn from it are in `vidrec_core.learn.collaborative`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from vidrec_core.core.errors import VidrecError
from vidrec_core.data.columns import compact_key, guess_roles
from vidrec_core.data.readers import TableKind, read_table
from vidrec_core.data.schema import Catalog
from vidrec_core.data.titles import normalise_title, title_keys


class InteractionLogError(VidrecError):
    """An interaction log cannot be read or matched to the catalog."""


# Column role -> accepted names, compared lower-cased with "_", "-" and spaces removed ("userId" == "user_id").
INTERACTION_COLUMNS: dict[str, tuple[str, ...]] = {
    "user_id": ("userid", "user", "uid", "viewerid", "accountid"),
    "item_id": ("itemid", "videoid", "movieid", "catalogid", "tmdbid", "id"),
    "title": ("title", "name", "videotitle", "movietitle"),
    "year": ("year", "releaseyear"),
    "rating": ("rating", "score", "stars"),
    "timestamp": ("timestamp", "time", "ts", "datetime", "date", "watchedat", "eventtime"),
}
_TITLE_YEAR = re.compile(r"^(.*\S)\s*\(\s*((?:18|19|20|21)\d\d)\s*\)\s*$")
INTERACTION_SUFFIXES = (".csv", ".tsv", ".parquet", ".pq", ".jsonl", ".ndjson")
LOG_TABLES = TableKind(
    noun="interaction log",
    label="Interaction log",
    what="an interaction log file",
    suffixes=INTERACTION_SUFFIXES,
    formats="CSV, TSV, Parquet or JSON Lines",
    error=InteractionLogError,
)

# Reasons a row is dropped; the report counts each, in this order.
DROP_MISSING_USER = "missing user"
DROP_BAD_TIMESTAMP = "bad timestamp"
DROP_BAD_RATING = "bad rating"
DROP_UNKNOWN_ITEM = "unknown item id"
DROP_MISSING_ITEM = "no item id or title"
DROP_UNKNOWN_TITLE = "title not in catalog"
DROP_AMBIGUOUS_TITLE = "title ambiguous (several catalog rows, no year to choose by)"
MATCHED_YEAR_ONE_OFF = "matched with the year one off"


@dataclass(frozen=True)
class InteractionReport:
    """What happened to each row of the log: the numbers a user needs to trust (or distrust) an evaluation."""

    source: str
    rows_read: int
    matched: int
    dropped: dict[str, int] = field(default_factory=dict)
    users: int = 0
    items: int = 0
    matched_by: str = "item_id"
    year_one_off: int = 0  # matched rows whose year differs from the catalog's by one

    @property
    def match_rate(self) -> float:
        return self.matched / self.rows_read if self.rows_read else 0.0

    def lines(self) -> list[str]:
        out = [
            f"{self.rows_read:,} rows read from {self.source}; {self.matched:,} matched ({self.match_rate:.1%}) "
            f"by {self.matched_by}: {self.users:,} users, {self.items:,} catalog items."
        ]
        if self.year_one_off:
            out.append(f"{MATCHED_YEAR_ONE_OFF}: {self.year_one_off:,} rows (sources often date a film a year apart)")
        out += [f"dropped {count:,}: {reason}" for reason, count in self.dropped.items() if count]
        return out


@dataclass(frozen=True)
class InteractionLog:
    """Matched interactions, sorted by user then time.

    Columns: user_id (str), item_index (int, row in the catalog), item_id (str), timestamp (int64 Unix seconds),
    rating (float64; NaN for every row when the log has no rating column, meaning every interaction counts as liked).
    """

    frame: pd.DataFrame
    report: InteractionReport
    has_ratings: bool


def _as_text(values: pd.Series) -> pd.Series:
    """Each cell as `str` would write it, missing cells as "": vectorised, as a log can hold millions of rows."""
    text = values.astype(str)
    return text.where(values.notna(), "")


def parse_timestamps(values: pd.Series) -> pd.Series:
    """Unix seconds (numbers, or numeric strings) or date strings -> Int64 Unix seconds; unreadable -> <NA>."""
    numeric = pd.to_numeric(values, errors="coerce")
    # Milliseconds since 1970 are common in exports; anything past the year 5000 in seconds is read as ms.
    numeric = numeric.where(numeric.abs() < 1e11, numeric / 1000)
    parsed = pd.to_datetime(values.where(numeric.isna()), errors="coerce", utc=True, format="mixed")
    from_dates = (parsed - pd.Timestamp("1970-01-01", tz="UTC")) // pd.Timedelta(seconds=1)
    return numeric.round().fillna(from_dates).astype("Int64")


class TitleYearIndex:
    """Exact lookup of catalog rows by normalised title and year.

    Exact rather than fuzzy on purpose: an evaluation built on wrong matches measures nothing, so a row that does not
    match exactly is dropped and counted. Without a year the title must name exactly one catalog row.
    """

    def __init__(self, catalog: Catalog):
        self._by_title_year: dict[tuple[str, int], list[int]] = {}
        self._by_title: dict[str, list[int]] = {}
        years = catalog.frame["year"].tolist()
        for index, title in enumerate(catalog.titles):
            key = normalise_title(title)
            if not key:
                continue
            self._by_title.setdefault(key, []).append(index)
            if not pd.isna(years[index]):
                self._by_title_year.setdefault((key, int(years[index])), []).append(index)

    def lookup(self, title: str, year: int | None) -> tuple[int | None, str | None]:
        """(catalog row, None), (catalog row, `MATCHED_YEAR_ONE_OFF`) or (None, the drop reason). A year written in
        the title counts when none is given. Where no row has the year, one row a year off is taken: release years
        differ by one between sources (MovieLens dates Army of Darkness 1993, TMDB 1992), and a remake a year apart
        under the same title is rarer than that; two such rows are ambiguous. Across a whole log,
        `without_doubtful_year_matches` undoes the ones another log title has a better claim to."""
        written = _TITLE_YEAR.match(str(title))
        if written and year is None:
            title, year = written.group(1), int(written.group(2))
        ambiguous = False
        keys = title_keys(title)  # read twice below: normalised once
        for key in keys:
            if year is not None:
                rows = self._by_title_year.get((key, year), [])
                if len(rows) == 1:
                    return rows[0], None
                ambiguous |= len(rows) > 1
            else:
                rows = self._by_title.get(key, [])
                if len(rows) == 1:
                    return rows[0], None
                ambiguous |= len(rows) > 1
        if year is not None and not ambiguous:
            for key in keys:
                rows = self._by_title_year.get((key, year - 1), []) + self._by_title_year.get((key, year + 1), [])
                if len(rows) == 1:
                    return rows[0], MATCHED_YEAR_ONE_OFF
                ambiguous |= len(rows) > 1
        return None, DROP_AMBIGUOUS_TITLE if ambiguous else DROP_UNKNOWN_TITLE


def without_doubtful_year_matches(
    lookups: dict[tuple[str, object], tuple[int | None, str | None]],
) -> dict[tuple[str, object], tuple[int | None, str | None]]:
    """Year-off matches undone where they are likely another film: the catalog row is some other log title's
    exact match (MovieLens has The Island of 2005 and a Russian The Island of 2006; TMDB only the first), or log
    titles of different years each claim it a year off."""
    exact = {row for row, why in lookups.values() if row is not None and why is None}
    years_claiming: dict[int, set[object]] = {}
    for (_, year), (row, why) in lookups.items():
        if why == MATCHED_YEAR_ONE_OFF:
            years_claiming.setdefault(row, set()).add(year)
    doubtful = {row for row, years in years_claiming.items() if row in exact or len(years) > 1}
    return {
        key: (None, DROP_UNKNOWN_TITLE) if why == MATCHED_YEAR_ONE_OFF and row in doubtful else (row, why)
        for key, (row, why) in lookups.items()
    }


def load_interactions(path: str | Path, catalog: Catalog) -> InteractionLog:
    """Read an interaction log and match it to the catalog; every dropped row is counted with its reason."""
    path = Path(path)
    raw = read_table(path, table=LOG_TABLES)
    return interactions_from_frame(raw, catalog, source=path.name)


def interactions_from_frame(raw: pd.DataFrame, catalog: Catalog, source: str = "log") -> InteractionLog:
    """Match an in-memory log (see `load_interactions`)."""
    roles = guess_roles(raw.columns, INTERACTION_COLUMNS, key=compact_key)
    found = ", ".join(map(str, list(raw.columns)[:30])) or "none"
    missing = [role for role in ("user_id", "timestamp") if role not in roles]
    if missing:
        raise InteractionLogError(
            f"{source} has no {' or '.join(missing)} column. Name the columns user_id, timestamp and either item_id "
            f"or title (+ year); rating is optional. Columns found: {found}"
        )
    if "item_id" not in roles and "title" not in roles:
        raise InteractionLogError(
            f"{source} names no item: add an item_id column (catalog ids) or a title column (with year where "
            f"titles repeat). Columns found: {found}"
        )
    if len(raw) == 0:
        raise InteractionLogError(f"{source} has a header but no rows.")

    n = len(raw)
    reason = pd.Series(pd.NA, index=raw.index, dtype="object")

    def drop(mask: pd.Series, why: str) -> None:
        reason[mask & reason.isna()] = why

    users = _as_text(raw[roles["user_id"]]).str.strip()
    drop(users == "", DROP_MISSING_USER)
    timestamps = parse_timestamps(raw[roles["timestamp"]])
    drop(timestamps.isna(), DROP_BAD_TIMESTAMP)
    has_ratings = "rating" in roles
    if has_ratings:
        ratings = pd.to_numeric(raw[roles["rating"]], errors="coerce").astype("float64")
        drop(ratings.isna(), DROP_BAD_RATING)
    else:
        ratings = pd.Series(np.nan, index=raw.index, dtype="float64")

    item_index = pd.Series(-1, index=raw.index, dtype="int64")
    year_one_off = pd.Series(False, index=raw.index, dtype=bool)
    if "item_id" in roles:
        matched_by = "catalog id"
        ids = _as_text(raw[roles["item_id"]]).str.strip()
        # Parquet and JSON give numbers: 603.0 must find catalog id "603".
        ids = ids.str.replace(r"^(-?\d+)\.0+$", r"\1", regex=True)
        item_index = ids.map(catalog.index_of).fillna(-1).astype("int64")
        drop(ids == "", DROP_MISSING_ITEM)
        drop(item_index < 0, DROP_UNKNOWN_ITEM)
    else:
        matched_by = "title + year"
        index = TitleYearIndex(catalog)
        titles = _as_text(raw[roles["title"]])
        if "year" in roles:
            years = pd.to_numeric(raw[roles["year"]], errors="coerce").round().astype("Int64")
        else:
            years = pd.Series(pd.NA, index=raw.index, dtype="Int64")
        drop(titles.str.strip() == "", DROP_MISSING_ITEM)
        # Each distinct (title, year) is looked up once; rows take their pair's answer by code (a log repeats its
        # titles: MovieLens' 100,000 rows hold 9,000 pairs).
        codes, _ = pd.factorize(titles + "\x1f" + years.astype("string").fillna(""))
        _, first_rows = np.unique(codes, return_index=True)
        pairs = list(zip(titles.to_numpy(object)[first_rows], years.to_numpy(object)[first_rows], strict=True))
        lookups = {pair: index.lookup(pair[0], None if pd.isna(pair[1]) else int(pair[1])) for pair in pairs}
        lookups = without_doubtful_year_matches(lookups)
        found = np.array([-1 if lookups[pair][0] is None else lookups[pair][0] for pair in pairs], dtype=np.int64)
        why_not = np.array([lookups[pair][1] for pair in pairs], dtype=object)
        item_index = pd.Series(found[codes], index=raw.index, dtype="int64")
        year_one_off = pd.Series(why_not[codes] == MATCHED_YEAR_ONE_OFF, index=raw.index, dtype=bool)
        for why in (DROP_AMBIGUOUS_TITLE, DROP_UNKNOWN_TITLE):
            drop(pd.Series(why_not[codes] == why, index=raw.index), why)

    keep = reason.isna()
    ids_array = np.asarray(catalog.ids, dtype=object)
    frame = pd.DataFrame(
        {
            "user_id": users[keep].to_numpy(dtype=object),
            "item_index": item_index[keep].to_numpy(dtype=np.int64),
            "item_id": ids_array[item_index[keep].to_numpy(dtype=np.int64)],
            "timestamp": timestamps[keep].to_numpy(dtype=np.int64),
            "rating": ratings[keep].to_numpy(dtype=np.float64),
        }
    )
    frame = frame.sort_values(["user_id", "timestamp"], kind="stable").reset_index(drop=True)
    order = [DROP_MISSING_USER, DROP_BAD_TIMESTAMP, DROP_BAD_RATING, DROP_MISSING_ITEM, DROP_UNKNOWN_ITEM]
    order += [DROP_UNKNOWN_TITLE, DROP_AMBIGUOUS_TITLE]
    counts = reason.value_counts()
    dropped = {why: int(counts.get(why, 0)) for why in order if counts.get(why, 0)}
    report = InteractionReport(
        source=source,
        rows_read=n,
        matched=len(frame),
        dropped=dropped,
        users=int(frame["user_id"].nunique()),
        items=int(frame["item_index"].nunique()),
        matched_by=matched_by,
        year_one_off=int((year_one_off & keep).sum()),
    )
    if frame.empty:
        raise InteractionLogError(
            f"No row of {source} matched the catalog ({'; '.join(report.lines()[1:]) or 'nothing usable'}). "
            "Check that the item ids or titles refer to this catalog."
        )
    return InteractionLog(frame=frame, report=report, has_ratings=has_ratings)


def positives_by_user(log: InteractionLog, threshold: float) -> dict[str, np.ndarray]:
    """Each user's positive items in time order, each item once (its first positive)."""
    frame = log.frame
    if log.has_ratings:
        frame = frame[frame["rating"] >= threshold]
    frame = frame.drop_duplicates(["user_id", "item_index"], keep="first")
    out: dict[str, np.ndarray] = {}
    for user, items in frame.groupby("user_id", sort=True)["item_index"]:
        out[str(user)] = items.to_numpy(dtype=np.int64)
    return out
