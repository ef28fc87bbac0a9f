"""The one table of the encoders vidrec offers, and every fact about them known without loading them.

The app's model picker, the command line's `--model`, kept catalogs, the token limit a prepared catalog is cut to,
and the file names of shipped artefacts all read this table. A name that is not in it is a fake for tests
(`fake`, `fake-32`) or the path of a local sentence-transformers model.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from vidrec_core.embed.encoders import (
    MINILM_ID,
    MULTILINGUAL_ID,
    Encoder,
    FakeEncoder,
    MultilingualEncoder,
    SentenceTransformerEncoder,
    minilm_encoder,
)
from vidrec_core.embed.lazy import LazyEncoder

DEFAULT_ENCODER = "minilm"  # what the app, the command line and kept catalogs use unless told otherwise
FAKE = "fake"
FAKE_ID = "fake-hash-64"  # what `fake` embeds as (FakeEncoder's default dimension)


@dataclass(frozen=True)
class EncoderSpec:
    name: str  # the short name the app, the command line and kept catalogs use
    model_id: str  # the encoder's own id: embeddings, caches and learned artefacts are keyed by it
    title: str
    languages: str
    dim: int
    max_tokens: int  # word pieces the model reads; a prepared catalog's longer texts are cut to about this
    aliases: tuple[str, ...]  # other names accepted for it, lower-case
    factory: Callable[[str], Encoder]  # device -> the loaded encoder

    @property
    def label(self) -> str:
        """How the app names it."""
        return f"{self.title} ({self.languages}, {self.dim}-d)"


ENCODERS: dict[str, EncoderSpec] = {
    "minilm": EncoderSpec(
        name="minilm",
        model_id=MINILM_ID,
        title="MiniLM",
        languages="English",
        dim=384,
        max_tokens=256,
        aliases=("all-minilm-l6-v2",),
        factory=minilm_encoder,
    ),
    "multilingual": EncoderSpec(
        name="multilingual",
        model_id=MULTILINGUAL_ID,
        title="Universal Sentence Encoder",
        languages="16 languages incl. Chinese",
        dim=MultilingualEncoder.dim,
        max_tokens=MultilingualEncoder.max_tokens,
        aliases=("use",),
        factory=lambda device: MultilingualEncoder(),
    ),
}


def find(name: str) -> EncoderSpec | None:
    """The registered encoder a short name, model id or alias means (any case), or None."""
    key = name.strip().lower()
    for spec in ENCODERS.values():
        if key in (spec.name, spec.model_id.lower(), *spec.aliases):
            return spec
    return None


def get_encoder(name: str = DEFAULT_ENCODER, device: str = "cpu") -> Encoder:
    """'minilm', 'multilingual' (or their ids and aliases), 'fake' / 'fake-<dim>', or a local model's path."""
    spec = find(name)
    if spec is not None:
        return spec.factory(device)
    key = name.strip()
    if key.lower().startswith(FAKE):
        dim = key.split("-")[-1]
        return FakeEncoder(int(dim) if dim.isdigit() else 64)
    return SentenceTransformerEncoder(key, device=device)


def lazy_encoder(name: str = DEFAULT_ENCODER, device: str = "cpu", then: Callable[[], None] | None = None) -> Encoder:
    """A registered encoder as a `LazyEncoder` (name and dimension now, the model when started or first used, then
    `then()`), so a server answers from stored vectors while the model loads; a fake or a local path loads at once,
    as `get_encoder` does."""
    spec = find(name)
    if spec is None:
        return get_encoder(name, device)
    return LazyEncoder(spec.model_id, spec.dim, lambda: spec.factory(device), spec.max_tokens, then)


def encoder_id(name: str) -> str:
    """The model id recorded for an encoder name: 'minilm' and its full id name the same encoder."""
    spec = find(name)
    if spec is not None:
        return spec.model_id
    return FAKE_ID if name.strip().lower() == FAKE else name.strip()


def short_name(name: str) -> str:
    """'minilm' for MiniLM's id or any of its names (file names use it); other names unchanged."""
    spec = find(name)
    return spec.name if spec is not None else name


def label(name: str) -> str:
    """How the app names an encoder; an unregistered name is shown as it is."""
    spec = ENCODERS.get(name)
    return spec.label if spec is not None else name


def max_tokens(name: str, default: int = 256) -> int:
    """What the encoder reads, known without loading it."""
    spec = find(name)
    return spec.max_tokens if spec is not None else default
