import numpy as np
import pytest

from vidrec_core.embed.encoders import FakeEncoder
from vidrec_core.embed.queries import QueryEmbedder
from vidrec_core.embed.store import EmbeddingStore, embed_texts, text_hash, write_embedding_file

TEXTS = ["space rocket", "haunted house", "love story", "space rocket", "courtroom drama"]


def test_fake_encoder_is_deterministic_and_unit_length():
    a = FakeEncoder().encode(["space rocket launch"])
    b = FakeEncoder().encode(["space rocket launch"])
    assert np.allclose(a, b)
    assert np.allclose(np.linalg.norm(a, axis=1), 1.0)
    near, far = FakeEncoder().encode(["space rocket", "haunted house"]) @ a[0]
    assert near > far


def test_store_reuses_vectors_and_embeds_duplicates_once(tmp_path):
    encoder = FakeEncoder()
    store = EmbeddingStore(encoder.name, encoder.dim, tmp_path)
    first, report = embed_texts(encoder, TEXTS, store)
    assert report.computed == 4 and report.reused == 0  # "space rocket" twice, embedded once
    assert np.allclose(first[0], first[3])
    again, report2 = embed_texts(encoder, TEXTS, EmbeddingStore(encoder.name, encoder.dim, tmp_path))
    assert report2.computed == 0 and report2.reused == 5
    assert np.allclose(first, again, atol=1e-3)  # float16 on disk


def test_changed_rows_are_the_only_ones_recomputed(tmp_path):
    encoder = FakeEncoder()
    embed_texts(encoder, TEXTS, EmbeddingStore(encoder.name, encoder.dim, tmp_path))
    edited = [*TEXTS[:-1], "a brand new text"]
    counting = FakeEncoder()
    _, report = embed_texts(counting, edited, EmbeddingStore(counting.name, counting.dim, tmp_path))
    assert report.computed == 1 and counting.texts_encoded == 1


def test_cancelled_run_resumes_without_recomputing(tmp_path):
    texts = [f"video number {i}" for i in range(50)]
    encoder = FakeEncoder()
    calls = {"n": 0}

    def stop_after_two_chunks() -> bool:
        calls["n"] += 1
        return calls["n"] > 2

    with pytest.raises(InterruptedError):
        embed_texts(
            encoder,
            texts,
            EmbeddingStore(encoder.name, encoder.dim, tmp_path),
            chunk_size=10,
            should_stop=stop_after_two_chunks,
        )
    assert encoder.texts_encoded == 20
    resumed = FakeEncoder()
    _, report = embed_texts(resumed, texts, EmbeddingStore(resumed.name, resumed.dim, tmp_path), chunk_size=10)
    assert report.reused == 20 and resumed.texts_encoded == 30


def test_a_file_from_another_model_is_detected_and_not_used(tmp_path):
    path = tmp_path / "shipped.npz"
    write_embedding_file(path, "some-other-model", [text_hash(t) for t in TEXTS], np.ones((5, 64)))
    encoder = FakeEncoder()
    store = EmbeddingStore(encoder.name, encoder.dim, None, extra_files=[path])
    vectors, report = embed_texts(encoder, TEXTS, store)
    assert report.reused == 0 and report.computed == 4
    assert "written for some-other-model" in report.discarded_files[0]
    assert np.allclose(vectors, FakeEncoder().encode(TEXTS), atol=1e-6)


def test_a_text_whose_hash_changed_is_recomputed(tmp_path):
    encoder = FakeEncoder()
    path = tmp_path / "shipped.npz"
    # The shipped file knows "space rocket" under its hash but holds nothing for an edited text.
    write_embedding_file(path, encoder.name, [text_hash("space rocket")], np.full((1, 64), 0.125))
    store = EmbeddingStore(encoder.name, encoder.dim, None, extra_files=[path])
    _, report = embed_texts(encoder, ["space rocket", "space rocket!"], store)
    assert report.reused == 1 and report.computed == 1


def test_corrupt_cache_file_is_discarded(tmp_path):
    encoder = FakeEncoder()
    folder = tmp_path / "cache"
    embed_texts(encoder, TEXTS, EmbeddingStore(encoder.name, encoder.dim, folder))
    shard = next((folder).rglob("*.npz"))
    shard.write_bytes(b"garbage")
    vectors, report = embed_texts(encoder, TEXTS, EmbeddingStore(encoder.name, encoder.dim, folder))
    assert report.reused == 0 and any("unreadable" in d for d in report.discarded_files)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert not shard.exists() and shard.with_name(f"{shard.name}.damaged").exists()  # set aside, never read again
    _, again = embed_texts(encoder, TEXTS, EmbeddingStore(encoder.name, encoder.dim, folder))
    assert again.reused == len(TEXTS) and again.discarded_files == []  # rebuilt


