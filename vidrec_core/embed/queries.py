"""A bounded memory of embedded query texts, so a history edit embeds only the lines that changed."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence

import numpy as np

from vidrec_core.embed.encoders import Encoder


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
