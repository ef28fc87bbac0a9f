"""Open the map page on a 200,000-video catalog in chromium and time it.

Embedding 200,000 texts takes hours here, so the catalog's vectors are random unit vectors written into the
embedding store under the texts' hashes (the app then reads them as if embedded), and its 2D/3D maps are random
coordinates written into the projection cache. Clustering, naming, sampling, drawing and the page are all real.

    python bench/map_scale.py [--videos 200000]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

import numpy as np
import pandas as pd

from vidrec_core.core.paths import REPO_ROOT

WORDS = np.array(
    [
        "space",
        "heist",
        "ghost",
        "love",
        "war",
        "city",
        "ocean",
        "robot",
        "dragon",
        "family",
        "music",
        "detective",
        "school",
        "king",
        "train",
    ]
)
GENRES = np.array(["Drama", "Comedy", "Action", "Horror", "Romance", "Documentary", "Science Fiction"])


def prepare(folder: Path, n: int) -> Path:
    """Write the catalog, its stored vectors and its stored maps into `folder` (the data folder)."""
    os.environ["VIDREC_DATA_DIR"] = str(folder / "data")
    from vidrec_core.core.paths import cache_dir
    from vidrec_core.data.load import load_catalog
    from vidrec_core.embed.encoders import MINILM_ID
    from vidrec_core.embed.store import EmbeddingStore, embed_texts, model_slug, text_hash, write_embedding_file
    from vidrec_core.explore.projection import (
        Projection,
        ProjectionConfig,
        embeddings_digest,
        file_name,
        save_projection,
    )

    rng = np.random.default_rng(0)
    path = folder / f"videos_{n}.parquet"
    pd.DataFrame(
        {
            "id": [f"v{i}" for i in range(n)],
            "title": [f"Video {i} {WORDS[i % 15]} {WORDS[(i * 7) % 15]}" for i in range(n)],
            "overview": [f"A story about {WORDS[i % 15]} and {WORDS[(i * 3) % 15]}." for i in range(n)],
            "genres": GENRES[rng.integers(0, len(GENRES), n)],
            "year": rng.integers(1950, 2025, n),
        }
    ).to_parquet(path)
    catalog = load_catalog(path)
    vectors = rng.standard_normal((n, 384)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    shards = cache_dir() / "embeddings" / model_slug(MINILM_ID)
    shards.mkdir(parents=True, exist_ok=True)
    hashes = [text_hash(t) for t in catalog.texts]
    write_embedding_file(shards / f"shard-{uuid.uuid4().hex}.npz", MINILM_ID, hashes, vectors)

    class AlreadyStored:
        name, dim = MINILM_ID, 384

        def encode(self, texts, batch_size=64):
            raise RuntimeError("every vector should come from the store")

    app_vectors, _ = embed_texts(
        AlreadyStored(), catalog.texts, EmbeddingStore(MINILM_ID, 384, cache_dir() / "embeddings")
    )
    digest = embeddings_digest(app_vectors)
    for dims in (2, 3):
        config = ProjectionConfig(n_components=dims)
        coords = rng.standard_normal((n, dims)).astype(np.float32)
        save_projection(
            Projection(coords=coords, config=config, digest=digest, source="cache"),
            cache_dir() / "projections" / file_name(config, digest),
        )
    return path


def measure(url: str) -> dict[str, float | int]:
    from playwright.sync_api import sync_playwright

    out: dict[str, float | int] = {}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        page = browser.new_page(viewport={"width": 1400, "height": 1100})
        page.set_default_timeout(900_000)
        start = time.perf_counter()
        page.goto(url)
        page.get_by_text("Why:").first.wait_for()
        out["recommend_page_first_s"] = round(time.perf_counter() - start, 1)
        start = time.perf_counter()
        page.get_by_role("link", name="Map & clusters").click()
        page.locator(".js-plotly-plot").first.wait_for()
        out["map_page_first_s (clusters computed)"] = round(time.perf_counter() - start, 1)
        out["says_it_is_sampled"] = page.get_by_text("showing a random").count()
        start = time.perf_counter()
        page.get_by_role("link", name="Recommend").click()
        page.get_by_text("Why:").first.wait_for()
        page.get_by_role("link", name="Map & clusters").click()
        page.locator(".js-plotly-plot").first.wait_for()
        out["recommend_then_map_again_s (cached)"] = round(time.perf_counter() - start, 1)
        browser.close()
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--videos", type=int, default=200_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        catalog = prepare(folder, args.videos)
        env = {**os.environ, "VIDREC_DATA_DIR": str(folder / "data"), "VIDREC_CATALOG": str(catalog)}
        server = subprocess.Popen(
            [sys.executable, "-m", "streamlit", "run", "app.py", "--server.port", "8631"],
            cwd=REPO_ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            for _ in range(300):
                try:
                    urllib.request.urlopen("http://127.0.0.1:8631/_stcore/health", timeout=1)
                    break
                except OSError:
                    time.sleep(0.2)
            print({"videos": args.videos, **measure("http://127.0.0.1:8631")})
        finally:
            server.terminate()
            server.wait(timeout=30)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
