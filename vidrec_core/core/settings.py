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
LEARNED_MODEL = "VIDREC_LEARNED_MODEL"
DEFAULT_MAX_ROWS = 200_000


@dataclass(frozen=True)
class Setting:
    name: str
    default: str
    meaning: str


SETTINGS = (
    Setting(DATA_DIR, "vidrec_data/ in the repository", "the writable folder: caches, kept catalogs, saved histories"),
    Setting(CATALOG, "none", "a catalog file the app's sidebar offers first"),
    Setting(MAX_ROWS, f"{DEFAULT_MAX_ROWS:,}", "the most videos one catalog may have; larger files are refused"),
    Setting(LEARNED_MODEL, "the shipped one (sample catalog)", "a learned-model artefact trained for your catalog"),
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


def learned_model_path() -> Path | None:
    """The artefact `VIDREC_LEARNED_MODEL` names (user home expanded), or None for the shipped one."""
    value = _value(LEARNED_MODEL)
    return Path(value).expanduser() if value else None
