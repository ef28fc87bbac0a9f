"""A bounded memory of embedded query texts, so a history edit embeds only the lines that changed, over the stored
vectors of the texts a first page reads (the sample personas' lines, the sample's genre names): those need no model."""

from __future__ import annotations

import contextlib
import sys
import threading
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from pathlib import Path

import numpy as np

from vidrec_core.embed.encoders import Encoder
from vidrec_core.embed.store import EmbeddingStore, stored_queries_file, text_hash


@contextlib.contextmanager
def one_torch_thread() -> Iterator[None]:
    """Torch at one thread while a few short lines are embedded. Measured on 2 busy cores: one typed line took p50
    60-140 ms and p95 about 500 ms with torch's default 2 threads (each thread waits for the other whenever either
    is descheduled), 12-15 ms and 32 ms with one (docs/speed-and-scale.md). Torch is never imported for this."""
    torch = sys.modules.get("torch")
    before = torch.get_num_threads() if torch is not None else 1
    if before <= 1:
        yield
        return
    torch.set_num_threads(1)
    try:
        yield
    finally:
        torch.set_num_threads(before)


class QueryEmbedder:
    """Embeds short typed texts (history lines, searches) with a bounded, thread-safe memory of past answers.

    Before the model, it reads the stored query vectors (`stored`: files of text hash -> float32 vector; by default
    the shipped file for this encoder, `store.stored_queries_file`). They are the model's own answers for those
    texts, so a first page needs no model at all and its list is the one the model would give."""

    def __init__(self, encoder: Encoder, max_items: int = 4096, stored: Sequence[Path] | None = None):
        self.encoder = encoder
        self.max_items = max_items
        self._memory: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()
        self._stored_files = [stored_queries_file(encoder.name)] if stored is None else [Path(p) for p in stored]
        self._stored: dict[str, np.ndarray] | None = None
        self.from_store = 0  # texts answered from the stored vectors

    def _stored_vectors(self) -> dict[str, np.ndarray]:
        """Read once, on first need (a few dozen vectors): every later edit only probes a dict."""
        if self._stored is None:
            store = EmbeddingStore(self.encoder.name, self.encoder.dim, None, extra_files=self._stored_files)
            self._stored = store.vectors_by_hash()
        return self._stored

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.encoder.dim), dtype=np.float32)
        missing: list[int] = []
        with self._lock:
            stored = None
            for i, text in enumerate(texts):
                vector = self._memory.get(text)
                if vector is None:
                    stored = self._stored_vectors() if stored is None else stored
                    vector = stored.get(text_hash(text))
                    if vector is None:
                        missing.append(i)
                        continue
                    self._memory[text] = vector
                    self.from_store += 1
                self._memory.move_to_end(text)
                out[i] = vector
            while len(self._memory) > self.max_items:
                self._memory.popitem(last=False)
        if missing:
            unique = list(dict.fromkeys(texts[i] for i in missing))
            with one_torch_thread():
                new = dict(zip(unique, self.encoder.encode(unique), strict=True))
            with self._lock:
                for text, vector in new.items():
                    self._memory[text] = vector
                while len(self._memory) > self.max_items:
                    self._memory.popitem(last=False)
            for i in missing:
                out[i] = new[texts[i]]
        return out
