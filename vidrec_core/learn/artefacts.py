"""Where a learned model comes from: the shipped artefact, one named by `VIDREC_LEARNED_MODEL`, or one trained for an
evaluation split and cached, and why none is usable when none is."""

from __future__ import annotations

import contextlib
import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from vidrec_core.core.notice import Notice
from vidrec_core.core.paths import SAMPLE_DIR
from vidrec_core.core.settings import FUSION_WEIGHTS, LEARNED_MODEL, fusion_weights_path, learned_model_path
from vidrec_core.data.load import SAMPLE_NAME
from vidrec_core.embed.registry import DEFAULT_ENCODER, short_name
from vidrec_core.embed.store import model_slug
from vidrec_core.learn import adapter, training
from vidrec_core.learn import config as learn_config
from vidrec_core.learn.adapter import LearnedModel
from vidrec_core.learn.config import LearnedConfig, LearnedModelError, LearnProgress
from vidrec_core.learn.fusion import FusionWeights

SHIPPED_DIR = SAMPLE_DIR / "learned"
SHIPPED_FUSION_DIR = SAMPLE_DIR / "fusion"


def shipped_artefact_path(encoder: str = DEFAULT_ENCODER) -> Path:
    """Where the artefact trained on MovieLens for the sample catalog and this encoder (id or short name) lives."""
    return SHIPPED_DIR / f"{model_slug(short_name(encoder))}_movielens.npz"


NO_MODEL = "No learned model for this catalog and language model: the learned strategy falls back to the mean profile."


@dataclass(frozen=True)
class UnavailableModel:
    """Why no learned model could be used; the strategy shows it and falls back to the mean profile."""

    reason: str


def find_learned_model(catalog_digest: str, catalog_name: str | None, encoder: str) -> LearnedModel | UnavailableModel:
    """The artefact named by VIDREC_LEARNED_MODEL, else the shipped one for the sample catalog and this encoder.

    An artefact trained for another catalog or encoder is refused: its reason is kept for the strategy to show.
    """
    configured = learned_model_path()
    if configured:
        path = configured
    elif catalog_name == SAMPLE_NAME:
        path = shipped_artefact_path(encoder)
        if not path.is_file():
            return UnavailableModel(
                Notice(
                    f"{NO_MODEL} None was trained for this language model.",
                    f"None is shipped for {encoder}; train one with python -m vidrec_core train --model ...",
                )
            )
    else:
        return UnavailableModel(
            Notice(
                f"{NO_MODEL} A model is trained from a viewing log of this catalog.",
                "Train one for this catalog (python -m vidrec_core train --catalog PATH --interactions PATH "
                f"--out PATH) and point {LEARNED_MODEL} at it.",
            )
        )
    try:
        return LearnedModel.load(path, catalog_digest=catalog_digest, encoder=encoder)
    except LearnedModelError as exc:
        return UnavailableModel(
            Notice(
                "The learned model set for this app does not fit this catalog and language model: the learned "
                "strategy falls back to the mean profile.",
                f"{exc} ({LEARNED_MODEL})",
            )
        )


def shipped_fusion_path(encoder: str = DEFAULT_ENCODER) -> Path:
    """Where the fusion weights learned on the sample's MovieLens log with this encoder (id or short name) live."""
    return SHIPPED_FUSION_DIR / f"{model_slug(short_name(encoder))}_movielens.json"


@dataclass(frozen=True)
class FusionChoice:
    """The fusion weights a catalog and encoder use, and what a viewer should be told about where they come from
    (empty when they were learned for exactly this catalog and encoder)."""

    weights: FusionWeights | None
    note: str = ""


def find_fusion_weights(catalog_name: str | None, encoder: str) -> FusionChoice:
    """VIDREC_FUSION_WEIGHTS when set; else the weights shipped for this encoder, else MiniLM's. Weights learned on
    the sample are used for any catalog (their features need no viewing log), and the note says so."""
    configured = fusion_weights_path()
    if configured:
        path, note = configured, ""
    else:
        path = shipped_fusion_path(encoder)
        learned_with = short_name(encoder)
        if not path.is_file():
            path, learned_with = shipped_fusion_path(DEFAULT_ENCODER), DEFAULT_ENCODER
        note = ""
        if catalog_name != SAMPLE_NAME or learned_with != short_name(encoder):
            note = Notice(
                "How much meaning, genres, people and release year each count was learned on the sample's viewing "
                "log and is applied here as it is.",
                f"Fusion weights learned on the sample catalog's MovieLens log with {learned_with} vectors are "
                "applied here; fit your own with `vidrec fit-fusion --catalog PATH --interactions PATH --out PATH` "
                f"and point {FUSION_WEIGHTS} at the file.",
            )
    try:
        return FusionChoice(FusionWeights.load(path), note)
    except ValueError as exc:
        return FusionChoice(
            None,
            Notice(
                "The weights for combining evidence could not be read, so the fusion strategy ranks by closeness in "
                "meaning alone.",
                f"{exc} ({path})",
            ),
        )


def _code_digest() -> str:
    """The training and model code: editing either makes cached weights stale."""
    h = hashlib.blake2b(digest_size=8)
    for module in (learn_config, training, adapter):
        h.update(Path(module.__file__).read_bytes())
    return h.hexdigest()


def sequences_digest(sequences: Sequence[np.ndarray], item_vectors: np.ndarray) -> str:
    h = hashlib.blake2b(digest_size=16)
    for s in sequences:
        h.update(np.asarray(s, dtype=np.int64).tobytes())
        h.update(b"|")
    h.update(np.ascontiguousarray(item_vectors[:: max(1, len(item_vectors) // 64)], dtype=np.float32).tobytes())
    return h.hexdigest()


def trained_for_split(
    sequences: Sequence[np.ndarray],
    item_vectors: np.ndarray,
    config: LearnedConfig,
    cache_folder: Path | None,
    catalog_digest: str,
    encoder: str,
    progress: LearnProgress | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> LearnedModel:
    """Train on exactly these sequences (an evaluation split's training data), or reuse the cached weights."""
    key = hashlib.blake2b(
        json.dumps(
            {
                "data": sequences_digest(sequences, item_vectors),
                "config": asdict(config),
                "code": _code_digest(),
                "encoder": encoder,
            },
            sort_keys=True,
        ).encode(),
        digest_size=16,
    ).hexdigest()
    path = cache_folder / f"{key}.npz" if cache_folder else None
    if path is not None and path.is_file():
        try:
            model = LearnedModel.load(path)
            return model
        except LearnedModelError:
            pass
    model = LearnedModel(config).fit(
        sequences,
        item_vectors,
        progress=progress,
        device="cpu",
        catalog_digest=catalog_digest,
        encoder=encoder,
        should_stop=should_stop,
    )
    if path is not None:
        with contextlib.suppress(OSError):  # a read-only data folder only costs the cache
            model.save(path)
    return model
