"""Where shipped sample data lives and where a user's own data is written."""

from __future__ import annotations

from pathlib import Path

from vidrec_core.core.settings import data_dir_setting

REPO_ROOT = Path(__file__).resolve().parents[2]
SAMPLE_DIR = REPO_ROOT / "sample_data"
SAMPLE_CATALOG = SAMPLE_DIR / "movies.parquet"
SAMPLE_EMBEDDINGS_DIR = SAMPLE_DIR / "embeddings"
SAMPLE_PERSONAS = SAMPLE_DIR / "personas.json"
SAMPLE_CUTS = SAMPLE_DIR / "lexical" / "jieba_cuts.json"  # jieba's cuts of the sample's texts with Chinese in them
SHIPPED_EVALUATION = SAMPLE_DIR / "interactions" / "evaluation_default.json"  # `vidrec evaluate` on the sample


def data_dir() -> Path:
    """The writable folder for caches and saved state; `VIDREC_DATA_DIR` moves it."""
    return data_dir_setting() or REPO_ROOT / "vidrec_data"


def cache_dir() -> Path:
    return data_dir() / "cache"
