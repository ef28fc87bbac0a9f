"""Every setting vidrec reads from the environment, and the only module that reads them (`SETTINGS` lists them).

Streamlit refuses unknown keys in `.streamlit/config.toml`, so vidrec's own settings are environment variables. Each
is read when it is needed, not once at import, so a test or a long-lived process sees a change at once.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

DATA_DIR = "VIDREC_DATA_DIR"
CATALOG = "VIDREC_CATALOG"
MAX_ROWS = "VIDREC_MAX_ROWS"
HEAVY_JOBS = "VIDREC_HEAVY_JOBS"
LEARNED_MODEL = "VIDREC_LEARNED_MODEL"
FUSION_WEIGHTS = "VIDREC_FUSION_WEIGHTS"
INDEX_FROM = "VIDREC_INDEX_FROM"
INDEX_URI = "VIDREC_INDEX_URI"
DEFAULT_MAX_ROWS = 200_000
DEFAULT_INDEX_FROM = 500_000


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    meaning: str


SETTINGS = (
    Setting(DATA_DIR, "vidrec_data/ in the repository", "the writable folder: caches, kept catalogs, saved histories"),
    Setting(CATALOG, "none", "a catalog file the app's sidebar offers first"),
    Setting(MAX_ROWS, f"{DEFAULT_MAX_ROWS:,}", "the most videos one catalog may have; larger files are refused"),
    Setting(HEAVY_JOBS, "1", "how many heavy server jobs (embedding, maps, evaluations) run at once; others queue"),
    Setting(LEARNED_MODEL, "the shipped one (sample catalog)", "a learned-model artefact trained for your catalog"),
    Setting(FUSION_WEIGHTS, "the shipped ones (learned on the sample)", "fusion weights fitted on your viewing log"),
    Setting(
        INDEX_FROM,
        f"{DEFAULT_INDEX_FROM:,}",
        "catalogs this large retrieve candidates from their vector index (`vidrec index`) instead of exact search; "
        "0: only when asked",
    ),
    Setting(
        INDEX_URI,
        "vidrec_data/cache/index/",
        "where vector index tables live: a folder or any URI LanceDB opens (s3://, gs://, az://)",
    ),
)


def _value(name: str) -> str | None:
    value = os.environ.get(name)
    return value if value else None


def data_dir_setting() -> Path | None:
    """The folder `VIDREC_DATA_DIR` names (user home expanded), or None for the default."""
    value = _value(DATA_DIR)
    return Path(value).expanduser() if value else None


def extra_catalog() -> str | None:
    """The catalog file `VIDREC_CATALOG` names, or None."""
    return _value(CATALOG)


def max_rows() -> int:
    """The most videos one catalog may have (`VIDREC_MAX_ROWS`, default 200,000): embedding time and memory grow
    with it, so a file far larger than expected is refused rather than left to run for hours. "500_000" and
    "500,000" are read as 500000; anything that is not a positive whole number means the default."""
    value = os.environ.get(MAX_ROWS, "").strip().replace("_", "").replace(",", "")
    if value.isdigit() and int(value) > 0:
        return int(value)
    return DEFAULT_MAX_ROWS


def _whole_number(name: str) -> int | None:
    """A non-negative whole number ("500_000" and "500,000" read as 500000), or None when unset or not one."""
    value = os.environ.get(name, "").strip().replace("_", "").replace(",", "")
    return int(value) if value.isdigit() else None


def index_from() -> int | None:
    """The catalog size from which recommendations and searches retrieve candidates from the vector index
    (`VIDREC_INDEX_FROM`, default 500,000: below it exact search over every video is fast enough and exact,
    docs/speed-and-scale.md). "0" means never on its own (only `--index lance` or the app's switch); anything that
    is not a whole number means the default."""
    value = _whole_number(INDEX_FROM)
    if value is None:
        return DEFAULT_INDEX_FROM
    return value or None


def index_uri() -> str | None:
    """Where vector index tables live (`VIDREC_INDEX_URI`): a folder or a URI LanceDB opens; None for the data
    folder's cache."""
    return _value(INDEX_URI)


def heavy_jobs() -> int:
    """How many heavy server jobs may run at once (`VIDREC_HEAVY_JOBS`, default 1): each embedding or UMAP run
    already uses every core of a small machine, so a second one at the same time only makes both slower.
    Anything that is not a positive whole number means 1."""
    value = os.environ.get(HEAVY_JOBS, "").strip()
    return int(value) if value.isdigit() and int(value) > 0 else 1


def learned_model_path() -> Path | None:
    """The artefact `VIDREC_LEARNED_MODEL` names (user home expanded), or None for the shipped one."""
    value = _value(LEARNED_MODEL)
    return Path(value).expanduser() if value else None


def fusion_weights_path() -> Path | None:
    """The fusion weights file `VIDREC_FUSION_WEIGHTS` names (user home expanded), or None for the shipped ones."""
    value = _value(FUSION_WEIGHTS)
    return Path(value).expanduser() if value else None
