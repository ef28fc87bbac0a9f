"""Store the query vectors a first page reads, so it needs no language model: the sample personas' typed lines
(searches, comments, sentences) and the sample catalog's genre names, for each registered encoder.

Run after embed_sample.py, and again whenever the personas, the sample's genres, the history parser or an encoder
change: `python scripts/embed_queries.py [minilm] [multilingual]` (writes sample_data/embeddings/queries/).

The vectors must be the model's own answers, bit for bit, or a first list would differ from a later one. A text's
vector depends in its last bits on the batch it is read in (padding changes the arithmetic: about 1e-7), so the texts
are read through the app's own query path, as a fresh server reads them: the genre names in one batch when the
recommender is built, then each persona's unmatched lines in one batch when it is opened. A second run from scratch
must give the same bits before anything is written.
"""

from __future__ import annotations

import sys
import time

import numpy as np

from vidrec_core.data.load import open_catalog
from vidrec_core.data.personas import load_personas
from vidrec_core.embed.queries import QueryEmbedder
from vidrec_core.embed.registry import ENCODERS, get_encoder
from vidrec_core.embed.store import stored_queries_file, text_hash, write_embedding_file
from vidrec_core.recommender import Recommender, catalog_vectors


def app_query_vectors(recommender: Recommender) -> dict[str, np.ndarray]:
    """Every text the app's query path reads on a fresh server's first pages, with the vector it reads."""
    recommender.queries = QueryEmbedder(recommender.encoder, stored=[])  # the model only, never a stored vector
    read: dict[str, np.ndarray] = {}
    names = list(recommender.catalog.genre_names)
    read.update(zip(names, recommender.queries.encode(names), strict=True))  # as `Recommender.genres` reads them
    for persona in load_personas().values():
        embedded = recommender.embed_events(recommender.understand(persona.history))
        for event, vector in zip(embedded.events, embedded.vectors, strict=True):
            if event.matched_id is None:
                read.setdefault(event.text, vector)
    return read


def main(models: list[str]) -> int:
    catalog = open_catalog(None)
    for model in models:
        encoder = get_encoder(model)
        vectors, _, index = catalog_vectors(catalog, encoder)
        start = time.perf_counter()
        first = app_query_vectors(Recommender(catalog, vectors, encoder, index=index))
        again = app_query_vectors(Recommender(catalog, vectors, encoder, index=index))
        if first.keys() != again.keys() or any(not np.array_equal(first[t], again[t]) for t in first):
            print(f"{model}: two runs gave different vectors; nothing written", file=sys.stderr)
            return 1
        texts = list(first)
        out = stored_queries_file(encoder.name)
        write_embedding_file(
            out, encoder.name, [text_hash(t) for t in texts], np.stack([first[t] for t in texts]), dtype=np.float32
        )
        print(f"{model}: {len(texts)} texts in {time.perf_counter() - start:.1f}s -> {out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:] or list(ENCODERS)))
