"""The learned strategy: a small adapter trained on top of the frozen catalog embeddings.

The seed article's second step is to "pre-train on user data so the model learns personal interests". Fine-tuning the
text encoder is out of reach on a CPU; this module keeps the encoder frozen and learns, from interaction histories
only, a small model on top of it (in the spirit of UniSRec's text-based adapters):

- item side: `e_i = x_i A + r_i` and `b_i = x_i . w + c + d_i`, where `x_i` is the video's frozen text vector, `A`
  and `w` are shared by every video (they read text) and `r_i`, `d_i` are per-video residuals learnt only for videos
  that appear in the training interactions. A video nobody has interacted with keeps `r_i = 0`, `d_i = 0`: it is
  scored from its text alone, which is what keeps cold start alive;
- user side: the history's text vectors through `B`, pooled with learnt weights per recency position (optionally a
  small attention), so searches and typed interests work as well as watched titles;
- score: `s * <u, e_i> + b_i`, trained to predict each history's next positive from the events before it, with a
  softmax over every video seen in training (items already in the prefix are masked out, as the evaluation excludes
  a user's history from the ranking);
- optionally blended at inference with item-kNN (z-scores), the collaborative signal it complements.

Training needs torch (CPU is enough: a few minutes on the sample); inference is plain numpy, so the app's edit loop
stays fast and needs no gradients. An artefact (`.npz`) holds the weights, the config, a training summary and the
catalog digest and encoder id it was trained for; loading it for another catalog or encoder is refused.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from dataclasses import asdict
from pathlib import Path

import numpy as np

from vidrec_core.core.atomic import atomic_path
from vidrec_core.learn import training
from vidrec_core.learn.config import LearnedConfig, LearnedModelError, LearnProgress

ARTEFACT_VERSION = 1


class LearnedModel:
    """The adapter: configuration in, `fit` (torch) or `load` (an artefact) sets the fitted state, numpy scores.

    Fitted state: `weights_` (the arrays), `n_items_`, `summary_` (how training went), and the `catalog_digest_` and
    `encoder_` it was trained for, which `load` checks.
    """

    def __init__(self, config: LearnedConfig | None = None):
        self.config = config or LearnedConfig()
        self.weights_: dict[str, np.ndarray | None] = {}
        self.n_items_ = 0
        self.summary_: dict = {}
        self.catalog_digest_ = ""
        self.encoder_ = ""
        self._item_side: tuple[int, np.ndarray, np.ndarray] | None = None

    def fit(
        self,
        sequences: Sequence[np.ndarray],
        item_vectors: np.ndarray,
        *,
        progress: LearnProgress | None = None,
        device: str = "cpu",
        catalog_digest: str = "",
        encoder: str = "",
        should_stop: Callable[[], bool] | None = None,
    ) -> LearnedModel:
        """Train on sequences of item rows (oldest first) over the frozen item vectors. Seeded: same inputs, same
        weights. `catalog_digest` and `encoder` record what the weights belong to."""
        self.weights_, self.summary_ = training.train(
            sequences, item_vectors, self.config, progress, device, should_stop
        )
        self.n_items_ = int(item_vectors.shape[0])
        self.catalog_digest_, self.encoder_ = catalog_digest, encoder
        self._item_side = None
        return self

    @property
    def known_(self) -> np.ndarray:
        """bool (n_items,): videos seen in training, the only ones with per-video weights."""
        return np.asarray(self.weights_["known"], dtype=bool)

    def item_side(self, items: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(n_items, dim) adapted item vectors and (n_items,) biases; computed once per item matrix."""
        if self._item_side is not None and self._item_side[0] == id(items):
            return self._item_side[1], self._item_side[2]
        if items.shape[0] != self.n_items_:
            raise LearnedModelError(
                f"This learned model was trained for {self.n_items_:,} videos; the catalog has {items.shape[0]:,}."
            )
        w = self.weights_
        e = items @ w["item_map"]
        b = items @ w["text_bias"] + float(w["bias0"])
        if w.get("item_residual") is not None:
            e = e + w["item_residual"]
        if w.get("item_bias") is not None:
            b = b + w["item_bias"]
        e, b = e.astype(np.float32), b.astype(np.float32)
        self._item_side = (id(items), e, b)
        return e, b

    def user_vector(self, vectors: np.ndarray, ages: np.ndarray, weights: np.ndarray | None = None) -> np.ndarray:
        """Pool a history (oldest first) into the adapted space; `ages` 0 = newest, `weights` per event (kinds)."""
        w = self.weights_
        keep = np.argsort(ages, kind="stable")[: self.config.max_len]  # the newest max_len events
        h = vectors[keep] @ w["user_map"]
        logits = np.zeros(len(keep), dtype=np.float64)
        if self.config.pooling in ("position", "attention"):
            logits += w["position"][self.config.max_len - 1 - ages[keep].astype(np.int64).clip(0, None)]
        if self.config.pooling == "attention":
            logits += h @ w["query"] / math.sqrt(h.shape[1])
        share = np.exp(logits - logits.max())
        if weights is not None:
            share = share * np.clip(weights[keep], 0.0, None)
        total = share.sum()
        if total <= 0:
            return np.zeros(h.shape[1], dtype=np.float32)
        return ((share / total) @ h).astype(np.float32)

    def scores(
        self, items: np.ndarray, vectors: np.ndarray, ages: np.ndarray | None = None, weights: np.ndarray | None = None
    ) -> np.ndarray:
        """Relevance of every catalog video for a history given by its event vectors (oldest first)."""
        n = len(vectors)
        if ages is None:
            ages = np.arange(n - 1, -1, -1, dtype=np.float32)
        e, b = self.item_side(items)
        u = self.user_vector(vectors, np.asarray(ages), weights)
        return (float(self.weights_["scale"]) * (e @ u) + b).astype(np.float32)

    # --- the artefact -----------------------------------------------------------------------------------------------

    def save(self, path: str | Path) -> Path:
        """Weights in float16 where it loses nothing that matters (a few MB), metadata as JSON; written atomically."""
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        arrays: dict[str, np.ndarray] = {}
        for name, value in self.weights_.items():
            if value is None:
                continue
            value = np.asarray(value)
            if name == "item_residual":
                value = value.astype(np.float16)
            arrays[name] = value
        meta = {
            "version": ARTEFACT_VERSION,
            "catalog_digest": self.catalog_digest_,
            "encoder": self.encoder_,
            "n_items": self.n_items_,
            "config": asdict(self.config),
            "summary": self.summary_,
        }
        arrays["meta"] = np.frombuffer(json.dumps(meta).encode("utf-8"), dtype=np.uint8)
        with atomic_path(path) as tmp, open(tmp, "wb") as handle:
            np.savez_compressed(handle, **arrays)
        return path

    @staticmethod
    def load(path: str | Path, catalog_digest: str | None = None, encoder: str | None = None) -> LearnedModel:
        """Read an artefact; refuse one trained for another catalog or encoder than the ones given."""
        path = Path(path)
        if not path.is_file():
            raise LearnedModelError(f"Learned model not found: {path}. Train one with `python -m vidrec_core train`.")
        try:
            with np.load(path, allow_pickle=False) as data:
                meta = json.loads(bytes(data["meta"]).decode("utf-8"))
                weights: dict[str, np.ndarray | None] = {k: data[k] for k in data.files if k != "meta"}
        except (OSError, ValueError, KeyError) as exc:
            raise LearnedModelError(f"{path.name} is not a readable learned-model artefact ({exc}).") from exc
        if meta.get("version") != ARTEFACT_VERSION:
            raise LearnedModelError(f"{path.name} has artefact version {meta.get('version')}; retrain it.")
        if catalog_digest is not None and meta["catalog_digest"] != catalog_digest:
            raise LearnedModelError(
                f"{path.name} was trained for another catalog (digest {meta['catalog_digest'][:12]}…, this catalog "
                f"is {catalog_digest[:12]}…). Retrain it for this catalog: python -m vidrec_core train --catalog PATH "
                "--interactions PATH --out PATH"
            )
        if encoder is not None and meta["encoder"] != encoder:
            raise LearnedModelError(
                f"{path.name} was trained on {meta['encoder']} embeddings, not {encoder}. Pick that model or retrain "
                "with --model."
            )
        for name in ("item_residual", "item_bias"):
            if name in weights:
                weights[name] = np.asarray(weights[name], dtype=np.float32)
            else:
                weights[name] = None
        weights["known"] = np.asarray(weights["known"], dtype=bool)
        model = LearnedModel(LearnedConfig.from_dict(meta["config"]))
        model.weights_, model.n_items_, model.summary_ = weights, int(meta["n_items"]), meta.get("summary", {})
        model.catalog_digest_, model.encoder_ = meta["catalog_digest"], meta["encoder"]
        return model
