"""Where shipped sample data lives and where a user's own data is written."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
SAMPLE_DIR = REPO_ROOT / "sample_data"
SAMPLE_CATALOG = SAMPLE_DIR / "movies.parquet"
SAMPLE_EMBEDDINGS_DIR = SAMPLE_DIR / "embeddings"
SAMPLE_PERSONAS = SAMPLE_DIR / "personas.json"
DATA_DIR_ENV = "VIDREC_DATA_DIR"


def data_dir() -> Path:
    """The writable folder for caches and saved state; `VIDREC_DATA_DIR` moves it."""
    configured = os.environ.get(DATA_DIR_ENV)
    path = Path(configured).expanduser() if configured else REPO_ROOT / "vidrec_data"
    return path


def cache_dir() -> Path:
    return data_dir() / "cache"
