"""An encoder whose model loads in the background, so a server answers before the language model is in memory.

Loading MiniLM (torch, sentence-transformers and the weights) takes 5-9 s on a 2-core machine, more than every other
piece of a first answer together. Nothing in that answer needs the model: the catalog's vectors are shipped, and the
sample's typed lines and genre names are stored (`queries.QueryEmbedder`). A `Recommender` needs only the encoder's
name and dimension to be built, and the registry knows both before loading. So the model is loaded on a thread, and
`encode` waits for it: a line no store holds is read by the model itself, never answered with anything else.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence

import numpy as np

from vidrec_core.core.errors import EncoderError
from vidrec_core.embed.encoders import Encoder


class LazyEncoder:
    """Stands in for a registered encoder: `name`, `dim` and `max_tokens` at once, the model on `start()` (a
    background thread) or on the first `encode`, which waits for it. Thread-safe; the model is loaded once."""

    def __init__(
        self,
        name: str,
        dim: int,
        load: Callable[[], Encoder],
        max_tokens: int = 256,
        then: Callable[[], None] | None = None,
    ):
        self.name = name
        self.dim = dim
        self.max_tokens = max_tokens
        self._load = load
        self._then = then  # called on the loading thread once the model is in memory
        self._lock = threading.Lock()
        self._done = threading.Event()
        self._thread: threading.Thread | None = None
        self._model: Encoder | None = None
        self._error: BaseException | None = None

    @property
    def started(self) -> bool:
        return self._thread is not None

    @property
    def ready(self) -> bool:
        """The model is loaded: `encode` answers without waiting."""
        return self._done.is_set() and self._error is None

    @property
    def loading(self) -> bool:
        """The model is not in memory yet (loading, or about to): what a page says while it is so."""
        return not self._done.is_set()

    @property
    def error(self) -> BaseException | None:
        return self._error

    def start(self) -> None:
        """Begin loading on a daemon thread (once; later calls do nothing)."""
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name=f"load {self.name}", daemon=True)
                self._thread.start()

    def _run(self) -> None:
        try:
            model = self._load()
            if (model.name, model.dim) != (self.name, self.dim):
                raise EncoderError(
                    f"The model loaded as {model.name} ({model.dim}-d), not the expected {self.name} ({self.dim}-d)."
                )
            self._model = model
            if self._then is not None:
                self._then()
        except BaseException as exc:  # kept and raised to whoever waits: the loading thread has no one to tell
            self._error = exc
        finally:
            self._done.set()

    def wait(self, timeout: float | None = None) -> Encoder:
        """The loaded model, starting the load if nobody has; raises what loading raised."""
        self.start()
        if not self._done.wait(timeout):
            raise TimeoutError(f"The model {self.name} is still loading.")
        if self._error is not None:
            raise self._error
        assert self._model is not None
        return self._model

    def encode(self, texts: Sequence[str], batch_size: int = 64) -> np.ndarray:
        if len(texts) == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self.wait().encode(texts, batch_size=batch_size)
