"""The on-disk embedding store: no text is embedded twice, and an interrupted run resumes where it stopped.

Vectors are kept per model in append-only shards keyed by a hash of each text, so an edited catalog row is the only
one embedded again, and any catalog with the same text reuses the vector. The sample's vectors ship read-only.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from vidrec_core.core.atomic import atomic_path
from vidrec_core.core.paths import SAMPLE_EMBEDDINGS_DIR, cache_dir
from vidrec_core.core.vectors import normalise_rows
from vidrec_core.embed.encoders import Encoder

ProgressFn = Callable[[int, int], None]
# Measured on a 2-core CPU (bench/run.py): MiniLM 46 texts/s at batch 16-32 against 40 at 64 and 35 at 128.
DEFAULT_BATCH_SIZE = 32


def model_slug(model_name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", model_name).strip("_") or "model"


def text_hash(text: str) -> str:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


@dataclass
class EmbedReport:
    """What an embedding run did, so the UI can say it and tests can count it."""

    total: int = 0
    reused: int = 0
    computed: int = 0
    discarded_files: list[str] = field(default_factory=list)
    not_saved: str | None = None  # why new vectors could not be cached (disk full, read-only folder)


class EmbeddingStore:
    """Append-only shards of (text hash -> vector) for one model, plus read-only shipped files.

    Each shard records the model id and dimension; a shard written for another model is never used. A shard is
    written to a temporary file and renamed, so a crash mid-write leaves the earlier shards intact, and a run that
    was cancelled resumes from what its finished shards hold.
    """

    def __init__(self, model_name: str, dim: int, folder: Path | None, extra_files: Sequence[Path] = ()):
        self.model_name = model_name
        self.dim = dim
        self.folder = folder / model_slug(model_name) if folder is not None else None
        self.extra_files = [Path(p) for p in extra_files]
        self.discarded: list[str] = []

    def _shard_paths(self) -> list[Path]:
        paths = [p for p in self.extra_files if p.exists()]
        if self.folder is not None and self.folder.exists():
            paths += sorted(self.folder.glob("*.npz"))
        return paths

    def _read(self, path: Path) -> tuple[np.ndarray, np.ndarray] | None:
        try:
            with np.load(path, allow_pickle=False) as data:
                model = str(data["model"])
                hashes = data["hashes"].astype(str)
                vectors = data["vectors"]
        except Exception:
            self._set_aside(path, "unreadable")
            return None
        if model != self.model_name or vectors.ndim != 2 or vectors.shape[1] != self.dim:
            self.discarded.append(f"{path.name}: written for {model}, not {self.model_name}")
            return None
        if len(hashes) != len(vectors):
            self._set_aside(path, "hashes and vectors disagree")
            return None
        return hashes, vectors

    def _set_aside(self, path: Path, why: str) -> None:
        """A damaged shard of ours is renamed out of the store (never read again; its texts are embedded anew and
        kept in a fresh shard); a damaged shipped file is only skipped."""
        self.discarded.append(f"{path.name}: {why}")
        if self.folder is not None and path.parent == self.folder:
            with contextlib.suppress(OSError):
                os.replace(path, path.with_name(f"{path.name}.damaged"))

    def lookup(self, hashes: Sequence[str], out: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Vectors for the hashes found (float32) and a boolean mask of which were found. `out` (len(hashes), dim),
        e.g. a memory-mapped file, receives the vectors instead of a new array.

        The wanted hashes are indexed once and each shard's hashes are probed against them: a lookup costs
        shards x shard rows, not shards x wanted (0.5 ms instead of 117 ms per 2,048-row shard when a million
        hashes are wanted; docs/speed-and-scale.md). A shard read earlier wins for a hash in several shards."""
        codes, wanted = pd.factorize(pd.Index(hashes, dtype=object))
        rows = np.arange(len(codes))
        first = np.empty(len(wanted), dtype=np.int64)
        first[codes[::-1]] = rows[::-1]  # the first row of each distinct hash
        got = np.zeros(len(wanted), dtype=bool)
        out = np.zeros((len(hashes), self.dim), dtype=np.float32) if out is None else out
        for shard in self._shards():
            shard_hashes, vectors = shard
            position = wanted.get_indexer(shard_hashes)  # per shard row: which wanted hash, or -1
            take = np.flatnonzero(position >= 0)
            take = take[~got[position[take]]]
            if len(take):
                out[first[position[take]]] = vectors[take].astype(np.float32)
                got[position[take]] = True
            if got.all():
                break
        found = got[codes] if len(codes) else np.zeros(0, dtype=bool)
        repeats = np.flatnonzero(found & (first[codes] != rows)) if len(codes) else rows
        if len(repeats):  # the same text twice: the vector of its first row
            out[repeats] = out[first[codes[repeats]]]
        return out, found

    def contains(self, hashes: Sequence[str]) -> np.ndarray:
        """Which hashes the store holds, reading only each shard's hashes (no vectors are decompressed)."""
        wanted = pd.Index(pd.unique(np.asarray(hashes, dtype=object)))
        got = np.zeros(len(wanted), dtype=bool)
        for path in self._shard_paths():
            shard_hashes = self._read_hashes(path)
            if shard_hashes is None:
                continue
            position = wanted.get_indexer(shard_hashes)
            got[position[position >= 0]] = True
            if got.all():
                break
        return got[wanted.get_indexer(pd.Index(hashes, dtype=object))] if len(hashes) else np.zeros(0, dtype=bool)

    def vectors_by_hash(self) -> dict[str, np.ndarray]:
        """Every vector the store holds for this model, by text hash (a shard read earlier wins): for small stores
        read once and probed on every edit, such as the stored query vectors."""
        out: dict[str, np.ndarray] = {}
        for hashes, vectors in self._shards():
            for h, vector in zip(hashes.tolist(), vectors.astype(np.float32), strict=True):
                out.setdefault(h, vector)
        return out

    def _shards(self):
        for path in self._shard_paths():
            shard = self._read(path)
            if shard is not None:
                yield shard

    def _read_hashes(self, path: Path) -> np.ndarray | None:
        """A shard's hashes when it was written for this model (an unreadable one is set aside); the vectors are
        left compressed."""
        try:
            with np.load(path, allow_pickle=False) as data:
                model = str(data["model"])
                hashes = data["hashes"].astype(str)
        except Exception:
            self._set_aside(path, "unreadable")
            return None
        return hashes if model == self.model_name else None

    def append(self, hashes: Sequence[str], vectors: np.ndarray) -> Path | None:
        """Write one shard atomically. Returns None when there is nowhere writable."""
        if self.folder is None or len(hashes) == 0:
            return None
        self.folder.mkdir(parents=True, exist_ok=True)
        final = self.folder / f"shard-{uuid.uuid4().hex}.npz"
        with atomic_path(final) as tmp:
            write_embedding_file(tmp, self.model_name, hashes, vectors)
        return final


