"""Precompute the sample catalog's embeddings for the shipped encoders (float16, keyed by text hash).

Run after build_sample_catalog.py: `python scripts/embed_sample.py [minilm] [multilingual]`.
"""

from __future__ import annotations

import sys
import time

from vidrec_core.core.paths import SAMPLE_CATALOG, SAMPLE_EMBEDDINGS_DIR
from vidrec_core.data.load import load_catalog
from vidrec_core.embed.registry import get_encoder
from vidrec_core.embed.store import embed_texts, model_slug, text_hash, write_embedding_file


def main(models: list[str]) -> int:
    catalog = load_catalog(SAMPLE_CATALOG)
    texts = list(dict.fromkeys(catalog.texts))
    for model in models:
        encoder = get_encoder(model)
        start = time.perf_counter()
        vectors, _ = embed_texts(encoder, texts, store=None, batch_size=32)
        seconds = time.perf_counter() - start
        out = SAMPLE_EMBEDDINGS_DIR / f"{model_slug(encoder.name)}.npz"
        write_embedding_file(out, encoder.name, [text_hash(t) for t in texts], vectors)
        print(f"{model}: {len(texts)} texts in {seconds:.0f}s ({len(texts) / seconds:.0f}/s) -> {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:] or ["minilm", "multilingual"]))
