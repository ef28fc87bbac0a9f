"""The stored query vectors are the real models' own answers, bit for bit, so a first page answered from them lists
exactly what the loaded model lists (`scripts/embed_queries.py` writes them)."""

from __future__ import annotations

import numpy as np
import pytest

from vidrec_core.data.load import open_catalog
from vidrec_core.data.personas import load_personas
from vidrec_core.embed.queries import QueryEmbedder
from vidrec_core.embed.registry import ENCODERS, get_encoder
from vidrec_core.recommender import Recommender, catalog_vectors

pytestmark = pytest.mark.integration


@pytest.mark.parametrize("model", list(ENCODERS))
def test_stored_query_vectors_are_the_models_answers(model):
    catalog = open_catalog(None)
    encoder = get_encoder(model)
    vectors, _, index = catalog_vectors(catalog, encoder)
    stored = Recommender(catalog, vectors, encoder, index=index)
    fresh = Recommender(catalog, vectors, encoder, index=index)
    fresh.queries = QueryEmbedder(encoder, stored=[])  # the model reads everything, as before the stored vectors
    assert np.array_equal(stored.genres.name_vectors, fresh.genres.name_vectors)
    for persona in load_personas().values():
        events = stored.understand(persona.history)
        assert np.array_equal(stored.embed_events(events).vectors, fresh.embed_events(events).vectors), persona.name
        a = stored.recommend(events, strategy="mean")
        b = fresh.recommend(events, strategy="mean")
        assert [(r.id, r.score) for r in a.recommendations] == [(r.id, r.score) for r in b.recommendations]
    assert stored.queries.from_store >= len(catalog.genre_names) + len(load_personas())