def test_query_embedder_remembers_texts():
    encoder = FakeEncoder()
    queries = QueryEmbedder(encoder, max_items=2)
    queries.encode(["a", "b"])
    queries.encode(["a", "b", "a"])
    assert encoder.texts_encoded == 2
    queries.encode(["c"])  # evicts "b", the least recently used
    queries.encode(["a"])
    assert encoder.texts_encoded == 3
    queries.encode(["b"])
    assert encoder.texts_encoded == 4


class SlowFakeEncoder(FakeEncoder):
    """A fake that takes its time, so a job can be killed in the middle."""

    def encode(self, texts, batch_size=64):
        import time

        time.sleep(0.05)
        return super().encode(texts, batch_size)


KILL_TEXTS = [f"video number {i} about topic {i % 17}" for i in range(5_000)]


def _embed_until_killed(folder: str) -> None:
    from pathlib import Path

    encoder = SlowFakeEncoder()
    embed_texts(encoder, KILL_TEXTS, EmbeddingStore(encoder.name, encoder.dim, Path(folder)), chunk_size=100)


def test_kill_during_an_embedding_job_keeps_finished_chunks(tmp_path):
    import multiprocessing
    import os
    import signal
    import time

    process = multiprocessing.get_context("spawn").Process(target=_embed_until_killed, args=(str(tmp_path),))
    process.start()
    try:
        deadline = time.monotonic() + 60
        while len(list(tmp_path.rglob("shard-*.npz"))) < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        os.kill(process.pid, signal.SIGKILL)  # kill -9, wherever it is
        process.join()
    resumed = FakeEncoder()
    vectors, report = embed_texts(resumed, KILL_TEXTS, EmbeddingStore(resumed.name, resumed.dim, tmp_path))
    assert report.reused >= 300 and report.reused % 100 == 0
    assert resumed.texts_encoded == len(KILL_TEXTS) - report.reused  # nothing finished is embedded again
    assert np.allclose(vectors, FakeEncoder().encode(KILL_TEXTS), atol=2e-3)  # no half-written shard was used


def test_a_full_disk_keeps_embedding_and_says_nothing_was_saved(tmp_path, monkeypatch):
    import errno

    import vidrec_core.embed.store as embed

    def full_disk(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(embed, "write_embedding_file", full_disk)
    encoder = FakeEncoder()
    vectors, report = embed_texts(encoder, TEXTS, EmbeddingStore(encoder.name, encoder.dim, tmp_path), chunk_size=2)
    assert np.allclose(vectors, FakeEncoder().encode(TEXTS), atol=1e-6)
    assert report.computed == 4 and "No space left on device" in report.not_saved


@pytest.mark.usefixtures("unwritable_data_dir")
def test_an_unwritable_data_folder_still_recommends(tiny_catalog):
    from vidrec_core.recommender import Recommender, embed_catalog

    encoder = FakeEncoder(dim=256)
    vectors, report = embed_catalog(tiny_catalog, encoder)
    assert report.computed == len(tiny_catalog)
    assert Recommender(tiny_catalog, vectors, encoder).recommend("Star Voyage", k=2).recommendations


def test_lookup_finds_repeated_and_missing_hashes_across_shards(tmp_path):
    store = EmbeddingStore("m", 4, tmp_path)
    vectors = np.arange(24, dtype=np.float32).reshape(6, 4)
    hashes = [text_hash(f"t{i}") for i in range(6)]
    store.append(hashes[:3], vectors[:3])
    store.append(hashes[3:], vectors[3:])
    wanted = [hashes[4], "missing", hashes[0], hashes[4], hashes[2]]
    out, found = store.lookup(wanted)
    assert found.tolist() == [True, False, True, True, True]
    assert np.array_equal(out[[0, 2, 3, 4]], vectors[[4, 0, 4, 2]]) and not out[1].any()
    assert store.contains(wanted).tolist() == found.tolist()
    into = np.full((5, 4), -1.0, dtype=np.float32)  # e.g. a memory-mapped file
    assert store.lookup(wanted, out=into)[0] is into and np.array_equal(into[0], vectors[4])
    assert store.lookup([])[1].shape == (0,) and store.contains([]).shape == (0,)
