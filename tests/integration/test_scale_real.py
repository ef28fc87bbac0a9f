"""Embedding on Ray with the real packaged MiniLM: the same vectors as the local path (to float tolerance), kept in
the same store, and nothing sent again on a rerun."""

from __future__ import annotations

import numpy as np
import pytest

from vidrec_core.data.load import open_catalog
from vidrec_core.embed.registry import get_encoder
from vidrec_core.embed.store import EmbeddingStore, embed_texts, text_hash

pytestmark = pytest.mark.integration
# The test command installs requirements-scale.txt: a missing scale dependency fails here, never skips.
import ray  # noqa: E402, F401


def test_minilm_on_ray_stores_the_local_path_s_vectors(tmp_path):
    from vidrec_core.embed.ray_engine import embed_on_ray

    texts = open_catalog(None).texts[:240]
    encoder = get_encoder("minilm")
    local, _ = embed_texts(encoder, texts)  # float32, in memory
    store = EmbeddingStore(encoder.name, encoder.dim, tmp_path)
    report = embed_on_ray("minilm", texts, store, batch_size=32, shard_rows=64)
    assert (report.embedded, report.skipped, report.shards_written) == (240, 0, 4)
    from_ray, found = store.lookup([text_hash(t) for t in texts])
    assert found.all()
    assert np.abs(from_ray - local).max() < 1e-3  # float16 in the store: about 7e-5 measured
    assert np.all(np.sum(from_ray * local, axis=1) > 0.9999)
    again = embed_on_ray("minilm", texts, EmbeddingStore(encoder.name, encoder.dim, tmp_path))
    assert (again.embedded, again.skipped) == (0, 240)