def write_embedding_file(
    path: Path, model_name: str, hashes: Sequence[str], vectors: np.ndarray, dtype: type = np.float16
) -> None:
    """float16 is enough for cosine ranking and halves the size (stored query vectors keep float32: they stand for
    the model's own answer, bit for bit). Not atomic by itself: the store writes through `atomic_path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as handle:
        np.savez_compressed(
            handle,
            model=np.array(model_name),
            hashes=np.asarray(hashes, dtype="U32"),
            vectors=np.asarray(vectors, dtype=dtype),
        )


def stored_queries_file(model_name: str) -> Path:
    """The shipped vectors of typed texts for one model: the sample personas' lines and the sample's genre names, as
    the app's query path reads them (`scripts/embed_queries.py`). float32, keyed by `text_hash` like the catalog's,
    but apart from them: a query's vector is the model's answer for it in the batch the app reads it in, and the
    catalog's shipped vectors are float16."""
    return SAMPLE_EMBEDDINGS_DIR / "queries" / f"{model_slug(model_name)}.npz"


def embed_texts(
    encoder: Encoder,
    texts: Sequence[str],
    store: EmbeddingStore | None = None,
    batch_size: int = DEFAULT_BATCH_SIZE,
    chunk_size: int = 512,
    progress: ProgressFn | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> tuple[np.ndarray, EmbedReport]:
    """Embed texts, reusing every vector the store already has and saving new ones chunk by chunk.

    Identical texts are embedded once. `should_stop` lets a UI cancel between chunks; what finished is kept.
    """
    hashes = [text_hash(t) for t in texts]
    report = EmbedReport(total=len(texts))
    if store is not None:
        vectors, found = store.lookup(hashes)
        report.discarded_files = list(store.discarded)
    else:
        vectors, found = np.zeros((len(texts), encoder.dim), dtype=np.float32), np.zeros(len(texts), bool)
    report.reused = int(found.sum())
    first_row: dict[str, int] = {}
    todo: list[int] = []
    for row in np.flatnonzero(~found):
        h = hashes[row]
        if h not in first_row:
            first_row[h] = int(row)
            todo.append(int(row))
    done = report.reused
    if progress:
        progress(done, len(texts))
    for start in range(0, len(todo), chunk_size):
        if should_stop is not None and should_stop():
            break
        rows = todo[start : start + chunk_size]
        new = encoder.encode([texts[r] for r in rows], batch_size=batch_size)
        vectors[rows] = new
        found[rows] = True
        report.computed += len(rows)
        if store is not None:
            try:
                store.append([hashes[r] for r in rows], new)
            except OSError as exc:  # disk full or read-only: keep embedding, say the work will not be kept
                report.not_saved = f"{exc.strerror or exc} ({store.folder})"
                store = None
        done += len(rows)
        if progress:
            progress(done, len(texts))
    # Duplicated texts share the vector of their first occurrence.
    for row in np.flatnonzero(~found):
        first = first_row.get(hashes[row])
        if first is not None and found[first]:
            vectors[row] = vectors[first]
            found[row] = True
    if not found.all():
        raise InterruptedError(f"Embedding stopped after {int(found.sum())} of {len(texts)} texts.")
    return normalise_rows(vectors), report


def embedding_store(encoder: Encoder, writable: bool = True) -> EmbeddingStore:
    """The store for one encoder: the shipped sample vectors (read-only) plus the data folder's cache (when it can
    be created; a read-only data folder still embeds, it only cannot keep the vectors)."""
    folder: Path | None = cache_dir() / "embeddings"
    if writable:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError:
            folder = None
    shipped = SAMPLE_EMBEDDINGS_DIR / f"{model_slug(encoder.name)}.npz"
    return EmbeddingStore(encoder.name, encoder.dim, folder if writable else None, extra_files=[shipped])
