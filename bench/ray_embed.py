"""Embedding on Ray against the local path: the same texts, the same model, each into a fresh store.

    python bench/run.py --only ray --json          # 1,000 sample texts with MiniLM, on a local Ray

Local: `embed_texts` in this process (what `vidrec embed` does). Ray: `embed_on_ray` on a local Ray with one worker
actor per CPU at one torch thread each (what `vidrec embed --engine ray` does). Figures: wall seconds end to end
(Ray's start and its actors' model loading included), the throughput after the first Ray batch came back (all
actors up), their ratios to the local path, the largest difference between the vectors the two runs stored, and a
rerun that finds every text stored. Nothing is asserted.
"""

from __future__ import annotations

import os
import tempfile
import time
from pathlib import Path

import numpy as np


def bench_ray(n_texts: int = 1000, model: str = "minilm") -> dict:
    from vidrec_core.core.paths import SAMPLE_CATALOG
    from vidrec_core.data.load import load_catalog
    from vidrec_core.embed.ray_engine import embed_on_ray
    from vidrec_core.embed.registry import get_encoder
    from vidrec_core.embed.store import EmbeddingStore, embed_texts, text_hash

    texts = load_catalog(SAMPLE_CATALOG).texts[:n_texts]
    encoder = get_encoder(model)
    encoder.encode(texts[:8])  # warm, as each Ray actor warms up in its constructor
    row: dict = {"texts": len(texts), "model": encoder.name, "cpus": os.cpu_count()}
    with tempfile.TemporaryDirectory() as tmp:
        local_store = EmbeddingStore(encoder.name, encoder.dim, Path(tmp) / "local")
        row["load_1m_before"] = os.getloadavg()[0]
        start = time.perf_counter()
        local, _ = embed_texts(encoder, texts, local_store)
        row["local_s"] = round(time.perf_counter() - start, 2)
        ray_store = EmbeddingStore(encoder.name, encoder.dim, Path(tmp) / "ray")
        seen: list[tuple[float, int]] = []
        start = time.perf_counter()
        report = embed_on_ray(
            model, texts, ray_store, progress=lambda done, total: seen.append((time.perf_counter(), done))
        )
        row["ray_s"] = round(time.perf_counter() - start, 2)
        row["load_1m_after"] = os.getloadavg()[0]
        first_t, first_done = seen[1] if len(seen) > 1 else seen[0]  # seen[0]: before Ray started
        last_t, last_done = seen[-1]
        row["ray_first_batch_after_s"] = round(first_t - start, 1)
        row["ray_workers"] = report.workers
        row["ray_shards"] = report.shards_written
        local_rate = len(texts) / row["local_s"]
        steady = (last_done - first_done) / max(1e-9, last_t - first_t)
        row.update(
            local_texts_per_s=round(local_rate, 1),
            ray_texts_per_s_end_to_end=round(len(texts) / row["ray_s"], 1),
            ray_texts_per_s_after_first_batch=round(steady, 1),
            ratio_end_to_end=round((len(texts) / row["ray_s"]) / local_rate, 2),
            ratio_after_first_batch=round(steady / local_rate, 2),
        )
        hashes = [text_hash(t) for t in texts]
        from_ray, found = ray_store.lookup(hashes)
        from_local, _ = local_store.lookup(hashes)
        row["all_stored"] = bool(found.all())
        row["max_abs_diff_ray_store_vs_local_store"] = float(np.abs(from_ray - from_local).max())
        row["max_abs_diff_ray_store_vs_local_float32"] = float(np.abs(from_ray - local).max())
        start = time.perf_counter()
        again = embed_on_ray(model, texts, ray_store)
        row["rerun"] = {
            "embedded": again.embedded,
            "skipped": again.skipped,
            "seconds": round(time.perf_counter() - start, 2),
        }
    return row


if __name__ == "__main__":
    import json
    import sys

    print(json.dumps(bench_ray(int(sys.argv[1]) if len(sys.argv) > 1 else 1000)))
