"""Embedding a kept catalog as a server job (`vidrec_core.core.jobs`): the work the Data page hands to the runner.

The job reads the catalog from its folder, embeds it chunk by chunk into the shared store (every finished chunk is
kept, so a cancelled, failed or killed run resumes where it stopped) and marks the catalog embedded itself, so a
catalog whose tab was closed ends up finished without anyone coming back.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from pathlib import Path

from vidrec_core.core.errors import CatalogError
from vidrec_core.core.jobs import JobContext, JobKey
from vidrec_core.data.kept import KeptCatalogs, load_kept
from vidrec_core.embed.encoders import Encoder
from vidrec_core.embed.registry import encoder_id
from vidrec_core.embed.store import DEFAULT_BATCH_SIZE, EmbedReport, embed_texts, embedding_store

CHUNK = 128  # texts per saved chunk: small enough that Cancel answers within seconds


def embed_job_key(slug: str, model: str) -> JobKey:
    """One embedding job per kept catalog and encoder at a time."""
    return ("embed", slug, encoder_id(model))


@dataclass(frozen=True)
class EmbedOutcome:
    """What a finished embedding job did, for the message that says so."""

    name: str
    slug: str
    path: Path
    model: str
    report: EmbedReport


def embed_kept_catalog(
    ctx: JobContext, slug: str, encoder: Encoder, model: str, *, root: Path | None = None, chunk_size: int = CHUNK
) -> EmbedOutcome:
    """Embed one kept catalog with `encoder` (registered as `model`), then record that it is embedded and that
    `model` is its encoder. Stops between chunks when the job is cancelled (InterruptedError)."""
    catalogs = KeptCatalogs(root)
    kept = catalogs.get(slug)
    ctx.note("reading the catalog")
    catalog = load_kept(kept.folder)
    ctx.note("looking up what is already embedded")
    started = time.monotonic()
    _, report = embed_texts(
        encoder,
        catalog.texts,
        embedding_store(encoder),
        batch_size=DEFAULT_BATCH_SIZE,
        chunk_size=chunk_size,
        progress=ctx.progress,
        should_stop=ctx.should_stop,
    )
    try:
        catalogs.mark_embedded(slug, encoder.name, seconds=round(time.monotonic() - started, 1))
        if kept.model != model:
            catalogs.set_model(slug, model)
    except CatalogError as exc:  # the vectors are done; only the record that they are is missing
        raise CatalogError(
            f"{exc} The embedding finished, but pressing Embed again is needed after a restart."
        ) from exc
    return EmbedOutcome(name=kept.name, slug=slug, path=kept.path, model=model, report=report)
