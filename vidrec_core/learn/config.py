"""The learned adapter's configuration, shared by its training and its inference."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields

from vidrec_core.core.errors import VidrecError

LearnProgress = Callable[[str], None]


class LearnedModelError(VidrecError):
    """A learned-model artefact cannot be used (missing, damaged, or trained for another catalog or encoder)."""


@dataclass(frozen=True)
class LearnedConfig:
    """Everything that changes the trained weights (all of it is stored in the artefact and in cache keys)."""

    dim: int = 128  # width of the adapted space
    max_len: int = 50  # the pooling reads the last max_len events
    pooling: str = "position"  # "mean" | "position" (learnt weight per recency position) | "attention"
    text_bias: bool = True  # a popularity prior read from the text (reaches new videos)
    item_bias: bool = True  # a per-video popularity residual (videos seen in training only)
    item_residual: bool = True  # a per-video vector residual (videos seen in training only)
    residual_decay: float = 1e-4  # L2 on the per-video residuals (per example)
    epochs: int = 20
    batch_size: int = 512
    lr: float = 3e-3
    weight_decay: float = 0.0
    dropout: float = 0.2  # on the pooled events
    mask_history: bool = True  # never ask the model to predict a video already in the prefix
    user_balance: float = 0.5  # each user's examples weigh n^-balance (0: every example equal, 1: every user equal)
    seed: int = 0

    def validate(self) -> None:
        if self.pooling not in ("mean", "position", "attention"):
            raise LearnedModelError(f"Unknown pooling '{self.pooling}'. Choose mean, position or attention.")
        if self.dim < 1 or self.max_len < 1 or self.epochs < 1 or self.batch_size < 1:
            raise LearnedModelError("dim, max_len, epochs and batch_size must be at least 1.")

    @staticmethod
    def from_dict(data: dict) -> LearnedConfig:
        names = {f.name for f in fields(LearnedConfig)}
        data = dict(data)
        return LearnedConfig(**{k: v for k, v in data.items() if k in names})


# The configuration the shipped artefacts and the evaluation train with (docs/evaluation.md, "Learned interest
# mapping"): the adapter with per-video residuals, 10 epochs. How its scores are blended with content and co-viewing
# at inference is the learned strategy's business (`profile.learned.BLEND`), not the trained weights'.
SHIPPED_CONFIG = LearnedConfig(epochs=10)
