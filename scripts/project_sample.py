"""Precompute the sample catalog's default map projections (2D and 3D UMAP) so the map opens instantly.

Run after embed_sample.py: `python scripts/project_sample.py [minilm] [multilingual]`. Writes float16 coordinates,
the settings and the embeddings' digest to sample_data/projections/ (the fitted UMAP models are not shipped: about
18 MB each; new points are placed by nearest neighbours instead, see vidrec_core/explore/projection.py).
"""

from __future__ import annotations

import sys
import time

from vidrec_core.embed.store import model_slug
from vidrec_core.explore.projection import SAMPLE_PROJECTIONS_DIR, ProjectionConfig, file_name, project, save_projection
from vidrec_core.recommender import load_recommender


def main(models: list[str]) -> int:
    for model in models:
        recommender, _ = load_recommender(None, model)
        prefix = f"{model_slug(recommender.encoder.name)}-"
        for old in SAMPLE_PROJECTIONS_DIR.glob(f"{prefix}*.npz"):
            old.unlink()
        for dims in (2, 3):
            config = ProjectionConfig(n_components=dims)
            start = time.perf_counter()
            projection = project(recommender.items, config, use_cache=False, save_model=False)
            seconds = time.perf_counter() - start
            out = save_projection(projection, SAMPLE_PROJECTIONS_DIR / file_name(config, projection.digest, prefix))
            print(f"{model} {dims}D: {seconds:.1f}s -> {out.name} ({out.stat().st_size / 1e3:.0f} kB)", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:] or ["minilm", "multilingual"]))
