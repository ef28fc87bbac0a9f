"""Embedding on Ray: the same encoder and the same hash-keyed store as the local path, spread over a Ray cluster.

`vidrec embed --catalog PATH --engine ray` sends only the texts the store lacks (each distinct text once) through Ray
Data's `map_batches`, with one encoder loaded per worker actor (torch at one thread each, one actor per CPU: the
setting that kept its speed on a busy machine, docs/speed-and-scale.md). Only the driver writes the store: it keeps
a shard every `shard_rows` vectors as results stream back and flushes what it holds on any error or Ctrl-C, so an
interrupted run keeps its finished batches and a rerun embeds only the rest. Workers need no shared disk.

A local Ray is started by default; with `RAY_ADDRESS` set, `ray.init()` joins that cluster instead (whose nodes need
requirements.txt installed; vidrec_core itself is shipped with the job). Ray is imported only here, and only when
this engine runs, so the app and the rest of the command line never load it.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from vidrec_core.core.errors import EncoderError
from vidrec_core.embed.store import EmbeddingStore, ProgressFn, text_hash

DEFAULT_SHARD_ROWS = 4096  # vectors per shard the driver writes: a hard kill loses at most this many
OBJECT_STORE_BYTES = 512 * 2**20  # a local Ray's shared memory: batches of texts and vectors are small
WORKER_ENV = {
    "HF_HUB_OFFLINE": "1",
    "TRANSFORMERS_OFFLINE": "1",
    "TOKENIZERS_PARALLELISM": "false",
    "PYTHONDONTWRITEBYTECODE": "1",
}
PACKAGE_DIR = Path(__file__).resolve().parents[1]  # vidrec_core
RAY_MISSING = "The Ray engine needs Ray: pip install -r requirements-scale.txt"


@dataclass
class RayReport:
    """What a Ray run did: `embedded` new vectors, `skipped` texts the store already had, where it ran."""

    total: int = 0
    skipped: int = 0
    embedded: int = 0
    workers: int = 0
    cluster: str = "not started (nothing to embed)"
    seconds: float = 0.0
    shards_written: int = 0
    not_saved: str | None = None
    timings: dict[str, float] = field(default_factory=dict)


class EncodeBatch:
    """Ray Data's callable class: built once per worker actor, so each worker loads the model once."""

    def __init__(self, model: str, device: str, torch_threads: int):
        with contextlib.suppress(ImportError):
            import torch

            torch.set_num_threads(torch_threads)  # one actor per CPU at one thread: no oversubscription
        from vidrec_core.embed.registry import get_encoder

        self.encoder = get_encoder(model, device=device)
        self.encoder.encode(["a warm-up text, so the first real batch is not an outlier"], batch_size=1)

    def __call__(self, batch: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        texts = [str(t) for t in batch["text"]]
        vectors = self.encoder.encode(texts, batch_size=len(texts))
        return {"hash": batch["hash"], "vector": np.asarray(vectors, dtype=np.float32)}


def _ray():
    try:
        import ray
    except ImportError as exc:
        raise EncoderError(RAY_MISSING) from exc
    return ray


def cluster_address() -> str | None:
    """The Ray cluster to join (Ray's own `RAY_ADDRESS`), or None for a local Ray."""
    return os.environ.get("RAY_ADDRESS") or None


@contextlib.contextmanager
def ray_session(num_cpus: int | None = None) -> Iterator[str]:
    """A Ray to work on: the one already running in this process, else the cluster `RAY_ADDRESS` names, else a
    local one. Yields where it runs; a Ray started here is shut down on the way out, also after Ctrl-C."""
    ray = _ray()
    if ray.is_initialized():
        yield "already running"
        return
    runtime_env = {
        "env_vars": dict(WORKER_ENV),
        "py_modules": [str(PACKAGE_DIR)],  # a cluster's nodes do not have vidrec_core: Ray ships it
        "excludes": ["__pycache__", "*.pyc"],
    }
    address = cluster_address()
    try:
        if address:
            ray.init(runtime_env=runtime_env, log_to_driver=False, logging_level=logging.WARNING)
        else:
            ray.init(
                num_cpus=num_cpus or os.cpu_count() or 1,
                include_dashboard=False,
                log_to_driver=False,
                logging_level=logging.WARNING,
                object_store_memory=OBJECT_STORE_BYTES,
                runtime_env=runtime_env,
            )
    except Exception as exc:
        where = f"the Ray cluster at RAY_ADDRESS={address}" if address else "a local Ray"
        raise EncoderError(f"Could not start {where} ({type(exc).__name__}: {exc}).") from exc
    try:
        yield address or "local"
    finally:
        ray.shutdown()


@contextlib.contextmanager
def terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM (a scheduler stopping the job) behaves like Ctrl-C: finished batches are written, Ray shuts down."""

    def interrupt(signum, frame):
        raise KeyboardInterrupt

    try:
        previous = signal.signal(signal.SIGTERM, interrupt)
    except ValueError:  # not the main thread: leave signals alone
        yield
        return
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


class ShardWriter:
    """Collects streamed vectors and keeps them as store shards of `rows` vectors; `flush` keeps the remainder."""

    def __init__(self, store: EmbeddingStore, rows: int, report: RayReport):
        self.store, self.rows, self.report = store, max(1, rows), report
        self.hashes: list[np.ndarray] = []
        self.vectors: list[np.ndarray] = []
        self.pending = 0

    def add(self, hashes: np.ndarray, vectors: np.ndarray) -> None:
        self.hashes.append(np.asarray(hashes))
        self.vectors.append(np.asarray(vectors, dtype=np.float32))
        self.pending += len(hashes)
        if self.pending >= self.rows:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        hashes, vectors = np.concatenate(self.hashes).tolist(), np.vstack(self.vectors)
        self.hashes, self.vectors, self.pending = [], [], 0
        if self.report.not_saved is not None:
            return
        try:
            if self.store.append(hashes, vectors) is not None:
                self.report.shards_written += 1
        except OSError as exc:  # disk full or read-only: say so once; the run's vectors cannot be kept
            self.report.not_saved = f"{exc.strerror or exc} ({self.store.folder})"


def texts_to_embed(texts: Sequence[str], store: EmbeddingStore) -> tuple[list[str], list[str], int]:
    """(hashes, texts) of the distinct texts the store lacks, shortest first, and how many texts it already has.

    Shortest first: a batch of similar lengths pads little (the local path gets this from sentence-transformers
    sorting each chunk; a 32-text Ray batch would otherwise pad to its longest text)."""
    hashes = [text_hash(t) for t in texts]
    have = store.contains(hashes)
    first: dict[str, str] = {}
    for h, text, known in zip(hashes, texts, have, strict=True):
        if not known and h not in first:
            first[h] = text
    order = sorted(first, key=lambda h: len(first[h]))
    return order, [first[h] for h in order], int(have.sum())


def embed_on_ray(
    model: str,
    texts: Sequence[str],
    store: EmbeddingStore,
    batch_size: int = 32,
    device: str = "cpu",
    shard_rows: int = DEFAULT_SHARD_ROWS,
    workers: int | None = None,
    progress: ProgressFn | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> RayReport:
    """Embed the texts the store lacks on Ray and keep them in the store; see the module docstring.

    `model` is an encoder name each worker loads (`get_encoder`); `workers` defaults to the cluster's CPUs.
    `should_stop` is asked between streamed batches. Returns what was embedded and skipped; the vectors are read
    back from the store by whoever needs them (the driver never holds the whole catalog)."""
    started = time.perf_counter()
    report = RayReport(total=len(texts))
    todo_hashes, todo_texts, report.skipped = texts_to_embed(texts, store)
    report.timings["lookup_s"] = round(time.perf_counter() - started, 2)
    if progress:
        progress(report.skipped, report.total)
    if not todo_hashes:  # everything is kept: Ray is not even started
        report.seconds = round(time.perf_counter() - started, 2)
        return report
    writer = ShardWriter(store, shard_rows, report)
    with terminate_as_interrupt(), ray_session() as where:
        report.cluster = where
        ray = _ray()
        resources = ray.cluster_resources()
        slots = int(resources.get("GPU", 0)) if device.startswith("cuda") else int(resources.get("CPU", 1))
        if slots < 1:
            raise EncoderError(f"--device {device} was asked for, but the Ray cluster has no GPU.")
        report.workers = max(1, min(workers or slots, slots, -(-len(todo_hashes) // max(1, batch_size))))
        report.timings["ray_ready_s"] = round(time.perf_counter() - started, 2)
        try:
            for hashes, vectors in _stream(ray, todo_hashes, todo_texts, model, device, batch_size, report.workers):
                writer.add(hashes, vectors)
                report.embedded += len(hashes)
                if progress:
                    progress(report.skipped + report.embedded, report.total)
                if should_stop is not None and should_stop():
                    break
        finally:
            writer.flush()  # whatever finished is kept, on Ctrl-C and errors too
    report.seconds = round(time.perf_counter() - started, 2)
    return report


def _stream(
    ray, hashes: list[str], texts: list[str], model: str, device: str, batch_size: int, workers: int
) -> Iterator[tuple[np.ndarray, np.ndarray]]:
    """(hashes, vectors) per finished batch, in whatever order the actors finish (results are keyed by hash)."""
    import pandas as pd
    from ray.data import ActorPoolStrategy, DataContext

    DataContext.get_current().enable_progress_bars = False
    frame = pd.DataFrame({"hash": hashes, "text": texts})
    # Several blocks per worker: one block feeds one actor only.
    block = max(batch_size, min(4096, -(-len(frame) // (workers * 4))))
    dataset = ray.data.from_pandas([frame.iloc[i : i + block] for i in range(0, len(frame), block)])
    encoded = dataset.map_batches(
        EncodeBatch,
        fn_constructor_kwargs={"model": model, "device": device, "torch_threads": 1},
        batch_size=batch_size,
        batch_format="numpy",
        compute=ActorPoolStrategy(size=workers),  # `concurrency=` is deprecated in Ray 2.60
        **({"num_gpus": 1} if device.startswith("cuda") else {"num_cpus": 1}),
    )
    for batch in encoded.iter_batches(batch_size=None, batch_format="numpy", prefetch_batches=2):
        yield batch["hash"], batch["vector"]
