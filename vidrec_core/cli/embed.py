"""The `embed` command: a catalog file or a kept catalog into the shared embedding cache, resumably.

python -m vidrec_core embed --catalog my_videos.csv --model multilingual
python -m vidrec_core embed --catalog vidrec_data/catalogs/my-videos-1a2b3c4d --device cuda
python -m vidrec_core embed --catalog big.parquet --engine ray      (RAY_ADDRESS=... joins a cluster)
"""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import dataclass
from pathlib import Path

from vidrec_core.cli.options import add_common, rate_printer
from vidrec_core.core.errors import EncoderError, VidrecError
from vidrec_core.data.kept import KeptCatalogs
from vidrec_core.data.load import open_catalog
from vidrec_core.embed.registry import DEFAULT_ENCODER, find, get_encoder
from vidrec_core.embed.store import DEFAULT_BATCH_SIZE, embedding_store
from vidrec_core.recommender import embed_catalog

ENGINES = ("local", "ray")


def cmd_embed(args: argparse.Namespace) -> int:
    """Embed a catalog file or a kept catalog (folder, folder name or display name); resumable: what a cancelled
    or crashed run finished is reused."""
    if args.batch_size < 1:
        raise VidrecError("--batch-size must be at least 1.")
    kept_catalogs = KeptCatalogs()
    kept = None
    if args.catalog and not Path(args.catalog).is_file():
        kept = kept_catalogs.find(args.catalog)
    catalog = open_catalog(kept.folder if kept is not None else args.catalog)
    model = args.model or (kept.model if kept is not None else DEFAULT_ENCODER)
    if args.device.startswith("cuda") and args.engine == "local":
        import torch

        if not torch.cuda.is_available():
            raise EncoderError(
                f"--device {args.device} was asked for, but this machine has no usable CUDA GPU "
                "(or torch was installed without CUDA). Use --device cpu."
            )
    if args.shard_rows < 1 or (args.workers is not None and args.workers < 1):
        raise VidrecError("--shard-rows and --workers must be at least 1.")
    started = time.monotonic()
    progress = rate_printer(not args.json)
    if args.engine == "ray":
        from vidrec_core.embed.ray_engine import embed_on_ray  # Ray is loaded only for this engine

        encoder = encoder_facts(model)  # the workers load the model; the driver only needs its id and size

        ray_report = embed_on_ray(
            model,
            catalog.texts,
            embedding_store(encoder),
            batch_size=args.batch_size,
            device=args.device,
            shard_rows=args.shard_rows,
            workers=args.workers,
            progress=progress,
        )
        reused, computed, discarded, dim = ray_report.skipped, ray_report.embedded, [], encoder.dim
        extra = {"workers": ray_report.workers, "ray": ray_report.cluster, "not_saved": ray_report.not_saved}
    else:
        encoder = get_encoder(model, device=args.device)
        vectors, report = embed_catalog(catalog, encoder, progress=progress, batch_size=args.batch_size)
        reused, computed, discarded, dim = report.reused, report.computed, report.discarded_files, vectors.shape[1]
        extra = {"not_saved": report.not_saved}
    seconds = round(time.monotonic() - started, 1)
    if kept is not None:
        kept_catalogs.mark_embedded(kept.slug, encoder.name, seconds=seconds)
    summary = {
        "catalog": kept.name if kept is not None else catalog.source,
        "videos": len(catalog),
        "model": encoder.name,
        "dim": int(dim),
        "engine": args.engine,
        "embedded": computed,
        "skipped": reused,
        "seconds": seconds,
        "reused": reused,
        "computed": computed,
        "discarded_cache_files": discarded,
        **{k: v for k, v in extra.items() if v is not None},
    }
    print(
        json.dumps(summary, ensure_ascii=False, indent=2)
        if args.json
        else "\n".join(f"{k}: {v}" for k, v in summary.items())
    )
    return 0


@dataclass(frozen=True)
class EncoderFacts:
    name: str
    dim: int


def encoder_facts(model: str) -> EncoderFacts:
    """A registered encoder's id and dimension without loading it; any other model is loaded once to learn them."""
    spec = find(model)
    if spec is not None:
        return EncoderFacts(spec.model_id, spec.dim)
    encoder = get_encoder(model)
    return EncoderFacts(encoder.name, encoder.dim)


def add_embed(sub: argparse._SubParsersAction) -> None:
    embed = sub.add_parser(
        "embed",
        help="embed a catalog into the cache (resumable)",
        description="Embed a catalog file, or a catalog kept by the app's Data page (its folder under "
        "vidrec_data/catalogs, the folder's name or its display name), into the shared cache. Interrupt it any "
        "time: the next run resumes where it stopped.",
    )
    add_common(embed)
    embed.set_defaults(model=None)  # a kept catalog's own encoder unless --model is given; else minilm
    embed.add_argument("--batch-size", type=int, default=DEFAULT_BATCH_SIZE)
    embed.add_argument("--device", default="cpu", help="cpu or cuda (sentence-transformers models)")
    embed.add_argument(
        "--engine",
        choices=ENGINES,
        default="local",
        help="local: this process; ray: Ray Data workers, one model each, on a local Ray or the cluster RAY_ADDRESS "
        "names (pip install -r requirements-scale.txt)",
    )
    embed.add_argument(
        "--workers", type=int, default=None, help="ray engine: worker actors (default: one per CPU of the cluster)"
    )
    embed.add_argument(
        "--shard-rows",
        type=int,
        default=4096,
        help="ray engine: vectors per stored shard; a run killed outright loses at most this many",
    )
    embed.set_defaults(func=cmd_embed)
